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

from dualstack import naming
from dualstack.config import Config
from dualstack.edge.stack import EdgeStack
from dualstack.framework import App, TerraformResource, TerraformStack
from dualstack.global_.stack import GlobalStack
from dualstack.naming import EDGE_STACK, GLOBAL_STACK, WORKLOADS_SUFFIX
from dualstack.refs import GlobalRefs
from dualstack.region.stack import RegionStack
from dualstack.review.files import write_review_files
from dualstack.workloads.stack import WorkloadsStack


def region_stacks(
    app: App, config: Config, region_name: str, refs: GlobalRefs
) -> tuple[TerraformStack, TerraformStack]:
    """One region of the topology: its region stack and its workloads stack, the second after the first.

    Both stacks are created on the app itself, not in a construct of the region: a stack nested in
    another construct is recorded in ``manifest.json`` with its dependencies named by construct
    path (``region-eastus2/eastus2``), while the cdktf CLI looks dependencies up by stack name, so
    ``cdktf deploy`` would never start the workloads stack.
    """
    stack = RegionStack(app, region_name, config=config, global_refs=refs)
    workloads = WorkloadsStack(
        app, naming.workloads_stack(region_name), config=config, region_name=region_name
    )
    # Ordering without a cross-stack reference: everything the workloads need from the region
    # stack has a name the config decides.
    workloads.add_dependency(stack)
    return stack, workloads


def build_app(config: Config, outdir: Path, *, unprotected: frozenset[str] = frozenset()) -> App:
    """The cdktf app: the global stack, then two stacks per region (``region_stacks``), then
    with ``edge.kind: front_door`` the edge stack (after every region stack).

    ``unprotected``: regions whose stacks are built without ``prevent_destroy`` (``make
    destroy`` of a drained region; see ``retirement.py``).
    """
    app = App(outdir=str(outdir))
    global_stack = GlobalStack(app, GLOBAL_STACK, config=config)
    refs = global_stack.services.refs
    stacks: list[TerraformStack] = [global_stack]
    region_stack_list = []
    for name in config.regions:
        region_config = (
            config.model_copy(update={"prevent_destroy": False}) if name in unprotected else config
        )
        region, workloads = region_stacks(app, region_config, name, refs)
        region_stack_list.append(region)
        stacks += [region, workloads]
    if refs.front_door is not None:
        edge = EdgeStack(app, EDGE_STACK, config=config, refs=refs.front_door)
        for region in region_stack_list:
            edge.add_dependency(region)
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
