"""Which CDK framework the app runs on, and how its packages are imported.

Two frameworks synthesize the same Terraform from the same code:

- **cdktf** (CDK for Terraform 0.21, the default; archived upstream, its prebuilt providers frozen);
- **cdktn** (CDK Terrain, the maintained community continuation; same ``cdktf.json``,
  ``cdktf.out``, ``CDKTF_*`` variables and construct IDs, so the same state).

``DUALSTACK_FRAMEWORK`` (``cdktf`` or ``cdktn``; ``make`` sets it from ``FRAMEWORK``) chooses;
unset, the one installed in this Python is used (cdktf when both are). Each has its own venv
and lock file, so only one is ever installed in a venv.

The seam, ``dualstack.framework``, is written once, with cdktf's package names (what mypy checks
in the default venv). :func:`activate` makes those names work on either framework:

- on **cdktn** it puts an import hook first on ``sys.meta_path`` that resolves each cdktf
  package name to the cdktn package (``cdktf`` → ``cdktn``, ``cdktf_cdktf_provider_azurerm`` →
  ``cdktn_provider_azurerm``, and their submodules). The classes are cdktn's own; only the
  name the seam imports them by is cdktf's.
- on either, it skips the eager provider packages' ``__init__``: each cdktf provider package,
  and cdktn's kubernetes and helm packages, import every one of their submodules there (1,527
  for cdktf's azurerm, seconds on every run) only "to ensure their types are registered with the
  jsii runtime", while each submodule loads the package's jsii assembly itself and registers its
  own types. So the package object is created without running its ``__init__``, and ``import
  cdktf_cdktf_provider_azurerm.kubernetes_cluster`` loads just that submodule. cdktn's azurerm
  package loads its submodules lazily already (PEP 562): there the fast path would do nothing
  and is not applied (``Framework.lazy_providers``; a test checks it against the installed
  packages). ``DUALSTACK_EAGER_IMPORTS=1`` imports every package the stock way;
  ``tests/test_fastimport.py`` proves both ways synthesize byte-identical output.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

FRAMEWORK_ENV = "DUALSTACK_FRAMEWORK"
EAGER_ENV = "DUALSTACK_EAGER_IMPORTS"


@dataclass(frozen=True)
class Framework:
    """A CDK framework: its core package, its prebuilt provider packages and its CLI."""

    name: str
    core: str
    providers: Mapping[str, str]  # provider name -> Python package
    cli: str  # the npm CLI's command
    lazy_providers: frozenset[str]  # providers whose package root loads submodules on first use
    home: str  # its Pipfile, package.json, their locks, .venv and node_modules (repository-relative)

    @property
    def packages(self) -> tuple[str, ...]:
        return (self.core, *self.providers.values())


CDKTF = Framework(
    name="cdktf",
    core="cdktf",
    providers={
        "azurerm": "cdktf_cdktf_provider_azurerm",
        "kubernetes": "cdktf_cdktf_provider_kubernetes",
        "helm": "cdktf_cdktf_provider_helm",
    },
    cli="cdktf",
    lazy_providers=frozenset(),
    home=".",
)
CDKTN = Framework(
    name="cdktn",
    core="cdktn",
    providers={
        "azurerm": "cdktn_provider_azurerm",
        "kubernetes": "cdktn_provider_kubernetes",
        "helm": "cdktn_provider_helm",
    },
    cli="cdktn",
    # cdktn-provider-azurerm 16.9.0 is generated with PEP 562 lazy submodules; the kubernetes
    # (14.0.0) and helm (14.1.0) packages still import every submodule in their __init__.
    lazy_providers=frozenset({"azurerm"}),
    home="frameworks/cdktn",
)
FRAMEWORKS: Mapping[str, Framework] = {f.name: f for f in (CDKTF, CDKTN)}
SEAM_SPELLING = CDKTF
"""The package names ``dualstack.framework`` imports by (resolved to the active framework's)."""


class FrameworkError(ImportError):
    """The framework asked for cannot be used; the message is one line naming the fix."""


def _installed(package: str) -> bool:
    """Whether the top-level ``package`` is on ``sys.path``, asking the path finder itself: once
    :func:`activate` has put the alias hook in place, ``cdktf`` would otherwise be "found" on cdktn."""
    return importlib.machinery.PathFinder.find_spec(package) is not None


def selected() -> Framework:
    """The framework ``DUALSTACK_FRAMEWORK`` names, or the one installed (cdktf first)."""
    wanted = os.environ.get(FRAMEWORK_ENV, "").strip()
    if wanted:
        if wanted not in FRAMEWORKS:
            raise FrameworkError(
                f"{FRAMEWORK_ENV}={wanted!r}: not a framework; allowed: {', '.join(FRAMEWORKS)}"
            )
        framework = FRAMEWORKS[wanted]
        missing = [p for p in framework.packages if not _installed(p)]
        if missing:
            raise FrameworkError(
                f"{FRAMEWORK_ENV}={wanted}: {', '.join(missing)} not installed in {sys.prefix}; "
                f"run `make install FRAMEWORK={wanted}` and use that venv's python"
            )
        return framework
    for framework in FRAMEWORKS.values():
        if _installed(framework.core):
            return framework
    return CDKTF  # neither: the ordinary import error names cdktf


class _AliasLoader(importlib.abc.Loader):
    """Returns the real (already imported) module for an alias name."""

    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return importlib.import_module(self.target)

    def exec_module(self, module: types.ModuleType) -> None:
        """Nothing to run: the real module ran when it was imported."""


class AliasFinder(importlib.abc.MetaPathFinder):
    """Resolves the seam's package names (and their submodules) to another framework's."""

    def __init__(self, renames: Mapping[str, str]) -> None:
        self.renames = dict(renames)

    def target(self, fullname: str) -> str | None:
        root, dot, rest = fullname.partition(".")
        if root not in self.renames:
            return None
        return self.renames[root] + dot + rest

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        real = self.target(fullname)
        if real is None or importlib.util.find_spec(real) is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(real))


def renames(framework: Framework) -> dict[str, str]:
    """``{seam package name: the framework's package name}`` for every package that differs."""
    pairs = {SEAM_SPELLING.core: framework.core}
    pairs.update({SEAM_SPELLING.providers[p]: framework.providers[p] for p in SEAM_SPELLING.providers})
    return {seam: real for seam, real in pairs.items() if seam != real}


def skip_eager_provider_imports(framework: Framework = CDKTF) -> list[str]:
    """Register the eager provider packages without running their ``__init__``; return which."""
    if os.environ.get(EAGER_ENV) == "1":
        return []
    done = []
    for provider, name in framework.providers.items():
        if provider in framework.lazy_providers or name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or spec.submodule_search_locations is None:
            continue  # not installed: the ordinary import reports it
        sys.modules[name] = importlib.util.module_from_spec(spec)
        done.append(name)
    return done


_active: Framework | None = None


def activate() -> Framework:
    """Select the framework and prepare its imports (once per process); return it.

    Raises :class:`FrameworkError` when ``DUALSTACK_FRAMEWORK`` names an unknown framework or one
    that is not installed."""
    global _active
    if _active is None:
        framework = selected()
        aliases = renames(framework)
        if aliases:
            sys.meta_path.insert(0, AliasFinder(aliases))
        skip_eager_provider_imports(framework)
        _active = framework
    return _active
