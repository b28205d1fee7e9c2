"""Region stacks, cluster part: AKS, pools, identities, role assignments, providers."""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Any

import pytest
from synthhelp import CONFIGS, Stack, Synthesized

from dualstack.config import Config

AKS_SERVER_ID = "6dae42f8-4368-4678-94ff-3960e28e3630"


def _cluster(stack: Stack) -> dict[str, Any]:
    return stack.resource("azurerm_kubernetes_cluster", "region/cluster/Resource")


def test_network_profile_is_dual_stack_cni_overlay(case: tuple[Config, str, Stack]) -> None:
    config, name, stack = case
    region = config.regions[name]
    profile = _cluster(stack)["network_profile"]
    assert profile["network_plugin"] == "azure"
    assert profile["network_plugin_mode"] == "overlay"
    assert profile["ip_versions"] == ["IPv4", "IPv6"]
    assert profile["pod_cidrs"] == list(region.pod_cidrs)
    assert profile["service_cidrs"] == list(region.service_cidrs)
    v4, v6 = (ipaddress.ip_network(c) for c in profile["service_cidrs"])
    assert v4.version == 4 and v6.version == 6
    assert ipaddress.ip_address(profile["dns_service_ip"]) in v4
    assert profile["outbound_type"] == "loadBalancer"
    assert profile["load_balancer_sku"] == "standard"
    assert profile["load_balancer_profile"]["managed_outbound_ip_count"] >= 1
    assert profile["load_balancer_profile"]["managed_outbound_ipv6_count"] >= 1
    assert "nat_gateway_profile" not in profile


def test_data_plane_and_policy_follow_the_config(case: tuple[Config, str, Stack]) -> None:
    config, _, stack = case
    profile = _cluster(stack)["network_profile"]
    assert profile["network_data_plane"] == config.cluster.network_data_plane
    if config.cluster.network_data_plane == "cilium":
        assert profile["network_policy"] == "cilium"
    else:  # Azure and Calico network policy do not support dual-stack
        assert "network_policy" not in profile


def test_every_pool_spans_the_configured_zones(case: tuple[Config, str, Stack]) -> None:
    config, name, stack = case
    zones = [str(z) for z in config.regions[name].zones]
    assert len(zones) >= 2
    cluster = _cluster(stack)
    assert cluster["default_node_pool"]["zones"] == zones
    pools = stack.resources("azurerm_kubernetes_cluster_node_pool")
    assert pools, "no user pool"
    for pool in pools.values():
        assert pool["zones"] == zones


def test_system_and_user_pools_autoscale_with_configured_bounds(case: tuple[Config, str, Stack]) -> None:
    config, _, stack = case
    system = _cluster(stack)["default_node_pool"]
    assert system["only_critical_addons_enabled"] is True
    assert system["auto_scaling_enabled"] is True
    assert (system["min_count"], system["max_count"]) == (
        config.cluster.system_pool.min_count,
        config.cluster.system_pool.max_count,
    )
    assert system["vm_size"] == config.cluster.system_pool.vm_size
    user = stack.resource("azurerm_kubernetes_cluster_node_pool", "region/cluster/user_pool")
    assert user["mode"] == "User"
    assert user["auto_scaling_enabled"] is True
    assert (user["min_count"], user["max_count"]) == (
        config.cluster.user_pool.min_count,
        config.cluster.user_pool.max_count,
    )
    assert user["vm_size"] == config.cluster.user_pool.vm_size
    for pool in (system, user):
        assert pool["node_public_ip_enabled"] is False
        assert pool["os_disk_type"] == "Ephemeral"
        assert pool["host_encryption_enabled"] is True
        assert pool["max_pods"] >= 50
        assert pool["vnet_subnet_id"].startswith("${azurerm_subnet.region_network_cluster_subnet")


def test_version_upgrades_and_maintenance_window(case: tuple[Config, str, Stack]) -> None:
    config, _, stack = case
    cluster = _cluster(stack)
    assert cluster["kubernetes_version"] == config.cluster.kubernetes_version
    assert cluster["automatic_upgrade_channel"] == "patch"
    assert cluster["node_os_upgrade_channel"] == "NodeImage"
    for key in ("maintenance_window_auto_upgrade", "maintenance_window_node_os"):
        window = cluster[key]
        assert window["day_of_week"] == config.cluster.maintenance.day_of_week
        assert window["start_time"] == config.cluster.maintenance.start_time
        assert window["duration"] == config.cluster.maintenance.duration_hours >= 4


