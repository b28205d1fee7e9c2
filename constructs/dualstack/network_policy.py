"""NetworkPolicies of the namespaces the topology creates: deny by default, allow what is needed.

The cluster's data plane (Azure CNI powered by Cilium) enforces ``networking.k8s.io/v1``
NetworkPolicy for IPv4 and IPv6 alike. A policy selects pods and namespaces by label, not by
address, so one set of policies holds for both families in every ingress mode. Where an
address is unavoidable (traffic to the API server and the internet), every rule names both
families: ``0.0.0.0/0`` and ``::/0``, each without the cluster's own pod and service ranges.

What each namespace allows, beyond its default deny of all ingress and egress:

* the ingress controllers' namespace (``ingress_controller.NAMESPACE``): in, TCP 80 and 443
  from anywhere (clients, the edge's probes of the application's health path, and with
  ``externalTrafficPolicy: Cluster`` the nodes that forward them); out, DNS to the cluster's
  DNS, TCP 443 to addresses outside the cluster (the API server), and any port to pods in
  namespaces labelled ``BACKENDS_LABEL`` (the backends the controllers proxy to).
* the sample app (``echo``): in, its port from the controllers' pods only; out, nothing.
* ``cert-manager``: in, the webhook's port from anywhere (the API server calls it, from an
  address outside the pod network); out, DNS to the cluster's DNS, TCP 443 to addresses
  outside the cluster (the API server, Let's Encrypt, Azure Resource Manager for Azure DNS,
  Entra ID for workload identity), and for the controller DNS (UDP and TCP 53) to addresses
  outside the cluster (its DNS-01 self-check asks the zone's authoritative servers).

Plain NetworkPolicy cannot name a host (no FQDN rules), so "443 outside the cluster" is the
narrowest rule it can express for the API server and the ACME and Azure endpoints; see
docs/kubernetes-baseline.md for the tighter options and what Azure offers for IPv6 egress.
The kubelet's probes come from the node itself, which Cilium always admits.

The API server under Cilium: Cilium gives the API server's addresses the reserved identity
``kube-apiserver``, and an ``ipBlock`` (a CIDR rule) may not select an address that has such
an identity, so on the Cilium data plane the ``ipBlock`` rule alone may not let a pod reach
the API server. Cilium's documented way is an entity rule, ``toEntities: [kube-apiserver]`` in
a ``CiliumNetworkPolicy`` (L3/L4 policies are supported on AKS without Advanced Container
Networking Services). So with ``cluster.network_data_plane: cilium`` every namespace whose pods
call the API also gets ``api_server_entity_policy``; the standard policy stays for the data
plane without Cilium, where the ``ipBlock`` does the work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from constructs import Construct

from dualstack.framework import ITerraformDependable, KubernetesProvider, Manifest
from dualstack.framework import network_policy_v1 as np

NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"
"""Set by the API server on every namespace (immutable): selects a namespace by its name."""
BACKENDS_LABEL = "dualstack/ingress-backends"
"""A namespace labelled ``"true"`` with this key admits egress from the ingress controllers:
their egress policy allows it; the namespace's own policy still decides what it admits."""
DNS_NAMESPACE = "kube-system"
DNS_POD_LABELS = {"k8s-app": "kube-dns"}
"""CoreDNS on AKS: the pods behind the cluster's DNS service address."""
WORLD = ("0.0.0.0/0", "::/0")


def namespace_selector(name: str) -> dict[str, Any]:
    return {"match_labels": {NAMESPACE_NAME_LABEL: name}}


def _ports(protocol: str, *ports: int) -> list[dict[str, str]]:
    return [{"protocol": protocol, "port": str(p)} for p in ports]


def outside_cluster(cluster_ranges: Sequence[str]) -> list[dict[str, Any]]:
    """Peers for every address of both families except the cluster's pod and service ranges."""
    peers = []
    for world in WORLD:
        family = ":" in world
        excepted = sorted(r for r in cluster_ranges if (":" in r) == family)
        peers.append({"ip_block": {"cidr": world, "except": excepted}})
    return peers


@dataclass(frozen=True)
class Policy:
    """One NetworkPolicy, in the provider's terms (``spec`` as ``kubernetes_network_policy_v1``)."""

    name: str
    spec: dict[str, Any]


def default_deny() -> Policy:
    """Every pod of the namespace: no ingress and no egress but what another policy allows."""
    return Policy("default-deny", {"pod_selector": {}, "policy_types": ["Ingress", "Egress"]})


