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
import re
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
    """How to find one line's price in the file."""

    service: str
    fields: dict[str, str]
    """Item fields that must equal these values (besides ``serviceName``, the region and ``type``)."""
    regional: bool = True
    """Priced per region (a VM, an address), or under Azure's ``Global`` where the API lists the
    meter there only; else priced wherever the API lists it (``Global`` or billing zones such as
    ``Zone 1``: DNS, Front Door), and one price across those places is required."""


def meter(line: Line) -> Meter | str:
    """The meter of a bill line, or why it has none (billed by use, or free)."""
    table: dict[str, Meter | str] = {
        "vm": Meter("Virtual Machines", {"armSkuName": line.sku}),
        "load-balancer": Meter(
            "Load Balancer", {"meterName": "Standard Included LB Rules and Outbound Rules"}
        ),
        "public-ip": Meter("Virtual Network", {"meterName": f"{line.sku} Static Public IP"}),
        "private-endpoint": Meter("Virtual Network", {"meterName": "Standard Private Endpoint"}),
        "registry": Meter("Container Registry", {"meterName": f"{line.sku} Registry Unit"}),
        "registry-replica": Meter("Container Registry", {"meterName": f"{line.sku} Registry Unit"}),
        "dns-zone": Meter("Azure DNS", {"meterName": "Public Zone"}, regional=False),
        "private-dns-zone": Meter("Azure DNS", {"meterName": "Private Zone"}, regional=False),
        "front-door-profile": Meter(
            "Azure Front Door Service", {"meterName": "Premium Base Fees"}, regional=False
        ),
        "traffic-manager-endpoint": Meter(
            "Traffic Manager", {"meterName": "Non-Azure Endpoint Health Checks"}, regional=False
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
        return Meter("Azure Kubernetes Service", {"skuName": line.sku, "meterName": f"{line.sku} Uptime SLA"})
    return table.get(line.kind, f"no meter known for {line.kind}")


_UNIT = re.compile(r"^(\d*[1-9]\d*)\s*(?:/\s*)?(hours?|days?|months?)$", re.IGNORECASE)
_PER_MONTH = {"hour": HOURS_PER_MONTH, "day": DAYS_PER_MONTH, "month": 1.0}


def units_per_month(unit_of_measure: str) -> float | None:
    """How many of an item's ``unitOfMeasure`` a month holds (``1 Hour``: 730, ``1/Day``: 30.4,
    ``1/Month``: 1, ``100 Hours``: 7.3), or None for a unit that is not a time (GB, queries, 0 Hours)."""
    found = _UNIT.match(unit_of_measure.strip())
    if not found:
        return None
    return _PER_MONTH[found.group(2).lower().rstrip("s")] / int(found.group(1))


def _region(item: dict[str, Any]) -> str:
    """The item's region, lower-case; Azure's ``Global`` and a missing region are ``global``."""
    return str(item.get("armRegionName") or "global").lower()


_NOT_LINUX_ON_DEMAND = ("Windows", "Spot", "Low Priority")


def _matches(item: dict[str, Any], line: Line, found: Meter) -> bool:
    if item.get("serviceName") != found.service or item.get("type", "Consumption") != "Consumption":
        return False
    if found.regional and _region(item) not in (line.region.lower(), "global"):
        return False
    if line.kind == "vm" and any(
        w in str(item.get(k, ""))
        for k in ("productName", "skuName", "meterName")
        for w in _NOT_LINUX_ON_DEMAND
    ):
        return False
    return all(item.get(k) == v for k, v in found.fields.items())


@dataclass(frozen=True)
class Priced:
    line: Line
    monthly_each: float | None
    """One of the line's things for a month; None: not priced."""
    monthly_min: float
    monthly_max: float
    reason: str = ""
    missing: bool = False
    """A line with a meter that the file does not price (as against one billed by use or free):
    a total without it is too low, so a change between two totals is not shown."""


def price(line: Line, items: list[dict[str, Any]]) -> Priced:
    """The line's monthly cost from the file's items, or why it has none.

    Only first-tier consumption prices of the line's region count, or the global price where the
    region has none; the item's own ``unitOfMeasure`` says how many units a month holds.
    """
    found = meter(line)
    if isinstance(found, str):
        return Priced(line, None, 0.0, 0.0, found)
    candidates = [i for i in items if _matches(i, line, found) and float(i.get("tierMinimumUnits", 0)) == 0]
    in_region = [i for i in candidates if _region(i) == line.region.lower()] or candidates
    wanted = ", ".join(f"{k} {v!r}" for k, v in found.fields.items())
    untimed = sorted({str(i.get("unitOfMeasure")) for i in in_region if _monthly(i) is None})
    if untimed:
        return Priced(
            line,
            None,
            0.0,
            0.0,
            f"{found.service}: {wanted} is priced per {', '.join(untimed)}, not by time",
            True,
        )
    monthly = {_monthly(i) for i in in_region}
    if len(monthly) != 1:
        why = "no" if not monthly else f"{len(monthly)} different"
        where = line.region if found.regional else "any place the API lists it"
        return Priced(
            line, None, 0.0, 0.0, f"{why} prices in the file for {found.service}: {wanted} in {where}", True
        )
    (per,) = monthly
    assert per is not None  # untimed units returned above
    return Priced(line, per, per * line.minimum, per * line.maximum)


def _monthly(item: dict[str, Any]) -> float | None:
    """The item's price for a month of one unit (rounded to hide float noise), or None."""
    per_month = units_per_month(str(item.get("unitOfMeasure", "")))
    return None if per_month is None else round(float(item["retailPrice"]) * per_month, 6)


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
    if any(p.missing for p in priced):
        out += ["", "The file lacks a price for a line below: the totals are too low by that much."]
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
        sum(1 for p in priced if p.missing),
    )


def estimate_delta_markdown(base: list[Line], head: list[Line], prices: PriceFile) -> str:
    """Base and head's monthly estimates and the difference, from one price file; no difference
    when the file lacks a price either side needs (a total without it would be too low)."""
    (old_min, old_max, old_missing), (new_min, new_max, new_missing) = (
        totals(base, prices),
        totals(head, prices),
    )
    if old_missing or new_missing:
        return (
            f"Monthly estimate: not shown; the price file ({prices.fetched}) lacks {old_missing} price(s) of "
            f"the base's bill and {new_missing} of the head's (download it for both folders: "
            "`python -m dualstack.review prices BASE HEAD --output FILE`)."
        )
    return (
        f"Monthly estimate in {prices.currency} (Azure retail prices of {prices.fetched}; list prices, "
        f"usage-based charges not included): base {old_min:,.2f}-{old_max:,.2f}, head "
        f"{new_min:,.2f}-{new_max:,.2f}, change {new_min - old_min:+,.2f} to {new_max - old_max:+,.2f}."
    )


# --- the download ---------------------------------------------------------------------------------


def filters(lines: list[Line]) -> list[str]:
    """One API filter per meter and region the bill needs (each meter once)."""
    out = set()
    for line in lines:
        found = meter(line)
        if isinstance(found, str):
            continue
        parts = [f"serviceName eq '{found.service}'", "type eq 'Consumption'"]
        if found.regional and line.region.lower() != "global":
            # Some regional meters are listed under Global only (load balancer rules, private
            # endpoints): ask for both, price() prefers the region's.
            parts.append(f"(armRegionName eq '{line.region}' or armRegionName eq 'Global')")
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
