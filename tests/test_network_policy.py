"""The network policies of every workloads stack of every config (nat64, nat46, dualstack), read
from the synthesized JSON (as the objects the provider sends, tests/k8shelp.py) and evaluated
with NetworkPolicy's semantics: who may reach whom, on which port, from which family.

Policies select pods and namespaces by label, so the answers are the same in every mode; the
few address rules (traffic leaving the cluster) always come as a pair, IPv4 and IPv6."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jsonschema
import k8shelp
import pytest
from synthhelp import CONFIGS, WORKLOADS_CASES, Synthesized, set_key

from dualstack import ingress_controller, modes, network_policy
from dualstack.workloads import cert_manager, sample_app

IDS = [f"{CONFIGS[s].ingress.mode}-{s}-{t}" for s, t in WORKLOADS_CASES]
MODES = {config.ingress.mode for config in CONFIGS.values()}


@dataclass(frozen=True)
class Pod:
    namespace: str
    labels: dict[str, str]


@dataclass(frozen=True)
class Address:
    ip: str


Peer = Pod | Address


def _matches(selector: dict[str, Any] | None, labels: dict[str, str]) -> bool:
    assert not (selector or {}).get("matchExpressions"), "only matchLabels is modelled here"
    return all(labels.get(k) == v for k, v in (selector or {}).get("matchLabels", {}).items())


class Policies:
    def __init__(self, objects: list[dict[str, Any]]) -> None:
        self.policies = [o for o in objects if o["kind"] == "NetworkPolicy"]
        self.namespaces = {
            o["metadata"]["name"]: {
                **o["metadata"].get("labels", {}),
                "kubernetes.io/metadata.name": o["metadata"]["name"],
            }
            for o in objects
            if o["kind"] == "Namespace"
        }
        self.namespaces.setdefault("kube-system", {"kubernetes.io/metadata.name": "kube-system"})

    def _peer_matches(self, peer: dict[str, Any], other: Peer, own_namespace: str) -> bool:
        assert peer, "an empty peer (the API server refuses it)"
        if isinstance(other, Address):
            if "ipBlock" not in peer:
                return False
            block = peer["ipBlock"]
            ip = ipaddress.ip_address(other.ip)
            net = ipaddress.ip_network(block["cidr"])
            if ip.version != net.version or ip not in net:
                return False
            return not any(ip in ipaddress.ip_network(e) for e in block.get("except", []))
        if "ipBlock" in peer:
            return False  # Cilium: ipBlock never selects pods (nor nodes)
        if "namespaceSelector" in peer:
            if not _matches(
                peer["namespaceSelector"],
                self.namespaces.get(other.namespace, {"kubernetes.io/metadata.name": other.namespace}),
            ):
                return False
        elif other.namespace != own_namespace:
            return False
        return _matches(peer.get("podSelector"), other.labels)

    @staticmethod
    def _port_matches(rule: dict[str, Any], port: int, protocol: str) -> bool:
        ports = rule.get("ports")
        return not ports or any(
            int(p["port"]) == port and p.get("protocol", "TCP") == protocol for p in ports
        )

    def allows(self, source: Peer, target: Peer, port: int, protocol: str = "TCP") -> bool:
        """Whether a connection from ``source`` to ``target`` on ``port`` passes both ends' policies."""
        for pod, direction, other, field, key in (
            (target, "Ingress", source, "ingress", "from"),
            (source, "Egress", target, "egress", "to"),
        ):
            if not isinstance(pod, Pod):
                continue
            selecting = [
                p
                for p in self.policies
                if p["metadata"]["namespace"] == pod.namespace
                and direction in p["spec"]["policyTypes"]
                and _matches(p["spec"]["podSelector"], pod.labels)
            ]
            if not selecting:
                continue  # no policy of this direction selects the pod: all allowed
            if not any(
                self._port_matches(rule, port, protocol)
                and (
                    key not in rule
                    or any(self._peer_matches(peer, other, pod.namespace) for peer in rule[key])
                )
                for p in selecting
                for rule in p["spec"].get(field, [])
            ):
                return False
        return True


CONTROLLER = Pod(
    ingress_controller.NAMESPACE,
    {**ingress_controller.CONTROLLER_POD_LABELS, "app.kubernetes.io/instance": "ingress-ipv4"},
)
ECHO = Pod(sample_app.NAMESPACE, dict(sample_app.LABELS))
CM_CONTROLLER = Pod(cert_manager.NAMESPACE, cert_manager.pod_labels("controller"))
CM_WEBHOOK = Pod(cert_manager.NAMESPACE, cert_manager.pod_labels("webhook"))
CM_CAINJECTOR = Pod(cert_manager.NAMESPACE, cert_manager.pod_labels("cainjector"))
DNS = Pod("kube-system", dict(network_policy.DNS_POD_LABELS))
OTHER = Pod("team-a", {"app": "x"})
CLIENTS = (Address("203.0.113.10"), Address("2001:db8::10"))
"""A client (or the API server, Let's Encrypt, Azure) of each family, outside the cluster."""


