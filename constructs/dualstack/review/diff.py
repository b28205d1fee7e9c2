"""Compare two synthesized output folders (base and head): what Terraform will add, remove,
change or replace, stack by stack. Pure functions over the JSON; no Azure access, no cdktf.

An item is a resource (``type.name``), a data source (``data.type.name``) or an output
(``output.name``) of a stack's ``cdk.tf.json``. cdktf records each resource's construct path
in ``body["//"]["metadata"]["path"]``; the Terraform name carries a hash of that path.
Three rules follow:

- **An address only in base, another only in head, and they are the same thing** (the same
  construct path: a changed type or logical id; or else the same type and Azure name: a
  renamed or moved construct): Terraform destroys the old address and creates the new one.
  Reported as a replacement, "address changed", with both construct paths.
- **Same address, an attribute in :data:`FORCE_NEW` changed**: the provider plans a
  destroy-and-create. Reported as a replacement with the attribute that forces it.
- Anything else only in base is destroyed, only in head created, changed otherwise updated.

Removing, renaming or replacing a resource of a type in :data:`PROTECTED_TYPES` (it holds
data, or clients depend on its name or address) raises a loud warning. That list is wider
than the types synthesis guards with ``lifecycle.prevent_destroy`` (``dualstack.protection``):
it adds the cluster and the VNet. The summary also says whether ``prevent_destroy`` makes
Terraform refuse a replacement, or no longer applies because the resource block is gone.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from dualstack.review import redact
from dualstack.review.markdown import render
from dualstack.review.redact import ABSENT, SENSITIVE

AttrPath = redact.Path
Effect = Literal["update", "replace", "rotate"]
Action = Literal["add", "remove", "update", "replace", "rename"]
Kind = Literal["resource", "data", "output"]

GLOBAL_STACK = "global"

PROTECTED_TYPES: dict[str, str] = {
    "azurerm_dns_zone": "the zone and every record in it are deleted; its name servers change, "
    "so the delegation from the parent zone breaks",
    "azurerm_private_dns_zone": "the zone and its records are deleted; names inside the VNets stop "
    "resolving until it is re-created",
    "azurerm_public_ip": "the ingress address changes; clients, DNS caches and allow-lists keep the old one",
    "azurerm_key_vault": "the vault and its secrets are deleted; with purge protection the name "
    "stays taken for the soft-delete period (90 days)",
    "azurerm_container_registry": "the registry and all its images are deleted",
    "azurerm_log_analytics_workspace": "the workspace and the logs it collected are deleted",
    "azurerm_kubernetes_cluster": "the cluster and every workload, volume and in-cluster object are "
    "deleted; its API server and OIDC issuer change",
    "azurerm_virtual_network": "the VNet is deleted, and with it everything attached to it",
    "azurerm_traffic_manager_profile": "the profile's DNS name stops answering, so the app name does "
    "not resolve until it is re-created",
}
"""Resource types that hold data or that clients depend on, with what losing one means."""


@dataclass(frozen=True)
class Rule:
    """How the provider applies a change to one attribute (and everything below it)."""

    effect: Literal["replace", "rotate"]
    """replace: destroy and create (ForceNew). rotate: the node pool is cycled through a
    temporary pool (``temporary_name_for_rotation``); pods are evicted without drain."""
    confirmed: bool = True
    """False: not confirmed in the provider's docs for azurerm 4.x; reported as "likely"."""
    only_if: Callable[[Any, Any], bool] | None = None
    """Applies only when ``only_if(before, after)`` holds (a one-way ForceNew)."""


_REPLACE = Rule("replace")
_LIKELY = Rule("replace", confirmed=False)
_ROTATE = Rule("rotate")

COMMON_AZURERM_FORCE_NEW: dict[str, Rule] = {
    "name": _REPLACE,
    "location": _REPLACE,
    "resource_group_name": _REPLACE,
}
"""Top-level arguments that force a new resource for every ``azurerm_*`` type that has them."""

_NODE_POOL_ROTATE = (
    "fips_enabled",
    "host_encryption_enabled",
    "kubelet_config",
    "kubelet_disk_type",
    "linux_os_config",
    "max_pods",
    "node_public_ip_enabled",
    "os_disk_size_gb",
    "os_disk_type",
    "pod_subnet_id",
    "snapshot_id",
    "ultra_ssd_enabled",
    "vm_size",
    "vnet_subnet_id",
    "zones",
)
"""Node pool arguments that azurerm 4.x applies by cycling the pool (provider PR #27791 removed
their ForceNew on ``azurerm_kubernetes_cluster_node_pool``). Without ``temporary_name_for_rotation``
the apply fails instead."""


