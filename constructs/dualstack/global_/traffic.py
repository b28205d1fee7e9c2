"""Global routing: one Traffic Manager profile per IP family, and the app's alias records.

(With ``edge.kind: front_door`` the app name is a CNAME to the Front Door endpoint instead and
no profile exists; see ``GlobalTraffic`` and ``dualstack.edge``.)

A profile holds external endpoints of one family only (Traffic Manager answers A for
IPv4 addresses and AAAA for IPv6 ones), so the dual-stack name uses two profiles with
Performance routing; the zone's A and AAAA alias records point at them. Region stacks
add their own endpoints, so adding a region changes no other region's stack.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from constructs import Construct

from dualstack import protection
from dualstack.config import ProbeSettings
from dualstack.framework import (
    DnsAaaaRecord,
    DnsARecord,
    DnsCnameRecord,
    DnsZone,
    ResourceGroup,
    TrafficManagerProfile,
    TrafficManagerProfileDnsConfig,
    TrafficManagerProfileMonitorConfig,
    TrafficManagerProfileMonitorConfigCustomHeader,
)
from dualstack.naming import ALL_FAMILIES, IpFamily


class FrontDoorEndpointRef(Protocol):
    """What the app's records need of the Front Door endpoint."""

    @property
    def id(self) -> str: ...

    @property
    def host_name(self) -> str: ...


DNS_TTL = 60
"""Seconds resolvers cache the app's answers: short, so a failed region drains quickly."""


def monitor_config(probe: ProbeSettings) -> TrafficManagerProfileMonitorConfig:
    """The probe of every region's ingress addresses (``Config.probe``): the application's health
    path on the app's own name, through the controller, as a client's request travels. The
    Host header is sent as a custom header (Traffic Manager otherwise sends the endpoint's
    address); HTTPS probes do not check the certificate."""
    return TrafficManagerProfileMonitorConfig(
        protocol=probe.protocol,
        port=probe.port,
        path=probe.path,
        custom_header=[TrafficManagerProfileMonitorConfigCustomHeader(name="Host", value=probe.host)],
        expected_status_code_ranges=[probe.expected_status],
        interval_in_seconds=30,
        timeout_in_seconds=10,
        tolerated_number_of_failures=3,
    )


@dataclass(frozen=True)
class TrafficProps:
    """What the app name's records and the Traffic Manager profiles read of the config (the
    global stack builds it)."""

    project: str
    app_name: str
    served: tuple[IpFamily, ...]
    """The families that get a public ingress, and so a profile and a record."""
    probe: ProbeSettings
    tags: dict[str, str]
    prevent_destroy: bool


class GlobalTraffic(Construct):
    """The app name's records, and with the Traffic Manager edge what they point at: a Traffic
    Manager profile per family.

    - Traffic Manager edge: ``<app_name>`` A and AAAA alias records to the profiles (only for a
      family that is served).
    - Front Door edge (``front_door_host``): ``<app_name>`` is one CNAME to the endpoint's host
      name, which answers A and AAAA. Front Door renews its managed certificate on its own only
      for a domain that is a CNAME straight to the endpoint (Microsoft Learn, "Domains in Azure
      Front Door"); with A/AAAA aliases the domain goes to "pending revalidation" at renewal.

    A CNAME cannot share its name with A or AAAA records, so switching the edge swaps record
    types. All three resources exist in both edges (``count: 0`` for the records the edge does
    not use), and the CNAME depends on the A and AAAA records: Terraform then deletes the A and
    AAAA records before it creates the CNAME, and deletes the CNAME before it creates A and
    AAAA (tests/test_edge.py runs Terraform on exactly this shape). The name is without an
    answer only for the seconds between (docs/edge.md, "Switching an existing environment").
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        props: TrafficProps,
        group: ResourceGroup,
        zone: DnsZone,
        front_door: FrontDoorEndpointRef | None = None,
    ) -> None:
        super().__init__(scope, id_)
        project, app_name, served, probe = props.project, props.app_name, props.served, props.probe
        tags, prevent_destroy = props.tags, props.prevent_destroy
        self.profiles: dict[IpFamily, TrafficManagerProfile] = {}
        if front_door is None:
            # Both profiles always (they are protected: their names are what the alias records
            # and any CNAME elsewhere point at); the alias record only for a family that is served.
            for family in ALL_FAMILIES:
                self.profiles[family] = TrafficManagerProfile(
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
        aliases = [
            self._alias(
                family,
                app_name,
                zone,
                group,
                tags,
                front_door.id if front_door is not None else self.profiles[family].id,
                exists=front_door is None and family in served,
            )
            for family in ALL_FAMILIES
        ]
        DnsCnameRecord(
            self,
            "app_cname",
            name=app_name,
            zone_name=zone.name,
            resource_group_name=group.name,
            ttl=DNS_TTL,
            record=front_door.host_name if front_door is not None else self.profiles["ipv4"].fqdn,
            tags=tags,
            count=None if front_door is not None else 0,
            # Created only after the A and AAAA records of its name are deleted, and deleted
            # before they are created: a CNAME cannot share its name with them.
            depends_on=aliases,
        )

    def _alias(
        self,
        family: IpFamily,
        app_name: str,
        zone: DnsZone,
        group: ResourceGroup,
        tags: dict[str, str],
        target: str,
        *,
        exists: bool,
    ) -> DnsARecord | DnsAaaaRecord:
        record_type = DnsARecord if family == "ipv4" else DnsAaaaRecord
        return record_type(
            self,
            f"{family}_alias",
            name=app_name,
            zone_name=zone.name,
            resource_group_name=group.name,
            ttl=DNS_TTL,
            target_resource_id=target,
            tags=tags,
            count=None if exists else 0,
        )
