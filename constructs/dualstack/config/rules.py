"""The rules across sections of the config, one function each; ``Config`` runs them all once
every section is valid on its own and reports every problem on its own line (the list of
rules is ``Config``'s docstring).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

from dualstack import cidr
from dualstack.config.cluster import AZURE_RESERVED_ADDRESSES, MAX_SURGE_PERCENT, Cluster, surge_nodes
from dualstack.config.dns import EDGE_PORTS, TRAFFIC_MANAGER_PROBE_KEYS, Dns, ProbeSettings
from dualstack.config.edge import Edge, FrontDoorEdge
from dualstack.config.hints import _region_suggestion
from dualstack.config.ingress import Ingress, Tls
from dualstack.config.network import Hub
from dualstack.config.region import Region
from dualstack.naming import IP_VERSION
from dualstack.regions import ZONAL_REGIONS


def location_problems(location: str) -> list[tuple[str, str]]:
    """``global.location`` is one of the allowed regions."""
    if location in ZONAL_REGIONS:
        return []
    return [
        (
            "global.location",
            f"{location!r} is not an Azure region with availability zones "
            "(the registry and vault are zone-redundant)" + _region_suggestion(location),
        )
    ]


def vnet_overlap_problems(regions: Mapping[str, Region]) -> list[tuple[str, str]]:
    """Two regions' VNets overlap (reported on the later region in the file)."""
    problems: list[tuple[str, str]] = []
    names = list(regions)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            for family, fam in IP_VERSION.items():
                net_a = cidr.parse_cidr(getattr(regions[a].address_space, family), fam)
                net_b = cidr.parse_cidr(getattr(regions[b].address_space, family), fam)
                if cidr.overlaps(net_a, net_b):
                    problems.append(
                        (
                            f"regions.{b}.address_space.{family}",
                            f"{net_b} overlaps regions.{a}.address_space.{family} {net_a}; "
                            "VNets of different regions must not overlap",
                        )
                    )
    return problems


def overlay_overlap_problems(regions: Mapping[str, Region]) -> list[tuple[str, str]]:
    """A region's pod or service range overlaps another region's VNet."""
    problems: list[tuple[str, str]] = []
    for name, region in regions.items():
        others = [(o, r) for o, r in regions.items() if o != name]
        for field, net in region.overlay_ranges():
            for (other_name, other), (family, fam) in itertools.product(others, IP_VERSION.items()):
                space = cidr.parse_cidr(getattr(other.address_space, family), fam)
                if cidr.overlaps(net, space):
                    problems.append(
                        (
                            f"regions.{name}.{field}",
                            f"{net} overlaps regions.{other_name}.address_space.{family} {space}"
                            + region.hints(field),
                        )
                    )
    return problems


def drain_problems(regions: Mapping[str, Region]) -> list[tuple[str, str]]:
    """Not every region drains."""
    problems: list[tuple[str, str]] = []
    if all(region.drain for region in regions.values()):
        problems.append(
            (
                "regions",
                "every region has drain: true; at least one must serve the app's name "
                "(drain is the first step of retiring a region, not of the whole environment)",
            )
        )
    return problems


def probe_problems(dns: Dns, tls: Tls, ingress: Ingress, resolved: ProbeSettings) -> list[tuple[str, str]]:
    """A probe that could never pass drains every region (Front Door) or silently ends
    failover (Traffic Manager answers with every endpoint when all are degraded)."""
    probe, problems = dns.health_probe, []
    if tls.enabled and probe.protocol == "HTTP":
        problems.append(
            (
                "dns.health_probe.protocol",
                "HTTP with tls.issuer set: the controllers redirect plain HTTP for the app's name "
                "to HTTPS, so the probe would see 301 and drain every region; use HTTPS or leave it unset",
            )
        )
    if not tls.enabled and probe.protocol == "HTTPS":
        problems.append(
            (
                "dns.health_probe.protocol",
                "HTTPS with tls.issuer none: the app has no certificate and nothing serves it over "
                "HTTPS; use HTTP or leave it unset",
            )
        )
    port = EDGE_PORTS[resolved.protocol]
    if probe.port is not None and probe.port != port:
        problems.append(
            (
                "dns.health_probe.port",
                f"{probe.port} with {resolved.protocol}: the controllers' Service serves "
                f"{resolved.protocol} on {port} only; use {port} or leave it unset",
            )
        )
    if probe.path is None and not ingress.sample_app_enabled:
        problems.append(
            (
                "dns.health_probe.path",
                "is required with ingress.sample_app_enabled: false: the edges probe the "
                "application's own health endpoint on the app's name; set the path your "
                "application's Ingress routes to it (the default, /healthz, is the sample app's)",
            )
        )
    return problems


