"""What may differ between the same app synthesized on CDK for Terraform and on CDK Terrain.

``ALLOWED_DIFFERENCES`` is the complete list. Each entry names one JSON path and the value each
framework writes there; :func:`compare_outdirs` checks that each side writes exactly its own
value, replaces it by a placeholder, and then requires everything else to be equal: the same
files, every JSON file equal as parsed JSON, every other file byte for byte.

JSON files are compared parsed because the two serialize empty arrays and objects differently
(cdktf writes ``[`` and ``]`` on two lines, cdktn ``[]``): the same JSON, not a difference.

A new framework or provider release changes the values here (and nothing else may change):
``tests/test_framework_equality.py`` checks them against the lock files.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FRAMEWORK_NAMES = ("cdktf", "cdktn")
PLACEHOLDER = "<differs by framework>"


@dataclass(frozen=True)
class Allowed:
    """One JSON path whose value depends on the framework, and the value each one writes."""

    files: str  # "manifest" (manifest.json) or "stack" (every stacks/<name>/cdk.tf.json)
    path: tuple[str, ...]
    values: Mapping[str, str]  # framework -> the value it writes
    why: str


ALLOWED_DIFFERENCES: tuple[Allowed, ...] = (
    Allowed(
        "manifest",
        ("version",),
        {"cdktf": "0.21.0", "cdktn": "0.23.4"},
        "the framework's own version, recorded in the manifest",
    ),
    Allowed(
        "stack",
        ("//", "metadata", "version"),
        {"cdktf": "0.21.0", "cdktn": "0.23.4"},
        "the framework's own version, recorded in each stack's metadata (Terraform ignores //)",
    ),
    Allowed(
        "stack",
        ("terraform", "required_providers", "azurerm", "version"),
        {"cdktf": "4.55.0", "cdktn": "4.81.0"},
        "the azurerm provider the prebuilt bindings were generated from (14.23.1 vs 16.9.0)",
    ),
    Allowed(
        "stack",
        ("terraform", "required_providers", "helm", "version"),
        {"cdktf": "3.1.1", "cdktn": "3.2.0"},
        "the helm provider the prebuilt bindings were generated from (12.1.2 vs 14.1.0)",
    ),
    Allowed(
        "stack",
        ("terraform", "required_providers", "kubernetes", "source"),
        {"cdktf": "kubernetes", "cdktn": "hashicorp/kubernetes"},
        "the same provider spelt two ways: a bare name means registry.terraform.io/hashicorp/<name>",
    ),
)


def _lookup(doc: Any, path: tuple[str, ...]) -> tuple[bool, Any]:
    for key in path:
        if not isinstance(doc, dict) or key not in doc:
            return False, None
        doc = doc[key]
    return True, doc


def _replace(doc: Any, path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        doc = doc[key]
    doc[path[-1]] = value


def _rewrite(doc: Any, files: str, framework: str, value_for: Callable[[Allowed], Any]) -> list[str]:
    """Set every allowed difference present in ``doc`` (written by ``framework``) to
    ``value_for(allowed)``; a problem for each place where ``framework`` wrote a value other than
    the one the list expects of it."""
    problems = []
    for allowed in ALLOWED_DIFFERENCES:
        if allowed.files != files:
            continue
        present, value = _lookup(doc, allowed.path)
        if not present:
            continue
        if value != allowed.values[framework]:
            problems.append(
                f"{'.'.join(allowed.path)} is {value!r} on {framework}, "
                f"the list of allowed differences says {allowed.values[framework]!r}"
            )
        _replace(doc, allowed.path, value_for(allowed))
    return problems


def normalize(doc: Any, files: str, framework: str, where: str) -> tuple[Any, list[str]]:
    """``doc`` with every allowed difference replaced by the placeholder, and a problem for each
    place where ``framework`` wrote a value other than the one the list expects of it."""
    problems = _rewrite(doc, files, framework, lambda _: PLACEHOLDER)
    return doc, [f"{where}: {problem}" for problem in problems]


def as_framework(doc: Any, files: str, source: str, target: str) -> tuple[Any, list[str]]:
    """``doc`` (written by ``source``) with every allowed difference set to what ``target``
    writes there: so a cdktn stack can be compared with a snapshot taken on cdktf."""
    return doc, _rewrite(doc, files, source, lambda allowed: allowed.values[target])


def differences(
    a: Any, b: Any, path: str = "", names: tuple[str, str] = ("first", "second")
) -> Iterator[str]:
    """Every JSON path where ``a`` and ``b`` differ, with both values (shortened)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            sub = f"{path}.{key}" if path else key
            if key not in a or key not in b:
                yield f"{sub}: only on {names[0] if key in a else names[1]}"
            else:
                yield from differences(a[key], b[key], sub, names)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from differences(x, y, f"{path}[{i}]", names)
    elif a != b or type(a) is not type(b):
        yield f"{path}: {json.dumps(a)[:120]} != {json.dumps(b)[:120]}"


def _files(outdir: Path) -> dict[str, Path]:
    return {str(p.relative_to(outdir)): p for p in sorted(outdir.rglob("*")) if p.is_file()}


def _kind(relative: str) -> str:
    return (
        "manifest" if relative == "manifest.json" else "stack" if relative.startswith("stacks/") else "other"
    )


def compare_outdirs(first: Path, first_framework: str, second: Path, second_framework: str) -> list[str]:
    """Every difference between two synthesized output folders that the list does not allow,
    one line each naming the file and the JSON path (empty: the same app)."""
    a, b = _files(first), _files(second)
    problems = [f"{name}: only written on {first_framework}" for name in sorted(set(a) - set(b))]
    problems += [f"{name}: only written on {second_framework}" for name in sorted(set(b) - set(a))]
    for name in sorted(set(a) & set(b)):
        if not name.endswith(".json"):
            if a[name].read_bytes() != b[name].read_bytes():
                problems.append(f"{name}: differs")
            continue
        left, left_problems = normalize(json.loads(a[name].read_text()), _kind(name), first_framework, name)
        right, right_problems = normalize(
            json.loads(b[name].read_text()), _kind(name), second_framework, name
        )
        problems += left_problems + right_problems
        problems += [
            f"{name}: {line}" for line in differences(left, right, names=(first_framework, second_framework))
        ]
    return problems
