"""The topology overview (``render_overview``): per region its address plan, zones, ingress
mode, public IPs and DNS names; the global services; a Mermaid diagram of both data paths."""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
from typing import Any

import pytest
import yaml
from synthhelp import CONFIG_DIR, CONFIG_FILES, HEAVY_PACKAGES, REPO, Synthesized

from dualstack import modes, naming
from dualstack.config import Config
from dualstack.config.loader import load_config
from dualstack.review.overview import app_fqdn, region_fqdn, render_overview, traffic_manager_profile

NODE = re.compile(r"^\s*(\w+)(\[\"|\(\[\")", re.MULTILINE)
EDGE = re.compile(r"^\s*(\w+) (-->|-\.->|==>)\|\"([^\"]*)\"\| (\w+)$", re.MULTILINE)


def raw(stem: str) -> dict[str, Any]:
    return yaml.safe_load((CONFIG_DIR / f"{stem}.yaml").read_text())  # type: ignore[no-any-return]


def translator_off() -> Config:
    data = copy.deepcopy(raw("default"))
    data["ingress"]["translator_enabled"] = False
    return Config.model_validate(data)


CONFIGS: dict[str, Config] = {p.stem: load_config(p) for p in CONFIG_FILES}
CONFIGS["default-translator-off"] = translator_off()


@pytest.fixture(params=sorted(CONFIGS))
def config(request: pytest.FixtureRequest) -> Config:
    return CONFIGS[request.param]


def mermaid(text: str) -> str:
    blocks = re.findall(r"```mermaid\n(.*?)```", text, re.DOTALL)
    assert len(blocks) == 1
    return blocks[0]  # type: ignore[no-any-return]


def edges(diagram: str) -> set[tuple[str, str, str, str]]:
    return set(EDGE.findall(diagram))


def test_every_region_with_its_address_plan_zones_ips_and_names(config: Config) -> None:
    text = render_overview(config)
    public = modes.public_families(config.ingress)
    assert f"`{config.ingress.mode}`" in text
    for name, region in config.regions.items():
        section = text.split(f"### `{name}`", 1)[1].split("\n### ", 1)[0]
        for value in (
            region.address_space.ipv4,
            region.address_space.ipv6,
            region.cluster_subnet.ipv4,
            region.cluster_subnet.ipv6,
            *region.pod_cidrs,
            *region.service_cidrs,
            region.dns_service_ip,
            naming.vnet(config.project, name),
            naming.cluster(config.project, name),
        ):
            assert f"`{value}`" in section, (name, value)
        assert f"Zones: {', '.join(str(z) for z in region.zones)}" in section
        for family in ("ipv4", "ipv6"):
            pip = naming.ingress_public_ip(config.project, name, family)
            # Both addresses exist (protected); the translator's is reserved and closed when off.
            assert f"`{pip}`" in section, (name, family)
            assert (f"`{pip}` (reserved, closed" in section) == (family not in public), (name, family)
        if config.front_door is not None:
            # Behind Front Door: the region's origins, and no names of its own.
            assert region_fqdn(config, name) not in section
            for family in public:
                assert f"`{naming.front_door_origin(name, family)}`" in section, (name, family)
            continue
        assert f"`{region_fqdn(config, name)}` (A)" in section
        assert f"`{region_fqdn(config, name, private=True)}` (A)" in section
        assert (f"`{region_fqdn(config, name)}` (AAAA)" in section) == ("ipv6" in public)


def test_the_global_services(config: Config) -> None:
    text = render_overview(config)
    section = text.split("## Global services", 1)[1].split("\n## ", 1)[0]
    for value in (
        naming.global_resource_group(config.project),
        config.dns.zone_name,
        config.dns.private_zone_name,
        config.global_.registry_name,
        config.global_.key_vault_name,
        naming.log_analytics(config.project),
    ):
        assert f"`{value}`" in section, value
    assert app_fqdn(config) in section
    profiles = [traffic_manager_profile(config.project, config.dns.app_name, f) for f in ("ipv4", "ipv6")]
    front_door = [
        naming.front_door_profile(config.project),
        naming.front_door_endpoint(config.project),
        naming.front_door_waf_policy(config.project),
    ]
    if config.front_door is None:
        for profile in profiles:
            assert (f"`{profile}`" in section) == (
                profile.rsplit("-", 1)[1] in modes.public_families(config.ingress)
            )
        assert not any(name in section for name in front_door)
    else:
        assert not any(profile in section for profile in profiles)
        for name in front_door:
            assert f"`{name}`" in section, name
        assert f"{config.front_door.waf.mode};" in section


