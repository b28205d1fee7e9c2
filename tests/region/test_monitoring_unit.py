"""``ContainerInsights`` alone (on a minimal cluster): a data collection rule to the given
workspace, in its region, and its association with the cluster."""

from __future__ import annotations

import json
from typing import Any

import pytest
from constructhelp import REFS, Synth, bare_stack, synth

from dualstack.framework import KubernetesCluster, KubernetesClusterDefaultNodePool, KubernetesClusterIdentity
from dualstack.region.monitoring import EXTENSION_SETTINGS, STREAMS, ContainerInsights

RULE = "azurerm_monitor_data_collection_rule"
TAGS = {"given": "tags"}


@pytest.fixture(scope="module")
def out() -> Synth:
    stack = bare_stack()
    cluster = KubernetesCluster(
        stack,
        "cluster",
        name="aks-given",
        location="swedencentral",
        resource_group_name="rg-given",
        dns_prefix="aks-given",
        default_node_pool=KubernetesClusterDefaultNodePool(name="system", vm_size="Standard_D4ds_v5"),
        identity=KubernetesClusterIdentity(type="SystemAssigned"),
    )
    ContainerInsights(
        stack,
        "monitoring",
        name="MSCI-given",
        resource_group_name="rg-given",
        workspace_id=REFS.log_analytics_id,
        workspace_location="eastus2",
        cluster=cluster,
        tags=TAGS,
    )
    return synth(stack)


def rule(out: Synth) -> dict[str, Any]:
    return out.resource(RULE, "monitoring/rule")


def test_rule_lives_in_the_workspaces_region(out: Synth) -> None:
    body = rule(out)
    assert (body["name"], body["resource_group_name"]) == ("MSCI-given", "rg-given")
    assert body["location"] == "eastus2", "a rule lives where its destination workspace is, not the cluster"
    assert body["tags"] == TAGS


def test_rule_sends_every_stream_to_the_workspace(out: Synth) -> None:
    body = rule(out)
    (destination,) = body["destinations"]["log_analytics"]
    assert destination["workspace_resource_id"] == REFS.log_analytics_id
    (flow,) = body["data_flow"]
    assert flow["destinations"] == [destination["name"]]
    assert flow["streams"] == list(STREAMS)


def test_container_insights_extension_collects_the_same_streams(out: Synth) -> None:
    (extension,) = rule(out)["data_sources"]["extension"]
    assert extension["extension_name"] == "ContainerInsights"
    assert extension["streams"] == list(STREAMS)
    assert json.loads(extension["extension_json"]) == EXTENSION_SETTINGS


def test_association_binds_the_rule_to_the_cluster(out: Synth) -> None:
    association = out.resource("azurerm_monitor_data_collection_rule_association", "monitoring/association")
    assert association["target_resource_id"] == out.ref("azurerm_kubernetes_cluster", "cluster", "id")
    assert association["data_collection_rule_id"] == out.ref(RULE, "monitoring/rule", "id")


def test_the_construct_adds_only_the_rule_and_its_association(out: Synth) -> None:
    assert out.under("monitoring/") == {
        "monitoring/rule": RULE,
        "monitoring/association": "azurerm_monitor_data_collection_rule_association",
    }
