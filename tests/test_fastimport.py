"""The fast import path changes nothing but speed, and the process ends cleanly.

``dualstack.fastimport`` registers the eager provider packages without running their
``__init__`` (cdktf's azurerm imports all of its 1,527 submodules there). These tests prove the
output is byte-identical to the stock import, that the stock path still works, and that a
failing synthesis still exits non-zero and leaves earlier output alone. cdktn's azurerm package
is lazy itself, and the fast path is not applied to it.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from frameworkdiff import ALLOWED_DIFFERENCES
from synthhelp import CONFIG_DIR, REPO, MainRun, Synthesized, earlier_output, read_outdir

from dualstack import fastimport

ACTIVE = fastimport.selected()
pytestmark = pytest.mark.cli


def _run(args: list[str], outdir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("DUALSTACK_CONFIG", "CDKTF_OUTDIR")}
    environment.update(CDKTF_OUTDIR=str(outdir), DUALSTACK_CONFIG=str(CONFIG_DIR / "default.yaml"), **env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_in_this_process_the_provider_packages_were_not_imported_eagerly() -> None:
    importlib.import_module("dualstack.framework")
    package = importlib.import_module(ACTIVE.providers["azurerm"])
    # The stock cdktf __init__ would have imported all 1,527 submodules; cdktn's imports none.
    loaded = [m for m in sys.modules if m.startswith(package.__name__ + ".")]
    assert 0 < len(loaded) < 200, len(loaded)
    assert "aadb2c_directory" not in vars(package)


def _root_source(package: str) -> str:
    spec = importlib.machinery.PathFinder.find_spec(package)
    assert spec is not None and spec.origin is not None, package
    return Path(spec.origin).read_text()


def test_the_fast_path_skips_exactly_the_packages_that_are_lazy_already() -> None:
    """A package root with a module-level ``__getattr__`` (PEP 562) loads its submodules on first
    use, and the fast path would do nothing there; every other root imports all its submodules,
    and the fast path applies. The table in ``fastimport`` must say which, for the installed
    framework."""
    for provider, package in ACTIVE.providers.items():
        source = _root_source(package)
        lazy = "\ndef __getattr__(" in source
        assert lazy == (provider in ACTIVE.lazy_providers), package
        if not lazy:
            assert source.count("\nfrom . import ") > 1, package  # the eager imports the fast path skips
    assert fastimport.CDKTF.lazy_providers == frozenset()
    assert fastimport.CDKTN.lazy_providers == {"azurerm"}


@pytest.mark.slow(20)
def test_stock_eager_import_gives_byte_identical_output(default_synth: Synthesized, tmp_path: Path) -> None:
    result = _run(["main.py"], tmp_path / "eager", DUALSTACK_EAGER_IMPORTS="1")
    assert result.returncode == 0, result.stderr
    eager = read_outdir(tmp_path / "eager")
    assert {n: s.text for n, s in eager.stacks.items()} == {
        n: s.text for n, s in default_synth.stacks.items()
    }


def test_every_stack_file_is_complete_json_once_the_process_has_exited(main_py_run: MainRun) -> None:
    """Also: synthesis needs no Terraform binary (``main_py_run`` has no terraform on PATH)."""
    assert main_py_run.returncode == 0, main_py_run.stderr
    out = read_outdir(main_py_run.outdir)  # parses every stack file listed in the manifest
    assert set(out.stacks) == {
        "global",
        "eastus2",
        "eastus2-workloads",
        "swedencentral",
        "swedencentral-workloads",
    }
    (azurerm_pin,) = [a for a in ALLOWED_DIFFERENCES if a.path[-2:] == ("azurerm", "version")]
    for stack in out.stacks.values():
        assert stack.text.rstrip().endswith("}")
        assert (
            stack.json["terraform"]["required_providers"]["azurerm"]["version"]
            == azurerm_pin.values[ACTIVE.name]
        )
    assert (main_py_run.outdir / "overview.md").read_text().startswith("# Topology")


def test_an_error_during_synthesis_exits_nonzero_and_keeps_earlier_output(tmp_path: Path) -> None:
    """The real ``main``, ``synthesize`` and ``build_app`` run, and cdktf writes the stack files
    into the staging folder; then the step after them (the overview) fails. Stubs stand in for
    the stack constructs (one empty stack each) and the overview, so the process never imports
    the provider bindings (seconds it would spend for nothing)."""
    out = earlier_output(tmp_path / "out")
    failing = (
        "import os, sys, types\n"
        "from pathlib import Path\n"
        "from dualstack.fastimport import activate\n"
        "TerraformStack = __import__(activate().core).TerraformStack\n"
        "def global_stack(scope, name, **_):\n"
        "    stack = TerraformStack(scope, name)\n"
        "    ns = types.SimpleNamespace\n"
        "    stack.services = ns(refs=ns(front_door=None))\n"
        "    return stack\n"
        "def region_stack(scope, name, **_):\n"
        "    return TerraformStack(scope, name)\n"
        "def render_overview(config, *_):\n"
        "    out = Path(os.environ['CDKTF_OUTDIR'])\n"
        "    files = out.parent.glob(f'.{out.name}.staging-*/stacks/*/cdk.tf.json')\n"
        "    staged = sorted(p.parent.name for p in files)\n"
        "    raise RuntimeError(f'synthesis failed on purpose; staged: {staged}')\n"
        "for name, attrs in (\n"
        "    ('dualstack.global_.stack', {'GlobalStack': global_stack}),\n"
        "    ('dualstack.edge.stack', {'EdgeStack': None}),\n"
        "    ('dualstack.region.stack', {'RegionStack': region_stack}),\n"
        "    ('dualstack.workloads.stack', {'WorkloadsStack': region_stack}),\n"
        "    ('dualstack.review.overview', {'render_overview': render_overview}),\n"
        "):\n"
        "    stub = sys.modules[name] = types.ModuleType(name)\n"
        "    vars(stub).update(attrs)\n"
        "from dualstack.cli import main\n"
        "sys.exit(main())\n"
    )
    result = _run(["-c", failing], out)
    assert result.returncode != 0
    # It failed after the stacks were written, into the staging folder only.
    staged = "['eastus2', 'eastus2-workloads', 'global', 'swedencentral', 'swedencentral-workloads']"
    assert f"synthesis failed on purpose; staged: {staged}" in result.stderr
    assert (out / "stacks" / "global" / "cdk.tf.json").read_text() == '{"earlier": true}\n'
    assert not list(tmp_path.glob(".out.staging-*")), "staging folder left behind"