def _leaves_cilium(before: Any, after: Any) -> bool:
    return bool(before == "cilium" and after != "cilium")


def _os_family_change(before: Any, after: Any) -> bool:
    linux = {"Ubuntu", "AzureLinux", None}
    return not (before in linux and after in linux)


FORCE_NEW: dict[str, dict[str, Rule]] = {
    # azurerm 4.x docs, "Changing this forces a new resource to be created", unless marked.
    "azurerm_kubernetes_cluster": {
        "dns_prefix": _REPLACE,
        "dns_prefix_private_cluster": _REPLACE,
        "node_resource_group": _REPLACE,
        "private_cluster_enabled": _REPLACE,
        "private_dns_zone_id": _REPLACE,
        "disk_encryption_set_id": _REPLACE,
        "edge_zone": _REPLACE,
        "role_based_access_control_enabled": _REPLACE,
        "kubelet_identity": _REPLACE,
        "linux_profile.admin_username": _REPLACE,
        "windows_profile.admin_username": _REPLACE,
        "network_profile.network_plugin": _REPLACE,
        "network_profile.network_mode": _REPLACE,
        "network_profile.ip_versions": _REPLACE,
        "network_profile.pod_cidr": _REPLACE,
        "network_profile.pod_cidrs": _REPLACE,
        "network_profile.service_cidr": _REPLACE,
        "network_profile.service_cidrs": _REPLACE,
        "network_profile.dns_service_ip": _REPLACE,
        "network_profile.load_balancer_sku": _REPLACE,
        "network_profile.nat_gateway_profile": _REPLACE,
        # "Disabling this forces a new resource": only a move away from cilium.
        "network_profile.network_data_plane": Rule("replace", only_if=_leaves_cilium),
        # Not ForceNew in 4.x: network_plugin_mode (CNI -> overlay upgrades in place),
        # network_policy, outbound_type, load_balancer_profile.* (the docs' block-level
        # "forces a new resource" sentence is not reflected for its counts; unconfirmed).
        "default_node_pool.type": _REPLACE,
        "default_node_pool.capacity_reservation_group_id": _REPLACE,
        "default_node_pool.gpu_instance": _REPLACE,
        "default_node_pool.host_group_id": _REPLACE,
        "default_node_pool.node_public_ip_prefix_id": _REPLACE,
        "default_node_pool.proximity_placement_group_id": _REPLACE,
        # The system pool is cycled, not the cluster replaced (temporary_name_for_rotation).
        "default_node_pool.name": _ROTATE,
        "default_node_pool.only_critical_addons_enabled": _ROTATE,
        "default_node_pool.os_sku": Rule("rotate", only_if=_os_family_change),
        **{f"default_node_pool.{attr}": _ROTATE for attr in _NODE_POOL_ROTATE},
    },
    "azurerm_kubernetes_cluster_node_pool": {
        "kubernetes_cluster_id": _REPLACE,
        "os_type": _REPLACE,
        "priority": _REPLACE,
        "eviction_policy": _REPLACE,
        "spot_max_price": _REPLACE,
        "capacity_reservation_group_id": _REPLACE,
        "host_group_id": _REPLACE,
        "gpu_instance": _REPLACE,
        "node_public_ip_prefix_id": _REPLACE,
        "proximity_placement_group_id": _REPLACE,
        "windows_profile": _REPLACE,
        "os_sku": Rule("replace", only_if=_os_family_change),
        **{attr: _ROTATE for attr in _NODE_POOL_ROTATE},
    },
    "azurerm_public_ip": {
        "ip_version": _REPLACE,
        "sku": _REPLACE,
        "sku_tier": _REPLACE,
        "zones": _REPLACE,
        "edge_zone": _REPLACE,
        "ip_tags": _REPLACE,
        "public_ip_prefix_id": _REPLACE,
        # allocation_method is updatable in 4.x (Standard requires Static anyway).
    },
    "azurerm_virtual_network": {"edge_zone": _REPLACE},
    "azurerm_subnet": {"virtual_network_name": _REPLACE},
    "azurerm_network_security_rule": {"network_security_group_name": _REPLACE},
    "azurerm_subnet_network_security_group_association": {
        "subnet_id": _REPLACE,
        "network_security_group_id": _REPLACE,
    },
    "azurerm_private_dns_zone_virtual_network_link": {
        "private_dns_zone_name": _REPLACE,
        "virtual_network_id": _REPLACE,
    },
    # Key Vault: tenant_id is updatable; soft_delete_retention_days cannot be changed after
    # creation (the apply fails, nothing is replaced); purge protection cannot be turned off.
    "azurerm_key_vault": {},
    "azurerm_container_registry": {
        "zone_redundancy_enabled": _LIKELY,  # docs: ForceNew; unconfirmed for 4.55
    },
    "azurerm_traffic_manager_profile": {"dns_config.relative_name": _REPLACE},
    "azurerm_traffic_manager_external_endpoint": {"profile_id": _REPLACE},
    "azurerm_dns_a_record": {"zone_name": _REPLACE},
    "azurerm_dns_aaaa_record": {"zone_name": _REPLACE},
    "azurerm_private_dns_a_record": {"zone_name": _REPLACE},
    "azurerm_private_dns_aaaa_record": {"zone_name": _REPLACE},
    "azurerm_role_assignment": {
        "scope": _REPLACE,
        "role_definition_id": _REPLACE,
        "role_definition_name": _REPLACE,
        "principal_id": _REPLACE,
        "principal_type": _REPLACE,
        "description": _LIKELY,
        "condition": _LIKELY,
        "condition_version": _LIKELY,
    },
    # Other providers: Kubernetes objects are replaced when their name or namespace changes;
    # a Helm release when its name or namespace does (both unconfirmed for helm 3.1.1).
    "helm_release": {"name": _LIKELY, "namespace": _LIKELY},
    **{
        t: {"metadata.name": _REPLACE, "metadata.namespace": _REPLACE}
        for t in (
            "kubernetes_namespace_v1",
            "kubernetes_deployment_v1",
            "kubernetes_service_v1",
            "kubernetes_ingress_v1",
            "kubernetes_config_map_v1",
            "kubernetes_secret_v1",
            "kubernetes_service_account_v1",
        )
    },
}
"""Attributes whose change destroys and re-creates the resource (or cycles a node pool).

A key matches the attribute itself and everything below it (``kubelet_identity`` covers
``kubelet_identity.client_id``); list positions are ignored. ``azurerm_*`` types also get
:data:`COMMON_AZURERM_FORCE_NEW`."""


