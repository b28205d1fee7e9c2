"""The bill of materials of a synthesized output: what the stacks make Azure bill for, per stack.

Read from the synthesized JSON alone (no cdktf, no Azure): node pools (VM size x the
autoscaler's minimum and maximum), the cluster tier, the cluster's load balancer and its managed
outbound addresses, public IPs per family, the registry and its replicas, Traffic Manager
profiles and endpoints or Front Door Premium (profile, WAF policy, custom rules), the Log
Analytics workspace and data collection rules, Key Vaults, private endpoints, DNS zones and
record sets. A resource declared with ``count: 0`` has no instance and is not counted.

What Azure bills by use (log ingestion, DNS queries, vault operations, data transfer, Front Door
requests) is listed with its count but has no quantity to price: ``prices.py`` says so for each.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dualstack.naming import GLOBAL_STACK

TIMES = "\N{MULTIPLICATION SIGN}"


@dataclass(frozen=True, order=True)
class Line:
    """One kind of billed thing in one region of one stack: ``minimum`` to ``maximum`` of them."""

    stack: str
    region: str
    kind: str
    """What it is: ``vm``, ``aks-tier``, ``load-balancer``, ``public-ip``, ``registry``,
    ``registry-replica``, ``traffic-manager-profile``, ``traffic-manager-endpoint``,
    ``front-door-profile``, ``front-door-waf-policy``, ``front-door-waf-rule``,
    ``log-analytics``, ``data-collection-rule``, ``key-vault``, ``private-endpoint``,
    ``dns-zone``, ``dns-record-set``, ``private-dns-zone``, ``private-dns-record-set``."""
    sku: str
    minimum: int
    maximum: int

    def text(self) -> str:
        count = (
            str(self.minimum) if self.minimum == self.maximum else f"{self.minimum} (up to {self.maximum})"
        )
        sku = f" {self.sku}" if self.sku else ""
        return f"{count} {TIMES} {self.kind}{sku} in {self.region}"


def _bodies(doc: dict[str, Any], rtype: str) -> Iterator[dict[str, Any]]:
    for body in doc.get("resource", {}).get(rtype, {}).values():
        if body.get("count") != 0:
            yield body


def _literal(value: Any) -> str | None:
    return value if isinstance(value, str) and not value.startswith("${") else None


def _one(value: Any) -> dict[str, Any]:
    """A block that cdktf writes as an object or a one-element list."""
    if isinstance(value, list):
        return value[0] if value else {}
    return value if isinstance(value, dict) else {}


def _pool(stack: str, region: str, pool: dict[str, Any]) -> Line:
    size = str(pool["vm_size"])
    if pool.get("auto_scaling_enabled"):
        return Line(stack, region, "vm", size, int(pool["min_count"]), int(pool["max_count"]))
    count = int(pool.get("node_count") or 1)
    return Line(stack, region, "vm", size, count, count)


def _cluster(stack: str, region: str, doc: dict[str, Any]) -> Iterator[Line]:
    for cluster in _bodies(doc, "azurerm_kubernetes_cluster"):
        yield _pool(stack, region, _one(cluster["default_node_pool"]))
        yield Line(stack, region, "aks-tier", str(cluster.get("sku_tier", "Free")), 1, 1)
        yield Line(stack, region, "load-balancer", "Standard", 1, 1)
        profile = _one(_one(cluster.get("network_profile")).get("load_balancer_profile"))
        for key, family in (("managed_outbound_ip_count", "IPv4"), ("managed_outbound_ipv6_count", "IPv6")):
            if profile.get(key):
                yield Line(
                    stack, region, "public-ip", f"Standard {family}", int(profile[key]), int(profile[key])
                )
    for pool in _bodies(doc, "azurerm_kubernetes_cluster_node_pool"):
        yield _pool(stack, region, pool)


def _network(stack: str, region: str, doc: dict[str, Any]) -> Iterator[Line]:
    for ip in _bodies(doc, "azurerm_public_ip"):
        family = "IPv6" if ip.get("ip_version") == "IPv6" else "IPv4"
        yield Line(
            stack,
            _literal(ip.get("location")) or region,
            "public-ip",
            f"{ip.get('sku', 'Standard')} {family}",
            1,
            1,
        )
    for _ in _bodies(doc, "azurerm_private_endpoint"):
        yield Line(stack, region, "private-endpoint", "", 1, 1)
    for _ in _bodies(doc, "azurerm_traffic_manager_external_endpoint"):
        yield Line(stack, "global", "traffic-manager-endpoint", "External", 1, 1)


def _global(stack: str, region: str, doc: dict[str, Any]) -> Iterator[Line]:
    for registry in _bodies(doc, "azurerm_container_registry"):
        yield Line(
            stack, _literal(registry.get("location")) or region, "registry", str(registry["sku"]), 1, 1
        )
        for replica in registry.get("georeplications", []) or []:
            yield Line(stack, str(replica["location"]), "registry-replica", str(registry["sku"]), 1, 1)
    for _ in _bodies(doc, "azurerm_traffic_manager_profile"):
        yield Line(stack, "global", "traffic-manager-profile", "", 1, 1)
    for profile in _bodies(doc, "azurerm_cdn_frontdoor_profile"):
        yield Line(stack, "global", "front-door-profile", str(profile["sku_name"]), 1, 1)
    for policy in _bodies(doc, "azurerm_cdn_frontdoor_firewall_policy"):
        yield Line(stack, "global", "front-door-waf-policy", str(policy["sku_name"]), 1, 1)
        rules = len(policy.get("custom_rule", []) or [])
        if rules:
            yield Line(stack, "global", "front-door-waf-rule", "custom", rules, rules)
    for workspace in _bodies(doc, "azurerm_log_analytics_workspace"):
        yield Line(
            stack, _literal(workspace.get("location")) or region, "log-analytics", str(workspace["sku"]), 1, 1
        )
    for rule in _bodies(doc, "azurerm_monitor_data_collection_rule"):
        yield Line(stack, _literal(rule.get("location")) or region, "data-collection-rule", "", 1, 1)
    for vault in _bodies(doc, "azurerm_key_vault"):
        yield Line(
            stack, _literal(vault.get("location")) or region, "key-vault", str(vault["sku_name"]), 1, 1
        )


def _dns(stack: str, doc: dict[str, Any]) -> Iterator[Line]:
    for _ in _bodies(doc, "azurerm_dns_zone"):
        yield Line(stack, "global", "dns-zone", "public", 1, 1)
    for _ in _bodies(doc, "azurerm_private_dns_zone"):
        yield Line(stack, "global", "private-dns-zone", "", 1, 1)
    for rtype in (
        "azurerm_dns_a_record",
        "azurerm_dns_aaaa_record",
        "azurerm_dns_cname_record",
        "azurerm_dns_txt_record",
    ):
        for _ in _bodies(doc, rtype):
            yield Line(stack, "global", "dns-record-set", "public", 1, 1)
    for rtype in ("azurerm_private_dns_a_record", "azurerm_private_dns_aaaa_record"):
        for _ in _bodies(doc, rtype):
            yield Line(stack, "global", "private-dns-record-set", "", 1, 1)


def _home(stack: str, doc: dict[str, Any]) -> str:
    """The stack's region: a region stack's name, or the global resource group's location."""
    if stack != GLOBAL_STACK:
        return stack
    for group in _bodies(doc, "azurerm_resource_group"):
        location = _literal(group.get("location"))
        if location:
            return location
    return "global"


