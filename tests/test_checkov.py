"""Checkov over every synthesized stack of every config in config/.

Checkov runs from its own locked venv (``.checkov-venv``, built by ``make install`` from
``tools/checkov/requirements.txt``), never from the app's venv, through ``tools/checkov_scan.py``:
one Checkov run per config, over all of that config's stacks. Skips live in ``.checkov.yaml``.
The counts of every config are printed in a "checkov" section at the end of the pytest output;
the failed checks of a config are in its test's failure message.

A Checkov run takes about 3-5 s here, most of it Checkov importing itself. Running the configs'
scans in parallel did not help on these 2-core machines, so they run one after the other.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from synthhelp import CHECKOV_SUMMARY, CONFIG_FILES, REPO, Synthesized

RUNNER = REPO / "tools" / "checkov_scan.py"
CHECKOV = REPO / ".checkov-venv" / "bin" / "checkov"
MISSING = (
    f"{CHECKOV.relative_to(REPO)} is missing: run `make install` (it builds .checkov-venv from "
    "tools/checkov/requirements.txt); `make test` does that itself"
)


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


def _scan(outdir: Path, report: Path, label: str) -> Scan:
    if not CHECKOV.is_file():
        pytest.fail(MISSING, pytrace=False)
    proc = subprocess.run(
        [sys.executable, str(RUNNER), str(outdir), "--json", str(report), "--label", label],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    data = json.loads(report.read_text()) if report.is_file() else {}
    if proc.returncode not in (0, 1) or "ok" not in data or "error" in data:
        pytest.fail(f"checkov_scan.py could not scan (exit {proc.returncode}):\n{proc.stderr}", pytrace=False)
    return Scan(proc.returncode, proc.stdout, proc.stderr, data)


@pytest.mark.parametrize("config", [p.stem for p in CONFIG_FILES])
def test_checkov(
    config: str,
    synthesized_configs: dict[str, Synthesized],
    record_property: Callable[[str, object], None],
    tmp_path: Path,
) -> None:
    scan = _scan(synthesized_configs[config].outdir, tmp_path / "checkov.json", f"config/{config}.yaml")
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
    default_synth: Synthesized, tmp_path: Path
) -> None:
    """``terraform.required_version`` is stripped (else Checkov skips the whole file and exits 0);
    a stack Checkov still cannot parse is a parse error and a failure, not a silent pass."""
    outdir = _break(default_synth.outdir, tmp_path / "cdktf.out")
    scan = _scan(outdir, tmp_path / "checkov.json", "a broken copy of config/default.yaml")
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
