"""The change summary (``python -m dualstack.review diff``) on real pairs of synthesized output.

Each pair is the default config against a variant of it, synthesized in this process. The
expected sets of added, removed and changed addresses are computed straight from the JSON,
so the tests check the summary against the output rather than against fixed numbers.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from synthhelp import REPO, Stack, Synthesized, read_outdir

from dualstack.protection import DESTROY_CONSEQUENCES
from dualstack.review.diff import (
    ReviewError,
    compare,
    diff_outdirs,
    diff_stack,
    flatten,
    rule_for,
)
from dualstack.review.markdown import render
from dualstack.review.model import Change, Item, Report, StackDiff

Variant = Callable[..., Synthesized]


def add_westus3(raw: dict[str, Any]) -> None:
    raw["regions"]["westus3"] = {"address_space": {"ipv4": "10.30.0.0/16", "ipv6": "fd8e:4a1f:2c00:300::/56"}}


def nat46(raw: dict[str, Any]) -> None:
    raw["ingress"]["mode"] = "nat46"


def two_zones_in_eastus2(raw: dict[str, Any]) -> None:
    raw["regions"]["eastus2"]["zones"] = [1, 2]


def new_pod_range_in_eastus2(raw: dict[str, Any]) -> None:
    raw["regions"]["eastus2"]["pod_cidrs"] = ["10.245.0.0/16", "fd12:3456:789a::/64"]


def other_project(raw: dict[str, Any]) -> None:
    raw["project"] = "fabrikam"


def translator_off(raw: dict[str, Any]) -> None:
    raw["ingress"]["translator_enabled"] = False


def dualstack_mode(raw: dict[str, Any]) -> None:
    raw["ingress"]["mode"] = "dualstack"


def drain_swedencentral(raw: dict[str, Any]) -> None:
    raw["regions"]["swedencentral"]["drain"] = True


@pytest.fixture(scope="module")
def default(synthesized_configs: dict[str, Synthesized]) -> Synthesized:
    return synthesized_configs["default"]


def report_for(base: Synthesized, head: Synthesized) -> Report:
    return diff_outdirs(base.outdir, head.outdir, base_label="base", head_label="head")


def resources(stack: Stack | None) -> dict[str, dict[str, Any]]:
    """Resource bodies by address, without cdktf's metadata and ``depends_on`` (neither
    changes a resource): the test's own oracle."""
    if stack is None:
        return {}
    return {
        f"{rtype}.{name}": {k: v for k, v in body.items() if k not in ("//", "depends_on")}
        for rtype, entries in stack.json.get("resource", {}).items()
        for name, body in entries.items()
        if body.get("count") != 0  # declared without an instance: Terraform creates nothing
    }


def by_action(report: Report, stack: str, *actions: str) -> set[str]:
    found = next(s for s in report.stacks if s.name == stack)
    return {c.address for c in found.changes if c.kind == "resource" and c.action in actions}


def assert_matches_output(report: Report, base: Synthesized, head: Synthesized) -> None:
    """Added, removed and changed addresses are exactly those of the JSON, stack by stack."""
    names = set(base.stacks) | set(head.stacks)
    assert {s.name for s in report.stacks} == names
    for name in names:
        old, new = resources(base.stacks.get(name)), resources(head.stacks.get(name))
        assert by_action(report, name, "add") == set(new) - set(old), name
        assert by_action(report, name, "remove") == set(old) - set(new), name
        changed = {a for a in set(old) & set(new) if old[a] != new[a]}
        assert by_action(report, name, "update", "replace") == changed, name


def loud_addresses(report: Report) -> set[tuple[str, str]]:
    return {(stack, change.address) for stack, change in report.loud}


def prevents_destroy(stack: Stack, address: str) -> bool:
    return resources(stack)[address].get("lifecycle", {}).get("prevent_destroy") is True


# --- real pairs ---------------------------------------------------------------------------


def test_identical_outputs_have_no_change(default: Synthesized) -> None:
    report = report_for(default, default)
    assert not report.changed
    assert report.loud == ()
    text = render(report)
    assert "**No changes:**" in text
    assert "[!CAUTION]" not in text


def test_an_added_region_is_a_new_stack_and_a_registry_replica(
    default: Synthesized, synth_variant: Variant
) -> None:
    head = synth_variant("default", add_westus3, "review-add-westus3")
    report = report_for(default, head)
    assert_matches_output(report, default, head)
    status = {s.name: s.status for s in report.stacks}
    assert status == {
        "global": "changed",
        "eastus2": "unchanged",
        "eastus2-workloads": "unchanged",
        "swedencentral": "unchanged",
        "swedencentral-workloads": "unchanged",
        "westus3": "added",
        "westus3-workloads": "added",
    }
    new = next(s for s in report.stacks if s.name == "westus3")
    assert new.count("resource", "add") == len(resources(head["westus3"])) > 0
    assert new.count("output", "add") == len(head["westus3"].json["output"])
    (registry,) = next(s for s in report.stacks if s.name == "global").changes
    assert registry.item.rtype == "azurerm_container_registry"
    assert registry.action == "update"
    assert "georeplications[location=westus3].location" in {a.dotted for a in registry.attrs}
    assert report.loud == ()
    text = render(report)
    assert "| `westus3` | **new stack** |" in text
    assert '`georeplications[location=westus3].location`: *(absent)* → `"westus3"`' in text
    assert "pip-contoso-westus3-ingress-ipv4" in text
    assert text.index("### Stack `global`") < text.index("### Stack `westus3`")


