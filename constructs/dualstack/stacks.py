"""The stacks: ``global`` and one per region, each with its provider and state backend."""

from __future__ import annotations

from cdktf import AzurermBackend, LocalBackend, TerraformOutput, TerraformStack
from cdktf_cdktf_provider_azurerm.provider import AzurermProvider, AzurermProviderFeatures
from constructs import Construct

from dualstack import modes
from dualstack.config import AzurermBackend as AzurermBackendConfig
from dualstack.config import Config
from dualstack.global_services import GlobalRefs, GlobalServices
from dualstack.ingress import RegionIngress
from dualstack.providers import cluster_providers
from dualstack.region import RegionDeployment
from dualstack.sample_app import SampleApp

GLOBAL_STACK = "global"


def base_tags(config: Config) -> dict[str, str]:
    """Tags on every resource: the config's own, plus project and managed-by."""
    return {**config.tags, "project": config.project, "managed-by": "dualstack-cdktf"}


def configure_backend(stack: TerraformStack, config: Config, stack_name: str) -> None:
    """Local state beside the output folder, or one azurerm blob per stack (Entra ID auth).

    The local path is relative to the stack's working directory
    (``<outdir>/stacks/<stack>``), so it is the same on every machine and checkout.
    """
    backend = config.backend
    if isinstance(backend, AzurermBackendConfig):
        AzurermBackend(
            stack,
            resource_group_name=backend.resource_group_name,
            storage_account_name=backend.storage_account_name,
            container_name=backend.container_name,
            key=f"{backend.key_prefix if backend.key_prefix is not None else config.project + '/'}{stack_name}.tfstate",
            use_azuread_auth=True,
        )
    else:
        # The project is in the name: two configs deployed from one checkout never share state.
        LocalBackend(stack, path=f"../../../terraform.{config.project}.{stack_name}.tfstate")


def _azurerm(stack: TerraformStack) -> AzurermProvider:
    # Subscription and credentials come from the environment (ARM_SUBSCRIPTION_ID, az login
    # or OIDC), never from the synthesized JSON.
    return AzurermProvider(stack, "azurerm", features=[AzurermProviderFeatures()])


class GlobalStack(TerraformStack):
    def __init__(self, scope: Construct, id_: str, *, config: Config) -> None:
        super().__init__(scope, id_)
        configure_backend(self, config, id_)
        _azurerm(self)
        self.services = GlobalServices(self, "services", config=config, tags=base_tags(config))


class RegionStack(TerraformStack):
    def __init__(self, scope: Construct, id_: str, *, config: Config, global_refs: GlobalRefs) -> None:
        super().__init__(scope, id_)
        configure_backend(self, config, id_)
        _azurerm(self)
        self.region = RegionDeployment(
            self,
            "region",
            config=config,
            region_name=id_,
            global_refs=global_refs,
            tags=base_tags(config),
        )
        cluster = self.region.cluster.cluster
        self.kubernetes_provider, self.helm_provider = cluster_providers(self, cluster, config.cluster.login)
        self._workloads(config, id_)
        TerraformOutput(self, "cluster_name", value=cluster.name, description="AKS cluster name")
        TerraformOutput(
            self,
            "oidc_issuer_url",
            value=cluster.oidc_issuer_url,
            description="OIDC issuer for workload identity federation",
        )
        for family, ip in self.region.network.public_ips.items():
            TerraformOutput(
                self,
                f"ingress_{family}_address",
                value=ip.ip_address,
                description=f"{family} ingress address",
            )

    def _workloads(self, config: Config, region_name: str) -> None:
        """The ingresses and the sample application, on this stack's cluster providers."""
        region = self.region
        ingress = RegionIngress(
            region,
            "ingress",
            ingress=config.ingress,
            public_ips=region.network.public_ips,
            pip_resource_group=region.network.ingress_resource_group.name,
            depends_on=[region.cluster.network_role, region.cluster.user_pool, region.cluster.deployer_admin],
            kubernetes_provider=self.kubernetes_provider,
            helm_provider=self.helm_provider,
        )
        if config.ingress.sample_app_enabled:
            app = f"{config.dns.app_name}.{config.dns.zone_name}"
            SampleApp(
                region,
                "sample_app",
                family=modes.service_family(config.ingress),
                zones=len(config.regions[region_name].zones),
                hosts=[app, f"{region_name}.{app}"],
                depends_on=[next(iter(ingress.releases.values()))],
                kubernetes_provider=self.kubernetes_provider,
            )
