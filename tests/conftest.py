"""Session fixtures: every config in config/ is synthesized once per test run, in-process.

The jsii node process and the provider bindings are loaded once per test process: once for the
whole suite, or once per worker under pytest-xdist (``make test`` runs ``-n auto``). What is too
expensive to compute in every worker goes through ``once_per_run``.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from prewarmed import CHECKOV, CHECKOV_ENV, PrewarmedCheckov
from synthhelp import (
    CHECKOV_SUMMARY,
    CONFIG_DIR,
    CONFIG_FILES,
    CONFIGS,
    REGION_CASES,
    REGION_IDS,
    REPO,
    MainRun,
    OncePerRun,
    Stack,
    Synthesized,
    earlier_output,
    slow_first,
    synth,
)

from dualstack.config import Config
from dualstack.config.loader import load_config

_checkov_summaries: dict[str, str] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Collects what test_checkov.py records for the summary (under xdist: in the controller)."""
    for name, value in report.user_properties:
        if name == CHECKOV_SUMMARY:
            _checkov_summaries[report.nodeid] = str(value)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _checkov_summaries:
        terminalreporter.section("checkov")
        for nodeid in sorted(_checkov_summaries):
            terminalreporter.write_line(_checkov_summaries[nodeid])


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests marked ``slow`` first, the longest first (``synthhelp.slow_first``): the xdist
    workers of ``make test`` take tests from the front of this list as they go, so the long ones
    run beside the short ones and the run ends on short ones (docs/development.md#tests)."""
    slow_first(items)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-addresses",
        action="store_true",
        help="rewrite tests/addresses/<config>.txt from the current synthesis (review the diff)",
    )


@pytest.fixture(scope="session")
def synthesized_configs(
    tmp_path_factory: pytest.TempPathFactory, once_per_run: OncePerRun
) -> dict[str, Synthesized]:
    """``{config file stem: synthesized output}`` for every file in config/, each synthesized
    in-process once per run. Odd-numbered xdist workers go through the configs from the end, so
    two workers synthesize two each and read the other two."""
    paths = list(CONFIG_FILES)
    if int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0) % 2:
        paths.reverse()
    out = {}
    for path in paths:

        def compute(path: Path = path) -> Synthesized:
            return synth(load_config(path), tmp_path_factory.mktemp(f"synth-{path.stem}") / "cdktf.out")

        out[path.stem] = once_per_run(f"config-{path.stem}", compute)
    return {path.stem: out[path.stem] for path in CONFIG_FILES}


@pytest.fixture(scope="session")
def once_per_run(tmp_path_factory: pytest.TempPathFactory) -> OncePerRun:
    """``once_per_run(key, compute)``: computed by one process of this run, read by the others."""
    distributed = bool(os.environ.get("PYTEST_XDIST_WORKER"))
    return OncePerRun(tmp_path_factory.getbasetemp().parent if distributed else None)


@pytest.fixture(scope="session")
def default_synth(synthesized_configs: dict[str, Synthesized]) -> Synthesized:
    return synthesized_configs["default"]


@pytest.fixture(params=[p.stem for p in CONFIG_FILES])
def any_synth(request: pytest.FixtureRequest, synthesized_configs: dict[str, Synthesized]) -> Synthesized:
    """Parametrizes a test over every config in config/."""
    return synthesized_configs[request.param]


@pytest.fixture(params=REGION_CASES, ids=REGION_IDS)
def case(
    request: pytest.FixtureRequest, synthesized_configs: dict[str, Synthesized]
) -> tuple[Config, str, Stack]:
    """``(config, region name, region stack)``: parametrizes a test over every region of every
    config in config/ (ids ``<config>-<region>``)."""
    stem, region = request.param
    return CONFIGS[stem], region, synthesized_configs[stem][region]


@pytest.fixture(params=REGION_CASES, ids=REGION_IDS)
def wcase(
    request: pytest.FixtureRequest, synthesized_configs: dict[str, Synthesized]
) -> tuple[Config, str, Stack]:
    """``(config, region name, the region's workloads stack)``, over the same cases as ``case``."""
    stem, region = request.param
    return CONFIGS[stem], region, synthesized_configs[stem][f"{region}-workloads"]


@pytest.fixture(scope="session")
def synth_variant(
    tmp_path_factory: pytest.TempPathFactory, once_per_run: OncePerRun
) -> Callable[..., Synthesized]:
    """Synthesize a variant of a config: ``synth_variant("default", mutate, key)``. A variant is
    synthesized once per run, whichever tests and workers ask for it and under whatever ``key``
    (which names its folder): it is known by the config it results in."""

    def _make(base: str, mutate: Callable[[dict[str, Any]], None], key: str) -> Synthesized:
        raw = yaml.safe_load((CONFIG_DIR / f"{base}.yaml").read_text())
        mutate(raw)
        digest = hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()[:24]

        def compute() -> Synthesized:
            config = Config.model_validate(raw)
            return synth(config, tmp_path_factory.mktemp(f"variant-{key}") / "cdktf.out")

        return once_per_run(f"variant-{digest}", compute)

    return _make


@pytest.fixture(scope="session")
def main_py_run(tmp_path_factory: pytest.TempPathFactory, once_per_run: OncePerRun) -> MainRun:
    """``python main.py`` as a user runs it, once per test run, for the tests of the app as a
    process (tests/test_cli.py, tests/test_fastimport.py): ``DUALSTACK_CONFIG`` unset (so
    config/default.yaml), no ``terraform`` anywhere on ``PATH``, into an output folder left by
    an earlier run that holds a Terraform lock file beside the stacks."""

    def compute() -> MainRun:
        out = earlier_output(tmp_path_factory.mktemp("main-py") / "cdktf.out")
        env = {k: v for k, v in os.environ.items() if k not in ("DUALSTACK_CONFIG", "CDKTF_OUTDIR")}
        env["PATH"] = os.pathsep.join(
            d for d in env.get("PATH", "").split(os.pathsep) if d and not (Path(d) / "terraform").exists()
        )
        env.update(CDKTF_OUTDIR=str(out), CHECKPOINT_DISABLE="1")
        proc = subprocess.run(
            [sys.executable, "main.py"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        return MainRun(proc.returncode, proc.stdout, proc.stderr, out)

    return once_per_run("main-py-default", compute)


@pytest.fixture(scope="session")
def checkov(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The ``checkov`` the tests run: the locked Checkov, prewarmed (tests/prewarmed.py), one
    interpreter per test process, started when a test first asks for it."""
    if not CHECKOV.is_file():
        pytest.fail(
            f"{CHECKOV.relative_to(REPO)} is missing: run `make install` (it builds .checkov-venv from "
            "tools/checkov/requirements.txt); `make test` does that itself",
            pytrace=False,
        )
    server = PrewarmedCheckov(tmp_path_factory.mktemp("checkov"), {**os.environ, **CHECKOV_ENV})
    yield server.executable
    server.close()
