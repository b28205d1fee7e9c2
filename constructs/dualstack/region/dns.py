"""The region's names: Traffic Manager endpoints, its own public records, private records.

- ``<region>.<app>.<zone>``: public A / AAAA alias records to the region's ingress IPs;
- an external endpoint per family in the global Traffic Manager profile of that family;
- ``<region>.<app>.<private zone>``: private A / AAAA records for clients in the VNets.
"""

from __future__ import annotations

from constructs import Construct

from dualstack.framework import (
    DnsAaaaRecord,
    DnsARecord,
    PrivateDnsAaaaRecord,
    PrivateDnsARecord,
    PublicIp,
    TrafficManagerExternalEndpoint,
)
from dualstack.global_.traffic import DNS_TTL
from dualstack.naming import IpFamily
from dualstack.region.context import RegionContext


def region_record_name(region: str, app_name: str) -> str:
    return f"{region}.{app_name}"


class RegionDns(Construct):
    def __init__(
        self, scope: Construct, id_: str, *, ctx: RegionContext, public_ips: dict[IpFamily, PublicIp]
    ) -> None:
        super().__init__(scope, id_)
        record = region_record_name(ctx.region_name, ctx.app_name)
        region_name, global_refs, tags = ctx.region_name, ctx.global_refs, ctx.tags
        # A drained region (regions.<name>.drain) leaves the app's names: no endpoint in the
        # global profiles, no records of its own. Its addresses and cluster stay.
        for family, ip in ({} if ctx.region.drain else public_ips).items():
            TrafficManagerExternalEndpoint(
                self,
                f"{family}_endpoint",
                name=region_name,
                profile_id=global_refs.traffic_manager_profile_ids[family],
                target=ip.ip_address,
                endpoint_location=region_name,
                enabled=True,
            )
            public_type = DnsARecord if family == "ipv4" else DnsAaaaRecord
            public_type(
                self,
                f"{family}_record",
                name=record,
                zone_name=global_refs.dns_zone_name,
                resource_group_name=global_refs.resource_group_name,
                ttl=DNS_TTL,
                target_resource_id=ip.id,
                tags=tags,
            )
            private_type = PrivateDnsARecord if family == "ipv4" else PrivateDnsAaaaRecord
            private_type(
                self,
                f"{family}_private_record",
                name=record,
                zone_name=global_refs.private_dns_zone_name,
                resource_group_name=global_refs.resource_group_name,
                ttl=DNS_TTL,
                records=[ip.ip_address],
                tags=tags,
            )
