"""The region stack's part of the Front Door edge: the region's origins in the global origin
group, one per public ingress address (``dualstack.edge`` describes the whole edge)."""

from __future__ import annotations

from constructs import Construct

from dualstack import naming
from dualstack.framework import CdnFrontdoorOrigin, PublicIp
from dualstack.naming import IpFamily
from dualstack.region.context import RegionContext


class RegionOrigins(Construct):
    """The region's origins: one per public ingress address, HTTPS with the app's host name."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        ctx: RegionContext,
        public_ips: dict[IpFamily, PublicIp],
    ) -> None:
        super().__init__(scope, id_)
        assert ctx.front_door is not None, "origins exist only with the Front Door edge"
        origin_group_id = ctx.front_door.origin_group_id
        self.origins: dict[IpFamily, CdnFrontdoorOrigin] = {}
        region_name, app_host, settings = ctx.region_name, ctx.app_host, ctx.origin
        for family, ip in public_ips.items():
            self.origins[family] = CdnFrontdoorOrigin(
                self,
                f"{family}_origin",
                name=naming.front_door_origin(region_name, family),
                cdn_frontdoor_origin_group_id=origin_group_id,
                enabled=True,
                host_name=ip.ip_address,
                # The app's name as Host and SNI: the Ingress rule matches it and the
                # controller presents its certificate, which Front Door checks.
                origin_host_header=app_host,
                certificate_name_check_enabled=True,
                http_port=80,
                https_port=443,
                priority=settings.priority,
                weight=settings.weight,
            )
