"""The change summary's data model: items of a stack, their changes, and the report.

:mod:`dualstack.review.diff` builds a :class:`Report` from two output folders;
:mod:`dualstack.review.markdown` renders one. Both import this module and neither imports
the other, so the model, the comparison and the rendering are read and tested apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from dualstack.naming import EDGE_STACK, GLOBAL_STACK, WORKLOADS_SUFFIX
from dualstack.protection import DESTROY_CONSEQUENCES
from dualstack.review import redact

AttrPath = redact.Path
Effect = Literal["update", "replace", "rotate"]
Action = Literal["add", "remove", "update", "replace", "rename"]
Kind = Literal["resource", "data", "output"]


@dataclass(frozen=True)
class Item:
    """One resource, data source or output of a stack."""

    kind: Kind
    address: str
    rtype: str
    body: dict[str, Any]

    @property
    def construct_path(self) -> str | None:
        meta = self.body.get("//", {}).get("metadata", {})
        path = meta.get("path") if isinstance(meta, dict) else None
        return path if isinstance(path, str) else None

    @property
    def display_name(self) -> str | None:
        """The Azure/Kubernetes name, when it is a printable literal."""
        name = self.body.get("name")
        if name is None and isinstance(self.body.get("metadata"), dict):
            name = self.body["metadata"].get("name")
        if not isinstance(name, str) or redact.redact(("name",), name) is not name:
            return None
        return name


@dataclass(frozen=True)
class AttrChange:
    path: AttrPath
    before: Any
    after: Any
    effect: Effect
    confirmed: bool = True

    @property
    def dotted(self) -> str:
        return "".join(s if s.startswith("[") else f".{s}" for s in self.path).lstrip(".")


@dataclass(frozen=True)
class Change:
    kind: Kind
    action: Action
    item: Item
    """The head item (the base item for a removal)."""
    old_address: str | None = None
    """The base address of a renamed resource."""
    attrs: tuple[AttrChange, ...] = ()
    note: str = ""
    """Why it matters, for removals and replacements of protected resources."""
    old_path: str | None = None
    """The base construct path of a renamed resource."""
    guard: Literal["", "refused", "unguarded"] = ""
    """``lifecycle.prevent_destroy``: "refused" when it makes Terraform refuse this replacement;
    "unguarded" when the base had it but the resource block is gone (removed or renamed), so
    it no longer protects anything."""
    triggered_by: tuple[str, ...] = ()
    """Addresses named in ``lifecycle.replace_triggered_by`` that are updated or replaced in
    the same stack: each one makes Terraform replace this resource."""
    impact: str = ""
    """What removing or replacing this Kubernetes object or Helm release does to running
    workloads (:func:`dualstack.review.diff.impact`); empty for everything else."""

    @property
    def address(self) -> str:
        return self.item.address

    @property
    def destroyed_address(self) -> str:
        """The address Terraform destroys: the base address of a renamed resource."""
        return self.old_address or self.item.address

    @property
    def protected(self) -> bool:
        return self.kind == "resource" and self.item.rtype in DESTROY_CONSEQUENCES

    @property
    def loud(self) -> bool:
        """Destroys or replaces something that holds data or that clients depend on."""
        return self.protected and self.action in ("remove", "replace", "rename")

    @property
    def disruptive(self) -> bool:
        """Removes or replaces a Kubernetes object or Helm release that workloads depend on."""
        return bool(self.impact) and not self.loud

    @property
    def forcing(self) -> tuple[AttrChange, ...]:
        """The attribute changes that force a replacement."""
        return tuple(a for a in self.attrs if a.effect == "replace")

    @property
    def rotations(self) -> tuple[AttrChange, ...]:
        return tuple(a for a in self.attrs if a.effect == "rotate")

    @property
    def rotation_ready(self) -> bool:
        """Whether the pool to cycle names ``temporary_name_for_rotation`` (else the apply fails)."""
        body = self.item.body
        if self.item.rtype == "azurerm_kubernetes_cluster":
            pool = body.get("default_node_pool")
            pool = pool[0] if isinstance(pool, list) and pool else pool
            return isinstance(pool, dict) and bool(pool.get("temporary_name_for_rotation"))
        return bool(body.get("temporary_name_for_rotation"))

    def why(self) -> str:
        """One plain-text clause: why this is destroyed or replaced."""
        if self.action == "remove":
            return "its resource block is removed"
        if self.action == "rename":
            return f"its address changes to {self.address}"
        reasons = [f"{a.dotted} changes, which forces a new resource" for a in self.forcing]
        reasons += [f"replace_triggered_by {t} changes" for t in self.triggered_by]
        return "; ".join(reasons) or "it is replaced"


@dataclass(frozen=True)
class StackDiff:
    name: str
    status: Literal["added", "removed", "changed", "unchanged"]
    changes: tuple[Change, ...] = ()
    settings: tuple[AttrChange, ...] = ()
    """Changes to the stack's ``terraform`` (backend, providers) and ``provider`` blocks."""
    drained: bool = False
    """A region stack whose Traffic Manager endpoints and A/AAAA records (or Front Door origins)
    all go while the stack and its public IPs stay: ``drain: true``, the first step of retiring
    a region."""

    def count(self, kind: Kind, *actions: Action) -> int:
        return sum(1 for c in self.changes if c.kind == kind and c.action in actions)

    @property
    def loud(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.loud)

    @property
    def disruptive(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.disruptive)

    @property
    def region(self) -> str | None:
        """The region of a ``<region>`` or ``<region>-workloads`` stack (None for ``global`` and
        ``edge``)."""
        return None if self.name in (GLOBAL_STACK, EDGE_STACK) else region_of(self.name)