def stack_lines(stack: str, doc: dict[str, Any]) -> list[Line]:
    """The bill of materials of one stack, equal lines merged (their counts added)."""
    region = _home(stack, doc)
    merged: dict[tuple[str, str, str], tuple[int, int]] = {}
    for line in (
        *_cluster(stack, region, doc),
        *_network(stack, region, doc),
        *_global(stack, region, doc),
        *_dns(stack, doc),
    ):
        low, high = merged.get((line.region, line.kind, line.sku), (0, 0))
        merged[(line.region, line.kind, line.sku)] = (low + line.minimum, high + line.maximum)
    return sorted(Line(stack, r, k, s, low, high) for (r, k, s), (low, high) in merged.items())


def bill(stacks: dict[str, dict[str, Any]]) -> list[Line]:
    """The bill of materials of every stack (``diff.load_stacks``), by stack then line."""
    return [line for name in sorted(stacks) for line in stack_lines(name, stacks[name])]


def delta(base: list[Line], head: list[Line]) -> list[str]:
    """What changes between two bills, one line each: ``+3 to +9 x vm Standard_D4ds_v5 in
    francecentral (was 0, now 3-9)`` (with a multiplication sign): the change of the minimum and
    of the maximum, each with its own sign (``-2 to +4`` when the minimum falls and the maximum
    rises), then both counts."""

    def key(line: Line) -> tuple[str, str, str]:
        return (line.region, line.kind, line.sku)

    def totals(lines: list[Line]) -> dict[tuple[str, str, str], tuple[int, int]]:
        out: dict[tuple[str, str, str], tuple[int, int]] = {}
        for line in lines:
            low, high = out.get(key(line), (0, 0))
            out[key(line)] = (low + line.minimum, high + line.maximum)
        return out

    before, after = totals(base), totals(head)
    out = []
    for region, kind, sku in sorted(set(before) | set(after)):
        old, new = before.get((region, kind, sku), (0, 0)), after.get((region, kind, sku), (0, 0))
        if old == new:
            continue
        low, high = new[0] - old[0], new[1] - old[1]
        count = f"{low:+d}" if low == high else f"{low:+d} to {high:+d}"
        name = f"{kind} {sku}".strip()
        out.append(f"{count} {TIMES} {name} in {region} (was {_range(old)}, now {_range(new)})")
    return out


def _range(counts: tuple[int, int]) -> str:
    low, high = counts
    return str(low) if low == high else f"{low}-{high}"
