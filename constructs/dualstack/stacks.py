"""The global stack, and what every stack shares: tags, state backend, azurerm provider.

The region stacks (``<region>`` and ``<region>-workloads``) are built in ``region.py``.
"""

from __future__ import annotations

from cdktf import AzurermBackend, LocalBackend, TerraformStack
from cdktf_cdktf_provider_azurerm.provider import AzurermProvider, AzurermProviderFeatures
from constructs import Construct

from dualstack import resource_providers
from dualstack.config import AzurermBackend as AzurermBackendConfig
from dualstack.config import Config
from dualstack.edge import FrontDoorRoute
from dualstack.global_services import GlobalServices
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


class GlobalStack(TerraformStack):
    def __init__(self, scope: Construct, id_: str, *, config: Config) -> None:
        super().__init__(scope, id_)
        configure_backend(self, config, id_)
        azurerm_provider(self)
        self.services = GlobalServices(self, "services", config=config, tags=base_tags(config))


class EdgeStack(TerraformStack):
    """The Front Door route (``edge.kind: front_door``), after every region stack: Front Door
    refuses a route whose origin group has no enabled origin, and the origins are the regions'."""

    def __init__(self, scope: Construct, id_: str, *, config: Config, refs: FrontDoorRefs) -> None:
        super().__init__(scope, id_)
        configure_backend(self, config, id_)
        azurerm_provider(self)
        self.route = FrontDoorRoute(self, "front_door", refs=refs)
