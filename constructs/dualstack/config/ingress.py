"""``ingress`` and ``tls``: the ingress mode and its releases, and the HTTPS certificates."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from dualstack import modes
from dualstack.config.base import FieldProblems, Model, Quantity, Shown, _ascii_only, _unquoted
from dualstack.modes import ModeName

PINNED_CONTROLLER_CHART = "2.7.3"
"""The chart version the controller module pins (``ingress_controller.CHART_VERSION``), as the
config names it: in ``ingress.chart_version``'s docstring and in the hint for an unquoted
number. The config model imports no controller code, so ``tests/test_config.py`` keeps the two
equal; the default itself (``chart_version`` unset) is the controller's."""

CERT_MANAGER_VERSION = "v1.21.2"
"""The default of ``tls.chart_version``: cert-manager's newest stable release (September 2026;
docs/kubernetes-baseline.md, "Chart versions")."""


class IngressFamily(Model):
    min_replicas: Annotated[StrictInt, Field(ge=2, le=100)] = 2
    """Lower bound of the controller's autoscaler, not larger than ``max_replicas``; at least
    two for the disruption budget."""
    max_replicas: Annotated[StrictInt, Field(ge=2, le=100)] = 6
    """Upper bound of the controller's autoscaler."""
    cpu_request: Quantity = "250m"
    """CPU each controller pod requests."""
    memory_request: Quantity = "256Mi"
    """Memory each controller pod requests."""
    memory_limit: Quantity = "512Mi"
    """Memory limit of each controller pod."""

    @model_validator(mode="after")
    def _bounds(self) -> IngressFamily:
        if self.min_replicas > self.max_replicas:
            raise ValueError(
                f"min_replicas {self.min_replicas} is larger than max_replicas {self.max_replicas}"
            )
        return self


class Ingress(Model):
    """The ingress mode and the F5 NGINX Ingress Controller releases of every region
    (docs/ingress-modes.md)."""

    mode: ModeName
    """nat64: application Services run on IPv4 and the IPv6 ingress translates; nat46:
    Services run on IPv6 and the IPv4 ingress translates; dualstack: one ingress with both
    addresses, no translation."""
    translator_enabled: StrictBool = True
    """The plug-in switch: false removes the translating ingress (IPv6 in nat64, IPv4 in
    nat46) and everything that exists only for it: its Helm release, public IP, NSG allow
    rule, Traffic Manager endpoint, public and private records, address output, and in
    ``global`` that family's Traffic Manager profile and alias record. Nothing else in the
    plan changes and the cluster stays dual-stack; turning it back on creates a new
    address. Must stay true in dualstack mode."""
    chart_version: Annotated[StrictStr, Field(pattern=r"^[0-9]+\.[0-9]+\.[0-9]+$")] | None = None
    """Version of the F5 NGINX Ingress Controller chart (``nginx-ingress``). Unset: the version
    the controller module pins, the newest stable release, 2.7.3 (controller 5.6.3);
    docs/kubernetes-baseline.md, "Chart versions", says why and what the tests validate its
    values against."""
    ipv4: IngressFamily = IngressFamily()
    """Scaling and resources of the IPv4 ingress; in dualstack mode, of the one release
    (``ingress-dual``), which serves both families."""
    ipv6: IngressFamily = IngressFamily()
    """Scaling and resources of the IPv6 ingress. Refused in dualstack mode, whose one
    release takes ``ipv4``. With ``translator_enabled: false`` in nat64 they are kept but
    unused until the translator is switched back on."""
    sample_app_enabled: StrictBool = True
    """Deploy the echo sample application that shows the client address."""

    @field_validator("chart_version", mode="before")
    @classmethod
    def _quoted_chart_version(cls, value: Any) -> Any:
        return _unquoted(value, PINNED_CONTROLLER_CHART)

    @model_validator(mode="after")
    def _translator(self) -> Ingress:
        """A mode without a translator (dualstack) refuses ``translator_enabled: false``; the
        settings of a family that no release of the mode reads (``ipv6`` in dualstack, whose
        one release takes the ipv4 settings) are refused too, not ignored."""
        mode = modes.of(self)
        problems: list[tuple[str, str]] = []
        if mode.translator is None and not self.translator_enabled:
            problems.append(
                ("", f"translator_enabled: false has no meaning in {mode.name} mode (no translation)")
            )
        # Only a one-release mode leaves settings unread (dualstack: ingress-dual takes ipv4).
        (release, *_) = mode.all_releases
        problems += [
            (
                family,
                f"has no meaning in {mode.name} mode: its one release ({release.name}) serves both "
                f"families with the ingress.{release.settings} settings; move these settings to "
                f"ingress.{release.settings} and remove ingress.{family}",
            )
            for family in mode.unused_settings
            if family in self.model_fields_set
        ]
        if len(problems) == 1 and not problems[0][0]:
            raise ValueError(problems[0][1])
        if problems:
            raise FieldProblems(problems)
        return self


