"""The one function synthesis calls in the review tooling: the reviewer's files beside the stacks.

``synth.synthesize`` calls :func:`write_review_files` on its staging folder once the stacks are
written, so the files are replaced together with the stacks: ``overview.md`` (the topology and
its bill of materials, ``review.overview``) and the headline file (the topology in the words
the change summary uses, ``review.headline``). Nothing else of ``dualstack.review`` is on the
synthesis path (``tests/test_imports.py``).
"""

from __future__ import annotations

import json
from pathlib import Path

from dualstack import modes
from dualstack.config import Config
from dualstack.naming import ALL_FAMILIES
from dualstack.review import headline
from dualstack.review.bom import bill
from dualstack.review.diff import load_stacks
from dualstack.review.overview import render_overview


def write_review_files(config: Config, outdir: Path) -> None:
    """Write ``overview.md`` and the headline file into ``outdir``, which holds the stacks."""
    lines = bill(load_stacks(outdir))
    (outdir / "overview.md").write_text(render_overview(config, lines), encoding="utf-8")
    (outdir / headline.FILE).write_text(json.dumps(describe(config), indent=1, sort_keys=True) + "\n")


def describe(config: Config) -> dict[str, object]:
    """The config's topology for the change summary's headlines (``review.headline.topology``)."""
    mode = modes.of(config.ingress)
    served = ALL_FAMILIES if config.front_door is not None else modes.public_families(config.ingress)
    families = [str(family) for family in served]
    return headline.topology(
        mode=config.ingress.mode,
        edge=config.edge.kind,
        translator=config.ingress.translator_enabled,
        translating=mode.translator,
        regions={name: region.drain for name, region in config.regions.items()},
        families=families,
        services=[str(family) for family in mode.services],
    )
