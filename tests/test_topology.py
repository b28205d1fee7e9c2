"""The stack topology is written once (``dualstack.topology``) and held to the code: the stacks a
config synthesizes, their order and dependencies, the packages that build them, the README's tree
(rendered from it) and the stack headings of docs/architecture.md's resource tree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from synthhelp import CONFIGS, REPO, Synthesized, load_tool

from dualstack import topology

tool = load_tool("topology_tree")


@pytest.mark.parametrize("stem", sorted(CONFIGS))
def test_each_configs_stacks_come_in_the_topologys_order(stem: str) -> None:
    config = CONFIGS[stem]
    kinds = [topology.kind_of(name).name for name in config.stack_names()]
    first_seen = list(dict.fromkeys(kinds))
    expected = [k.name for k in topology.STACKS if k.name != "edge" or config.front_door is not None]
    assert first_seen == expected


def test_the_manifests_dependencies_are_the_topologys(any_synth: Synthesized) -> None:
    for stack, dependencies in any_synth.dependencies().items():
        kind = topology.kind_of(stack)
        assert {topology.kind_of(d).name for d in dependencies} == set(kind.after), stack
        if kind.name == topology.WORKLOADS:
            assert dependencies == [stack.removesuffix("-workloads")], "its own region, no other"


def test_each_kind_is_built_by_its_stack_package() -> None:
    package = REPO / "constructs" / "dualstack"
    for kind in topology.STACKS:
        composer = package / kind.package / "stack.py"
        assert composer.is_file(), kind
        assert "(TerraformStack)" in composer.read_text(encoding="utf-8"), kind


def test_the_readme_shows_the_topologys_tree() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert tool.render(readme) == readme, f"README.md's stack tree is stale: {tool.COMMAND}"
    assert topology.tree() in readme
    assert tool.main(["--check"]) == 0


def test_the_tool_rewrites_only_its_block_and_refuses_a_readme_without_markers(tmp_path: Path) -> None:
    stale = tmp_path / "README.md"
    stale.write_text(f"# Title\n\n{tool.BEGIN}\nold tree\n{tool.END}\n\nafter\n", encoding="utf-8")
    assert tool.main(["--check", "--readme", str(stale)]) == 1
    assert tool.main(["--readme", str(stale)]) == 0
    text = stale.read_text(encoding="utf-8")
    assert text.startswith("# Title\n\n") and text.endswith(f"{tool.END}\n\nafter\n")
    assert "old tree" not in text and topology.tree() in text
    assert tool.main(["--check", "--readme", str(stale)]) == 0
    bare = tmp_path / "bare.md"
    bare.write_text("# no markers\n", encoding="utf-8")
    assert tool.main(["--readme", str(bare)]) == 1
    assert bare.read_text(encoding="utf-8") == "# no markers\n"


def test_the_architecture_trees_stacks_are_the_topologys() -> None:
    """docs/architecture.md details every resource; its stack headings (the lines that start a
    stack, at the left margin of its tree) name the topology's stacks in its order."""
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## What it builds", 1)[1]
    block = section.split("```text\n", 1)[1].split("```", 1)[0]
    headings = [line.split()[0] for line in block.splitlines() if re.match(r"[<a-z]", line)]
    assert headings == [k.name for k in topology.STACKS]
