"""What the ingress mode decides: which IP families get an ingress, which one translates.

Pure functions of the config, so constructs and tests ask the same question the same way.
"""

from __future__ import annotations

from dualstack.config import Ingress
from dualstack.naming import IpFamily

SERVICE_FAMILY: dict[str, IpFamily | None] = {"nat64": "ipv4", "nat46": "ipv6", "dualstack": None}
"""The IP family application Services run on, per mode (None: both)."""


def service_family(ingress: Ingress) -> IpFamily | None:
    """Family of the cluster's application Services; None in dualstack mode (both)."""
    return SERVICE_FAMILY[ingress.mode]


def translator_family(ingress: Ingress) -> IpFamily | None:
    """Family of the translating ingress (the plug-in), or None in dualstack mode."""
    native = service_family(ingress)
    if native is None:
        return None
    return "ipv6" if native == "ipv4" else "ipv4"


def public_families(ingress: Ingress) -> tuple[IpFamily, ...]:
    """IP families that get a public ingress address in every region.

    Both, unless the translating ingress is switched off, which removes its family.
    """
    translator = translator_family(ingress)
    if translator is not None and not ingress.translator_enabled:
        families: tuple[IpFamily, ...] = ("ipv4", "ipv6")
        return tuple(f for f in families if f != translator)
    return ("ipv4", "ipv6")
