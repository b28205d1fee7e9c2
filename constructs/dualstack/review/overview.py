"""A Markdown picture of what a config describes: global services, each region's address
plan, zones, ingress mode, public IPs and DNS names, and a Mermaid diagram of the data path
of both IP families.

Pure: it reads only the config model and the naming rules (no cdktf, no synthesized JSON),
so it renders in milliseconds and says the same thing as the stacks synthesized from the
same config. GitHub renders the ``mermaid`` block in pull requests and READMEs.
"""

from __future__ import annotations

from collections.abc import Callable

from dualstack import ingress_controller, modes, naming, topology
from dualstack.config import Config, Origin, Region
from dualstack.modes import Release
from dualstack.naming import DNS_RECORD, IpFamily
from dualstack.review.bom import Line
from dualstack.review.prices import PriceFile, estimate_markdown

FAMILIES: tuple[IpFamily, ...] = ("ipv4", "ipv6")
LABEL: dict[str, str] = {"ipv4": "IPv4", "ipv6": "IPv6", "dual": "dual-stack"}
TRAFFIC_MANAGER_DOMAIN = "trafficmanager.net"


def traffic_manager_profile(project: str, app_name: str, family: IpFamily) -> str:
    """Name of the global Traffic Manager profile of one family (as ``global_.traffic`` builds it)."""
    return f"tm-{project}-{app_name}-{family}"


def traffic_manager_fqdn(project: str, app_name: str, family: IpFamily) -> str:
    return f"{project}-{app_name}-{family}.{TRAFFIC_MANAGER_DOMAIN}"


def app_fqdn(config: Config) -> str:
    return config.dns.app_host


def region_fqdn(config: Config, region: str, *, private: bool = False) -> str:
    zone = config.dns.private_zone_name if private else config.dns.zone_name
    return f"{region}.{config.dns.app_name}.{zone}"


def render_overview(config: Config, bill: list[Line] | None = None, prices: PriceFile | None = None) -> str:
    """The whole overview as Markdown, ending with a newline; with ``bill`` (the synthesized
    stacks' bill of materials) its section, and with ``prices`` the monthly estimate."""
    parts = [
        _summary(config),
        _diagram(config),
        _global_services(config),
        _regions_table(config),
        *(_region(config, name, region) for name, region in config.regions.items()),
    ]
    if bill is not None:
        parts.append(render_bill(bill, prices))
    return "\n".join(parts).rstrip() + "\n"


def render_bill(bill: list[Line], prices: PriceFile | None = None) -> str:
    """The bill of materials per stack (what Azure bills for), and with prices the estimate."""
    out = [
        "## Bill of materials",
        "",
        "What the stacks make Azure bill for, from the synthesized JSON; node counts from the "
        "autoscaler's minimum to its maximum. Usage (log ingestion, DNS queries, requests, data "
        "transfer) is not counted.",
        "",
        "| Stack | Region | What | Count |",
        "|---|---|---|---|",
    ]
    for line in bill:
        count = str(line.minimum) if line.minimum == line.maximum else f"{line.minimum}-{line.maximum}"
        out.append(f"| `{line.stack}` | {line.region} | {line.kind} {line.sku}".rstrip() + f" | {count} |")
    if prices is not None:
        out += ["", estimate_markdown(bill, prices)]
    else:
        out += [
            "",
            "Prices: `python -m dualstack.review prices cdktf.out --output prices.json` (online), "
            "then `python -m dualstack.review overview --outdir cdktf.out --prices prices.json`.",
        ]
    return "\n".join(out) + "\n"


# --- summary and global services ------------------------------------------------------------


def _summary(config: Config) -> str:
    ingress = config.ingress
    mode = modes.of(ingress)
    families = modes.public_families(ingress)
    regions = ", ".join(f"`{r}`" for r in config.regions)
    translator = "—" if mode.translator is None else ("on" if ingress.translator_enabled else "**off**")
    front_door = config.front_door
    if front_door is None:
        names = " · ".join(
            f"{DNS_RECORD[f]} → Traffic Manager `{traffic_manager_profile(config.project, config.dns.app_name, f)}`"
            for f in families
        )
        edge = "Traffic Manager: clients connect straight to the closest healthy region's ingress"
    else:
        names = (
            f"CNAME → Front Door endpoint `{naming.front_door_endpoint(config.project)}` "
            f"(profile `{naming.front_door_profile(config.project)}`), which answers A and AAAA"
        )
        edge = (
            f"Front Door Premium: WAF `{naming.front_door_waf_policy(config.project)}` in "
            f"{front_door.waf.mode} mode, then HTTPS to the closest healthy region; the ingresses "
            "admit Front Door only"
        )
    return "\n".join(
        [
            f"# Topology of `{config.project}`",
            "",
            "Generated from the config (`python -m dualstack.review overview`). It describes what "
            "synthesis builds; nothing here is read from Azure.",
            "",
            "| | |",
            "|---|---|",
            f"| Ingress mode | `{mode.name}`: {mode.summary} |",
            f"| Translator | {translator} |",
            f"| Public families | {', '.join(LABEL[f] for f in families)} |",
            f"| Stacks | {topology.order(regions, edge=front_door is not None)} |",
            f"| Edge | {edge} |",
            f"| Application | `{app_fqdn(config)}`: {names} |",
            f"| Kubernetes | `{config.cluster.kubernetes_version}`, {config.cluster.sku_tier} tier, "
            f"data plane `{config.cluster.network_data_plane}`, API server "
            f"{_api_server(config)} |",
            "",
        ]
    )


