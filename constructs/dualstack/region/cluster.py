"""The region's AKS cluster: dual-stack Azure CNI Overlay over availability zones.

Identity and access, all least privilege:

- a user-assigned control-plane identity holds Network Contributor on the ingress
  resource group (only the ingress public IPs live there) and on the cluster subnet,
  assigned *before* the cluster is created (``depends_on``);
- the kubelet identity holds AcrPull on the global registry;
- the Key Vault secrets provider's identity holds Key Vault Secrets User on the vault;
- Entra ID with Azure RBAC authorizes every Kubernetes call; local accounts are off, so
  no static admin credential exists;
- the identity that runs ``cdktf deploy`` holds AKS RBAC Cluster Admin on this cluster
  only, so the workloads stack's deploy can install the ingresses.
"""

from __future__ import annotations

from typing import Any

from constructs import Construct

from dualstack import naming, roles
from dualstack.config import Cluster, NodePool, Region
from dualstack.framework import (
    DataAzurermClientConfig,
    Fn,
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
    KubernetesClusterNodePool,
    KubernetesClusterNodePoolUpgradeSettings,
    KubernetesClusterOmsAgent,
    RoleAssignment,
    TerraformVariable,
    UserAssignedIdentity,
)
from dualstack.refs import GlobalRefs
from dualstack.region.context import RegionContext
from dualstack.region.network import RegionNetwork

DEPLOYER_VARIABLE = "deployer_object_id"
"""The region stacks' one Terraform variable (``TF_VAR_deployer_object_id``): the object ID of
the identity that applies the workloads stacks, given where another identity plans."""
MAX_SURGE = "33%"
"""Upgrade surge per pool: a third of the nodes at a time, so zones drain one by one."""

DRAIN_TIMEOUT_MINUTES = 30
"""How long an upgrade waits for a node's pods to be evicted (AKS's own default). Set
explicitly: azurerm forces a pool replacement when Azure reports a non-zero drain timeout
that the config leaves unset (azurerm issue 26568)."""

SECRET_ROTATION_INTERVAL = "2m"
"""How often the secrets provider re-reads Key Vault secrets."""

MAX_PODS = 250
"""Pods per node: the CNI Overlay maximum (pod addresses come from the overlay, not the subnet)."""


