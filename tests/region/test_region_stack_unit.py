"""``RegionStack``, the region stack's composer, on a test app with fake global references: what
it wires together that no single construct decides (backend, hub peering on the region's own
VNet, DNS names or Front Door origins, the monitoring rule, cert-manager's identity, outputs)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from constructhelp import FRONT_DOOR_REFS, REFS, Synth, bare_app, config, synth

from dualstack import naming
from dualstack.config import Config
from dualstack.region.stack import RegionStack

PEERING = "azurerm_virtual_network_peering"
CLUSTER = "azurerm_kubernetes_cluster"


@dataclass(frozen=True)
class Built:
    cfg: Config
    region: str
    out: Synth


def build(cfg: Config, region: str | None = None) -> Built:
    name = region or next(iter(cfg.regions))
    refs = FRONT_DOOR_REFS if cfg.front_door is not None else REFS
    return Built(cfg, name, synth(RegionStack(bare_app(), name, config=cfg, global_refs=refs)))


CASES: dict[str, Callable[[], Built]] = {
    "default": lambda: build(config("default")),
    # a hub to peer with, prevent_destroy false
    "dualstack-eastus": lambda: build(config("dualstack"), "eastus"),
    "nat46-southeastasia": lambda: build(config("nat46"), "southeastasia"),
    "frontdoor-northeurope": lambda: build(config("frontdoor"), "northeurope"),
    "frontdoor-drained": lambda: build(
        config("frontdoor", **{"regions.northeurope.drain": True}), "northeurope"
    ),
    "no-tls": lambda: build(config("default", **{"tls.issuer": "none"})),
}


@pytest.fixture(scope="module")
def built() -> dict[str, Built]:
    return {name: make() for name, make in CASES.items()}


@pytest.fixture(params=sorted(CASES))
def each(request: pytest.FixtureRequest, built: dict[str, Built]) -> Built:
    return built[request.param]


def test_each_region_has_its_own_state_and_the_default_provider(each: Built) -> None:
    doc, project = each.out.doc, each.cfg.project
    backend = doc["terraform"]["backend"]
    if "local" in backend:
        assert backend == {"local": {"path": f"../../../terraform.{project}.{each.region}.tfstate"}}
    else:
        assert backend["azurerm"]["key"] == f"{project}/{each.region}.tfstate"
    default = [p for p in doc["provider"]["azurerm"] if "alias" not in p]
    assert default == [{"features": [{}], "resource_provider_registrations": "none"}]


def test_the_hub_is_peered_with_this_regions_vnet_only_when_configured(each: Built) -> None:
    out, hub = each.out, each.cfg.network.hub
    peerings = out.resources(PEERING)
    aliased = [p for p in out.doc["provider"]["azurerm"] if "alias" in p]
    if hub is None:
        assert peerings == {} and aliased == []
        return
    assert set(peerings) == {"region/hub_peering/to_hub", "region/hub_peering/from_hub"}
    to_hub, from_hub = peerings["region/hub_peering/to_hub"], peerings["region/hub_peering/from_hub"]
    assert to_hub["virtual_network_name"] == out.ref("azurerm_virtual_network", "region/network/vnet", "name")
    assert from_hub["remote_virtual_network_id"] == out.ref(
        "azurerm_virtual_network", "region/network/vnet", "id"
    )
    assert [p["subscription_id"] for p in aliased] == [hub.subscription_id]
    assert from_hub["provider"] == f"azurerm.{aliased[0]['alias']}"


def test_the_region_has_dns_names_or_front_door_origins_never_both(each: Built) -> None:
    """Behind Front Door the addresses admit Front Door only, so the region has no names of its
    own; a drained region has no origins either."""
    out, cfg = each.out, each.cfg
    names = out.under("region/dns/")
    origins = out.resources("azurerm_cdn_frontdoor_origin")
    if cfg.front_door is None:
        assert names and origins == {}
    elif cfg.regions[each.region].drain:
        assert names == {} and origins == {}
    else:
        assert names == {}
        assert set(origins) == {f"region/origins/{f}_origin" for f in ("ipv4", "ipv6")}


def test_monitoring_is_this_clusters_rule_in_the_global_location(each: Built) -> None:
    out, cfg = each.out, each.cfg
    rule = out.resource("azurerm_monitor_data_collection_rule", "region/monitoring/rule")
    assert rule["name"] == naming.container_insights_rule(cfg.project, each.region)
    assert rule["location"] == cfg.global_.location
    (association,) = out.resources("azurerm_monitor_data_collection_rule_association").values()
    assert association["target_resource_id"] == out.ref(CLUSTER, "region/cluster/Resource", "id")


def test_cert_managers_identity_exists_only_with_certificates(each: Built) -> None:
    identities = each.out.resources("azurerm_user_assigned_identity", "region/cert_manager_dns/")
    assert bool(identities) == each.cfg.tls.enabled


def test_outputs_tell_a_first_deploy_what_it_needs_and_no_credential(each: Built) -> None:
    out, cfg, region = each.out, each.cfg, each.region
    outputs = out.doc["output"]
    assert set(outputs) == {
        "cluster_name",
        "credentials_command",
        "oidc_issuer_url",
        "ingress_ipv4_address",
        "ingress_ipv6_address",
    }
    cluster = out.resource(CLUSTER, "region/cluster/Resource")
    assert cluster["name"] == naming.cluster(cfg.project, region)
    assert outputs["cluster_name"]["value"] == out.ref(CLUSTER, "region/cluster/Resource", "name")
    command = outputs["credentials_command"]["value"]
    assert f"--resource-group {naming.region_resource_group(cfg.project, region)}" in command
    assert f"--name {naming.cluster(cfg.project, region)}" in command
    assert outputs["oidc_issuer_url"]["value"] == out.ref(
        CLUSTER, "region/cluster/Resource", "oidc_issuer_url"
    )
    for family in ("ipv4", "ipv6"):
        address = outputs[f"ingress_{family}_address"]["value"]
        assert address == out.ref(
            "azurerm_public_ip", f"region/network/ingress_{family}_public_ip", "ip_address"
        )
    assert "kube_config" not in str(outputs) and "kube_admin_config" not in str(out.doc)