def test_a_removed_region_is_one_loud_line_about_its_stack(
    default: Synthesized, synth_variant: Variant
) -> None:
    base = synth_variant("default", add_westus3, "review-add-westus3")
    report = report_for(base, default)
    assert_matches_output(report, base, default)
    removed = next(s for s in report.stacks if s.name == "westus3")
    assert removed.status == "removed"
    expected = {a for a in resources(base["westus3"]) if a.split(".")[0] in DESTROY_CONSEQUENCES}
    assert loud_addresses(report) == {("westus3", a) for a in expected}
    text = render(report)
    assert text.count("**STACK REMOVED**: `westus3`") == 1
    assert text.count("**STACK REMOVED**: `westus3-workloads`") == 1
    # Removing the stacks destroys nothing: the line says so, how to retire the region
    # first, and how to acknowledge it.
    assert text.count("Removing stacks from the config destroys nothing by itself") == 2
    assert text.count('`make destroy STACKS="westus3-workloads westus3"` ran first') == 2
    assert "`drain: true`" in text
    assert '`"westus3 *"` in `acknowledge_destroy`' in text
    assert "| `westus3` | **removed stack** | 0 |" in text
    # Its Kubernetes objects are not "disrupted" one by one: the stack line covers them.
    assert report.disruptive == ()
    # "<stack> *" acknowledges every protected resource of the removed stack.
    acked = diff_outdirs(base.outdir, default.outdir, acknowledge=["westus3 *"], config_label="c.yaml")
    assert acked.unacknowledged == () and acked.stale == ()
    (line,) = [x for x in render(acked).splitlines() if x.startswith("> - **STACK REMOVED**: `westus3` ")]
    assert "**✔ acknowledged**" in line and "If that is intended" not in line
    # The gate offers one entry per removed stack, first, not one per address.
    errors = report.gate_errors()
    protected_workloads = [
        a for a in resources(base["westus3-workloads"]) if a.split(".")[0] in DESTROY_CONSEQUENCES
    ]
    assert errors == [
        f"stack westus3 is no longer synthesized and {len(expected)} protected resource(s) of it would be "
        'destroyed; if retiring it is intended, add "westus3 *" to acknowledge_destroy in the config (none '
        "given: pass --config FILE or set DUALSTACK_CONFIG) (one entry for all of them)"
    ]
    assert protected_workloads == [], "the workloads stack holds nothing protected: one entry is enough"


def test_nat46_changes_the_ingress_releases_in_place_and_replaces_the_service(
    default: Synthesized, synth_variant: Variant
) -> None:
    head = synth_variant("default", nat46, "review-nat46")
    report = report_for(default, head)
    assert_matches_output(report, default, head)
    assert report.loud == ()
    assert report.gate_errors() == []
    for region in ("eastus2-workloads", "swedencentral-workloads"):
        service = head[region].address("kubernetes_service_v1", "sample_app/service")
        # The Service's primary family changes (IPv4 -> IPv6): Kubernetes cannot do that in
        # place, so the Service is replaced; nothing else is.
        assert by_action(report, region, "replace", "rename", "add", "remove") == {service}
        releases = {a for a in by_action(report, region, "update") if a.startswith("helm_release.")}
        assert len(releases) == 2
        (change,) = [
            c for c in next(s for s in report.stacks if s.name == region).changes if c.address == service
        ]
        assert [a.dotted for a in change.forcing] == ["spec.ip_families"]
        triggers = resources(head[region])[service].get("lifecycle", {}).get("replace_triggered_by", [])
        assert change.triggered_by == tuple(t for t in triggers if t.split(".")[0] == "terraform_data")
        assert change.disruptive and "cluster IP changes" in change.impact
    assert {c.address for _, c in report.disruptive} == {
        head[r].address("kubernetes_service_v1", "sample_app/service")
        for r in ("eastus2-workloads", "swedencentral-workloads")
    }
    text = render(report)
    # Ingress status reporting moves from the IPv4 release to the IPv6 one: a text diff of
    # the Helm values (the IngressClass itself belongs to Terraform and does not move).
    assert "```diff" in text
    assert "-    enable: true" in text and "+    enable: false" in text
    assert '`spec.ip_families`: `["IPv4"]` → `["IPv6"]` · **forces replacement**' in text
    warning = text[text.index("> [!WARNING]") : text.index("| Stack |")]
    assert "**2 change(s) disrupt running workloads or clients**" in warning
    assert warning.count("its cluster IP changes; clients of the Service lose connections") == 2
    assert "[!CAUTION]" not in text
    # depends_on moves from one release to the other: not a change of any resource.
    assert "`depends_on`" not in text


def test_dualstack_mode_swaps_the_ingress_releases_and_says_which_traffic_stops(
    default: Synthesized, synth_variant: Variant
) -> None:
    """nat64 -> dualstack: the per-family ingress releases go, one dual release comes. Both
    removals are disruptive (with the region and the family), none is loud; the Service only
    gains a second family (its primary one stays IPv4: in place); the objects whose only
    change is ``depends_on`` (now on the new release) are not reported at all."""
    head = synth_variant("default", dualstack_mode, "review-dualstack")
    report = report_for(default, head)
    assert_matches_output(report, default, head)
    assert report.loud == () and report.gate_errors() == []
    text = render(report)
    for region in ("eastus2", "swedencentral"):
        stack = f"{region}-workloads"
        old, new = resources(default[stack]), resources(head[stack])
        service = head[stack].address("kubernetes_service_v1", "sample_app/service")
        assert new[service]["spec"]["ip_families"] == ["IPv4", "IPv6"]
        assert service in by_action(report, stack, "update")
        (change,) = [c for _, c in _changes(report, stack) if c.address == service]
        assert change.forcing == () and not change.disruptive
        releases = {a: b["name"] for a, b in old.items() if a.startswith("helm_release.")}
        gone = {releases[a] for a in by_action(report, stack, "remove")}
        assert gone == {"ingress-ipv4", "ingress-ipv6"}
        disrupted = {c.item.display_name: c.impact for s, c in report.disruptive if s == stack}
        assert disrupted == {
            "ingress-ipv4": f"ingress traffic for IPv4 in region {region} stops until the new "
            "release's Service has its address",
            "ingress-ipv6": f"ingress traffic for IPv6 in region {region} stops until the new "
            "release's Service has its address",
        }
        # Every other resource whose raw JSON differs only in depends_on is left out.
        raw_old, raw_new = default[stack].json["resource"], head[stack].json["resource"]
        only_depends_on = {
            f"{t}.{n}"
            for t, entries in raw_new.items()
            for n, body in entries.items()
            if n in raw_old.get(t, {})
            and body.get("depends_on") != raw_old[t][n].get("depends_on")
            and new[f"{t}.{n}"] == old[f"{t}.{n}"]
        }
        assert only_depends_on, "the dual release should move some depends_on"
        assert not only_depends_on & {c.address for _, c in _changes(report, stack)}
        assert f"ingress traffic for IPv4 in region {region} stops until the new release's Service" in text
    warning = text[text.index("> [!WARNING]") : text.index("| Stack |")]
    assert "**4 change(s) disrupt running workloads or clients**" in warning
    assert "[!CAUTION]" not in text