def test_the_diagram_shows_both_families_and_the_translation_hop(config: Config) -> None:
    diagram = mermaid(render_overview(config))
    found = edges(diagram)
    labels = {label for _, _, label, _ in found}
    assert diagram.startswith("flowchart LR\n")
    assert '(["IPv4 client"])' in diagram and '(["IPv6 client"])' in diagram
    public = modes.public_families(config.ingress)
    for name in config.regions:
        node = f"r_{name}"
        _assert_clients_reach_the_addresses(config, found, node, public)
        into_services = {(src, arrow, label) for src, arrow, label, dst in found if dst == f"{node}_svc"}
        mode = config.ingress.mode
        if mode == "nat64":
            assert (f"{node}_ing_ipv4", "-->", "IPv4, no translation") in into_services
            if "ipv6" in public:
                assert (f"{node}_ing_ipv6", "==>", "NAT64: IPv6 → IPv4") in into_services
            else:
                assert len(into_services) == 1
        elif mode == "nat46":
            assert (f"{node}_ing_ipv6", "-->", "IPv6, no translation") in into_services
            assert (f"{node}_ing_ipv4", "==>", "NAT46: IPv4 → IPv6") in into_services
        else:
            assert into_services == {
                (f"{node}_ing_dual", "-->", "IPv4, no translation"),
                (f"{node}_ing_dual", "-->", "IPv6, no translation"),
            }
    if config.ingress.mode == "dualstack":
        assert "==>" not in diagram
        assert not any("NAT" in label for label in labels)
    if config.front_door is None and "ipv6" not in public:
        assert ("client_ipv6", "-.->", "no AAAA record", "no_ipv6") in found


def _assert_clients_reach_the_addresses(
    config: Config, found: set[tuple[str, str, str, str]], node: str, public: tuple[str, ...]
) -> None:
    """Straight to each public address, or (Front Door) to Front Door, which reaches each
    origin over its family."""
    for family in public:
        label = "IPv4" if family == "ipv4" else "IPv6"
        if config.front_door is None:
            assert (f"client_{family}", "-->", label, f"{node}_pip_{family}") in found
            continue
        assert (f"client_{family}", "-->", f"HTTPS over {label}", "fd") in found
        assert not [e for e in found if e[0].startswith("client_") and e[3] == f"{node}_pip_{family}"]
        assert ("fd", "-->", f"HTTPS over {label}<br/>X-Azure-FDID", f"{node}_pip_{family}") in found


def test_the_diagram_is_well_formed(config: Config) -> None:
    """Every edge joins declared nodes, subgraphs close, labels hold no stray quotes.

    (The diagrams were also checked with Mermaid 11's own parser while this was written.)
    """
    diagram = mermaid(render_overview(config))
    declared = set(NODE.findall(diagram))
    declared_ids = {node for node, _ in declared}
    lines = [line for line in diagram.splitlines() if line.strip()]
    assert sum(line.strip().startswith("subgraph ") for line in lines) == sum(
        line.strip() == "end" for line in lines
    )
    for line in lines[1:]:
        stripped = line.strip()
        if stripped.startswith("subgraph ") or stripped == "end":
            continue
        edge = EDGE.match(line)
        if edge:
            assert edge.group(1) in declared_ids and edge.group(4) in declared_ids, line
        else:
            assert NODE.match(line), line
        assert stripped.count('"') % 2 == 0, line


@pytest.mark.parametrize("stem", [p.stem for p in CONFIG_FILES])
def test_names_match_the_synthesized_stacks(stem: str, synthesized_configs: dict[str, Synthesized]) -> None:
    """Every Azure name the overview mentions is a ``name`` in the synthesized JSON."""
    text = render_overview(CONFIGS[stem])
    mentioned = set(re.findall(r"`((?:rg|vnet|pip|aks|tm|kv|log|afd|ep)-[a-z0-9-]+)`", text))
    assert mentioned
    synthesized = "".join(stack.text for stack in synthesized_configs[stem].stacks.values())
    for name in mentioned:
        # Created (name), or existing and referenced: the hub's group and VNet.
        keys = ("name", "node_resource_group", "resource_group_name", "virtual_network_name")
        assert any(f'"{key}": "{name}"' in synthesized for key in keys), name


def test_the_overview_is_pure_and_deterministic() -> None:
    config = CONFIGS["nat46"]
    assert render_overview(config) == render_overview(config)
    # Neither framework nor jsii is loaded, nor any provider package.
    probe = (
        "import sys, dualstack.review.overview, dualstack.review.diff\n"
        f"HEAVY = {HEAVY_PACKAGES!r}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in HEAVY))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.cli
def test_the_command_prints_the_overview_of_the_configured_file(tmp_path: Any) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DUALSTACK_CONFIG"}
    run = subprocess.run(
        [sys.executable, "-m", "dualstack.review", "overview"],
        cwd=REPO,
        env={**env, "DUALSTACK_CONFIG": "config/dualstack.yaml"},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == render_overview(CONFIGS["dualstack"])
    bad = tmp_path / "bad.yaml"
    bad.write_text("project: Contoso\n")
    failed = subprocess.run(
        [sys.executable, "-m", "dualstack.review", "overview", "--config", str(bad)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert failed.returncode == 2
    assert failed.stdout == ""
    assert failed.stderr.startswith("error: ")
