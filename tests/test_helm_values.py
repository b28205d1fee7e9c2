"""Helm values of the controller releases, tested as data (no synthesis)."""

from __future__ import annotations

from typing import Any

import k8shelp
import pytest
import yaml
from synthhelp import CONFIGS

from dualstack import ingress_controller, kube, modes, network_policy
from dualstack.config import Hsts, Ingress
from dualstack.workloads import cert_manager
from dualstack.workloads.ingress import release_specs
from dualstack.workloads.stack import cert_manager_props, image_catalog

PIPS = {"ipv4": "pip-v4", "ipv6": "pip-v6"}
CONTROLLER = ingress_controller.Controller(
    image_repository="myacr.azurecr.io/nginx/nginx-ingress",
    image_tag="5.6.3",
    image_digest=None,
    hsts=Hsts(),
)


def _specs(mode: str, **extra: Any) -> dict[str, ingress_controller.ReleaseSpec]:
    ingress = Ingress.model_validate({"mode": mode, **extra})
    return {s.kind: s for s in release_specs(ingress, PIPS, "rg-region", CONTROLLER)}


def _controller(spec: ingress_controller.ReleaseSpec) -> dict[str, Any]:
    return ingress_controller.release_values(spec)["controller"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("mode", "primary", "translator"), [("nat64", "ipv4", "ipv6"), ("nat46", "ipv6", "ipv4")]
)
def test_translating_modes_have_one_release_per_family(mode: str, primary: str, translator: str) -> None:
    specs = _specs(mode)
    assert list(specs) == [primary, translator], "primary must come first (the translator installs after it)"
    for kind, spec in specs.items():
        service = _controller(spec)["service"]
        assert service["type"] == "LoadBalancer"
        assert service["ipFamilyPolicy"] == "SingleStack"
        assert service["ipFamilies"] == [{"ipv4": "IPv4", "ipv6": "IPv6"}[kind]]
        assert service["externalTrafficPolicy"] == "Local"
        # azure-pip-name names the only public IP of a single-stack Service, IPv6 included.
        assert service["annotations"][kube.PIP_NAME] == PIPS[kind]
        # IPv6: the cloud provider prefers azure-pip-name-ipv6 and its docs name it; both are set.
        assert service["annotations"].get(kube.PIP_NAME_IPV6) == (PIPS[kind] if kind == "ipv6" else None)
        assert service["annotations"][kube.PIP_RESOURCE_GROUP] == "rg-region"


@pytest.mark.parametrize("mode", ["nat64", "nat46"])
def test_no_release_owns_the_class_and_only_the_primary_reports_status(mode: str) -> None:
    specs = list(_specs(mode).values())
    primary, translator = (_controller(s) for s in specs)
    # Terraform owns the IngressClass, so a mode switch never moves it between releases.
    for controller in (primary, translator):
        assert controller["ingressClass"] == {"name": "nginx", "create": False, "setAsDefaultIngress": False}
    assert primary["reportIngressStatus"]["enable"] is True
    assert translator["reportIngressStatus"]["enable"] is False
    locks = {c["reportIngressStatus"]["leaderElectionLockName"] for c in (primary, translator)}
    assert len(locks) == 2, "each release needs its own leader-election lock"


def test_dualstack_mode_is_one_release_with_both_public_ips() -> None:
    specs = _specs("dualstack")
    assert list(specs) == ["dual"]
    service = _controller(specs["dual"])["service"]
    assert service["ipFamilyPolicy"] == "RequireDualStack"
    assert service["ipFamilies"] == ["IPv4", "IPv6"]
    assert service["annotations"][kube.PIP_NAME] == "pip-v4"
    assert service["annotations"][kube.PIP_NAME_IPV6] == "pip-v6"
    assert _controller(specs["dual"])["ingressClass"]["create"] is False
    assert _controller(specs["dual"])["reportIngressStatus"]["enable"] is True


@pytest.mark.parametrize(("mode", "left"), [("nat64", ["ipv4"]), ("nat46", ["ipv6"])])
def test_translator_switch_removes_only_the_translating_release(mode: str, left: list[str]) -> None:
    assert list(_specs(mode, translator_enabled=False)) == left
    on, off = _specs(mode), _specs(mode, translator_enabled=False)
    assert ingress_controller.release_values(on[left[0]]) == ingress_controller.release_values(off[left[0]])


