"""What every construct of one region needs, as one typed object.

The region's constructs (network, endpoints, cluster, DNS or Front Door origins, hub
peering, cert-manager's identity) all need the project, the region's name and settings, the
tags, the global stack's references and the protection switch. They receive one
:class:`RegionContext` instead of the same six arguments each, and ask it for what is
derived (the public families, the app's host name) instead of deriving it again.
"""

from __future__ import annotations

from dataclasses import dataclass

from dualstack.config import Cluster, Hub, Origin, Region
from dualstack.naming import IpFamily
from dualstack.refs import FrontDoorRefs, GlobalRefs


@dataclass(frozen=True)
class RegionContext:
    """One region of one config, with what the global stack gives it: the props of every
    construct of the region stack. ``region.stack.region_context`` builds it from the config (the
    region stack's one reader of ``Config``); the constructs read only these fields."""

    project: str
    region_name: str
    region: Region
    """The region's own settings (``regions.<name>``)."""
    global_refs: GlobalRefs
    tags: dict[str, str]
    prevent_destroy: bool
    public_families: tuple[IpFamily, ...]
    """The families that get a public ingress (both, unless the translator is off)."""
    app_name: str
    app_host: str
    """``<app_name>.<zone_name>``: the application's global name."""
    cluster: Cluster
    global_location: str
    """``global.location``: where the shared Log Analytics workspace lives."""
    hub: Hub | None
    tls_enabled: bool

    @property
    def front_door(self) -> FrontDoorRefs | None:
        """The global Front Door's references, or None with the Traffic Manager edge."""
        return self.global_refs.front_door

    @property
    def origin(self) -> Origin:
        """The region's Front Door origin settings (defaults when the config sets none)."""
        return self.region.origin or Origin()