def rule_for(rtype: str, path: AttrPath) -> Rule | None:
    """The :data:`FORCE_NEW` rule that covers ``path`` of a ``rtype`` resource, if any."""
    dotted = ".".join(s for s in path if not s.startswith("["))
    table = dict(COMMON_AZURERM_FORCE_NEW) if rtype.startswith("azurerm_") else {}
    table.update(FORCE_NEW.get(rtype, {}))
    for key in sorted(table, key=len, reverse=True):
        if dotted == key or dotted.startswith(key + "."):
            return table[key]
    return None


# --- the data model ------------------------------------------------------------------


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

    @property
    def address(self) -> str:
        return self.item.address

    @property
    def protected(self) -> bool:
        return self.kind == "resource" and self.item.rtype in PROTECTED_TYPES

    @property
    def loud(self) -> bool:
        """Destroys or replaces something that holds data or that clients depend on."""
        return self.protected and self.action in ("remove", "replace", "rename")

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


@dataclass(frozen=True)
class StackDiff:
    name: str
    status: Literal["added", "removed", "changed", "unchanged"]
    changes: tuple[Change, ...] = ()
    settings: tuple[AttrChange, ...] = ()
    """Changes to the stack's ``terraform`` (backend, providers) and ``provider`` blocks."""

    def count(self, kind: Kind, *actions: Action) -> int:
        return sum(1 for c in self.changes if c.kind == kind and c.action in actions)

    @property
    def loud(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.loud)


@dataclass(frozen=True)
class Report:
    base_label: str
    head_label: str
    stacks: tuple[StackDiff, ...] = field(default_factory=tuple)

    @property
    def loud(self) -> tuple[tuple[str, Change], ...]:
        return tuple((s.name, c) for s in self.stacks for c in s.loud)

    @property
    def changed(self) -> bool:
        return any(s.status != "unchanged" for s in self.stacks)


class ReviewError(Exception):
    """An output folder that cannot be read."""


# --- reading output folders ----------------------------------------------------------


def find_manifest(path: Path) -> Path:
    """``manifest.json`` of an output folder, or of a checkout's ``cdktf.out``."""
    for candidate in (path / "manifest.json", path / "cdktf.out" / "manifest.json"):
        if candidate.is_file():
            return candidate
    raise ReviewError(f"{path}: no manifest.json (neither an output folder nor a synthesized checkout)")


