"""The edge stack's construct: the Front Door route (``dualstack.edge`` says why it has a stack
of its own)."""

from __future__ import annotations

from constructs import Construct

from dualstack.framework import CdnFrontdoorCustomDomainAssociation, CdnFrontdoorRoute
from dualstack.refs import FrontDoorRefs

ROUTE = "app"


class FrontDoorRoute(Construct):
    """The route of the app's custom domain to the origin group: HTTPS to the origins,
    HTTP redirected to HTTPS, the endpoint's own azurefd.net name not served."""

    def __init__(self, scope: Construct, id_: str, *, refs: FrontDoorRefs) -> None:
        super().__init__(scope, id_)
        route = CdnFrontdoorRoute(
            self,
            "route",
            name=ROUTE,
            cdn_frontdoor_endpoint_id=refs.endpoint_id,
            cdn_frontdoor_origin_group_id=refs.origin_group_id,
            # Only orders creation within one stack; the origins live in the region stacks,
            # which the edge stack depends on.
            cdn_frontdoor_origin_ids=[],
            cdn_frontdoor_custom_domain_ids=[refs.custom_domain_id],
            link_to_default_domain=False,
            forwarding_protocol="HttpsOnly",
            https_redirect_enabled=True,
            supported_protocols=["Http", "Https"],
            patterns_to_match=["/*"],
            enabled=True,
        )
        CdnFrontdoorCustomDomainAssociation(
            self,
            "custom_domain_association",
            cdn_frontdoor_custom_domain_id=refs.custom_domain_id,
            cdn_frontdoor_route_ids=[route.id],
        )
