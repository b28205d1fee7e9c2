"""Every Helm release of every workloads stack of every config, rendered offline from the
vendored chart source with the values the stack passes, and every object it renders plus every
``kubernetes_*`` resource validated strictly against the Kubernetes API of the cluster's
configured version (custom resources against the CRDs rendered with them). Then the pod
hardening the issue asks for, checked on the rendered pods, not on the values."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import k8shelp
import kubernetes_validate
import pytest
from synthhelp import CONFIGS, WORKLOADS_CASES, WORKLOADS_IDS, Synthesized

from dualstack import ingress_controller, sample_app, tls


def _stack(synthesized_configs: dict[str, Synthesized], stem: str, stack: str) -> Any:
    return synthesized_configs[stem][stack]


@pytest.mark.parametrize(("stem", "stack"), WORKLOADS_CASES, ids=WORKLOADS_IDS)
def test_every_object_is_valid_for_the_clusters_kubernetes_version(
    stem: str, stack: str, synthesized_configs: dict[str, Synthesized]
) -> None:
    config = CONFIGS[stem]
    workloads = _stack(synthesized_configs, stem, stack)
    releases = k8shelp.releases(workloads)
    expected = {f"ingress-{kind}" for kind in ("ipv4", "ipv6", "dual")} & {
        r["name"] for r in workloads.resources("helm_release").values()
    }
    assert expected, "the controllers are among the releases"
    if config.tls.enabled:
        expected |= {"cert-manager", "dualstack-tls"}
    assert {r.name for r in releases} == expected
    for release in releases:
        # The chart rendered is the version the release installs.
        if release.chart != "dualstack-tls":
            assert release.version == k8shelp.chart_version(release.chart), release.name
        assert release.objects, f"{release.name} rendered nothing"
    objects = k8shelp.stack_objects(workloads)
    crds = k8shelp.crd_schemas(objects)
    failures = []
    for obj in objects:
        try:
            k8shelp.validate(obj, config.cluster.kubernetes_version, crds)
        except (jsonschema.ValidationError, kubernetes_validate.SchemaNotFoundError) as exc:
            message = getattr(exc, "message", str(exc))
            failures.append(f"{obj['kind']} {obj['metadata'].get('name')}: {message}")
    assert failures == []
    kinds = {o["kind"] for o in objects}
    assert {"Deployment", "Service", "NetworkPolicy", "Namespace", "IngressClass"} <= kinds


def _controller(synth: Synthesized, stack: str) -> dict[str, Any]:
    objects = [o for r in k8shelp.releases(synth[stack]) for o in r.objects]
    return next(
        o for o in objects if o["kind"] == "Deployment" and o["metadata"]["name"].startswith("ingress-")
    )


def test_the_validation_is_strict(default_synth: Synthesized) -> None:
    """A misspelt field (which the API server would drop or refuse) fails; so does a wrong type,
    and a Terraform resource mapped with a field the API lacks."""
    deployment = _controller(default_synth, "eastus2-workloads")
    k8shelp.validate(deployment, "1.35", {})
    misspelt = copy.deepcopy(deployment)
    misspelt["spec"]["template"]["spec"]["containers"][0]["securityContxt"] = {}
    with pytest.raises(jsonschema.ValidationError):
        k8shelp.validate(misspelt, "1.35", {})
    wrong_type = copy.deepcopy(deployment)
    wrong_type["spec"]["replicas"] = "two"
    with pytest.raises(jsonschema.ValidationError):
        k8shelp.validate(wrong_type, "1.35", {})
    policy = next(
        o
        for o in k8shelp.terraform_objects(default_synth["eastus2-workloads"])
        if o["kind"] == "NetworkPolicy"
    )
    k8shelp.validate(policy, "1.35", {})
    policy["spec"]["podSelector"]["match_labels"] = {}
    with pytest.raises(jsonschema.ValidationError):
        k8shelp.validate(policy, "1.35", {})


def test_a_custom_resource_without_its_crd_is_refused(default_synth: Synthesized) -> None:
    objects = k8shelp.stack_objects(default_synth["eastus2-workloads"])
    issuer = next(o for o in objects if o["kind"] == "ClusterIssuer")
    k8shelp.validate(issuer, "1.35", k8shelp.crd_schemas(objects))
    with pytest.raises(AssertionError, match="without its CRD"):
        k8shelp.validate(issuer, "1.35", {})
    broken = copy.deepcopy(issuer)
    broken["spec"]["acme"]["privateKeySecretRef"]["nme"] = "x"
    with pytest.raises(jsonschema.ValidationError):
        k8shelp.validate(broken, "1.35", k8shelp.crd_schemas(objects))


def test_the_terraform_objects_are_what_the_provider_sends(default_synth: Synthesized) -> None:
    """Spot checks of the mapping (block names, lists, numbers, references) on the sample app."""
    objects = {
        (o["kind"], o["metadata"]["name"]): o
        for o in k8shelp.terraform_objects(default_synth["eastus2-workloads"])
    }
    deployment = objects[("Deployment", "echo")]
    assert deployment["metadata"]["namespace"] == "echo"
    assert deployment["spec"]["replicas"] == 3
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["ports"] == [{"containerPort": 8080, "name": "http"}]
    assert container["readinessProbe"]["httpGet"] == {"path": "/", "port": 8080}
    assert container["securityContext"]["runAsUser"] == 10001
    assert pod["topologySpreadConstraints"][0]["labelSelector"] == {"matchLabels": sample_app.LABELS}
    service = objects[("Service", "echo")]
    assert service["spec"]["ports"] == [{"name": "http", "port": 80, "targetPort": "http"}]
    ingress = objects[("Ingress", "echo")]
    assert ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"] == {
        "service": {"name": "echo", "port": {"number": 80}}
    }


# --- hardening, on the rendered pods ---------------------------------------------------------


def _pods(synth: Synthesized, stack: str) -> dict[tuple[str, str], dict[str, Any]]:
    """``{(namespace, workload name): pod spec}`` of every workload the stack runs."""
    out = {}
    for obj in k8shelp.stack_objects(synth[stack]):
        pod = k8shelp.pod_template(obj)
        if pod is not None:
            out[(obj["metadata"]["namespace"], obj["metadata"]["name"])] = pod
    return out


def _enforced(synth: Synthesized, stack: str) -> dict[str, str]:
    return {
        o["metadata"]["name"]: o["metadata"]["labels"]["pod-security.kubernetes.io/enforce"]
        for o in k8shelp.terraform_objects(synth[stack])
        if o["kind"] == "Namespace"
    }


@pytest.mark.parametrize(("stem", "stack"), WORKLOADS_CASES, ids=WORKLOADS_IDS)
def test_every_namespace_enforces_restricted_and_its_pods_meet_it(
    stem: str, stack: str, synthesized_configs: dict[str, Synthesized]
) -> None:
    synth = synthesized_configs[stem]
    enforced = _enforced(synth, stack)
    assert set(enforced.values()) == {"restricted"}, enforced
    pods = _pods(synth, stack)
    assert {ns for ns, _ in pods} == set(enforced), "every namespace runs pods, every pod is in one"
    for (namespace, name), pod in pods.items():
        assert k8shelp.pod_security_violations(pod, enforced[namespace]) == [], f"{namespace}/{name}"


def test_the_pod_security_check_finds_violations(default_synth: Synthesized) -> None:
    pod = copy.deepcopy(_controller(default_synth, "eastus2-workloads")["spec"]["template"]["spec"])
    assert k8shelp.pod_security_violations(pod, "restricted") == []
    pod["containers"][0]["securityContext"]["capabilities"]["add"].append("NET_ADMIN")
    pod["initContainers"][0]["securityContext"]["allowPrivilegeEscalation"] = True
    pod["volumes"].append({"name": "host", "hostPath": {"path": "/"}})
    problems = pod_problems = k8shelp.pod_security_violations(pod, "restricted")
    assert len(problems) >= 4, pod_problems
    assert k8shelp.pod_security_violations(pod, "baseline") != []


@pytest.mark.parametrize(("stem", "stack"), WORKLOADS_CASES, ids=WORKLOADS_IDS)
def test_every_container_has_probes_memory_limits_and_a_non_root_user(
    stem: str, stack: str, synthesized_configs: dict[str, Synthesized]
) -> None:
    for (namespace, name), pod in _pods(synthesized_configs[stem], stack).items():
        ctx = pod.get("securityContext", {})
        for c in [*pod.get("initContainers", []), *pod["containers"]]:
            where = f"{namespace}/{name}/{c['name']}"
            assert c.get("resources", {}).get("limits", {}).get("memory"), f"{where}: memory limit"
            assert c.get("resources", {}).get("requests", {}).get("memory"), f"{where}: memory request"
            uid = c.get("securityContext", {}).get("runAsUser", ctx.get("runAsUser"))
            # 101 is the nginx image's own user (the chart's template); everything else is high.
            expected = 101 if namespace == ingress_controller.NAMESPACE else 10001
            assert uid == expected, f"{where}: runAsUser {uid}"
        main = pod["containers"][0]
        if name.startswith("ingress-"):
            assert main["readinessProbe"]["httpGet"]["path"] == "/nginx-ready"
        elif name == "cert-manager":
            assert "livenessProbe" in main
        elif name == "cert-manager-webhook" or name == "echo":
            assert "livenessProbe" in main and "readinessProbe" in main


@pytest.mark.parametrize(("stem", "stack"), WORKLOADS_CASES, ids=WORKLOADS_IDS)
def test_only_api_callers_mount_a_token(
    stem: str, stack: str, synthesized_configs: dict[str, Synthesized]
) -> None:
    api_callers = {
        "cert-manager",
        "cert-manager-webhook",
        "cert-manager-cainjector",
        "cert-manager-startupapicheck",
    }
    for (namespace, name), pod in _pods(synthesized_configs[stem], stack).items():
        if name.startswith("ingress-") or name in api_callers:
            assert pod.get("automountServiceAccountToken", True) is True, name
        else:
            assert pod["automountServiceAccountToken"] is False, f"{namespace}/{name}"


def test_cert_manager_runs_as_the_configured_uid(default_synth: Synthesized) -> None:
    pods = _pods(default_synth, "eastus2-workloads")
    for name in (
        "cert-manager",
        "cert-manager-webhook",
        "cert-manager-cainjector",
        "cert-manager-startupapicheck",
    ):
        assert pods[(tls.NAMESPACE, name)]["securityContext"]["runAsUser"] == tls.RUN_AS
