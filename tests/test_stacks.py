"""The stack layout: global, then per region a region stack and a workloads stack.

The Kubernetes and Helm providers must never be configured from a resource managed in
their own stack (the kubernetes provider's documented rule), so every ``kubernetes_*`` and
``helm_release`` lives in ``<region>-workloads``, whose providers read the cluster through
a data source.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from synthhelp import CONFIGS, Stack, Synthesized

from dualstack.config import Config

KUBE_TYPES = re.compile(r"^(kubernetes_|helm_)")
REFERENCE = re.compile(r"\$\{([^}]*)\}")


def _leaves(value: Any, key: str = "") -> list[tuple[str, str]]:
    """``(dotted key, string)`` of every string in a resource body (``//`` metadata left out)."""
    if isinstance(value, dict):
        return [
            leaf for k, v in value.items() if k != "//" for leaf in _leaves(v, f"{key}.{k}" if key else k)
        ]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value) for leaf in _leaves(v, f"{key}[{i}]")]
    return [(key, value)] if isinstance(value, str) else []


def _strings(value: Any) -> list[str]:
    return [text for _, text in _leaves(value)]


def _references(value: Any) -> list[str]:
    """Every Terraform expression reference (``type.name...``, ``data.type.name...``) in a value."""
    return [
        ref
        for s in _strings(value)
        for expr in REFERENCE.findall(s)
        for ref in re.findall(r"[a-z_]\w*(?:\.[\w\[\]]+)+", expr)
    ]


@pytest.mark.parametrize("stem", sorted(CONFIGS))
def test_global_then_a_region_and_a_workloads_stack_per_region(
    stem: str, synthesized_configs: dict[str, Synthesized]
) -> None:
    out = synthesized_configs[stem]
    config = CONFIGS[stem]
    regions = list(config.regions)
    edge = config.front_door is not None
    assert set(out.stacks) == {
        "global",
        *regions,
        *(f"{r}-workloads" for r in regions),
        *(["edge"] if edge else []),
    }
    assert list(out.stacks) == config.stack_names() or set(out.stacks) == set(config.stack_names())
    expected = {
        "global": [],
        **{r: ["global"] for r in regions},
        **{f"{r}-workloads": [r] for r in regions},
    }
    if edge:
        # The Front Door route after every region stack (their origins), reading global.
        expected["edge"] = [*regions, "global"]
    assert out.dependencies() == expected


def test_manifest_dependencies_name_stacks(any_synth: Synthesized) -> None:
    """The cdktf CLI looks dependencies up by stack name; a construct path would never match."""
    deps = any_synth.dependencies()
    assert all(d in deps for names in deps.values() for d in names)


def test_no_kubernetes_or_helm_resource_outside_the_workloads_stacks(any_synth: Synthesized) -> None:
    for stack in [any_synth["global"], *any_synth.regions()]:
        kube = [t for t in stack.json.get("resource", {}) if KUBE_TYPES.match(t)]
        assert not kube, f"{stack.name}: {kube}"
        assert not set(stack.json.get("provider", {})) & {"kubernetes", "helm"}, stack.name


def test_workloads_stacks_hold_only_kubernetes_and_helm_resources(any_synth: Synthesized) -> None:
    for stack in any_synth.workloads():
        types = set(stack.json["resource"])
        # terraform_data: Terraform's built-in (the Service's primary-family trigger).
        assert types and all(KUBE_TYPES.match(t) or t == "terraform_data" for t in types), (
            f"{stack.name}: {types}"
        )
        assert {"helm_release", "kubernetes_namespace_v1", "kubernetes_ingress_class_v1"} <= types


def test_no_provider_is_configured_from_a_resource_of_its_own_stack(any_synth: Synthesized) -> None:
    checked = 0
    for stack in any_synth.stacks.values():
        for name, blocks in stack.json.get("provider", {}).items():
            for block in blocks:
                for ref in _references(block):
                    checked += 1
                    assert ref.startswith("data."), f"{stack.name}: provider {name} reads {ref}"
    assert checked >= 4 * len(any_synth.workloads())  # host and CA of both providers, at least


