"""Helpers shared by the synthesis tests: synthesize a config once, read its stacks."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CONFIG_DIR = REPO / "config"
CONFIG_FILES = sorted(CONFIG_DIR.glob("*.yaml"))


@dataclass(frozen=True)
class Stack:
    name: str
    text: str

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.text)  # type: ignore[no-any-return]

    def resources(self, rtype: str) -> dict[str, dict[str, Any]]:
        """Resources of one Terraform type, keyed by their construct path below the stack."""
        found = self.json.get("resource", {}).get(rtype, {})
        return {body["//"]["metadata"]["path"].split("/", 1)[1]: body for body in found.values()}

    def resource(self, rtype: str, path: str) -> dict[str, Any]:
        return self.resources(rtype)[path]

    def addresses(self) -> set[str]:
        """Every Terraform address (``type.name``) of resources and data sources."""
        doc = self.json
        out = {f"{t}.{n}" for t, items in doc.get("resource", {}).items() for n in items}
        out |= {f"data.{t}.{n}" for t, items in doc.get("data", {}).items() for n in items}
        return out


@dataclass(frozen=True)
class Synthesized:
    outdir: Path
    stacks: dict[str, Stack]

    def __getitem__(self, name: str) -> Stack:
        return self.stacks[name]

    def regions(self) -> list[Stack]:
        return [s for n, s in self.stacks.items() if n != "global"]


def read_outdir(outdir: Path) -> Synthesized:
    manifest = json.loads((outdir / "manifest.json").read_text())
    stacks = {
        name: Stack(name, (outdir / entry["synthesizedStackPath"]).read_text())
        for name, entry in manifest["stacks"].items()
    }
    return Synthesized(outdir, stacks)


def synth(config: Any, outdir: Path) -> Synthesized:
    from dualstack.synth import synthesize

    synthesize(config, outdir)
    return read_outdir(outdir)
