"""What a workloads stack puts into its cluster, as the Kubernetes objects this project
defines, for the tests.

* ``own_releases(stack)``: the releases of the project's own chart (``dualstack-tls``: the
  ClusterIssuer and the certificates), rendered offline (helm-python-sdk, the Helm SDK without
  a helm binary) with the values the stack passes, as ``helm install`` renders them. The
  third-party charts (``THIRD_PARTY``: the ingress controller, cert-manager) are not rendered:
  their templates are other projects' code, which this repository does not hold. Their values
  are validated against the charts' values schemas instead (tests/test_chart_values.py), and
  the security-relevant values are checked one by one (tests/test_helm_values.py).
* ``terraform_objects(stack)``: every ``kubernetes_*`` resource mapped back to the object the
  Kubernetes provider sends: block names snake_case to camelCase, the provider's singular
  block names to the API's plural fields, one-element blocks to objects, numbers the provider
  takes as strings to numbers, and namespace references to the namespace's name. The mapping
  is this module's model of the provider; the strict schema validation is what keeps it
  honest (a wrong name is an unknown field and fails).
* ``validate(obj, version, crds)``: strict validation against the Kubernetes API schema of the
  cluster's minor version (kubernetes-validate's ``-strict`` schemas: unknown fields fail), or,
  for a custom resource, against its CRD (cert-manager's, from ``../shared/schemas``:
  tests/chartdata.py) with unknown fields refused.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from dataclasses import dataclass
from typing import Any

import helm_python
import jsonschema
import kubernetes_validate
import yaml
from synthhelp import Stack

from dualstack import ingress_controller
from dualstack.workloads import cert_manager

OWN_CHART = "dualstack-tls"
THIRD_PARTY = {
    ingress_controller.CHART_NAME: ingress_controller.CHART_REPOSITORY,
    "cert-manager": cert_manager.CHART_REPOSITORY,
}
"""``{chart: repository}`` of every third-party chart a workloads stack installs."""

CLUSTER_SCOPED = {"Namespace", "IngressClass", "ClusterIssuer"}
"""The cluster-scoped kinds among the objects this project defines."""


@dataclass(frozen=True)
class Release:
    name: str
    namespace: str
    objects: list[dict[str, Any]]


@functools.cache
def _own_chart() -> helm_python.Chart:
    return helm_python.Chart.load(str(cert_manager.LOCAL_CHART))


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""PyYAML's safe loader on libyaml's parser when PyYAML has it: the same objects as
``yaml.safe_load``, faster."""

_SEPARATOR = re.compile(r"(?:^|\s*\n)---\s*")
"""How Helm splits a template's output into documents (releaseutil.SplitManifests)."""


def render_own_chart(values: dict[str, Any], *, name: str, namespace: str) -> list[dict[str, Any]]:
    """The objects ``helm install`` would apply of the project's chart (namespaced ones in the
    release's namespace)."""
    manifests = _own_chart().render(values, name=name, namespace=namespace, is_install=True)
    objects = []
    for path in sorted(manifests):
        if not path.endswith((".yaml", ".yml")):
            continue
        for text in _SEPARATOR.split(manifests[path]):
            doc = yaml.load(text, Loader=_SAFE_LOADER)
            if not doc:
                continue
            if doc["kind"] not in CLUSTER_SCOPED:
                doc.setdefault("metadata", {}).setdefault("namespace", namespace)
            objects.append(doc)
    return objects


def release_values(body: dict[str, Any]) -> dict[str, Any]:
    """The values a ``helm_release`` body passes (its ``values`` documents, merged in order)."""
    values: dict[str, Any] = {}
    for text in body.get("values", []):
        values |= yaml.safe_load(text)
    return values


def is_own_chart(body: dict[str, Any]) -> bool:
    """Whether a ``helm_release`` installs the project's chart (a cdktf asset). Any other
    release must install one of ``THIRD_PARTY`` from its repository."""
    chart = str(body["chart"])
    if chart.startswith("assets/") and body["name"] == OWN_CHART:
        return True
    assert THIRD_PARTY.get(chart) == body.get("repository"), f"{chart}: not a chart these tests know"
    return False


