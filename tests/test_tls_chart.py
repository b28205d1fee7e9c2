"""The local chart of the ACME issuer and certificates, rendered as Helm renders it (the Helm
SDK through PyPI's helm-python-sdk, no helm binary) with the values each workloads stack
passes, and every object validated strictly against cert-manager's own CRD schema (from
``../shared/schemas``, tests/chartdata.py: those tests skip without it outside CI)."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import chartdata
import helm_python
import jsonschema
import k8shelp
import pytest
import yaml
from synthhelp import CONFIGS, WORKLOADS_CASES, WORKLOADS_IDS, Synthesized

from dualstack.workloads import cert_manager


def _render(values: dict[str, Any]) -> list[dict[str, Any]]:
    chart = helm_python.Chart.load(str(cert_manager.LOCAL_CHART))
    manifests = chart.render(values, name="dualstack-tls", namespace="cert-manager", is_install=True)
    return [doc for text in manifests.values() for doc in yaml.safe_load_all(text) if doc]


def _validate(obj: dict[str, Any]) -> None:
    k8shelp.schema_validate(obj, chartdata.crd_schemas()[(obj["apiVersion"], obj["kind"])])


def _issuer_values(out: Synthesized, stack: str) -> dict[str, Any]:
    (release,) = [r for r in out[stack].resources("helm_release").values() if r["name"] == "dualstack-tls"]
    values: dict[str, Any] = yaml.safe_load(release["values"][0])
    return values


@pytest.mark.parametrize(("stem", "stack"), WORKLOADS_CASES, ids=WORKLOADS_IDS)
def test_the_rendered_issuer_and_certificate_are_valid_cert_manager_objects(
    stem: str, stack: str, synthesized_configs: dict[str, Synthesized]
) -> None:
    config = CONFIGS[stem]
    objects = _render(_issuer_values(synthesized_configs[stem], stack))
    by_kind = {o["kind"]: o for o in objects}
    assert sorted(o["kind"] for o in objects) == ["Certificate", "ClusterIssuer"]
    for obj in objects:
        assert obj["apiVersion"] == "cert-manager.io/v1"
        _validate(obj)
    issuer = by_kind["ClusterIssuer"]["spec"]["acme"]
    assert issuer["email"] == config.tls.email
    (solver,) = issuer["solvers"]
    dns = solver["dns01"]["azureDNS"]
    assert dns["hostedZoneName"] == config.dns.zone_name
    assert dns["managedIdentity"]["clientID"].startswith("${data.azurerm_user_assigned_identity.")
    certificate = by_kind["Certificate"]
    assert certificate["metadata"]["namespace"] == "echo"
    assert certificate["spec"]["issuerRef"] == {
        "group": "cert-manager.io",
        "kind": "ClusterIssuer",
        "name": "letsencrypt",
    }
    region = stack.removesuffix("-workloads")
    app = f"{config.dns.app_name}.{config.dns.zone_name}"
    assert certificate["spec"]["dnsNames"] == [app, f"{region}.{app}"]
    # The key Front Door sees is RSA (its TLS 1.2 cipher suites to origins are ECDHE-RSA ones);
    # clients that connect directly get ECDSA P-256. Rotated with every renewal.
    expected = (
        {"algorithm": "RSA", "size": 2048}
        if config.front_door is not None
        else {"algorithm": "ECDSA", "size": 256}
    )
    assert certificate["spec"]["privateKey"] == expected | {"rotationPolicy": "Always"}


def test_no_email_leaves_the_field_out_and_no_sample_app_renders_no_certificate(
    default_synth: Synthesized,
) -> None:
    values = _issuer_values(default_synth, "eastus2-workloads")
    values = copy.deepcopy(values) | {"certificates": []}
    values["issuer"]["email"] = ""
    objects = _render(values)
    assert [o["kind"] for o in objects] == ["ClusterIssuer"]
    assert "email" not in objects[0]["spec"]["acme"]
    _validate(objects[0])


def test_a_missing_value_fails_the_render() -> None:
    with pytest.raises(helm_python.HelmError, match=r"issuer\.azureDNS\.clientID"):
        _render(
            {
                "issuer": {
                    "name": "x",
                    "server": "https://a",
                    "accountKeySecret": "k",
                    "azureDNS": {"subscriptionID": "s", "resourceGroupName": "g", "hostedZoneName": "z"},
                }
            }
        )


def test_the_schema_check_is_strict(default_synth: Synthesized) -> None:
    """A misspelt field (one the API server would drop silently) fails the validation."""
    (issuer,) = [
        o for o in _render(_issuer_values(default_synth, "eastus2-workloads")) if o["kind"] == "ClusterIssuer"
    ]
    broken = copy.deepcopy(issuer)
    dns = broken["spec"]["acme"]["solvers"][0]["dns01"]["azureDNS"]
    dns["subscriptionId"] = dns.pop("subscriptionID")
    with pytest.raises(jsonschema.ValidationError):
        _validate(broken)
    wrong_type = copy.deepcopy(issuer)
    wrong_type["spec"]["acme"]["solvers"][0]["dns01"]["azureDNS"]["environment"] = "AzureMoonCloud"
    with pytest.raises(jsonschema.ValidationError):
        _validate(wrong_type)


def test_the_chart_files_are_what_the_package_ships() -> None:
    files = sorted(
        p.relative_to(cert_manager.LOCAL_CHART).as_posix()
        for p in cert_manager.LOCAL_CHART.rglob("*")
        if p.is_file()
    )
    assert files == [
        "Chart.yaml",
        "templates/certificates.yaml",
        "templates/clusterissuer.yaml",
        "values.yaml",
    ]
    assert Path(cert_manager.LOCAL_CHART).is_dir()


def test_a_certificate_without_its_key_fails_the_render(default_synth: Synthesized) -> None:
    values = copy.deepcopy(_issuer_values(default_synth, "eastus2-workloads"))
    del values["certificates"][0]["privateKey"]
    with pytest.raises(helm_python.HelmError, match=r"privateKey\.algorithm"):
        _render(values)


def test_the_local_chart_templates_every_value_the_app_sets() -> None:
    """Each key the app passes to the issuer chart is read by a template, and back."""
    templates = "".join(p.read_text() for p in (cert_manager.LOCAL_CHART / "templates").glob("*.yaml"))
    for key in (
        "name",
        "server",
        "email",
        "accountKeySecret",
        "subscriptionID",
        "resourceGroupName",
        "hostedZoneName",
        "clientID",
    ):
        assert re.search(rf"\.{key}\b", templates), key
    for key in ("name", "namespace", "secretName", "dnsNames"):
        assert f".{key}" in templates, key
    chart = yaml.safe_load((cert_manager.LOCAL_CHART / "Chart.yaml").read_text())
    assert chart["apiVersion"] == "v2" and chart["type"] == "application"
    assert Path(cert_manager.LOCAL_CHART / "values.yaml").is_file()
