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

Removing, renaming or replacing a resource of a type in
:data:`dualstack.protection.DESTROY_CONSEQUENCES` (it holds data, or clients depend on its
name or address) raises a loud warning. That list is wider than the types synthesis guards
with ``lifecycle.prevent_destroy`` (``PROTECTED_TYPES`` there): it adds the cluster and
the VNet. The summary also says whether ``prevent_destroy`` makes Terraform refuse a
replacement, or no longer applies because the resource block is gone. Loud warnings are
what ``--fail-on-destroy`` gates on, unless the config's ``acknowledge_destroy`` names them
(:meth:`Report.acknowledged`).

Kubernetes objects and Helm releases get a second class of warning: removing or replacing
one of :data:`DISRUPTIVE_TYPES` disrupts running workloads (:attr:`Change.impact` says how),
shown prominently but not gated. A resource whose ``lifecycle.replace_triggered_by`` names an
item that is updated or replaced in the same stack is replaced too ("triggered by").
``depends_on`` and cdktf's ``//`` metadata are not compared: they change no resource.

The results are the data classes of :mod:`dualstack.review.model`;
:func:`dualstack.review.markdown.render` turns a :class:`~dualstack.review.model.Report`
into Markdown (this module does not import the renderer).

Retiring a region is recognised: a region stack whose Traffic Manager endpoints and A/AAAA
records all go while its public IPs stay is *drained* (:attr:`StackDiff.drained`); a removed
stack is reported once, with what removing it from the config does and does not do.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from dualstack.naming import EDGE_STACK, GLOBAL_STACK, WORKLOADS_SUFFIX
from dualstack.protection import DESTROY_CONSEQUENCES
from dualstack.review.model import Action, AttrChange, AttrPath, Change, Item, Report, StackDiff, region_of
from dualstack.review.redact import ABSENT, SENSITIVE

IGNORED_KEYS = frozenset({"//", "depends_on"})
"""Top-level keys of an item that are not compared: cdktf's metadata, and ``depends_on``
(it orders operations within one apply and changes nothing by itself)."""

INGRESS_RELEASES: dict[str, str] = {
    "ingress-ipv4": "IPv4",
    "ingress-ipv6": "IPv6",
    "ingress-dual": "IPv4 and IPv6",
}
"""Helm release names of the ingress controllers, with the traffic each one carries."""

DISRUPTIVE_TYPES: frozenset[str] = frozenset(
    {"helm_release", "kubernetes_namespace_v1", "kubernetes_ingress_class_v1", "kubernetes_service_v1"}
)
"""Kubernetes-side types whose removal or replacement disrupts running workloads. Not gated
by ``--fail-on-destroy`` (nothing is lost that the next apply does not re-create), but shown
next to the loud warnings with the expected impact (:func:`impact`)."""

DRAIN_TYPES: frozenset[str] = frozenset(
    {
        "azurerm_traffic_manager_external_endpoint",
        "azurerm_cdn_frontdoor_origin",
        "azurerm_dns_a_record",
        "azurerm_dns_aaaa_record",
        "azurerm_private_dns_a_record",
        "azurerm_private_dns_aaaa_record",
    }
)
"""What draining a region removes from its stack (``drain: true``): its Traffic Manager
endpoints and its public and private A/AAAA records."""


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