def _api_server(config: Config) -> str:
    if not config.cluster.api_server.private:
        return "public (authorized ranges)"
    hub = config.network.hub
    where = f"peered hub `{hub.name}`" if hub is not None else "networks with a path into a region's VNet"
    return f"private, with a public FQDN that resolves to the private address; deploy from {where}"


def _global_services(config: Config) -> str:
    glob, project = config.global_, config.project
    replicas = sorted(r for r in config.regions if r != glob.location)
    rows = [
        ("Resource group", naming.global_resource_group(project), f"location `{glob.location}`"),
        ("Public DNS zone", config.dns.zone_name, "delegate it from the parent zone"),
        ("Private DNS zone", config.dns.private_zone_name, "linked to every region's VNet"),
        *_edge_rows(config),
        (
            "Container registry",
            glob.registry_name,
            "Premium, zone-redundant; replicas: " + (", ".join(f"`{r}`" for r in replicas) or "none"),
        ),
        ("Key Vault", glob.key_vault_name, "RBAC authorization, purge protection"),
        ("Log Analytics", naming.log_analytics(project), f"{glob.log_retention_days} days retention"),
    ]
    lines = [
        f"## Global services (stack `global`, `{glob.location}`)",
        "",
        "| Service | Name | Notes |",
        "|---|---|---|",
        *(f"| {what} | `{name}` | {notes} |" for what, name, notes in rows),
        "",
    ]
    return "\n".join(lines)


def _edge_rows(config: Config) -> list[tuple[str, str, str]]:
    project, app = config.project, config.dns.app_name
    front_door = config.front_door
    if front_door is None:
        return [
            (
                f"Traffic Manager ({LABEL[f]})",
                traffic_manager_profile(project, app, f),
                f"`{traffic_manager_fqdn(project, app, f)}`, Performance routing; "
                f"{DNS_RECORD[f]} alias `{app_fqdn(config)}`; probes {config.probe.protocol} "
                f"`{config.probe.path}` on `{config.probe.host}`, port {config.probe.port}",
            )
            for f in modes.public_families(config.ingress)
        ]
    waf = front_door.waf
    exclusions = ", ".join(f"`{g}` ({len(e)})" for g, e in sorted(waf.exclusions.items())) or "none"
    return [
        (
            "Front Door profile",
            naming.front_door_profile(project),
            "Premium; its ID is the `X-Azure-FDID` every ingress requires",
        ),
        (
            "Front Door endpoint",
            naming.front_door_endpoint(project),
            f"custom domain `{app_fqdn(config)}` (managed certificate; a CNAME to the endpoint, so "
            f"Front Door renews it), latency-based routing within {front_door.latency_sensitivity_ms} ms, "
            f"HTTPS health probes of the application's `{config.probe.path}` on `{app_fqdn(config)}`",
        ),
        (
            "WAF policy",
            naming.front_door_waf_policy(project),
            f"{waf.mode}; Microsoft_DefaultRuleSet {waf.default_rule_set_version} (exclusions: "
            f"{exclusions}), Microsoft_BotManagerRuleSet {waf.bot_manager_rule_set_version}; "
            f"rate limit {waf.rate_limit.threshold} requests per client address per "
            f"{waf.rate_limit.duration_minutes} min",
        ),
    ]


# --- regions --------------------------------------------------------------------------------


def _regions_table(config: Config) -> str:
    families = modes.public_families(config.ingress)
    lines = [
        "## Regions",
        "",
        "| Region | VNet IPv4 | VNet IPv6 | Zones | Ingress public IPs |",
        "|---|---|---|---|---|",
    ]
    for name, region in config.regions.items():
        pips = ", ".join(f"`{naming.ingress_public_ip(config.project, name, f)}`" for f in families)
        lines.append(
            f"| `{name}` | `{region.address_space.ipv4}` | `{region.address_space.ipv6}` | "
            f"{_zones(region)} | {pips} |"
        )
    return "\n".join([*lines, ""])


