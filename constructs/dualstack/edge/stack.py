"""The edge stack's composer: ``EdgeStack``, the one reader of ``Config`` in the edge stack."""

from __future__ import annotations

from constructs import Construct

from dualstack.config import Config
from dualstack.edge.route import FrontDoorRoute
from dualstack.framework import TerraformStack
from dualstack.refs import FrontDoorRefs
from dualstack.stackbase import azurerm_provider, configure_backend


class EdgeStack(TerraformStack):
    """The Front Door route (``edge.kind: front_door``), after every region stack: Front Door
    refuses a route whose origin group has no enabled origin, and the origins are the regions'."""

    def __init__(self, scope: Construct, id_: str, *, config: Config, refs: FrontDoorRefs) -> None:
        super().__init__(scope, id_)
        configure_backend(self, config.backend, config.project, id_)
        azurerm_provider(self)
        self.route = FrontDoorRoute(self, "front_door", refs=refs)