def _policies(synth: Synthesized, stack: str) -> Policies:
    return Policies(k8shelp.terraform_objects(synth[stack]))


def test_the_configs_cover_every_mode() -> None:
    """The policies are checked on the example configs, so together they use every mode."""
    assert set(modes.MODES) == MODES


@pytest.mark.parametrize(("stem", "stack"), WORKLOADS_CASES, ids=IDS)
def test_every_namespace_denies_by_default(
    stem: str, stack: str, synthesized_configs: dict[str, Synthesized]
) -> None:
    policies = _policies(synthesized_configs[stem], stack)
    created = set(policies.namespaces) - {"kube-system"}
    assert created == {ingress_controller.NAMESPACE, sample_app.NAMESPACE, cert_manager.NAMESPACE}
    for namespace in created:
        (deny,) = [
            p
            for p in policies.policies
            if p["metadata"]["namespace"] == namespace and p["metadata"]["name"] == "default-deny"
        ]
        assert deny["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
        # Any pod of the namespace, whatever its labels: nothing in, nothing out, unless allowed.
        stranger = Pod(namespace, {"app": "not-ours"})
        assert not policies.allows(OTHER, stranger, 80)
        assert not policies.allows(stranger, OTHER, 80)
        for client in CLIENTS:
            assert not policies.allows(client, stranger, 443)
            assert not policies.allows(stranger, client, 8443)


@pytest.mark.parametrize(("stem", "stack"), WORKLOADS_CASES, ids=IDS)
def test_who_reaches_whom(stem: str, stack: str, synthesized_configs: dict[str, Synthesized]) -> None:
    p = _policies(synthesized_configs[stem], stack)
    config = CONFIGS[stem]
    region = config.regions[stack.removesuffix("-workloads")]
    for client in CLIENTS:  # both families, every mode
        assert p.allows(client, CONTROLLER, 80) and p.allows(client, CONTROLLER, 443)
        assert not p.allows(client, CONTROLLER, 8081), "readiness port"
        assert not p.allows(client, CONTROLLER, 9113), "metrics port"
        assert not p.allows(client, ECHO, sample_app.PORT), "the sample app only behind the controllers"
        assert p.allows(CONTROLLER, client, 443), "the API server"
        assert not p.allows(CONTROLLER, client, 80)
        assert not p.allows(ECHO, client, 443), "the sample app reaches nothing"
        for pod in (CM_CONTROLLER, CM_WEBHOOK, CM_CAINJECTOR):
            assert p.allows(pod, client, 443), "API server, Let's Encrypt, Azure DNS, Entra ID"
            assert not p.allows(pod, client, 80)
        assert p.allows(CM_CONTROLLER, client, 53, "UDP"), "DNS-01 self-check"
        assert not p.allows(CM_WEBHOOK, client, 53, "UDP")
        assert p.allows(client, CM_WEBHOOK, cert_manager.WEBHOOK_PORT), "the API server calls the webhook"
        assert not p.allows(client, CM_CONTROLLER, 9402)
    # Inside the cluster: the sample app admits the controllers on its port, nothing else.
    assert p.allows(CONTROLLER, ECHO, sample_app.PORT)
    assert not p.allows(CONTROLLER, ECHO, 8443)
    assert not p.allows(CM_CONTROLLER, ECHO, sample_app.PORT)
    assert not p.allows(OTHER, ECHO, sample_app.PORT)
    assert not p.allows(Pod(ingress_controller.NAMESPACE, {"app": "other"}), ECHO, sample_app.PORT)
    # The controllers reach backends only in namespaces labelled for it.
    assert not p.allows(CONTROLLER, OTHER, 8080)
    assert p.allows(CONTROLLER, DNS, 53, "UDP") and p.allows(CM_CONTROLLER, DNS, 53, "TCP")
    assert not p.allows(ECHO, DNS, 53, "UDP")
    # "Outside the cluster" leaves out the cluster's own pod and service ranges, both families.
    for cidr in (*region.pod_cidrs, *region.service_cidrs):
        inside = Address(str(next(ipaddress.ip_network(cidr).hosts())))
        assert not p.allows(CONTROLLER, inside, 443), cidr
        assert not p.allows(CM_CONTROLLER, inside, 443), cidr


@pytest.mark.parametrize(("stem", "stack"), WORKLOADS_CASES, ids=IDS)
def test_address_rules_always_name_both_families(
    stem: str, stack: str, synthesized_configs: dict[str, Synthesized]
) -> None:
    p = _policies(synthesized_configs[stem], stack)
    blocks = 0
    for policy in p.policies:
        for field, key in (("ingress", "from"), ("egress", "to")):
            for rule in policy["spec"].get(field, []):
                cidrs = [peer["ipBlock"]["cidr"] for peer in rule.get(key, []) if "ipBlock" in peer]
                blocks += len(cidrs)
                if cidrs:
                    assert sorted(cidrs) == ["0.0.0.0/0", "::/0"], policy["metadata"]["name"]
    assert blocks > 0


def test_the_policies_are_the_same_in_every_mode(synthesized_configs: dict[str, Synthesized]) -> None:
    """Apart from the region's own address ranges, one set of policies for nat64, nat46 and
    dualstack: nothing in them depends on the family the Services run on."""

    def shape(stem: str, stack: str) -> list[Any]:
        out = []
        for policy in _policies(synthesized_configs[stem], stack).policies:
            spec = {**policy["spec"]}
            text = repr(spec)
            region = CONFIGS[stem].regions[stack.removesuffix("-workloads")]
            for cidr in (*region.pod_cidrs, *region.service_cidrs):
                text = text.replace(cidr, "<cluster range>")
            out.append((policy["metadata"]["namespace"], policy["metadata"]["name"], text))
        return sorted(out)

    shapes = {CONFIGS[s].ingress.mode: shape(s, t) for s, t in WORKLOADS_CASES}
    assert len(shapes) == 3
    first, *rest = shapes.values()
    assert all(s == first for s in rest)


def test_the_evaluator_refuses_an_empty_peer() -> None:
    policies = Policies(
        [
            {
                "kind": "NetworkPolicy",
                "metadata": {"name": "x", "namespace": "echo"},
                "spec": {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{"from": [{}]}]},
            }
        ]
    )
    policies.namespaces["team-a"] = {}
    with pytest.raises(AssertionError, match="empty peer"):
        policies.allows(OTHER, ECHO, 8080)


