"""Every Kubernetes object this project defines in every workloads stack of every config: the
``kubernetes_*`` resources as the objects the provider sends, and the objects of the project's
own chart (``dualstack-tls``) rendered with the values each stack passes. Each is validated
strictly against the Kubernetes API of the cluster's configured version, cert-manager's custom
resources against cert-manager's CRDs (from ``../shared/schemas``). Then the pod hardening, on
the pods this project defines.

The third-party charts (the ingress controller, cert-manager) are not rendered here: their
templates are other projects' code, not part of this repository. What this project decides
for them, its values, is checked against each chart's schema (tests/test_chart_values.py) and
value by value (tests/test_helm_values.py); what their templates make of those values is not
proven offline (docs/kubernetes-baseline.md, "What the tests prove").
"""

from __future__ import annotations

import copy
from typing import Any

import chartdata
import jsonschema
import k8shelp
import kubernetes_validate
import pytest
from synthhelp import CONFIGS, WORKLOADS_CASES, WORKLOADS_IDS, Synthesized

from dualstack import ingress_controller
from dualstack.workloads import cert_manager, sample_app

CUSTOM_KINDS = {"ClusterIssuer", "Certificate"}
"""The custom resources the project defines (its chart's), validated against cert-manager's CRDs
(every stack's, in tests/test_tls_chart.py)."""


def _validate_all(objects: list[dict[str, Any]], version: str, crds: dict[Any, Any]) -> list[str]:
    failures = []
    for obj in objects:
        try:
            k8shelp.validate(obj, version, crds)
        except (jsonschema.ValidationError, kubernetes_validate.SchemaNotFoundError) as exc:
            message = getattr(exc, "message", str(exc))
            failures.append(f"{obj['kind']} {obj['metadata'].get('name')}: {message}")
    return failures


@pytest.mark.parametrize(("stem", "stack"), WORKLOADS_CASES, ids=WORKLOADS_IDS)
def test_every_kubernetes_resource_is_valid_for_the_clusters_version(
    stem: str, stack: str, synthesized_configs: dict[str, Synthesized]
) -> None:
    """Needs no ``../shared``: the Terraform-defined objects against the Kubernetes API alone."""
    config = CONFIGS[stem]
    objects = k8shelp.terraform_objects(synthesized_configs[stem][stack])
    assert _validate_all(objects, config.cluster.kubernetes_version, k8shelp.OWN_SCHEMAS) == []
    kinds = {o["kind"] for o in objects}
    assert {"Namespace", "IngressClass", "NetworkPolicy"} <= kinds
    if config.ingress.sample_app_enabled:
        assert {"Deployment", "Service", "Ingress"} <= kinds


def _echo(synth: Synthesized) -> dict[str, Any]:
    return next(
        o
        for o in k8shelp.terraform_objects(synth["eastus2-workloads"])
        if o["kind"] == "Deployment" and o["metadata"]["name"] == "echo"
    )


def test_the_validation_is_strict(default_synth: Synthesized) -> None:
    """A misspelt field (which the API server would drop or refuse) fails; so does a wrong type,
    and a Terraform resource mapped with a field the API lacks."""
    deployment = _echo(default_synth)
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


def test_a_custom_resource_without_its_crd_or_with_a_misspelt_field_is_refused(
    default_synth: Synthesized,
) -> None:
    crds = chartdata.crd_schemas()
    (release,) = k8shelp.own_releases(default_synth["eastus2-workloads"])
    issuer = next(o for o in release.objects if o["kind"] == "ClusterIssuer")
    k8shelp.validate(issuer, "1.35", crds)
    with pytest.raises(AssertionError, match="without its CRD"):
        k8shelp.validate(issuer, "1.35", {})
    broken = copy.deepcopy(issuer)
    broken["spec"]["acme"]["privateKeySecretRef"]["nme"] = "x"
    with pytest.raises(jsonschema.ValidationError):
        k8shelp.validate(broken, "1.35", crds)


