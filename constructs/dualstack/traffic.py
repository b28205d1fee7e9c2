"""Global routing: one Traffic Manager profile per IP family, and the app's alias records.

(With ``edge.kind: front_door`` the alias records point at the Front Door endpoint instead and
no profile exists; see ``edge.py``.)

A profile holds external endpoints of one family only (Traffic Manager answers A for
IPv4 addresses and AAAA for IPv6 ones), so the dual-stack name uses two profiles with
Performance routing; the zone's A and AAAA alias records point at them. Region stacks
add their own endpoints, so adding a region changes no other region's stack.
"""

from __future__ import annotations

from cdktf_cdktf_provider_azurerm.dns_a_record import DnsARecord
from cdktf_cdktf_provider_azurerm.dns_aaaa_record import DnsAaaaRecord
from cdktf_cdktf_provider_azurerm.dns_zone import DnsZone
from cdktf_cdktf_provider_azurerm.resource_group import ResourceGroup
from cdktf_cdktf_provider_azurerm.traffic_manager_profile import (
    TrafficManagerProfile,
    TrafficManagerProfileDnsConfig,
    TrafficManagerProfileMonitorConfig,
    TrafficManagerProfileMonitorConfigCustomHeader,
)
from constructs import Construct

from dualstack import protection
from dualstack.config import HealthProbe
from dualstack.naming import ALL_FAMILIES, IpFamily

DNS_TTL = 60
"""Seconds resolvers cache the app's answers: short, so a failed region drains quickly."""


def monitor_config(probe: HealthProbe) -> TrafficManagerProfileMonitorConfig:
    """The probe of every region's ingress address: by default HTTP to the controller's health
    location on port 80 (the default server); with ``host``, the application itself."""
    return TrafficManagerProfileMonitorConfig(
        protocol=probe.protocol,
        port=probe.port,
        path=probe.path,
        custom_header=(
            [TrafficManagerProfileMonitorConfigCustomHeader(name="Host", value=probe.host)]
            if probe.host
            else None
        ),
        expected_status_code_ranges=[probe.expected_status],
        interval_in_seconds=30,
        timeout_in_seconds=10,
        tolerated_number_of_failures=3,
    )


class GlobalTraffic(Construct):
    """The A / AAAA alias records of the app name, and what they point at: a Traffic Manager
    profile per family, or (``front_door_endpoint_id``) the Front Door endpoint.

    The records keep their addresses in both edges, so switching the edge changes their
    target in place: the name never disappears from the zone.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        project: str,
        app_name: str,
        served: tuple[IpFamily, ...],
        probe: HealthProbe,
        group: ResourceGroup,
        zone: DnsZone,
        tags: dict[str, str],
        prevent_destroy: bool,
        front_door_endpoint_id: str | None = None,
    ) -> None:
        super().__init__(scope, id_)
        self.profiles: dict[IpFamily, TrafficManagerProfile] = {}
        if front_door_endpoint_id is not None:
            # Front Door's endpoint answers A and AAAA whatever families the origins use: a
            # client of a family without an ingress is still served (Front Door forwards on
            # the other family), so both records exist.
            for family in ALL_FAMILIES:
                self._alias(family, app_name, zone, group, tags, front_door_endpoint_id)
            return
        # Both profiles always (they are protected: their names are what the alias records and
        # any CNAME elsewhere point at); the alias record only for a family that is served.
        for family in ALL_FAMILIES:
            profile = TrafficManagerProfile(
                self,
                f"{family}_profile",
                name=f"tm-{project}-{app_name}-{family}",
                resource_group_name=group.name,
                traffic_routing_method="Performance",
                dns_config=TrafficManagerProfileDnsConfig(
                    relative_name=f"{project}-{app_name}-{family}", ttl=DNS_TTL
                ),
                monitor_config=monitor_config(probe),
                tags=tags,
                lifecycle=protection.lifecycle(prevent_destroy),
            )
            self.profiles[family] = profile
            if family in served:
                self._alias(family, app_name, zone, group, tags, profile.id)

    def _alias(
        self,
        family: IpFamily,
        app_name: str,
        zone: DnsZone,
        group: ResourceGroup,
        tags: dict[str, str],
        target: str,
    ) -> None:
        record_type = DnsARecord if family == "ipv4" else DnsAaaaRecord
        record_type(
            self,
            f"{family}_alias",
            name=app_name,
            zone_name=zone.name,
            resource_group_name=group.name,
            ttl=DNS_TTL,
            target_resource_id=target,
            tags=tags,
        )
