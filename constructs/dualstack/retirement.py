"""Which regions a ``make destroy`` may unprotect: the second step of retiring a region.

Retiring a region is three deploys, each reviewed: (1) ``regions.<name>.drain: true`` takes
it out of the app's names and destroys nothing; (2) ``make destroy STACKS="<name>-workloads
<name>"`` destroys its two stacks on purpose: for that run only, the app synthesizes those
stacks without ``prevent_destroy`` (``DUALSTACK_DESTROY_STACKS`` carries the names from the
Makefile to the app, which ``cdktf destroy`` runs first); (3) the region leaves the config,
with ``"<name> *"`` and ``"<name>-workloads *"`` in ``acknowledge_destroy``.

Pure functions, no cdktf: the CLI checks the request before importing anything heavy.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from dualstack.config import Region
from dualstack.naming import GLOBAL_STACK, workloads_stack

ENV = "DUALSTACK_DESTROY_STACKS"


def unprotected_regions(
    regions: Mapping[str, Region], requested: str | None = None
) -> tuple[frozenset[str], list[str]]:
    """``(regions to synthesize without prevent_destroy, problems)`` for the stacks named in
    ``requested`` (default: ``$DUALSTACK_DESTROY_STACKS``). Only whole, drained regions are
    unprotected; ``global`` never is (set ``prevent_destroy: false`` for that)."""
    text = os.environ.get(ENV, "") if requested is None else requested
    names = text.split()
    problems: list[str] = []
    chosen: set[str] = set()
    by_stack = {s: r for r in regions for s in (r, workloads_stack(r))}
    for name in names:
        region = by_stack.get(name)
        if name in ("*", GLOBAL_STACK):
            problems.append(
                f"{ENV}: {name!r}: the global stack's protection is lifted only by prevent_destroy: false "
                "in the config (a whole-environment destroy)"
            )
        elif region is None:
            problems.append(f"{ENV}: {name!r} is not a stack of this config")
        elif not regions[region].drain:
            problems.append(
                f"{ENV}: {name!r} belongs to region {region}, which is not drained; set "
                f"regions.{region}.drain: true and deploy that first, so no traffic reaches it"
            )
        else:
            chosen.add(region)
    for region in sorted(chosen):
        missing = [s for s in (region, workloads_stack(region)) if s not in names]
        if missing:
            problems.append(
                f"{ENV}: name both stacks of region {region} (missing: {', '.join(missing)}): "
                "its workloads stack reads its cluster"
            )
    return frozenset(chosen), problems