def allow_dns(pod_labels: dict[str, str] | None = None) -> Policy:
    """Egress to the cluster's DNS (CoreDNS in kube-system), UDP and TCP 53."""
    return Policy(
        "allow-dns",
        {
            "pod_selector": {"match_labels": pod_labels} if pod_labels else {},
            "policy_types": ["Egress"],
            "egress": [
                {
                    "to": [
                        {
                            "namespace_selector": namespace_selector(DNS_NAMESPACE),
                            "pod_selector": {"match_labels": DNS_POD_LABELS},
                        }
                    ],
                    "ports": _ports("UDP", 53) + _ports("TCP", 53),
                }
            ],
        },
    )


def allow_https_out(name: str, cluster_ranges: Sequence[str], pod_labels: dict[str, str] | None) -> Policy:
    """Egress on TCP 443 to addresses outside the cluster, both families."""
    return Policy(
        name,
        {
            "pod_selector": {"match_labels": pod_labels} if pod_labels else {},
            "policy_types": ["Egress"],
            "egress": [{"to": outside_cluster(cluster_ranges), "ports": _ports("TCP", 443)}],
        },
    )


def controller_policies(
    controller_labels: dict[str, str], ports: Sequence[int], cluster_ranges: Sequence[str]
) -> list[Policy]:
    """The controllers' namespace: in, ``ports`` (their Service's) from anywhere."""
    selector = {"match_labels": controller_labels}
    return [
        default_deny(),
        allow_dns(),
        Policy(
            "controllers-ingress",
            {
                "pod_selector": selector,
                "policy_types": ["Ingress"],
                # No "from": clients of both families keep their address (externalTrafficPolicy
                # Local), and the edge probes the application through the controllers from the
                # internet (Traffic Manager) or Front Door's backends.
                "ingress": [{"ports": _ports("TCP", *ports)}],
            },
        ),
        allow_https_out("controllers-to-api-server", cluster_ranges, controller_labels),
        Policy(
            "controllers-to-backends",
            {
                "pod_selector": selector,
                "policy_types": ["Egress"],
                "egress": [{"to": [{"namespace_selector": {"match_labels": {BACKENDS_LABEL: "true"}}}]}],
            },
        ),
    ]


def backend_policies(
    app_labels: dict[str, str], port: int, controllers_namespace: str, controller_labels: dict[str, str]
) -> list[Policy]:
    """An application namespace behind the controllers: in, ``port`` from the controllers only."""
    return [
        default_deny(),
        Policy(
            "from-ingress-controllers",
            {
                "pod_selector": {"match_labels": app_labels},
                "policy_types": ["Ingress"],
                "ingress": [
                    {
                        "from": [
                            {
                                "namespace_selector": namespace_selector(controllers_namespace),
                                "pod_selector": {"match_labels": controller_labels},
                            }
                        ],
                        "ports": _ports("TCP", port),
                    }
                ],
            },
        ),
    ]


def cert_manager_policies(
    controller_labels: dict[str, str],
    webhook_labels: dict[str, str],
    webhook_port: int,
    cluster_ranges: Sequence[str],
) -> list[Policy]:
    return [
        default_deny(),
        allow_dns(),
        allow_https_out("to-api-server-and-acme", cluster_ranges, None),
        Policy(
            "controller-dns01-self-check",
            {
                "pod_selector": {"match_labels": controller_labels},
                "policy_types": ["Egress"],
                "egress": [
                    {"to": outside_cluster(cluster_ranges), "ports": _ports("UDP", 53) + _ports("TCP", 53)}
                ],
            },
        ),
        Policy(
            "webhook-from-api-server",
            {
                "pod_selector": {"match_labels": webhook_labels},
                "policy_types": ["Ingress"],
                # The API server reaches the webhook from outside the pod network (AKS's
                # managed control plane), whose address no policy can name in advance.
                "ingress": [{"ports": _ports("TCP", webhook_port)}],
            },
        ),
    ]


