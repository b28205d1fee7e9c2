"""The ingress modes: one frozen description per mode, and the table every module asks.

A mode decides the IP families of the application Services, the family whose ingress
translates (if any), the ingress controller releases every region runs (kind, primary or
translator, the families of each release's LoadBalancer Service, the ``ingress.<family>``
settings that scale it), and the words the overview and the docs use. ``MODES`` is the
table. The config model takes its choices from ``ModeName``; the constructs, the overview
and the tests ask ``of(ingress)`` (or the helpers below) instead of comparing a mode's
name.

As cdk8s-plus's ``DeploymentStrategy``: the constructor is private; a mode is built by a
factory, ``IngressMode.translating`` or ``IngressMode.dual_stack``, which validates its
arguments and derives the releases; and ``releases`` is the one rendering every consumer
reads. Adding a mode is one entry in ``MODES`` (with its name in ``ModeName``, next to it)
plus its tests (``tests/test_ingress_modes.py``: the table and a synthesis of every mode).

Pure data: no cdktf, and no import of the config model (which imports this module).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import InitVar, dataclass
from types import MappingProxyType
from typing import Literal, Protocol, get_args

from dualstack.naming import ALL_FAMILIES, IpFamily

ModeName = Literal["nat64", "nat46", "dualstack"]
"""The modes' names, as the config accepts them (``ingress.mode``); the same as ``MODES``."""

ReleaseKind = Literal["ipv4", "ipv6", "dual"]
"""A release's kind: the family its LoadBalancer Service listens on, or ``dual`` for both."""

_FACTORY = object()
"""Proof that a factory of ``IngressMode`` is calling its constructor."""


class IngressChoice(Protocol):
    """What a mode question needs from the config's ``ingress`` section."""

    @property
    def mode(self) -> ModeName: ...

    @property
    def translator_enabled(self) -> bool: ...


@dataclass(frozen=True)
class Release:
    """One ingress controller release that a mode runs in every region."""

    kind: ReleaseKind
    primary: bool
    """Reports Ingress status: exactly one release per mode, the native family's (or the dual
    one). The other release is the translator, which ``translator_enabled: false`` removes.
    No release creates the IngressClass: Terraform owns it (``workloads.ingress``)."""
    families: tuple[IpFamily, ...]
    """The families of its LoadBalancer Service: the public ingress addresses it holds."""
    settings: IpFamily
    """The ``ingress.<family>`` settings (scaling and resources) of the release."""

    @property
    def name(self) -> str:
        """The Helm release's name."""
        return f"ingress-{self.kind}"


