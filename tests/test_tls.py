"""HTTPS: cert-manager per workloads stack, a DNS identity per region, the sample Ingress with
TLS, controllers on TLS 1.2/1.3 with the HTTP->HTTPS redirect, and images only from the
project's registry."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from synthhelp import CONFIGS, REGION_CASES, REGION_IDS, Stack, Synthesized, set_key

from dualstack import ingress_controller, roles
from dualstack.config import Config
from dualstack.workloads.stack import image_catalog

Variant = Callable[..., Synthesized]


def _stacks(
    synthesized_configs: dict[str, Synthesized], stem: str, region: str
) -> tuple[Config, Stack, Stack]:
    out = synthesized_configs[stem]
    return CONFIGS[stem], out[region], out[f"{region}-workloads"]


def _releases(stack: Stack) -> dict[str, dict[str, Any]]:
    return {body["name"]: body for body in stack.resources("helm_release").values()}


def _values(release: dict[str, Any]) -> dict[str, Any]:
    (text,) = release["values"]
    values: dict[str, Any] = yaml.safe_load(text)
    return values


@pytest.mark.parametrize(("stem", "region"), REGION_CASES, ids=REGION_IDS)
def test_issuer_and_certificate_come_after_cert_manager_as_a_local_chart(
    stem: str, region: str, synthesized_configs: dict[str, Synthesized]
) -> None:
    config, _, workloads = _stacks(synthesized_configs, stem, region)
    releases = _releases(workloads)
    issuer = releases["dualstack-tls"]
    cert_manager_address = workloads.address("helm_release", "cert_manager/release")
    # Planned as a chart: no cert-manager object as a kubernetes_manifest, which would need
    # cert-manager's CRDs at plan time (the only manifests are Cilium's policies, whose CRD the
    # cluster has from its creation).
    assert cert_manager_address in issuer["depends_on"]
    manifests = workloads.json["resource"].get("kubernetes_manifest", {}).values()
    assert {m["manifest"]["apiVersion"] for m in manifests} <= {"cilium.io/v2"}
    assert re.fullmatch(r"assets/[\w-]+/[0-9A-F]{32}", issuer["chart"])
    chart = synthesized_configs[stem].outdir / "stacks" / f"{region}-workloads" / issuer["chart"]
    assert (chart / "Chart.yaml").is_file() and (chart / "templates" / "clusterissuer.yaml").is_file()
    values = _values(issuer)
    app = f"{config.dns.app_name}.{config.dns.zone_name}"
    assert values["issuer"]["name"] == "letsencrypt"
    staging = config.tls.issuer == "letsencrypt-staging"
    assert values["issuer"]["server"] == (
        "https://acme-staging-v02.api.letsencrypt.org/directory"
        if staging
        else "https://acme-v02.api.letsencrypt.org/directory"
    )
    assert values["issuer"]["email"] == config.tls.email
    dns = values["issuer"]["azureDNS"]
    assert dns["hostedZoneName"] == config.dns.zone_name
    assert dns["resourceGroupName"] == f"rg-{config.project}-global"
    (certificate,) = values["certificates"]
    # Each region's name set differs: the app name and the region's own name.
    assert certificate["dnsNames"] == [app, f"{region}.{app}"]
    assert (certificate["namespace"], certificate["secretName"]) == ("echo", "echo-tls")


@pytest.mark.parametrize(("stem", "region"), REGION_CASES, ids=REGION_IDS)
def test_each_region_has_its_own_dns_identity_with_one_role_and_one_federated_credential(
    stem: str, region: str, synthesized_configs: dict[str, Synthesized]
) -> None:
    config, region_stack, workloads = _stacks(synthesized_configs, stem, region)
    identities = {
        p: i
        for p, i in region_stack.resources("azurerm_user_assigned_identity").items()
        if "cert_manager" in p
    }
    ((path, identity),) = identities.items()
    assert identity["name"] == f"id-{config.project}-{region}-cert-manager"
    identity_address = region_stack.address("azurerm_user_assigned_identity", path)
    roles = [
        r
        for r in region_stack.resources("azurerm_role_assignment").values()
        if identity_address in r["principal_id"]
    ]
    (role,) = roles
    assert "role_definition_name" not in role, "a custom role, by its ID"
    assert role["role_definition_id"].startswith(
        "${data.terraform_remote_state.cross-stack-reference-input-global.outputs.cross-stack-output-azurerm_role_definition"
    )
    assert "azurerm_dns_zoneservices_dns_zone" in role["scope"] and role["scope"].endswith("id}")
    (credential,) = region_stack.resources("azurerm_federated_identity_credential").values()
    assert credential["parent_id"] == "${" + identity_address + ".id}"
    assert credential["issuer"] == "${azurerm_kubernetes_cluster.region_cluster_F83DD20C.oidc_issuer_url}"
    assert credential["subject"] == "system:serviceaccount:cert-manager:cert-manager"
    assert credential["audience"] == ["api://AzureADTokenExchange"]
    # The workloads stack reads exactly that identity by name.
    (data,) = workloads.json["data"]["azurerm_user_assigned_identity"].values()
    assert (data["name"], data["resource_group_name"]) == (identity["name"], f"rg-{config.project}-{region}")


def test_no_client_secret_anywhere(any_synth: Synthesized) -> None:
    text = "".join(s.text for s in any_synth.stacks.values())
    for forbidden in ("client_secret", "clientSecret", "clientSecretSecretRef"):
        assert forbidden not in text


def _pod_images(stack: Stack) -> list[str]:
    """Every image a workloads stack runs: Kubernetes specs and Helm values."""
    found = [
        c["image"]
        for d in stack.resources("kubernetes_deployment_v1").values()
        for c in d["spec"]["template"]["spec"]["container"]
    ]

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if "repository" in value and isinstance(value["repository"], str) and "tag" in value:
                found.append(f"{value['repository']}:{value['tag']}")
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for release in stack.resources("helm_release").values():
        walk(_values(release))
    return found


@pytest.mark.parametrize("stem", sorted(CONFIGS))
def test_every_image_comes_from_the_projects_registry(
    stem: str, synthesized_configs: dict[str, Synthesized]
) -> None:
    registry = f"{CONFIGS[stem].global_.registry_name}.azurecr.io/"
    for stack in synthesized_configs[stem].workloads():
        pods = _pod_images(stack)
        # The ingress controller, the echo app and five cert-manager images.
        assert len(pods) >= 7, pods
        for ref in pods:
            assert ref.startswith(registry), f"{stack.name}: {ref}"
        # No upstream image reference anywhere (the charts themselves do come from upstream).
        controller = ingress_controller.IMAGE.source.rsplit(":", 1)[0]
        for upstream in ("docker.io", "quay.io/jetstack/cert-manager-", controller):
            assert upstream not in stack.text, f"{stack.name}: {upstream}"


@pytest.mark.parametrize("stem", sorted(CONFIGS))
def test_the_image_list_names_every_image_the_stacks_use(
    stem: str, synthesized_configs: dict[str, Synthesized]
) -> None:
    config = CONFIGS[stem]
    server = image_catalog(config).login_server
    listed = {i.reference(server).split("@")[0] for i in image_catalog(config).images}
    used: set[str] = set()
    for stack in synthesized_configs[stem].workloads():
        used |= {ref.split("@")[0] for ref in _pod_images(stack)}
    assert used == listed
    for image in image_catalog(config).images:
        assert image.source.split("/")[0] in {"ghcr.io", "quay.io", "docker.io"}
        assert image.source.endswith(f"/{image.repository}:{image.tag}")
        assert image.pin_note
        if image.digest is not None:
            assert re.fullmatch(r"sha256:[0-9a-f]{64}", image.digest)


# --- cert_manager.issuer: none and letsencrypt ---------------------------------------------------------------


def test_issuer_none_removes_only_the_tls_pieces(default_synth: Synthesized, synth_variant: Variant) -> None:
    off = synth_variant("default", set_key("tls", {"issuer": "none"}), "default-tls-none")
    assert off.stacks.keys() == default_synth.stacks.keys()
    # global: unchanged but for the outputs only the identities' grant reads (the zone's ID, the
    # ACME role's ID). The role itself stays (a role with assignments cannot be deleted, and
    # global applies first).
    removed_global = set(default_synth["global"].bodies()) - set(off["global"].bodies())
    assert {a.split("-")[-1].split("services_")[0] for a in removed_global} == {
        "azurerm_dns_zone",
        "azurerm_role_definition",
    }
    assert all(a.startswith("output.") for a in removed_global), removed_global
    role = "(none)"
    for name in default_synth.stacks:
        on_, off_ = default_synth[name].bodies(), off[name].bodies()
        assert set(off_) <= set(on_), name
        removed = set(on_) - set(off_)
        for address in removed:
            assert "cert_manager" in address or address.startswith("output.") or address == role, (
                f"{name}: {address}"
            )
        for address, body in off_.items():
            if address.startswith("azurerm_traffic_manager_profile."):
                # Without certificates the probe is plain HTTP on 80 (HTTPS on 443 with them).
                monitor, before = body["monitor_config"], on_[address]["monitor_config"]
                assert (before["protocol"], before["port"], monitor["protocol"], monitor["port"]) == (
                    "HTTPS",
                    443,
                    "HTTP",
                    80,
                )
                assert {k: v for k, v in body.items() if k != "monitor_config"} == {
                    k: v for k, v in on_[address].items() if k != "monitor_config"
                }
            elif address == "output.app_url":
                assert (on_[address]["value"], body["value"]) == (
                    "https://app.dualstack.contoso.com/",
                    "http://app.dualstack.contoso.com/",
                )
            elif address.startswith("kubernetes_ingress_v1."):
                assert "tls" not in body["spec"]  # HTTP only, as before
                assert {k: v for k, v in on_[address]["spec"].items() if k != "tls"} == body["spec"]
            else:
                assert body == on_[address], f"{name}: {address} changed"
    for stack in off.workloads():
        assert {r["name"] for r in stack.resources("helm_release").values()} == {
            "ingress-ipv4",
            "ingress-ipv6",
        }
        assert not (off.outdir / "stacks" / stack.name / "assets").exists()


GLOBAL_SCOPES = ("cross-stack-output-azurerm_dns_zone", "cross-stack-output-azurerm_resource_group")
"""Scopes of the global stack's DNS zone and resource group, as a region stack refers to them."""


