"""``cluster``: the AKS settings every region's cluster shares, and the node capacity the
pools need (maximum plus upgrade surge).
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from dualstack.config.base import IPv4Cidr, Model, ObjectId, VmSize, _unquoted

MIN_KUBERNETES_MINOR = 33
"""The oldest minor that everything the stacks install supports: cert-manager v1.21 (the pinned
``tls.chart_version``) supports Kubernetes 1.33 to 1.36, the ingress controller's range is wider
(docs/kubernetes-baseline.md), and Cilium on AKS with dual-stack LoadBalancer Services needs 1.29."""


def _unquoted_kubernetes_version(value: Any) -> Any:
    if isinstance(value, float) and re.fullmatch(r"1\.[0-9]", repr(value)):
        # 1.30 in the file: YAML drops the trailing zero
        written = f"{value!r}0"
        raise ValueError(
            f'must be a quoted string such as "{written}" (YAML reads {written} as the number {value!r})'
        )
    return _unquoted(value, f"{value!r}" if isinstance(value, float) else "1.35")


def _unquoted_clock(value: Any, example: str, signed: bool) -> Any:
    """``12:30`` and ``+10:00`` unquoted are YAML 1.1 base-60 integers (750, 600): say so."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 60:
        hours, minutes = divmod(abs(value), 60)
        sign = ("-" if value < 0 else "+") if signed else ""
        raise ValueError(
            f'must be a quoted string such as "{sign}{hours:02}:{minutes:02}" (YAML reads an '
            f"unquoted {sign}{hours}:{minutes:02} as the base-60 number {value})"
        )
    return _unquoted(value, example)


def _supported_minor(value: str) -> str:
    """1.33 or later (cert-manager v1.21 supports 1.33 to 1.36); quote it"""
    if int(value.split(".")[1]) < MIN_KUBERNETES_MINOR:
        raise ValueError(
            f"must be 1.{MIN_KUBERNETES_MINOR} or later (the pinned cert-manager v1.21 supports "
            "Kubernetes 1.33 to 1.36; the Cilium data plane needs 1.29)"
        )
    return value


class NodePool(Model):
    """Given in the file, a pool needs ``vm_size``, ``min_count`` and ``max_count``."""

    vm_size: VmSize
    """VM size of every node in the pool."""
    min_count: Annotated[StrictInt, Field(ge=1, le=1000)]
    """Autoscaler lower bound, not larger than ``max_count``; at least one node per zone is
    advisable."""
    max_count: Annotated[StrictInt, Field(ge=1, le=1000)]
    """Autoscaler upper bound."""
    os_disk_size_gb: Annotated[StrictInt, Field(ge=30, le=2048)] = 64
    """Size of the ephemeral OS disk; it must fit in the VM size's temporary disk
    (75 GiB on Standard_D2ds_v5, 150 GiB on Standard_D4ds_v5)."""

    @model_validator(mode="after")
    def _bounds(self) -> NodePool:
        if self.min_count > self.max_count:
            raise ValueError(f"min_count {self.min_count} is larger than max_count {self.max_count}")
        return self


class ApiServer(Model):
    private: StrictBool = True
    """true: a private cluster (API server reachable only from linked networks);
    false: a public endpoint limited to ``authorized_ip_ranges``."""
    authorized_ip_ranges: tuple[IPv4Cidr, ...] = ()
    """IPv4 ranges allowed to reach a public API server (the deploying machine or CI
    runner must be in one). At least one, and not 0.0.0.0/0, when ``private`` is false;
    none when it is true."""

    @model_validator(mode="after")
    def _public_needs_ranges(self) -> ApiServer:
        if not self.private:
            if not self.authorized_ip_ranges:
                raise ValueError(
                    "authorized_ip_ranges must list at least one range when private is false "
                    "(or set private: true)"
                )
            if any(ipaddress.ip_network(r).prefixlen == 0 for r in self.authorized_ip_ranges):
                raise ValueError("authorized_ip_ranges must not contain 0.0.0.0/0 (the whole internet)")
        elif self.authorized_ip_ranges:
            raise ValueError("authorized_ip_ranges apply only to a public API server (private: false)")
        return self


