"""``GlobalTraffic`` alone: both Traffic Manager profiles always, alias records for the served
families; with ``front_door`` no profile and the app name one CNAME to the endpoint's host name.
Both edges declare the same three records (``count: 0`` for those not used), the CNAME after
the A and AAAA records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from constructhelp import FRONT_DOOR, Synth, bare_stack, monitor_part, probe_monitor, synth

from dualstack.config import ProbeSettings
from dualstack.framework import DnsZone, ResourceGroup
from dualstack.global_.traffic import DNS_TTL, GlobalTraffic, TrafficProps
from dualstack.naming import ALL_FAMILIES, IpFamily

PROFILE = "azurerm_traffic_manager_profile"
ALIAS = {"ipv4": "azurerm_dns_a_record", "ipv6": "azurerm_dns_aaaa_record"}
CNAME = "azurerm_dns_cname_record"
ENDPOINT = SimpleNamespace(id=FRONT_DOOR.endpoint_id, host_name="ep-fake-abc123.z01.azurefd.net")
TAGS = {"given": "tags"}


DEFAULT_PROBE = ProbeSettings(
    path="/healthz", protocol="HTTPS", port=443, host="web.zone.given.test", expected_status="200-200"
)


@dataclass(frozen=True)
class Built:
    served: tuple[IpFamily, ...]
    probe: ProbeSettings
    protected: bool
    front_door: bool
    out: Synth
    profiles: set[str]

    def alias(self, family: str) -> dict[str, Any]:
        return self.out.resource(ALIAS[family], f"traffic/{family}_alias")

    def cname(self) -> dict[str, Any]:
        return self.out.resource(CNAME, "traffic/app_cname")


def build(
    served: tuple[IpFamily, ...],
    probe: ProbeSettings = DEFAULT_PROBE,
    *,
    protected: bool = True,
    front_door: bool = False,
) -> Built:
    stack = bare_stack()
    group = ResourceGroup(stack, "group", name="rg-given", location="eastus2")
    zone = DnsZone(stack, "zone", name="zone.given.test", resource_group_name=group.name)
    traffic = GlobalTraffic(
        stack,
        "traffic",
        props=TrafficProps(
            project="proj", app_name="web", served=served, probe=probe, tags=TAGS, prevent_destroy=protected
        ),
        group=group,
        zone=zone,
        front_door=ENDPOINT if front_door else None,
    )
    out = synth(stack)
    return Built(served, probe, protected, front_door, out, set(traffic.profiles))


CUSTOM_PROBE = ProbeSettings(
    path="/ready", protocol="HTTP", port=8080, host="other.zone.given.test", expected_status="200-299"
)

CASES: dict[str, Callable[[], Built]] = {
    "both": lambda: build(("ipv4", "ipv6")),
    "ipv4-only-custom-probe-unprotected": lambda: build(("ipv4",), CUSTOM_PROBE, protected=False),
    "ipv6-only": lambda: build(("ipv6",)),
}


@pytest.fixture(scope="module")
def built() -> dict[str, Built]:
    return {name: make() for name, make in CASES.items()}


@pytest.fixture(params=sorted(CASES))
def each(request: pytest.FixtureRequest, built: dict[str, Built]) -> Built:
    return built[request.param]


@pytest.fixture(scope="module")
def front_door() -> Built:
    return build(("ipv4",), front_door=True)


def test_both_profiles_exist_whatever_is_served(each: Built) -> None:
    assert each.profiles == set(ALL_FAMILIES)
    assert set(each.out.resources(PROFILE)) == {f"traffic/{f}_profile" for f in ALL_FAMILIES}


def test_profiles_route_by_performance_with_a_short_ttl(each: Built) -> None:
    for family in ALL_FAMILIES:
        profile = each.out.resource(PROFILE, f"traffic/{family}_profile")
        assert profile["name"] == f"tm-proj-web-{family}"
        assert profile["traffic_routing_method"] == "Performance"
        assert profile["dns_config"] == {"relative_name": f"proj-web-{family}", "ttl": DNS_TTL}
        assert profile["resource_group_name"] == each.out.ref("azurerm_resource_group", "group", "name")
        assert profile["tags"] == TAGS


def test_profiles_are_protected_as_asked(each: Built) -> None:
    expected = {"prevent_destroy": True} if each.protected else None
    for profile in each.out.resources(PROFILE).values():
        assert profile.get("lifecycle") == expected


def test_monitor_follows_the_probe(each: Built) -> None:
    for profile in each.out.resources(PROFILE).values():
        assert monitor_part(profile["monitor_config"]) == probe_monitor(each.probe)


def test_alias_records_only_for_served_families_aimed_at_their_profile(each: Built) -> None:
    for family in ALL_FAMILIES:
        alias = each.alias(family)
        assert alias["name"] == "web"
        assert alias["zone_name"] == each.out.ref("azurerm_dns_zone", "zone", "name")
        assert alias["target_resource_id"] == each.out.ref(PROFILE, f"traffic/{family}_profile", "id")
        assert alias["ttl"] == DNS_TTL
        assert "records" not in alias, "an alias to the profile, not fixed addresses"
        # A family that is not served has its record declared with no instance.
        assert alias.get("count") == (None if family in each.served else 0)
    assert each.cname()["count"] == 0, "no CNAME with the Traffic Manager edge"


def test_front_door_has_no_profile_and_the_name_is_one_cname_to_the_endpoint(front_door: Built) -> None:
    assert front_door.profiles == set()
    assert front_door.out.resources(PROFILE) == {}
    cname = front_door.cname()
    assert "count" not in cname
    assert (cname["name"], cname["record"], cname["ttl"]) == ("web", ENDPOINT.host_name, DNS_TTL)
    assert cname["zone_name"] == front_door.out.ref("azurerm_dns_zone", "zone", "name")
    for family in ALL_FAMILIES:  # no A or AAAA record: a CNAME cannot share its name
        assert front_door.alias(family)["count"] == 0


def test_the_cname_is_created_after_and_deleted_before_the_a_and_aaaa_records(
    built: dict[str, Built], front_door: Built
) -> None:
    for case in (*built.values(), front_door):
        assert sorted(case.cname()["depends_on"]) == sorted(
            case.out.address(ALIAS[f], f"traffic/{f}_alias") for f in ALL_FAMILIES
        )


def test_record_addresses_are_the_same_for_both_edges(built: dict[str, Built], front_door: Built) -> None:
    """Switching the edge changes which records have an instance, at the same construct paths."""
    both = built["both"]
    for rtype, path in [
        *((ALIAS[f], f"traffic/{f}_alias") for f in ALL_FAMILIES),
        (CNAME, "traffic/app_cname"),
    ]:
        assert both.out.address(rtype, path) == front_door.out.address(rtype, path)