def third_party_releases(stack: Stack) -> dict[str, dict[str, Any]]:
    """``{release name: helm_release body}`` of every third-party release in the stack."""
    return {
        str(body["name"]): body for body in stack.resources("helm_release").values() if not is_own_chart(body)
    }


def own_releases(stack: Stack) -> list[Release]:
    """Every release of the project's own chart in the stack, rendered (a fresh copy each call)."""
    return copy.deepcopy(_own_releases(stack))


@functools.cache
def _own_releases(stack: Stack) -> list[Release]:
    out = []
    for body in stack.resources("helm_release").values():
        if is_own_chart(body):
            objects = render_own_chart(release_values(body), name=body["name"], namespace=body["namespace"])
            out.append(Release(body["name"], body["namespace"], objects))
    return sorted(out, key=lambda r: r.name)


# --- kubernetes_* resources -> objects --------------------------------------------------------

KINDS = {
    "kubernetes_namespace_v1": ("v1", "Namespace"),
    "kubernetes_ingress_class_v1": ("networking.k8s.io/v1", "IngressClass"),
    "kubernetes_deployment_v1": ("apps/v1", "Deployment"),
    "kubernetes_service_v1": ("v1", "Service"),
    "kubernetes_ingress_v1": ("networking.k8s.io/v1", "Ingress"),
    "kubernetes_network_policy_v1": ("networking.k8s.io/v1", "NetworkPolicy"),
}
PLURAL = {
    "container": "containers",
    "init_container": "initContainers",
    "volume": "volumes",
    "volume_mount": "volumeMounts",
    "topology_spread_constraint": "topologySpreadConstraints",
    "toleration": "tolerations",
    "rule": "rules",
}
"""Block names the provider keeps singular where the API's field is plural."""
MAPS = {"labels", "annotations", "node_selector", "match_labels", "limits", "requests", "data"}
"""Fields whose keys are data (label keys, resource names), not field names."""
INTEGERS = {"replicas", "run_as_user", "run_as_group", "fs_group"}
"""Integer fields the provider takes as strings."""
INT_OR_STRING = {"port", "target_port"}
"""IntOrString fields the provider takes as strings: a number when it reads as one."""
PLURAL_WHEN_A_LIST = {"port", "path"}
"""Singular when the field is one object or a scalar (an Ingress backend's ``port``, a probe's
``path``), plural when it is a list of blocks (a Service's or container's ``ports``, an Ingress
rule's ``paths``)."""
LISTS = {"ports", "tls", "env", "ingress", "egress", "from", "to", "hosts", "except", "match_expressions"}
"""List blocks that stay lists even with one element."""
_REFERENCE = re.compile(r"^\$\{(kubernetes_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.metadata\[0\]\.name\}$")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def _field(key: str, value: Any) -> str:
    if key in PLURAL:
        return PLURAL[key]
    if key in PLURAL_WHEN_A_LIST and isinstance(value, list):
        return f"{key}s"
    return _camel(key)


def _convert(key: str, value: Any, names: dict[str, str]) -> Any:
    if key in MAPS and isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        items = [_convert(key, v, names) for v in value]
        keep = key in PLURAL or key in PLURAL_WHEN_A_LIST or key in LISTS
        if len(items) == 1 and isinstance(items[0], dict) and not keep:
            return items[0]
        return items
    if isinstance(value, dict):
        return {_field(k, v): _convert(k, v, names) for k, v in value.items()}
    if isinstance(value, str):
        match = _REFERENCE.match(value)
        if match:
            return names[f"{match.group(1)}.{match.group(2)}"]
        if key in INTEGERS:
            return int(value)
        if key in INT_OR_STRING and value.isdigit():
            return int(value)
    return value


