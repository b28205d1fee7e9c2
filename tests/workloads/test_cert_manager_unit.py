"""The pure values functions of cert-manager's two charts (the workloads side of HTTPS): the
issuer chart's values and cert-manager's own, from ``CertManagerProps``. ``CertManager`` as a
whole is tested in the whole-app layer (``tests/test_tls.py``)."""

from __future__ import annotations

from typing import Any

import pytest
from constructhelp import config

from dualstack.config import Config
from dualstack.workloads.cert_manager import (
    ACME_SERVERS,
    CLUSTER_ISSUER,
    RESOURCES,
    RUN_AS,
    SERVICE_ACCOUNT,
    WEBHOOK_PORT,
    CertManagerProps,
    cert_manager_values,
    issuer_chart_values,
)
from dualstack.workloads.stack import cert_manager_props, image_catalog

CLIENT_ID = "3f2e1d0c-9b8a-4766-8544-332211009988"
SUBSCRIPTION = "00000000-1111-2222-3333-444444444444"


# --- issuer_chart_values ---------------------------------------------------------------


def _props(cfg: Config) -> CertManagerProps:
    return cert_manager_props(cfg, next(iter(cfg.regions)))


CERTIFICATES = [{"name": "given", "namespace": "ns", "secretName": "given-tls", "dnsNames": ["a.example"]}]


@pytest.mark.parametrize("stem", ["default", "frontdoor"])
def test_issuer_uses_the_configured_acme_server_and_the_global_zone(stem: str) -> None:
    cfg = config(stem)
    values = issuer_chart_values(_props(cfg), SUBSCRIPTION, CLIENT_ID, CERTIFICATES)
    issuer = values["issuer"]
    assert issuer["name"] == CLUSTER_ISSUER
    assert issuer["server"] == ACME_SERVERS[cfg.tls.issuer]
    assert issuer["email"] == cfg.tls.email
    assert issuer["accountKeySecret"] == f"{CLUSTER_ISSUER}-{cfg.tls.issuer}-account-key"
    assert issuer["azureDNS"] == {
        "subscriptionID": SUBSCRIPTION,
        "resourceGroupName": f"rg-{cfg.project}-global",
        "hostedZoneName": cfg.dns.zone_name,
        "clientID": CLIENT_ID,
    }
    assert values["certificates"] == CERTIFICATES


def test_staging_and_production_servers_differ() -> None:
    servers = {
        config(s).tls.issuer: issuer_chart_values(_props(config(s)), "", "", [])["issuer"]["server"]
        for s in ("default", "frontdoor")
    }
    assert servers == {
        "letsencrypt-staging": ACME_SERVERS["letsencrypt-staging"],
        "letsencrypt": ACME_SERVERS["letsencrypt"],
    }
    assert "staging" in servers["letsencrypt-staging"] and "staging" not in servers["letsencrypt"]


def test_production_issuer_changes_only_the_acme_server_and_account_key() -> None:
    """The one issuer name for both servers, so Ingresses need no change when the server does."""
    staging_config = config("default")
    prod_config = config("default", tls={"issuer": "letsencrypt", "email": "platform@contoso.com"})
    staging = issuer_chart_values(_props(staging_config), SUBSCRIPTION, CLIENT_ID, CERTIFICATES)
    prod = issuer_chart_values(_props(prod_config), SUBSCRIPTION, CLIENT_ID, CERTIFICATES)
    assert (
        prod["issuer"]["server"]
        == ACME_SERVERS["letsencrypt"]
        == "https://acme-v02.api.letsencrypt.org/directory"
    )
    assert prod["issuer"]["name"] == staging["issuer"]["name"] == CLUSTER_ISSUER
    assert prod["issuer"]["accountKeySecret"] == "letsencrypt-letsencrypt-account-key"
    assert staging["issuer"]["accountKeySecret"] != prod["issuer"]["accountKeySecret"]
    staging["issuer"] |= {k: prod["issuer"][k] for k in ("server", "accountKeySecret")}
    assert staging == prod


# --- cert_manager_values ---------------------------------------------------------------


@pytest.fixture(scope="module", params=["default", "nat46"])
def values(request: pytest.FixtureRequest) -> tuple[Config, dict[str, Any]]:
    cfg = config(request.param)
    return cfg, cert_manager_values(_props(cfg), CLIENT_ID)


COMPONENTS = {
    "controller": None,
    "webhook": "webhook",
    "cainjector": "cainjector",
    "startupapicheck": "startupapicheck",
}
"""Each component and where its values sit (the controller's at the top level)."""


def component(values: dict[str, Any], name: str) -> dict[str, Any]:
    key = COMPONENTS[name]
    return values if key is None else values[key]


def test_controller_acts_as_the_dns_identity(values: tuple[Config, dict[str, Any]]) -> None:
    _, got = values
    assert got["serviceAccount"]["name"] == SERVICE_ACCOUNT
    assert got["serviceAccount"]["annotations"] == {"azure.workload.identity/client-id": CLIENT_ID}
    assert got["podLabels"] == {"azure.workload.identity/use": "true"}
    assert got["crds"] == {"enabled": True, "keep": True}


@pytest.mark.parametrize("name", sorted(COMPONENTS))
def test_each_component_pulls_its_pinned_image_from_the_projects_registry(
    values: tuple[Config, dict[str, Any]], name: str
) -> None:
    cfg, got = values
    image = component(got, name)["image"]
    expected = image_catalog(cfg).image(f"cert-manager-{name}")
    assert image["repository"] == f"{image_catalog(cfg).login_server}/{expected.repository}"
    assert image["tag"] == expected.tag == cfg.tls.chart_version


def test_acmesolver_image_is_pinned_too(values: tuple[Config, dict[str, Any]]) -> None:
    cfg, got = values
    assert got["acmesolver"]["image"]["repository"].startswith(image_catalog(cfg).login_server + "/")


@pytest.mark.parametrize("name", sorted(COMPONENTS))
def test_each_component_runs_restricted_on_the_user_pool(
    values: tuple[Config, dict[str, Any]], name: str
) -> None:
    values_of = component(values[1], name)
    assert values_of["resources"] == RESOURCES[name]
    assert values_of["nodeSelector"] == {"kubernetes.azure.com/mode": "user"}
    context = values_of["securityContext"]
    assert context["runAsNonRoot"] is True
    assert context["runAsUser"] == context["runAsGroup"] == RUN_AS


@pytest.mark.parametrize("name", ["controller", "webhook", "cainjector"])
def test_long_running_components_are_redundant_over_zones(
    values: tuple[Config, dict[str, Any]], name: str
) -> None:
    values_of = component(values[1], name)
    assert values_of["replicaCount"] == 2
    assert values_of["podDisruptionBudget"] == {"enabled": True, "maxUnavailable": 1}
    (spread,) = values_of["topologySpreadConstraints"]
    assert spread["topologyKey"] == "topology.kubernetes.io/zone"
    assert spread["labelSelector"]["matchLabels"]["app.kubernetes.io/component"] == name


def test_webhook_listens_where_the_network_policy_says(values: tuple[Config, dict[str, Any]]) -> None:
    assert values[1]["webhook"]["securePort"] == WEBHOOK_PORT
