"""Monthly estimates for a bill of materials (``bom.py``) from a price file of Azure's public
retail prices API, and the command that downloads that file.

No price is written in this code: every number comes from the price file, which
``python -m dualstack.review prices BOM_FOLDER --output FILE`` downloads (online) for exactly the
meters of the bill, in the API's own JSON (its ``Items``, all pages merged; the download's date
added as ``dualstackFetchedAt``). A line whose meter the file lacks, or that Azure bills by use
(log ingestion, DNS queries, vault operations, requests), is listed as not priced, with why.

Which meter prices which line (``METERS``) is this project's reading of the API's catalogue
(service, meter and unit names as the API returns them, ``learn.microsoft.com/rest/api/cost-
management/retail-prices/azure-retail-prices``); a meter named wrongly here finds nothing and the
line shows as not priced, never as a wrong price.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dualstack.review.bom import Line

API = "https://prices.azure.com/api/retail/prices"
API_VERSION = "2023-01-01-preview"
HOURS_PER_MONTH = 730
"""The month of Azure's pricing calculator: 730 hours."""
DAYS_PER_MONTH = HOURS_PER_MONTH / 24


@dataclass(frozen=True)
class Meter:
    """How to find one line's price in the file, and how many of its units a month holds."""

    service: str
    fields: dict[str, str]
    """Item fields that must equal these values (besides ``serviceName`` and the region)."""
    units_per_month: float


def meter(line: Line) -> Meter | str:
    """The meter of a bill line, or why it has none (billed by use, or free)."""
    vm = {"armSkuName": line.sku, "type": "Consumption", "unitOfMeasure": "1 Hour"}
    table: dict[str, Meter | str] = {
        "vm": Meter("Virtual Machines", vm, HOURS_PER_MONTH),
        "load-balancer": Meter(
            "Load Balancer", {"meterName": "Standard Included LB Rules and Outbound Rules"}, HOURS_PER_MONTH
        ),
        "public-ip": Meter(
            "Virtual Network",
            {"meterName": f"{line.sku} Static Public IP"},
            HOURS_PER_MONTH,
        ),
        "private-endpoint": Meter(
            "Virtual Network", {"meterName": "Standard Private Endpoint"}, HOURS_PER_MONTH
        ),
        "registry": Meter("Container Registry", {"meterName": f"{line.sku} Registry Unit"}, DAYS_PER_MONTH),
        "registry-replica": Meter(
            "Container Registry", {"meterName": f"{line.sku} Registry Unit"}, DAYS_PER_MONTH
        ),
        "dns-zone": Meter("Azure DNS", {"meterName": "Public Zone"}, 1),
        "private-dns-zone": Meter("Azure DNS", {"meterName": "Private Zone"}, 1),
        "front-door-profile": Meter("Azure Front Door Service", {"meterName": "Premium Base Fees"}, 1),
        "traffic-manager-endpoint": Meter(
            "Traffic Manager", {"meterName": "Non-Azure Endpoint Health Checks"}, 1
        ),
        "log-analytics": "billed by the GB ingested and retained",
        "key-vault": "billed by operation",
        "data-collection-rule": "billed by the data it collects (Log Analytics ingestion)",
        "traffic-manager-profile": "billed by DNS query",
        "front-door-waf-policy": "part of Front Door Premium's base fee, requests billed by use",
        "front-door-waf-rule": "part of Front Door Premium's base fee",
        "dns-record-set": "billed by DNS query",
        "private-dns-record-set": "billed by DNS query",
    }
    if line.kind == "aks-tier":
        if line.sku == "Free":
            return "the Free tier has no charge"
        return Meter(
            "Azure Kubernetes Service",
            {"skuName": line.sku, "meterName": f"{line.sku} Uptime SLA"},
            HOURS_PER_MONTH,
        )
    return table.get(line.kind, f"no meter known for {line.kind}")


def _region(item: dict[str, Any]) -> str:
    return str(item.get("armRegionName") or "global")


def _matches(item: dict[str, Any], line: Line, found: Meter) -> bool:
    if item.get("serviceName") != found.service:
        return False
    if line.region != "global" and _region(item) not in (line.region, "global", ""):
        return False
    if line.kind == "vm" and any(
        w in str(item.get(k, ""))
        for k in ("productName", "skuName")
        for w in ("Windows", "Spot", "Low Priority")
    ):
        return False
    return all(item.get(k) == v for k, v in found.fields.items())


@dataclass(frozen=True)
class Priced:
    line: Line
    unit_price: float | None
    monthly_min: float
    monthly_max: float
    reason: str = ""