def test_switching_the_translator_off_disrupts_its_ingress_but_passes_the_gate(
    default: Synthesized, synth_variant: Variant, tmp_path: Path
) -> None:
    """The translating release goes and nothing takes its place: a disruptive warning per
    region, which ``--fail-on-destroy`` does not count (only protected resources do)."""
    head = synth_variant("default", translator_off, "review-translator-off")
    report = report_for(default, head)
    family = "IPv6"  # the default config is nat64: the IPv6 ingress translates
    for region in ("eastus2", "swedencentral"):
        (change,) = [c for s, c in report.disruptive if s == f"{region}-workloads"]
        assert change.action == "remove" and change.item.display_name == "ingress-ipv6"
        assert change.impact == (
            f"ingress traffic for {family} in region {region} stops: no new ingress release takes its place"
        )
    assert {c.address for _, c in report.disruptive}.isdisjoint({c.address for _, c in report.loud})
    assert len(report.gate_errors()) == len(report.loud)


def test_fewer_zones_rotate_the_pools_and_leave_the_public_ips(
    default: Synthesized, synth_variant: Variant
) -> None:
    head = synth_variant("default", two_zones_in_eastus2, "review-two-zones")
    report = report_for(default, head)
    assert_matches_output(report, default, head)
    # Public IPs are zone-redundant over all three zones whatever the pools use.
    assert report.loud == ()
    assert not {a for a in by_action(report, "eastus2", "replace") if a.startswith("azurerm_public_ip.")}
    cluster = next(c for _, c in _changes(report, "eastus2") if c.item.rtype == "azurerm_kubernetes_cluster")
    assert cluster.action == "update"
    assert [a.dotted for a in cluster.rotations] == ["default_node_pool.zones"]
    text = render(report)
    assert "`default_node_pool.zones`" in text and "cycles the node pool" in text


def test_a_new_pod_range_replaces_the_cluster_loudly(default: Synthesized, synth_variant: Variant) -> None:
    head = synth_variant("default", new_pod_range_in_eastus2, "review-pod-range")
    report = report_for(default, head)
    assert_matches_output(report, default, head)
    (cluster,) = [
        a for a in by_action(report, "eastus2", "replace") if a.startswith("azurerm_kubernetes_cluster.")
    ]
    assert ("eastus2", cluster) in loud_addresses(report)
    text = render(report)
    assert "> [!CAUTION]" in text
    assert "**REPLACED**" in text
    assert "network_profile.pod_cidrs" in text and "forces replacement" in text


def test_another_project_replaces_every_named_protected_resource(
    default: Synthesized, synth_variant: Variant
) -> None:
    head = synth_variant("default", other_project, "review-other-project")
    report = report_for(default, head)
    assert_matches_output(report, default, head)
    expected = set()
    for name, stack in head.stacks.items():
        old, new = resources(default[name]), resources(stack)
        for address, body in new.items():
            if address.split(".")[0] in DESTROY_CONSEQUENCES and old[address].get("name") != body.get("name"):
                expected.add((name, address))
    assert loud_addresses(report) == expected
    assert {a.split(".")[0] for _, a in expected} >= {
        "azurerm_key_vault",
        "azurerm_container_registry",
        "azurerm_kubernetes_cluster",
        "azurerm_public_ip",
        "azurerm_virtual_network",
    }
    text = render(report)
    assert '`name` `"kv-contoso-dualstack"` → `"kv-fabrikam-dualstack"`' in text
    assert "the registry and all its images are deleted" in text and "make images" in text
    # The vault's name stays taken, and the summary says what to do.
    assert "cannot be purged (purge protection), so its name stays taken for 90 days" in text
    assert "set a new global.key_vault_name" in text


def drop_resources(*rtypes_and_suffixes: tuple[str, str]) -> Callable[[dict[str, Any]], None]:
    """Remove the resources of a type whose construct path ends with a suffix."""

    def edit(doc: dict[str, Any]) -> None:
        for rtype, suffix in rtypes_and_suffixes:
            entries = doc["resource"][rtype]
            for name in [n for n, b in entries.items() if b["//"]["metadata"]["path"].endswith(suffix)]:
                del entries[name]

    return edit


def test_a_disappearing_protected_address_is_destroyed_loudly(default: Synthesized, tmp_path: Path) -> None:
    head_dir = copy_outdir(default, tmp_path / "head")
    edit_stack(head_dir, "global", drop_resources(("azurerm_traffic_manager_profile", "ipv6_profile")))
    edit_stack(head_dir, "eastus2", drop_resources(("azurerm_public_ip", "ingress_ipv6_public_ip")))
    head = read_outdir(head_dir)
    report = report_for(default, head)
    assert_matches_output(report, default, head)
    expected = {
        (name, address)
        for name in default.stacks
        for address in set(resources(default[name])) - set(resources(head[name]))
        if address.split(".")[0] in DESTROY_CONSEQUENCES
    }
    assert {a.split(".")[0] for _, a in expected} == {"azurerm_public_ip", "azurerm_traffic_manager_profile"}
    assert loud_addresses(report) == expected
    assert all(change.action == "remove" for _, change in report.loud)
    # prevent_destroy went away with the resource block: it protects nothing here.
    for stack, change in report.loud:
        assert change.guard == ("unguarded" if prevents_destroy(default[stack], change.address) else "")
    text = render(report)
    assert text.count("**DESTROYED**") == len(expected)
    if any(change.guard for _, change in report.loud):
        assert "`prevent_destroy` does not stop this" in text
    assert "pip-contoso-eastus2-ingress-ipv6" in text