@dataclass(frozen=True)
class IngressMode:
    """One ingress mode. Built only by ``IngressMode.translating`` or ``IngressMode.dual_stack``."""

    name: ModeName
    services: tuple[IpFamily, ...]
    """The families of the application Services (the sample app's too), in ``ALL_FAMILIES`` order."""
    translator: IpFamily | None
    """The family whose ingress translates to the Services' family (the plug-in), or None."""
    translation: str | None
    """The translation's name (``NAT64``): the label of the translation hop in the overview."""
    summary: str
    """One line for the overview and the docs: what the mode runs and what it translates."""
    all_releases: tuple[Release, ...]
    """Every release the mode can run, primary first (the translator installs after it)."""
    _key: InitVar[object] = None

    def __post_init__(self, _key: object) -> None:
        if _key is not _FACTORY:
            raise TypeError("an IngressMode is built by IngressMode.translating or IngressMode.dual_stack")

    @classmethod
    def translating(
        cls, name: ModeName, *, services: IpFamily, translation: str, summary: str
    ) -> IngressMode:
        """Application Services on ``services`` only. Two releases, one single-stack Service
        each: the native family's (primary) and the other family's, which translates (the
        translator); each scaled by its own family's settings."""
        _check_words(name, summary, translation)
        if services not in ALL_FAMILIES:
            raise ValueError(f"mode {name}: services must be one of {ALL_FAMILIES}, not {services!r}")
        (translator,) = (f for f in ALL_FAMILIES if f != services)
        return cls(
            name=name,
            services=(services,),
            translator=translator,
            translation=translation,
            summary=summary,
            all_releases=(
                Release(kind=services, primary=True, families=(services,), settings=services),
                Release(kind=translator, primary=False, families=(translator,), settings=translator),
            ),
            _key=_FACTORY,
        )

    @classmethod
    def dual_stack(cls, name: ModeName, *, summary: str) -> IngressMode:
        """Application Services on both families. One release, whose Service is dual-stack
        with both public addresses, scaled by the IPv4 settings; nothing translates."""
        _check_words(name, summary, None)
        return cls(
            name=name,
            services=ALL_FAMILIES,
            translator=None,
            translation=None,
            summary=summary,
            all_releases=(Release(kind="dual", primary=True, families=ALL_FAMILIES, settings="ipv4"),),
            _key=_FACTORY,
        )

    @property
    def service_family(self) -> IpFamily | None:
        """The one family of the application Services, or None when they have both."""
        return self.services[0] if len(self.services) == 1 else None

    @property
    def unused_settings(self) -> tuple[IpFamily, ...]:
        """The ``ingress.<family>`` settings that no release of the mode reads."""
        read = {r.settings for r in self.all_releases}
        return tuple(f for f in ALL_FAMILIES if f not in read)

    def releases(self, translator_enabled: bool = True) -> tuple[Release, ...]:
        """The releases every region runs, primary first; the translator only while enabled."""
        return tuple(r for r in self.all_releases if r.primary or translator_enabled)

    def public_families(self, translator_enabled: bool = True) -> tuple[IpFamily, ...]:
        """The families with a public ingress address in every region: those the releases serve."""
        served = {f for r in self.releases(translator_enabled) for f in r.families}
        return tuple(f for f in ALL_FAMILIES if f in served)

    def release_for(self, family: IpFamily, translator_enabled: bool = True) -> Release:
        """The release whose Service holds the family's public address."""
        (release,) = (r for r in self.releases(translator_enabled) if family in r.families)
        return release


def _check_words(name: str, summary: str, translation: str | None) -> None:
    if name not in get_args(ModeName):
        raise ValueError(f"mode {name!r} is not in ModeName {get_args(ModeName)}: add it there too")
    if not summary.strip() or "\n" in summary or "|" in summary:
        raise ValueError(f"mode {name}: the summary is one non-empty line without '|' (a table cell)")
    if translation is not None and not translation.strip():
        raise ValueError(f"mode {name}: a translating mode names its translation")


def _table(*modes: IngressMode) -> Mapping[ModeName, IngressMode]:
    """The modes by name, read-only; every name of ``ModeName`` exactly once, in its order."""
    names = tuple(m.name for m in modes)
    if names != get_args(ModeName):
        raise ValueError(f"the mode table {names} must list ModeName {get_args(ModeName)}, in its order")
    return MappingProxyType({m.name: m for m in modes})


MODES: Mapping[ModeName, IngressMode] = _table(
    IngressMode.translating(
        "nat64",
        services="ipv4",
        translation="NAT64",
        summary="application Services run on IPv4; the IPv6 ingress translates IPv6 clients (NAT64)",
    ),
    IngressMode.translating(
        "nat46",
        services="ipv6",
        translation="NAT46",
        summary="application Services run on IPv6; the IPv4 ingress translates IPv4 clients (NAT46)",
    ),
    IngressMode.dual_stack(
        "dualstack",
        summary="one ingress with both addresses and dual-stack Services; no translation",
    ),
)
"""Every ingress mode, by name, in the order of ``ModeName``."""


def of(ingress: IngressChoice) -> IngressMode:
    """The mode the config's ingress section chose."""
    return MODES[ingress.mode]


def service_family(ingress: IngressChoice) -> IpFamily | None:
    """Family of the cluster's application Services; None in dualstack mode (both)."""
    return of(ingress).service_family


def translator_family(ingress: IngressChoice) -> IpFamily | None:
    """Family of the translating ingress (the plug-in), or None in dualstack mode."""
    return of(ingress).translator


def public_families(ingress: IngressChoice) -> tuple[IpFamily, ...]:
    """IP families that get a public ingress address in every region.

    Both, unless the translating ingress is switched off, which removes its family.
    """
    return of(ingress).public_families(ingress.translator_enabled)


def releases(ingress: IngressChoice) -> tuple[Release, ...]:
    """The ingress controller releases every region runs, primary first."""
    return of(ingress).releases(ingress.translator_enabled)
