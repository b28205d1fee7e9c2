"""``cluster_providers`` alone: Kubernetes and Helm providers configured from a cluster data
source, authenticated by kubelogin, with no credential in the JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
from constructhelp import Synth, bare_stack, synth

from dualstack.framework import DataAzurermKubernetesCluster
from dualstack.workloads.providers import AKS_SERVER_ID, EXEC_API_VERSION, cluster_providers, kubelogin_args

LOGINS = ["azurecli", "workloadidentity", "spn"]
CREDENTIAL_KEYS = {"token", "client_key", "client_certificate", "password", "username", "config_path"}


@pytest.fixture(scope="module", params=LOGINS)
def built(request: pytest.FixtureRequest) -> tuple[str, Synth]:
    stack = bare_stack("test-workloads")
    cluster = DataAzurermKubernetesCluster(stack, "cluster", name="aks-given", resource_group_name="rg-given")
    cluster_providers(stack, cluster, request.param)
    return request.param, synth(stack)


def providers(out: Synth) -> tuple[dict[str, Any], dict[str, Any]]:
    (kubernetes,) = out.doc["provider"]["kubernetes"]
    (helm,) = out.doc["provider"]["helm"]
    return kubernetes, helm


@pytest.mark.parametrize("login", LOGINS)
def test_kubelogin_args_name_the_login_and_the_aks_server(login: str) -> None:
    args = kubelogin_args(login)
    assert args[0] == "get-token"
    assert args[args.index("--login") + 1] == login
    assert args[args.index("--server-id") + 1] == AKS_SERVER_ID


def test_both_providers_reach_the_clusters_public_fqdn(built: tuple[str, Synth]) -> None:
    _, out = built
    fqdn = out.data_ref("azurerm_kubernetes_cluster", "cluster", "fqdn")
    kubernetes, helm = providers(out)
    assert kubernetes["host"] == helm["kubernetes"]["host"] == f"https://{fqdn}:443"


def test_ca_certificate_comes_from_the_data_sources_kube_config(built: tuple[str, Synth]) -> None:
    _, out = built
    kubernetes, helm = providers(out)
    ca = kubernetes["cluster_ca_certificate"]
    assert ca == helm["kubernetes"]["cluster_ca_certificate"]
    cluster = out.data_ref("azurerm_kubernetes_cluster", "cluster", "kube_config")[2:-1]
    assert ca == "${base64decode(" + cluster + "[0].cluster_ca_certificate)}"


def test_both_providers_authenticate_through_kubelogin(built: tuple[str, Synth]) -> None:
    login, out = built
    kubernetes, helm = providers(out)
    expected = {"api_version": EXEC_API_VERSION, "command": "kubelogin", "args": kubelogin_args(login)}
    assert kubernetes["exec"] == [expected]
    assert helm["kubernetes"]["exec"] == expected


def test_no_static_credential_anywhere(built: tuple[str, Synth]) -> None:
    _, out = built
    kubernetes, helm = providers(out)
    assert not CREDENTIAL_KEYS & (set(kubernetes) | set(helm["kubernetes"]))
    assert "kube_admin_config" not in json.dumps(out.doc)


def test_the_cluster_is_read_never_managed(built: tuple[str, Synth]) -> None:
    _, out = built
    assert "azurerm_kubernetes_cluster" not in out.doc.get("resource", {})
    assert out.data("azurerm_kubernetes_cluster") == {
        "cluster": {"name": "aks-given", "resource_group_name": "rg-given"}
    }