def test_a_sensitive_output_value_never_appears(default: Synthesized, synth_variant: Variant) -> None:
    head = synth_variant("default", translator_off, "review-translator-off")
    gone = {
        name: body
        for name, body in default["global"].json["output"].items()
        if name not in head["global"].json["output"]
    }
    assert gone and all(body["sensitive"] is True for body in gone.values())
    text = render(report_for(default, head))
    for name, body in gone.items():
        assert f"`output.{name}` (sensitive)" in text
        assert body["value"] not in text


# --- real output, edited: renames and planted secrets --------------------------------------


def copy_outdir(source: Synthesized, target: Path) -> Path:
    shutil.copytree(source.outdir, target)
    return target


def edit_stack(outdir: Path, stack: str, edit: Callable[[dict[str, Any]], None]) -> None:
    path = outdir / "stacks" / stack / "cdk.tf.json"
    doc = json.loads(path.read_text())
    edit(doc)
    path.write_text(json.dumps(doc, indent=2))


def move_resource(rtype: str, old: str, new: str, path: str | None) -> Callable[[dict[str, Any]], None]:
    def edit(doc: dict[str, Any]) -> None:
        body = doc["resource"][rtype].pop(old)
        if path is not None:
            body["//"]["metadata"]["path"] = path
        doc["resource"][rtype][new] = body

    return edit


@pytest.mark.parametrize("new_path", [None, "eastus2/region/network/public_ip_ipv4"])
def test_a_new_address_for_the_same_resource_is_a_loud_rename(
    default: Synthesized, tmp_path: Path, new_path: str | None
) -> None:
    """Same construct path, new address (a changed logical id), or a moved construct with the
    same Azure name: Terraform destroys and re-creates it."""
    head = copy_outdir(default, tmp_path / "head")
    (old,) = [n for n in default["eastus2"].json["resource"]["azurerm_public_ip"] if "ipv4" in n]
    edit_stack(head, "eastus2", move_resource("azurerm_public_ip", old, "pip_ipv4_0123ABCD", new_path))
    report = diff_outdirs(default.outdir, head)
    ((stack, change),) = report.loud
    assert (stack, change.action, change.address) == (
        "eastus2",
        "rename",
        "azurerm_public_ip.pip_ipv4_0123ABCD",
    )
    assert change.old_address == f"azurerm_public_ip.{old}"
    assert by_action(report, "eastus2", "add", "remove") == set()
    text = render(report)
    assert "**DESTROYED AND RE-CREATED**" in text
    if new_path is None:
        assert "same construct path `eastus2/region/network/ingress_ipv4_public_ip`" in text
    else:
        assert f"construct path `eastus2/region/network/ingress_ipv4_public_ip` → `{new_path}`" in text


PLANTED = {
    "output": "hunter2-plain-output",
    "attribute": "Sup3r-Secret-Passw0rd",
    "provider": "tok-0123456789abcdef",
    "pem": "-----BEGIN RSA PRIVATE KEY-----MIIEowIBAAKCAQEA",
    "backend": "dualstack/global.tfstate",
    "helm": "s3cr3t-in-helm-values",
}


def plant_secrets(doc: dict[str, Any]) -> None:
    doc["output"]["admin_password"] = {"value": PLANTED["output"], "sensitive": True}
    (existing,) = [n for n in doc["output"] if n.startswith("cross-stack-output-azurerm_key_vault")]
    doc["output"][existing]["value"] = PLANTED["output"] + "-changed"
    (vault,) = doc["resource"]["azurerm_key_vault"].values()
    vault["admin_password"] = PLANTED["attribute"]
    vault["description"] = PLANTED["pem"]
    vault["key_vault_reference"] = "${azurerm_resource_group.services_resource_group_CB4067CD.id}"
    doc["provider"]["azurerm"][0]["client_secret"] = PLANTED["provider"]
    doc["terraform"]["backend"] = {
        "azurerm": {
            "container_name": "tfstate",
            "key": PLANTED["backend"],
            "storage_account_name": "stcontosotfstate",
        }
    }
    doc.setdefault("resource", {})["helm_release"] = {
        "planted": {"name": "planted", "values": [f"a: 1\nauth:\n  password: {PLANTED['helm']}\n"]}
    }


def test_planted_secrets_never_appear(default: Synthesized, tmp_path: Path) -> None:
    base = copy_outdir(default, tmp_path / "base")
    edit_stack(
        base,
        "global",
        lambda doc: doc["resource"].__setitem__(
            "helm_release", {"planted": {"name": "planted", "values": ["a: 0\nauth:\n  password: old\n"]}}
        ),
    )
    head = copy_outdir(default, tmp_path / "head")
    edit_stack(head, "global", plant_secrets)
    text = render(diff_outdirs(base, head))
    for what, secret in PLANTED.items():
        assert secret not in text, what
    # The names still show, so a reviewer sees that something changed.
    assert "`admin_password`: *(absent)* → *(redacted)*" in text
    assert "`output.admin_password` (sensitive)" in text
    assert "`value`: *(sensitive)* → *(sensitive)*" in text
    assert "`provider.azurerm[0].client_secret`: *(absent)* → *(redacted)*" in text
    assert "`terraform.backend.azurerm.key`: *(absent)* → *(redacted)*" in text
    assert '`terraform.backend.azurerm.storage_account_name`: *(absent)* → `"stcontosotfstate"`' in text
    assert "+  password: (redacted)" in text
    # A whole reference is not a secret, even under a credential-like name.
    assert '`key_vault_reference`: *(absent)* → `"${azurerm_resource_group.' in text


