"""The README stays short and the documentation stays connected.

The README is at most 10 KB, names the two commands and links every page in ``docs/``; every
relative link in the README and in ``docs/*.md`` reaches a file of the repository, and every
``#anchor`` (in the same file or another) names a heading of its target, by GitHub's rule for
heading anchors. Reading Markdown, not rendering it: links and headings inside fenced code
blocks and inline code are not links or headings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
DOCS = REPO / "docs"
PAGES = [README, *sorted(DOCS.glob("*.md"))]
MAX_README_BYTES = 10_240
COMMANDS = ("make synth", "make test")

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.DOTALL)
# [text](target "title") and ![alt](target); the text may hold one level of brackets and
# may run over a line break.
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
LINK_IN_HEADING = re.compile(r"\[([^\]]*)\]\([^)]*\)")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//")


def prose(text: str) -> str:
    """The text without fenced code blocks (their lines become empty lines)."""
    out: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            out.append("")
        elif fence is not None:
            closes = match is not None and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence)
            if closes and not line.strip().strip(fence[0]):
                fence = None
            out.append("")
        else:
            out.append(line)
    return "\n".join(out)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading's text: the rendered text (code spans as their content,
    links as their text, no emphasis markers), lowercased, every character removed that is
    not a letter, mark, number, connector (``_``), hyphen or space, each space a hyphen."""
    text = CODE_SPAN.sub(lambda m: m.group(2).strip(), heading)
    text = LINK_IN_HEADING.sub(lambda m: m.group(1), text).replace("*", "").lower()
    kept = (
        ch
        for ch in text
        if ch in "- " or unicodedata.category(ch)[0] in "LMN" or unicodedata.category(ch) == "Pc"
    )
    return "".join(kept).replace(" ", "-")


def anchors(text: str) -> set[str]:
    """Every heading anchor of a page, with GitHub's ``-1``, ``-2`` … for repeated headings."""
    seen: set[str] = set()
    for line in prose(text).split("\n"):
        match = HEADING.match(line)
        if not match:
            continue
        base = candidate = slug(match.group(2))
        count = 0
        while candidate in seen:
            count += 1
            candidate = f"{base}-{count}"
        seen.add(candidate)
    return seen


@dataclass(frozen=True)
class Link:
    page: Path
    target: str

    @property
    def path(self) -> Path:
        """The file the link points at (the page itself for a bare ``#anchor``)."""
        name = self.target.split("#", 1)[0].split("?", 1)[0]
        return (self.page.parent / name).resolve() if name else self.page

    @property
    def anchor(self) -> str | None:
        return self.target.split("#", 1)[1] if "#" in self.target else None


def links(page: Path) -> Iterator[Link]:
    """Every relative link of a page: inline links and link definitions, outside code."""
    text = CODE_SPAN.sub("code", prose(page.read_text(encoding="utf-8")))
    targets = [m.group(1) for m in INLINE_LINK.finditer(text)]
    targets += [m.group(1) for m in LINK_DEFINITION.finditer(text)]
    for target in targets:
        if target and not SCHEME.match(target):
            yield Link(page, target)


def _name(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def test_readme_is_at_most_10_kb() -> None:
    size = len(README.read_bytes())
    assert size <= MAX_README_BYTES, (
        f"README.md is {size} bytes, over {MAX_README_BYTES}: move the detail into a page under docs/ "
        "and link it from the README"
    )


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_relative_link_and_anchor_resolves(page: Path) -> None:
    broken: list[str] = []
    for link in links(page):
        path = link.path
        if not path.is_relative_to(REPO) or not path.exists():
            broken.append(f"{link.target}: no such file {path}")
        elif (
            link.anchor is not None
            and path.suffix == ".md"
            and link.anchor not in anchors(path.read_text(encoding="utf-8"))
        ):
            broken.append(f"{link.target}: {_name(path)} has no heading with the anchor #{link.anchor}")
    assert not broken, f"{_name(page)}: broken links:\n" + "\n".join(broken)


def test_the_readme_links_every_page_in_docs() -> None:
    linked = {link.path for link in links(README)}
    missing = [
        _name(path) for path in sorted(DOCS.rglob("*")) if path.is_file() and path.resolve() not in linked
    ]
    assert not missing, f"README.md links no page {missing}: add each to its links list"


def test_the_readme_names_both_commands() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [command for command in COMMANDS if not re.search(rf"^{command}(?![\w-])", text, re.MULTILINE)]
    assert not missing, f"README.md does not show {missing} as a command line of its own"


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Section `regions.<name>`", "section-regionsname"),
        ("Edge: Traffic Manager or Front Door", "edge-traffic-manager-or-front-door"),
        ("Images only from the project's registry", "images-only-from-the-projects-registry"),
        ("Data path, `front_door`", "data-path-front_door"),
        ("1. Zero open findings from a security scanner", "1-zero-open-findings-from-a-security-scanner"),
        ("What the tests prove, on every workloads stack", "what-the-tests-prove-on-every-workloads-stack"),
        ("Why `constructs/` is a source root", "why-constructs-is-a-source-root"),
        ("A [linked](x.md) **bold** name \u2013 dash", "a-linked-bold-name--dash"),
    ],
)
def test_slug_follows_githubs_rule(heading: str, expected: str) -> None:
    assert slug(heading) == expected


def test_repeated_headings_get_numbered_anchors() -> None:
    page = "# Title\n\n## Notes\n\n```sh\n# Notes\n```\n\n## Notes\n\n### Notes\n"
    assert anchors(page) == {"title", "notes", "notes-1", "notes-2"}


def test_links_in_code_are_not_links(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "[a](a.md#x) `[b](b.md)`\n\n```md\n[c](c.md)\n```\n\n[d\ne](d.md) [f](https://example.org/g.md)\n\n[h]: h.md\n",
        encoding="utf-8",
    )
    assert [link.target for link in links(page)] == ["a.md#x", "d.md", "h.md"]