_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$"
)


def _email(value: str) -> str:
    """an ASCII e-mail address with a lowercase domain, at most 254 characters"""
    _ascii_only(value)
    if len(value) > 254 or not _EMAIL.fullmatch(value) or value.split("@", 1)[1].split(".")[-1].isdigit():
        raise ValueError(
            "must be an e-mail address such as platform@contoso.com (ASCII, lowercase domain, at most 254 characters)"
        )
    return value


Email = Annotated[StrictStr, AfterValidator(_email), Shown("e-mail address")]


class Hsts(Model):
    enabled: StrictBool = False
    """Send Strict-Transport-Security on every HTTPS response; needs an ``issuer`` other
    than none. Off by default: once a browser has seen it, the name is HTTPS-only for
    ``max_age_seconds``, which a staging certificate (untrusted) would make unreachable."""
    max_age_seconds: Annotated[StrictInt, Field(ge=300, le=63072000)] = 31536000
    """How long browsers remember it; one year by default, two years at most."""
    include_subdomains: StrictBool = False
    """Extend it to every name below the app's (and so below ``<app>.<zone>``)."""


class Tls(Model):
    """HTTPS certificates for the ingresses: cert-manager with ACME DNS-01 on
    ``dns.zone_name`` (docs/ingress-modes.md, "HTTPS")."""

    issuer: Literal["letsencrypt", "letsencrypt-staging", "none"] = "letsencrypt-staging"
    """letsencrypt: trusted certificates from Let's Encrypt's production ACME server;
    letsencrypt-staging: the same flow against the staging server (untrusted certificates,
    generous rate limits) for trying the project; none: no cert-manager, no certificates,
    HTTP only (port 443 serves nothing)."""
    email: Email | None = None
    """Contact of the ACME account (Let's Encrypt's notices about the account); optional."""
    chart_version: Annotated[StrictStr, Field(pattern=r"^v[0-9]+\.[0-9]+\.[0-9]+$")] = CERT_MANAGER_VERSION
    """Version of the cert-manager chart (and of its images). The default is the newest
    stable release, v1.21.2; docs/kubernetes-baseline.md, "Chart versions", says why and what
    the tests validate its values against."""
    hsts: Hsts = Hsts()
    """HTTP Strict Transport Security from the ingress controllers."""

    @field_validator("chart_version", mode="before")
    @classmethod
    def _quoted_chart_version(cls, value: Any) -> Any:
        return _unquoted(value, CERT_MANAGER_VERSION)

    @model_validator(mode="after")
    def _hsts_needs_certificates(self) -> Tls:
        if self.issuer == "none" and self.hsts.enabled:
            raise ValueError(
                "hsts.enabled: true needs certificates; set issuer to letsencrypt or letsencrypt-staging"
            )
        return self

    @property
    def enabled(self) -> bool:
        return self.issuer != "none"
