"""What every construct of one region needs, as one typed object.

The region's constructs (network, endpoints, cluster, DNS or Front Door origins, hub
peering, cert-manager's identity) all need the project, the region's name and settings, the
tags, the global stack's references and the protection switch. They receive one
:class:`RegionContext` instead of the same six arguments each, and ask it for what is
derived (the public families, the app's host name) instead of deriving it again.
"""

from __future__ import annotations

from dataclasses import dataclass

from dualstack import modes
from dualstack.config import Config, Origin, Region
from dualstack.naming import IpFamily
from dualstack.refs import FrontDoorRefs, GlobalRefs


@dataclass(frozen=True)
class RegionContext:
    """One region of one config, with what the global stack gives it."""

    config: Config
    region_name: str
    global_refs: GlobalRefs
    tags: dict[str, str]

    @property
    def project(self) -> str:
        return self.config.project

    @property
    def region(self) -> Region:
        """The region's own settings (``regions.<name>``)."""
        return self.config.regions[self.region_name]

    @property
    def prevent_destroy(self) -> bool:
        return self.config.prevent_destroy

    @property
    def public_families(self) -> tuple[IpFamily, ...]:
        """The families that get a public ingress (both, unless the translator is off)."""
        return modes.public_families(self.config.ingress)

    @property
    def app_host(self) -> str:
        """``<app_name>.<zone_name>``: the application's global name."""
        return self.config.dns.app_host

    @property
    def front_door(self) -> FrontDoorRefs | None:
        """The global Front Door's references, or None with the Traffic Manager edge."""
        return self.global_refs.front_door

    @property
    def origin(self) -> Origin:
        """The region's Front Door origin settings (defaults when the config sets none)."""
        return self.region.origin or Origin()