class RegionCluster(Construct):
    """AKS cluster, its user pool, identities and role assignments.

    Built in parts, each a method, all on this one construct (the resources' construct
    paths, and so their Terraform addresses, stay ``region/cluster/<id>``): the control
    plane's identity and its network roles, the cluster with its system pool, the user pool,
    and the roles of the cluster's own identities and of the people who administer it.
    """

    def __init__(self, scope: Construct, id_: str, *, ctx: RegionContext, network: RegionNetwork) -> None:
        super().__init__(scope, id_)
        self.client = DataAzurermClientConfig(self, "client")
        network_roles = self._control_plane_identity(ctx, network)
        self.cluster = KubernetesCluster(
            self,
            "Resource",
            **_cluster_settings(ctx),
            **_access(ctx.cluster, self.client.tenant_id),
            resource_group_name=network.resource_group.name,
            identity=KubernetesClusterIdentity(type="UserAssigned", identity_ids=[self.identity.id]),
            oms_agent=KubernetesClusterOmsAgent(
                log_analytics_workspace_id=ctx.global_refs.log_analytics_id,
                msi_auth_for_monitoring_enabled=True,
            ),
            network_profile=_network_profile(ctx.region, ctx.cluster),
            default_node_pool=KubernetesClusterDefaultNodePool(
                name="system",
                temporary_name_for_rotation="systemtmp",
                only_critical_addons_enabled=True,
                upgrade_settings=KubernetesClusterDefaultNodePoolUpgradeSettings(
                    max_surge=MAX_SURGE, drain_timeout_in_minutes=DRAIN_TIMEOUT_MINUTES
                ),
                **_pool_settings(ctx, ctx.cluster.system_pool, network),
            ),
            tags=ctx.tags,
            # The subnet must be finished (its NSG attached) before AKS puts nodes into it.
            depends_on=[*network_roles, network.nsg_association],
        )
        self.user_pool = KubernetesClusterNodePool(
            self,
            "user_pool",
            name="user",
            temporary_name_for_rotation="usertmp",
            kubernetes_cluster_id=self.cluster.id,
            mode="User",
            upgrade_settings=KubernetesClusterNodePoolUpgradeSettings(
                max_surge=MAX_SURGE, drain_timeout_in_minutes=DRAIN_TIMEOUT_MINUTES
            ),
            **_pool_settings(ctx, ctx.cluster.user_pool, network),
        )
        self._role_assignments(ctx.global_refs)
        self._admin_groups(ctx.cluster)

    @property
    def name(self) -> str:
        return self.cluster.name

    @property
    def oidc_issuer_url(self) -> str:
        """The issuer workload identity federations trust (cert-manager's, for one)."""
        return self.cluster.oidc_issuer_url

    def _control_plane_identity(self, ctx: RegionContext, network: RegionNetwork) -> list[RoleAssignment]:
        """The control plane's identity, with Network Contributor on the ingress resource group
        and on the cluster subnet (assigned before the cluster exists: its ``depends_on``)."""
        self.identity = UserAssignedIdentity(
            self,
            "control_plane_identity",
            name=naming.control_plane_identity(ctx.project, ctx.region_name),
            resource_group_name=network.resource_group.name,
            location=ctx.region_name,
            tags=ctx.tags,
        )
        grants = (
            (
                "control_plane_network_contributor",
                network.ingress_resource_group.id,
                "AKS control plane: attach the ingress public IPs to the cluster load balancer",
            ),
            (
                "control_plane_subnet_network_contributor",
                network.cluster_subnet.id,
                "AKS control plane: join nodes and load balancers to the cluster subnet",
            ),
        )
        assignments = [
            RoleAssignment(
                self,
                id_,
                scope=scope,
                role_definition_name=roles.NETWORK_CONTRIBUTOR,
                principal_id=self.identity.principal_id,
                principal_type="ServicePrincipal",
                description=description,
            )
            for id_, scope, description in grants
        ]
        return assignments

    def _role_assignments(self, global_refs: GlobalRefs) -> None:
        RoleAssignment(
            self,
            "kubelet_acr_pull",
            scope=global_refs.registry_id,
            role_definition_name=roles.ACR_PULL,
            principal_id=self.cluster.kubelet_identity.object_id,
            principal_type="ServicePrincipal",
            description="AKS kubelet: pull images from the global registry",
        )
        RoleAssignment(
            self,
            "secrets_provider_key_vault_reader",
            scope=global_refs.key_vault_id,
            role_definition_name=roles.KEY_VAULT_SECRETS_USER,
            principal_id=self.cluster.key_vault_secrets_provider.secret_identity.get(0).object_id,
            principal_type="ServicePrincipal",
            description="AKS Key Vault secrets provider: read secrets from the global vault",
        )
        # Who applies, not who plans: a plan made by another identity (the deploy workflow's
        # planning identity) would otherwise grant cluster admin to the planner. Unset, the
        # identity running Terraform (one identity plans and applies, as `make deploy` does).
        deployer = TerraformVariable(
            self,
            "deployer_object_id",
            type="string",
            default="",
            description="Object ID of the identity that applies the workloads stacks; empty: the one running Terraform",
        )
        deployer.override_logical_id(DEPLOYER_VARIABLE)
        self.deployer_admin = RoleAssignment(
            self,
            "deployer_cluster_admin",
            scope=self.cluster.id,
            role_definition_name=roles.AKS_RBAC_CLUSTER_ADMIN,
            principal_id=Fn.coalesce([deployer.string_value, self.client.object_id]),
            description="The identity running cdktf deploy: install the ingresses (workloads stack)",
        )

    def _admin_groups(self, settings: Cluster) -> None:
        for group in settings.admin_group_object_ids:
            # Keyed by the group's object ID: adding or removing a group leaves the others alone.
            RoleAssignment(
                self,
                f"admin_group_{group}",
                scope=self.cluster.id,
                role_definition_name=roles.AKS_RBAC_CLUSTER_ADMIN,
                principal_id=group,
                principal_type="Group",
                description="Cluster administrators (cluster.admin_group_object_ids)",
            )


