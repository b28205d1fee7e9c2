"""The ingress controller's seam: only ``dualstack/ingress_controller.py`` knows that the
controller is the F5 NGINX Ingress Controller.

Every other source (the package, ``main.py``, ``tools/``) is scanned token by token: no
string (docstrings and f-strings included) and no comment may say ``nginx`` or repeat one of
the controller's facts, but for the few mentions ``ALLOWED`` lists with their reason. The
others reach the controller only through its public API (``ingress_controller.__all__``),
and the controller module imports neither the config model nor cdktf, so the config model
can take its defaults from it and still load without cdktf.
"""

from __future__ import annotations

import ast
import io
import re
import subprocess
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

import pytest
from synthhelp import HEAVY_PACKAGES, REPO

from dualstack import ingress_controller

PACKAGE = REPO / "constructs" / "dualstack"
CONTROLLER = PACKAGE / "ingress_controller.py"
SOURCES = sorted(p for p in [*PACKAGE.rglob("*.py"), REPO / "main.py", *(REPO / "tools").rglob("*.py")])
OTHERS = [p for p in SOURCES if p != CONTROLLER]

NGINX = re.compile("nginx", re.IGNORECASE)
FACTS = ("http-snippets", "$dualstack_refuse")
"""Facts of the controller module whose value does not say nginx (the others all do): the
ConfigMap key of its global configuration and the variable of the Front Door lockdown."""
BRIEF = ("nginx.org/ingress-controller", "oci://ghcr.io/nginx/charts", "/nginx-health", "nginx-ingress")
"""NGINX literals that must stand in the controller module and nowhere else."""


@dataclass(frozen=True)
class Allowed:
    path: str
    phrase: str
    """The exact text allowed in that file (every occurrence)."""
    reason: str


ALLOWED = [
    Allowed(
        "constructs/dualstack/config/ingress.py",
        "F5 NGINX Ingress Controller",
        "the field docstrings are the config reference: they name the product that the ingress "
        "section configures",
    ),
    Allowed(
        "constructs/dualstack/config/ingress.py",
        "(``nginx-ingress``)",
        "and the chart whose version ingress.chart_version pins (its default comes from the "
        "controller module)",
    ),
]


def texts(source: str) -> list[tuple[int, str]]:
    """``(line, text)`` of every string and comment token of a Python source."""
    return [
        (tok.start[0], tok.string)
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type in (tokenize.STRING, tokenize.COMMENT)
    ]


def leaks(path: Path, source: str) -> list[str]:
    """Every NGINX mention or controller fact in the strings and comments of ``source``."""
    rel = path.relative_to(REPO).as_posix()
    allowed = [a for a in ALLOWED if a.path == rel]
    found = []
    for line, text in texts(source):
        for a in allowed:
            text = text.replace(a.phrase, "")
        if NGINX.search(text) or any(fact in text for fact in FACTS):
            found.append(f"{rel}:{line}: {text.strip()[:100]}")
    return found


def test_the_scanner_finds_strings_and_comments_and_honours_the_allow_list() -> None:
    source = 'X = 1  # probes /nginx-health\nY = {"http-snippets": X}\n"""Doc: F5 NGINX."""\n'
    fake = PACKAGE / "fake.py"
    assert [f.split(": ", 1)[0] for f in leaks(fake, source)] == [
        "constructs/dualstack/fake.py:1",
        "constructs/dualstack/fake.py:2",
        "constructs/dualstack/fake.py:3",
    ]
    assert leaks(PACKAGE / "fake.py", "from dualstack import ingress_controller\n") == []
    assert (
        leaks(
            PACKAGE / "config" / "ingress.py", '"""The F5 NGINX Ingress Controller (``nginx-ingress``)."""\n'
        )
        == []
    )


def test_the_controller_module_holds_the_nginx_facts() -> None:
    text = "\n".join(t for _, t in texts(CONTROLLER.read_text(encoding="utf-8")))
    for literal in (*BRIEF, *FACTS):
        assert literal in text, literal


def test_no_other_source_states_an_nginx_fact() -> None:
    assert len(OTHERS) > 40, OTHERS
    found = [leak for path in OTHERS for leak in leaks(path, path.read_text(encoding="utf-8"))]
    assert not found, (
        "NGINX facts outside constructs/dualstack/ingress_controller.py (ask its public API, or add "
        "an entry with a reason to ALLOWED):\n" + "\n".join(found)
    )


def test_every_allowed_mention_is_still_needed() -> None:
    for a in ALLOWED:
        text = (REPO / a.path).read_text(encoding="utf-8")
        assert a.phrase in text, f"stale allow-list entry: {a}"
        assert NGINX.search(a.phrase or text), f"allow-list entry allows no NGINX mention: {a}"


def _controller_names(tree: ast.AST) -> set[str]:
    """The names a module takes from ``dualstack.ingress_controller``."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "dualstack.ingress_controller":
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module == "dualstack":
            aliased = [a for a in node.names if a.name == "ingress_controller" and a.asname]
            assert not aliased, "import the controller module by its name, not as an alias"
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "ingress_controller"
        ):
            names.add(node.attr)
    return names


@pytest.mark.parametrize("path", OTHERS, ids=[p.relative_to(REPO).as_posix() for p in OTHERS])
def test_other_modules_use_only_the_public_api(path: Path) -> None:
    used = _controller_names(ast.parse(path.read_text(encoding="utf-8")))
    assert used <= set(ingress_controller.__all__), sorted(used - set(ingress_controller.__all__))


def test_the_public_api_is_what_the_module_defines() -> None:
    api = ingress_controller.__all__
    assert len(api) == len(set(api)) and all(not name.startswith("_") for name in api)
    assert all(hasattr(ingress_controller, name) for name in api)
    used = set().union(*(_controller_names(ast.parse(p.read_text(encoding="utf-8"))) for p in OTHERS))
    # No wider than its use: every public name is used by another module (a replacement
    # controller supplies exactly these, and docs/development.md names them).
    assert set(api) == used, {"unused": sorted(set(api) - used), "not public": sorted(used - set(api))}
    walkthrough = (
        (REPO / "docs" / "development.md")
        .read_text(encoding="utf-8")
        .split("### Swapping the ingress controller", 1)[1]
    )
    walkthrough = walkthrough.split("\n### ", 1)[0].split("\n## ", 1)[0]
    named = set(re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)`", walkthrough))
    assert set(api) <= named, sorted(set(api) - named)


def test_the_controller_module_imports_neither_the_config_nor_cdktf() -> None:
    tree = ast.parse(CONTROLLER.read_text(encoding="utf-8"))
    imported = {
        name
        for node in ast.walk(tree)
        for name in (
            [a.name for a in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
    }
    assert imported <= {
        "__future__",
        "dataclasses",
        "typing",
        "dualstack",
        "dualstack.kube",
        "dualstack.modes",
        "dualstack.naming",
    }, imported


def test_the_config_model_loads_without_cdktf() -> None:
    probe = (
        "import sys, dualstack.config\n"
        f"HEAVY = {HEAVY_PACKAGES!r}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in HEAVY))"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert run.stdout.strip() == "[]"