def _workload_stack_pairs(out: Synthesized) -> list[tuple[Stack, Stack]]:
    return [(out[s.name.removesuffix("-workloads")], s) for s in out.workloads()]


def test_workloads_providers_read_the_regions_cluster_through_a_data_source(any_synth: Synthesized) -> None:
    for region, workloads in _workload_stack_pairs(any_synth):
        (data,) = workloads.json["data"]["azurerm_kubernetes_cluster"].values()
        (cluster,) = region.resources("azurerm_kubernetes_cluster").values()
        groups = {g["name"] for g in region.resources("azurerm_resource_group").values()}
        # The data source names exactly the cluster that the region stack manages.
        assert data["name"] == cluster["name"]
        assert data["resource_group_name"] in groups
        assert cluster["resource_group_name"].endswith("region_network_resource_group_A66D4133.name}")
        assert data["resource_group_name"] == f"rg-{cluster['name'].removeprefix('aks-')}"
        address = "data.azurerm_kubernetes_cluster.cluster"
        kube = workloads.json["provider"]["kubernetes"][0]
        helm = workloads.json["provider"]["helm"][0]["kubernetes"]
        for conn in (kube, helm):
            # The public FQDN: it resolves outside the cluster's VNet (to the private
            # address on a private cluster); kube_config's host of a private cluster does not.
            assert conn["host"] == "https://${" + address + ".fqdn}:443"
            assert conn["cluster_ca_certificate"] == (
                "${base64decode(" + address + ".kube_config[0].cluster_ca_certificate)}"
            )


def test_workloads_stacks_read_no_other_stacks_state(any_synth: Synthesized) -> None:
    for stack in any_synth.workloads():
        assert "terraform_remote_state" not in stack.json.get("data", {}), stack.name
        assert "output" not in stack.json, stack.name


def test_each_stack_has_its_own_state(any_synth: Synthesized) -> None:
    keys = []
    for name, stack in any_synth.stacks.items():
        backend = stack.json["terraform"]["backend"]
        ((kind, settings),) = backend.items()
        key = settings["path"] if kind == "local" else settings["key"]
        assert name in key
        keys.append(key)
    assert len(set(keys)) == len(keys)


# --- what the other stacks read of the global stack -------------------------------------

REMOTE = re.compile(r"cross-stack-reference-input-global\.outputs\.([\w.-]+)")
GLOBAL_ATTRIBUTE = re.compile(r"^\$\{(\w+)\.(\w+)\.(\w+)\}$")

