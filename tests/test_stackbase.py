"""``stackbase`` alone (shared by every stack): the base tags, the state backend per config and
the azurerm provider."""

from __future__ import annotations

from typing import Any

import pytest
from constructhelp import bare_stack, config, synth

from dualstack.config import AzurermBackend, Config
from dualstack.stackbase import base_tags, configure_backend

AZURERM_BACKEND = {
    "type": "azurerm",
    "resource_group_name": "rg-state",
    "storage_account_name": "ststate",
    "container_name": "tfstate",
}


def backend_of(cfg: Config, stack_name: str) -> dict[str, Any]:
    stack = bare_stack(stack_name, provider=False)
    configure_backend(stack, cfg.backend, cfg.project, stack_name)
    backend: dict[str, Any] = synth(stack).doc["terraform"]["backend"]
    return backend


def test_base_tags_add_project_and_managed_by_over_the_configs_own() -> None:
    cfg = config("nat46", **{"tags.project": "not-this", "tags.owner": "team"})
    assert base_tags(cfg.tags, cfg.project) == {
        "cost-center": "4711",
        "environment": "production",
        "owner": "team",
        "project": "fabrikam",
        "managed-by": "dualstack-cdktf",
    }
    default = config("default")
    assert base_tags(default.tags, default.project) == {
        "project": "contoso",
        "managed-by": "dualstack-cdktf",
    }


@pytest.mark.parametrize("stem", ["default", "dualstack"])
@pytest.mark.parametrize("stack_name", ["global", "eastus2-workloads"])
def test_local_state_is_per_project_and_stack_beside_the_output(stem: str, stack_name: str) -> None:
    cfg = config(stem)
    assert backend_of(cfg, stack_name) == {
        "local": {"path": f"../../../terraform.{cfg.project}.{stack_name}.tfstate"}
    }


@pytest.mark.parametrize(
    ("key_prefix", "key"),
    [
        (None, "fabrikam/westeurope.tfstate"),
        ("", "westeurope.tfstate"),
        ("envs/prod/", "envs/prod/westeurope.tfstate"),
    ],
)
def test_azurerm_state_is_one_blob_per_stack_with_entra_id(key_prefix: str | None, key: str) -> None:
    changes: dict[str, Any] = {} if key_prefix is None else {"backend.key_prefix": key_prefix}
    cfg = config("nat46", **changes)
    assert isinstance(cfg.backend, AzurermBackend)
    (settings,) = backend_of(cfg, "westeurope").values()
    assert settings == {
        "resource_group_name": cfg.backend.resource_group_name,
        "storage_account_name": cfg.backend.storage_account_name,
        "container_name": cfg.backend.container_name,
        "key": key,
        "use_azuread_auth": True,
    }


def test_azurerm_backend_from_any_config() -> None:
    cfg = config("default", backend=AZURERM_BACKEND)
    assert backend_of(cfg, "global") == {
        "azurerm": {
            "resource_group_name": "rg-state",
            "storage_account_name": "ststate",
            "container_name": "tfstate",
            "key": "contoso/global.tfstate",
            "use_azuread_auth": True,
        }
    }


def test_provider_carries_no_subscription_or_credential() -> None:
    out = synth(bare_stack())
    assert out.doc["provider"] == {"azurerm": [{"features": [{}], "resource_provider_registrations": "none"}]}
