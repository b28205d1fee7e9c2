"""The topology at the level of stacks, written once: which stacks there are, when each exists,
which stacks each is applied after, the sub-package that builds it and what it holds.

The README's tree is rendered from here (``tools/topology_tree.py``, run by ``make docs``), the
review overview's stack rows read it, and ``tests/test_topology.py`` holds it to the code: the
stacks a config synthesizes and their order (``naming.stack_names``), the manifest's
dependencies, and the stack headings of ``docs/architecture.md``'s resource-level tree. Plain
data: importing it loads no framework.
"""

from __future__ import annotations

from dataclasses import dataclass

from dualstack.naming import EDGE_STACK, GLOBAL_STACK, WORKLOADS_SUFFIX

REGION = "<region>"
WORKLOADS = f"{REGION}{WORKLOADS_SUFFIX}"


@dataclass(frozen=True)
class StackKind:
    """One kind of stack: ``name`` is the stack's name, ``<region>`` standing for each region."""

    name: str
    package: str
    """The sub-package of ``dualstack`` that builds it (its composer is ``<package>.stack``)."""
    exists: str
    after: tuple[str, ...]
    """The kinds it is applied after (``<region>``: its own region; for ``edge``: every region)."""
    holds: tuple[str, ...]


STACKS = (
    StackKind(
        GLOBAL_STACK,
        "global_",
        "one per deployment, applied first",
        (),
        (
            "DNS zones, registry (replicated), Key Vault, Log Analytics, the ACME DNS role",
            "Traffic Manager profiles (IPv4, IPv6), or the Front Door profile and WAF",
        ),
    ),
    StackKind(
        REGION,
        "region",
        "one per key of `regions`",
        (GLOBAL_STACK,),
        (
            "VNet, subnets, NSG, ingress public IPv4 + IPv6, private endpoints (registry, vault)",
            "AKS cluster (CNI Overlay, Cilium by default), identities and roles, Container Insights",
            "Traffic Manager endpoints and DNS records, or Front Door origins",
            "cert-manager's DNS identity (with certificates), hub peering (with a hub)",
        ),
    ),
    StackKind(
        WORKLOADS,
        "workloads",
        "one per region",
        (REGION,),
        (
            "ingress controllers (by mode), cert-manager and the issuer, network policies",
            "sample app (namespace echo); Kubernetes and Helm only",
        ),
    ),
    StackKind(
        EDGE_STACK,
        "edge",
        "edge.kind: front_door only",
        (GLOBAL_STACK, REGION),
        ("the Front Door route (after every region: its origins are theirs)",),
    ),
)


def kind_of(stack: str) -> StackKind:
    """The kind of a stack name (``eastus2-workloads`` is ``<region>-workloads``)."""
    if stack in (GLOBAL_STACK, EDGE_STACK):
        pattern = stack
    else:
        pattern = WORKLOADS if stack.endswith(WORKLOADS_SUFFIX) else REGION
    (kind,) = [k for k in STACKS if k.name == pattern]
    return kind


def _after(kind: StackKind) -> str:
    if not kind.after:
        return ""
    if kind.name == EDGE_STACK:
        return "; after global and every region"
    return "; after " + " and ".join(kind.after)


def tree() -> str:
    """The stack tree the README shows, one line per stack (with the sub-package of
    ``constructs/dualstack`` that builds it) and one per part."""
    width = max(len(k.name) for k in STACKS) + 4
    lines = []
    for kind in STACKS:
        lines.append(f"{kind.name:<{width}}{kind.exists}{_after(kind)}  [{kind.package}/]")
        for i, part in enumerate(kind.holds):
            lines.append(f"{'└──' if i == len(kind.holds) - 1 else '├──'} {part}")
    return "\n".join(lines) + "\n"


def order(regions: str, *, edge: bool) -> str:
    """The deploy order in one sentence, for the overview: ``regions`` as the overview writes them."""
    text = (
        f"`{GLOBAL_STACK}`, then per region ({regions}) the region stack `{REGION}` and, after it, "
        f"`{WORKLOADS}` (ingresses, sample app)"
    )
    return text + (f", then `{EDGE_STACK}` (the Front Door route) after every region stack" if edge else "")
