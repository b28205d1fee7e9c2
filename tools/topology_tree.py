"""Write the README's stack tree from ``dualstack.topology`` (between its two markers).

.venv/bin/python tools/topology_tree.py           # rewrite the block in README.md
.venv/bin/python tools/topology_tree.py --check   # exit 1 when the block is stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dualstack import topology

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
BEGIN = "<!-- topology: generated from constructs/dualstack/topology.py by `make docs`; do not edit -->"
END = "<!-- /topology -->"
COMMAND = "make docs (or .venv/bin/python tools/topology_tree.py)"


def render(text: str) -> str:
    """``text`` with the block between the markers replaced by the tree; an error if the
    markers are missing or out of order."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"the markers {BEGIN!r} and {END!r} are missing or out of order")
    block = f"{BEGIN}\n\n```text\n{topology.tree()}```\n\n"
    return text[:start] + block + text[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if the README's tree is stale")
    parser.add_argument("--readme", type=Path, default=README)
    args = parser.parse_args(argv)
    current = args.readme.read_text(encoding="utf-8")
    try:
        text = render(current)
    except ValueError as exc:
        print(f"error: {args.readme}: {exc}", file=sys.stderr)
        return 1
    if args.check:
        if text != current:
            print(f"{args.readme}: the stack tree is stale; regenerate it with `{COMMAND}`", file=sys.stderr)
            return 1
        return 0
    args.readme.write_text(text, encoding="utf-8")
    print(f"wrote the stack tree of {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