def _primary_family_change(before: Any, after: Any) -> bool:
    """Both sides name IP families and the first (primary) one differs. Appending a second
    family, or dropping it, keeps the primary one: an in-place update."""
    first = [v[0] if isinstance(v, list) and v else None for v in (before, after)]
    return first[0] is not None and first[1] is not None and first[0] != first[1]


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
    # Front Door (azurerm 4.55 docs and source: ForceNew). The SKU's change is unconfirmed.
    "azurerm_cdn_frontdoor_profile": {"sku_name": _LIKELY},
    "azurerm_cdn_frontdoor_endpoint": {"cdn_frontdoor_profile_id": _REPLACE},
    "azurerm_cdn_frontdoor_custom_domain": {"cdn_frontdoor_profile_id": _REPLACE, "host_name": _REPLACE},
    "azurerm_cdn_frontdoor_origin_group": {"cdn_frontdoor_profile_id": _REPLACE},
    "azurerm_cdn_frontdoor_origin": {"cdn_frontdoor_origin_group_id": _REPLACE},
    "azurerm_cdn_frontdoor_route": {"cdn_frontdoor_endpoint_id": _REPLACE},
    "azurerm_cdn_frontdoor_security_policy": {
        "cdn_frontdoor_profile_id": _REPLACE,
        "security_policies": _REPLACE,
    },
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
            "kubernetes_ingress_v1",
            "kubernetes_config_map_v1",
            "kubernetes_secret_v1",
            "kubernetes_service_account_v1",
        )
    },
    "kubernetes_service_v1": {
        "metadata.name": _REPLACE,
        "metadata.namespace": _REPLACE,
        # Kubernetes refuses to change a Service's primary IP family (spec.ipFamilies[0] is
        # immutable): the Service is deleted and created again (the sample app arranges that
        # with lifecycle.replace_triggered_by; without it the apply fails). A second family
        # appended or dropped keeps the primary one: an in-place update.
        "spec.ip_families": Rule("replace", only_if=_primary_family_change),
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


class ReviewError(Exception):
    """An output folder that cannot be read; the message names the file that is wrong."""


# --- reading output folders ----------------------------------------------------------


def find_manifest(path: Path) -> Path:
    """``manifest.json`` of an output folder, or of a checkout's ``cdktf.out``."""
    if not path.exists():
        raise ReviewError(f"{path}: does not exist")
    if not path.is_dir():
        raise ReviewError(f"{path}: is not a folder (give an output folder or a synthesized checkout)")
    for candidate in (path / "manifest.json", path / "cdktf.out" / "manifest.json"):
        if candidate.is_file():
            return candidate
    raise ReviewError(f"{path}: no manifest.json (neither an output folder nor a synthesized checkout)")


def load_stacks(path: Path) -> dict[str, dict[str, Any]]:
    """``{stack name: parsed cdk.tf.json}`` for every stack the manifest lists."""
    manifest_path = find_manifest(path)
    manifest = _read_json(manifest_path)
    entries = manifest.get("stacks")
    if not isinstance(entries, dict):
        raise ReviewError(f'{manifest_path}: has no "stacks" object (not a cdktf manifest)')
    stacks = {}
    for name, entry in entries.items():
        relative = entry.get("synthesizedStackPath") if isinstance(entry, dict) else None
        if not isinstance(relative, str) or not relative:
            raise ReviewError(f"{manifest_path}: stack {name!r} has no synthesizedStackPath")
        stack_path = manifest_path.parent / relative
        if not stack_path.is_file():
            state = "is not a file" if stack_path.exists() else "does not exist"
            raise ReviewError(f"{stack_path}: {state} (named by {manifest_path} for stack {name!r})")
        doc = _read_json(stack_path)
        _check_stack(stack_path, doc)
        stacks[str(name)] = doc
    return stacks


def _read_json(path: Path) -> dict[str, Any]:
    """A JSON object from ``path``; a :class:`ReviewError` naming ``path`` otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ReviewError(f"{path}: is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise ReviewError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReviewError(
            f"{path}: is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise ReviewError(f"{path}: is not valid JSON (nested too deeply)") from None
    if not isinstance(doc, dict):
        raise ReviewError(f"{path}: is not a JSON object")
    return doc


def _check_stack(path: Path, doc: dict[str, Any]) -> None:
    """A stack file has the shape of ``cdk.tf.json``: blocks are objects of objects."""
    for block in ("resource", "data", "output"):
        value = doc.get(block, {})
        bodies = list(value.values()) if isinstance(value, dict) else None
        if block != "output" and bodies is not None and all(isinstance(b, dict) for b in bodies):
            bodies = [body for entries in bodies for body in entries.values()]
        if bodies is None or not all(isinstance(body, dict) for body in bodies):
            raise ReviewError(f'{path}: "{block}" is not shaped like a synthesized stack')


def items(doc: dict[str, Any]) -> dict[str, Item]:
    """Every resource, data source and output of one stack, by address. A resource declared
    with ``count: 0`` has no instance: it is left out, so a change of its count between 0 and
    one instance reads as the resource being added or removed, as Terraform plans it."""
    out: dict[str, Item] = {}
    for rtype, entries in doc.get("resource", {}).items():
        for name, body in entries.items():
            if body.get("count") == 0:
                continue
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
    old, new = flatten(_comparable(before)), flatten(_comparable(after))
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


def _comparable(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in IGNORED_KEYS}


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
        note, guard = _consequence(after), _guard_lost(before)
        changes.append(
            Change("resource", "rename", after, old_address, attrs, note, before.construct_path, guard)
        )
    for item in only_new.values():
        changes.append(Change(item.kind, "add", item))
    for item in only_old.values():
        changes.append(Change(item.kind, "remove", item, note=_consequence(item), guard=_guard_lost(item)))
    for address in sorted(set(old) & set(new)):
        change = _change_at_same_address(old[address], new[address])
        if change is not None:
            changes.append(change)
    changes = _with_triggers(old, new, changes)
    if base is not None and head is not None:
        changes = _with_impacts(name, old, changes)
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
    return StackDiff(name, status, tuple(changes), settings, _drained(name, old, new, changes))


# --- replace_triggered_by -------------------------------------------------------------------

_REFERENCE = re.compile(r"^(?:\$\{)?\s*([A-Za-z][A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_-]*)")


def replace_triggers(item: Item) -> tuple[str, ...]:
    """The resource addresses named in ``lifecycle.replace_triggered_by`` (``type.name``;
    an attribute or index after it, as in ``terraform_data.x.output``, is dropped)."""
    lifecycle = item.body.get("lifecycle")
    refs = lifecycle.get("replace_triggered_by") if isinstance(lifecycle, dict) else None
    if not isinstance(refs, list):
        return ()
    out = []
    for ref in refs:
        match = _REFERENCE.match(ref) if isinstance(ref, str) else None
        if match is not None:
            out.append(f"{match.group(1)}.{match.group(2)}")
    return tuple(out)


def _with_triggers(old: dict[str, Item], new: dict[str, Item], changes: list[Change]) -> list[Change]:
    """Resources replaced because an item their ``replace_triggered_by`` names is updated or
    replaced in this stack (Terraform's rule; a created item triggers nothing). Repeated until
    nothing moves: a triggered replacement can trigger another."""
    by_address = {c.address: c for c in changes if c.kind == "resource" and c.action != "remove"}
    rest = [c for c in changes if not (c.kind == "resource" and c.action != "remove")]
    moved = True
    while moved:
        moved = False
        changed = {a for a, c in by_address.items() if c.action in ("update", "replace")}
        for address, item in sorted(new.items()):
            current = by_address.get(address)
            if item.kind != "resource" or address not in old:
                continue  # created (or re-created under a new address) anyway
            if current is not None and current.action not in ("update", "replace"):
                continue
            triggers = tuple(sorted({t for t in replace_triggers(item) if t in changed and t != address}))
            if not triggers or (current is not None and current.triggered_by == triggers):
                continue
            guard: Literal["", "refused"] = "refused" if _prevents_destroy(item) else ""
            by_address[address] = replace(
                current or Change("resource", "update", item),
                action="replace",
                triggered_by=triggers,
                note=_consequence(item),
                guard=guard,
            )
            moved = True
    return [*rest, *by_address.values()]


# --- Kubernetes and Helm: what a removal or replacement does to running workloads -------------


APP_NAME_RECORDS: dict[str, str] = {
    "azurerm_dns_a_record": "A (IPv4)",
    "azurerm_dns_aaaa_record": "AAAA (IPv6)",
    "azurerm_dns_cname_record": "CNAME",
}
"""The public record types of the app's name in the global stack, with the answers they give."""


def record_impact(removed: Item, added_types: set[str]) -> str:
    """What removing one of the app name's records in the global stack does to clients;
    ``added_types``: the record types added at the same name in the same change."""
    name, answer = removed.display_name or removed.address, APP_NAME_RECORDS[removed.rtype]
    family = {"azurerm_dns_a_record": "IPv4", "azurerm_dns_aaaa_record": "IPv6"}
    if not added_types - {removed.rtype}:
        if removed.rtype == "azurerm_dns_cname_record":
            return f"the name `{name}` stops resolving: no client can reach the app by name"
        return (
            f"the name `{name}` stops answering {answer} queries: "
            f"{family[removed.rtype]}-only clients can no longer reach the app"
        )
    new = " and ".join(APP_NAME_RECORDS[t] for t in sorted(added_types))
    text = (
        f"the name `{name}` swaps its {answer} record for {new}: Terraform deletes the old record "
        "first and creates the new one right after (the CNAME depends on the A and AAAA records), "
        "so for the seconds in between the name has no answer, and a resolver that asks then "
        "caches the empty answer for up to the zone's negative-caching TTL (its SOA record's, "
        "300 s by default)"
    )
    if "azurerm_dns_cname_record" in added_types:
        return f"{text}; then, until the `edge` stack's route exists, Front Door answers 404 for it"
    text += (
        "; then the new Traffic Manager profiles answer nothing until the region stacks add their "
        "endpoints, and the ingresses admit only Front Door until the region and workloads stacks "
        "re-apply (403)"
    )
    lost = [family[t] for t in sorted(family) if t not in added_types]
    return text + "".join(f"; {f}-only clients can no longer resolve it at all" for f in lost)


def _record_swaps(changes: list[Change]) -> dict[str, set[str]]:
    """``{record name: record types added}`` among the app name's records in one stack."""
    out: dict[str, set[str]] = {}
    for change in changes:
        if change.kind == "resource" and change.action == "add" and change.item.rtype in APP_NAME_RECORDS:
            out.setdefault(change.item.display_name or "", set()).add(change.item.rtype)
    return out


def _with_impacts(stack: str, old: dict[str, Item], changes: list[Change]) -> list[Change]:
    new_ingress = any(
        c.action in ("add", "rename")
        and c.item.rtype == "helm_release"
        and c.item.display_name in INGRESS_RELEASES
        for c in changes
    )
    swaps = _record_swaps(changes)
    out = []
    for change in changes:
        if (
            change.kind == "resource"
            and change.item.rtype in DISRUPTIVE_TYPES
            and change.action in ("remove", "replace", "rename")
        ):
            before = old.get(change.destroyed_address, change.item)
            change = replace(change, impact=impact(stack, change.action, before, new_ingress=new_ingress))
        elif (
            stack == GLOBAL_STACK
            and change.kind == "resource"
            and change.item.rtype in APP_NAME_RECORDS
            and change.action == "remove"
        ):
            added = swaps.get(change.item.display_name or "", set())
            change = replace(change, impact=record_impact(change.item, added))
        out.append(change)
    return out


def impact(stack: str, action: Action, before: Item, *, new_ingress: bool = False) -> str:
    """What removing (``remove``) or replacing (``replace``, ``rename``) the Kubernetes object
    or Helm release ``before`` of ``stack`` does to running workloads; plain text."""
    name = before.display_name or before.address
    removed = action == "remove"
    if before.rtype == "helm_release" and name in INGRESS_RELEASES:
        traffic = f"ingress traffic for {INGRESS_RELEASES[name]} in region {region_of(stack)} stops"
        if removed and not new_ingress:
            return f"{traffic}: no new ingress release takes its place"
        return f"{traffic} until the new release's Service has its address"
    if before.rtype == "helm_release":
        if removed:
            return f"Helm uninstalls `{name}`: every object it installed is deleted"
        return (
            f"Helm uninstalls `{name}` and installs it again: every object it installed is deleted "
            "and re-created, and what it runs is unavailable in between"
        )
    if before.rtype == "kubernetes_namespace_v1":
        text = f"namespace `{name}` and everything in it are deleted, including objects Terraform does not manage"
        return text if removed else f"{text}; Terraform re-creates only what it manages"
    if before.rtype == "kubernetes_ingress_class_v1":
        if removed:
            return f"Ingresses of class `{name}` lose their controller: their routes are no longer served"
        return f"Ingresses of class `{name}` lose their controller until the class is re-created"
    if before.rtype == "kubernetes_service_v1":
        if removed:
            return f"Service `{name}` is deleted: clients of the Service lose connections and its name stops resolving"
        return (
            f"Service `{name}` is re-created: its cluster IP changes; clients of the Service lose connections"
        )
    return ""


# --- retiring a region ----------------------------------------------------------------------


def _drained(stack: str, old: dict[str, Item], new: dict[str, Item], changes: list[Change]) -> bool:
    """A region stack on both sides whose Traffic Manager endpoints and A/AAAA records all go
    while its public IPs stay (same address, not replaced)."""
    if not old or not new or stack in (GLOBAL_STACK, EDGE_STACK) or stack.endswith(WORKLOADS_SUFFIX):
        return False

    def of(found: dict[str, Item], *rtypes: str) -> set[str]:
        return {a for a, i in found.items() if i.kind == "resource" and i.rtype in rtypes}

    # What puts a region in the app's name: its Traffic Manager endpoints, or its Front Door origins.
    endpoints = of(old, "azurerm_traffic_manager_external_endpoint", "azurerm_cdn_frontdoor_origin")
    if not endpoints or of(new, *DRAIN_TYPES):
        return False
    destroyed = {c.destroyed_address for c in changes if c.action in ("remove", "replace", "rename")}
    public_ips = of(old, "azurerm_public_ip")
    return all(a in new and a not in destroyed for a in public_ips)


def _change_at_same_address(before: Item, after: Item) -> Change | None:
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


def _guard_lost(before: Item) -> Literal["", "unguarded"]:
    """``"unguarded"`` when ``before`` had ``prevent_destroy``, which a removed block no longer gives."""
    return "unguarded" if _prevents_destroy(before) else ""


def _consequence(item: Item) -> str:
    return DESTROY_CONSEQUENCES.get(item.rtype, "") if item.kind == "resource" else ""


def _settings(doc: dict[str, Any] | None) -> dict[str, Any]:
    if doc is None:
        return {}
    return {k: v for k, v in doc.items() if k not in ("//", "resource", "data", "output")}


def stack_order(names: set[str]) -> list[str]:
    """``global`` first, then the other stacks by name."""
    return sorted(names, key=lambda n: (n != GLOBAL_STACK, n))


def diff_outdirs(
    base: Path,
    head: Path,
    *,
    base_label: str | None = None,
    head_label: str | None = None,
    acknowledge: Sequence[str] = (),
    config_label: str | None = None,
    prices: Path | None = None,
) -> Report:
    """Compare every stack of two output folders (or synthesized checkouts). ``acknowledge``:
    the config's ``acknowledge_destroy`` entries; ``config_label``: where they come from;
    ``prices``: a price file (``review.prices``) for the monthly estimate of both sides."""
    from dualstack.review import headline
    from dualstack.review.bom import bill, delta
    from dualstack.review.prices import estimate_delta_markdown, read_price_file

    old, new = load_stacks(base), load_stacks(head)
    stacks = tuple(diff_stack(n, old.get(n), new.get(n)) for n in stack_order(set(old) | set(new)))
    old_bill, new_bill = bill(old), bill(new)
    estimate = estimate_delta_markdown(old_bill, new_bill, read_price_file(prices)) if prices else ""
    return Report(
        base_label or str(base),
        head_label or str(head),
        stacks,
        tuple(acknowledge),
        config_label,
        tuple(delta(old_bill, new_bill)),
        estimate,
        tuple(
            headline.headlines(
                headline.read(find_manifest(base).parent), headline.read(find_manifest(head).parent)
            )
        ),
        {
            name: frozenset(items(old.get(name) or {})) | frozenset(items(new.get(name) or {}))
            for name in set(old) | set(new)
        },
    )
