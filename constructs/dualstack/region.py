"""The region construct: everything one region runs, built from the config.

Children (their ids are part of every Terraform address; renaming one replaces resources):
``network`` (VNet, subnets, NSG, public IPs), ``endpoints`` (private endpoints of the
registry and vault), ``cluster`` (AKS, user pool, identities and
role assignments) and ``dns`` (Traffic Manager endpoints, public and private records).
The stack adds ``ingress`` and ``sample_app`` once it has built the cluster's providers
(providers belong to the stack, never to a reusable construct).
"""

from __future__ import annotations

from constructs import Construct

from dualstack import modes
from dualstack.cluster import RegionCluster
from dualstack.config import Config
from dualstack.dns import RegionDns
from dualstack.endpoints import RegionEndpoints
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
            prevent_destroy=config.prevent_destroy,
        )
        self.endpoints = RegionEndpoints(
            self,
            "endpoints",
            project=config.project,
            region_name=region_name,
            network=self.network,
            global_refs=global_refs,
            tags=tags,
            prevent_destroy=config.prevent_destroy,
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
        self.dns = RegionDns(
            self,
            "dns",
            region_name=region_name,
            app_name=config.dns.app_name,
            public_ips=self.network.public_ips,
            global_refs=global_refs,
            tags=tags,
        )