def load_stacks(path: Path) -> dict[str, dict[str, Any]]:
    """``{stack name: parsed cdk.tf.json}`` for every stack the manifest lists."""
    manifest_path = find_manifest(path)
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        entries = manifest["stacks"]
        return {
            name: json.loads(
                (manifest_path.parent / entry["synthesizedStackPath"]).read_text(encoding="utf-8")
            )
            for name, entry in entries.items()
        }
    except (OSError, KeyError, TypeError, json.JSONDecodeError) as exc:
        raise ReviewError(f"{manifest_path}: cannot read the synthesized stacks: {exc}") from exc


def items(doc: dict[str, Any]) -> dict[str, Item]:
    """Every resource, data source and output of one stack, by address."""
    out: dict[str, Item] = {}
    for rtype, entries in doc.get("resource", {}).items():
        for name, body in entries.items():
            out[f"{rtype}.{name}"] = Item("resource", f"{rtype}.{name}", rtype, body)
    for rtype, entries in doc.get("data", {}).items():
        for name, body in entries.items():
            out[f"data.{rtype}.{name}"] = Item("data", f"data.{rtype}.{name}", rtype, body)
    for name, body in doc.get("output", {}).items():
        out[f"output.{name}"] = Item("output", f"output.{name}", "output", body)
    return out


# --- flattening and comparing attributes -----------------------------------------------


def flatten(value: Any, prefix: AttrPath = ()) -> dict[AttrPath, Any]:
    """Leaves of a JSON value by attribute path; cdktf's ``//`` metadata is left out.

    Lists of plain values are one leaf (``zones``). Lists of blocks are indexed by a
    unique ``name`` or ``location`` when every block has one, else by position, so an
    inserted block does not shift every later one.
    """
    out: dict[AttrPath, Any] = {}
    if isinstance(value, dict):
        keys = [k for k in sorted(value) if k != "//"]
        if not keys and prefix:
            out[prefix] = {}
        for key in keys:
            out.update(flatten(value[key], (*prefix, str(key))))
    elif isinstance(value, list) and any(_is_structured(v) for v in value):
        for selector, element in zip(_selectors(value), value, strict=True):
            out.update(flatten(element, (*prefix, selector)))
    else:
        out[prefix] = value
    return out


def _is_structured(value: Any) -> bool:
    return isinstance(value, dict | list) or (isinstance(value, str) and "\n" in value)


def _selectors(values: list[Any]) -> list[str]:
    for key in ("name", "location"):
        labels = [v.get(key) if isinstance(v, dict) else None for v in values]
        if all(isinstance(label, str) for label in labels) and len(set(labels)) == len(labels):
            return [f"[{key}={label}]" for label in labels]
    return [f"[{i}]" for i in range(len(values))]


def compare(rtype: str, before: dict[str, Any], after: dict[str, Any]) -> tuple[AttrChange, ...]:
    """Changed attributes of one resource, each with the provider's effect."""
    old, new = flatten(before), flatten(after)
    changes = []
    for path in sorted(set(old) | set(new)):
        a, b = old.get(path, ABSENT), new.get(path, ABSENT)
        if a == b and type(a) is type(b):
            continue
        rule = rule_for(rtype, path)
        if rule is not None and (rule.only_if is None or rule.only_if(_plain(a), _plain(b))):
            changes.append(AttrChange(path, a, b, rule.effect, rule.confirmed))
        else:
            changes.append(AttrChange(path, a, b, "update"))
    return tuple(changes)


def _plain(value: Any) -> Any:
    return None if value is ABSENT else value


def _output_changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[AttrChange, ...]:
    sensitive = bool(before.get("sensitive")) or bool(after.get("sensitive"))
    changes = compare("output", before, after)
    if not sensitive:
        return changes
    return tuple(
        AttrChange(c.path, _hide(c.before), _hide(c.after), c.effect)
        if c.path and c.path[0] == "value"
        else c
        for c in changes
    )


def _hide(value: Any) -> Any:
    return ABSENT if value is ABSENT else SENSITIVE


# --- comparing stacks ------------------------------------------------------------------


