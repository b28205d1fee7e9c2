"""``edge``: how clients reach the regions, Traffic Manager or Front Door with its WAF."""

from __future__ import annotations

from types import MappingProxyType
from typing import Annotated, Literal

from pydantic import (
    Field,
    StrictInt,
    StrictStr,
)

from dualstack.config.base import FrozenMapping, Model

WafMatchVariable = Literal[
    "QueryStringArgNames",
    "RequestBodyJsonArgNames",
    "RequestBodyPostArgNames",
    "RequestCookieNames",
    "RequestHeaderNames",
]
WafRuleGroup = Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9-]{1,64}$")]


class WafExclusion(Model):
    """Request parts a rule group does not inspect (a known false positive)."""

    match_variable: WafMatchVariable
    """Which part of the request: argument, cookie or header names."""
    operator: Literal["Equals", "Contains", "StartsWith", "EndsWith", "EqualsAny"]
    """How ``selector`` matches the names."""
    selector: Annotated[StrictStr, Field(min_length=1, max_length=256)]
    """The name of the header, cookie or argument (``EqualsAny``: ignored, write ``*``)."""


class RateLimit(Model):
    """A custom rule: a client address that sends more than ``threshold`` requests in
    ``duration_minutes`` is blocked for the rest of that window (both families)."""

    threshold: Annotated[StrictInt, Field(ge=10, le=5000000)] = 1000
    """Requests one client address may send per window."""
    duration_minutes: Literal[1, 5] = 1
    """The window, in minutes."""


class Waf(Model):
    """The web application firewall policy of the Front Door profile."""

    mode: Literal["Prevention", "Detection"] = "Prevention"
    """Prevention blocks what the rules match; Detection only logs (for tuning a new app)."""
    default_rule_set_version: Literal["1.1", "2.0", "2.1", "2.2"] = "2.1"
    """Version of Microsoft_DefaultRuleSet (OWASP-based, anomaly scoring from 2.0), one Front
    Door Premium offers and azurerm accepts. 2.2 is the newest; moving to it adds and changes
    rules, so run it in ``mode: Detection`` first and tune exclusions before Prevention."""
    bot_manager_rule_set_version: Literal["1.0", "1.1"] = "1.1"
    """Version of Microsoft_BotManagerRuleSet."""
    rate_limit: RateLimit = RateLimit()
    exclusions: FrozenMapping[WafRuleGroup, tuple[WafExclusion, ...]] = Field(
        default_factory=lambda: MappingProxyType({})
    )
    """Per rule group of the default rule set (``SQLI``, ``XSS``, ``PROTOCOL-ATTACK``...): the
    request parts that group does not inspect."""


class TrafficManagerEdge(Model):
    """Clients resolve the app's name through Traffic Manager (one profile per family,
    closest healthy region) and connect straight to a region's ingress addresses."""

    kind: Literal["traffic_manager"]
    """The default edge; it takes no other key."""


class FrontDoorEdge(Model):
    """Clients connect to Azure Front Door Premium (WAF, managed certificate), which
    forwards over HTTPS to the closest healthy region's ingress addresses; the ingresses
    admit Front Door only."""

    kind: Literal["front_door"]
    """Front Door Premium in front of every region: global profile, endpoint, origin group,
    custom domain with a managed certificate, WAF; the route in the ``edge`` stack."""
    waf: Waf = Field(default_factory=Waf)
    """The web application firewall; defaults: Prevention, the pinned rule set versions, 1000
    requests per client address per minute, no exclusions."""
    latency_sensitivity_ms: Annotated[StrictInt, Field(ge=0, le=1000)] = 50
    """Origins whose probe latency is within this many milliseconds of the fastest one
    share the traffic by weight."""


Edge = Annotated[TrafficManagerEdge | FrontDoorEdge, Field(discriminator="kind")]