def test_scaling_and_resources_come_from_each_family() -> None:
    specs = _specs(
        "nat64",
        ipv4={"min_replicas": 3, "max_replicas": 9, "cpu_request": "500m"},
        ipv6={"min_replicas": 2, "max_replicas": 4, "memory_limit": "1Gi"},
    )
    v4, v6 = _controller(specs["ipv4"]), _controller(specs["ipv6"])
    assert (v4["autoscaling"]["minReplicas"], v4["autoscaling"]["maxReplicas"]) == (3, 9)
    assert (v6["autoscaling"]["minReplicas"], v6["autoscaling"]["maxReplicas"]) == (2, 4)
    assert v4["resources"]["requests"]["cpu"] == "500m"
    assert v6["resources"]["limits"]["memory"] == "1Gi"
    assert v4["autoscaling"]["enabled"] is True


@pytest.mark.parametrize("kind", ["ipv4", "ipv6"])
def test_hardening_spread_and_disruption_budget(kind: str) -> None:
    controller = _controller(_specs("nat64")[kind])
    security = controller["securityContext"]
    assert security["runAsNonRoot"] is True and security["runAsUser"] != 0
    assert security["readOnlyRootFilesystem"] is True and controller["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"] == {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}
    init = controller["initContainerSecurityContext"]
    assert init["runAsNonRoot"] is True and init["capabilities"]["drop"] == ["ALL"]
    assert controller["enableSnippets"] is False
    assert controller["podDisruptionBudget"]["enabled"] is True
    zone = controller["topologySpreadConstraints"][0]
    assert zone["topologyKey"] == "topology.kubernetes.io/zone"
    assert zone["labelSelector"]["matchLabels"]["app.kubernetes.io/instance"] == f"ingress-{kind}"
    assert controller["nodeSelector"] == {"kubernetes.azure.com/mode": "user"}
    assert controller["healthStatus"] is True and controller["healthStatusURI"] == "/nginx-health"
    assert controller["telemetryReporting"] == {"enable": False}


def test_configmap_entries_are_strings() -> None:
    entries = _controller(_specs("nat64")["ipv4"])["config"]["entries"]
    assert all(isinstance(v, str) for v in entries.values())


def test_yaml_is_deterministic_and_has_no_anchors() -> None:
    values = ingress_controller.release_values(_specs("nat64")["ipv6"])
    text = kube.to_yaml(values)
    assert text == kube.to_yaml(ingress_controller.release_values(_specs("nat64")["ipv6"]))
    assert "&id" not in text and "*id" not in text
    assert yaml.safe_load(text) == values


def test_service_ports_and_readiness_are_stated_and_match_the_network_policy() -> None:
    """The controllers' Service ports and readiness probe are the product's values, not the
    chart's defaults, and the namespace's network policy opens exactly those Service ports."""
    for spec in _specs("dualstack").values():
        controller = _controller(spec)
        service = controller["service"]
        assert service["httpPort"] == {"enable": True, "port": 80, "targetPort": 80}
        assert service["httpsPort"] == {"enable": True, "port": 443, "targetPort": 443}
        assert controller["readyStatus"] == {
            "enable": True,
            "port": ingress_controller.READY_PORT,
            "initialDelaySeconds": 0,
        }
    (allowed,) = [
        p
        for p in network_policy.controller_policies(
            ingress_controller.CONTROLLER_POD_LABELS, sorted(ingress_controller.SERVICE_PORTS.values()), []
        )
        if p.name == "controllers-ingress"
    ]
    assert allowed.spec["ingress"] == [
        {"ports": [{"protocol": "TCP", "port": "80"}, {"protocol": "TCP", "port": "443"}]}
    ]


def _values_pod(pod_context: dict[str, Any], *containers: dict[str, Any]) -> dict[str, Any]:
    """A pod as a chart's template would build it from these values, if it puts the pod
    context on the pod and each container context on its container (as both charts'
    ``values.yaml`` document): what the values alone decide."""
    return {
        "securityContext": pod_context,
        "containers": [{"name": f"c{i}", "securityContext": c} for i, c in enumerate(containers)],
    }