# --- the API server on the Cilium data plane --------------------------------------------------


def _entity_policies(synth: Synthesized, stack: str) -> dict[str, dict[str, Any]]:
    """``{namespace: CiliumNetworkPolicy}`` of one workloads stack."""
    out = {}
    for obj in k8shelp.terraform_objects(synth[stack]):
        if obj["kind"] == "CiliumNetworkPolicy":
            assert obj["metadata"]["namespace"] not in out, "one per namespace"
            out[obj["metadata"]["namespace"]] = obj
    return out


@pytest.mark.parametrize(("stem", "stack"), WORKLOADS_CASES, ids=IDS)
def test_every_api_calling_pod_may_reach_the_kube_apiserver_entity(
    stem: str, stack: str, synthesized_configs: dict[str, Synthesized]
) -> None:
    """On the Cilium data plane (every example config), the controllers and every cert-manager
    pod get Cilium's entity rule to the API server (an ipBlock may not select the API server's
    reserved identity there); the sample app, which calls nothing, gets none. The standard
    ipBlock rule stays, for a data plane without Cilium."""
    config = CONFIGS[stem]
    assert config.cluster.network_data_plane == "cilium"
    policies = _entity_policies(synthesized_configs[stem], stack)
    expected = {ingress_controller.NAMESPACE: ingress_controller.CONTROLLER_POD_LABELS}
    if config.tls.enabled:
        expected[cert_manager.NAMESPACE] = {
            "app.kubernetes.io/instance": "cert-manager"
        }  # every pod calls the API
    assert set(policies) == set(expected)
    for namespace, labels in expected.items():
        spec = policies[namespace]["spec"]
        assert spec["endpointSelector"] == {"matchLabels": labels}
        assert spec["egress"] == [
            {"toEntities": ["kube-apiserver"], "toPorts": [{"ports": [{"port": "443", "protocol": "TCP"}]}]}
        ]
    standard = _policies(synthesized_configs[stem], stack)
    names = {(p["metadata"]["namespace"], p["metadata"]["name"]) for p in standard.policies}
    assert (ingress_controller.NAMESPACE, "controllers-to-api-server") in names


def test_the_azure_data_plane_gets_no_cilium_policy(synth_variant: Callable[..., Synthesized]) -> None:
    out = synth_variant("default", set_key("cluster.network_data_plane", "azure"), "default-azure-data-plane")
    for workloads in out.workloads():
        assert "kubernetes_manifest" not in workloads.json["resource"]
        assert _entity_policies(out, workloads.name) == {}


def test_the_entity_rule_is_refused_with_a_misspelt_field() -> None:
    """The tests' schema of CiliumNetworkPolicy is strict (k8shelp.CILIUM_NETWORK_POLICY)."""
    policy = network_policy.api_server_entity_policy("ns", {"a": "b"})
    k8shelp.validate(policy, "1.35", k8shelp.OWN_SCHEMAS)
    policy["spec"]["egress"][0]["toEntity"] = policy["spec"]["egress"][0].pop("toEntities")
    with pytest.raises(jsonschema.ValidationError):
        k8shelp.validate(policy, "1.35", k8shelp.OWN_SCHEMAS)
    wrong = network_policy.api_server_entity_policy("ns", None)
    wrong["spec"]["egress"][0]["toEntities"] = ["kube-api-server"]
    with pytest.raises(jsonschema.ValidationError):
        k8shelp.validate(wrong, "1.35", k8shelp.OWN_SCHEMAS)
