"""The seam between the app and its CDK framework: the only module that imports the framework
and the prebuilt providers by name (``tests/test_framework_seam.py`` holds every other module to
that).

The imports are spelt with CDK for Terraform's package names, the default framework's, which is
what mypy checks. :func:`dualstack.fastimport.activate`, run first, selects the framework
(``DUALSTACK_FRAMEWORK``: ``cdktf`` or ``cdktn``) and, on CDK Terrain, resolves those names to
its packages (``cdktf`` → ``cdktn``, ``cdktf_cdktf_provider_azurerm`` → ``cdktn_provider_azurerm``
…). It raises :class:`~dualstack.fastimport.FrameworkError` (one line, naming the fix) when the
framework asked for is unknown or not installed.

A resource type the app starts to use gets its import here, and its name in ``__all__``.
"""

from __future__ import annotations

from dualstack.fastimport import Framework, activate

FRAMEWORK: Framework = activate()

from cdktf import (
    App,
    AssetType,
    AzurermBackend,
    Fn,
    ITerraformDependable,
    LocalBackend,
    TerraformAsset,
    TerraformDataSource,
    TerraformOutput,
    TerraformProviderGeneratorMetadata,
    TerraformResource,
    TerraformResourceLifecycle,
    TerraformStack,
    TerraformVariable,
    Testing,
)
from cdktf_cdktf_provider_azurerm.cdn_frontdoor_custom_domain import (
    CdnFrontdoorCustomDomain,
    CdnFrontdoorCustomDomainTls,
)
from cdktf_cdktf_provider_azurerm.cdn_frontdoor_custom_domain_association import (
    CdnFrontdoorCustomDomainAssociation,
)
from cdktf_cdktf_provider_azurerm.cdn_frontdoor_endpoint import CdnFrontdoorEndpoint
from cdktf_cdktf_provider_azurerm.cdn_frontdoor_firewall_policy import (
    CdnFrontdoorFirewallPolicy,
    CdnFrontdoorFirewallPolicyCustomRule,
    CdnFrontdoorFirewallPolicyCustomRuleMatchCondition,
    CdnFrontdoorFirewallPolicyManagedRule,
    CdnFrontdoorFirewallPolicyManagedRuleOverride,
    CdnFrontdoorFirewallPolicyManagedRuleOverrideExclusion,
)
from cdktf_cdktf_provider_azurerm.cdn_frontdoor_origin import CdnFrontdoorOrigin
from cdktf_cdktf_provider_azurerm.cdn_frontdoor_origin_group import (
    CdnFrontdoorOriginGroup,
    CdnFrontdoorOriginGroupHealthProbe,
    CdnFrontdoorOriginGroupLoadBalancing,
)
from cdktf_cdktf_provider_azurerm.cdn_frontdoor_profile import CdnFrontdoorProfile
from cdktf_cdktf_provider_azurerm.cdn_frontdoor_route import CdnFrontdoorRoute
from cdktf_cdktf_provider_azurerm.cdn_frontdoor_security_policy import (
    CdnFrontdoorSecurityPolicy,
    CdnFrontdoorSecurityPolicySecurityPolicies,
    CdnFrontdoorSecurityPolicySecurityPoliciesFirewall,
    CdnFrontdoorSecurityPolicySecurityPoliciesFirewallAssociation,
    CdnFrontdoorSecurityPolicySecurityPoliciesFirewallAssociationDomain,
)
from cdktf_cdktf_provider_azurerm.container_registry import (
    ContainerRegistry,
    ContainerRegistryGeoreplications,
)
from cdktf_cdktf_provider_azurerm.data_azurerm_cdn_frontdoor_profile import DataAzurermCdnFrontdoorProfile
from cdktf_cdktf_provider_azurerm.data_azurerm_client_config import DataAzurermClientConfig
from cdktf_cdktf_provider_azurerm.data_azurerm_kubernetes_cluster import DataAzurermKubernetesCluster
from cdktf_cdktf_provider_azurerm.data_azurerm_user_assigned_identity import DataAzurermUserAssignedIdentity
from cdktf_cdktf_provider_azurerm.dns_a_record import DnsARecord
from cdktf_cdktf_provider_azurerm.dns_aaaa_record import DnsAaaaRecord
from cdktf_cdktf_provider_azurerm.dns_cname_record import DnsCnameRecord
from cdktf_cdktf_provider_azurerm.dns_txt_record import DnsTxtRecord, DnsTxtRecordRecord
from cdktf_cdktf_provider_azurerm.dns_zone import DnsZone
from cdktf_cdktf_provider_azurerm.federated_identity_credential import FederatedIdentityCredential
from cdktf_cdktf_provider_azurerm.key_vault import KeyVault, KeyVaultNetworkAcls
from cdktf_cdktf_provider_azurerm.kubernetes_cluster import (
    KubernetesCluster,
    KubernetesClusterApiServerAccessProfile,
    KubernetesClusterAzureActiveDirectoryRoleBasedAccessControl,
    KubernetesClusterDefaultNodePool,
    KubernetesClusterDefaultNodePoolUpgradeSettings,
    KubernetesClusterIdentity,
    KubernetesClusterKeyVaultSecretsProvider,
    KubernetesClusterMaintenanceWindowAutoUpgrade,
    KubernetesClusterMaintenanceWindowNodeOs,
    KubernetesClusterNetworkProfile,
    KubernetesClusterNetworkProfileLoadBalancerProfile,
    KubernetesClusterOmsAgent,
)
from cdktf_cdktf_provider_azurerm.kubernetes_cluster_node_pool import (
    KubernetesClusterNodePool,
    KubernetesClusterNodePoolUpgradeSettings,
)
from cdktf_cdktf_provider_azurerm.log_analytics_workspace import LogAnalyticsWorkspace
from cdktf_cdktf_provider_azurerm.monitor_data_collection_rule import (
    MonitorDataCollectionRule,
    MonitorDataCollectionRuleDataFlow,
    MonitorDataCollectionRuleDataSources,
    MonitorDataCollectionRuleDataSourcesExtension,
    MonitorDataCollectionRuleDestinations,
    MonitorDataCollectionRuleDestinationsLogAnalytics,
)
from cdktf_cdktf_provider_azurerm.monitor_data_collection_rule_association import (
    MonitorDataCollectionRuleAssociation,
)
from cdktf_cdktf_provider_azurerm.network_security_group import NetworkSecurityGroup
from cdktf_cdktf_provider_azurerm.network_security_rule import NetworkSecurityRule
from cdktf_cdktf_provider_azurerm.private_dns_a_record import PrivateDnsARecord
from cdktf_cdktf_provider_azurerm.private_dns_aaaa_record import PrivateDnsAaaaRecord
from cdktf_cdktf_provider_azurerm.private_dns_zone import PrivateDnsZone
from cdktf_cdktf_provider_azurerm.private_dns_zone_virtual_network_link import (
    PrivateDnsZoneVirtualNetworkLink,
)
from cdktf_cdktf_provider_azurerm.private_endpoint import (
    PrivateEndpoint,
    PrivateEndpointPrivateDnsZoneGroup,
    PrivateEndpointPrivateServiceConnection,
)
from cdktf_cdktf_provider_azurerm.provider import AzurermProvider, AzurermProviderFeatures
from cdktf_cdktf_provider_azurerm.public_ip import PublicIp
from cdktf_cdktf_provider_azurerm.resource_group import ResourceGroup
from cdktf_cdktf_provider_azurerm.role_assignment import RoleAssignment
from cdktf_cdktf_provider_azurerm.role_definition import RoleDefinition, RoleDefinitionPermissions
from cdktf_cdktf_provider_azurerm.subnet import Subnet
from cdktf_cdktf_provider_azurerm.subnet_network_security_group_association import (
    SubnetNetworkSecurityGroupAssociation,
)
from cdktf_cdktf_provider_azurerm.traffic_manager_external_endpoint import TrafficManagerExternalEndpoint
from cdktf_cdktf_provider_azurerm.traffic_manager_profile import (
    TrafficManagerProfile,
    TrafficManagerProfileDnsConfig,
    TrafficManagerProfileMonitorConfig,
    TrafficManagerProfileMonitorConfigCustomHeader,
)
from cdktf_cdktf_provider_azurerm.user_assigned_identity import UserAssignedIdentity
from cdktf_cdktf_provider_azurerm.virtual_network import VirtualNetwork
from cdktf_cdktf_provider_azurerm.virtual_network_peering import VirtualNetworkPeering
from cdktf_cdktf_provider_helm.provider import (
    HelmProvider,
    HelmProviderKubernetes,
    HelmProviderKubernetesExec,
)
from cdktf_cdktf_provider_helm.release import Release
from cdktf_cdktf_provider_kubernetes import network_policy_v1
from cdktf_cdktf_provider_kubernetes.deployment_v1 import (
    DeploymentV1,
    DeploymentV1SpecTemplateSpecContainer,
    DeploymentV1SpecTemplateSpecContainerEnv,
    DeploymentV1SpecTemplateSpecContainerPort,
    DeploymentV1SpecTemplateSpecContainerVolumeMount,
    DeploymentV1SpecTemplateSpecTopologySpreadConstraint,
    DeploymentV1SpecTemplateSpecTopologySpreadConstraintLabelSelector,
    DeploymentV1SpecTemplateSpecVolume,
    DeploymentV1SpecTemplateSpecVolumeEmptyDir,
)
from cdktf_cdktf_provider_kubernetes.ingress_class_v1 import IngressClassV1
from cdktf_cdktf_provider_kubernetes.ingress_v1 import (
    IngressV1,
    IngressV1SpecRule,
    IngressV1SpecRuleHttp,
    IngressV1SpecRuleHttpPath,
    IngressV1SpecRuleHttpPathBackend,
    IngressV1SpecTls,
)
from cdktf_cdktf_provider_kubernetes.manifest import Manifest
from cdktf_cdktf_provider_kubernetes.namespace_v1 import NamespaceV1
from cdktf_cdktf_provider_kubernetes.provider import KubernetesProvider, KubernetesProviderExec
from cdktf_cdktf_provider_kubernetes.service_v1 import ServiceV1, ServiceV1SpecPort