@pytest.mark.parametrize("mode", sorted(modes.MODES))
def test_the_controller_values_meet_pod_security_restricted(mode: str) -> None:
    for spec in _specs(mode).values():
        controller = _controller(spec)
        pod = _values_pod(
            controller["podSecurityContext"],
            controller["securityContext"],
            controller["initContainerSecurityContext"],
        )
        assert k8shelp.pod_security_violations(pod, ingress_controller.POD_SECURITY_LEVEL) == []
        assert controller["podSecurityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        # 101 is the image's nginx user; every capability is dropped, the init container adds none.
        assert (
            controller["securityContext"]["runAsUser"]
            == controller["initContainerSecurityContext"]["runAsUser"]
            == 101
        )
        assert "add" not in controller["initContainerSecurityContext"]["capabilities"]
        assert controller["resources"]["limits"]["memory"] and controller["resources"]["requests"]["memory"]
        assert controller["initContainerResources"] == ingress_controller.INIT_CONTAINER_RESOURCES
    broken = _values_pod({}, {"capabilities": {"add": ["NET_ADMIN"]}})
    assert k8shelp.pod_security_violations(broken, "restricted") != [], "the check can fail"


# --- cert-manager ----------------------------------------------------------------------------

CERT_MANAGER_PODS = ("controller", "webhook", "cainjector", "startupapicheck")


def _cert_manager_props() -> cert_manager.CertManagerProps:
    config = CONFIGS["default"]
    return cert_manager_props(config, next(iter(config.regions)))


def _cert_manager() -> dict[str, dict[str, Any]]:
    """The values of each cert-manager component (the controller's are at the top level)."""
    values = cert_manager.cert_manager_values(_cert_manager_props(), "client-id")
    return {key: values if key == "controller" else values[key] for key in CERT_MANAGER_PODS}


@pytest.mark.parametrize("component", CERT_MANAGER_PODS)
def test_every_cert_manager_component_is_hardened_and_bounded(component: str) -> None:
    values = _cert_manager()[component]
    assert values["securityContext"] == {
        "runAsNonRoot": True,
        "runAsUser": cert_manager.RUN_AS,
        "runAsGroup": cert_manager.RUN_AS,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    assert values["containerSecurityContext"] == {
        "allowPrivilegeEscalation": False,
        "capabilities": {"drop": ["ALL"]},
        "readOnlyRootFilesystem": True,
    }
    pod = _values_pod(values["securityContext"], values["containerSecurityContext"])
    assert k8shelp.pod_security_violations(pod, "restricted") == []
    assert values["resources"] == cert_manager.RESOURCES[component]
    assert values["resources"]["limits"]["memory"] and values["resources"]["requests"]["memory"]
    assert values["nodeSelector"] == kube.USER_POOL_SELECTOR
    registry = image_catalog(CONFIGS["default"]).login_server
    assert values["image"]["repository"] == f"{registry}/jetstack/cert-manager-{component}"
    assert values["image"]["tag"] == CONFIGS["default"].tls.chart_version


@pytest.mark.parametrize("component", ["controller", "webhook", "cainjector"])
def test_long_running_cert_manager_components_are_replicated_spread_and_budgeted(component: str) -> None:
    values = _cert_manager()[component]
    assert values["replicaCount"] == 2
    assert values["podDisruptionBudget"] == {"enabled": True, "maxUnavailable": 1}
    (spread,) = values["topologySpreadConstraints"]
    assert spread["topologyKey"] == kube.ZONE_KEY
    assert spread["labelSelector"]["matchLabels"] == cert_manager.pod_labels(component)


def test_cert_manager_probes_crds_identity_and_webhook_port() -> None:
    values = cert_manager.cert_manager_values(_cert_manager_props(), "client-id")
    assert values["livenessProbe"] == {"enabled": True}
    assert values["crds"] == {"enabled": True, "keep": True}, "CRDs installed, and kept on uninstall"
    assert values["podLabels"] == {"azure.workload.identity/use": "true"}
    assert values["serviceAccount"]["annotations"] == {"azure.workload.identity/client-id": "client-id"}
    assert values["webhook"]["securePort"] == cert_manager.WEBHOOK_PORT
    assert "replicaCount" not in values["startupapicheck"], "a Job, not a Deployment"
    assert values["acmesolver"]["image"]["tag"] == CONFIGS["default"].tls.chart_version


def test_front_door_entries_hold_the_id_and_no_terraform_template_syntax() -> None:
    entries = ingress_controller.front_door_entries(
        "00000000-0000-0000-0000-000000000000", "App.Example.org", "/healthz"
    )
    # The one exemption: a GET of that path on that host (lower case, as nginx's $host is).
    assert '"GET app.example.org /healthz" 1;' in entries["http-snippets"]
    assert "HEAD" not in entries["http-snippets"]
    assert '"00000000-0000-0000-0000-000000000000" 0;' in entries["http-snippets"]
    # No Terraform template directive may hide in the snippets: they pass through HCL strings.
    for text in entries.values():
        assert "%{" not in text and "${" not in text
