"""``dns``: the public and private zones, the application's name, and the edges' health probe."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    StrictInt,
    StrictStr,
    model_validator,
)

from dualstack.config.base import DnsLabel, DnsZoneName, Model, _dns_zone, _valid

APP_HEALTH_PATH = "/healthz"
"""The default of ``dns.health_probe.path``: the sample app's health endpoint."""


class HealthProbe(Model):
    """How the edge decides whether a region serves the app, per family: a request for
    ``path`` on the app's own name (``<app_name>.<zone_name>``) to each of the region's public
    ingress addresses, through the controller to the application, exactly as a client's
    request travels (over HTTPS where the app has a certificate). Answered by the application,
    not by the controller: a region whose application is down (no ready pod behind its
    Service: the controller answers 502/503) leaves the rotation. Traffic Manager probes every
    30 s with a 10 s timeout and takes an address out after 3 failures; Front Door probes each
    origin every 30 s and counts only 200 as healthy. Your application's Ingress must route
    ``path`` on the app's name to an endpoint that answers 200 when it can serve."""

    path: Annotated[StrictStr, Field(pattern=r"^/[A-Za-z0-9._~/-]{0,255}$")] | None = None
    """The application's health endpoint, probed by both edges (a GET with the app's name as
    host): letters, digits and ``._~/-`` only (no query, no percent-encoding: the controllers
    compare the decoded path). Unset: ``/healthz``, which the sample app answers; required when
    ``ingress.sample_app_enabled`` is false (the edges would probe a path nothing answers)."""
    protocol: Literal["HTTP", "HTTPS"] | None = None
    """Traffic Manager only. Unset: HTTPS when ``tls.issuer`` is not none (Traffic Manager does
    not check certificates; plain HTTP would be redirected), else HTTP."""
    port: Annotated[StrictInt, Field(ge=1, le=65535)] | None = None
    """Traffic Manager only: 443 for HTTPS, 80 for HTTP (the only ports the controllers'
    Service serves; any other is refused). Unset: the protocol's."""
    host: DnsZoneName | None = None
    """Traffic Manager only: the probe's Host header. Unset: the app's name."""
    expected_status: Annotated[StrictStr, Field(pattern=r"^[1-5][0-9]{2}-[1-5][0-9]{2}$")] | None = None
    """Traffic Manager only: status codes that count as healthy, as a range. Unset: 200-200."""


@dataclass(frozen=True)
class ProbeSettings:
    """``dns.health_probe`` with every default resolved (``Config.probe``)."""

    path: str
    protocol: Literal["HTTP", "HTTPS"]
    port: int
    host: str
    expected_status: str


EDGE_PORTS: dict[Literal["HTTP", "HTTPS"], int] = {"HTTP": 80, "HTTPS": 443}
"""The ports the edges reach the ingresses on, per protocol: the NSG opens these, Front Door
connects on them, and the controllers' Service serves them (``tests/test_config.py`` keeps
the controller, the NSG and the edge to these)."""

TRAFFIC_MANAGER_PROBE_KEYS = ("protocol", "port", "host", "expected_status")
"""The keys of ``dns.health_probe`` that only Traffic Manager reads."""


class Dns(Model):
    """The application's public and private names."""

    zone_name: DnsZoneName
    """Public Azure DNS zone, created in the global stack, that holds the application's
    names. Delegate it to Azure from the parent zone yourself."""
    app_name: DnsLabel = "app"
    """The application's name in the zone: ``<app_name>.<zone_name>`` globally (A/AAAA
    aliases to Traffic Manager, or with ``edge.kind: front_door`` one CNAME to the Front Door
    endpoint) and ``<region>.<app_name>.<zone_name>`` per region with Traffic Manager (A/AAAA
    aliases to the region's public IPs). Also part of the Traffic Manager profiles
    ``tm-<project>-<app_name>-<family>`` and their names
    ``<project>-<app_name>-<family>.trafficmanager.net``, which must be globally unique."""
    private_zone_name: DnsZoneName
    """Private DNS zone linked to every region's VNet (auto-registration off); each region
    adds ``<region>.<app_name>`` A and AAAA records. Default ``internal.<zone_name>``."""
    health_probe: HealthProbe = HealthProbe()
    """The edge's probe of every region's ingress addresses, through to the application."""

    @property
    def app_host(self) -> str:
        """``<app_name>.<zone_name>``: the application's global name."""
        return f"{self.app_name}.{self.zone_name}"

    @model_validator(mode="before")
    @classmethod
    def _derive(cls, data: Any) -> Any:
        if (
            isinstance(data, dict)
            and "private_zone_name" not in data
            and _valid(_dns_zone, data.get("zone_name"))
        ):
            data = {**data, "private_zone_name": f"internal.{data['zone_name']}"}
        return data
