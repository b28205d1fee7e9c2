"""What every stack shares: the tags on every resource, the state backend and the azurerm
provider. Each stack's composer (``<stack package>.stack``) calls these with what it read of the
config; nothing here reads ``Config`` itself."""

from __future__ import annotations

from collections.abc import Mapping

from dualstack import resource_providers
from dualstack.config import AzurermBackend as AzurermBackendConfig
from dualstack.config import LocalBackend as LocalBackendConfig
from dualstack.framework import (
    AzurermBackend,
    AzurermProvider,
    AzurermProviderFeatures,
    LocalBackend,
    TerraformStack,
)


def base_tags(tags: Mapping[str, str], project: str) -> dict[str, str]:
    """Tags on every resource: the config's own (``tags``), plus project and managed-by."""
    return {**tags, "project": project, "managed-by": "dualstack-cdktf"}


def configure_backend(
    stack: TerraformStack, backend: LocalBackendConfig | AzurermBackendConfig, project: str, stack_name: str
) -> None:
    """Local state beside the output folder, or one azurerm blob per stack (Entra ID auth).

    The local path is relative to the stack's working directory
    (``<outdir>/stacks/<stack>``), so it is the same on every machine and checkout.
    """
    if isinstance(backend, AzurermBackendConfig):
        AzurermBackend(
            stack,
            resource_group_name=backend.resource_group_name,
            storage_account_name=backend.storage_account_name,
            container_name=backend.container_name,
            key=f"{backend.key_prefix if backend.key_prefix is not None else project + '/'}{stack_name}.tfstate",
            use_azuread_auth=True,
        )
    else:
        # The project is in the name: two configs deployed from one checkout never share state.
        LocalBackend(stack, path=f"../../../terraform.{project}.{stack_name}.tfstate")


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
