"""Container Insights that collects: the data collection rule and its association.

``oms_agent`` with ``msi_auth_for_monitoring_enabled`` only switches the monitoring add-on
to managed-identity auth; without a data collection rule (the ContainerInsights extension
and its streams) associated with the cluster, no logs or metrics arrive (azurerm issue
23510). This is the rule and association that Azure Monitor's own Terraform onboarding
creates (microsoft/Docker-Provider, ``scripts/onboarding/aks/onboarding-msi-terraform``).
"""

from __future__ import annotations

import json

from constructs import Construct

from dualstack.framework import (
    KubernetesCluster,
    MonitorDataCollectionRule,
    MonitorDataCollectionRuleAssociation,
    MonitorDataCollectionRuleDataFlow,
    MonitorDataCollectionRuleDataSources,
    MonitorDataCollectionRuleDataSourcesExtension,
    MonitorDataCollectionRuleDestinations,
    MonitorDataCollectionRuleDestinationsLogAnalytics,
)

STREAMS = (
    "Microsoft-ContainerLog",
    "Microsoft-ContainerLogV2",
    "Microsoft-KubeEvents",
    "Microsoft-KubePodInventory",
    "Microsoft-KubeNodeInventory",
    "Microsoft-KubePVInventory",
    "Microsoft-KubeServices",
    "Microsoft-KubeMonAgentEvents",
    "Microsoft-InsightsMetrics",
    "Microsoft-ContainerInventory",
    "Microsoft-ContainerNodeInventory",
    "Microsoft-Perf",
)
"""The standard Container Insights streams (Azure Monitor's Terraform onboarding default)."""

DESTINATION = "ciworkspace"

EXTENSION_SETTINGS = {
    "dataCollectionSettings": {
        "interval": "1m",
        "namespaceFilteringMode": "Off",
        "enableContainerLogV2": True,
    }
}
"""Collect every minute, from every namespace, container logs in the ContainerLogV2 schema."""


class ContainerInsights(Construct):
    """A data collection rule that sends the cluster's Container Insights data to the
    global workspace, and its association with the cluster."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        resource_group_name: str,
        workspace_id: str,
        workspace_location: str,
        cluster: KubernetesCluster,
        tags: dict[str, str],
    ) -> None:
        super().__init__(scope, id_)
        self.rule = MonitorDataCollectionRule(
            self,
            "rule",
            name=name,
            resource_group_name=resource_group_name,
            # A data collection rule lives in its destination workspace's region.
            location=workspace_location,
            description="Container Insights: logs, events and inventory of the region's AKS cluster",
            destinations=MonitorDataCollectionRuleDestinations(
                log_analytics=[
                    MonitorDataCollectionRuleDestinationsLogAnalytics(
                        name=DESTINATION, workspace_resource_id=workspace_id
                    )
                ]
            ),
            data_flow=[MonitorDataCollectionRuleDataFlow(streams=list(STREAMS), destinations=[DESTINATION])],
            data_sources=MonitorDataCollectionRuleDataSources(
                extension=[
                    MonitorDataCollectionRuleDataSourcesExtension(
                        name="ContainerInsightsExtension",
                        extension_name="ContainerInsights",
                        streams=list(STREAMS),
                        extension_json=json.dumps(EXTENSION_SETTINGS, sort_keys=True),
                    )
                ]
            ),
            tags=tags,
        )
        self.association = MonitorDataCollectionRuleAssociation(
            self,
            "association",
            name="ContainerInsightsExtension",
            target_resource_id=cluster.id,
            data_collection_rule_id=self.rule.id,
            description="Sends the cluster's Container Insights data through the rule; deleting it stops collection",
        )
