"""Checkov over every synthesized stack of every config in config/.

Checkov runs from its own locked venv (``.checkov-venv``, built by ``make install`` from
``tools/checkov/requirements.txt``), never from the app's venv, through ``tools/checkov_scan.py``:
one Checkov run per config, over all of that config's stacks. Skips live in ``.checkov.yaml``.
The counts of every config are printed in a "checkov" section at the end of the pytest output;
the failed checks of a config are in its test's failure message.

The runner is given the tests' ``checkov`` (conftest.py): the locked Checkov, forked for each
run from an interpreter that has already imported it (tests/prewarmed.py), since importing
itself was most of each run's 3-5 s. That the runner finds the locked Checkov by default is
tested on its own.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from prewarmed import CHECKOV, CHECKOV_ENV
from synthhelp import CHECKOV_SUMMARY, CONFIG_FILES, REPO, Synthesized, load_tool

RUNNER = REPO / "tools" / "checkov_scan.py"


@dataclass(frozen=True)
class Scan:
    returncode: int
    stdout: str
    stderr: str
    report: dict[str, Any]


def _break(source: Path, target: Path) -> Path:
    """Copy ``source`` (the default config's output) and add what Checkov cannot handle:
    ``terraform.required_version`` in the first region stack (the runner must strip it) and a
    resource that is not an object in ``global`` (a parse error the runner must report)."""
    shutil.copytree(source, target)
    manifest = json.loads((target / "manifest.json").read_text())
    region = next(name for name in manifest["stacks"] if name != "global")
    region_file = target / "stacks" / region / "cdk.tf.json"
    doc = json.loads(region_file.read_text())
    doc["terraform"]["required_version"] = ">= 1.2"
    region_file.write_text(json.dumps(doc, indent=2))
    global_file = target / "stacks" / "global" / "cdk.tf.json"
    doc = json.loads(global_file.read_text())
    resources = next(iter(doc["resource"].values()))
    resources[next(iter(resources))] = ["not an object"]
    global_file.write_text(json.dumps(doc, indent=2))
    return target


def _scan(outdir: Path, report: Path, label: str, checkov: Path) -> Scan:
    proc = subprocess.run(
        [
            sys.executable,
            str(RUNNER),
            str(outdir),
            "--json",
            str(report),
            "--label",
            label,
            "--checkov",
            str(checkov),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    data = json.loads(report.read_text()) if report.is_file() else {}
    if proc.returncode not in (0, 1) or "ok" not in data or "error" in data:
        pytest.fail(f"checkov_scan.py could not scan (exit {proc.returncode}):\n{proc.stderr}", pytrace=False)
    return Scan(proc.returncode, proc.stdout, proc.stderr, data)


@pytest.mark.slow(3)
@pytest.mark.parametrize("config", [p.stem for p in CONFIG_FILES])
def test_checkov(
    config: str,
    synthesized_configs: dict[str, Synthesized],
    record_property: Callable[[str, object], None],
    tmp_path: Path,
    checkov: Path,
) -> None:
    scan = _scan(
        synthesized_configs[config].outdir, tmp_path / "checkov.json", f"config/{config}.yaml", checkov
    )
    # The summary section gets the counts (conftest.py prints it, also from xdist workers); the
    # failed checks are in this test's failure message.
    record_property(
        CHECKOV_SUMMARY,
        "\n".join(
            line for line in scan.stdout.rstrip().splitlines() if not line.startswith(("    ", "  FAILED ("))
        ),
    )
    data = scan.report
    problems = [*data["parse_errors"], *data["problems"]]
    if data["failed"] or problems or scan.returncode != 0:
        pytest.fail(
            f"checkov: {len(data['failed'])} failed checks, {len(problems)} other problems "
            f"in config/{config}.yaml\n{scan.stdout}",
            pytrace=False,
        )
    assert data["ok"]
    assert data["totals"]["passed"] > 0
    if "edge" in data["stacks"]:
        # Checkov has no check for the Front Door route's types: read, nothing to check, no problem.
        assert data["stacks"]["edge"]["resources_checked"] == 0


def test_runner_strips_required_version_and_fails_on_a_parse_error(
    default_synth: Synthesized, tmp_path: Path, checkov: Path
) -> None:
    """``terraform.required_version`` is stripped (else Checkov skips the whole file and exits 0);
    a stack Checkov still cannot parse is a parse error and a failure, not a silent pass."""
    outdir = _break(default_synth.outdir, tmp_path / "cdktf.out")
    scan = _scan(outdir, tmp_path / "checkov.json", "a broken copy of config/default.yaml", checkov)
    data = scan.report
    assert scan.returncode == 1
    assert not data["ok"]
    region = next(name for name in data["stacks"] if name != "global")
    assert data["stacks"][region]["stripped"] == ["terraform.required_version"]
    assert data["stacks"][region]["resources_checked"] > 0
    assert any(e.startswith("global: checkov could not parse") for e in data["parse_errors"]), data
    assert data["stacks"]["global"]["resources_checked"] == 0
    assert any(p.startswith("global: ") and "none was checked" in p for p in data["problems"]), data


def test_runner_without_checkov_venv_says_make_install(default_synth: Synthesized, tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(RUNNER), str(default_synth.outdir), "--checkov", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "make install" in proc.stderr


def test_runner_runs_the_locked_checkov_by_default() -> None:
    runner = load_tool("checkov_scan")
    assert runner.DEFAULT_CHECKOV == REPO / ".checkov-venv" / "bin" / "checkov"
    assert CHECKOV.is_file(), "make install builds .checkov-venv"


def test_the_prewarmed_checkov_is_the_locked_one_and_passes_its_exit_code_on(
    checkov: Path, tmp_path: Path
) -> None:
    log = checkov.parent / "server.log"
    env = {**os.environ, **CHECKOV_ENV, "HOME": str(tmp_path)}

    def run(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(checkov), *args],
            capture_output=True,
            text=True,
            check=False,
            cwd=tmp_path,
            env={**env, **extra},
        )

    version = run("--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == load_tool("checkov_scan").pinned_version()
    assert log.read_text().splitlines()[-1] == "prewarmed checkov --version"
    # A client that goes away without a request (killed on a timeout, say) leaves it serving.
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as gone:
        gone.connect(str(checkov.parent / "checkov.sock"))
    bad = run("--no-such-flag")
    assert bad.returncode == 2
    assert "unrecognized arguments: --no-such-flag" in bad.stderr
    assert any(line.startswith("request failed: ") for line in log.read_text().splitlines())
    # Another environment than the one Checkov was imported with: the real checkov, fresh.
    fresh = run("--version", DUALSTACK_TEST_VARIABLE="1")
    assert fresh.returncode == 0, fresh.stderr
    assert fresh.stdout == version.stdout
    assert (
        log.read_text().splitlines()[-1] == "fresh checkov (environment differs: ['DUALSTACK_TEST_VARIABLE'])"
    )