# --- the provider rules -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rtype", "path", "effect"),
    [
        ("azurerm_kubernetes_cluster", "network_profile.ip_versions", "replace"),
        ("azurerm_kubernetes_cluster", "network_profile.pod_cidrs", "replace"),
        ("azurerm_kubernetes_cluster", "network_profile.service_cidrs", "replace"),
        ("azurerm_kubernetes_cluster", "network_profile.dns_service_ip", "replace"),
        ("azurerm_kubernetes_cluster", "network_profile.network_plugin", "replace"),
        ("azurerm_kubernetes_cluster", "private_cluster_enabled", "replace"),
        ("azurerm_kubernetes_cluster", "dns_prefix", "replace"),
        ("azurerm_kubernetes_cluster", "node_resource_group", "replace"),
        ("azurerm_kubernetes_cluster", "kubelet_identity.client_id", "replace"),
        ("azurerm_kubernetes_cluster", "default_node_pool.vm_size", "rotate"),
        ("azurerm_kubernetes_cluster", "default_node_pool.zones", "rotate"),
        ("azurerm_kubernetes_cluster", "network_profile.network_plugin_mode", None),
        ("azurerm_kubernetes_cluster", "kubernetes_version", None),
        ("azurerm_kubernetes_cluster", "default_node_pool.max_count", None),
        ("azurerm_kubernetes_cluster_node_pool", "vm_size", "rotate"),
        ("azurerm_kubernetes_cluster_node_pool", "name", "replace"),
        ("azurerm_public_ip", "ip_version", "replace"),
        ("azurerm_public_ip", "sku", "replace"),
        ("azurerm_public_ip", "zones", "replace"),
        ("azurerm_public_ip", "allocation_method", None),
        ("azurerm_public_ip", "tags.project", None),
        ("azurerm_virtual_network", "location", "replace"),
        ("azurerm_virtual_network", "address_space", None),
        ("azurerm_subnet", "name", "replace"),
        ("azurerm_key_vault", "name", "replace"),
        ("azurerm_key_vault", "tenant_id", None),
        ("azurerm_container_registry", "georeplications.location", None),
        ("azurerm_dns_zone", "name", "replace"),
        ("helm_release", "values", None),
    ],
)
def test_force_new_table(rtype: str, path: str, effect: str | None) -> None:
    rule = rule_for(rtype, tuple(path.split(".")))
    assert (rule.effect if rule else None) == effect


def test_leaving_cilium_replaces_the_cluster_but_moving_to_it_does_not() -> None:
    def effect(before: str, after: str) -> str:
        (change,) = compare(
            "azurerm_kubernetes_cluster",
            {"network_profile": {"network_data_plane": before}},
            {"network_profile": {"network_data_plane": after}},
        )
        return change.effect

    assert effect("cilium", "azure") == "replace"
    assert effect("azure", "cilium") == "update"


def test_node_pool_cycles_fail_without_a_temporary_name() -> None:
    def stack(pool: dict[str, Any]) -> dict[str, Any]:
        return {"resource": {"azurerm_kubernetes_cluster_node_pool": {"user": pool}}}

    cases = [
        ({}, "cycles the node pool: fails without `temporary_name_for_rotation`**"),
        ({"temporary_name_for_rotation": "usertmp"}, "· **cycles the node pool**"),
    ]
    for extra, expected in cases:
        diff = diff_stack("r", stack({"vm_size": "a", **extra}), stack({"vm_size": "b", **extra}))
        assert expected in render(Report("b", "h", (diff,)))


def test_flatten_ignores_metadata_and_keys_blocks_by_name() -> None:
    body = {
        "//": {"metadata": {"path": "x"}},
        "zones": ["1", "2"],
        "georeplications": [{"location": "b", "tags": {}}, {"location": "a"}],
        "rules": [{"port": 1}, {"port": 2}],
    }
    assert flatten(body) == {
        ("zones",): ["1", "2"],
        ("georeplications", "[location=b]", "tags"): {},
        ("georeplications", "[location=a]", "location"): "a",
        ("georeplications", "[location=b]", "location"): "b",
        ("rules", "[0]", "port"): 1,
        ("rules", "[1]", "port"): 2,
    }


# --- rendering and the command -----------------------------------------------------------


def test_the_summary_is_deterministic_and_fits_a_limit(default: Synthesized, synth_variant: Variant) -> None:
    head = synth_variant("default", other_project, "review-other-project")
    first, second = render(report_for(default, head)), render(report_for(default, head))
    assert first == second
    short = render(report_for(default, head), max_chars=6000)
    assert len(short) <= 6000
    assert "Left out to fit the comment" in short
    assert "> [!CAUTION]" in short


def _changes(report: Report, stack: str) -> list[tuple[str, Change]]:
    return [(s.name, c) for s in report.stacks if s.name == stack for c in s.changes]