def edge_problems(edge: Edge, tls: Tls, dns: Dns, regions: Mapping[str, Region]) -> list[tuple[str, str]]:
    """Settings that belong to the other edge, and what Front Door needs of the origins."""
    if not isinstance(edge, FrontDoorEdge):
        return [
            (
                f"regions.{name}.origin",
                "is a Front Door setting; set edge.kind: front_door or remove it",
            )
            for name, region in regions.items()
            if region.origin is not None
        ]
    problems: list[tuple[str, str]] = []
    if tls.issuer != "letsencrypt":
        problems.append(
            (
                "tls.issuer",
                f"{tls.issuer!r} with edge.kind front_door: Front Door connects to the ingresses "
                "over HTTPS and accepts only a publicly trusted certificate; use letsencrypt",
            )
        )
    problems += [
        (
            f"dns.health_probe.{key}",
            "is a Traffic Manager setting; Front Door probes every origin over HTTPS on 443 with "
            "the app's name and counts only 200 as healthy: remove it (dns.health_probe.path applies)",
        )
        for key in TRAFFIC_MANAGER_PROBE_KEYS
        if getattr(dns.health_probe, key) is not None
    ]
    return problems


def capacity_problems(cluster: Cluster, regions: Mapping[str, Region]) -> list[tuple[str, str]]:
    """Every region's cluster subnet must hold every node both pools may scale and surge to.

    CNI Overlay: each node takes one IPv4 address of the subnet, pods take none.
    """
    pools = (("system", cluster.system_pool), ("user", cluster.user_pool))
    need = sum(pool.max_count + surge_nodes(pool.max_count) for _, pool in pools)
    # The longest prefix that holds them: 2**bits >= need + 5 for bits = (need + 4).bit_length().
    fits = 32 - (need + AZURE_RESERVED_ADDRESSES - 1).bit_length()
    problems: list[tuple[str, str]] = []
    for name, region in regions.items():
        subnet = cidr.parse_cidr(region.cluster_subnet.ipv4, "IPv4")
        holds = subnet.num_addresses - AZURE_RESERVED_ADDRESSES
        if need <= holds:
            continue
        counts = ", ".join(
            f"{label} max_count {pool.max_count} + {surge_nodes(pool.max_count)} surge"
            for label, pool in pools
        )
        problems.append(
            (
                f"regions.{name}.cluster_subnet.ipv4",
                f"{subnet} holds {holds} node addresses ({subnet.num_addresses} minus the "
                f"{AZURE_RESERVED_ADDRESSES} Azure reserves) but the pools may need {need}: {counts} "
                f"({MAX_SURGE_PERCENT}% max surge); use a /{fits} or larger, or lower max_count"
                + region.hints("cluster_subnet"),
            )
        )
    return problems


def hub_problems(hub: Hub | None, regions: Mapping[str, Region]) -> list[tuple[str, str]]:
    """A peered hub must overlap no region's VNet and no region's pod or service range."""
    if hub is None:
        return []
    problems: list[tuple[str, str]] = []
    for field, net in hub.ranges():
        for name, region in regions.items():
            others = [
                (
                    f"regions.{name}.address_space.{family}",
                    cidr.parse_cidr(getattr(region.address_space, family), version),
                )
                for family, version in IP_VERSION.items()
            ] + [(f"regions.{name}.{f}", n) for f, n in region.overlay_ranges()]
            for other_name, other in others:
                if cidr.overlaps(net, other):
                    problems.append(
                        (
                            f"network.hub.{field}",
                            f"{net} overlaps {other_name} {other}; a peered hub must not overlap "
                            "any region's VNet, pod or service ranges"
                            + region.hints(other_name.removeprefix(f"regions.{name}.")),
                        )
                    )
    return problems