def diff_stack(name: str, base: dict[str, Any] | None, head: dict[str, Any] | None) -> StackDiff:
    """What changes in one stack. ``None`` on one side: the stack is new or removed."""
    old = items(base) if base is not None else {}
    new = items(head) if head is not None else {}
    changes: list[Change] = []
    only_old = {a: i for a, i in old.items() if a not in new}
    only_new = {a: i for a, i in new.items() if a not in old}
    for old_address, new_address in _renames(only_old, only_new).items():
        before, after = only_old.pop(old_address), only_new.pop(new_address)
        attrs = compare(after.rtype, before.body, after.body)
        note, guard = _consequence(after), _unguarded(before)
        changes.append(
            Change("resource", "rename", after, old_address, attrs, note, before.construct_path, guard)
        )
    for item in only_new.values():
        changes.append(Change(item.kind, "add", item))
    for item in only_old.values():
        changes.append(Change(item.kind, "remove", item, note=_consequence(item), guard=_unguarded(item)))
    for address in sorted(set(old) & set(new)):
        change = _same_address(old[address], new[address])
        if change is not None:
            changes.append(change)
    changes.sort(key=lambda c: (c.address, c.old_address or ""))
    settings = compare("settings", _settings(base), _settings(head))
    if base is None:
        status: Literal["added", "removed", "changed", "unchanged"] = "added"
    elif head is None:
        status = "removed"
    else:
        status = "changed" if changes or settings else "unchanged"
    if base is None or head is None:
        settings = ()
    return StackDiff(name, status, tuple(changes), settings)


def _same_address(before: Item, after: Item) -> Change | None:
    """An item at the same address on both sides: updated, replaced, or unchanged (None)."""
    if after.kind == "output":
        attrs = _output_changes(before.body, after.body)
    else:
        attrs = compare(after.rtype, before.body, after.body)
    if not attrs:
        return None
    if after.kind == "resource" and any(a.effect == "replace" for a in attrs):
        guard: Literal["", "refused"] = "refused" if _prevents_destroy(after) else ""
        return Change(after.kind, "replace", after, None, attrs, _consequence(after), guard=guard)
    return Change(after.kind, "update", after, None, attrs)


def _renames(only_old: dict[str, Item], only_new: dict[str, Item]) -> dict[str, str]:
    """Base address -> head address of resources that Terraform sees as destroyed and created,
    but that are the same thing: the same construct path (a changed type or logical id), or
    else the same type and the same Azure name (a renamed or moved construct)."""
    old = {a: i for a, i in sorted(only_old.items()) if i.kind == "resource"}
    new = {a: i for a, i in sorted(only_new.items()) if i.kind == "resource"}
    pairs: dict[str, str] = {}
    new_by_path = {i.construct_path: a for a, i in new.items() if i.construct_path}
    for address, item in old.items():
        if item.construct_path in new_by_path:
            pairs[address] = new_by_path.pop(item.construct_path)
    taken = set(pairs.values())
    old_by_name = _by_name({a: i for a, i in old.items() if a not in pairs})
    new_by_name = _by_name({a: i for a, i in new.items() if a not in taken})
    for key, olds in old_by_name.items():
        news = new_by_name.get(key, [])
        if len(olds) == 1 and len(news) == 1:
            pairs[olds[0]] = news[0]
    return pairs


def _by_name(found: dict[str, Item]) -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = {}
    for address, item in found.items():
        if item.display_name:
            out.setdefault((item.rtype, item.display_name), []).append(address)
    return out


def _prevents_destroy(item: Item) -> bool:
    lifecycle = item.body.get("lifecycle")
    return isinstance(lifecycle, dict) and lifecycle.get("prevent_destroy") is True


def _unguarded(before: Item) -> Literal["", "unguarded"]:
    return "unguarded" if _prevents_destroy(before) else ""


def _consequence(item: Item) -> str:
    return PROTECTED_TYPES.get(item.rtype, "") if item.kind == "resource" else ""


def _settings(doc: dict[str, Any] | None) -> dict[str, Any]:
    if doc is None:
        return {}
    return {k: v for k, v in doc.items() if k not in ("//", "resource", "data", "output")}


def stack_order(names: set[str]) -> list[str]:
    """``global`` first, then the other stacks by name."""
    return sorted(names, key=lambda n: (n != GLOBAL_STACK, n))


def diff_outdirs(
    base: Path, head: Path, *, base_label: str | None = None, head_label: str | None = None
) -> Report:
    """Compare every stack of two output folders (or synthesized checkouts)."""
    old, new = load_stacks(base), load_stacks(head)
    stacks = tuple(diff_stack(n, old.get(n), new.get(n)) for n in stack_order(set(old) | set(new)))
    return Report(base_label or str(base), head_label or str(head), stacks)


def diff_markdown(
    base: Path,
    head: Path,
    *,
    base_label: str | None = None,
    head_label: str | None = None,
    max_chars: int | None = None,
) -> str:
    """The Markdown change summary of two output folders."""
    return render(diff_outdirs(base, head, base_label=base_label, head_label=head_label), max_chars=max_chars)