def test_no_identity_holds_a_dns_role_broader_than_txt_records(any_synth: Synthesized) -> None:
    """Every role assignment in every stack, by (role, scope): on the public zone or the global
    resource group only the ACME role (TXT records), on the zone; no built-in role that can
    change DNS records (DNS Zone Contributor, Contributor, Owner, and Network Contributor, which
    includes dnszones/*) on either; Network Contributor only on the region's own ingress group
    and subnet."""
    assignments = [
        (name, r)
        for name, stack in any_synth.stacks.items()
        for r in stack.resources("azurerm_role_assignment").values()
    ]
    assert assignments
    for name, r in assignments:
        role, scope = r.get("role_definition_name"), r["scope"]
        assert role not in roles.DNS_ROLES, f"{name}: {role}"
        if any(s in scope for s in GLOBAL_SCOPES):
            assert role is None and "cross-stack-output-azurerm_role_definition" in r["role_definition_id"], (
                name
            )
            assert "cross-stack-output-azurerm_dns_zone" in scope, name
        if role == "Network Contributor":
            assert scope.startswith(
                (
                    "${azurerm_resource_group.region_network_ingress_resource_group",
                    "${azurerm_subnet.region_network",
                )
            ), f"{name}: {scope}"
        if "role_definition_id" in r:
            assert "cross-stack-output-azurerm_role_definition" in r["role_definition_id"], name