def test_entra_id_rbac_no_local_accounts_oidc_workload_identity(case: tuple[Config, str, Stack]) -> None:
    _, _, stack = case
    cluster = _cluster(stack)
    assert cluster["local_account_disabled"] is True
    assert cluster["role_based_access_control_enabled"] is True
    assert cluster["azure_active_directory_role_based_access_control"]["azure_rbac_enabled"] is True
    assert cluster["oidc_issuer_enabled"] is True
    assert cluster["workload_identity_enabled"] is True
    assert cluster["identity"]["type"] == "UserAssigned"
    assert "service_principal" not in cluster


def test_add_ons(case: tuple[Config, str, Stack]) -> None:
    _, _, stack = case
    cluster = _cluster(stack)
    assert cluster["azure_policy_enabled"] is True
    assert cluster["key_vault_secrets_provider"]["secret_rotation_enabled"] is True
    oms = cluster["oms_agent"]
    assert oms["msi_auth_for_monitoring_enabled"] is True
    assert "log_analytics_workspace" in oms["log_analytics_workspace_id"]
    assert "cross-stack-reference-input-global" in oms["log_analytics_workspace_id"]


def test_api_server_access_follows_the_config(case: tuple[Config, str, Stack]) -> None:
    config, _, stack = case
    cluster = _cluster(stack)
    api = config.cluster.api_server
    assert cluster["private_cluster_enabled"] is api.private
    if api.private:
        assert "api_server_access_profile" not in cluster
    else:
        assert cluster["api_server_access_profile"]["authorized_ip_ranges"] == list(api.authorized_ip_ranges)
        assert "0.0.0.0/0" not in cluster["api_server_access_profile"]["authorized_ip_ranges"]


def _roles(stack: Stack) -> dict[str, dict[str, Any]]:
    return {p.rsplit("/", 1)[1]: r for p, r in stack.resources("azurerm_role_assignment").items()}


def test_role_assignments_principal_scope_and_role(case: tuple[Config, str, Stack]) -> None:
    _, _, stack = case
    roles = _roles(stack)
    expected = {
        "control_plane_network_contributor": (
            "Network Contributor",
            "${azurerm_user_assigned_identity.region_cluster_control_plane_identity",
            "${azurerm_resource_group.region_network_ingress_resource_group",
        ),
        "control_plane_subnet_network_contributor": (
            "Network Contributor",
            "${azurerm_user_assigned_identity.region_cluster_control_plane_identity",
            "${azurerm_subnet.region_network_cluster_subnet",
        ),
        "kubelet_acr_pull": (
            "AcrPull",
            "${azurerm_kubernetes_cluster.region_cluster_F83DD20C.kubelet_identity[0].object_id}",
            "${data.terraform_remote_state.cross-stack-reference-input-global.outputs.cross-stack-output-azurerm_container_registry",
        ),
        "secrets_provider_key_vault_reader": (
            "Key Vault Secrets User",
            "${azurerm_kubernetes_cluster.region_cluster_F83DD20C.key_vault_secrets_provider[0].secret_identity[0].object_id}",
            "${data.terraform_remote_state.cross-stack-reference-input-global.outputs.cross-stack-output-azurerm_key_vault",
        ),
        "deployer_cluster_admin": (
            "Azure Kubernetes Service RBAC Cluster Admin",
            # The identity that applies (given, where another identity plans), else the one running.
            "${coalesce(var.deployer_object_id, data.azurerm_client_config.region_cluster_client",
            "${azurerm_kubernetes_cluster.region_cluster_F83DD20C.id}",
        ),
        "acme_txt_records": (
            # The global stack's custom role (TXT records only), by its ID: no built-in DNS role.
            "${data.terraform_remote_state.cross-stack-reference-input-global.outputs.cross-stack-output-azurerm_role_definition",
            "${azurerm_user_assigned_identity.region_cert_manager_dns_identity",
            "${data.terraform_remote_state.cross-stack-reference-input-global.outputs.cross-stack-output-azurerm_dns_zone",
        ),
    }
    roles = {k: v for k, v in roles.items() if not k.startswith("admin_group_")}
    assert set(roles) == set(expected)
    for name, (role, principal, scope) in expected.items():
        given = roles[name].get("role_definition_name") or roles[name]["role_definition_id"]
        assert given == role if not role.startswith("${") else given.startswith(role), name
        assert roles[name]["principal_id"].startswith(principal), name
        assert roles[name]["scope"].startswith(scope), name
        # Every scope is a reference to one resource or resource group, never a literal
        # subscription or management-group path.
        assert roles[name]["scope"].startswith("${") and "/subscriptions/" not in roles[name]["scope"]