def _peer(peer: dict[str, Any], ingress: bool) -> Any:
    ns_cls = (
        np.NetworkPolicyV1SpecIngressFromNamespaceSelector
        if ingress
        else np.NetworkPolicyV1SpecEgressToNamespaceSelector
    )
    pod_cls = (
        np.NetworkPolicyV1SpecIngressFromPodSelector if ingress else np.NetworkPolicyV1SpecEgressToPodSelector
    )
    ip_cls = np.NetworkPolicyV1SpecIngressFromIpBlock if ingress else np.NetworkPolicyV1SpecEgressToIpBlock
    peer_cls = np.NetworkPolicyV1SpecIngressFrom if ingress else np.NetworkPolicyV1SpecEgressTo
    args: dict[str, Any] = {}
    if "namespace_selector" in peer:
        args["namespace_selector"] = ns_cls(match_labels=peer["namespace_selector"].get("match_labels"))
    if "pod_selector" in peer:
        args["pod_selector"] = pod_cls(match_labels=peer["pod_selector"].get("match_labels"))
    if "ip_block" in peer:
        block = peer["ip_block"]
        args["ip_block"] = ip_cls(cidr=block["cidr"], except_=block.get("except"))
    assert args, f"an empty peer would select nothing the API accepts: {peer}"
    return peer_cls(**args)


def _ports_typed(ports: list[dict[str, str]], ingress: bool) -> list[Any]:
    cls = np.NetworkPolicyV1SpecIngressPorts if ingress else np.NetworkPolicyV1SpecEgressPorts
    return [cls(port=p["port"], protocol=p["protocol"]) for p in ports]


def typed_spec(spec: dict[str, Any]) -> np.NetworkPolicyV1Spec:
    """The provider's typed spec. Nested blocks go through the generated classes: passed as
    plain dicts inside lists, jsii drops their keys and leaves empty peers (``to: [{}]``)."""
    ingress = [
        np.NetworkPolicyV1SpecIngress(
            from_=[_peer(p, True) for p in rule["from"]] if "from" in rule else None,
            ports=_ports_typed(rule["ports"], True) if "ports" in rule else None,
        )
        for rule in spec.get("ingress", [])
    ]
    egress = [
        np.NetworkPolicyV1SpecEgress(
            to=[_peer(p, False) for p in rule["to"]] if "to" in rule else None,
            ports=_ports_typed(rule["ports"], False) if "ports" in rule else None,
        )
        for rule in spec.get("egress", [])
    ]
    return np.NetworkPolicyV1Spec(
        pod_selector=np.NetworkPolicyV1SpecPodSelector(match_labels=spec["pod_selector"].get("match_labels")),
        policy_types=spec["policy_types"],
        ingress=ingress or None,
        egress=egress or None,
    )


API_SERVER_POLICY = "to-kube-apiserver"
API_SERVER_ENTITY = "kube-apiserver"
API_SERVER_PORT = 443
"""The port the pods reach the API server on (the ``kubernetes`` Service's endpoints on AKS)."""


def api_server_entity_policy(namespace: str, pod_labels: dict[str, str] | None) -> dict[str, Any]:
    """A ``CiliumNetworkPolicy`` (``cilium.io/v2``): egress from the selected pods (every pod
    of the namespace without ``pod_labels``) to the ``kube-apiserver`` entity on TCP 443."""
    return {
        "apiVersion": "cilium.io/v2",
        "kind": "CiliumNetworkPolicy",
        "metadata": {"name": API_SERVER_POLICY, "namespace": namespace},
        "spec": {
            "endpointSelector": {"matchLabels": dict(pod_labels)} if pod_labels else {},
            "egress": [
                {
                    "toEntities": [API_SERVER_ENTITY],
                    "toPorts": [{"ports": [{"port": str(API_SERVER_PORT), "protocol": "TCP"}]}],
                }
            ],
        },
    }


def create_api_server_entity_policy(
    scope: Construct,
    *,
    namespace: str,
    pod_labels: dict[str, str] | None,
    depends_on: Sequence[ITerraformDependable],
    provider: KubernetesProvider,
) -> Manifest:
    """``api_server_entity_policy`` as a ``kubernetes_manifest``. Its CRD (Cilium's) must exist
    when the stack is planned: it does on a cluster with the Cilium data plane, which the region
    stack creates before the workloads stack is planned."""
    return Manifest(
        scope,
        "cilium_api_server_policy",
        provider=provider,
        manifest=api_server_entity_policy(namespace, pod_labels),
        depends_on=list(depends_on),
    )


def create(
    scope: Construct,
    *,
    namespace: str,
    policies: Sequence[Policy],
    depends_on: Sequence[ITerraformDependable],
    provider: KubernetesProvider,
) -> list[np.NetworkPolicyV1]:
    """One ``kubernetes_network_policy_v1`` per policy, construct id ``network_policy_<name>``."""
    return [
        np.NetworkPolicyV1(
            scope,
            f"network_policy_{p.name.replace('-', '_')}",
            provider=provider,
            metadata={"name": p.name, "namespace": namespace},
            spec=typed_spec(p.spec),
            depends_on=list(depends_on),
        )
        for p in policies
    ]
