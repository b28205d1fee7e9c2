"""The Front Door edge (``edge.kind: front_door``, config/frontdoor.yaml) and what the
Traffic Manager edge keeps: which stack holds what, the WAF from the config, the origin
lockdown (NSG service tag and the controllers' X-Azure-FDID check) and the variants a
platform team will try (translator off, a drained region)."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from synthhelp import CONFIGS, Stack, Synthesized, assert_probe_reaches_the_app, set_key, terraform

from dualstack.config import FrontDoorEdge

FD = "frontdoor"
FD_CONFIG = CONFIGS[FD]
FD_TYPES = (
    "azurerm_cdn_frontdoor_profile",
    "azurerm_cdn_frontdoor_endpoint",
    "azurerm_cdn_frontdoor_origin_group",
    "azurerm_cdn_frontdoor_custom_domain",
    "azurerm_cdn_frontdoor_firewall_policy",
    "azurerm_cdn_frontdoor_security_policy",
)
TM_TYPES = ("azurerm_traffic_manager_profile", "azurerm_traffic_manager_external_endpoint")


def _fd() -> FrontDoorEdge:
    assert isinstance(FD_CONFIG.edge, FrontDoorEdge)
    return FD_CONFIG.edge


def _one(stack: Stack, rtype: str) -> dict[str, Any]:
    (body,) = stack.resources(rtype).values()
    return body


def _ref(stack: Stack, rtype: str, path_suffix: str, attr: str) -> str:
    return "${" + stack.address(rtype, path_suffix) + f".{attr}" + "}"


@pytest.fixture(scope="module")
def fd(synthesized_configs: dict[str, Synthesized]) -> Synthesized:
    return synthesized_configs[FD]


def test_traffic_manager_configs_have_no_front_door_resource(
    synthesized_configs: dict[str, Synthesized],
) -> None:
    for stem, out in synthesized_configs.items():
        if stem == FD:
            continue
        assert "edge" not in out.stacks
        for stack in out.stacks.values():
            assert not any(t.startswith("azurerm_cdn_frontdoor") for t in stack.json.get("resource", {}))


def test_global_holds_the_front_door_and_no_traffic_manager(fd: Synthesized) -> None:
    glob = fd["global"]
    for rtype in FD_TYPES:
        assert len(glob.resources(rtype)) == 1, rtype
    for stack in fd.stacks.values():
        for rtype in TM_TYPES:
            assert not stack.resources(rtype), f"{stack.name} {rtype}"
    profile = _one(glob, "azurerm_cdn_frontdoor_profile")
    assert profile["sku_name"] == "Premium_AzureFrontDoor"
    assert profile["name"] == f"afd-{FD_CONFIG.project}"
    assert profile["lifecycle"] == {"prevent_destroy": True}
    endpoint = _one(glob, "azurerm_cdn_frontdoor_endpoint")
    assert endpoint["cdn_frontdoor_profile_id"] == _ref(
        glob, "azurerm_cdn_frontdoor_profile", "profile", "id"
    )


def test_origin_group_is_latency_based_with_https_probes_of_the_applications_path(fd: Synthesized) -> None:
    """The probe asks the application (through the origin's host header, the app's name, and
    the sample app's Ingress), not a location the controller answers itself."""
    group = _one(fd["global"], "azurerm_cdn_frontdoor_origin_group")
    assert group["load_balancing"]["additional_latency_in_milliseconds"] == _fd().latency_sensitivity_ms
    assert group["session_affinity_enabled"] is False
    probe = group["health_probe"]
    assert (probe["protocol"], probe["path"], probe["request_type"]) == ("Https", "/healthz", "GET")
    assert probe["path"] == FD_CONFIG.probe.path
    for region in FD_CONFIG.regions:
        for origin in fd[region].resources("azurerm_cdn_frontdoor_origin").values():
            assert origin["origin_host_header"] == FD_CONFIG.dns.app_host
        assert_probe_reaches_the_app(
            fd[f"{region}-workloads"], FD_CONFIG.dns.app_host, probe["path"], tls=True
        )


def test_the_app_name_is_one_cname_to_the_endpoint_and_no_alias(fd: Synthesized) -> None:
    """Front Door renews its managed certificate on its own only for a domain that is a CNAME
    straight to the endpoint: the app name is that CNAME, and no A or AAAA record has an
    instance (declared with ``count: 0``, so a switch of edges orders the swap)."""
    glob = fd["global"]
    (cname,) = glob.resources("azurerm_dns_cname_record").values()
    assert cname["name"] == FD_CONFIG.dns.app_name
    assert cname["record"] == _ref(glob, "azurerm_cdn_frontdoor_endpoint", "endpoint", "host_name")
    assert glob.resources("azurerm_dns_a_record") == glob.resources("azurerm_dns_aaaa_record") == {}
    for rtype in ("azurerm_dns_a_record", "azurerm_dns_aaaa_record"):
        assert all(body["count"] == 0 for body in glob.declared(rtype).values())
    # Nothing else in any stack points the app's name at the endpoint by alias.
    endpoint_id = _ref(glob, "azurerm_cdn_frontdoor_endpoint", "endpoint", "id")
    for stack in fd.stacks.values():
        for rtype in ("azurerm_dns_a_record", "azurerm_dns_aaaa_record"):
            for body in stack.resources(rtype).values():
                assert body.get("target_resource_id") != endpoint_id


@pytest.mark.skipif(shutil.which("terraform") is None, reason="the Terraform CLI is a prerequisite")
def test_terraform_swaps_the_records_in_order_both_ways(
    default_synth: Synthesized, fd: Synthesized, tmp_path: Path
) -> None:
    """Terraform itself, on the three records exactly as the two edges synthesize them (their
    addresses, ``count`` and ``depends_on``), with built-in stand-ins that log when they are
    created and destroyed (the azurerm provider is not available offline): Traffic Manager ->
    Front Door deletes the A and AAAA records before it creates the CNAME, and back again the
    CNAME goes before the A and AAAA records come."""
    log = tmp_path / "log.txt"
    names = {
        "azurerm_dns_a_record": "a",
        "azurerm_dns_aaaa_record": "aaaa",
        "azurerm_dns_cname_record": "cname",
    }

    def write(out: Synthesized) -> None:
        stand_ins: dict[str, Any] = {}
        rename = {}
        record_names = set()
        for rtype, short in names.items():
            ((key, body),) = out["global"].json["resource"][rtype].items()
            record_names.add(body["name"])
            rename[f"{rtype}.{key}"] = f"terraform_data.{short}"
            stand_ins[short] = {"count": body.get("count"), "depends_on": body.get("depends_on", [])}
        assert len(record_names) == 1, "the three records are of one name"
        resources = {}
        for short, stand_in in stand_ins.items():
            body = {
                "input": short,
                "provisioner": [
                    {"local-exec": {"command": f"sleep 1; echo create {short} >> {log}"}},
                    {"local-exec": {"when": "destroy", "command": f"sleep 1; echo destroy {short} >> {log}"}},
                ],
            }
            if stand_in["count"] is not None:
                body["count"] = stand_in["count"]
            if stand_in["depends_on"]:
                body["depends_on"] = [rename[d] for d in stand_in["depends_on"]]
            resources[short] = body
        (tmp_path / "main.tf.json").write_text(json.dumps({"resource": {"terraform_data": resources}}))

    write(default_synth)
    terraform(tmp_path, "init")
    terraform(tmp_path, "apply", "-auto-approve")
    assert log.read_text().split("\n")[:-1] in (["create a", "create aaaa"], ["create aaaa", "create a"])
    log.write_text("")
    write(fd)
    terraform(tmp_path, "apply", "-auto-approve")
    steps = log.read_text().splitlines()
    assert sorted(steps[:2]) == ["destroy a", "destroy aaaa"] and steps[2:] == ["create cname"], steps
    log.write_text("")
    write(default_synth)
    terraform(tmp_path, "apply", "-auto-approve")
    steps = log.read_text().splitlines()
    assert steps[0] == "destroy cname" and sorted(steps[1:]) == ["create a", "create aaaa"], steps


def _controller_entries(workloads: Stack) -> dict[str, dict[str, str]]:
    return {
        body["name"]: yaml.safe_load(body["values"][0])["controller"]["config"]["entries"]
        for body in workloads.resources("helm_release").values()
        if body["name"].startswith("ingress-")
    }


@pytest.mark.parametrize("region", list(FD_CONFIG.regions))
def test_controllers_refuse_requests_without_this_front_doors_id(fd: Synthesized, region: str) -> None:
    workloads = fd[f"{region}-workloads"]
    data = workloads.json["data"]["azurerm_cdn_frontdoor_profile"]
    ((key, profile),) = data.items()
    assert (profile["name"], profile["resource_group_name"]) == (
        f"afd-{FD_CONFIG.project}",
        f"rg-{FD_CONFIG.project}-global",
    )
    fdid = "${data.azurerm_cdn_frontdoor_profile." + key + ".resource_guid}"
    entries = _controller_entries(workloads)
    assert set(entries) == {"ingress-ipv4", "ingress-ipv6"}
    for release, values in entries.items():
        http = values["http-snippets"]
        # A request is refused unless its X-Azure-FDID is the profile's ID; only the probe path is exempt.
        assert f'"{fdid}" 0;' in http, release
        assert re.search(r"map \$http_x_azure_fdid \$dualstack_not_front_door \{\s+default 1;", http)
        # Exempt: a GET of exactly the application's health path on the app's own name (what
        # Front Door's probe sends), which then goes on to the application like any request.
        probe, host = FD_CONFIG.probe.path, FD_CONFIG.dns.app_host
        assert re.search(
            r'map "\$request_method \$host \$uri" \$dualstack_edge_probe \{\s+default 0;\s+'
            rf'"GET {re.escape(host)} {re.escape(probe)}" 1;\s+\}}',
            http,
        )
        assert re.search(
            r'map "\$dualstack_not_front_door\$dualstack_edge_probe" \$dualstack_refuse \{\s+default 0;\s+"10" 1;',
            http,
        )
        server = values["server-snippets"]
        assert re.search(r"if \(\$dualstack_refuse\) \{\s+return 403;\s+\}", server)
        assert "location" not in server and "return 200" not in server
        # The client address: the last X-Forwarded-For entry (Front Door's), never the first.
        assert values["real-ip-header"] == "X-Forwarded-For"
        assert values["real-ip-recursive"] == "false"
    # Ingress annotations still may not carry snippets.
    for body in workloads.resources("helm_release").values():
        if body["name"].startswith("ingress-"):
            assert yaml.safe_load(body["values"][0])["controller"]["enableSnippets"] is False


Variant = Callable[..., Synthesized]


def test_a_drained_region_has_no_origins_and_changes_no_other_stack(
    synth_variant: Variant, fd: Synthesized
) -> None:
    out = synth_variant(FD, set_key("regions.northeurope.drain", True), "frontdoor-drained")
    assert not out["northeurope"].resources("azurerm_cdn_frontdoor_origin")
    assert out["westeurope"].resources("azurerm_cdn_frontdoor_origin")
    for name in ("global", "edge", "westeurope", "westeurope-workloads", "northeurope-workloads"):
        assert out[name].text == fd[name].text, name


def test_the_review_tool_reads_a_drained_front_door_region_as_drained(
    synth_variant: Variant, fd: Synthesized
) -> None:
    from dualstack.review.diff import diff_outdirs

    out = synth_variant(FD, set_key("regions.northeurope.drain", True), "frontdoor-drained")
    report = diff_outdirs(fd.outdir, out.outdir)
    assert report.loud == ()
    by_name = {s.name: s for s in report.stacks}
    assert by_name["northeurope"].drained
    assert {c.item.rtype for c in by_name["northeurope"].changes} == {"azurerm_cdn_frontdoor_origin"}
    assert by_name["edge"].region is None


def test_switching_an_environment_to_front_door_is_loud_and_says_what_the_name_does(
    synth_variant: Variant, default_synth: Synthesized
) -> None:
    """The Traffic Manager profiles are protected: the review gate names them, so the switch
    needs an acknowledgement. The app name swaps its A and AAAA records for a CNAME: the change
    summary says so, with what clients see during the apply."""
    from dualstack.review.diff import diff_outdirs
    from dualstack.review.markdown import render

    def to_front_door(raw: dict[str, Any]) -> None:
        raw["edge"] = {"kind": "front_door"}
        raw["tls"]["issuer"] = "letsencrypt"

    out = synth_variant("default", to_front_door, "default-front-door")
    report = diff_outdirs(default_synth.outdir, out.outdir)
    loud = {(stack, c.item.rtype, c.action) for stack, c in report.loud}
    assert loud == {("global", "azurerm_traffic_manager_profile", "remove")}
    glob = {s.name: s for s in report.stacks}["global"]
    records = {
        (c.item.rtype, c.action): c
        for c in glob.changes
        if c.item.rtype in ("azurerm_dns_a_record", "azurerm_dns_aaaa_record", "azurerm_dns_cname_record")
    }
    assert set(records) == {
        ("azurerm_dns_a_record", "remove"),
        ("azurerm_dns_aaaa_record", "remove"),
        ("azurerm_dns_cname_record", "add"),
    }
    for key in (("azurerm_dns_a_record", "remove"), ("azurerm_dns_aaaa_record", "remove")):
        impact = records[key].impact
        assert impact.startswith(f"the name `{CONFIGS['default'].dns.app_name}` swaps its ")
        assert "for CNAME" in impact and "deletes the old record first" in impact and "300 s" in impact
    text = render(report)
    assert "swaps its A (IPv4) record for CNAME" in text and "swaps its AAAA (IPv6) record for CNAME" in text


def test_adding_a_region_behind_front_door_changes_only_its_stacks_and_the_registry(
    synth_variant: Variant, fd: Synthesized
) -> None:
    def add(raw: dict[str, Any]) -> None:
        raw["regions"]["swedencentral"] = {
            "address_space": {"ipv4": "10.50.0.0/16", "ipv6": "fd5a:7c31:e900:500::/56"}
        }

    more = synth_variant(FD, add, "frontdoor-plus-swedencentral")
    assert set(more.stacks) == set(fd.stacks) | {"swedencentral", "swedencentral-workloads"}
    for name in ("edge", "westeurope", "westeurope-workloads", "northeurope", "northeurope-workloads"):
        assert more[name].text == fd[name].text, f"{name} changed when a region was added"
    assert set(more.dependencies()["edge"]) == {"global", "westeurope", "northeurope", "swedencentral"}
    # In global only the registry gains its replica, as with the Traffic Manager edge.
    before, after = fd["global"].bodies(), more["global"].bodies()
    assert set(before) == set(after)
    changed = {a for a in before if before[a] != after[a]}
    assert changed == {a for a in before if a.startswith("azurerm_container_registry.")}
    assert len(more["swedencentral"].resources("azurerm_cdn_frontdoor_origin")) == 2