def test_network_contributor_is_assigned_before_the_cluster_exists(case: tuple[Config, str, Stack]) -> None:
    _, _, stack = case
    keys = [
        k
        for k, r in stack.json["resource"]["azurerm_role_assignment"].items()
        if r.get("role_definition_name") == "Network Contributor"
    ]
    assert len(keys) == 2
    for key in keys:
        assert f"azurerm_role_assignment.{key}" in _cluster(stack)["depends_on"]


@pytest.mark.parametrize("provider", ["kubernetes", "helm"])
def test_providers_use_kubelogin_and_no_static_credentials(
    case: tuple[Config, str, Stack], provider: str, synthesized_configs: dict[str, Synthesized]
) -> None:
    config, name, region_stack = case
    stem = next(s for s, c in CONFIGS.items() if c is config)
    stack = synthesized_configs[stem][f"{name}-workloads"]
    (block,) = stack.json["provider"][provider]
    conn = block if provider == "kubernetes" else block["kubernetes"]
    exec_ = conn["exec"][0] if provider == "kubernetes" else conn["exec"]
    assert exec_["command"] == "kubelogin"
    assert exec_["api_version"] == "client.authentication.k8s.io/v1beta1"
    args = exec_["args"]
    assert args[:1] == ["get-token"]
    assert args[args.index("--login") + 1] == config.cluster.login
    assert args[args.index("--server-id") + 1] == AKS_SERVER_ID
    assert conn["host"] == "https://${data.azurerm_kubernetes_cluster.cluster.fqdn}:443"
    assert "kube_config[0].cluster_ca_certificate" in conn["cluster_ca_certificate"]
    for forbidden in ("token", "client_key", "client_certificate", "password", "username", "config_path"):
        assert forbidden not in conn, forbidden
    for text in (stack.text, region_stack.text):
        assert "kube_admin_config" not in text


def test_private_clusters_publish_a_public_fqdn(case: tuple[Config, str, Stack]) -> None:
    """The workloads providers use ``fqdn``: a private cluster needs the public name for it."""
    config, _, stack = case
    cluster = _cluster(stack)
    if config.cluster.api_server.private:
        assert cluster["private_cluster_enabled"] is True
        assert cluster["private_cluster_public_fqdn_enabled"] is True
    else:
        assert cluster["private_cluster_enabled"] is False
        assert "private_cluster_public_fqdn_enabled" not in cluster


def test_every_pool_sets_its_drain_timeout(case: tuple[Config, str, Stack]) -> None:
    """Unset, Azure's non-zero default reads as drift that forces a replacement (azurerm 26568)."""
    _, _, stack = case
    pools = [
        _cluster(stack)["default_node_pool"],
        *stack.resources("azurerm_kubernetes_cluster_node_pool").values(),
    ]
    assert len(pools) == 2
    for pool in pools:
        assert pool["upgrade_settings"] == {"max_surge": "33%", "drain_timeout_in_minutes": 30}


