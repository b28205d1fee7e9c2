"""The global stack's composer: ``GlobalStack`` and ``global_props``, the one reader of ``Config``
in the global stack. Its services (DNS, Traffic Manager, registry, Key Vault, Log Analytics,
Front Door) are built by ``services.GlobalServices`` from ``GlobalProps``."""

from __future__ import annotations

from constructs import Construct

from dualstack import modes
from dualstack.config import Config
from dualstack.framework import (
    TerraformOutput,
    TerraformStack,
)
from dualstack.global_.services import GlobalProps, GlobalServices
from dualstack.stackbase import azurerm_provider, base_tags, configure_backend


def global_props(config: Config) -> GlobalProps:
    """What the global stack's services read of the config, read here and nowhere else."""
    return GlobalProps(
        project=config.project,
        prevent_destroy=config.prevent_destroy,
        global_=config.global_,
        dns=config.dns,
        region_names=tuple(config.regions),
        front_door=config.front_door,
        probe=config.probe,
        public_families=modes.public_families(config.ingress),
        tags=base_tags(config.tags, config.project),
    )


class GlobalStack(TerraformStack):
    def __init__(self, scope: Construct, id_: str, *, config: Config) -> None:
        super().__init__(scope, id_)
        configure_backend(self, config.backend, config.project, id_)
        azurerm_provider(self)
        self.services = GlobalServices(self, "services", props=global_props(config))
        services = self.services
        TerraformOutput(
            self,
            "name_servers",
            value=services.zone.name_servers,
            description=f"Azure DNS name servers of {config.dns.zone_name}: delegate the zone to them "
            "from its parent zone or registrar (NS records) before the workloads stacks",
        )
        scheme = "https" if config.tls.enabled else "http"
        TerraformOutput(
            self, "app_url", value=f"{scheme}://{config.dns.app_host}/", description="The app's URL"
        )
        if services.front_door is not None:
            TerraformOutput(
                self,
                "front_door_endpoint",
                value=services.front_door.endpoint.host_name,
                description="The Front Door endpoint's host name (the app's name is a CNAME to it)",
            )
        for family, profile in services.traffic.profiles.items():
            TerraformOutput(
                self,
                f"traffic_manager_{family}",
                value=profile.fqdn,
                description=f"The {family} Traffic Manager profile's name (the app's alias target)",
            )