def test_the_crds_are_cert_managers_served_versions() -> None:
    crds = chartdata.crd_schemas()
    assert {("cert-manager.io/v1", kind) for kind in CUSTOM_KINDS} <= set(crds)
    assert all(schema["properties"]["metadata"] == {"type": "object"} for schema in crds.values())
    spec = crds[("cert-manager.io/v1", "Certificate")]["properties"]["spec"]
    assert spec["additionalProperties"] is False, "unknown fields are refused"


def test_only_known_charts_are_installed(default_synth: Synthesized) -> None:
    """A release of a chart these tests do not know fails (so its values cannot go unchecked)."""
    body = {"name": "other", "chart": "other-chart", "repository": "oci://example.invalid/charts"}
    with pytest.raises(AssertionError, match="not a chart these tests know"):
        k8shelp.is_own_chart(body)
    names = set(k8shelp.third_party_releases(default_synth["eastus2-workloads"]))
    assert names == {"ingress-ipv4", "ingress-ipv6", "cert-manager"}


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
    assert container["readinessProbe"]["httpGet"] == {"path": "/healthz", "port": 8080}
    assert container["securityContext"]["runAsUser"] == 10001
    assert pod["topologySpreadConstraints"][0]["labelSelector"] == {"matchLabels": sample_app.LABELS}
    service = objects[("Service", "echo")]
    assert service["spec"]["ports"] == [{"name": "http", "port": 80, "targetPort": "http"}]
    ingress = objects[("Ingress", "echo")]
    assert ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"] == {
        "service": {"name": "echo", "port": {"number": 80}}
    }


# --- hardening, on the pods the project defines ----------------------------------------------


def _pods(synth: Synthesized, stack: str) -> dict[tuple[str, str], dict[str, Any]]:
    """``{(namespace, workload name): pod spec}`` of every workload the project defines."""
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
def test_every_namespace_enforces_restricted_and_the_projects_pods_meet_it(
    stem: str, stack: str, synthesized_configs: dict[str, Synthesized]
) -> None:
    """Every namespace, the charts' included, enforces restricted: the API server refuses any pod
    of a third-party chart that falls short, whatever its template makes of the values."""
    config = CONFIGS[stem]
    synth = synthesized_configs[stem]
    enforced = _enforced(synth, stack)
    expected = {ingress_controller.NAMESPACE} | ({cert_manager.NAMESPACE} if config.tls.enabled else set())
    if config.ingress.sample_app_enabled:
        expected.add(sample_app.NAMESPACE)
    assert set(enforced) == expected
    assert set(enforced.values()) == {"restricted"}, enforced
    pods = _pods(synth, stack)
    assert set(pods) == ({(sample_app.NAMESPACE, "echo")} if config.ingress.sample_app_enabled else set())
    for (namespace, name), pod in pods.items():
        assert k8shelp.pod_security_violations(pod, enforced[namespace]) == [], f"{namespace}/{name}"
        (container,) = pod["containers"]
        assert container["resources"]["limits"]["memory"] and container["resources"]["requests"]["memory"]
        assert container["securityContext"]["runAsUser"] == 10001
        assert "livenessProbe" in container and "readinessProbe" in container
        assert pod["automountServiceAccountToken"] is False, "the sample app calls no API"


def test_the_pod_security_check_finds_violations(default_synth: Synthesized) -> None:
    pod = copy.deepcopy(_echo(default_synth)["spec"]["template"]["spec"])
    assert k8shelp.pod_security_violations(pod, "restricted") == []
    container = pod["containers"][0]
    container["securityContext"]["capabilities"] = {"drop": ["ALL"], "add": ["NET_ADMIN"]}
    container["securityContext"]["allowPrivilegeEscalation"] = True
    pod.setdefault("volumes", []).append({"name": "host", "hostPath": {"path": "/"}})
    problems = k8shelp.pod_security_violations(pod, "restricted")
    assert len(problems) >= 3, problems
    assert k8shelp.pod_security_violations(pod, "baseline") != []
