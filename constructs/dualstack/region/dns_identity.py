"""cert-manager's Azure identity for ACME DNS-01, in the region stack: a user-assigned identity
with the custom ACME role (TXT record sets only, ``roles.ACME_DNS_ACTIONS``) on the global public
zone only, and a federated credential that lets cert-manager's service account on the region's
cluster act as it. cert-manager itself is in the workloads stack (``workloads.cert_manager``)."""

from __future__ import annotations

from constructs import Construct

from dualstack import naming
from dualstack.framework import FederatedIdentityCredential, RoleAssignment, UserAssignedIdentity
from dualstack.region.context import RegionContext

NAMESPACE = "cert-manager"
SERVICE_ACCOUNT = "cert-manager"
"""The controller's service account: the chart names it after the release."""
SUBJECT = f"system:serviceaccount:{NAMESPACE}:{SERVICE_ACCOUNT}"
"""The federated credential's subject: cert-manager's service account."""
AUDIENCE = "api://AzureADTokenExchange"


class DnsIdentity(Construct):
    """cert-manager's identity for DNS-01 in one region: the custom ACME role (read the zone,
    manage TXT record sets) on the public zone only, and a federated credential for cert-manager's service account on this region's
    cluster (its OIDC issuer), so no client secret exists anywhere.

    One identity per region rather than one shared: Azure refuses concurrent writes of
    federated credentials under one identity (409 conflict), and the region stacks deploy in
    parallel; an identity holds at most 20 credentials; and retiring a region removes its
    identity and its grant with it.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        ctx: RegionContext,
        resource_group_name: str,
        oidc_issuer_url: str,
    ) -> None:
        super().__init__(scope, id_)
        project, region_name, tags, zone_id = (
            ctx.project,
            ctx.region_name,
            ctx.tags,
            ctx.global_refs.dns_zone_id,
        )
        self.identity = UserAssignedIdentity(
            self,
            "identity",
            name=naming.cert_manager_identity(project, region_name),
            resource_group_name=resource_group_name,
            location=region_name,
            tags=tags,
        )
        role_id = ctx.global_refs.acme_dns_role_id
        # A new construct id: the role changed from the built-in DNS Zone Contributor, and a
        # role assignment's role cannot change in place (Azure replaces it either way).
        RoleAssignment(
            self,
            "acme_txt_records",
            scope=zone_id,
            role_definition_id=role_id,
            principal_id=self.identity.principal_id,
            principal_type="ServicePrincipal",
            description="cert-manager: ACME DNS-01 TXT records in the public zone, nothing else",
        )
        self.credential = FederatedIdentityCredential(
            self,
            "federated_credential",
            name=naming.cert_manager_federation(project, region_name),
            resource_group_name=resource_group_name,
            parent_id=self.identity.id,
            issuer=oidc_issuer_url,
            subject=SUBJECT,
            audience=[AUDIENCE],
        )
