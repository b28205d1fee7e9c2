"""The package's import graph: no cycles, and the review tooling's layers stay apart.

Every ``import`` and ``from ... import`` of a ``dualstack`` module counts, wherever it stands:
at the top, inside a function, or under ``if TYPE_CHECKING:`` (a cycle hidden there is still
a cycle for a reader and for a type checker). The graph is read from the source with ``ast``,
so nothing is imported to build it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from synthhelp import REPO

SOURCE_ROOT = REPO / "constructs"
PACKAGE = SOURCE_ROOT / "dualstack"


def _module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imported(module: str, tree: ast.AST) -> set[str]:
    """The ``dualstack`` modules (and the packages above them) that ``module`` imports."""
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}".rstrip(".")
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    found: set[str] = set()
    for name in names:
        parts = name.split(".")
        found.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    # The packages above ``module`` are initialized by Python before it runs, whatever it
    # imports: not an edge (``dualstack.config.cluster`` importing ``dualstack.config.base``
    # does not make the package's ``__init__``, which re-exports both, a cycle).
    ancestors = {".".join(module.split(".")[:i]) for i in range(1, module.count(".") + 1)}
    return {name for name in found if name in MODULES and name != module and name not in ancestors}


GRAPH = {name: _imported(name, ast.parse(path.read_text(encoding="utf-8"))) for name, path in MODULES.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (the first repeated at the end), or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start)
            if cycle:
                return cycle
    return None


def test_the_cycle_finder_finds_a_cycle_and_accepts_a_tree() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_graph_sees_imports_inside_functions_and_type_checking_blocks() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from dualstack.review.diff import Report\n"
        "def f():\n    from dualstack import naming\n"
    )
    # Not "dualstack" nor "dualstack.review": the module's own packages are no edge.
    assert _imported("dualstack.review.markdown", ast.parse(source)) == {
        "dualstack.review.diff",
        "dualstack.naming",
    }
    # A package above another module is one (a cycle through a package's __init__ counts).
    assert "dualstack.review" in _imported(
        "dualstack.synth", ast.parse("from dualstack.review import files\n")
    )


def test_no_module_of_the_package_takes_part_in_an_import_cycle() -> None:
    assert len(MODULES) > 20, MODULES
    cycle = find_cycle(GRAPH)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_diff_and_the_renderer_share_only_the_model() -> None:
    diff, markdown = GRAPH["dualstack.review.diff"], GRAPH["dualstack.review.markdown"]
    assert "dualstack.review.markdown" not in diff
    assert "dualstack.review.diff" not in markdown
    assert "dualstack.review.model" in diff & markdown
    model = GRAPH["dualstack.review.model"]
    assert not {m for m in model if m.startswith("dualstack.review.") and m != "dualstack.review.redact"}


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("dualstack.review.")))
def test_each_review_module_imports_on_its_own_without_cdktf(module: str) -> None:
    """A fresh interpreter imports the module first and alone; cdktf and jsii stay unloaded."""
    probe = (
        f"import sys, {module}\nprint(sorted(m for m in sys.modules if m.split('.')[0] in ('cdktf', 'jsii')))"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_synthesis_reaches_the_review_tooling_through_one_function() -> None:
    """The review tool is off the synthesis path: ``synth`` imports ``write_review_files`` and
    nothing else of ``dualstack.review``, and no other module outside it imports it at all (the
    CLI ``python -m dualstack.review`` is its own entry point)."""
    outside = {
        module: {d for d in deps if d == "dualstack.review" or d.startswith("dualstack.review.")}
        for module, deps in GRAPH.items()
        if module != "dualstack.review" and not module.startswith("dualstack.review.")
    }
    assert {m: d for m, d in outside.items() if d} == {
        "dualstack.synth": {"dualstack.review", "dualstack.review.files"}
    }
    tree = ast.parse(MODULES["dualstack.synth"].read_text(encoding="utf-8"))
    names = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("dualstack.review")
        for alias in node.names
    ]
    assert names == ["write_review_files"]