def terraform_objects(stack: Stack) -> list[dict[str, Any]]:
    """Every ``kubernetes_*`` resource of the stack as the object the provider would send."""
    doc = stack.json.get("resource", {})
    names = {
        f"{rtype}.{name}": body["metadata"]["name"]
        for rtype, items in doc.items()
        if rtype.startswith("kubernetes_") and rtype != "kubernetes_manifest"
        for name, body in items.items()
    }
    out = []
    for rtype, items in sorted(doc.items()):
        if not rtype.startswith("kubernetes_"):
            continue
        if rtype == "kubernetes_manifest":  # the object as the API takes it, as it is
            for name, body in sorted(items.items()):
                manifest: dict[str, Any] = copy.deepcopy(body["manifest"])
                manifest["metadata"]["annotations"] = {"terraform-address": f"{rtype}.{name}"}
                out.append(manifest)
            continue
        assert rtype in KINDS, f"{rtype}: no mapping to a Kubernetes kind in tests/k8shelp.py"
        api_version, kind = KINDS[rtype]
        for name, body in sorted(items.items()):
            obj: dict[str, Any] = {"apiVersion": api_version, "kind": kind}
            for field in ("metadata", "spec"):
                if field in body:
                    obj[field] = _convert(field, body[field], names)
            obj["metadata"]["annotations"] = {
                **obj["metadata"].get("annotations", {}),
                "terraform-address": f"{rtype}.{name}",
            }
            out.append(obj)
    return out


def strip_address(obj: dict[str, Any]) -> dict[str, Any]:
    """The object without the bookkeeping annotation ``terraform_objects`` adds."""
    out = copy.deepcopy(obj)
    annotations = out["metadata"].get("annotations", {})
    annotations.pop("terraform-address", None)
    if not annotations:
        out["metadata"].pop("annotations", None)
    return out


CILIUM_ENTITIES = [
    "all",
    "cluster",
    "host",
    "init",
    "ingress",
    "kube-apiserver",
    "remote-node",
    "world",
    "health",
    "unmanaged",
]

