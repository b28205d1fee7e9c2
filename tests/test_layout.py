"""``import constructs`` is the library in every entry point; our code is ``dualstack``.

The top-level ``constructs/`` folder is a source root (like ``src/``) without an
``__init__.py``; the package inside it is installed editable from the Pipfile.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import constructs
import pytest
from synthhelp import REPO

import dualstack

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
