"""``import constructs`` is the library in every entry point; our code is ``dualstack``.

The top-level ``constructs/`` folder is a source root (like ``src/``) without an
``__init__.py``; the package inside it is installed editable from the Pipfile.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import constructs
import pytest
from synthhelp import REPO

import dualstack
from dualstack import topology

PROBE = (
    "import constructs, dualstack, sys; "
    "assert 'site-packages' in constructs.__file__, constructs.__file__; "
    "assert hasattr(constructs, 'Construct'); "
    "print(constructs.__file__); print(dualstack.__file__)"
)


def _check(stdout: str) -> None:
    library, ours = stdout.strip().splitlines()[-2:]
    assert "site-packages" in library
    assert Path(ours).resolve() == (REPO / "constructs" / "dualstack" / "__init__.py").resolve()


def test_in_this_pytest_process() -> None:
    assert "site-packages" in constructs.__file__
    assert constructs.Construct.__module__.startswith("constructs")
    assert Path(dualstack.__file__).resolve().parent == REPO / "constructs" / "dualstack"
    assert not (REPO / "constructs" / "__init__.py").exists(), "an __init__.py here would shadow the library"
    assert "constructs.dualstack" not in sys.modules


def test_python_main_py_sees_the_library() -> None:
    """``python main.py`` puts the repo root first on sys.path; ``import main`` does the same."""
    result = subprocess.run(
        [sys.executable, "-c", "import main; " + PROBE],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    _check(result.stdout)


@pytest.mark.slow(5)
@pytest.mark.parametrize(
    "runner",
    [
        pytest.param([sys.executable, "-m", "pytest"], id="python-m-pytest"),
        pytest.param([str(Path(sys.executable).parent / "pytest")], id="plain-pytest"),
    ],
)
def test_pytest_entry_points_from_repo_root(runner: list[str]) -> None:
    # A pytest of its own, as a user starts it, not a copy of this xdist worker: with the
    # worker's variables its once_per_run would share a folder across runs.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PYTEST_XDIST_") and k != "PYTEST_CURRENT_TEST"
    }
    result = subprocess.run(
        [*runner, "-q", "-p", "no:cacheprovider", "tests/test_layout.py::test_in_this_pytest_process"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_from_another_directory(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": ""}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    _check(result.stdout)


# --- the tests mirror the stack packages ------------------------------------------------

PACKAGE = REPO / "constructs" / "dualstack"
TESTS = REPO / "tests"
STACK_PACKAGES = tuple(kind.package for kind in topology.STACKS)
"""One sub-package per stack (``dualstack.topology``); ``tests/<package>/`` holds the construct-level
tests of its modules."""
DATA_FOLDERS = {"__snapshots__", "addresses", "hostile", "__pycache__"}
WITHOUT_A_CONSTRUCT_TEST = {
    "workloads.ingress": "RegionIngress: through its composer (workloads/test_workloads_stack_unit.py)",
    "workloads.sample_app": "SampleApp: through its composer (workloads/test_workloads_stack_unit.py)",
}
"""Construct modules without a test file of their own, each with where it is tested; a list that may\nonly shrink."""


def _unit_test_module(package: str, test: Path) -> str:
    """The module a construct-level test file is named for: ``test_<module>_unit.py``, or
    ``test_<package>_<module>_unit.py`` where two packages have a module of one name (``stack``)."""
    stem = test.stem.removeprefix("test_").removesuffix("_unit")
    prefix = package.rstrip("_") + "_"
    return (
        stem.removeprefix(prefix)
        if (PACKAGE / package / f"{stem.removeprefix(prefix)}.py").exists()
        else stem
    )


def test_the_test_folders_are_the_stack_packages() -> None:
    folders = {p.name for p in TESTS.iterdir() if p.is_dir()} - DATA_FOLDERS
    assert folders == set(STACK_PACKAGES)
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()} >= set(
        STACK_PACKAGES
    )


@pytest.mark.parametrize("package", STACK_PACKAGES)
def test_each_construct_test_is_named_for_a_module_of_its_package(package: str) -> None:
    for test in sorted((TESTS / package).glob("*.py")):
        assert test.name.startswith("test_") and test.stem.endswith("_unit"), test
        module = _unit_test_module(package, test)
        assert (PACKAGE / package / f"{module}.py").exists(), f"{test}: no module {package}/{module}.py"


def readable_packages(package: str) -> set[str]:
    """The stack packages a stack package may import: those of the stacks its stack is applied
    after (``topology.StackKind.after``), transitively, and itself."""
    by_name = {kind.name: kind for kind in topology.STACKS}
    (kind,) = [k for k in topology.STACKS if k.package == package]
    seen, todo = {package}, list(kind.after)
    while todo:
        earlier = by_name[todo.pop()]
        if earlier.package not in seen:
            seen.add(earlier.package)
            todo += earlier.after
    return seen


def imports_against_the_order(folder: Path, package: str) -> list[str]:
    """``file: import`` of every import of a stack package that ``package`` may not read."""
    later = tuple(f"dualstack.{p}" for p in STACK_PACKAGES if p not in readable_packages(package))
    return [
        f"{path.name}: {line}"
        for path in sorted(folder.rglob("*.py"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith(("from ", "import ")) and line.split()[1].startswith(later)
    ]


def test_readable_packages_follow_the_deploy_order() -> None:
    assert readable_packages("global_") == {"global_"}
    assert readable_packages("region") == {"region", "global_"}
    assert readable_packages("workloads") == {"workloads", "region", "global_"}
    assert readable_packages("edge") == {"edge", "region", "global_"}


@pytest.mark.parametrize("package", STACK_PACKAGES)
def test_a_stack_package_reads_only_the_packages_of_earlier_stacks(package: str) -> None:
    """Source and its construct-level tests alike: a stack's code may use what an earlier stack
    defines (the region's DNS records use the global TTL), never a later stack's, so a change in a
    later stack never touches an earlier one's code or tests."""
    assert imports_against_the_order(PACKAGE / package, package) == []
    assert imports_against_the_order(TESTS / package, package) == []


def test_the_order_check_sees_a_backward_import(tmp_path: Path) -> None:
    (tmp_path / "module.py").write_text(
        "from dualstack.workloads.stack import WorkloadsStack\n", encoding="utf-8"
    )
    assert imports_against_the_order(tmp_path, "region") != []
    assert imports_against_the_order(tmp_path, "workloads") == []


def test_every_module_with_a_construct_has_its_own_test() -> None:
    modules = {
        f"{package}.{path.stem}"
        for package in STACK_PACKAGES
        for path in (PACKAGE / package).glob("*.py")
        if {"(Construct)", "(TerraformStack)"} & set(re.findall(r"\(\w+\)", path.read_text(encoding="utf-8")))
    }
    tested = {
        f"{package}.{_unit_test_module(package, test)}"
        for package in STACK_PACKAGES
        for test in (TESTS / package).glob("*.py")
    }
    assert modules - tested == set(WITHOUT_A_CONSTRUCT_TEST)
    assert set(WITHOUT_A_CONSTRUCT_TEST) <= modules
