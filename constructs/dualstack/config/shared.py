"""``global`` and ``backend``: the global stack's shared services, and where Terraform keeps state."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    Field,
    StrictInt,
    StrictStr,
)

from dualstack.config.base import KeyVaultName, Model, RegistryName


class Global(Model):
    """The shared services of the global stack: resource group ``rg-<project>-global``,
    container registry, Key Vault and Log Analytics workspace. Any valid ``project`` gives
    valid derived names, so a length error is always about a name set in the file."""

    location: StrictStr
    """Region of ``rg-<project>-global``, the registry's home, the Key Vault and the Log
    Analytics workspace; one of the allowed regions (the registry and vault are
    zone-redundant), not necessarily one of ``regions``. The registry gets a replica in
    every entry of ``regions`` except this one. Required: changing it replaces all of them,
    so it is never derived from the order of ``regions``."""
    registry_name: RegistryName
    """Container registry name, globally unique in Azure; default ``<project>dualstackacr``."""
    key_vault_name: KeyVaultName
    """Key Vault name, globally unique in Azure; default ``kv-<project>-dualstack``."""
    log_retention_days: Annotated[StrictInt, Field(ge=30, le=730)] = 90
    """Days the Log Analytics workspace keeps cluster logs."""


class LocalBackend(Model):
    """Terraform state in local files; takes no other key."""

    type: Literal["local"]
    """State in ``terraform.<stack>.tfstate`` next to the output folder (not in git)."""


class AzurermBackend(Model):
    """Terraform state in an Azure Storage blob per stack, with Entra ID auth (docs/architecture.md,
    "State backends")."""

    type: Literal["azurerm"]
    """State in an Azure Storage container."""
    resource_group_name: Annotated[StrictStr, Field(pattern=r"^[-\w.()]{1,90}$")]
    """Resource group of the state storage account."""
    storage_account_name: Annotated[StrictStr, Field(pattern=r"^[a-z0-9]{3,24}$")]
    """The state storage account."""
    container_name: Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    """The blob container."""
    key_prefix: Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9/_.-]{0,100}$")] | None = None
    """State key of a stack: ``<key_prefix><stack>.tfstate``; default ``<project>/``, so two
    projects never share a state blob. Entra ID auth, no keys."""