def _zones(region: Region) -> str:
    return ", ".join(str(z) for z in region.zones)


def _region(config: Config, name: str, region: Region) -> str:
    lines = [
        f"### `{name}`",
        "",
        *_region_table(config, name, region),
        "",
        *_region_notes(config, name, region),
        "",
    ]
    return "\n".join(lines)


def _region_table(config: Config, name: str, region: Region) -> list[str]:
    """Per family: the address plan, the public IP and the region's names (or origins)."""
    project = config.project
    public = modes.public_families(config.ingress)

    def row(label: str, render: dict[IpFamily, str]) -> str:
        return f"| {label} | " + " | ".join(render[f] for f in FAMILIES) + " |"

    def pair(values: tuple[str, str]) -> dict[IpFamily, str]:
        return {"ipv4": f"`{values[0]}`", "ipv6": f"`{values[1]}`"}

    def if_public(family: IpFamily, text: str) -> str:
        return text if family in public else "— (translator off)"

    return [
        "| | IPv4 | IPv6 |",
        "|---|---|---|",
        row(
            f"VNet `{naming.vnet(project, name)}`",
            pair((region.address_space.ipv4, region.address_space.ipv6)),
        ),
        row(
            f"Subnet `{naming.cluster_subnet()}`",
            pair((region.cluster_subnet.ipv4, region.cluster_subnet.ipv6)),
        ),
        row("Pods (overlay)", pair(region.pod_cidrs)),
        row("Services", pair(region.service_cidrs)),
        row(
            "Ingress public IP",
            {
                f: f"`{naming.ingress_public_ip(project, name, f)}`"
                + ("" if f in public else " (reserved, closed: translator off)")
                for f in FAMILIES
            },
        ),
        *_region_names(
            config, name, region, lambda render: " | ".join(render[f] for f in FAMILIES), if_public
        ),
    ]


def _region_notes(config: Config, name: str, region: Region) -> list[str]:
    """Drain state, zones, cluster, monitoring, hub peering, stacks and ingress releases."""
    project, hub = config.project, config.network.hub
    drained = (
        "no Front Door origins"
        if config.front_door is not None
        else "no Traffic Manager endpoints and no records of its own"
    )
    return [
        *(
            [
                f"- **Drained** (`drain: true`): {drained}; nothing destroyed. Next step: `make destroy` "
                "of its two stacks (docs/deploy.md, retiring a region)"
            ]
            if region.drain
            else []
        ),
        f"- Zones: {_zones(region)} (public IPs and both node pools)",
        f"- Cluster `{naming.cluster(project, name)}` in `{naming.region_resource_group(project, name)}`; "
        f"nodes in `{naming.node_resource_group(project, name)}`; DNS service `{region.dns_service_ip}`",
        f"- Container Insights: data collection rule `{naming.container_insights_rule(project, name)}` "
        f"to `{naming.log_analytics(project)}`",
        *(
            [f"- Peered both ways with hub `{hub.name}` (`{hub.resource_group_name}`)"]
            if hub is not None
            else []
        ),
        f"- Stacks: `{name}` (Azure resources), then `{name}-workloads` (Kubernetes objects, Helm releases)",
        "- Ingress: " + "; ".join(_release_text(config, r) for r in modes.releases(config.ingress)),
    ]


def _region_names(
    config: Config,
    name: str,
    region: Region,
    per_family: Callable[[dict[IpFamily, str]], str],
    if_public: Callable[[IpFamily, str], str],
) -> list[str]:
    """The region's rows of names: its own DNS records, or its Front Door origins."""
    if config.front_door is None:
        return [
            "| Public DNS | "
            + per_family(
                {f: if_public(f, f"`{region_fqdn(config, name)}` ({DNS_RECORD[f]})") for f in FAMILIES}
            )
            + " |",
            "| Private DNS | "
            + per_family(
                {
                    f: if_public(f, f"`{region_fqdn(config, name, private=True)}` ({DNS_RECORD[f]})")
                    for f in FAMILIES
                }
            )
            + " |",
        ]
    origin = region.origin or Origin()
    weights = f"priority {origin.priority}, weight {origin.weight}"
    return [
        "| Front Door origin | "
        + per_family(
            {
                f: if_public(
                    f,
                    "— (drained)" if region.drain else f"`{naming.front_door_origin(name, f)}` ({weights})",
                )
                for f in FAMILIES
            }
        )
        + " |",
        "| Own DNS names | none: behind Front Door the addresses admit Front Door only | |",
    ]


