"""The bill of materials (``review/bom.py``), its change between base and head, the monthly
estimate from a price file (``review/prices.py``) and the price download against a fake retail
prices API on loopback. Every price here is one the test writes into its own price file."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from synthhelp import CONFIG_DIR, CONFIGS, Synthesized, set_key

from dualstack.review import prices as prices_module
from dualstack.review.__main__ import main as review_main
from dualstack.review.bom import Line, bill, delta, stack_lines
from dualstack.review.diff import diff_outdirs, load_stacks
from dualstack.review.markdown import render
from dualstack.review.prices import PriceFile, download, estimate_markdown, price

Variant = Callable[..., Synthesized]


def _texts(synth: Synthesized, stack: str) -> list[str]:
    return [line.text() for line in stack_lines(stack, synth[stack].json)]


def test_a_region_of_the_default_config_bills_what_its_config_says(default_synth: Synthesized) -> None:
    """Stated from config/default.yaml and the defaults: system pool 3-5 and user pool 3-12 of
    Standard_D4ds_v5, the Standard tier, one load balancer, an ingress and a managed outbound
    address per family, private endpoints for the registry and the vault, and the region's
    names (A and AAAA public and private, a Traffic Manager endpoint per family)."""
    config = CONFIGS["default"]
    assert (config.cluster.system_pool.min_count + config.cluster.user_pool.min_count) == 6
    assert (config.cluster.system_pool.max_count + config.cluster.user_pool.max_count) == 17
    x = "\N{MULTIPLICATION SIGN}"
    assert sorted(_texts(default_synth, "eastus2")) == sorted(
        [
            f"6 (up to 17) {x} vm Standard_D4ds_v5 in eastus2",
            f"1 {x} aks-tier Standard in eastus2",
            f"1 {x} load-balancer Standard in eastus2",
            f"2 {x} public-ip Standard IPv4 in eastus2",
            f"2 {x} public-ip Standard IPv6 in eastus2",
            f"2 {x} private-endpoint in eastus2",
            f"1 {x} data-collection-rule in eastus2",
            f"2 {x} dns-record-set public in global",
            f"2 {x} private-dns-record-set in global",
            f"2 {x} private-dns-zone in global",
            f"2 {x} traffic-manager-endpoint External in global",
        ]
    )
    glob = _texts(default_synth, "global")
    assert f"1 {x} registry Premium in eastus2" in glob
    assert f"1 {x} registry-replica Premium in swedencentral" in glob
    assert f"2 {x} traffic-manager-profile in global" in glob
    assert f"2 {x} dns-record-set public in global" in glob, "A and AAAA; the count-0 CNAME is not billed"
    assert not [t for t in glob if "front-door" in t]


def test_front_door_bills_its_profile_waf_and_rules_and_no_traffic_manager(
    synthesized_configs: dict[str, Synthesized],
) -> None:
    x = "\N{MULTIPLICATION SIGN}"
    glob = _texts(synthesized_configs["frontdoor"], "global")
    assert f"1 {x} front-door-profile Premium_AzureFrontDoor in global" in glob
    assert f"1 {x} front-door-waf-policy Premium_AzureFrontDoor in global" in glob
    assert f"1 {x} front-door-waf-rule custom in global" in glob
    assert not [t for t in glob if "traffic-manager" in t]


@pytest.mark.parametrize("stem", sorted(CONFIGS))
def test_the_overview_of_every_config_has_its_bill(
    stem: str, synthesized_configs: dict[str, Synthesized]
) -> None:
    synth = synthesized_configs[stem]
    text = (synth.outdir / "overview.md").read_text()
    section = text.split("## Bill of materials\n", 1)[1]
    lines = bill(load_stacks(synth.outdir))
    rows = [r for r in section.splitlines() if r.startswith("| `")]
    assert len(rows) == len(lines), "one row per line of the bill"
    pools = CONFIGS[stem].cluster.system_pool, CONFIGS[stem].cluster.user_pool
    low, high = sum(p.min_count for p in pools), sum(p.max_count for p in pools)
    sizes = {p.vm_size for p in pools}
    for region in CONFIGS[stem].regions:
        if len(sizes) == 1:
            assert f"| `{region}` | {region} | vm {next(iter(sizes))} | {low}-{high} |" in rows
    assert "python -m dualstack.review prices" in section


# --- the change between base and head ---------------------------------------------------------


def _cost(base: Synthesized, head: Synthesized) -> list[str]:
    return delta(bill(load_stacks(base.outdir)), bill(load_stacks(head.outdir)))


def test_adding_a_region_adds_its_nodes_addresses_and_a_registry_replica(
    default_synth: Synthesized, synth_variant: Variant
) -> None:
    def add(raw: dict[str, Any]) -> None:
        raw["regions"]["francecentral"] = {
            "address_space": {"ipv4": "10.30.0.0/16", "ipv6": "fd8e:4a1f:2c00:300::/56"}
        }

    more = synth_variant("default", add, "default-plus-francecentral")
    cost = _cost(default_synth, more)
    x = "\N{MULTIPLICATION SIGN}"
    assert f"+6 to +17 {x} vm Standard_D4ds_v5 in francecentral (was 0, now 6-17)" in cost
    assert f"+1 {x} registry-replica Premium in francecentral (was 0, now 1)" in cost
    assert f"+2 {x} traffic-manager-endpoint External in global (was 4, now 6)" in cost
    # Elsewhere only the new region's data collection rule, which lives with the workspace.
    assert [c for c in cost if " in eastus2 " in c or " in swedencentral " in c] == [
        f"+1 {x} data-collection-rule in eastus2 (was 2, now 3)"
    ]


def test_translator_off_and_a_drain_bill_fewer_names_and_the_same_nodes(
    default_synth: Synthesized, synth_variant: Variant
) -> None:
    off = _cost(
        default_synth,
        synth_variant("default", set_key("ingress.translator_enabled", False), "default-no-translator"),
    )
    x = "\N{MULTIPLICATION SIGN}"
    # The IPv6 Traffic Manager endpoints go, one per region; the public IPs stay reserved.
    assert f"-2 {x} traffic-manager-endpoint External in global (was 4, now 2)" in off
    assert not [c for c in off if "public-ip" in c or " vm " in c]
    drained = _cost(
        default_synth,
        synth_variant("default", set_key("regions.swedencentral.drain", True), "default-drained"),
    )
    assert f"-2 {x} traffic-manager-endpoint External in global (was 4, now 2)" in drained
    assert not [c for c in drained if " vm " in c], "a drained region keeps its cluster"


def test_a_mode_switch_changes_nothing_billed(default_synth: Synthesized, synth_variant: Variant) -> None:
    assert (
        _cost(default_synth, synth_variant("default", set_key("ingress.mode", "nat46"), "default-nat46"))
        == []
    )


def test_the_change_summary_says_what_the_bill_does(
    default_synth: Synthesized, synth_variant: Variant
) -> None:
    off = synth_variant("default", set_key("ingress.translator_enabled", False), "default-no-translator")
    text = render(diff_outdirs(default_synth.outdir, off.outdir))
    assert "**Cost:** the bill of materials changes:" in text
    assert "traffic-manager-endpoint External in global (was 4, now 2)" in text


# --- prices -----------------------------------------------------------------------------------


def _item(service: str, meter: str, region: str, price: float, unit: str, **extra: Any) -> dict[str, Any]:
    """One price in the shape the retail prices API documents."""
    return {
        "currencyCode": "EUR",
        "tierMinimumUnits": 0.0,
        "retailPrice": price,
        "unitPrice": price,
        "armRegionName": region,
        "location": region,
        "effectiveStartDate": "2026-01-01T00:00:00Z",
        "meterName": meter,
        "serviceName": service,
        "productName": extra.pop("productName", service),
        "skuName": extra.pop("skuName", meter),
        "type": extra.pop("type", "Consumption"),
        "unitOfMeasure": unit,
        **extra,
    }


PRICE_ITEMS = [
    _item(
        "Virtual Machines",
        "D4ds v5",
        "eastus2",
        0.25,
        "1 Hour",
        armSkuName="Standard_D4ds_v5",
        skuName="D4ds v5",
    ),
    _item(
        "Virtual Machines",
        "D4ds v5",
        "eastus2",
        0.40,
        "1 Hour",
        armSkuName="Standard_D4ds_v5",
        productName="Virtual Machines Ddsv5 Series Windows",
    ),
    _item(
        "Virtual Machines",
        "D4ds v5 Spot",
        "eastus2",
        0.05,
        "1 Hour",
        armSkuName="Standard_D4ds_v5",
        skuName="D4ds v5 Spot",
    ),
    _item("Virtual Network", "Standard IPv4 Static Public IP", "eastus2", 0.005, "1 Hour"),
]


def test_a_line_is_priced_from_the_file_and_only_from_it() -> None:
    vm = Line("eastus2", "eastus2", "vm", "Standard_D4ds_v5", 6, 17)
    priced = price(vm, PRICE_ITEMS)
    # The Linux pay-as-you-go price; Windows and Spot are left out.
    assert priced.monthly_each == round(0.25 * 730, 6)
    assert (round(priced.monthly_min, 2), round(priced.monthly_max, 2)) == (6 * 0.25 * 730, 17 * 0.25 * 730)
    ip = price(Line("eastus2", "eastus2", "public-ip", "Standard IPv4", 2, 2), PRICE_ITEMS)
    assert round(ip.monthly_max, 2) == round(2 * 0.005 * 730, 2)
    missing = price(Line("eastus2", "eastus2", "public-ip", "Standard IPv6", 2, 2), PRICE_ITEMS)
    assert missing.monthly_each is None and "no prices in the file" in missing.reason
    by_use = price(Line("global", "eastus2", "log-analytics", "PerGB2018", 1, 1), PRICE_ITEMS)
    assert by_use.monthly_each is None and not by_use.missing and "billed by the GB" in by_use.reason


def test_the_estimate_has_totals_per_stack_the_date_and_what_it_could_not_price() -> None:
    lines = [
        Line("eastus2", "eastus2", "vm", "Standard_D4ds_v5", 6, 17),
        Line("eastus2", "eastus2", "public-ip", "Standard IPv4", 2, 2),
        Line("global", "eastus2", "key-vault", "standard", 1, 1),
    ]
    text = estimate_markdown(lines, PriceFile("EUR", "2026-12-01", PRICE_ITEMS))
    assert "Monthly estimate in EUR from Azure's retail prices of 2026-12-01" in text
    low, high = 6 * 0.25 * 730 + 2 * 0.005 * 730, 17 * 0.25 * 730 + 2 * 0.005 * 730
    assert f"| `eastus2` | {low:,.2f} | {high:,.2f} |" in text
    assert f"| **total** | **{low:,.2f}** | **{high:,.2f}** |" in text
    assert "- `global`: 1 \N{MULTIPLICATION SIGN} key-vault standard in eastus2: billed by operation" in text


def test_the_items_unit_sets_the_monthly_quantity_and_a_unit_not_of_time_is_not_priced() -> None:
    registry = Line("global", "eastus2", "registry", "Premium", 1, 1)
    per_day = [_item("Container Registry", "Premium Registry Unit", "eastus2", 1.5, "1/Day")]
    assert round(price(registry, per_day).monthly_max, 4) == round(1.5 * 730 / 24, 4)
    hundred = [_item("Container Registry", "Premium Registry Unit", "eastus2", 100.0, "100 Hours")]
    assert round(price(registry, hundred).monthly_max, 4) == 730.0
    per_gb = price(registry, [_item("Container Registry", "Premium Registry Unit", "eastus2", 1.5, "1 GB")])
    assert per_gb.monthly_each is None and per_gb.missing and "priced per 1 GB, not by time" in per_gb.reason
    assert prices_module.units_per_month("1/Month") == 1.0


def test_global_prices_count_for_every_region_and_reservations_do_not() -> None:
    """Azure names global meters' region ``Global``; a regional price wins over a global one."""
    fd = Line("global", "global", "front-door-profile", "Premium_AzureFrontDoor", 1, 1)
    base_fee = _item("Azure Front Door Service", "Premium Base Fees", "Global", 330.0, "1/Month")
    assert price(fd, [base_fee]).monthly_max == 330.0
    ip = Line("eastus2", "eastus2", "public-ip", "Standard IPv4", 1, 1)
    items = [
        _item("Virtual Network", "Standard IPv4 Static Public IP", "Global", 0.004, "1 Hour"),
        _item("Virtual Network", "Standard IPv4 Static Public IP", "EastUS2", 0.005, "1 Hour"),
        _item(
            "Virtual Network",
            "Standard IPv4 Static Public IP",
            "eastus2",
            0.001,
            "1 Hour",
            type="Reservation",
        ),
    ]
    assert price(ip, items).monthly_each == round(0.005 * 730, 6)
    vm = Line("eastus2", "eastus2", "vm", "Standard_D4ds_v5", 1, 1)
    low = _item(
        "Virtual Machines", "D4ds v5 Low Priority", "eastus2", 0.05, "1 Hour", armSkuName="Standard_D4ds_v5"
    )
    assert price(vm, [*PRICE_ITEMS, low]).monthly_each == round(0.25 * 730, 6)


