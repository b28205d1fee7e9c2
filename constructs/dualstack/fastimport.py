"""Import only the provider modules the app uses, not all of them.

Each prebuilt provider package's ``__init__`` imports every one of its submodules (1,527 for
azurerm, which costs seconds on every run) only "to ensure their types are registered with
the jsii runtime". The app references a few dozen resource types, and each submodule loads
the package's jsii assembly itself (``from .._jsii import *``) and registers its own types.
So the package object is created without running its ``__init__``; ``import
cdktf_cdktf_provider_azurerm.kubernetes_cluster`` then loads just that submodule.

Set ``DUALSTACK_EAGER_IMPORTS=1`` to import the packages the stock way;
``tests/test_fastimport.py`` proves both ways synthesize byte-identical output.
"""

from __future__ import annotations

import importlib.util
import os
import sys

PROVIDER_PACKAGES = (
    "cdktf_cdktf_provider_azurerm",
    "cdktf_cdktf_provider_kubernetes",
    "cdktf_cdktf_provider_helm",
)
EAGER_ENV = "DUALSTACK_EAGER_IMPORTS"


def skip_eager_provider_imports() -> list[str]:
    """Register the provider packages without running their ``__init__``; return which."""
    if os.environ.get(EAGER_ENV) == "1":
        return []
    done = []
    for name in PROVIDER_PACKAGES:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or spec.submodule_search_locations is None:
            continue  # not installed: the ordinary import reports it
        sys.modules[name] = importlib.util.module_from_spec(spec)
        done.append(name)
    return done
