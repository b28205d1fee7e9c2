"""``RegionCluster`` alone (on a ``RegionNetwork``): identities and their grants, the network
profile, API server access, pools, the cluster's own role assignments and its administrators."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from constructhelp import REFS, Synth, bare_stack, config, expose, region_context, synth

from dualstack import roles
from dualstack.region.cluster import DRAIN_TIMEOUT_MINUTES, MAX_PODS, MAX_SURGE, RegionCluster
from dualstack.region.context import RegionContext
from dualstack.region.network import RegionNetwork

AKS = "azurerm_kubernetes_cluster"
ROLE = "azurerm_role_assignment"
GROUPS = ("0f5e7a52-3c1d-4b8e-9a6f-2d7c4e1b8a90", "7c2d9e41-5b3a-4f6e-8d1c-0a9b8c7d6e5f")


@dataclass(frozen=True)
class Built:
    ctx: RegionContext
    out: Synth

    @property
    def cluster(self) -> dict[str, Any]:
        return self.out.resource(AKS, "cluster/Resource")

    @property
    def pools(self) -> dict[str, dict[str, Any]]:
        """Both pools' settings: the cluster's default (system) pool and the user pool."""
        return {
            "system": self.cluster["default_node_pool"],
            "user": self.out.resource("azurerm_kubernetes_cluster_node_pool", "cluster/user_pool"),
        }

    def role(self, id_: str) -> dict[str, Any]:
        return self.out.resource(ROLE, f"cluster/{id_}")

    def cluster_ref(self, attribute: str) -> str:
        return self.out.ref(AKS, "cluster/Resource", attribute)


def build(ctx: RegionContext) -> Built:
    stack = bare_stack()
    network = RegionNetwork(stack, "network", ctx=ctx)
    cluster = RegionCluster(stack, "cluster", ctx=ctx, network=network)
    expose(stack, name=cluster.name, oidc_issuer_url=cluster.oidc_issuer_url)
    return Built(ctx, synth(stack))


VARIANTS: dict[str, Callable[[], RegionContext]] = {
    # private API server, Cilium, three zones, no admin groups
    "default": lambda: region_context(config("default")),
    # public API server with authorized ranges, one admin group, two zones, own overlay ranges
    "nat46-southeastasia": lambda: region_context(config("nat46"), "southeastasia"),
    # the Azure data plane, other pools, a maintenance window and two admin groups
    "customized": lambda: region_context(
        config(
            "default",
            **{
                "cluster.network_data_plane": "azure",
                "cluster.user_pool": {"vm_size": "Standard_D8ds_v5", "min_count": 2, "max_count": 7},
                "cluster.system_pool": {"vm_size": "Standard_D2ds_v5", "min_count": 2, "max_count": 4},
                "cluster.maintenance": {"day_of_week": "Wednesday", "start_time": "21:30"},
                "cluster.admin_group_object_ids": list(GROUPS),
                "cluster.sku_tier": "Premium",
            },
        ),
        "swedencentral",
    ),
}


@pytest.fixture(scope="module")
def built() -> dict[str, Built]:
    return {name: build(make()) for name, make in VARIANTS.items()}


@pytest.fixture(params=sorted(VARIANTS))
def each(request: pytest.FixtureRequest, built: dict[str, Built]) -> Built:
    return built[request.param]


def test_cluster_is_named_for_the_region_with_settings_from_the_config(each: Built) -> None:
    ctx, cluster = each.ctx, each.cluster
    settings = ctx.cluster
    assert cluster["name"] == cluster["dns_prefix"] == f"aks-{ctx.project}-{ctx.region_name}"
    assert cluster["location"] == ctx.region_name
    assert cluster["node_resource_group"] == f"rg-{ctx.project}-{ctx.region_name}-aks-nodes"
    assert cluster["resource_group_name"] == each.out.ref(
        "azurerm_resource_group", "network/resource_group", "name"
    )
    assert (cluster["kubernetes_version"], cluster["sku_tier"]) == (
        settings.kubernetes_version,
        settings.sku_tier,
    )
    for key in ("maintenance_window_auto_upgrade", "maintenance_window_node_os"):
        window = cluster[key]
        assert window["day_of_week"] == settings.maintenance.day_of_week
        assert window["start_time"] == settings.maintenance.start_time
        assert window["duration"] == settings.maintenance.duration_hours
    # Patch versions and node images follow on their own, inside those windows.
    assert cluster["automatic_upgrade_channel"] == "patch"
    assert cluster["node_os_upgrade_channel"] == "NodeImage"
    assert cluster["azure_policy_enabled"] is True
    assert cluster["tags"] == ctx.tags


def test_properties_expose_the_clusters_name_and_issuer(each: Built) -> None:
    assert each.out.output("name") == each.cluster_ref("name")
    assert each.out.output("oidc_issuer_url") == each.cluster_ref("oidc_issuer_url")


def test_control_plane_identity_is_the_clusters_only_identity(each: Built) -> None:
    out, ctx = each.out, each.ctx
    identity = out.resource("azurerm_user_assigned_identity", "cluster/control_plane_identity")
    assert identity["name"] == f"id-{ctx.project}-{ctx.region_name}-aks"
    assert each.cluster["identity"] == {
        "type": "UserAssigned",
        "identity_ids": [out.ref("azurerm_user_assigned_identity", "cluster/control_plane_identity", "id")],
    }


def test_two_network_contributor_grants_come_before_the_cluster(each: Built) -> None:
    out = each.out
    principal = out.ref("azurerm_user_assigned_identity", "cluster/control_plane_identity", "principal_id")
    grants = {
        "control_plane_network_contributor": out.ref(
            "azurerm_resource_group", "network/ingress_resource_group", "id"
        ),
        "control_plane_subnet_network_contributor": out.ref("azurerm_subnet", "network/cluster_subnet", "id"),
    }
    for id_, scope in grants.items():
        grant = each.role(id_)
        assert (grant["scope"], grant["principal_id"]) == (scope, principal)
        assert grant["role_definition_name"] == roles.NETWORK_CONTRIBUTOR
    contributors = [
        r for r in out.resources(ROLE).values() if r["role_definition_name"] == roles.NETWORK_CONTRIBUTOR
    ]
    assert len(contributors) == 2, "Network Contributor anywhere else"
    depends_on = set(each.cluster["depends_on"])
    assert {out.address(ROLE, f"cluster/{id_}") for id_ in grants} <= depends_on
    assert (
        out.address("azurerm_subnet_network_security_group_association", "network/nsg_association")
        in depends_on
    )


def test_network_profile_is_dual_stack_overlay_from_the_region(each: Built) -> None:
    region, profile = each.ctx.region, each.cluster["network_profile"]
    assert (profile["network_plugin"], profile["network_plugin_mode"]) == ("azure", "overlay")
    assert profile["ip_versions"] == ["IPv4", "IPv6"]
    assert profile["pod_cidrs"] == list(region.pod_cidrs)
    assert profile["service_cidrs"] == list(region.service_cidrs)
    assert profile["dns_service_ip"] == region.dns_service_ip
    balancer = profile["load_balancer_profile"]
    assert (balancer["managed_outbound_ip_count"], balancer["managed_outbound_ipv6_count"]) == (1, 1)
    assert (profile["outbound_type"], profile["load_balancer_sku"]) == ("loadBalancer", "standard")
    assert "nat_gateway_profile" not in profile


def test_cilium_is_the_default_data_plane_with_its_policy(built: dict[str, Built]) -> None:
    profile = built["default"].cluster["network_profile"]
    assert (profile["network_data_plane"], profile["network_policy"]) == ("cilium", "cilium")


def test_azure_data_plane_has_no_network_policy(built: dict[str, Built]) -> None:
    profile = built["customized"].cluster["network_profile"]
    assert profile["network_data_plane"] == "azure"
    assert "network_policy" not in profile


def test_api_server_is_private_with_a_public_fqdn_or_public_with_authorized_ranges(each: Built) -> None:
    cluster, api = each.cluster, each.ctx.cluster.api_server
    assert cluster["private_cluster_enabled"] is api.private
    if api.private:
        assert cluster["private_cluster_public_fqdn_enabled"] is True
        assert "api_server_access_profile" not in cluster
    else:
        assert "private_cluster_public_fqdn_enabled" not in cluster
        assert cluster["api_server_access_profile"]["authorized_ip_ranges"] == list(api.authorized_ip_ranges)


def test_both_api_server_cases_are_covered(built: dict[str, Built]) -> None:
    assert built["default"].cluster["private_cluster_enabled"] is True
    assert built["nat46-southeastasia"].cluster["private_cluster_enabled"] is False


def test_entra_id_with_azure_rbac_and_no_local_accounts(each: Built) -> None:
    cluster = each.cluster
    assert cluster["local_account_disabled"] is True
    assert cluster["role_based_access_control_enabled"] is True
    assert "service_principal" not in cluster  # the control-plane identity instead
    # Workload identity, which needs the OIDC issuer: pods get tokens, never secrets.
    assert (cluster["oidc_issuer_enabled"], cluster["workload_identity_enabled"]) == (True, True)
    rbac = cluster["azure_active_directory_role_based_access_control"]
    assert rbac["azure_rbac_enabled"] is True
    assert rbac["tenant_id"] == each.out.data_ref("azurerm_client_config", "cluster/client", "tenant_id")


@pytest.mark.parametrize("pool", ["system", "user"])
def test_pools_follow_the_config_and_span_the_regions_zones(each: Built, pool: str) -> None:
    settings = getattr(each.ctx.cluster, f"{pool}_pool")
    body = each.pools[pool]
    assert body["zones"] == [str(z) for z in each.ctx.region.zones]
    assert (body["vm_size"], body["min_count"], body["max_count"]) == (
        settings.vm_size,
        settings.min_count,
        settings.max_count,
    )
    assert body["os_disk_size_gb"] == settings.os_disk_size_gb
    assert body["auto_scaling_enabled"] is True
    assert body["vnet_subnet_id"] == each.out.ref("azurerm_subnet", "network/cluster_subnet", "id")
    assert body["node_public_ip_enabled"] is False
    assert (body["os_disk_type"], body["host_encryption_enabled"]) == ("Ephemeral", True)
    assert body["max_pods"] == MAX_PODS >= 50
    assert body["upgrade_settings"] == {
        "max_surge": MAX_SURGE,
        "drain_timeout_in_minutes": DRAIN_TIMEOUT_MINUTES,
    }
    assert body["tags"] == each.ctx.tags


def test_user_pool_belongs_to_the_cluster(each: Built) -> None:
    user = each.pools["user"]
    assert (user["mode"], user["name"]) == ("User", "user")
    assert user["kubernetes_cluster_id"] == each.cluster_ref("id")
    # One user pool: with the default (system) pool, two pools in all.
    assert list(each.out.resources("azurerm_kubernetes_cluster_node_pool")) == ["cluster/user_pool"]
    assert each.pools["system"]["only_critical_addons_enabled"] is True


def test_kubelet_may_pull_from_the_global_registry(each: Built) -> None:
    grant = each.role("kubelet_acr_pull")
    assert grant["scope"] == REFS.registry_id
    assert grant["role_definition_name"] == roles.ACR_PULL
    assert grant["principal_id"] == each.cluster_ref("kubelet_identity[0].object_id")
    assert grant["principal_type"] == "ServicePrincipal"


def test_secrets_provider_rotates_and_reads_the_global_vault(each: Built) -> None:
    provider = each.cluster["key_vault_secrets_provider"]
    assert provider["secret_rotation_enabled"] is True
    grant = each.role("secrets_provider_key_vault_reader")
    assert grant["scope"] == REFS.key_vault_id
    assert grant["role_definition_name"] == roles.KEY_VAULT_SECRETS_USER
    assert grant["principal_id"] == each.cluster_ref(
        "key_vault_secrets_provider[0].secret_identity[0].object_id"
    )


def test_monitoring_agent_reports_to_the_global_workspace(each: Built) -> None:
    agent = each.cluster["oms_agent"]
    assert agent == {
        "log_analytics_workspace_id": REFS.log_analytics_id,
        "msi_auth_for_monitoring_enabled": True,
    }


def test_deployer_administers_this_cluster_only(each: Built) -> None:
    grant = each.role("deployer_cluster_admin")
    assert grant["scope"] == each.cluster_ref("id")
    assert grant["role_definition_name"] == roles.AKS_RBAC_CLUSTER_ADMIN
    client = each.out.data_ref("azurerm_client_config", "cluster/client", "object_id").removeprefix("${")
    # The given deployer (TF_VAR_deployer_object_id), else the identity running Terraform.
    assert grant["principal_id"] == "${coalesce(var.deployer_object_id, " + client.removesuffix("}") + ")}"
    # The stack's one variable, empty by default (the identity running Terraform, as make deploy
    # does); the deploy workflow sets it, because its planning identity is not the one that applies.
    assert each.out.doc["variable"] == {
        "deployer_object_id": {
            "default": "",
            "description": "Object ID of the identity that applies the workloads stacks; empty: the one running Terraform",
            "type": "string",
        }
    }


def test_admin_groups_are_keyed_by_object_id(each: Built) -> None:
    groups = each.ctx.cluster.admin_group_object_ids
    found = {p: r for p, r in each.out.resources(ROLE).items() if p.startswith("cluster/admin_group_")}
    assert set(found) == {f"cluster/admin_group_{g}" for g in groups}
    for group in groups:
        grant = found[f"cluster/admin_group_{group}"]
        assert (grant["principal_id"], grant["principal_type"]) == (group, "Group")
        assert grant["scope"] == each.cluster_ref("id")
        assert grant["role_definition_name"] == roles.AKS_RBAC_CLUSTER_ADMIN


def test_admin_group_cases_are_covered(built: dict[str, Built]) -> None:
    counts = {name: len(b.ctx.cluster.admin_group_object_ids) for name, b in built.items()}
    assert counts == {"default": 0, "nat46-southeastasia": 1, "customized": 2}


def test_no_grant_outside_the_known_ones(each: Built) -> None:
    fixed = {
        "control_plane_network_contributor",
        "control_plane_subnet_network_contributor",
        "kubelet_acr_pull",
        "secrets_provider_key_vault_reader",
        "deployer_cluster_admin",
    }
    groups = {f"admin_group_{g}" for g in each.ctx.cluster.admin_group_object_ids}
    assert set(each.out.resources(ROLE)) == {f"cluster/{i}" for i in fixed | groups}
