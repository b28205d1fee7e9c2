"""The change summary (``python -m dualstack.review diff``) on real pairs of synthesized output.

Each pair is the default config against a variant of it, synthesized in this process. The
expected sets of added, removed and changed addresses are computed straight from the JSON,
so the tests check the summary against the output rather than against fixed numbers.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from synthhelp import REPO, Stack, Synthesized

from dualstack.review.diff import (
    PROTECTED_TYPES,
    Change,
    Report,
    ReviewError,
    compare,
    diff_markdown,
    diff_outdirs,
    diff_stack,
    flatten,
    rule_for,
)
from dualstack.review.markdown import render

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


@pytest.fixture(scope="module")
def default(synthesized_configs: dict[str, Synthesized]) -> Synthesized:
    return synthesized_configs["default"]


def report_for(base: Synthesized, head: Synthesized) -> Report:
    return diff_outdirs(base.outdir, head.outdir, base_label="base", head_label="head")


def resources(stack: Stack | None) -> dict[str, dict[str, Any]]:
    """Resource bodies by address, without cdktf's metadata: the test's own oracle."""
    if stack is None:
        return {}
    return {
        f"{rtype}.{name}": {k: v for k, v in body.items() if k != "//"}
        for rtype, entries in stack.json.get("resource", {}).items()
        for name, body in entries.items()
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
    expected = {a for a in resources(base["westus3"]) if a.split(".")[0] in PROTECTED_TYPES}
    assert loud_addresses(report) == {("westus3", a) for a in expected}
    text = render(report)
    assert text.count("**STACK REMOVED**: `westus3`") == 1
    assert "`cdktf destroy westus3`" in text
    assert "| `westus3` | **removed stack** | 0 |" in text


def test_nat46_changes_the_ingress_releases_in_place(default: Synthesized, synth_variant: Variant) -> None:
    head = synth_variant("default", nat46, "review-nat46")
    report = report_for(default, head)
    assert_matches_output(report, default, head)
    assert report.loud == ()
    for region in ("eastus2-workloads", "swedencentral-workloads"):
        assert by_action(report, region, "replace", "rename", "add", "remove") == set()
        releases = {a for a in by_action(report, region, "update") if a.startswith("helm_release.")}
        assert len(releases) == 2
    text = render(report)
    # Ingress status reporting moves from the IPv4 release to the IPv6 one: a text diff of
    # the Helm values (the IngressClass itself belongs to Terraform and does not move).
    assert "```diff" in text
    assert "-    enable: true" in text and "+    enable: false" in text
    assert '`spec.ip_families`: `["IPv4"]` → `["IPv6"]`' in text


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
            if address.split(".")[0] in PROTECTED_TYPES and old[address].get("name") != body.get("name"):
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
    assert "the registry and all its images are deleted" in text


def test_a_disappearing_protected_address_is_destroyed_loudly(
    default: Synthesized, synth_variant: Variant
) -> None:
    head = synth_variant("default", translator_off, "review-translator-off")
    report = report_for(default, head)
    assert_matches_output(report, default, head)
    expected = {
        (name, address)
        for name in default.stacks
        for address in set(resources(default[name])) - set(resources(head[name]))
        if address.split(".")[0] in PROTECTED_TYPES
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


def review(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dualstack.review", *args],
        cwd=cwd,
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
    assert plain.stdout == diff_markdown(default.outdir, head.outdir)
    strict = review("diff", "--fail-on-destroy", str(default.outdir), str(head.outdir))
    assert strict.returncode == 3
    assert strict.stdout == plain.stdout
    assert "destroy or replace" in strict.stderr
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
    assert missing.stderr.startswith("error: ") and "manifest.json" in missing.stderr
    with pytest.raises(ReviewError):
        diff_outdirs(tmp_path / "nowhere", default.outdir)
