"""Error hints of the config model: a suggestion for a mistyped region name."""

from __future__ import annotations

import difflib
import re

from dualstack.regions import ZONAL_REGIONS

_LOOKALIKES = str.maketrans(
    "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0455\u0458\u0501", "aeopcyxisjd"
)
"""Cyrillic letters that look like Latin ones, to their Latin twins (for suggestions only)."""


def _region_suggestion(name: str) -> str:
    """``; did you mean 'eastus2'?`` for a near miss (``eastus-2``, ``East US 2``, ``eastus02``)."""
    folded = re.sub(r"[\s_-]", "", name.lower()).translate(_LOOKALIKES)
    if folded in ZONAL_REGIONS:
        return f"; did you mean {folded!r}?"
    close = difflib.get_close_matches(folded, sorted(ZONAL_REGIONS), n=3, cutoff=0.75)
    if not close:
        return ""
    best = difflib.SequenceMatcher(None, folded, close[0]).ratio()
    tied = sorted(c for c in close if difflib.SequenceMatcher(None, folded, c).ratio() == best)
    return f"; did you mean {' or '.join(repr(c) for c in tied)}?"


def _not_a_region(name: str) -> str:
    hint = ""
    if not name.isascii():
        bad = next(ch for ch in name if not ch.isascii())
        hint = f"it contains the non-ASCII character {bad!r} (U+{ord(bad):04X}); "
    allowed = ", ".join(sorted(ZONAL_REGIONS))
    return (
        f"is not an Azure region with availability zones; {hint}allowed: {allowed}{_region_suggestion(name)}"
    )