class MaintenanceWindow(Model):
    """One window for both schedules: automatic patch upgrades and node-image upgrades."""

    day_of_week: Literal["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] = (
        "Sunday"
    )
    """Day on which AKS applies automatic patch and node-image upgrades."""
    start_time: Annotated[StrictStr, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")] = "02:00"
    """Start of the window, HH:MM in ``utc_offset``; quote it (YAML reads 02:00 as a number)."""
    duration_hours: Annotated[StrictInt, Field(ge=4, le=24)] = 4
    """Length of the window; AKS requires at least 4 hours."""
    utc_offset: Annotated[StrictStr, Field(pattern=r"^[+-](0[0-9]|1[0-4]):[0-5][0-9]$")] = "+00:00"
    """Offset from UTC of ``start_time``; quote it."""

    @field_validator("start_time", "utc_offset", mode="before")
    @classmethod
    def _quoted(cls, value: Any, info: ValidationInfo) -> Any:
        if info.field_name == "utc_offset":
            return _unquoted_clock(value, "+00:00", signed=True)
        return _unquoted_clock(value, "02:00", signed=False)


class Cluster(Model):
    """AKS settings: every region's cluster is built from them (docs/cluster.md)."""

    kubernetes_version: Annotated[
        StrictStr, Field(pattern=r"^1\.[0-9]{2}$"), AfterValidator(_supported_minor)
    ] = "1.35"
    """Kubernetes minor version; AKS applies patch releases of it automatically. Check
    ``az aks get-versions -l <region>`` for the minors AKS still supports and bump it as
    they age out."""
    sku_tier: Literal["Standard", "Premium"] = "Standard"
    """Control-plane tier; Standard carries the uptime SLA (Free, which has none, is not
    offered)."""
    network_data_plane: Literal["azure", "cilium"] = "cilium"
    """cilium: Azure CNI powered by Cilium, with network policy for both families;
    azure: the classic data plane, with no network policy (Azure and Calico policy
    do not support dual-stack)."""
    system_pool: NodePool = NodePool(vm_size="Standard_D4ds_v5", min_count=3, max_count=5)
    """Pool reserved for critical add-ons (CriticalAddonsOnly taint); one node per zone."""
    user_pool: NodePool = NodePool(vm_size="Standard_D4ds_v5", min_count=3, max_count=12)
    """Pool for the ingresses and workloads."""
    api_server: ApiServer = ApiServer()
    """How the Kubernetes API is reached; default: a private cluster."""
    maintenance: MaintenanceWindow = MaintenanceWindow()
    """When automatic upgrades may run."""
    admin_group_object_ids: tuple[ObjectId, ...] = ()
    """Entra ID groups whose members get AKS RBAC Cluster Admin on every cluster. Give people
    access here, and deploy with one identity (the CI's): the deployer's own grant follows
    whoever runs ``cdktf deploy`` and moves when someone else does."""
    login: Literal["azurecli", "workloadidentity", "spn"] = "azurecli"
    """How the stack's Kubernetes and Helm providers get a token (kubelogin
    ``--login``): azurecli for people, workloadidentity or spn for CI."""

    @field_validator("kubernetes_version", mode="before")
    @classmethod
    def _quoted_version(cls, value: Any) -> Any:
        return _unquoted_kubernetes_version(value)


MAX_SURGE_PERCENT = 33
"""Upgrade surge of every node pool, as ``cluster.MAX_SURGE`` sets it ("33%"; a test keeps them equal)."""
AZURE_RESERVED_ADDRESSES = 5
"""Addresses Azure keeps in every subnet: the network address, the first three hosts, broadcast."""


def surge_nodes(max_count: int) -> int:
    """Extra nodes a pool of ``max_count`` adds during an upgrade (AKS rounds a percentage up)."""
    return -(-max_count * MAX_SURGE_PERCENT // 100)