def price(line: Line, items: list[dict[str, Any]]) -> Priced:
    """The line's monthly cost from the file's items, or why it has none."""
    found = meter(line)
    if isinstance(found, str):
        return Priced(line, None, 0.0, 0.0, found)
    candidates = [i for i in items if _matches(i, line, found) and float(i.get("tierMinimumUnits", 0)) == 0]
    in_region = [i for i in candidates if _region(i) == line.region] or candidates
    prices = {float(i["retailPrice"]) for i in in_region}
    if len(prices) != 1:
        why = "no" if not prices else f"{len(prices)} different"
        wanted = ", ".join(f"{k} {v!r}" for k, v in found.fields.items())
        return Priced(
            line, None, 0.0, 0.0, f"{why} prices in the file for {found.service}: {wanted} in {line.region}"
        )
    (unit,) = prices
    per = unit * found.units_per_month
    return Priced(line, unit, per * line.minimum, per * line.maximum)


@dataclass(frozen=True)
class PriceFile:
    currency: str
    fetched: str
    items: list[dict[str, Any]]


def read_price_file(path: Path) -> PriceFile:
    doc = json.loads(path.read_text(encoding="utf-8"))
    return PriceFile(
        str(doc.get("BillingCurrency", "?")),
        str(doc.get("dualstackFetchedAt", "unknown date")),
        list(doc["Items"]),
    )


def estimate_markdown(lines: list[Line], prices: PriceFile) -> str:
    """Monthly minimum and maximum per stack and in total, and every line not priced."""
    priced = [price(line, prices.items) for line in lines]
    out = [
        f"Monthly estimate in {prices.currency} from Azure's retail prices of {prices.fetched} "
        "(list prices, no discounts; usage-based charges not included):",
        "",
        "| Stack | Minimum | Maximum |",
        "|---|---:|---:|",
    ]
    for stack in sorted({p.line.stack for p in priced}):
        mine = [p for p in priced if p.line.stack == stack]
        out.append(
            f"| `{stack}` | {sum(p.monthly_min for p in mine):,.2f} | {sum(p.monthly_max for p in mine):,.2f} |"
        )
    out.append(
        f"| **total** | **{sum(p.monthly_min for p in priced):,.2f}** | **{sum(p.monthly_max for p in priced):,.2f}** |"
    )
    missing = [p for p in priced if p.reason]
    if missing:
        out += ["", "Not priced:"]
        out += [f"- `{p.line.stack}`: {p.line.text()}: {p.reason}" for p in missing]
    return "\n".join(out)


def totals(lines: list[Line], prices: PriceFile) -> tuple[float, float, int]:
    """Monthly minimum, maximum, and how many lines could not be priced."""
    priced = [price(line, prices.items) for line in lines]
    return (
        sum(p.monthly_min for p in priced),
        sum(p.monthly_max for p in priced),
        sum(1 for p in priced if p.reason),
    )


def estimate_delta_markdown(base: list[Line], head: list[Line], prices: PriceFile) -> str:
    """Base and head's monthly estimates and the difference, from one price file."""
    (old_min, old_max, _), (new_min, new_max, unpriced) = totals(base, prices), totals(head, prices)
    return (
        f"Monthly estimate in {prices.currency} (Azure retail prices of {prices.fetched}; list prices, "
        f"usage-based charges not included): base {old_min:,.2f}-{old_max:,.2f}, head "
        f"{new_min:,.2f}-{new_max:,.2f}, change {new_min - old_min:+,.2f} to {new_max - old_max:+,.2f}; "
        f"{unpriced} line(s) of the head's bill not priced (see the overview)."
    )


# --- the download ---------------------------------------------------------------------------------


def filters(lines: list[Line]) -> list[str]:
    """One API filter per meter and region the bill needs (each meter once)."""
    out = set()
    for line in lines:
        found = meter(line)
        if isinstance(found, str):
            continue
        parts = [f"serviceName eq '{found.service}'"]
        if line.region != "global":
            parts.append(f"armRegionName eq '{line.region}'")
        parts += [f"{k} eq '{v}'" for k, v in found.fields.items()]
        out.add(" and ".join(parts))
    return sorted(out)


Fetch = Callable[[str], dict[str, Any]]


def _get(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=60) as response:
        doc: dict[str, Any] = json.loads(response.read())
        return doc


def download(
    lines: list[Line], *, base: str = API, fetch: Fetch = _get, now: datetime | None = None
) -> dict[str, Any]:
    """The price file for ``lines``: every page of every filter, the items merged."""
    items: list[dict[str, Any]] = []
    currency = "USD"
    for expression in filters(lines):
        url: str | None = (
            f"{base}?{urllib.parse.urlencode({'api-version': API_VERSION, '$filter': expression})}"
        )
        while url:
            page = fetch(url)
            currency = str(page.get("BillingCurrency", currency))
            items += page.get("Items", [])
            url = page.get("NextPageLink") or None
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%d")
    return {"BillingCurrency": currency, "Items": items, "Count": len(items), "dualstackFetchedAt": stamp}
