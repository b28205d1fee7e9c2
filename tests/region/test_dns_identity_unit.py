"""``DnsIdentity`` alone (the region side of HTTPS): cert-manager's identity, its one grant and
its federation."""

from __future__ import annotations

import pytest
from constructhelp import REFS, Synth, bare_stack, config, region_context, synth

from dualstack.region.dns_identity import AUDIENCE, SERVICE_ACCOUNT, SUBJECT, DnsIdentity

ISSUER_URL = "https://oidc.given.test/issuer/"
IDENTITY = "azurerm_user_assigned_identity"


@pytest.fixture(scope="module", params=["default", "nat46-southeastasia"])
def identity(request: pytest.FixtureRequest) -> tuple[str, str, Synth]:
    stem, _, region = request.param.partition("-")
    ctx = region_context(config(stem), region or None)
    stack = bare_stack()
    DnsIdentity(
        stack, "cert_manager_dns", ctx=ctx, resource_group_name="rg-given", oidc_issuer_url=ISSUER_URL
    )
    return ctx.project, ctx.region_name, synth(stack)


def test_identity_is_named_for_the_region_in_the_given_group(identity: tuple[str, str, Synth]) -> None:
    project, region, out = identity
    body = out.resource(IDENTITY, "cert_manager_dns/identity")
    assert body["name"] == f"id-{project}-{region}-cert-manager"
    assert (body["resource_group_name"], body["location"]) == ("rg-given", region)


def test_identity_may_write_the_public_zone_only(identity: tuple[str, str, Synth]) -> None:
    _, _, out = identity
    (grant,) = out.resources("azurerm_role_assignment").values()
    assert grant["scope"] == REFS.dns_zone_id
    assert grant["role_definition_id"] == REFS.acme_dns_role_id
    assert "role_definition_name" not in grant
    assert grant["principal_id"] == out.ref(IDENTITY, "cert_manager_dns/identity", "principal_id")


def test_federation_trusts_cert_managers_service_account_on_this_cluster(
    identity: tuple[str, str, Synth],
) -> None:
    project, region, out = identity
    credential = out.resource(
        "azurerm_federated_identity_credential", "cert_manager_dns/federated_credential"
    )
    assert credential["name"] == f"fic-{project}-{region}-cert-manager"
    assert credential["parent_id"] == out.ref(IDENTITY, "cert_manager_dns/identity", "id")
    assert credential["issuer"] == ISSUER_URL
    assert credential["subject"] == SUBJECT == f"system:serviceaccount:cert-manager:{SERVICE_ACCOUNT}"
    assert credential["audience"] == [AUDIENCE]
