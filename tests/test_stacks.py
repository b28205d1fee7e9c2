"""The stack layout: global, then per region a region stack and a workloads stack.

The Kubernetes and Helm providers must never be configured from a resource managed in
their own stack (the kubernetes provider's documented rule), so every ``kubernetes_*`` and
``helm_release`` lives in ``<region>-workloads``, whose providers read the cluster through
a data source.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from synthhelp import CONFIGS, Stack, Synthesized

KUBE_TYPES = re.compile(r"^(kubernetes_|helm_)")
REFERENCE = re.compile(r"\$\{([^}]*)\}")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _references(value: Any) -> list[str]:
    """Every Terraform expression reference (``type.name...``, ``data.type.name...``) in a value."""
    return [
        ref
        for s in _strings(value)
        for expr in REFERENCE.findall(s)
        for ref in re.findall(r"[a-z_]\w*(?:\.[\w\[\]]+)+", expr)
    ]


@pytest.mark.parametrize("stem", sorted(CONFIGS))
def test_global_then_a_region_and_a_workloads_stack_per_region(
    stem: str, synthesized_configs: dict[str, Synthesized]
) -> None:
    out = synthesized_configs[stem]
    config = CONFIGS[stem]
    regions = list(config.regions)
    edge = config.front_door is not None
    assert set(out.stacks) == {
        "global",
        *regions,
        *(f"{r}-workloads" for r in regions),
        *(["edge"] if edge else []),
    }
    assert list(out.stacks) == config.stack_names() or set(out.stacks) == set(config.stack_names())
    expected = {
        "global": [],
        **{r: ["global"] for r in regions},
        **{f"{r}-workloads": [r] for r in regions},
    }
    if edge:
        # The Front Door route after every region stack (their origins), reading global.
        expected["edge"] = [*regions, "global"]
    assert out.dependencies() == expected


def test_manifest_dependencies_name_stacks(any_synth: Synthesized) -> None:
    """The cdktf CLI looks dependencies up by stack name; a construct path would never match."""
    deps = any_synth.dependencies()
    assert all(d in deps for names in deps.values() for d in names)


def test_no_kubernetes_or_helm_resource_outside_the_workloads_stacks(any_synth: Synthesized) -> None:
    for stack in [any_synth["global"], *any_synth.regions()]:
        kube = [t for t in stack.json.get("resource", {}) if KUBE_TYPES.match(t)]
        assert not kube, f"{stack.name}: {kube}"
        assert not set(stack.json.get("provider", {})) & {"kubernetes", "helm"}, stack.name


def test_workloads_stacks_hold_only_kubernetes_and_helm_resources(any_synth: Synthesized) -> None:
    for stack in any_synth.workloads():
        types = set(stack.json["resource"])
        # terraform_data: Terraform's built-in (the Service's primary-family trigger).
        assert types and all(KUBE_TYPES.match(t) or t == "terraform_data" for t in types), (
            f"{stack.name}: {types}"
        )
        assert {"helm_release", "kubernetes_namespace_v1", "kubernetes_ingress_class_v1"} <= types


def test_no_provider_is_configured_from_a_resource_of_its_own_stack(any_synth: Synthesized) -> None:
    checked = 0
    for stack in any_synth.stacks.values():
        for name, blocks in stack.json.get("provider", {}).items():
            for block in blocks:
                for ref in _references(block):
                    checked += 1
                    assert ref.startswith("data."), f"{stack.name}: provider {name} reads {ref}"
    assert checked >= 4 * len(any_synth.workloads())  # host and CA of both providers, at least


def _workload_stack_pairs(out: Synthesized) -> list[tuple[Stack, Stack]]:
    return [(out[s.name.removesuffix("-workloads")], s) for s in out.workloads()]


def test_workloads_providers_read_the_regions_cluster_through_a_data_source(any_synth: Synthesized) -> None:
    for region, workloads in _workload_stack_pairs(any_synth):
        (data,) = workloads.json["data"]["azurerm_kubernetes_cluster"].values()
        (cluster,) = region.resources("azurerm_kubernetes_cluster").values()
        groups = {g["name"] for g in region.resources("azurerm_resource_group").values()}
        # The data source names exactly the cluster that the region stack manages.
        assert data["name"] == cluster["name"]
        assert data["resource_group_name"] in groups
        assert cluster["resource_group_name"].endswith("region_network_resource_group_A66D4133.name}")
        assert data["resource_group_name"] == f"rg-{cluster['name'].removeprefix('aks-')}"
        address = "data.azurerm_kubernetes_cluster.cluster"
        kube = workloads.json["provider"]["kubernetes"][0]
        helm = workloads.json["provider"]["helm"][0]["kubernetes"]
        for conn in (kube, helm):
            # The public FQDN: it resolves outside the cluster's VNet (to the private
            # address on a private cluster); kube_config's host of a private cluster does not.
            assert conn["host"] == "https://${" + address + ".fqdn}:443"
            assert conn["cluster_ca_certificate"] == (
                "${base64decode(" + address + ".kube_config[0].cluster_ca_certificate)}"
            )


def test_workloads_stacks_read_no_other_stacks_state(any_synth: Synthesized) -> None:
    for stack in any_synth.workloads():
        assert "terraform_remote_state" not in stack.json.get("data", {}), stack.name
        assert "output" not in stack.json, stack.name


def test_each_stack_has_its_own_state(any_synth: Synthesized) -> None:
    keys = []
    for name, stack in any_synth.stacks.items():
        backend = stack.json["terraform"]["backend"]
        ((kind, settings),) = backend.items()
        key = settings["path"] if kind == "local" else settings["key"]
        assert name in key
        keys.append(key)
    assert len(set(keys)) == len(keys)


def test_the_stacks_output_what_a_first_deploy_needs(synthesized_configs: dict[str, Synthesized]) -> None:
    """global: the zone's name servers (to delegate it), the app's URL and the edge's names; each
    region: its cluster, its ingress addresses and how to get the cluster's credentials."""
    for stem, out in synthesized_configs.items():
        config = CONFIGS[stem]
        outputs = out["global"].json["output"]
        assert outputs["name_servers"]["value"].startswith("${tolist(azurerm_dns_zone.services_dns_zone_")
        scheme = "https" if config.tls.enabled else "http"
        assert outputs["app_url"]["value"] == f"{scheme}://{config.dns.app_host}/"
        if config.front_door is not None:
            assert "front_door_endpoint" in outputs and "traffic_manager_ipv4" not in outputs
        else:
            assert {"traffic_manager_ipv4", "traffic_manager_ipv6"} <= set(outputs)
        for region in config.regions:
            region_outputs = out[region].json["output"]
            assert {
                "cluster_name",
                "credentials_command",
                "ingress_ipv4_address",
                "ingress_ipv6_address",
            } <= set(region_outputs), stem
            command = region_outputs["credentials_command"]["value"]
            assert command.startswith(
                f"az aks get-credentials --resource-group rg-{config.project}-{region} --name aks-{config.project}-{region}"
            )