READS_OF_GLOBAL = {
    # GlobalRefs.resource_group_name, dns_zone_name, private_dns_zone_name: the zones' records
    ("region/network/private_dns_link", "resource_group_name"): ("services/resource_group", "name"),
    ("region/network/private_dns_link", "private_dns_zone_name"): ("services/private_dns_zone", "name"),
    **{
        (f"region/dns/{family}{kind}_record", key): target
        for family in ("ipv4", "ipv6")
        for kind, zone in (("", "services/dns_zone"), ("_private", "services/private_dns_zone"))
        for key, target in (
            ("resource_group_name", ("services/resource_group", "name")),
            ("zone_name", (zone, "name")),
        )
    },
    # GlobalRefs.traffic_manager_profile_ids: each family's endpoint joins its profile
    **{
        (f"region/dns/{f}_endpoint", "profile_id"): (f"services/traffic/{f}_profile", "id")
        for f in ("ipv4", "ipv6")
    },
    # GlobalRefs.private_link_targets, registry_id, key_vault_id
    ("region/endpoints/registry_endpoint", "private_service_connection.private_connection_resource_id"): (
        "services/registry",
        "id",
    ),
    ("region/endpoints/vault_endpoint", "private_service_connection.private_connection_resource_id"): (
        "services/key_vault",
        "id",
    ),
    ("region/cluster/kubelet_acr_pull", "scope"): ("services/registry", "id"),
    ("region/cluster/secrets_provider_key_vault_reader", "scope"): ("services/key_vault", "id"),
    # GlobalRefs.log_analytics_id
    ("region/cluster/Resource", "oms_agent.log_analytics_workspace_id"): ("services/log_analytics", "id"),
    ("region/monitoring/rule", "destinations.log_analytics[0].workspace_resource_id"): (
        "services/log_analytics",
        "id",
    ),
    # GlobalRefs.dns_zone_id, acme_dns_role_id: cert-manager's one grant
    ("region/cert_manager_dns/acme_txt_records", "scope"): ("services/dns_zone", "id"),
    ("region/cert_manager_dns/acme_txt_records", "role_definition_id"): (
        "services/acme_dns_role",
        "role_definition_resource_id",
    ),
    # FrontDoorRefs: the regions' origins and the edge stack's route
    **{
        (f"region/origins/{f}_origin", "cdn_frontdoor_origin_group_id"): (
            "services/front_door/origin_group",
            "id",
        )
        for f in ("ipv4", "ipv6")
    },
    ("front_door/route", "cdn_frontdoor_origin_group_id"): ("services/front_door/origin_group", "id"),
    ("front_door/route", "cdn_frontdoor_endpoint_id"): ("services/front_door/endpoint", "id"),
    ("front_door/route", "cdn_frontdoor_custom_domain_ids[0]"): ("services/front_door/custom_domain", "id"),
    ("front_door/custom_domain_association", "cdn_frontdoor_custom_domain_id"): (
        "services/front_door/custom_domain",
        "id",
    ),
}
"""Every attribute of a region or edge stack that reads the global stack, and the global resource
and attribute it must read: each field of ``GlobalRefs`` and ``FrontDoorRefs`` at its consumers."""


def global_reads(out: Synthesized, stack: Stack) -> dict[tuple[str, str], tuple[str, str]]:
    """``{(construct path, attribute): (global construct path, attribute)}`` of every reference of
    ``stack`` to the global stack's state, resolved through the global stack's outputs."""
    global_doc = out["global"].json
    paths = {
        f"{t}.{n}": b["//"]["metadata"]["path"].split("/", 1)[1]
        for t, items in global_doc["resource"].items()
        for n, b in items.items()
    }
    reads = {}
    for rtype in stack.json.get("resource", {}):
        for path, body in stack.declared(rtype).items():
            for key, text in _leaves(body):
                for output in REMOTE.findall(text):
                    match = GLOBAL_ATTRIBUTE.match(global_doc["output"][output]["value"])
                    assert match, f"{stack.name}: {path}.{key} reads {output}, which is not one attribute"
                    reads[(path, key)] = (paths[f"{match[1]}.{match[2]}"], match[3])
    return reads


def test_region_and_edge_stacks_read_exactly_the_global_resources_they_name(any_synth: Synthesized) -> None:
    """Each reference through the global state reads the right resource's attribute, and each
    region stack reads what every region needs (private zone, registry, vault, workspace)."""
    needed = {
        k
        for k in READS_OF_GLOBAL
        if k[0].startswith(("region/network/", "region/endpoints/", "region/cluster/"))
    }
    stacks = [*any_synth.regions(), *([any_synth["edge"]] if "edge" in any_synth.stacks else [])]
    for stack in stacks:
        reads = global_reads(any_synth, stack)
        assert {k: READS_OF_GLOBAL.get(k) for k in reads} == reads, stack.name
        if stack.name != "edge":
            assert needed <= set(reads), f"{stack.name}: {needed - set(reads)}"
    assert global_reads(any_synth, any_synth["global"]) == {}


def test_the_reads_table_is_what_the_configs_use(synthesized_configs: dict[str, Synthesized]) -> None:
    """No row of the table is dead: every one is read by some stack of some example config."""
    used = {
        key
        for out in synthesized_configs.values()
        for stack in out.stacks.values()
        if stack.name != "global"
        for key in global_reads(out, stack)
    }
    assert used == set(READS_OF_GLOBAL)