def test_meters_priced_by_zone_or_only_globally_are_asked_for_and_priced() -> None:
    """The API lists DNS zones and Front Door's base fee under billing zones (``Zone 1``), and
    some regional meters (load balancer rules) under ``Global`` only."""
    zone = Line("global", "global", "dns-zone", "", 1, 1)
    same = [_item("Azure DNS", "Public Zone", z, 0.5, "1/Month") for z in ("Zone 1", "Zone 2")]
    assert price(zone, same).monthly_max == 0.5
    differ = [*same, _item("Azure DNS", "Public Zone", "Zone 3", 0.7, "1/Month")]
    assert price(zone, differ).missing and "2 different prices" in price(zone, differ).reason
    lb = Line("eastus2", "eastus2", "load-balancer", "Standard", 1, 1)
    rules = _item("Load Balancer", "Standard Included LB Rules and Outbound Rules", "Global", 0.025, "1 Hour")
    assert price(lb, [rules]).monthly_max == round(0.025 * 730, 6)
    asked = prices_module.filters([lb, zone])
    assert asked == [
        "serviceName eq 'Azure DNS' and type eq 'Consumption' and meterName eq 'Public Zone'",
        "serviceName eq 'Load Balancer' and type eq 'Consumption' and (armRegionName eq 'eastus2' or "
        "armRegionName eq 'Global') and meterName eq 'Standard Included LB Rules and Outbound Rules'",
    ]


