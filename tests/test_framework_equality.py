"""The same app on both frameworks: every config in config/ synthesized on CDK for Terraform and on
CDK Terrain gives the same files and the same JSON, but for the complete list of allowed
differences in ``tests/frameworkdiff.py`` (the framework and provider versions, the kubernetes
provider's source spelling), each checked to be exactly the value that framework writes.

This process synthesizes on its framework (``synthesized_configs``); the other framework runs
``main.py`` from its own venv. Where that venv is missing the comparison skips, naming the command
that installs it, unless ``DUALSTACK_REQUIRE_BOTH_FRAMEWORKS=1`` (``.ci/run`` sets it): then it
fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from frameworkdiff import ALLOWED_DIFFERENCES, PLACEHOLDER, compare_outdirs, differences, normalize
from synthhelp import CONFIG_FILES, REPO, Synthesized

from dualstack.fastimport import CDKTF, CDKTN, selected

ACTIVE = selected()
OTHER = CDKTN if ACTIVE is CDKTF else CDKTF
OTHER_PYTHON = REPO / OTHER.home / ".venv" / "bin" / "python"
REQUIRE_ENV = "DUALSTACK_REQUIRE_BOTH_FRAMEWORKS"


def _other_python() -> Path:
    if not OTHER_PYTHON.exists():
        reason = f"no {OTHER.name} venv at {OTHER_PYTHON.parent.parent}: make install FRAMEWORK={OTHER.name}"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 and {reason}")
        pytest.skip(reason)
    return OTHER_PYTHON


def synthesize_on_the_other_framework(config: Path, outdir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env.update(
        DUALSTACK_FRAMEWORK=OTHER.name,
        DUALSTACK_CONFIG=str(config),
        CDKTF_OUTDIR=str(outdir),
        CHECKPOINT_DISABLE="1",
    )
    env.pop("JSII_NODE", None)  # the other venv's own Node
    run = subprocess.run(
        [str(_other_python()), "main.py"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr


@pytest.mark.cli
@pytest.mark.slow(14)
@pytest.mark.parametrize("config", CONFIG_FILES, ids=[p.stem for p in CONFIG_FILES])
def test_both_frameworks_synthesize_the_same_terraform(
    config: Path, synthesized_configs: dict[str, Synthesized], tmp_path: Path
) -> None:
    theirs = tmp_path / "cdktf.out"
    synthesize_on_the_other_framework(config, theirs)
    ours = synthesized_configs[config.stem].outdir
    problems = compare_outdirs(ours, ACTIVE.name, theirs, OTHER.name)
    assert not problems, f"{len(problems)} difference(s) not in the allowed list:\n" + "\n".join(
        problems[:40]
    )
    # Not vacuous: both wrote every stack, and the other side really ran the other framework.
    stacks = sorted(p.parent.name for p in theirs.glob("stacks/*/cdk.tf.json"))
    assert stacks == sorted(synthesized_configs[config.stem].stacks)
    (framework_version,) = [a for a in ALLOWED_DIFFERENCES if a.files == "manifest"]
    assert (
        json.loads((theirs / "manifest.json").read_text())["version"] == framework_version.values[OTHER.name]
    )
    assert (
        json.loads((ours / "manifest.json").read_text())["version"] == framework_version.values[ACTIVE.name]
    )
    shutil.rmtree(theirs)


# --- the comparison itself -------------------------------------------------------------------


def _outdir(root: Path, framework: str, *, tweak: str = "") -> Path:
    """A small output folder as ``framework`` writes it (``tweak`` changes one thing)."""
    values = {a.path: a.values[framework] for a in ALLOWED_DIFFERENCES}
    stack = {
        "//": {"metadata": {"version": values[("//", "metadata", "version")], "stackName": "global"}},
        "terraform": {
            "required_providers": {
                "azurerm": {
                    "source": "azurerm",
                    "version": values[("terraform", "required_providers", "azurerm", "version")],
                },
                "kubernetes": {
                    "source": values[("terraform", "required_providers", "kubernetes", "source")],
                    "version": "2.38.0",
                },
            }
        },
        "resource": {"azurerm_resource_group": {"rg": {"name": "rg-x", "location": "eastus2", "tags": {}}}},
    }
    if tweak == "tag":
        stack["resource"]["azurerm_resource_group"]["rg"]["tags"] = {"framework": "cdktn"}  # type: ignore[index]
    if tweak == "location":
        stack["resource"]["azurerm_resource_group"]["rg"]["location"] = "westus3"  # type: ignore[index]
    if tweak == "kubernetes-version":
        stack["terraform"]["required_providers"]["kubernetes"]["version"] = "2.39.0"  # type: ignore[index]
    if tweak == "azurerm-pin":
        stack["terraform"]["required_providers"]["azurerm"]["version"] = "4.82.0"  # type: ignore[index]
    out = root / framework
    (out / "stacks" / "global").mkdir(parents=True)
    (out / "stacks" / "global" / "cdk.tf.json").write_text(
        json.dumps(stack, indent=2 if framework == "cdktn" else None)
    )
    (out / "manifest.json").write_text(json.dumps({"version": values[("version",)], "stacks": {}}))
    (out / "overview.md").write_text("# Topology\n" + ("changed\n" if tweak == "overview" else ""))
    return out


def test_the_comparison_allows_exactly_the_listed_differences(tmp_path: Path) -> None:
    assert compare_outdirs(_outdir(tmp_path, "cdktf"), "cdktf", _outdir(tmp_path, "cdktn"), "cdktn") == []


@pytest.mark.parametrize(
    ("tweak", "expected"),
    [
        (
            "location",
            'stacks/global/cdk.tf.json: resource.azurerm_resource_group.rg.location: "eastus2" != "westus3"',
        ),
        (
            "kubernetes-version",
            'stacks/global/cdk.tf.json: terraform.required_providers.kubernetes.version: "2.38.0" != "2.39.0"',
        ),
        (
            "azurerm-pin",
            "stacks/global/cdk.tf.json: terraform.required_providers.azurerm.version is '4.82.0' on cdktn, the list of allowed differences says '4.81.0'",
        ),
        ("overview", "overview.md: differs"),
    ],
)
def test_the_comparison_reports_any_other_difference(tmp_path: Path, tweak: str, expected: str) -> None:
    problems = compare_outdirs(
        _outdir(tmp_path, "cdktf"), "cdktf", _outdir(tmp_path, "cdktn", tweak=tweak), "cdktn"
    )
    assert problems == [expected]


def test_a_file_only_one_framework_writes_is_reported(tmp_path: Path) -> None:
    cdktf, cdktn = _outdir(tmp_path, "cdktf"), _outdir(tmp_path, "cdktn")
    (cdktn / "stacks" / "global" / "extra.json").write_text("{}")
    assert compare_outdirs(cdktf, "cdktf", cdktn, "cdktn") == [
        "stacks/global/extra.json: only written on cdktn"
    ]


def test_normalizing_touches_only_the_listed_paths() -> None:
    doc = {"version": "0.23.4", "terraform": {"required_providers": {"azurerm": {"version": "4.81.0"}}}}
    normalized, problems = normalize(doc, "stack", "cdktn", "x")
    assert problems == []
    assert normalized == {
        "version": "0.23.4",
        "terraform": {"required_providers": {"azurerm": {"version": PLACEHOLDER}}},
    }
    assert list(differences({"a": [1, 2]}, {"a": [1, 2, 3]})) == ["a: [1, 2] != [1, 2, 3]"]


def test_the_listed_framework_versions_are_the_locked_ones() -> None:
    for framework in (CDKTF, CDKTN):
        lock = json.loads((REPO / framework.home / "Pipfile.lock").read_text())
        locked = lock["default"][framework.core]["version"].removeprefix("==")
        listed = {
            a.values[framework.name]
            for a in ALLOWED_DIFFERENCES
            if a.path[-1] == "version" and a.path[0] != "terraform"
        }
        assert listed == {locked}, framework.name