__all__ = [
    "FRAMEWORK",
    "App",
    "AssetType",
    "AzurermBackend",
    "AzurermProvider",
    "AzurermProviderFeatures",
    "CdnFrontdoorCustomDomain",
    "CdnFrontdoorCustomDomainAssociation",
    "CdnFrontdoorCustomDomainTls",
    "CdnFrontdoorEndpoint",
    "CdnFrontdoorFirewallPolicy",
    "CdnFrontdoorFirewallPolicyCustomRule",
    "CdnFrontdoorFirewallPolicyCustomRuleMatchCondition",
    "CdnFrontdoorFirewallPolicyManagedRule",
    "CdnFrontdoorFirewallPolicyManagedRuleOverride",
    "CdnFrontdoorFirewallPolicyManagedRuleOverrideExclusion",
    "CdnFrontdoorOrigin",
    "CdnFrontdoorOriginGroup",
    "CdnFrontdoorOriginGroupHealthProbe",
    "CdnFrontdoorOriginGroupLoadBalancing",
    "CdnFrontdoorProfile",
    "CdnFrontdoorRoute",
    "CdnFrontdoorSecurityPolicy",
    "CdnFrontdoorSecurityPolicySecurityPolicies",
    "CdnFrontdoorSecurityPolicySecurityPoliciesFirewall",
    "CdnFrontdoorSecurityPolicySecurityPoliciesFirewallAssociation",
    "CdnFrontdoorSecurityPolicySecurityPoliciesFirewallAssociationDomain",
    "ContainerRegistry",
    "ContainerRegistryGeoreplications",
    "DataAzurermCdnFrontdoorProfile",
    "DataAzurermClientConfig",
    "DataAzurermKubernetesCluster",
    "DataAzurermUserAssignedIdentity",
    "DeploymentV1",
    "DeploymentV1SpecTemplateSpecContainer",
    "DeploymentV1SpecTemplateSpecContainerEnv",
    "DeploymentV1SpecTemplateSpecContainerPort",
    "DeploymentV1SpecTemplateSpecContainerVolumeMount",
    "DeploymentV1SpecTemplateSpecTopologySpreadConstraint",
    "DeploymentV1SpecTemplateSpecTopologySpreadConstraintLabelSelector",
    "DeploymentV1SpecTemplateSpecVolume",
    "DeploymentV1SpecTemplateSpecVolumeEmptyDir",
    "DnsARecord",
    "DnsAaaaRecord",
    "DnsCnameRecord",
    "DnsTxtRecord",
    "DnsTxtRecordRecord",
    "DnsZone",
    "FederatedIdentityCredential",
    "Fn",
    "HelmProvider",
    "HelmProviderKubernetes",
    "HelmProviderKubernetesExec",
    "ITerraformDependable",
    "IngressClassV1",
    "IngressV1",
    "IngressV1SpecRule",
    "IngressV1SpecRuleHttp",
    "IngressV1SpecRuleHttpPath",
    "IngressV1SpecRuleHttpPathBackend",
    "IngressV1SpecTls",
    "KeyVault",
    "KeyVaultNetworkAcls",
    "KubernetesCluster",
    "KubernetesClusterApiServerAccessProfile",
    "KubernetesClusterAzureActiveDirectoryRoleBasedAccessControl",
    "KubernetesClusterDefaultNodePool",
    "KubernetesClusterDefaultNodePoolUpgradeSettings",
    "KubernetesClusterIdentity",
    "KubernetesClusterKeyVaultSecretsProvider",
    "KubernetesClusterMaintenanceWindowAutoUpgrade",
    "KubernetesClusterMaintenanceWindowNodeOs",
    "KubernetesClusterNetworkProfile",
    "KubernetesClusterNetworkProfileLoadBalancerProfile",
    "KubernetesClusterNodePool",
    "KubernetesClusterNodePoolUpgradeSettings",
    "KubernetesClusterOmsAgent",
    "KubernetesProvider",
    "KubernetesProviderExec",
    "LocalBackend",
    "LogAnalyticsWorkspace",
    "Manifest",
    "MonitorDataCollectionRule",
    "MonitorDataCollectionRuleAssociation",
    "MonitorDataCollectionRuleDataFlow",
    "MonitorDataCollectionRuleDataSources",
    "MonitorDataCollectionRuleDataSourcesExtension",
    "MonitorDataCollectionRuleDestinations",
    "MonitorDataCollectionRuleDestinationsLogAnalytics",
    "NamespaceV1",
    "NetworkSecurityGroup",
    "NetworkSecurityRule",
    "PrivateDnsARecord",
    "PrivateDnsAaaaRecord",
    "PrivateDnsZone",
    "PrivateDnsZoneVirtualNetworkLink",
    "PrivateEndpoint",
    "PrivateEndpointPrivateDnsZoneGroup",
    "PrivateEndpointPrivateServiceConnection",
    "PublicIp",
    "Release",
    "ResourceGroup",
    "RoleAssignment",
    "RoleDefinition",
    "RoleDefinitionPermissions",
    "ServiceV1",
    "ServiceV1SpecPort",
    "Subnet",
    "SubnetNetworkSecurityGroupAssociation",
    "TerraformAsset",
    "TerraformDataSource",
    "TerraformOutput",
    "TerraformProviderGeneratorMetadata",
    "TerraformResource",
    "TerraformResourceLifecycle",
    "TerraformStack",
    "TerraformVariable",
    "Testing",
    "TrafficManagerExternalEndpoint",
    "TrafficManagerProfile",
    "TrafficManagerProfileDnsConfig",
    "TrafficManagerProfileMonitorConfig",
    "TrafficManagerProfileMonitorConfigCustomHeader",
    "UserAssignedIdentity",
    "VirtualNetwork",
    "VirtualNetworkPeering",
    "network_policy_v1",
]
