"""The global construct: what every region shares.

A resource group with the public DNS zone, the private DNS zone for in-VNet clients, the
container registry (geo-replicated to every region), the Key Vault, the Log Analytics
workspace, and the edge: Traffic Manager profiles, or the Front Door profile with its WAF.
Region stacks reference these; nothing here references a region stack.
"""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from dualstack import naming, protection, roles
from dualstack.config import Dns, FrontDoorEdge, Global, ProbeSettings
from dualstack.framework import (
    ContainerRegistry,
    ContainerRegistryGeoreplications,
    DataAzurermClientConfig,
    DnsZone,
    KeyVault,
    KeyVaultNetworkAcls,
    LogAnalyticsWorkspace,
    PrivateDnsZone,
    ResourceGroup,
    RoleDefinition,
    RoleDefinitionPermissions,
)
from dualstack.global_.front_door import FrontDoor, FrontDoorProps
from dualstack.global_.traffic import GlobalTraffic, TrafficProps
from dualstack.naming import IpFamily
from dualstack.refs import GlobalRefs


@dataclass(frozen=True)
class GlobalProps:
    """What the global stack's services read of the config (``global_.stack.global_props`` builds it,
    the global stack's one reader of ``Config``)."""

    project: str
    prevent_destroy: bool
    global_: Global
    """``global``: location, registry and vault names, log retention."""
    dns: Dns
    region_names: tuple[str, ...]
    """Every region, for the registry's replicas."""
    front_door: FrontDoorEdge | None
    probe: ProbeSettings
    public_families: tuple[IpFamily, ...]
    tags: dict[str, str]


class GlobalServices(Construct):
    """Shared services; ``refs`` is what region stacks receive.

    Built in parts, each a method on this one construct (the construct paths, and so the
    Terraform addresses, stay ``services/<id>``): names (resource group and zones), the
    registry, the vault, the workspace, and the edge (Front Door, then the app's records).
    """

    def __init__(self, scope: Construct, id_: str, *, props: GlobalProps) -> None:
        super().__init__(scope, id_)
        self._props = props
        self._protect = protection.lifecycle(props.prevent_destroy)
        client = DataAzurermClientConfig(self, "client")
        self._zones()
        registry = self._registry()
        vault = self._vault(client.tenant_id)
        workspace = LogAnalyticsWorkspace(
            self,
            "log_analytics",
            name=naming.log_analytics(props.project),
            resource_group_name=self.group.name,
            location=props.global_.location,
            sku="PerGB2018",
            retention_in_days=props.global_.log_retention_days,
            tags=props.tags,
            lifecycle=self._protect,
        )
        front_door, traffic = self._edge()
        self.front_door, self.traffic = front_door, traffic
        self.refs = GlobalRefs(
            resource_group_name=self.group.name,
            dns_zone_name=self.zone.name,
            private_dns_zone_name=self.private_zone.name,
            registry_id=registry.id,
            key_vault_id=vault.id,
            log_analytics_id=workspace.id,
            traffic_manager_profile_ids={f: p.id for f, p in traffic.profiles.items()},
            private_link_targets={"registry": registry.id, "vault": vault.id},
            dns_zone_id=self.zone.id,
            acme_dns_role_id=self._acme_dns_role(),
            front_door=front_door.refs if front_door is not None else None,
        )

    def _zones(self) -> None:
        """The global resource group, the public zone and the private zone."""
        props, tags = self._props, self._props.tags
        self.group = ResourceGroup(
            self,
            "resource_group",
            name=naming.global_resource_group(props.project),
            location=props.global_.location,
            tags=tags,
        )
        self.zone = DnsZone(
            self,
            "dns_zone",
            name=props.dns.zone_name,
            resource_group_name=self.group.name,
            tags=tags,
            lifecycle=self._protect,
        )
        self.private_zone = PrivateDnsZone(
            self,
            "private_dns_zone",
            name=props.dns.private_zone_name,
            resource_group_name=self.group.name,
            tags=tags,
            lifecycle=self._protect,
        )

    def _acme_dns_role(self) -> str:
        """The custom role cert-manager's identities get on the public zone (TXT records only,
        ``roles.ACME_DNS_ACTIONS``). Defined on the global resource group (Azure takes a
        subscription, management group or resource group as assignable scope, not a zone) and
        assigned on the zone by each region stack with certificates. Defined whatever
        ``tls.issuer`` says: ``global`` applies before the regions, and Azure refuses to delete a
        role that still has assignments, so turning certificates off must not remove it."""
        role = RoleDefinition(
            self,
            "acme_dns_role",
            name=naming.acme_dns_role(self._props.project, self._props.dns.zone_name),
            scope=self.group.id,
            assignable_scopes=[self.group.id],
            description="cert-manager ACME DNS-01: read the zone, manage its TXT record sets; nothing else",
            permissions=[RoleDefinitionPermissions(actions=list(roles.ACME_DNS_ACTIONS))],
        )
        return role.role_definition_resource_id

    def _registry(self) -> ContainerRegistry:
        props, tags, glob = self._props, self._props.tags, self._props.global_
        return ContainerRegistry(
            self,
            "registry",
            name=glob.registry_name,
            resource_group_name=self.group.name,
            location=glob.location,
            sku="Premium",
            admin_enabled=False,
            anonymous_pull_enabled=False,
            # Reached through a private endpoint in every region (RegionEndpoints) only.
            public_network_access_enabled=False,
            network_rule_bypass_option="AzureServices",
            data_endpoint_enabled=True,
            retention_policy_in_days=7,
            export_policy_enabled=False,
            zone_redundancy_enabled=True,
            georeplications=[
                ContainerRegistryGeoreplications(location=region, zone_redundancy_enabled=True, tags=tags)
                for region in sorted(props.region_names)
                if region != glob.location
            ],
            tags=tags,
            lifecycle=self._protect,
        )

    def _vault(self, tenant_id: str) -> KeyVault:
        glob = self._props.global_
        return KeyVault(
            self,
            "key_vault",
            name=glob.key_vault_name,
            resource_group_name=self.group.name,
            location=glob.location,
            tenant_id=tenant_id,
            sku_name="standard",
            rbac_authorization_enabled=True,
            purge_protection_enabled=True,
            soft_delete_retention_days=90,
            # Reached through a private endpoint in every region (RegionEndpoints) only.
            public_network_access_enabled=False,
            network_acls=KeyVaultNetworkAcls(default_action="Deny", bypass="AzureServices"),
            tags=self._props.tags,
            lifecycle=self._protect,
        )

    def _edge(self) -> tuple[FrontDoor | None, GlobalTraffic]:
        """Front Door (``edge.kind: front_door``), then the app's records and, with the Traffic
        Manager edge, its profiles."""
        props, tags = self._props, self._props.tags
        front_door = None
        if props.front_door is not None:
            front_door = FrontDoor(
                self,
                "front_door",
                props=FrontDoorProps(
                    project=props.project,
                    app_name=props.dns.app_name,
                    app_host=props.dns.app_host,
                    settings=props.front_door,
                    probe_path=props.probe.path,
                    tags=tags,
                    prevent_destroy=props.prevent_destroy,
                ),
                group=self.group,
                zone=self.zone,
            )
        traffic = GlobalTraffic(
            self,
            "traffic",
            props=TrafficProps(
                project=props.project,
                app_name=props.dns.app_name,
                served=props.public_families,
                probe=props.probe,
                tags=tags,
                prevent_destroy=props.prevent_destroy,
            ),
            group=self.group,
            zone=self.zone,
            front_door=front_door.endpoint if front_door is not None else None,
        )
        return front_door, traffic
