"""The global stack, and what every stack shares: tags, state backend, azurerm provider.

The region stacks (``<region>`` and ``<region>-workloads``) are built in ``region.py``.
"""

from __future__ import annotations

from constructs import Construct

from dualstack import modes, resource_providers
from dualstack.config import AzurermBackend as AzurermBackendConfig
from dualstack.config import Config
from dualstack.edge import FrontDoorRoute
from dualstack.framework import (
    AzurermBackend,
    AzurermProvider,
    AzurermProviderFeatures,
    LocalBackend,
    TerraformOutput,
    TerraformStack,
)
from dualstack.global_services import GlobalProps, GlobalServices
from dualstack.refs import FrontDoorRefs


def base_tags(config: Config) -> dict[str, str]:
    """Tags on every resource: the config's own, plus project and managed-by."""
    return {**config.tags, "project": config.project, "managed-by": "dualstack-cdktf"}


def configure_backend(stack: TerraformStack, config: Config, stack_name: str) -> None:
    """Local state beside the output folder, or one azurerm blob per stack (Entra ID auth).

    The local path is relative to the stack's working directory
    (``<outdir>/stacks/<stack>``), so it is the same on every machine and checkout.
    """
    backend = config.backend
    if isinstance(backend, AzurermBackendConfig):
        AzurermBackend(
            stack,
            resource_group_name=backend.resource_group_name,
            storage_account_name=backend.storage_account_name,
            container_name=backend.container_name,
            key=f"{backend.key_prefix if backend.key_prefix is not None else config.project + '/'}{stack_name}.tfstate",
            use_azuread_auth=True,
        )
    else:
        # The project is in the name: two configs deployed from one checkout never share state.
        LocalBackend(stack, path=f"../../../terraform.{config.project}.{stack_name}.tfstate")


def azurerm_provider(stack: TerraformStack) -> AzurermProvider:
    # Subscription and credentials come from the environment (ARM_SUBSCRIPTION_ID, az login
    # or OIDC), never from the synthesized JSON. Resource providers are registered beforehand,
    # not by Terraform (resource_providers.py).
    return AzurermProvider(
        stack,
        "azurerm",
        features=[AzurermProviderFeatures()],
        resource_provider_registrations=resource_providers.REGISTRATIONS,
    )


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
        tags=base_tags(config),
    )


class GlobalStack(TerraformStack):
    def __init__(self, scope: Construct, id_: str, *, config: Config) -> None:
        super().__init__(scope, id_)
        configure_backend(self, config, id_)
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


class EdgeStack(TerraformStack):
    """The Front Door route (``edge.kind: front_door``), after every region stack: Front Door
    refuses a route whose origin group has no enabled origin, and the origins are the regions'."""

    def __init__(self, scope: Construct, id_: str, *, config: Config, refs: FrontDoorRefs) -> None:
        super().__init__(scope, id_)
        configure_backend(self, config, id_)
        azurerm_provider(self)
        self.route = FrontDoorRoute(self, "front_door", refs=refs)
