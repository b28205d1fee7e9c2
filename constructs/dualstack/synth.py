"""Build the app for a config and synthesize it without ever leaving half-written output.

Synthesis goes into a fresh temporary folder beside the target; only when it has
succeeded are its files moved into the target, one ``os.replace`` each. A failure leaves
the target exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from dualstack.config import Config
from dualstack.framework import App, TerraformResource, TerraformStack
from dualstack.naming import EDGE_STACK, GLOBAL_STACK, WORKLOADS_SUFFIX
from dualstack.region import Region
from dualstack.review.files import write_review_files
from dualstack.stacks import EdgeStack, GlobalStack


def build_app(config: Config, outdir: Path, *, unprotected: frozenset[str] = frozenset()) -> App:
    """The cdktf app: the global stack, then one ``Region`` (two stacks) per region, then
    with ``edge.kind: front_door`` the edge stack (after every region stack).

    ``unprotected``: regions whose stacks are built without ``prevent_destroy`` (``make
    destroy`` of a drained region; see ``retirement.py``).
    """
    app = App(outdir=str(outdir))
    global_stack = GlobalStack(app, GLOBAL_STACK, config=config)
    refs = global_stack.services.refs
    regions = []
    for name in config.regions:
        region_config = (
            config.model_copy(update={"prevent_destroy": False}) if name in unprotected else config
        )
        regions.append(Region(app, config=region_config, region_name=name, global_refs=refs))
    stacks: list[TerraformStack] = [global_stack, *(s for r in regions for s in (r.stack, r.workloads_stack))]
    if refs.front_door is not None:
        edge = EdgeStack(app, EDGE_STACK, config=config, refs=refs.front_door)
        for region in regions:
            edge.add_dependency(region.stack)
        stacks.append(edge)
    drained = {
        s for r, region in config.regions.items() if region.drain for s in (r, f"{r}{WORKLOADS_SUFFIX}")
    }
    lift_acknowledged(stacks, config.acknowledge_destroy, wildcard_stacks=frozenset(drained))
    return app


def lift_acknowledged(
    stacks: list[TerraformStack], acknowledged: tuple[str, ...], *, wildcard_stacks: frozenset[str]
) -> list[str]:
    """Lift ``prevent_destroy`` from exactly the protected resources that ``acknowledge_destroy``
    names (``"<stack> <address>"``), so the plan a reviewer acknowledged can be applied; nothing
    else loses its protection. ``"<stack> *"`` lifts every protected resource of a stack only in
    ``wildcard_stacks`` (a drained region's, on its way out): on a live stack it would unprotect
    every zone, address and vault at once, so there each address must be named. Returns the
    ``"<stack> <address>"`` of each resource lifted."""
    entries = set(acknowledged)
    lifted = []
    for stack in stacks:
        name = stack.node.id
        for construct in stack.node.find_all():
            if not isinstance(construct, TerraformResource):
                continue
            lifecycle = construct.lifecycle
            if lifecycle is None or not lifecycle.prevent_destroy:
                continue
            address = f"{construct.terraform_resource_type}.{construct.friendly_unique_id}"
            whole_stack = f"{name} *" in entries and name in wildcard_stacks
            if f"{name} {address}" in entries or whole_stack:
                construct.add_override("lifecycle.prevent_destroy", False)
                lifted.append(f"{name} {address}")
    return lifted


def synthesize(config: Config, outdir: Path, *, unprotected: frozenset[str] = frozenset()) -> list[str]:
    """Synthesize ``config`` into ``outdir`` atomically; return the stack names."""
    outdir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.staging-", dir=outdir.parent))
    try:
        build_app(config, staging, unprotected=unprotected).synth()
        # The reviewer's files (overview, headlines), replaced together with the stacks.
        write_review_files(config, staging)
        _move_into(staging, outdir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return config.stack_names()


def _move_into(source: Path, target: Path) -> None:
    for path in sorted(source.rglob("*")):
        if path.is_dir():
            continue
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, destination)
