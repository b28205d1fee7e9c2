"""The region construct: everything one region runs, built from the config.

Children (their ids are part of every Terraform address; renaming one replaces resources):
``network`` (VNet, subnet, NSG, public IPs) and ``cluster`` (AKS, user pool, identities and
role assignments). The stack adds the ingresses once it has built the cluster's providers.
"""

from __future__ import annotations

from constructs import Construct
from dualstack import modes
from dualstack.cluster import RegionCluster
from dualstack.config import Config
from dualstack.global_services import GlobalRefs
from dualstack.network import RegionNetwork


class RegionDeployment(Construct):
    """One region of the topology."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        config: Config,
        region_name: str,
        global_refs: GlobalRefs,
        tags: dict[str, str],
    ) -> None:
        super().__init__(scope, id_)
        region = config.regions[region_name]
        self.network = RegionNetwork(
            self,
            "network",
            project=config.project,
            region_name=region_name,
            region=region,
            families=modes.public_families(config.ingress),
            global_refs=global_refs,
            tags=tags,
        )
        self.cluster = RegionCluster(
            self,
            "cluster",
            project=config.project,
            region_name=region_name,
            region=region,
            settings=config.cluster,
            network=self.network,
            global_refs=global_refs,
            tags=tags,
        )