def test_the_same_monthly_price_in_two_units_is_one_price() -> None:
    registry = Line("global", "eastus2", "registry", "Premium", 2, 2)
    items = [
        _item("Container Registry", "Premium Registry Unit", "eastus2", 0.01, "1 Hour"),
        _item("Container Registry", "Premium Registry Unit", "eastus2", 1.0, "100 Hours"),
    ]
    assert price(registry, items).monthly_max == 2 * 7.3
    assert prices_module.units_per_month("0 Hours") is None


def test_the_difference_is_not_shown_when_the_file_lacks_a_price_either_side_needs() -> None:
    base = [Line("eastus2", "eastus2", "vm", "Standard_D8ds_v5", 3, 3)]
    head = [Line("eastus2", "eastus2", "vm", "Standard_D4ds_v5", 6, 6)]
    file = PriceFile("EUR", "2026-12-01", PRICE_ITEMS)
    text = prices_module.estimate_delta_markdown(base, head, file)
    assert "not shown" in text and "lacks 1 price(s) of the base's bill and 0 of the head's" in text
    assert "change" not in text
    both = prices_module.estimate_delta_markdown(head, head + head, file)
    assert f"change {6 * 0.25 * 730:+,.2f} to {6 * 0.25 * 730:+,.2f}" in both
    assert "lacks a price" in estimate_markdown(base, file)