def _release_text(config: Config, release: Release) -> str:
    role = (
        f"primary, reports Ingress status for `{ingress_controller.INGRESS_CLASS}`"
        if release.primary
        else "translator"
    )
    services = modes.of(config.ingress).services
    clients = " and ".join(LABEL[f] for f in release.families)
    if len(services) > 1:
        path = f"{clients} clients to dual-stack Services"
    elif release.primary:
        path = f"{clients} clients to {LABEL[services[0]]} Services"
    else:
        path = f"{clients} clients translated to {LABEL[services[0]]} Services"
    return f"`{release.name}` ({role}): {path}"


# --- the Mermaid data path ----------------------------------------------------------------


def _diagram(config: Config) -> str:
    project, app = config.project, config.dns.app_name
    public = modes.public_families(config.ingress)
    service = modes.service_family(config.ingress)
    lines = [
        "## Data path",
        "",
        "Solid arrows carry client traffic, dotted arrows are DNS lookups, and a thick arrow "
        "is the translation hop.",
        "",
        "```mermaid",
        "flowchart LR",
        '  client_ipv4(["IPv4 client"])',
        '  client_ipv6(["IPv6 client"])',
    ]
    if config.front_door is not None:
        return _front_door_diagram(config, lines, public, service)
    profiles = "<br/>".join(f"{DNS_RECORD[f]}: {traffic_manager_profile(project, app, f)}" for f in public)
    lines.append(f'  dns["{app_fqdn(config)}<br/>{profiles}"]')
    for family in FAMILIES:
        if family in public:
            lines.append(f'  client_{family} -.->|"{DNS_RECORD[family]} lookup"| dns')
        else:
            lines.append(f'  no_{family}["no public {LABEL[family]} ingress<br/>translator_enabled: false"]')
            lines.append(f'  client_{family} -.->|"no {DNS_RECORD[family]} record"| no_{family}')
    for name in config.regions:
        lines += _region_diagram(config, name, public, service)
    lines += ["```", ""]
    return "\n".join(lines)


def _front_door_diagram(
    config: Config, lines: list[str], public: tuple[IpFamily, ...], service: IpFamily | None
) -> str:
    """Both families to Front Door (WAF), then HTTPS to each region's origins of every public family."""
    project = config.project
    lines.append(f'  dns["{app_fqdn(config)}<br/>A, AAAA: {naming.front_door_endpoint(project)}"]')
    lines.append(
        f'  fd["Front Door {naming.front_door_profile(project)}<br/>WAF {naming.front_door_waf_policy(project)}"]'
    )
    for family in FAMILIES:
        lines.append(f'  client_{family} -.->|"{DNS_RECORD[family]} lookup"| dns')
        lines.append(f'  client_{family} -->|"HTTPS over {LABEL[family]}"| fd')
    for name, region in config.regions.items():
        region_lines = _region_diagram(config, name, public, service, clients=False)
        lines += region_lines
        if not region.drain:
            lines += [f'  fd -->|"HTTPS over {LABEL[f]}<br/>X-Azure-FDID"| r_{name}_pip_{f}' for f in public]
    lines += ["```", ""]
    return "\n".join(lines)


def _region_diagram(
    config: Config,
    name: str,
    public: tuple[IpFamily, ...],
    service: IpFamily | None,
    *,
    clients: bool = True,
) -> list[str]:
    node = f"r_{name}"
    services = "dual-stack Services" if service is None else f"{LABEL[service]} Services"
    lines = [
        f'  subgraph {node} ["{name}"]',
        f'    {node}_svc["{services}<br/>{naming.cluster(config.project, name)}"]',
    ]
    mode = modes.of(config.ingress)
    declared: set[str] = set()
    for family in public:
        release = mode.release_for(family, config.ingress.translator_enabled)
        ingress = f"{node}_ing_{release.kind}"
        role = "primary" if release.primary else "translator"
        lines.append(f'    {node}_pip_{family}["{naming.ingress_public_ip(config.project, name, family)}"]')
        if ingress not in declared:
            declared.add(ingress)
            lines.append(f'    {ingress}["{release.name}<br/>{LABEL[release.kind]} ingress, {role}"]')
        lines.append(f'    {node}_pip_{family} -->|"{LABEL[family]}"| {ingress}')
        if family in mode.services:
            lines.append(f'    {ingress} -->|"{LABEL[family]}, no translation"| {node}_svc')
        else:
            to = " and ".join(LABEL[f] for f in mode.services)
            hop = f"{mode.translation}: {LABEL[family]} → {to}"
            lines.append(f'    {ingress} ==>|"{hop}"| {node}_svc')
    lines.append("  end")
    if clients:
        lines += [f'  client_{family} -->|"{LABEL[family]}"| {node}_pip_{family}' for family in public]
    return lines
