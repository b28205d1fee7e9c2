"""Snapshots of every synthesized stack of every config in config/.

They catch any change a targeted test does not. Update with ``make test
PYTEST_ARGS=--snapshot-update`` (or ``pytest --snapshot-update``) and review the diff of
tests/__snapshots__/ like code: every changed line is a change to the Terraform plan.

The snapshots are CDK for Terraform's output (the default framework). Under CDK Terrain each
stack is compared after its allowed differences (``tests/frameworkdiff.py``: the framework and
provider versions, the kubernetes source spelling) are set to cdktf's values, each checked to be
what cdktn writes: every other line must equal the snapshot (and an update writes the same file
on either framework).
"""

from __future__ import annotations

import json

import pytest
from frameworkdiff import as_framework
from synthhelp import CONFIG_FILES, Synthesized
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from dualstack.config.loader import load_config
from dualstack.fastimport import CDKTF, selected

ACTIVE = selected()

CASES = [(p.stem, stack) for p in CONFIG_FILES for stack in load_config(p).stack_names()]


@pytest.fixture
def snapshot_json(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize(("config_name", "stack"), CASES, ids=[f"{c}-{s}" for c, s in CASES])
def test_stack_snapshot(
    config_name: str,
    stack: str,
    synthesized_configs: dict[str, Synthesized],
    snapshot_json: SnapshotAssertion,
) -> None:
    doc, problems = as_framework(
        json.loads(synthesized_configs[config_name][stack].text), "stack", ACTIVE.name, CDKTF.name
    )
    assert problems == []
    assert doc == snapshot_json
