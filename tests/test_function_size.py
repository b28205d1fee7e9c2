"""No function of the package runs over about a screen (issue 15: "no function over about
60 lines"): long constructors are split into methods on the same construct, so the resources'
construct paths, and with them the Terraform addresses, stay where they were."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "constructs" / "dualstack"
MAX_LINES = 60


def _long_functions(root: Path, limit: int) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > limit:
                    found.append(f"{path.relative_to(root)}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_no_function_of_the_package_is_longer_than_the_limit() -> None:
    assert _long_functions(PACKAGE, MAX_LINES) == []


def test_the_check_finds_a_long_function(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_LINES))
    (tmp_path / "long.py").write_text(f"def long() -> None:\n{body}\n", encoding="utf-8")
    assert _long_functions(tmp_path, MAX_LINES) == [f"long.py:1 long ({MAX_LINES + 1} lines)"]