# --- what the workloads stacks name of their region stack --------------------------------


def test_pinned_ip_names_are_the_region_stacks_public_ips(
    wcase: tuple[Config, str, Stack], synthesized_configs: dict[str, Synthesized]
) -> None:
    """The workloads stack names the addresses; the region stack must create exactly those."""
    config, name, stack = wcase
    stem = next(s for s, c in CONFIGS.items() if c is config)
    region = synthesized_configs[stem][name]
    created = {ip["name"] for ip in region.resources("azurerm_public_ip").values()}
    groups = {g["name"] for g in region.resources("azurerm_resource_group").values()}
    named = set()
    for path, release in stack.resources("helm_release").items():
        if "/ingress/release_" not in path:
            continue
        annotations = yaml.safe_load(release["values"][0])["controller"]["service"]["annotations"]
        named |= {v for k, v in annotations.items() if k.endswith(("azure-pip-name", "azure-pip-name-ipv6"))}
        assert annotations["service.beta.kubernetes.io/azure-load-balancer-resource-group"] in groups
    assert named == created


# --- the region stack's grants: scopes in the global stack's state, never literal -------


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


# --- the global stack reads nobody; the others read only it; every stack is tagged ---------


def test_global_never_references_a_region_stack(any_synth: Synthesized) -> None:
    assert "terraform_remote_state" not in any_synth["global"].json.get("data", {})


def test_region_stacks_read_only_the_global_state(any_synth: Synthesized) -> None:
    for stack in any_synth.regions():
        remote = stack.json.get("data", {}).get("terraform_remote_state", {})
        assert set(remote) == {"cross-stack-reference-input-global"}


TAGGABLE = {
    "azurerm_resource_group",
    "azurerm_virtual_network",
    "azurerm_network_security_group",
    "azurerm_public_ip",
    "azurerm_dns_zone",
    "azurerm_private_dns_zone",
    "azurerm_private_dns_zone_virtual_network_link",
    "azurerm_container_registry",
    "azurerm_key_vault",
    "azurerm_log_analytics_workspace",
    "azurerm_user_assigned_identity",
    "azurerm_kubernetes_cluster",
    "azurerm_kubernetes_cluster_node_pool",
    "azurerm_traffic_manager_profile",
    "azurerm_private_endpoint",
    "azurerm_dns_a_record",
    "azurerm_dns_aaaa_record",
    "azurerm_private_dns_a_record",
    "azurerm_private_dns_aaaa_record",
    "azurerm_monitor_data_collection_rule",
    "azurerm_cdn_frontdoor_profile",
    "azurerm_cdn_frontdoor_endpoint",
    "azurerm_cdn_frontdoor_firewall_policy",
    "azurerm_dns_txt_record",
}
"""Resource types the product creates that take tags (azurerm 4.55 schemas)."""
FRONT_DOOR_ONLY = {
    "azurerm_cdn_frontdoor_profile",
    "azurerm_cdn_frontdoor_endpoint",
    "azurerm_cdn_frontdoor_firewall_policy",
    "azurerm_dns_txt_record",
}
TRAFFIC_MANAGER_ONLY = {
    "azurerm_traffic_manager_profile",
    "azurerm_private_dns_a_record",
    "azurerm_private_dns_aaaa_record",
}


def test_every_taggable_resource_in_every_stack_is_tagged(any_synth: Synthesized) -> None:
    front_door = "edge" in any_synth.stacks
    expected = TAGGABLE - (TRAFFIC_MANAGER_ONLY if front_door else FRONT_DOOR_ONLY)
    seen = set()
    for stack in any_synth.stacks.values():
        for rtype, items in stack.json["resource"].items():
            if rtype not in TAGGABLE:
                continue
            seen.add(rtype)
            for name, body in items.items():
                tags = body.get("tags", {})
                assert tags.get("project") and tags.get("managed-by") == "dualstack-cdktf", (
                    f"{stack.name} {rtype}.{name}"
                )
    assert seen == expected, f"no resource of {expected - seen}: update TAGGABLE"