CILIUM_NETWORK_POLICY: dict[str, Any] = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "additionalProperties": False,
    "properties": {
        "apiVersion": {"const": "cilium.io/v2"},
        "kind": {"const": "CiliumNetworkPolicy"},
        "metadata": {"type": "object"},
        "spec": {
            "type": "object",
            "required": ["endpointSelector"],
            "additionalProperties": False,
            "properties": {
                "endpointSelector": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "matchLabels": {"type": "object", "additionalProperties": {"type": "string"}}
                    },
                },
                "egress": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "toEntities": {"type": "array", "items": {"enum": CILIUM_ENTITIES}},
                            "toPorts": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "additionalProperties": False,
                                    "properties": {
                                        "ports": {
                                            "type": "array",
                                            "items": {
                                                "type": "object",
                                                "required": ["port"],
                                                "additionalProperties": False,
                                                "properties": {
                                                    "port": {"type": "string", "pattern": "^[0-9]{1,5}$"},
                                                    "protocol": {"enum": ["TCP", "UDP", "SCTP", "ANY"]},
                                                },
                                            },
                                        }
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}
"""The fields of ``CiliumNetworkPolicy`` (``cilium.io/v2``) the project uses, written here from
Cilium's policy documentation (docs.cilium.io, "Layer 3 Examples: Entities Based", "Layer 4
Examples"), strict: a misspelt field or an unknown entity fails. Cilium's own CRD is not among
the data in ``../shared/schemas``; with it, the objects would be validated against that instead."""

OWN_SCHEMAS = {("cilium.io/v2", "CiliumNetworkPolicy"): CILIUM_NETWORK_POLICY}
"""Schemas of the custom resources the project defines through ``kubernetes_manifest``."""


def stack_objects(stack: Stack) -> list[dict[str, Any]]:
    """Every object the project itself defines in the stack: its chart's, then the Terraform ones."""
    return [o for r in own_releases(stack) for o in r.objects] + terraform_objects(stack)


# --- validation -------------------------------------------------------------------------------


# kubernetes-validate reads and parses the schema file and the definitions file (megabytes of
# JSON) again for every object; the files do not change during a run, so each is read once.
kubernetes_validate.utils.schema_contents = functools.cache(kubernetes_validate.utils.schema_contents)

_CHECKED_SCHEMAS: set[str] = set()


def schema_validate(obj: Any, schema: dict[str, Any]) -> None:
    """``jsonschema.validate(obj, schema)``, step for step, except that the check of the schema
    itself against its meta-schema (about half a second for a CRD's schema) runs once per
    distinct schema and run, not once per object."""
    cls = jsonschema.validators.validator_for(schema)
    text = json.dumps(schema, sort_keys=True)
    if text not in _CHECKED_SCHEMAS:
        cls.check_schema(schema)
        _CHECKED_SCHEMAS.add(text)
    error = jsonschema.exceptions.best_match(cls(schema).iter_errors(obj))
    if error is not None:
        raise error


def validate(obj: dict[str, Any], version: str, crds: dict[tuple[str, str], dict[str, Any]]) -> None:
    """Raise if ``obj`` is not a valid object of the API at Kubernetes ``version`` (strict)."""
    key = (obj["apiVersion"], obj["kind"])
    if key in crds:
        schema_validate(obj, crds[key])
        return
    group = obj["apiVersion"].split("/")[0] if "/" in obj["apiVersion"] else ""
    assert "." not in group or group.endswith(".k8s.io"), f"{key}: a custom resource without its CRD here"
    kubernetes_validate.validate(strip_address(obj), version, strict=True)


# --- Pod Security Standards -------------------------------------------------------------------

RESTRICTED_VOLUMES = {
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
}
BASELINE_CAPABILITIES = {
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
}


def pod_template(obj: dict[str, Any]) -> dict[str, Any] | None:
    """The pod spec of a workload object (Deployment, Job, ...), or None."""
    spec = obj.get("spec", {})
    if obj["kind"] == "Pod":
        return spec  # type: ignore[no-any-return]
    template = spec.get("template") or spec.get("jobTemplate", {}).get("spec", {}).get("template")
    return template.get("spec") if template else None


def pod_security_violations(pod: dict[str, Any], level: str) -> list[str]:
    """What keeps ``pod`` out of Pod Security level ``level`` (baseline or restricted), after
    the Pod Security Standards' controls (the subset that these objects can touch)."""
    ctx = pod.get("securityContext", {})
    problems = [flag for flag in ("hostNetwork", "hostPID", "hostIPC") if pod.get(flag)]
    problems += _volume_violations(pod, level)
    pod_seccomp = ctx.get("seccompProfile", {}).get("type")
    for c in [*pod.get("initContainers", []), *pod.get("containers", [])]:
        problems += _baseline_container_violations(c, pod_seccomp)
        if level == "restricted":
            problems += _restricted_container_violations(c, ctx, pod_seccomp)
    return problems


def _volume_violations(pod: dict[str, Any], level: str) -> list[str]:
    problems = []
    for volume in pod.get("volumes", []):
        kinds = set(volume) - {"name"}
        if "hostPath" in kinds:
            problems.append(f"volume {volume['name']}: hostPath")
        if level == "restricted" and not kinds <= RESTRICTED_VOLUMES:
            problems.append(f"volume {volume['name']}: {sorted(kinds)}")
    return problems


def _baseline_container_violations(c: dict[str, Any], pod_seccomp: str | None) -> list[str]:
    name, sc = c["name"], c.get("securityContext", {})
    added = set(sc.get("capabilities", {}).get("add", []))
    checks = {
        "privileged": bool(sc.get("privileged")),
        "hostPort": any(p.get("hostPort") for p in c.get("ports", [])),
        "seccomp Unconfined": sc.get("seccompProfile", {}).get("type", pod_seccomp) == "Unconfined",
        f"capabilities {sorted(added - BASELINE_CAPABILITIES)}": not added <= BASELINE_CAPABILITIES,
    }
    return [f"{name}: {what}" for what, failed in checks.items() if failed]


def _restricted_container_violations(
    c: dict[str, Any], ctx: dict[str, Any], pod_seccomp: str | None
) -> list[str]:
    name, sc = c["name"], c.get("securityContext", {})
    caps = sc.get("capabilities", {})
    added = set(caps.get("add", []))
    seccomp = sc.get("seccompProfile", {}).get("type", pod_seccomp)
    checks = {
        "allowPrivilegeEscalation not false": sc.get("allowPrivilegeEscalation") is not False,
        "runAsNonRoot not true": not sc.get("runAsNonRoot", ctx.get("runAsNonRoot")),
        "runAsUser 0": sc.get("runAsUser", ctx.get("runAsUser")) == 0,
        f"seccomp {seccomp}": seccomp not in ("RuntimeDefault", "Localhost"),
        "does not drop ALL capabilities": "ALL" not in caps.get("drop", []),
        f"adds {sorted(added - {'NET_BIND_SERVICE'})}": not added <= {"NET_BIND_SERVICE"},
    }
    return [f"{name}: {what}" for what, failed in checks.items() if failed]
