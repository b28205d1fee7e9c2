"""Constructs take props, never the config: each stack's composer reads ``Config`` and hands
each construct typed, frozen props (``RegionContext``, ``GlobalProps``, ``WorkloadsProps``,
``SampleAppProps``, ``CertManagerProps``) or the config section it needs.

The scan reads the source: no class of ``dualstack`` that derives from ``Construct`` and is not a
stack may have a ``Config`` parameter in its constructor.
"""

from __future__ import annotations

import ast

import pytest
from synthhelp import REPO

PACKAGE = REPO / "constructs" / "dualstack"
STACK_BASES = {"TerraformStack"}


def constructs_taking_config(source: str, module: str) -> set[str]:
    """``module.Class`` of every non-stack ``Construct`` whose ``__init__`` takes a ``Config``."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ClassDef):
            continue
        bases = {b.id for b in node.bases if isinstance(b, ast.Name)}
        if "Construct" not in bases or bases & STACK_BASES:
            continue
        for item in node.body:
            if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                arguments = [*item.args.args, *item.args.kwonlyargs]
                if any(a.annotation is not None and "Config" in ast.unparse(a.annotation) for a in arguments):
                    found.add(f"{module}.{node.name}")
    return found


def _all() -> set[str]:
    found: set[str] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        found |= constructs_taking_config(path.read_text(encoding="utf-8"), module)
    return found


def test_no_construct_takes_the_config() -> None:
    assert _all() == set()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("class A(Construct):\n    def __init__(self, s, i, *, config: Config): ...\n", {"m.A"}),
        ("class A(Construct):\n    def __init__(self, s, i, config: Config | None): ...\n", {"m.A"}),
        ("class A(Construct):\n    def __init__(self, s, i, *, ctx: RegionContext): ...\n", set()),
        ("class S(TerraformStack):\n    def __init__(self, s, i, *, config: Config): ...\n", set()),
        ("class P:\n    def __init__(self, config: Config): ...\n", set()),
    ],
)
def test_the_scan_finds_a_config_parameter(source: str, expected: set[str]) -> None:
    assert constructs_taking_config(source, "m") == expected


COMPOSERS = {"region", "stacks"}
"""The modules of the stacks (``GlobalStack``, ``EdgeStack``; ``RegionStack``, ``WorkloadsStack``),
each the one reader of ``Config`` for its stacks' constructs."""


def _construct_modules() -> dict[str, ast.Module]:
    trees = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defines = any(
            isinstance(n, ast.ClassDef)
            and any(isinstance(b, ast.Name) and b.id in ("Construct", "TerraformStack") for b in n.bases)
            for n in tree.body
        )
        if defines:
            trees[".".join(path.relative_to(PACKAGE).with_suffix("").parts)] = tree
    return trees


def test_only_the_composers_among_the_construct_modules_import_the_config_root() -> None:
    importing = {
        module
        for module, tree in _construct_modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").startswith("dualstack.config")
        and any(alias.name == "Config" for alias in node.names)
    }
    assert importing == COMPOSERS
    assert {"cluster", "ingress", "sample_app", "tls", "global_services"} <= set(_construct_modules())
