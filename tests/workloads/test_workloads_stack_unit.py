"""``WorkloadsStack``, the workloads stack's composer, on a test app: the ingress controller
releases of the mode, the IngressClass and namespaces, the sample application, cert-manager, and
what it takes from the config that no single construct decides (the login of the providers, the
Front Door ID). Whole-app tests keep what crosses stacks (``test_stacks.py``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import yaml
from constructhelp import Synth, bare_app, config, synth

from dualstack import ingress_controller, modes, naming
from dualstack.config import Config
from dualstack.workloads import cert_manager
from dualstack.workloads.sample_app import NAMESPACE as SAMPLE_NAMESPACE
from dualstack.workloads.stack import WorkloadsStack

RELEASE = "helm_release"
PSA = "pod-security.kubernetes.io"


@dataclass(frozen=True)
class Built:
    cfg: Config
    region: str
    out: Synth

    def releases(self) -> dict[str, dict[str, Any]]:
        """The ingress controller releases, by kind (ipv4, ipv6, dual)."""
        found = self.out.resources(RELEASE, "workloads/ingress/release_")
        return {path.rsplit("_", 1)[1]: body for path, body in found.items()}

    def controller(self, release: dict[str, Any]) -> dict[str, Any]:
        return yaml.safe_load(release["values"][0])["controller"]  # type: ignore[no-any-return]


def build(cfg: Config, region: str | None = None) -> Built:
    name = region or next(iter(cfg.regions))
    stack = WorkloadsStack(bare_app(), naming.workloads_stack(name), config=cfg, region_name=name)
    return Built(cfg, name, synth(stack))


CASES: dict[str, Callable[[], Built]] = {
    "default": lambda: build(config("default")),  # nat64, Traffic Manager, staging certificates
    "nat46-southeastasia": lambda: build(config("nat46"), "southeastasia"),  # HSTS, two zones
    "dualstack-eastus": lambda: build(config("dualstack"), "eastus"),  # one release, spn login
    "frontdoor-northeurope": lambda: build(config("frontdoor"), "northeurope"),
    "no-tls": lambda: build(config("default", **{"tls.issuer": "none"})),
}
EXPECTED_RELEASES = {"nat64": ["ipv4", "ipv6"], "nat46": ["ipv6", "ipv4"], "dualstack": ["dual"]}


@pytest.fixture(scope="module")
def built() -> dict[str, Built]:
    return {name: make() for name, make in CASES.items()}


@pytest.fixture(params=sorted(CASES))
def each(request: pytest.FixtureRequest, built: dict[str, Built]) -> Built:
    return built[request.param]


def test_the_releases_are_the_modes_with_the_pinned_chart(each: Built) -> None:
    cfg, releases = each.cfg, each.releases()
    assert set(releases) == set(EXPECTED_RELEASES[cfg.ingress.mode])
    for kind, release in releases.items():
        assert release["name"] == f"ingress-{kind}"
        assert (release["repository"], release["chart"]) == (
            ingress_controller.CHART_REPOSITORY,
            ingress_controller.CHART_NAME,
        )
        assert release["version"] == (cfg.ingress.chart_version or ingress_controller.CHART_VERSION)
        assert (release["namespace"], release["provider"]) == (ingress_controller.NAMESPACE, "helm")
        assert release["atomic"] is True
        # The chart's CRDs serve custom resources that stay off.
        assert release["skip_crds"] is True
        assert each.controller(release)["enableCustomResources"] is False


def test_each_release_pins_the_public_ips_the_region_names(each: Built) -> None:
    cfg, region = each.cfg, each.region
    for kind, release in each.releases().items():
        service = each.controller(release)["service"]
        annotations = service["annotations"]
        families = ("ipv4", "ipv6") if kind == "dual" else (kind,)
        names = {naming.ingress_public_ip(cfg.project, region, f) for f in families}  # type: ignore[arg-type]
        pinned = {v for k, v in annotations.items() if k.endswith(("azure-pip-name", "azure-pip-name-ipv6"))}
        assert pinned == names
        group = annotations["service.beta.kubernetes.io/azure-load-balancer-resource-group"]
        assert group == naming.ingress_resource_group(cfg.project, region)
        assert service["externalTrafficPolicy"] == "Local"


def test_the_translator_installs_after_the_primary_and_both_after_the_class(each: Built) -> None:
    out, releases = each.out, each.releases()
    ingress_class = out.address("kubernetes_ingress_class_v1", "workloads/ingress/ingress_class")
    kinds = EXPECTED_RELEASES[each.cfg.ingress.mode]
    if len(kinds) == 2:
        primary, translator = kinds
        assert (
            out.address(RELEASE, f"workloads/ingress/release_{primary}") in releases[translator]["depends_on"]
        )
    for kind in kinds:
        assert ingress_class in releases[kind]["depends_on"]
        assert each.controller(releases[kind])["ingressClass"]["create"] is False


def test_terraform_owns_the_one_default_ingress_class(each: Built) -> None:
    (ingress_class,) = each.out.resources("kubernetes_ingress_class_v1").values()
    assert ingress_class["metadata"]["name"] == ingress_controller.INGRESS_CLASS
    assert ingress_class["metadata"]["annotations"] == {"ingressclass.kubernetes.io/is-default-class": "true"}
    assert ingress_class["spec"]["controller"] == ingress_controller.INGRESS_CONTROLLER


def test_every_namespace_enforces_and_warns_restricted(each: Built) -> None:
    found = {n["metadata"]["name"]: n for n in each.out.resources("kubernetes_namespace_v1").values()}
    expected = {ingress_controller.NAMESPACE, SAMPLE_NAMESPACE}
    assert set(found) == expected | ({cert_manager.NAMESPACE} if each.cfg.tls.enabled else set())
    for namespace in found.values():
        labels = namespace["metadata"]["labels"]
        assert (labels[f"{PSA}/enforce"], labels[f"{PSA}/warn"]) == ("restricted", "restricted")
        assert namespace["provider"] == "kubernetes"


def test_the_sample_app_runs_on_the_modes_family_in_every_zone(each: Built) -> None:
    cfg, out = each.cfg, each.out
    service = out.resource("kubernetes_service_v1", "workloads/sample_app/service")["spec"]
    expected = {
        "ipv4": ("SingleStack", ["IPv4"]),
        "ipv6": ("SingleStack", ["IPv6"]),
        None: ("RequireDualStack", ["IPv4", "IPv6"]),
    }[modes.service_family(cfg.ingress)]
    assert (service["ip_family_policy"], service["ip_families"]) == expected
    deployment = out.resource("kubernetes_deployment_v1", "workloads/sample_app/deployment")["spec"]
    template = deployment["template"]["spec"]
    assert template["topology_spread_constraint"][0]["topology_key"] == "topology.kubernetes.io/zone"
    assert deployment["replicas"] == str(len(cfg.regions[each.region].zones))
    container = template["container"][0]
    assert container["security_context"]["run_as_non_root"] is True
    assert container["security_context"]["read_only_root_filesystem"] is True
    namespace = out.ref("kubernetes_namespace_v1", "workloads/sample_app/namespace", "metadata[0].name")
    for rtype in ("kubernetes_deployment_v1", "kubernetes_service_v1", "kubernetes_ingress_v1"):
        (body,) = out.resources(rtype).values()
        assert body["metadata"]["namespace"] == namespace, rtype


def test_the_sample_ingress_serves_the_app_and_the_regions_name(each: Built) -> None:
    """With certificates, over the region's own certificate: one tls block, one IngressClass
    that every controller release of the mode serves."""
    cfg, region = each.cfg, each.region
    (ingress,) = each.out.resources("kubernetes_ingress_v1").values()
    hosts = [cfg.dns.app_host, f"{region}.{cfg.dns.app_host}"]
    assert [r["host"] for r in ingress["spec"]["rule"]] == hosts
    assert ingress["spec"]["ingress_class_name"] == ingress_controller.INGRESS_CLASS
    if cfg.tls.enabled:
        secret = cert_manager.secret_name(SAMPLE_NAMESPACE)
        assert ingress["spec"]["tls"] == [{"hosts": hosts, "secret_name": secret}]
    else:
        assert "tls" not in ingress["spec"]
    for release in each.releases().values():
        assert each.controller(release)["ingressClass"]["name"] == ingress_controller.INGRESS_CLASS


def test_the_controllers_speak_tls_12_and_13_with_the_configs_hsts(each: Built) -> None:
    hsts = each.cfg.tls.hsts
    for release in each.releases().values():
        entries = each.controller(release)["config"]["entries"]
        assert entries["ssl-protocols"] == ingress_controller.TLS_PROTOCOLS == "TLSv1.2 TLSv1.3"
        assert all(isinstance(v, str) for v in entries.values())  # a ConfigMap holds strings
        if each.cfg.tls.enabled:
            assert entries["ssl-redirect"] == "true"
        if hsts.enabled:
            assert (entries["hsts"], entries["hsts-max-age"]) == ("true", str(hsts.max_age_seconds))
        else:
            assert "hsts" not in entries


def test_the_providers_log_in_as_the_config_says(each: Built) -> None:
    providers = each.out.doc["provider"]
    kubernetes = providers["kubernetes"][0]["exec"][0]
    helm = providers["helm"][0]["kubernetes"]["exec"]
    for plugin in (kubernetes, helm):
        arguments = plugin["args"]
        assert plugin["command"] == "kubelogin"
        assert arguments[arguments.index("--login") + 1] == each.cfg.cluster.login
    # Nothing reads the cluster's admin credentials (local accounts are off; Entra ID only).
    assert "kube_admin_config" not in str(each.out.doc)


def test_the_controllers_check_the_front_door_id_only_behind_front_door(each: Built) -> None:
    cfg, out = each.cfg, each.out
    profiles = out.data("azurerm_cdn_frontdoor_profile")
    snippets = {"http-snippets", "server-snippets", "set-real-ip-from"}
    if cfg.front_door is None:
        assert profiles == {}
        for release in each.releases().values():
            assert not snippets & set(each.controller(release)["config"]["entries"])
        return
    assert profiles["front_door"]["name"] == naming.front_door_profile(cfg.project)
    assert profiles["front_door"]["resource_group_name"] == naming.global_resource_group(cfg.project)
    guid = out.data_ref("azurerm_cdn_frontdoor_profile", "front_door", "resource_guid")
    for release in each.releases().values():
        assert guid in each.controller(release)["config"]["entries"]["http-snippets"]


def test_cert_manager_runs_on_the_user_pool_as_the_regions_dns_identity(each: Built) -> None:
    cfg, out = each.cfg, each.out
    release = out.resources(RELEASE).get("workloads/cert_manager/release")
    if not cfg.tls.enabled:
        assert release is None and out.data("azurerm_user_assigned_identity") == {}
        return
    assert release is not None
    assert (release["repository"], release["chart"], release["version"]) == (
        cert_manager.CHART_REPOSITORY,
        "cert-manager",
        cfg.tls.chart_version,
    )
    assert (release["namespace"], release["atomic"], release["wait"]) == (cert_manager.NAMESPACE, True, True)
    values = yaml.safe_load(release["values"][0])
    assert values["crds"] == {"enabled": True, "keep": True}
    (identity,) = out.data("azurerm_user_assigned_identity")
    client_id = out.data_ref("azurerm_user_assigned_identity", identity, "client_id")
    assert values["serviceAccount"]["annotations"]["azure.workload.identity/client-id"] == client_id
    assert values["serviceAccount"]["name"] == cert_manager.SERVICE_ACCOUNT