@dataclass(frozen=True)
class Headline:
    """One change named in words (``review.headline``), with what it does to clients."""

    change: str
    impact: str
    loud: bool = False
    """Cuts clients off or makes the app unreachable for a while: shown as a caution."""


@dataclass(frozen=True)
class Report:
    base_label: str
    head_label: str
    stacks: tuple[StackDiff, ...] = field(default_factory=tuple)
    acknowledge: tuple[str, ...] = ()
    """The config's ``acknowledge_destroy`` entries: ``"<stack> <address>"`` or ``"<stack> *"``."""
    config_label: str | None = None
    """The config those entries come from; None when no config was given."""
    cost: tuple[str, ...] = ()
    """How the bill of materials changes (``bom.delta``), one line each; empty: it does not."""
    cost_estimate: str = ""
    """With a price file: the monthly estimate of base and head (Markdown); else empty."""
    headlines: tuple[Headline, ...] = ()
    """The change in words, each with its impact on clients and application teams."""
    known: dict[str, frozenset[str]] = field(default_factory=dict)
    """Every resource address of each stack, base and head together (to explain a stale
    acknowledgement)."""

    @property
    def loud(self) -> tuple[tuple[str, Change], ...]:
        return tuple((s.name, c) for s in self.stacks for c in s.loud)

    @property
    def disruptive(self) -> tuple[tuple[str, Change], ...]:
        return tuple((s.name, c) for s in self.stacks for c in s.disruptive)

    @property
    def changed(self) -> bool:
        return any(s.status != "unchanged" for s in self.stacks)

    @property
    def removed_stacks(self) -> tuple[StackDiff, ...]:
        return tuple(s for s in self.stacks if s.status == "removed")

    @property
    def drained(self) -> tuple[str, ...]:
        """Regions whose stack is drained in this change."""
        return tuple(s.name for s in self.stacks if s.drained)

    def acknowledged(self, stack: str, change: Change) -> bool:
        """Whether ``acknowledge_destroy`` names this loud change (or every one of its stack)."""
        return any(_acknowledges(entry, stack, change) for entry in self.acknowledge)

    @property
    def unacknowledged(self) -> tuple[tuple[str, Change], ...]:
        """The loud changes that ``--fail-on-destroy`` fails on."""
        return tuple((s, c) for s, c in self.loud if not self.acknowledged(s, c))

    @property
    def stale(self) -> tuple[str, ...]:
        """``acknowledge_destroy`` entries that match no loud change of this comparison."""
        loud = self.loud
        return tuple(
            entry for entry in self.acknowledge if not any(_acknowledges(entry, s, c) for s, c in loud)
        )

    def gate_errors(self) -> list[str]:
        """How to acknowledge each unacknowledged loud change: first one line per removed stack
        (a retired region's: ``"<stack> *"`` covers all of it), then one line per address."""
        where = self.config_label or "the config (none given: pass --config FILE or set DUALSTACK_CONFIG)"
        pending = self.unacknowledged
        lines = []
        for gone in self.removed_stacks:
            count = sum(1 for name, _ in pending if name == gone.name)
            if count:
                lines.append(
                    f"stack {gone.name} is no longer synthesized and {count} protected resource(s) of it "
                    f'would be destroyed; if retiring it is intended, add "{gone.name} *" to '
                    f"acknowledge_destroy in {where} (one entry for all of them)"
                )
        removed = {s.name for s in self.removed_stacks}
        for name, change in pending:
            if name in removed:
                continue
            entry = f"{name} {change.destroyed_address}"
            lines.append(
                f"{entry} would be destroyed or replaced ({change.why()}); if that is intended, "
                f'add "{entry}" to acknowledge_destroy in {where}'
            )
        return lines

    def why_stale(self, entry: str) -> str:
        """Why an ``acknowledge_destroy`` entry matches nothing in this change."""
        stack, _, address = entry.strip().partition(" ")
        address = address.strip()
        if stack not in self.known:
            return f"neither side has a stack {stack}"
        if address == "*":
            return f"nothing protected in stack {stack} is destroyed or replaced by this change"
        if address not in self.known[stack]:
            return f"stack {stack} has no resource {address} on either side (a typo, or an address from before a rename)"
        changed = [
            c
            for s in self.stacks
            if s.name == stack
            for c in s.changes
            if address in (c.address, c.destroyed_address) and c.action in ("remove", "replace", "rename")
        ]
        if changed and not any(c.loud for c in changed):
            return "its resource is destroyed or replaced, but it is not protected: no acknowledgement needed"
        return "its resource is not destroyed or replaced by this change (already applied? then remove the entry)"


def _acknowledges(entry: str, stack: str, change: Change) -> bool:
    entry_stack, _, address = entry.strip().partition(" ")
    address = address.strip()
    return entry_stack == stack and address in ("*", change.address, change.destroyed_address)


def region_of(stack: str) -> str:
    """``eastus2`` for the stacks ``eastus2`` and ``eastus2-workloads``."""
    return stack.removesuffix(WORKLOADS_SUFFIX)