def test_container_insights_has_a_rule_and_an_association(case: tuple[Config, str, Stack]) -> None:
    config, name, stack = case
    (rule,) = stack.resources("azurerm_monitor_data_collection_rule").values()
    assert rule["name"] == f"MSCI-{name}-aks-{config.project}-{name}"
    assert rule["location"] == config.global_.location  # the workspace's region
    (destination,) = rule["destinations"]["log_analytics"]
    assert "services_log_analytics" in destination["workspace_resource_id"]
    assert "cross-stack-reference-input-global" in destination["workspace_resource_id"]
    (flow,) = rule["data_flow"]
    assert flow["destinations"] == [destination["name"]]
    (extension,) = rule["data_sources"]["extension"]
    assert extension["extension_name"] == "ContainerInsights"
    assert extension["streams"] == flow["streams"]
    assert {"Microsoft-ContainerLogV2", "Microsoft-KubeEvents", "Microsoft-KubePodInventory"} <= set(
        flow["streams"]
    )
    settings = json.loads(extension["extension_json"])["dataCollectionSettings"]
    assert settings["enableContainerLogV2"] is True
    (association,) = stack.resources("azurerm_monitor_data_collection_rule_association").values()
    assert association["target_resource_id"] == "${azurerm_kubernetes_cluster.region_cluster_F83DD20C.id}"
    assert association["data_collection_rule_id"] == (
        "${" + stack.address("azurerm_monitor_data_collection_rule", "monitoring/rule") + ".id}"
    )
    # The add-on still sends to the same workspace, with managed-identity auth.
    assert _cluster(stack)["oms_agent"]["msi_auth_for_monitoring_enabled"] is True


def test_outputs_expose_no_credential(case: tuple[Config, str, Stack]) -> None:
    _, _, stack = case
    outputs = stack.json.get("output", {})
    assert {"cluster_name", "oidc_issuer_url"} <= set(outputs)
    for name, output in outputs.items():
        value = output["value"]
        assert "kube_config" not in value and "kube_admin_config" not in value, name
        assert not re.search(r"(secret|password|token|key)", name), name


def test_default_config_keeps_the_api_server_private(synthesized_configs: dict[str, Synthesized]) -> None:
    # The Checkov skip of CKV_AZURE_115 covers the nat46 example's explicit opt-in only.
    for stack in synthesized_configs["default"].regions():
        assert _cluster(stack)["private_cluster_enabled"] is True


def test_azure_data_plane_has_no_network_policy(synth_variant) -> None:  # type: ignore[no-untyped-def]
    def azure(raw: dict[str, Any]) -> None:
        raw.setdefault("cluster", {})["network_data_plane"] = "azure"

    out = synth_variant("default", azure, "default-azure-data-plane")
    profile = _cluster(out["eastus2"])["network_profile"]
    assert profile["network_data_plane"] == "azure"
    assert "network_policy" not in profile


def test_admin_groups_get_cluster_admin_on_their_cluster(synthesized_configs: dict[str, Synthesized]) -> None:
    config = CONFIGS["nat46"]
    assert config.cluster.admin_group_object_ids, "the nat46 example names an admin group"
    for stack in synthesized_configs["nat46"].regions():
        groups = {
            r["principal_id"]: r
            for r in stack.resources("azurerm_role_assignment").values()
            if r.get("principal_type") == "Group"
        }
        assert set(groups) == set(config.cluster.admin_group_object_ids)
        for role in groups.values():
            assert role["role_definition_name"] == "Azure Kubernetes Service RBAC Cluster Admin"
            assert role["scope"] == "${azurerm_kubernetes_cluster.region_cluster_F83DD20C.id}"


def test_cluster_waits_for_the_subnet_nsg_association(case: tuple[Config, str, Stack]) -> None:
    _, _, stack = case
    association = stack.address(
        "azurerm_subnet_network_security_group_association", "/network/nsg_association"
    )
    assert association in _cluster(stack)["depends_on"]


def test_cluster_admin_goes_to_who_applies_not_who_plans(case: tuple[Config, str, Stack]) -> None:
    """One variable, empty by default (the identity running Terraform, as make deploy does); the
    deploy workflow sets it, because its planning identity is not the one that applies."""
    _, _, stack = case
    assert stack.json["variable"] == {
        "deployer_object_id": {
            "default": "",
            "description": "Object ID of the identity that applies the workloads stacks; empty: the one running Terraform",
            "type": "string",
        }
    }
    (admin,) = [
        r
        for p, r in stack.resources("azurerm_role_assignment").items()
        if p.endswith("deployer_cluster_admin")
    ]
    assert admin["principal_id"].startswith("${coalesce(var.deployer_object_id, data.azurerm_client_config.")
