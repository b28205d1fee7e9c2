"""Constructs take props, never the config: the stacks (composers) read ``Config`` and hand each
construct what it needs (issue "A layout that shows the architecture", in progress).

The scan reads the source: every class of ``dualstack`` that derives from ``Construct`` and is not
a stack must not have a ``Config`` parameter in its constructor. ``STILL_TAKING_CONFIG`` lists
the constructs not yet converted; it can only shrink (a listed construct that no longer takes
``Config`` fails too, so the list stays true).
"""

from __future__ import annotations

import ast

import pytest
from synthhelp import REPO

PACKAGE = REPO / "constructs" / "dualstack"
STACK_BASES = {"TerraformStack"}
STILL_TAKING_CONFIG = {
    "region.RegionWorkloads",
    "sample_app.SampleApp",
    "tls.CertManager",
}


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


def test_no_construct_takes_the_config_but_the_listed_remainder() -> None:
    assert _all() == STILL_TAKING_CONFIG


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
