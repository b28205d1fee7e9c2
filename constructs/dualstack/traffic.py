"""Global routing: one Traffic Manager profile per IP family, and the app's alias records.

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
    """Traffic Manager profiles per family and the A / AAAA alias records of the app name."""

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
    ) -> None:
        super().__init__(scope, id_)
        self.profiles: dict[IpFamily, TrafficManagerProfile] = {}
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
            if family not in served:
                continue
            record_type = DnsARecord if family == "ipv4" else DnsAaaaRecord
            record_type(
                self,
                f"{family}_alias",
                name=app_name,
                zone_name=zone.name,
                resource_group_name=group.name,
                ttl=DNS_TTL,
                target_resource_id=profile.id,
                tags=tags,
            )