def review(*args: str, cwd: Path = REPO, config_env: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m dualstack.review``; ``DUALSTACK_CONFIG`` is unset unless ``config_env`` is given."""
    env = {k: v for k, v in os.environ.items() if k != "DUALSTACK_CONFIG"}
    if config_env is not None:
        env["DUALSTACK_CONFIG"] = config_env
    return subprocess.run(
        [sys.executable, "-m", "dualstack.review", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.cli
def test_the_command_prints_markdown_and_fails_on_destroy_only_when_asked(
    default: Synthesized, synth_variant: Variant
) -> None:
    head = synth_variant("default", new_pod_range_in_eastus2, "review-pod-range")
    plain = review("diff", str(default.outdir), str(head.outdir))
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout == render(diff_outdirs(default.outdir, head.outdir))
    strict = review("diff", "--fail-on-destroy", str(default.outdir), str(head.outdir))
    assert strict.returncode == 3
    assert strict.stdout == plain.stdout
    (cluster,) = [a for a in resources(head["eastus2"]) if a.startswith("azurerm_kubernetes_cluster.")]
    assert strict.stderr.splitlines() == [
        f"error: eastus2 {cluster} would be destroyed or replaced (network_profile.pod_cidrs changes, "
        f'which forces a new resource); if that is intended, add "eastus2 {cluster}" to '
        "acknowledge_destroy in the config (none given: pass --config FILE or set DUALSTACK_CONFIG)"
    ]
    calm = review("diff", "--fail-on-destroy", str(default.outdir), str(default.outdir))
    assert calm.returncode == 0


@pytest.mark.cli
def test_the_command_takes_checkouts_and_reports_unreadable_folders(
    default: Synthesized, tmp_path: Path
) -> None:
    checkout = tmp_path / "checkout"
    shutil.copytree(default.outdir, checkout / "cdktf.out")
    ok = review("diff", "--base-label", "main", str(checkout), str(default.outdir))
    assert ok.returncode == 0, ok.stderr
    assert "Base `main`" in ok.stdout
    missing = review("diff", str(tmp_path / "nowhere"), str(default.outdir))
    assert missing.returncode == 2
    assert missing.stderr == f"error: {tmp_path / 'nowhere'}: does not exist\n"
    empty = tmp_path / "empty"
    empty.mkdir()
    no_manifest = review("diff", str(empty), str(default.outdir))
    assert no_manifest.returncode == 2
    assert no_manifest.stderr.startswith(f"error: {empty}: no manifest.json")
    with pytest.raises(ReviewError):
        diff_outdirs(tmp_path / "nowhere", default.outdir)


# --- hand-made stacks: Kubernetes and Helm, replace_triggered_by, depends_on ----------------


def write_outdir(target: Path, stacks: dict[str, dict[str, Any]]) -> Path:
    """A minimal output folder: a manifest and one ``cdk.tf.json`` per stack."""
    entries = {}
    for name, doc in stacks.items():
        path = target / "stacks" / name / "cdk.tf.json"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(doc, indent=2))
        entries[name] = {"name": name, "synthesizedStackPath": f"stacks/{name}/cdk.tf.json"}
    (target / "manifest.json").write_text(json.dumps({"version": "0.21.0", "stacks": entries}))
    return target


def service(families: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": "echo", "namespace": "echo"},
        "spec": {"ip_families": families, "port": [{"name": "http", "port": 80}]},
        **extra,
    }


@pytest.mark.parametrize(
    ("before", "after", "effect"),
    [
        (["IPv4"], ["IPv6"], "replace"),  # the primary family changes
        (["IPv4", "IPv6"], ["IPv6", "IPv4"], "replace"),
        (["IPv6"], ["IPv6", "IPv4"], "update"),  # a second family appended: in place
        (["IPv4", "IPv6"], ["IPv4"], "update"),
    ],
)
def test_a_services_primary_ip_family_is_immutable(before: list[str], after: list[str], effect: str) -> None:
    for shape in (lambda v: v, lambda v: [v]):  # spec as a block object or a one-element list
        old, new = service(before), service(after)
        old["spec"], new["spec"] = shape(old["spec"]), shape(new["spec"])
        (change,) = compare("kubernetes_service_v1", old, new)
        assert change.dotted.endswith("ip_families") and change.effect == effect
    # Other types are not touched by the rule.
    (change,) = compare("kubernetes_deployment_v1", service(before), service(["IPv9"]))
    assert change.effect == "update"


def test_depends_on_alone_is_no_change() -> None:
    def stack(extra: dict[str, Any]) -> dict[str, Any]:
        body = {"//": {"metadata": {"path": "r/x"}}, "name": "x", **extra}
        return {"resource": {"helm_release": {"x": body}}, "output": {"o": {"value": 1, **extra}}}

    same = diff_stack("r", stack({"depends_on": ["a.b"]}), stack({"depends_on": ["c.d"], "//": {"x": 1}}))
    assert (same.status, same.changes) == ("unchanged", ())
    moved = diff_stack("r", stack({"depends_on": ["a.b"]}), stack({"depends_on": [], "chart": "y"}))
    ((change,),) = [[c for c in moved.changes if c.kind == "resource"]]
    assert change.action == "update" and [a.dotted for a in change.attrs] == ["chart"]


def test_replace_triggered_by_replaces_what_names_a_changed_item(tmp_path: Path) -> None:
    """An item named in ``lifecycle.replace_triggered_by`` is updated or replaced: the resource
    is replaced ("triggered by"), whatever its type; replacements chain; an unchanged or new
    item triggers nothing."""

    fresh = ["terraform_data.fresh"]  # created in head: triggers nothing

    def stack(families: list[str], tag: str) -> dict[str, Any]:
        return {
            "resource": {
                "terraform_data": {
                    "primary": {"input": {"primary_ip_family": families[0]}},
                    "unchanged": {"input": "same"},
                    **({"fresh": {"input": 1}} if tag == "new" else {}),
                },
                "kubernetes_service_v1": {
                    # Same body on both sides: only the trigger replaces it.
                    "svc": service(
                        ["IPv4", "IPv6"], lifecycle={"replace_triggered_by": ["terraform_data.primary"]}
                    ),
                    "calm": service(
                        ["IPv4"],
                        lifecycle={"replace_triggered_by": ["${terraform_data.unchanged}", *fresh]},
                    ),
                },
                "azurerm_public_ip": {
                    # Chained, generic: a protected type triggered by the replaced Service
                    # (attribute form); prevent_destroy makes Terraform refuse it.
                    "pip": {
                        "name": "pip",
                        "tags": {"t": tag},
                        "lifecycle": {
                            "prevent_destroy": True,
                            "replace_triggered_by": ["kubernetes_service_v1.svc.metadata[0].uid"],
                        },
                    }
                },
            }
        }

    base = write_outdir(tmp_path / "base", {"eastus2-workloads": stack(["IPv4"], "old")})
    head = write_outdir(tmp_path / "head", {"eastus2-workloads": stack(["IPv6"], "new")})
    report = diff_outdirs(base, head)
    changes = {c.address: c for _, c in _changes(report, "eastus2-workloads")}
    assert changes["terraform_data.primary"].action == "update"
    svc = changes["kubernetes_service_v1.svc"]
    assert (svc.action, svc.triggered_by, svc.attrs) == ("replace", ("terraform_data.primary",), ())
    assert svc.disruptive and "cluster IP changes" in svc.impact
    pip = changes["azurerm_public_ip.pip"]
    assert (pip.action, pip.triggered_by, pip.guard) == ("replace", ("kubernetes_service_v1.svc",), "refused")
    assert report.loud == (("eastus2-workloads", pip),)
    assert "kubernetes_service_v1.calm" not in changes
    text = render(report)
    assert "triggered by `terraform_data.primary` (`lifecycle.replace_triggered_by`" in text
    assert (
        "**REPLACED**: `eastus2-workloads`: `azurerm_public_ip.pip` (name `pip`), triggered by "
        "`kubernetes_service_v1.svc` (`lifecycle.replace_triggered_by`, changed in this stack)."
    ) in text
    assert "`prevent_destroy` is set, so Terraform refuses this plan" in text
    assert "replace_triggered_by kubernetes_service_v1.svc changes" in report.gate_errors()[0]


def test_each_kubernetes_and_helm_removal_or_replacement_says_its_impact() -> None:
    """Removing or replacing a namespace, an IngressClass, a Service or a Helm release is a
    disruptive warning with its own impact; the region comes from ``<region>-workloads``."""

    def stack(side: str) -> dict[str, Any]:
        renamed = "-v2" if side == "head" else ""
        doc: dict[str, Any] = {
            "resource": {
                "kubernetes_namespace_v1": {"ns": {"metadata": {"name": f"cert-manager{renamed}"}}},
                "kubernetes_ingress_class_v1": {"cls": {"metadata": {"name": "nginx"}}},
                "kubernetes_service_v1": {"svc": service(["IPv4"] if side == "base" else ["IPv6"])},
                "helm_release": {
                    "dual": {"name": "ingress-dual", "namespace": f"ingress-nginx{renamed}"},
                    "cm": {"name": "cert-manager"},
                    "tls": {"name": "dualstack-tls", "namespace": "echo"},
                },
            }
        }
        # In head the class and the TLS release go; the dual release and the namespace are replaced.
        if side == "head":
            del doc["resource"]["kubernetes_ingress_class_v1"]
            del doc["resource"]["helm_release"]["tls"]
        return doc

    report = Report("b", "h", (diff_stack("westus3-workloads", stack("base"), stack("head")),))
    impacts = {f"{c.action} {c.address}": c.impact for _, c in report.disruptive}
    assert impacts == {
        "replace kubernetes_namespace_v1.ns": "namespace `cert-manager` and everything in it are "
        "deleted, including objects Terraform does not manage; Terraform re-creates only what it manages",
        "remove kubernetes_ingress_class_v1.cls": "Ingresses of class `nginx` lose their controller: "
        "their routes are no longer served",
        "replace kubernetes_service_v1.svc": "Service `echo` is re-created: its cluster IP changes; "
        "clients of the Service lose connections",
        "replace helm_release.dual": "ingress traffic for IPv4 and IPv6 in region westus3 stops until "
        "the new release's Service has its address",
        "remove helm_release.tls": "Helm uninstalls `dualstack-tls`: every object it installed is deleted",
    }
    assert report.loud == ()
    text = render(report)
    warning = text[text.index("> [!WARNING]") : text.index("| Stack |")]
    assert "**5 change(s) disrupt running workloads or clients**" in warning
    assert "do not fail `--fail-on-destroy`" in warning
    for impact in impacts.values():
        assert impact in warning
    assert "other change(s) re-create a resource" not in text  # not listed twice
    assert text.count("**⚠ disrupts workloads**") == 5


# --- retiring a region ----------------------------------------------------------------------

DRAIN_LINE = (
    "region swedencentral is drained: its Traffic Manager endpoints and records go, traffic moves "
    "to the other regions, nothing is destroyed"
)


def test_a_drained_region_is_one_calm_line(default: Synthesized, synth_variant: Variant) -> None:
    head = synth_variant("default", drain_swedencentral, "review-drain")
    report = report_for(default, head)
    assert_matches_output(report, default, head)
    gone = by_action(report, "swedencentral", "remove")
    assert {a.split(".")[0] for a in gone} == {
        "azurerm_traffic_manager_external_endpoint",
        "azurerm_dns_a_record",
        "azurerm_dns_aaaa_record",
        "azurerm_private_dns_a_record",
        "azurerm_private_dns_aaaa_record",
    }
    assert report.drained == ("swedencentral",)
    assert report.loud == () and report.disruptive == () and report.gate_errors() == []
    text = render(report)
    assert text.count(DRAIN_LINE) == 1
    assert "[!CAUTION]" not in text and "[!WARNING]" not in text


def test_a_drain_needs_every_endpoint_and_record_gone_and_the_public_ips_kept(
    default: Synthesized, tmp_path: Path
) -> None:
    drain = drop_resources(
        *((t, "") for t in ("azurerm_traffic_manager_external_endpoint", "azurerm_dns_a_record")),
        *((t, "") for t in ("azurerm_dns_aaaa_record", "azurerm_private_dns_a_record")),
        ("azurerm_private_dns_aaaa_record", ""),
    )
    cases: dict[str, tuple[Callable[[dict[str, Any]], None], ...]] = {
        "drained": (drain,),
        "an endpoint stays": (
            drop_resources(("azurerm_traffic_manager_external_endpoint", "ipv4_endpoint")),
            drop_resources(("azurerm_dns_a_record", ""), ("azurerm_dns_aaaa_record", "")),
        ),
        "a public IP goes too": (drain, drop_resources(("azurerm_public_ip", "ingress_ipv6_public_ip"))),
    }
    for case, edits in cases.items():
        head = copy_outdir(default, tmp_path / case.replace(" ", "-"))
        for edit in edits:
            edit_stack(head, "swedencentral", edit)
        report = diff_outdirs(default.outdir, head)
        assert report.drained == (("swedencentral",) if case == "drained" else ()), case
        assert (DRAIN_LINE in render(report)) == (case == "drained"), case


# --- errors and the pull-request gate --------------------------------------------------------


@pytest.mark.cli
def test_errors_name_the_file_that_is_wrong(default: Synthesized, tmp_path: Path) -> None:
    corrupt = copy_outdir(default, tmp_path / "corrupt")
    stack_file = corrupt / "stacks" / "eastus2" / "cdk.tf.json"
    stack_file.write_text('{"resource": {')
    lost = copy_outdir(default, tmp_path / "lost")
    (lost / "stacks" / "swedencentral-workloads" / "cdk.tf.json").unlink()
    cases = {
        corrupt: f"error: {stack_file}: is not valid JSON (line 1, column 15: ",
        lost: f"error: {lost / 'stacks' / 'swedencentral-workloads' / 'cdk.tf.json'}: does not exist "
        f"(named by {lost / 'manifest.json'} for stack 'swedencentral-workloads')",
        tmp_path / "nowhere": f"error: {tmp_path / 'nowhere'}: does not exist",
    }
    for folder, expected in cases.items():
        for args in ((str(default.outdir), str(folder)), (str(folder), str(default.outdir))):
            result = review("diff", "--fail-on-destroy", *args)
            assert result.returncode == 2, result.stderr
            assert result.stdout == ""
            (line,) = result.stderr.splitlines()
            assert line.startswith(expected), line
            assert "Traceback" not in result.stderr
    with pytest.raises(ReviewError, match=r"cdk\.tf\.json: is not valid JSON"):
        diff_outdirs(default.outdir, corrupt)


def write_config(path: Path, acknowledge: list[str]) -> Path:
    raw = (REPO / "config" / "default.yaml").read_text()
    path.write_text(raw + "\nacknowledge_destroy:\n" + "".join(f'  - "{a}"\n' for a in acknowledge))
    return path


@pytest.mark.cli
def test_acknowledged_destroys_pass_the_gate_and_stale_ones_are_noted(
    default: Synthesized, synth_variant: Variant, tmp_path: Path
) -> None:
    head = synth_variant("default", new_pod_range_in_eastus2, "review-pod-range")
    (cluster,) = [a for a in resources(head["eastus2"]) if a.startswith("azurerm_kubernetes_cluster.")]
    stale = "global azurerm_key_vault.gone_1234ABCD"
    args = ("diff", "--fail-on-destroy", str(default.outdir), str(head.outdir))

    acked = write_config(tmp_path / "acked.yaml", [f"eastus2 {cluster}", stale])
    passed = review(*args, "--config", str(acked))
    assert passed.returncode == 0, passed.stderr
    assert passed.stderr == ""
    caution = passed.stdout[passed.stdout.index("> [!CAUTION]") : passed.stdout.index("| Stack |")]
    (line,) = [x for x in caution.splitlines() if f"`{cluster}`" in x]
    assert line.startswith("> - **REPLACED**") and "**✔ acknowledged** in `acknowledge_destroy`" in line
    assert f"1 of them acknowledged in `acknowledge_destroy` of `{acked}`" in caution
    assert "**Stale acknowledgements:** 1 `acknowledge_destroy` entry" in passed.stdout
    # ... and why: the address exists on neither side.
    assert (
        f'> - `"{stale}"`: stack global has no resource azurerm_key_vault.gone_1234ABCD on either side '
        "(a typo, or an address from before a rename)" in passed.stdout
    )
    # $DUALSTACK_CONFIG is the default; "<stack> *" covers every protected item of the stack.
    starred = write_config(tmp_path / "starred.yaml", ["eastus2 *"])
    assert review(*args, config_env=str(starred)).returncode == 0

    other = write_config(tmp_path / "other.yaml", [stale])
    failed = review(*args, "--config", str(other))
    assert failed.returncode == 3
    assert failed.stderr.splitlines() == [
        f"error: eastus2 {cluster} would be destroyed or replaced (network_profile.pod_cidrs changes, "
        f'which forces a new resource); if that is intended, add "eastus2 {cluster}" to '
        f"acknowledge_destroy in {other}"
    ]
    assert "**✔ acknowledged**" not in failed.stdout

    bad = tmp_path / "bad.yaml"
    bad.write_text((REPO / "config" / "default.yaml").read_text() + "\nacknowledge_destroy: [42]\n")
    broken = review(*args, "--config", str(bad))
    assert broken.returncode == 2 and broken.stdout == ""
    assert broken.stderr.startswith(f"error: {bad}: acknowledge_destroy") and "Traceback" not in broken.stderr


def test_a_stale_acknowledgement_is_explained(default: Synthesized) -> None:
    vault = next(a for a in resources(default["global"]) if a.startswith("azurerm_key_vault."))
    report = diff_outdirs(
        default.outdir,
        default.outdir,
        acknowledge=[f"global {vault}", "nowhere *", "eastus2 *", "global azurerm_key_vault.typo_0000"],
        config_label="c.yaml",
    )
    assert [report.why_stale(e) for e in report.stale] == [
        "its resource is not destroyed or replaced by this change (already applied? then remove the entry)",
        "neither side has a stack nowhere",
        "nothing protected in stack eastus2 is destroyed or replaced by this change",
        "stack global has no resource azurerm_key_vault.typo_0000 on either side (a typo, or an address "
        "from before a rename)",
    ]


def test_an_acknowledgement_of_an_unprotected_destroy_says_none_is_needed() -> None:
    """The entry's resource goes, but nothing protected: the gate never asked for it."""
    assert "azurerm_network_security_rule" not in DESTROY_CONSEQUENCES
    gone = Item("resource", "azurerm_network_security_rule.extra_1234", "azurerm_network_security_rule", {})
    report = Report(
        "base",
        "head",
        stacks=(StackDiff("eastus2", "changed", (Change("resource", "remove", gone),)),),
        acknowledge=(f"eastus2 {gone.address}",),
        known={"eastus2": frozenset({gone.address})},
    )
    assert report.stale == (f"eastus2 {gone.address}",)
    assert report.why_stale(report.stale[0]) == (
        "its resource is destroyed or replaced, but it is not protected: no acknowledgement needed"
    )
