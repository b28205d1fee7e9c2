"""Constructs take props, never the config: each stack's composer reads ``Config`` and hands
each construct typed, frozen props (``RegionContext``, ``GlobalProps``, ``WorkloadsProps``,
``SampleAppProps``, ``CertManagerProps``) or the config section it needs.

Two scans of the source: no class of ``dualstack`` that derives from ``Construct`` and is not a
stack may have a ``Config`` parameter in its constructor; and no module outside the config package
imports ``Config`` but each stack package's composer (``<package>.stack``) and the few listed
readers, each with its reason.
"""

from __future__ import annotations

import ast

import pytest
from synthhelp import REPO

from dualstack import topology

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


COMPOSERS = {f"{kind.package}.stack" for kind in topology.STACKS}
"""Each stack package's composer (``GlobalStack``, ``RegionStack``, ``WorkloadsStack``,
``EdgeStack`` and the props builders beside them): the one reader of ``Config`` for its stack's
constructs."""
CONFIG_READERS = {
    "synth": "the app's composer: hands the config to each stack's composer and to the review files",
    "review.files": "the review tool (beside synthesis, no construct): writes the config's description",
    "review.overview": "the review tool: renders every section of the config for a reviewer",
}
"""The other modules that may import ``Config``, each with its reason; the config package itself
(which defines and loads it) is not listed."""


def imports_config_root(source: str) -> bool:
    """Whether the source imports the config model's root class, however it is spelled:
    ``from dualstack.config[.model] import Config [as X]``, or the package or its model module
    imported whole and ``.Config`` read from it."""
    tree = ast.parse(source)
    whole: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module in ("dualstack.config", "dualstack.config.model") and any(
                a.name == "Config" for a in node.names
            ):
                return True
            if module in ("dualstack", "dualstack.config"):
                whole |= {a.asname or a.name for a in node.names if a.name in ("config", "model")}
        elif isinstance(node, ast.Import) and any(a.name.startswith("dualstack.config") for a in node.names):
            whole.add("dualstack")
    return any(
        isinstance(node, ast.Attribute)
        and node.attr == "Config"
        and ast.unparse(node.value).split(".")[0] in whole
        for node in ast.walk(tree)
    )


def _modules() -> dict[str, str]:
    return {
        ".".join(path.relative_to(PACKAGE).with_suffix("").parts): path.read_text(encoding="utf-8")
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def test_only_the_composers_import_the_config_root() -> None:
    importing = {
        module
        for module, source in _modules().items()
        if not module.startswith("config.") and module != "config" and imports_config_root(source)
    }
    assert importing == COMPOSERS | set(CONFIG_READERS)


def test_every_stack_package_has_its_composer() -> None:
    modules = _modules()
    assert set(modules) >= COMPOSERS
    for composer in COMPOSERS:
        assert "class " in modules[composer] and "(TerraformStack)" in modules[composer], composer


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from dualstack.config import Config\n", True),
        ("from dualstack.config import Region, Config as C\n", True),
        ("from dualstack.config.model import Config\n", True),
        ("from dualstack import config\nx: config.Config\n", True),
        ("from dualstack.config import model as m\nx: m.Config\n", True),
        ("import dualstack.config\nx: dualstack.config.Config\n", True),
        ("from dualstack.config import Region, Tls\n", False),
        ("from dualstack.config.loader import ConfigError\n", False),
        ("from other import Config\n", False),
    ],
)
def test_the_import_scan_sees_every_spelling(source: str, expected: bool) -> None:
    assert imports_config_root(source) is expected
