"""Kubernetes, AKS and Helm conventions every workload of the topology shares.

Nothing here names a particular ingress controller (``ingress_controller.py`` holds those
facts) or an ingress mode (``modes.py``): zone spreading, the user pool, Pod Security
admission labels, the IP families of a Service, the public IP annotations of a
LoadBalancer Service, how every Helm release is installed, and the shape of a container
image copied into the project's registry (``images.py`` lists them). Plain data, no cdktf.

The public IP annotations are facts of Azure's cloud provider (``cloud-provider-azure``,
which AKS runs), not of a controller: whichever controller serves the ingresses, its
LoadBalancer Service names the pre-created public IPs with these annotations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from dualstack.naming import ALL_FAMILIES, IP_VERSION, IpFamily

ZONE_KEY = "topology.kubernetes.io/zone"
"""The well-known node label of the availability zone: the key of zone spreading."""
HOSTNAME_KEY = "kubernetes.io/hostname"
"""The well-known node label of the node's name: the key of spreading over nodes."""
USER_POOL_SELECTOR = {"kubernetes.azure.com/mode": "user"}
"""AKS labels each node with its pool's mode: workloads run on the user pool; the system pool
is reserved for critical add-ons."""

PIP_NAME = "service.beta.kubernetes.io/azure-pip-name"
PIP_NAME_IPV6 = "service.beta.kubernetes.io/azure-pip-name-ipv6"
PIP_RESOURCE_GROUP = "service.beta.kubernetes.io/azure-load-balancer-resource-group"

RELEASE_POLICY: dict[str, Any] = {
    "create_namespace": False,
    "atomic": True,
    "cleanup_on_fail": True,
    "wait": True,
    "max_history": 10,
}
"""How every Helm release of the topology is installed: into a namespace Terraform owns,
rolled back and cleaned up on failure, waited for, with a bounded history."""


@dataclass(frozen=True)
class Image:
    """One image: its upstream source and its repository and tag in the project's registry."""

    key: str
    source: str
    """``registry/repository:tag`` upstream, as ``az acr import --source`` takes it."""
    repository: str
    """Repository in the project's registry (the upstream path without its registry)."""
    tag: str
    digest: str | None
    pin_note: str
    """Where the digest comes from, or why there is none."""

    def reference(self, login_server: str) -> str:
        """The reference a pod spec uses: ``<registry>/<repository>:<tag>[@<digest>]``."""
        ref = f"{login_server}/{self.repository}:{self.tag}"
        return f"{ref}@{self.digest}" if self.digest else ref


def pod_security_labels(enforce: str) -> dict[str, str]:
    """Pod Security admission labels: enforce the given level, warn and audit on restricted."""
    return {
        "pod-security.kubernetes.io/enforce": enforce,
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
    }


def ip_families(families: Sequence[IpFamily]) -> tuple[str, list[str]]:
    """``(ipFamilyPolicy, ipFamilies)`` of a Service on these families (IPv4 first when both)."""
    if len(families) == 1:
        return "SingleStack", [IP_VERSION[families[0]]]
    return "RequireDualStack", [IP_VERSION[f] for f in ALL_FAMILIES if f in families]


def public_ip_annotations(pip_names: Mapping[IpFamily, str], resource_group: str) -> dict[str, str]:
    """The annotations that pin a LoadBalancer Service to pre-created public IPs.

    ``pip_names``: the public IP of each family the Service listens on. A single-stack
    Service names its only public IP with azure-pip-name. The cloud provider prefers
    azure-pip-name-ipv6 for an IPv6 address and falls back to azure-pip-name
    (getServicePIPName); its docs name the former, so an IPv6 address sets it too.
    """
    if len(pip_names) == 1:
        ((family, name),) = pip_names.items()
        annotations = {PIP_NAME: name}
        if family == "ipv6":
            annotations[PIP_NAME_IPV6] = name
    else:
        annotations = {PIP_NAME: pip_names["ipv4"], PIP_NAME_IPV6: pip_names["ipv6"]}
    annotations[PIP_RESOURCE_GROUP] = resource_group
    return annotations


class _NoAliasDumper(yaml.SafeDumper):
    """Writes repeated values out in full: no ``&id001`` anchors in a reviewed diff."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def to_yaml(values: dict[str, Any]) -> str:
    """Deterministic YAML (sorted keys, no anchors) for a Helm release's ``values``."""
    return yaml.dump(values, Dumper=_NoAliasDumper, sort_keys=True, default_flow_style=False)
