"""The global stack's part of the Front Door edge (``edge.kind: front_door``): the Premium
profile, its endpoint, the origin group, the custom domain and its validation record, the WAF
policy and the security policy. The edge as a whole (three stacks) is described in
``dualstack.edge``."""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from dualstack import naming, protection
from dualstack.config import FrontDoorEdge, Waf
from dualstack.framework import (
    CdnFrontdoorCustomDomain,
    CdnFrontdoorCustomDomainTls,
    CdnFrontdoorEndpoint,
    CdnFrontdoorFirewallPolicy,
    CdnFrontdoorFirewallPolicyCustomRule,
    CdnFrontdoorFirewallPolicyCustomRuleMatchCondition,
    CdnFrontdoorFirewallPolicyManagedRule,
    CdnFrontdoorFirewallPolicyManagedRuleOverride,
    CdnFrontdoorFirewallPolicyManagedRuleOverrideExclusion,
    CdnFrontdoorOriginGroup,
    CdnFrontdoorOriginGroupHealthProbe,
    CdnFrontdoorOriginGroupLoadBalancing,
    CdnFrontdoorProfile,
    CdnFrontdoorSecurityPolicy,
    CdnFrontdoorSecurityPolicySecurityPolicies,
    CdnFrontdoorSecurityPolicySecurityPoliciesFirewall,
    CdnFrontdoorSecurityPolicySecurityPoliciesFirewallAssociation,
    CdnFrontdoorSecurityPolicySecurityPoliciesFirewallAssociationDomain,
    DnsTxtRecord,
    DnsTxtRecordRecord,
    DnsZone,
    ResourceGroup,
    TerraformResourceLifecycle,
)
from dualstack.refs import FrontDoorRefs

SKU = "Premium_AzureFrontDoor"
"""Premium: the managed rule sets (default and bot manager) need it."""
ORIGIN_GROUP = "ingress"
SECURITY_POLICY = "waf"
EVERY_CLIENT = ["0.0.0.0/0", "::/0"]
"""The rate-limit rule's match: every client address of both families (counted per address)."""
VALIDATION_TTL = 3600


def custom_domain_name(app_name: str) -> str:
    """The custom domain's resource name: the app's label (letters, digits, hyphens)."""
    return app_name


def waf_managed_rules(waf: Waf) -> list[CdnFrontdoorFirewallPolicyManagedRule]:
    """The default rule set (with the config's exclusions per rule group) and the bot manager."""
    overrides = [
        CdnFrontdoorFirewallPolicyManagedRuleOverride(
            rule_group_name=group,
            exclusion=[
                CdnFrontdoorFirewallPolicyManagedRuleOverrideExclusion(
                    match_variable=e.match_variable, operator=e.operator, selector=e.selector
                )
                for e in exclusions
            ],
        )
        for group, exclusions in sorted(waf.exclusions.items())
    ]
    return [
        CdnFrontdoorFirewallPolicyManagedRule(
            type="Microsoft_DefaultRuleSet",
            version=waf.default_rule_set_version,
            action="Block",
            override=overrides or None,
        ),
        CdnFrontdoorFirewallPolicyManagedRule(
            type="Microsoft_BotManagerRuleSet", version=waf.bot_manager_rule_set_version, action="Block"
        ),
    ]


def rate_limit_rule(waf: Waf) -> CdnFrontdoorFirewallPolicyCustomRule:
    return CdnFrontdoorFirewallPolicyCustomRule(
        name="RateLimitPerClientAddress",
        type="RateLimitRule",
        priority=100,
        action="Block",
        enabled=True,
        rate_limit_threshold=waf.rate_limit.threshold,
        rate_limit_duration_in_minutes=waf.rate_limit.duration_minutes,
        match_condition=[
            CdnFrontdoorFirewallPolicyCustomRuleMatchCondition(
                match_variable="RemoteAddr", operator="IPMatch", match_values=EVERY_CLIENT
            )
        ],
    )


def origin_group(
    scope: Construct, profile_id: str, settings: FrontDoorEdge, probe_path: str
) -> CdnFrontdoorOriginGroup:
    """The one origin group: latency-based, HTTPS health probes of the application's path."""
    return CdnFrontdoorOriginGroup(
        scope,
        "origin_group",
        name=ORIGIN_GROUP,
        cdn_frontdoor_profile_id=profile_id,
        session_affinity_enabled=False,
        restore_traffic_time_to_healed_or_new_endpoint_in_minutes=10,
        load_balancing=CdnFrontdoorOriginGroupLoadBalancing(
            additional_latency_in_milliseconds=settings.latency_sensitivity_ms,
            sample_size=4,
            successful_samples_required=3,
        ),
        # HTTPS with the app's host name (the origins' host header): the probe takes the path
        # a client's request takes (address, controller, certificate, Ingress, Service) to the
        # application's health endpoint (dns.health_probe.path), so an origin whose
        # application is down leaves the rotation. GET: many frameworks answer HEAD only where
        # it is declared.
        health_probe=CdnFrontdoorOriginGroupHealthProbe(
            protocol="Https", path=probe_path, request_type="GET", interval_in_seconds=30
        ),
    )


