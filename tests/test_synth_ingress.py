"""Ingress: Helm releases per mode and the sample app (workloads stacks); DNS and Traffic
Manager (region and global stacks)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from synthhelp import CONFIGS, REGION_CASES, Stack, Synthesized

from dualstack import ingress_controller, modes
from dualstack.config import Config

TM_CASES = [(stem, region) for stem, region in REGION_CASES if CONFIGS[stem].front_door is None]
"""Regions of the configs with the Traffic Manager edge (test_edge.py covers Front Door)."""
EXPECTED_RELEASES = {"nat64": ["ipv4", "ipv6"], "nat46": ["ipv6", "ipv4"], "dualstack": ["dual"]}


def _releases(stack: Stack) -> dict[str, dict[str, Any]]:
    """The ingress controller releases, by kind (ipv4, ipv6, dual)."""
    return {
        p.rsplit("_", 1)[1]: r for p, r in stack.resources("helm_release").items() if "/ingress/release_" in p
    }


def test_releases_match_the_mode(wcase: tuple[Config, str, Stack]) -> None:
    config, _, stack = wcase
    releases = _releases(stack)
    assert set(releases) == set(EXPECTED_RELEASES[config.ingress.mode])
    for kind, release in releases.items():
        assert release["name"] == f"ingress-{kind}"
        assert release["chart"] == "nginx-ingress"
        assert release["repository"] == "oci://ghcr.io/nginx/charts"
        assert release["version"] == (config.ingress.chart_version or ingress_controller.CHART_VERSION)
        assert release["namespace"] == "ingress-nginx"
        assert release["provider"] == "helm"
        assert release["atomic"] is True
        # The chart's twelve CRDs serve custom resources that stay off.
        assert release["skip_crds"] is True
        assert yaml.safe_load(release["values"][0])["controller"]["enableCustomResources"] is False


def test_each_release_pins_its_own_public_ip_by_name(wcase: tuple[Config, str, Stack]) -> None:
    config, name, stack = wcase
    project = config.project
    for kind, release in _releases(stack).items():
        values = yaml.safe_load(release["values"][0])["controller"]
        service = values["service"]
        annotations = service["annotations"]
        pip = {f: f"pip-{project}-{name}-ingress-{f}" for f in ("ipv4", "ipv6")}
        expected = {
            "dual": {
                "service.beta.kubernetes.io/azure-pip-name": pip["ipv4"],
                "service.beta.kubernetes.io/azure-pip-name-ipv6": pip["ipv6"],
            },
            "ipv4": {"service.beta.kubernetes.io/azure-pip-name": pip["ipv4"]},
            # The cloud provider prefers -ipv6 for an IPv6 Service; its docs name it: both.
            "ipv6": {
                "service.beta.kubernetes.io/azure-pip-name": pip["ipv6"],
                "service.beta.kubernetes.io/azure-pip-name-ipv6": pip["ipv6"],
            },
        }[kind]
        expected["service.beta.kubernetes.io/azure-load-balancer-resource-group"] = (
            f"rg-{project}-{name}-ingress"
        )
        assert annotations == expected
        assert service["externalTrafficPolicy"] == "Local"


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
    for release in _releases(stack).values():
        annotations = yaml.safe_load(release["values"][0])["controller"]["service"]["annotations"]
        named |= {v for k, v in annotations.items() if k.endswith(("azure-pip-name", "azure-pip-name-ipv6"))}
        assert annotations["service.beta.kubernetes.io/azure-load-balancer-resource-group"] in groups
    assert named == created


TRANSLATING = [(s, r) for s, r in REGION_CASES if CONFIGS[s].ingress.mode != "dualstack"]


@pytest.mark.parametrize(("stem", "region"), TRANSLATING, ids=[f"{s}-{r}" for s, r in TRANSLATING])
def test_translator_installs_after_the_primary_and_the_ingress_class(
    stem: str, region: str, synthesized_configs: dict[str, Synthesized]
) -> None:
    config, stack = CONFIGS[stem], synthesized_configs[stem][f"{region}-workloads"]
    primary, translator = EXPECTED_RELEASES[config.ingress.mode]
    releases = _releases(stack)
    assert stack.address("helm_release", f"release_{primary}") in releases[translator]["depends_on"]
    ingress_class = stack.address("kubernetes_ingress_class_v1", "ingress/ingress_class")
    for kind in (primary, translator):
        assert ingress_class in releases[kind]["depends_on"]
        assert yaml.safe_load(releases[kind]["values"][0])["controller"]["ingressClass"]["create"] is False


def test_terraform_owns_the_one_default_ingress_class(wcase: tuple[Config, str, Stack]) -> None:
    _, _, stack = wcase
    (ingress_class,) = stack.resources("kubernetes_ingress_class_v1").values()
    assert ingress_class["metadata"]["name"] == "nginx"
    assert ingress_class["metadata"]["annotations"] == {"ingressclass.kubernetes.io/is-default-class": "true"}
    assert ingress_class["spec"]["controller"] == "nginx.org/ingress-controller"


def test_namespaces_carry_pod_security_labels(wcase: tuple[Config, str, Stack]) -> None:
    _, _, stack = wcase
    namespaces = {n["metadata"]["name"]: n for n in stack.resources("kubernetes_namespace_v1").values()}
    assert set(namespaces) == {"ingress-nginx", "echo", "cert-manager"}
    assert (
        namespaces["cert-manager"]["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    )
    assert namespaces["echo"]["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    assert (
        namespaces["ingress-nginx"]["metadata"]["labels"]["pod-security.kubernetes.io/enforce"]
        == "restricted"
    )
    for ns in namespaces.values():
        assert ns["metadata"]["labels"]["pod-security.kubernetes.io/warn"] == "restricted"
        assert ns["provider"] == "kubernetes"


def test_sample_app_service_runs_on_the_modes_family(wcase: tuple[Config, str, Stack]) -> None:
    config, name, stack = wcase
    service = stack.resource("kubernetes_service_v1", "workloads/sample_app/service")["spec"]
    family = modes.service_family(config.ingress)
    expected = {
        "ipv4": ("SingleStack", ["IPv4"]),
        "ipv6": ("SingleStack", ["IPv6"]),
        None: ("RequireDualStack", ["IPv4", "IPv6"]),
    }
    assert (service["ip_family_policy"], service["ip_families"]) == expected[family]
    ingress = stack.resource("kubernetes_ingress_v1", "workloads/sample_app/ingress")["spec"]
    assert ingress["ingress_class_name"] == "nginx"
    app = f"{config.dns.app_name}.{config.dns.zone_name}"
    assert [r["host"] for r in ingress["rule"]] == [app, f"{name}.{app}"]
    deployment = stack.resource("kubernetes_deployment_v1", "workloads/sample_app/deployment")["spec"]
    template = deployment["template"]["spec"]
    assert template["topology_spread_constraint"][0]["topology_key"] == "topology.kubernetes.io/zone"
    assert deployment["replicas"] == str(len(config.regions[name].zones))
    container = template["container"][0]
    assert container["security_context"]["run_as_non_root"] is True
    assert container["security_context"]["read_only_root_filesystem"] is True


@pytest.fixture(params=TM_CASES, ids=[f"{s}-{r}" for s, r in TM_CASES])
def tm_case(
    request: pytest.FixtureRequest, synthesized_configs: dict[str, Synthesized]
) -> tuple[Config, str, Stack]:
    """A region stack of a config with the Traffic Manager edge."""
    stem, region = request.param
    return CONFIGS[stem], region, synthesized_configs[stem][region]


def test_traffic_manager_endpoints_per_family(tm_case: tuple[Config, str, Stack]) -> None:
    config, name, stack = tm_case
    endpoints = stack.resources("azurerm_traffic_manager_external_endpoint")
    families = modes.public_families(config.ingress)
    assert set(endpoints) == {f"region/dns/{f}_endpoint" for f in families}
    for family in families:
        endpoint = endpoints[f"region/dns/{family}_endpoint"]
        assert endpoint["endpoint_location"] == name
        assert f"services_traffic_{family}_profile" in endpoint["profile_id"]
        assert f"ingress_{family}_public_ip" in endpoint["target"] and endpoint["target"].endswith(
            ".ip_address}"
        )


def test_region_records_a_to_ipv4_aaaa_to_ipv6(tm_case: tuple[Config, str, Stack]) -> None:
    config, name, stack = tm_case
    record_name = f"{name}.{config.dns.app_name}"
    a = stack.resource("azurerm_dns_a_record", "region/dns/ipv4_record")
    assert a["name"] == record_name and "ingress_ipv4_public_ip" in a["target_resource_id"]
    aaaa = stack.resource("azurerm_dns_aaaa_record", "region/dns/ipv6_record")
    assert aaaa["name"] == record_name and "ingress_ipv6_public_ip" in aaaa["target_resource_id"]
    private_a = stack.resource("azurerm_private_dns_a_record", "region/dns/ipv4_private_record")
    private_aaaa = stack.resource("azurerm_private_dns_aaaa_record", "region/dns/ipv6_private_record")
    assert "ingress_ipv4_public_ip" in private_a["records"][0]
    assert "ingress_ipv6_public_ip" in private_aaaa["records"][0]
    assert "private_dns_zone" in private_a["zone_name"] and "private_dns_zone" in private_aaaa["zone_name"]


@pytest.mark.parametrize("stem", sorted(s for s, c in CONFIGS.items() if c.front_door is None))
def test_global_profiles_and_alias_records(stem: str, synthesized_configs: dict[str, Synthesized]) -> None:
    config = CONFIGS[stem]
    stack = synthesized_configs[stem]["global"]
    profiles = stack.resources("azurerm_traffic_manager_profile")
    assert set(profiles) == {"services/traffic/ipv4_profile", "services/traffic/ipv6_profile"}
    for profile in profiles.values():
        assert profile["traffic_routing_method"] == "Performance"
        monitor = profile["monitor_config"]
        probe = config.probe
        assert (monitor["protocol"], monitor["port"], monitor["path"]) == (
            probe.protocol,
            probe.port,
            "/healthz",
        )
    a = stack.resource("azurerm_dns_a_record", "services/traffic/ipv4_alias")
    aaaa = stack.resource("azurerm_dns_aaaa_record", "services/traffic/ipv6_alias")
    assert a["name"] == aaaa["name"] == config.dns.app_name
    assert "traffic_ipv4_profile" in a["target_resource_id"]
    assert "traffic_ipv6_profile" in aaaa["target_resource_id"]
    assert "records" not in a and "records" not in aaaa


def test_sample_app_objects_wait_for_their_namespace(wcase: tuple[Config, str, Stack]) -> None:
    _, _, stack = wcase
    namespace = "${" + stack.address("kubernetes_namespace_v1", "sample_app/namespace") + ".metadata[0].name}"
    for rtype in ("kubernetes_deployment_v1", "kubernetes_service_v1", "kubernetes_ingress_v1"):
        (body,) = stack.resources(rtype).values()
        assert body["metadata"]["namespace"] == namespace, rtype
