"""The change in words, and what it does to clients and application teams: the first lines of
the change summary.

Synthesis writes ``topology.json`` beside the stacks (``topology``): the ingress mode, the edge,
the translator, the regions and which are drained, the public families. The change summary
compares base's and head's and names each change ("ingress mode nat64 → nat46", "edge
traffic_manager → front_door", "region northeurope drained", "IPv6 translator off in all
regions", "region francecentral added"), each with its impact on clients per family and on
application teams. An output without the file (synthesized before it existed) gets no headline.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dualstack.naming import DNS_RECORD, IP_VERSION
from dualstack.review.model import Headline

FILE = "topology.json"
ARROW = "\N{RIGHTWARDS ARROW}"
# topology.json holds families as plain strings: these views index them by str.
FAMILY: dict[str, str] = {str(k): v for k, v in IP_VERSION.items()}
RECORD: dict[str, str] = {str(k): v for k, v in DNS_RECORD.items()}


def topology(
    mode: str,
    edge: str,
    translator: bool,
    translating: str | None,
    regions: dict[str, bool],
    families: list[str],
    services: list[str] | None = None,
) -> dict[str, Any]:
    """What ``topology.json`` holds: ``translating``: the mode's translating family (None in
    dualstack); ``regions`` maps each region to whether it is drained; ``families``: the families
    the app's name answers; ``services``: the application Services' families, primary first."""
    return {
        "mode": mode,
        "edge": edge,
        "translator": translator,
        "translating": translating,
        "regions": regions,
        "families": families,
        "services": services or [],
    }


def read(outdir: Path) -> dict[str, Any] | None:
    path = outdir / FILE
    if not path.is_file():
        return None
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc


def headlines(base: dict[str, Any] | None, head: dict[str, Any] | None) -> list[Headline]:
    """Every named change between two topologies, in a fixed order."""
    if base is None or head is None:
        return []
    out = [*_mode(base, head), *_edge(base, head), *_translator(base, head), *_regions(base, head)]
    return out + _answers_lost(base, head, out)


def _answers_lost(base: dict[str, Any], head: dict[str, Any], named: list[Headline]) -> list[Headline]:
    """A family whose answer the app's name loses, whatever caused it, unless a headline above
    already says so: it cuts every client of only that family off."""
    out = []
    for family in base["families"]:
        said = f"{FAMILY[family]} translator off in all regions"
        if family in head["families"] or any(h.change == said and h.loud for h in named):
            continue
        out.append(
            Headline(
                f"the app's {RECORD[family]} answer removed",
                f"every {FAMILY[family]}-only client is cut off for good (not only during the apply); "
                "dual-stack clients move to the other family",
                loud=True,
            )
        )
    return out


def _mode(base: dict[str, Any], head: dict[str, Any]) -> list[Headline]:
    if base["mode"] == head["mode"]:
        return []
    change = f"ingress mode {base['mode']} {ARROW} {head['mode']}"
    old, new = base.get("services") or [], head.get("services") or []
    listing = (
        "list them with `kubectl get svc -A -o "
        "custom-columns=NS:.metadata.namespace,NAME:.metadata.name,FAMILIES:.spec.ipFamilies`"
    )
    translating = {
        m: t
        for m, t in ((base["mode"], base.get("translating")), (head["mode"], head.get("translating")))
        if t
    }
    said = ", ".join(f"{m} translates {FAMILY.get(t, t)} clients" for m, t in translating.items())
    ingress = f". The translating ingress changes: {said}" if said else ""
    if old and new and old[0] == new[0]:
        impact = (
            f"application Services keep their primary family ({FAMILY.get(new[0], new[0])}), so none must "
            f"be re-created; teams may change their families in place ({listing}). The ingress releases "
            "are swapped: each region's ingress traffic of the affected family stops until the new "
            "release's Service has its address"
        )
    elif old and new:
        impact = (
            "every application Service's primary IP family changes, which Kubernetes cannot change in "
            "place: each application team must re-create its Services (the sample app's is replaced "
            f"by the workloads stacks); {listing}{ingress}"
        )
    else:
        impact = (
            "the base's output does not say which families its Services use (synthesized before this "
            "was recorded): where a Service's primary IP family changes, its team must re-create it, "
            f"which Kubernetes cannot do in place; {listing}{ingress}"
        )
    return [Headline(change, impact)]


def _edge(base: dict[str, Any], head: dict[str, Any]) -> list[Headline]:
    if base["edge"] == head["edge"]:
        return []
    if head["edge"] == "front_door":
        impact = (
            "the app's name becomes a CNAME to Front Door during the `global` apply (a few seconds "
            "without an answer, negative caching up to 300 s), then Front Door answers 404 for it "
            "until the `edge` stack's route exists: apply `global`, every region, every workloads "
            "stack (the controllers learn the profile ID), then `edge`; clients of both families "
            "then reach Front Door only, and the ingress addresses admit Front Door only"
        )
    else:
        impact = (
            "the app's name returns to A/AAAA aliases of the Traffic Manager profiles during the "
            "`global` apply; the profiles have no endpoints until the region stacks add them, and the "
            "ingresses admit only Front Door until the region and workloads stacks re-apply: the app "
            "is unreachable from the `global` apply until the last workloads stack"
        )
    return [Headline(f"edge {base['edge']} {ARROW} {head['edge']}", impact, loud=True)]


def _translator(base: dict[str, Any], head: dict[str, Any]) -> list[Headline]:
    family = head.get("translating")
    if base["mode"] != head["mode"] or base["translator"] == head["translator"] or family is None:
        return []
    name, record = FAMILY[family], RECORD[family]
    if head["translator"]:
        again = "again " if family not in base["families"] else ""
        return [
            Headline(
                f"{name} translator on in all regions",
                f"{name} clients reach the app through each region's {name} ingress {again}once the "
                "workloads stacks have it",
            )
        ]
    if family in base["families"] and family not in head["families"]:
        impact = (
            f"the app's {record} answer is removed: every {name}-only client is cut off; dual-stack "
            "clients move to the other family"
        )
        return [Headline(f"{name} translator off in all regions", impact, loud=True)]
    impact = (
        f"Front Door still answers {name} clients and forwards them to the regions over the other "
        f"family; each region's {name} ingress address stops serving"
    )
    return [Headline(f"{name} translator off in all regions", impact)]


def _regions(base: dict[str, Any], head: dict[str, Any]) -> list[Headline]:
    out = []
    old, new = base["regions"], head["regions"]
    front_door = head["edge"] == "front_door"
    for region in new:
        if region not in old:
            out.append(_added(region, drained=new[region], front_door=front_door))
        elif new[region] and not old[region]:
            how = (
                "its Front Door origins go (in its region stack): Front Door sends its clients to the other "
                "regions at once"
                if front_door
                else "it leaves the app's names: its clients move to the other regions as resolvers' answers "
                "expire (60 s)"
            )
            out.append(
                Headline(
                    f"region {region} drained",
                    f"{how}; its cluster and addresses stay, ready to return or to retire",
                )
            )
        elif old[region] and not new[region]:
            out.append(
                Headline(
                    f"region {region} back in service", "it rejoins the app's names (or Front Door's origins)"
                )
            )
    for region in old:
        if region not in new:
            out.append(
                Headline(
                    f"region {region} removed",
                    "its stacks leave the config; they are destroyed only by `make destroy` of a drained region "
                    "(docs/deploy.md, Retiring a region)",
                )
            )
    return out


def _added(region: str, *, drained: bool, front_door: bool) -> Headline:
    if drained:
        return Headline(
            f"region {region} added, drained", "it is built but serves no client until `drain` is false"
        )
    where = (
        "its Front Door origins (in its region stack)"
        if front_door
        else "its names and Traffic Manager endpoints"
    )
    return Headline(
        f"region {region} added",
        f"it serves clients once its region and workloads stacks are applied ({where}); nothing else moves",
    )