@dataclass(frozen=True)
class FrontDoorProps:
    """What the global Front Door reads of the config (the global stack builds it)."""

    project: str
    app_name: str
    app_host: str
    """``<app_name>.<zone_name>``: the custom domain."""
    settings: FrontDoorEdge
    probe_path: str
    """``dns.health_probe.path``: the origin group's probe of the application."""
    tags: dict[str, str]
    prevent_destroy: bool


class FrontDoor(Construct):
    """Profile, endpoint, origin group, custom domain, WAF policy and security policy."""

    def __init__(
        self, scope: Construct, id_: str, *, props: FrontDoorProps, group: ResourceGroup, zone: DnsZone
    ) -> None:
        super().__init__(scope, id_)
        project, app_name, app_host, settings = props.project, props.app_name, props.app_host, props.settings
        probe_path, tags, prevent_destroy = props.probe_path, props.tags, props.prevent_destroy
        # Protected: replacing the profile changes its ID (every controller then refuses
        # Front Door until the workloads stacks re-apply) and the endpoint's azurefd.net name;
        # replacing the custom domain re-validates it and re-issues its certificate.
        protect = protection.lifecycle(prevent_destroy)
        self.profile = CdnFrontdoorProfile(
            self,
            "profile",
            name=naming.front_door_profile(project),
            resource_group_name=group.name,
            sku_name=SKU,
            response_timeout_seconds=60,
            tags=tags,
            lifecycle=protect,
        )
        self.endpoint = CdnFrontdoorEndpoint(
            self,
            "endpoint",
            name=naming.front_door_endpoint(project),
            cdn_frontdoor_profile_id=self.profile.id,
            enabled=True,
            tags=tags,
            lifecycle=protect,
        )
        self.origin_group = origin_group(self, self.profile.id, settings, probe_path)
        self._custom_domain(app_name, app_host, zone, group, tags, protect)
        self._waf(project, settings.waf, group, tags)
        self.refs = FrontDoorRefs(
            origin_group_id=self.origin_group.id,
            endpoint_id=self.endpoint.id,
            custom_domain_id=self.custom_domain.id,
        )

    def _custom_domain(
        self,
        app_name: str,
        app_host: str,
        zone: DnsZone,
        group: ResourceGroup,
        tags: dict[str, str],
        protect: TerraformResourceLifecycle | None,
    ) -> None:
        """The app's name on Front Door, with its managed certificate and its validation record."""
        self.custom_domain = CdnFrontdoorCustomDomain(
            self,
            "custom_domain",
            name=custom_domain_name(app_name),
            cdn_frontdoor_profile_id=self.profile.id,
            dns_zone_id=zone.id,
            host_name=app_host,
            # A Front Door managed certificate (DigiCert), renewed by Front Door. Front Door
            # accepts TLS 1.2 and 1.3 only (1.0 and 1.1 are retired), so there is no minimum to set.
            tls=CdnFrontdoorCustomDomainTls(certificate_type="ManagedCertificate"),
            lifecycle=protect,
        )
        # Domain validation: Front Door checks this TXT record before it serves the name.
        DnsTxtRecord(
            self,
            "custom_domain_validation",
            name=f"_dnsauth.{app_name}",
            zone_name=zone.name,
            resource_group_name=group.name,
            ttl=VALIDATION_TTL,
            record=[DnsTxtRecordRecord(value=self.custom_domain.validation_token)],
            tags=tags,
        )

    def _waf(self, project: str, waf: Waf, group: ResourceGroup, tags: dict[str, str]) -> None:
        """The WAF policy, and the security policy that binds it to the domain and the endpoint."""
        self.waf_policy = CdnFrontdoorFirewallPolicy(
            self,
            "waf_policy",
            name=naming.front_door_waf_policy(project),
            resource_group_name=group.name,
            sku_name=SKU,
            enabled=True,
            mode=waf.mode,
            request_body_check_enabled=True,
            custom_rule=[rate_limit_rule(waf)],
            managed_rule=waf_managed_rules(waf),
            tags=tags,
        )
        CdnFrontdoorSecurityPolicy(
            self,
            "security_policy",
            name=SECURITY_POLICY,
            cdn_frontdoor_profile_id=self.profile.id,
            security_policies=CdnFrontdoorSecurityPolicySecurityPolicies(
                firewall=CdnFrontdoorSecurityPolicySecurityPoliciesFirewall(
                    cdn_frontdoor_firewall_policy_id=self.waf_policy.id,
                    association=CdnFrontdoorSecurityPolicySecurityPoliciesFirewallAssociation(
                        domain=[
                            CdnFrontdoorSecurityPolicySecurityPoliciesFirewallAssociationDomain(
                                cdn_frontdoor_domain_id=self.custom_domain.id
                            ),
                            CdnFrontdoorSecurityPolicySecurityPoliciesFirewallAssociationDomain(
                                cdn_frontdoor_domain_id=self.endpoint.id
                            ),
                        ],
                        patterns_to_match=["/*"],
                    ),
                )
            ),
        )