def _cluster_settings(ctx: RegionContext) -> dict[str, Any]:
    """Name, version, upgrades and add-ons of the cluster resource."""
    settings, name = ctx.cluster, naming.cluster(ctx.project, ctx.region_name)
    return {
        "name": name,
        "location": ctx.region_name,
        "dns_prefix": name,
        "node_resource_group": naming.node_resource_group(ctx.project, ctx.region_name),
        "kubernetes_version": settings.kubernetes_version,
        "sku_tier": settings.sku_tier,
        "automatic_upgrade_channel": "patch",
        "node_os_upgrade_channel": "NodeImage",
        "maintenance_window_auto_upgrade": KubernetesClusterMaintenanceWindowAutoUpgrade(**_window(settings)),
        "maintenance_window_node_os": KubernetesClusterMaintenanceWindowNodeOs(**_window(settings)),
        "oidc_issuer_enabled": True,
        "workload_identity_enabled": True,
        "azure_policy_enabled": True,
        "image_cleaner_enabled": True,
        "image_cleaner_interval_hours": 48,
        "run_command_enabled": False,
        "key_vault_secrets_provider": KubernetesClusterKeyVaultSecretsProvider(
            secret_rotation_enabled=True, secret_rotation_interval=SECRET_ROTATION_INTERVAL
        ),
    }


def _access(settings: Cluster, tenant_id: str) -> dict[str, Any]:
    """Who reaches the API server and how: Entra ID with Azure RBAC, no local accounts, and
    a private endpoint (with a public FQDN) or a public one limited to authorized ranges."""
    private = settings.api_server.private
    return {
        "local_account_disabled": True,
        "role_based_access_control_enabled": True,
        "azure_active_directory_role_based_access_control": (
            KubernetesClusterAzureActiveDirectoryRoleBasedAccessControl(
                azure_rbac_enabled=True, tenant_id=tenant_id
            )
        ),
        "private_cluster_enabled": private,
        # A public name that resolves (anywhere) to the private API address, so the
        # workloads stack's providers reach it from a peered network such as the hub.
        "private_cluster_public_fqdn_enabled": True if private else None,
        "api_server_access_profile": (
            None
            if private
            else KubernetesClusterApiServerAccessProfile(
                authorized_ip_ranges=list(settings.api_server.authorized_ip_ranges)
            )
        ),
    }


def _pool_settings(ctx: RegionContext, pool: NodePool, network: RegionNetwork) -> dict[str, Any]:
    """What the system and the user pool share: size and scaling from the config, the zones,
    the subnet, Azure Linux on ephemeral, host-encrypted disks, no public node addresses."""
    return {
        "vm_size": pool.vm_size,
        "auto_scaling_enabled": True,
        "min_count": pool.min_count,
        "max_count": pool.max_count,
        "zones": [str(z) for z in ctx.region.zones],
        "vnet_subnet_id": network.cluster_subnet.id,
        "os_sku": "AzureLinux",
        "os_disk_type": "Ephemeral",
        "os_disk_size_gb": pool.os_disk_size_gb,
        "host_encryption_enabled": True,
        "max_pods": MAX_PODS,
        "node_public_ip_enabled": False,
        "tags": ctx.tags,
    }


def _window(settings: Cluster) -> dict[str, Any]:
    window = settings.maintenance
    return {
        "frequency": "Weekly",
        "interval": 1,
        "day_of_week": window.day_of_week,
        "start_time": window.start_time,
        "duration": window.duration_hours,
        "utc_offset": window.utc_offset,
    }


def _network_profile(region: Region, settings: Cluster) -> KubernetesClusterNetworkProfile:
    cilium = settings.network_data_plane == "cilium"
    return KubernetesClusterNetworkProfile(
        network_plugin="azure",
        network_plugin_mode="overlay",
        network_data_plane=settings.network_data_plane,
        network_policy="cilium" if cilium else None,
        ip_versions=["IPv4", "IPv6"],
        pod_cidrs=list(region.pod_cidrs),
        service_cidrs=list(region.service_cidrs),
        dns_service_ip=region.dns_service_ip,
        load_balancer_sku="standard",
        outbound_type="loadBalancer",
        load_balancer_profile=KubernetesClusterNetworkProfileLoadBalancerProfile(
            managed_outbound_ip_count=1, managed_outbound_ipv6_count=1
        ),
    )