def test_a_bill_delta_signs_the_minimum_and_the_maximum_each() -> None:
    x = "\N{MULTIPLICATION SIGN}"
    base = [Line("r", "r", "vm", "S", 3, 5)]
    assert delta(base, [Line("r", "r", "vm", "S", 2, 9)]) == [f"-1 to +4 {x} vm S in r (was 3-5, now 2-9)"]
    assert delta(base, []) == [f"-3 to -5 {x} vm S in r (was 3-5, now 0)"]
    assert delta(base, [Line("r", "r", "vm", "S", 4, 6)]) == [f"+1 {x} vm S in r (was 3-5, now 4-6)"]


class _FakeApi(BaseHTTPRequestHandler):
    """Answers like the retail prices API: one page per filter, then a NextPageLink page."""

    pages: ClassVar[dict[str, dict[str, Any]]] = {}
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).seen.append(self.path)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        key = query.get("page", ["first"])[0]
        doc = dict(type(self).pages[key])
        if key == "first":
            port = self.headers["Host"].rsplit(":", 1)[1]
            doc["NextPageLink"] = f"http://127.0.0.1:{port}/api/retail/prices?page=second"
        body = json.dumps(doc).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def fake_api() -> Iterator[str]:
    _FakeApi.seen = []
    _FakeApi.pages = {
        "first": {"BillingCurrency": "EUR", "Items": PRICE_ITEMS[:2], "Count": 2},
        "second": {"BillingCurrency": "EUR", "Items": PRICE_ITEMS[2:], "Count": 2, "NextPageLink": None},
    }
    server = HTTPServer(("127.0.0.1", 0), _FakeApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/api/retail/prices"
    finally:
        server.shutdown()
        server.server_close()


def test_the_download_asks_for_each_meter_and_follows_every_page(fake_api: str) -> None:
    lines = [
        Line("eastus2", "eastus2", "vm", "Standard_D4ds_v5", 6, 17),
        Line("global", "eastus2", "key-vault", "standard", 1, 1),
    ]
    doc = download(lines, base=fake_api)
    assert doc["Items"] == PRICE_ITEMS and doc["Count"] == 4 and doc["BillingCurrency"] == "EUR"
    first, second = _FakeApi.seen
    asked = urllib.parse.parse_qs(urllib.parse.urlsplit(first).query)
    assert asked["$filter"] == [
        "serviceName eq 'Virtual Machines' and type eq 'Consumption' and (armRegionName eq 'eastus2' or "
        "armRegionName eq 'Global') and armSkuName eq 'Standard_D4ds_v5'"
    ]
    assert asked["api-version"] == [prices_module.API_VERSION]
    assert second.endswith("?page=second"), "the next page, as the API links it"


def test_the_prices_command_writes_a_file_the_overview_reads(
    fake_api: str, default_synth: Synthesized, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "prices.json"
    both = [str(default_synth.outdir), str(default_synth.outdir)]  # base and head: one union of bills
    assert review_main(["prices", *both, "--output", str(out), "--url", fake_api]) == 0
    doc = json.loads(out.read_text())
    assert doc["Items"] and doc["dualstackFetchedAt"]
    capsys.readouterr()
    config = str(CONFIG_DIR / "default.yaml")
    code = review_main(
        ["overview", "--config", config, "--outdir", str(default_synth.outdir), "--prices", str(out)]
    )
    assert code == 0
    text = capsys.readouterr().out
    assert f"Monthly estimate in EUR from Azure's retail prices of {doc['dualstackFetchedAt']}" in text
    assert "| **total** |" in text and "Not priced:" in text
