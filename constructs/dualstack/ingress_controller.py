"""The ingress controller: the F5 NGINX Ingress Controller, and everything specific to it.

The one module that knows which controller serves the ingresses. Everything else asks it,
through ``__all__``, its public API: exactly the names the other modules use, no more
(``tests/test_ingress_controller_seam.py`` fails on an NGINX fact written anywhere else, on a
name outside ``__all__`` used from outside, and on a name in ``__all__`` that nothing uses):

- where it comes from: the default ``CHART_VERSION`` of ``ingress.chart_version`` (the config
  model) and the image (``IMAGE``, which ``images.py`` lists and ``make images`` copies into
  the project's registry);
- what it serves: the IngressClass (``INGRESS_CLASS``, its ``INGRESS_CONTROLLER``), the
  ``NAMESPACE`` and its ``POD_SECURITY_LEVEL``, the labels of its pods
  (``CONTROLLER_POD_LABELS``: network policies select them) and the ports of its Service
  (``SERVICE_PORTS``); the edges probe the application, not the controller
  (``dns.health_probe``);
- how it runs: one ``helm_release`` per release (``release_arguments`` of a ``ReleaseSpec``,
  built by ``workloads.ingress`` from the mode's release, the scaling, the public IPs and the
  ``Controller`` every release shares): the chart, and the values with the ConfigMap entries
  (TLS policy, the Front Door lockdown), hardening, spreading and the LoadBalancer Service of
  the mode's families.

The other module-level names (the chart's coordinates, ``release_values`` and the parts it is
built from, ``READY_PORT``, ...) are this module's own; its tests read them.

Keys follow the chart's ``values.yaml`` (nginx/kubernetes-ingress, charts/nginx-ingress).
Plain data, so it is tested without synthesizing (``tests/test_helm_values.py``,
``tests/test_chart_values.py``). The config model imports this module for its defaults, so
it imports neither the config model (``Scaling`` and ``HstsPolicy`` say what it reads of
it) nor cdktf; only the generic ``kube``, ``modes`` and ``naming``.

Swapping the controller means rewriting this module behind the same public API, and its
tests (docs/development.md, "Swapping the ingress controller").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from dualstack import kube
from dualstack.kube import Image
from dualstack.modes import Release, ReleaseKind

__all__ = [
    "CHART_VERSION",
    "CONTROLLER_POD_LABELS",
    "IMAGE",
    "INGRESS_CLASS",
    "INGRESS_CONTROLLER",
    "NAMESPACE",
    "POD_SECURITY_LEVEL",
    "SERVICE_PORTS",
    "Controller",
    "ReleaseSpec",
    "release_arguments",
]

CHART_REPOSITORY = "oci://ghcr.io/nginx/charts"
CHART_NAME = "nginx-ingress"
CHART_VERSION = "2.7.3"
"""The default of ``ingress.chart_version``: the newest stable chart F5 has released, 2.7.3
(controller 5.6.3, NGINX OSS 1.31.6, September 2026), chosen for the platform: it carries the
5.6 line's fixes and its newer nginx. docs/kubernetes-baseline.md, "Chart versions", gives the
sources and what the tests validate it against."""
_APP_VERSION = "5.6.3"
IMAGE = Image(
    key="nginx-ingress",
    source=f"ghcr.io/nginx/nginx-ingress:{_APP_VERSION}",
    repository="nginx/nginx-ingress",
    tag=_APP_VERSION,
    digest=None,
    pin_note="tag only: F5 publishes no digests and re-pushes version tags weekly; "
    "make images prints the digest imported",
)
"""The controller's image: the release chart 2.7.3 ships (its ``appVersion``, 5.6.3). Its
init container runs the same image."""
INGRESS_CLASS = "nginx"
"""The one IngressClass every release serves; applications declare one Ingress with it."""
INGRESS_CONTROLLER = "nginx.org/ingress-controller"
"""The ``spec.controller`` of the F5 NGINX Ingress Controller's IngressClass."""
NAMESPACE = "ingress-nginx"
POD_SECURITY_LEVEL = "restricted"
"""The namespace's enforced Pod Security level, the strictest: the controller and its init
container run as a non-root user (101, the image's nginx user), without privilege
escalation, with RuntimeDefault seccomp, dropping every capability; the one they add back,
NET_BIND_SERVICE (to listen on 80 and 443), is the one capability restricted allows
(tests/test_helm_values.py checks the values that say so)."""
HEALTH_PATH = "/nginx-health"
"""Answered with 200 on port 80 by the controller's default server: whether the controller
runs, for an operator on the cluster's network. The edges do not probe it (it says nothing of
the application): they probe ``dns.health_probe.path`` on the app's name, through the
controller to the application."""
CONTROLLER_POD_LABELS = {"app.kubernetes.io/name": CHART_NAME}
"""The label the chart gives every controller pod of every release (network policies select it)."""
INIT_CONTAINER_RESOURCES = {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "64Mi"}}
"""The chart's init container copies the nginx configuration into an emptyDir, nothing more."""

SERVICE_PORTS = {"http": 80, "https": 443}
"""The ports of the controllers' LoadBalancer Service and pods: HTTP (the redirect to HTTPS, and
the edge's probe where the app has no certificate) and HTTPS."""
READY_PORT = 8081
"""The port of the controller's readiness endpoint (``/nginx-ready``), probed by the kubelet only."""

TLS_PROTOCOLS = "TLSv1.2 TLSv1.3"
"""The only protocols the controllers speak (ConfigMap ``ssl-protocols``; unset, nginx's
compiled-in default applies)."""


class Scaling(Protocol):
    """What a release reads of its ``ingress.<family>`` settings (``config.IngressFamily``)."""

    @property
    def min_replicas(self) -> int: ...

    @property
    def max_replicas(self) -> int: ...

    @property
    def cpu_request(self) -> str: ...

    @property
    def memory_request(self) -> str: ...

    @property
    def memory_limit(self) -> str: ...


class HstsPolicy(Protocol):
    """What the controllers read of ``tls.hsts`` (``config.Hsts``)."""

    @property
    def enabled(self) -> bool: ...

    @property
    def max_age_seconds(self) -> int: ...

    @property
    def include_subdomains(self) -> bool: ...


@dataclass(frozen=True)
class Controller:
    """What every controller release of a config shares: its image and its TLS policy."""

    image_repository: str
    """``<registry>.azurecr.io/<IMAGE.repository>``: the project's registry, never upstream."""
    image_tag: str
    image_digest: str | None
    hsts: HstsPolicy
    front_door_id: str | None = None
    """With ``edge.kind: front_door``: the profile's ID (``X-Azure-FDID``, a Terraform reference
    resolved at plan time); the controllers refuse every request that does not carry it, but
    Front Door's probe (``front_door_probe``)."""
    front_door_probe: tuple[str, str] | None = None
    """With ``front_door_id``: ``(host, path)`` Front Door probes, the app's name and
    ``dns.health_probe.path``: the one request exempt from the check. Required with it."""


@dataclass(frozen=True)
class ReleaseSpec:
    """One controller release of a region: the mode's release (which families its Service
    serves, whether it reports Ingress status; the IngressClass itself belongs to Terraform),
    its scaling, its public IPs and what every release shares."""

    release: Release
    scaling: Scaling
    pip_names: dict[str, str]
    """Public IP name per family (``ipv4``/``ipv6``); the Service uses those of its families."""
    pip_resource_group: str
    controller: Controller

    @property
    def kind(self) -> ReleaseKind:
        return self.release.kind

    @property
    def primary(self) -> bool:
        """Reports Ingress status (exactly one release per region)."""
        return self.release.primary

    @property
    def release_name(self) -> str:
        return self.release.name


def service_values(spec: ReleaseSpec) -> dict[str, Any]:
    """The controller's LoadBalancer Service: family, traffic policy, pinned public IPs."""
    families = spec.release.families
    policy, ip_families = kube.ip_families(families)
    annotations = kube.public_ip_annotations(
        {f: spec.pip_names[f] for f in families}, spec.pip_resource_group
    )
    return {
        "create": True,
        "type": "LoadBalancer",
        # Local keeps the client address (no SNAT) and makes Azure probe the node's
        # healthCheckNodePort (/healthz, answered where a controller pod runs).
        "externalTrafficPolicy": "Local",
        "ipFamilyPolicy": policy,
        "ipFamilies": ip_families,
        "annotations": annotations,
        # Stated, not left to the chart's defaults: the ports the network policy opens and
        # the public IPs' NSG rules allow (``SERVICE_PORTS``).
        "httpPort": {"enable": True, "port": SERVICE_PORTS["http"], "targetPort": SERVICE_PORTS["http"]},
        "httpsPort": {"enable": True, "port": SERVICE_PORTS["https"], "targetPort": SERVICE_PORTS["https"]},
    }


def controller_values(spec: ReleaseSpec) -> dict[str, Any]:
    return {
        "kind": "deployment",
        # The IngressClass belongs to Terraform (RegionIngress), not to a release: a release
        # that owned it would delete it on uninstall, and a mode switch that moved
        # ownership between releases would fail on Helm's ownership check.
        "ingressClass": {"name": INGRESS_CLASS, "create": False, "setAsDefaultIngress": False},
        "reportIngressStatus": {
            "enable": spec.primary,
            "enableLeaderElection": True,
            "leaderElectionLockName": f"{spec.release_name}-leader-election",
        },
        **scaling_values(spec),
        **hardening_values(),
        "enableSnippets": False,
        "enableCustomResources": False,
        "healthStatus": True,
        "healthStatusURI": HEALTH_PATH,
        # The readiness probe (/nginx-ready on this port): a pod that has not loaded its
        # configuration gets no traffic. Stated, not left to the chart's default.
        "readyStatus": {"enable": True, "port": READY_PORT, "initialDelaySeconds": 0},
        "telemetryReporting": {"enable": False},
        "image": image_values(spec.controller),
        "config": {
            # ConfigMap values are strings. X-Real-IP and X-Forwarded-For carry the
            # client address to the backends (the controller's template sets both).
            "entries": config_entries(spec.controller),
        },
        "service": service_values(spec),
    }


def scaling_values(spec: ReleaseSpec) -> dict[str, Any]:
    """Autoscaling, resources and disruption budget from the config; spread over zones
    (required) and nodes (preferred), on the user pool."""
    selector = {"app.kubernetes.io/name": CHART_NAME, "app.kubernetes.io/instance": spec.release_name}
    scaling = spec.scaling

    def spread(key: str, when: str) -> dict[str, Any]:
        return {
            "maxSkew": 1,
            "topologyKey": key,
            "whenUnsatisfiable": when,
            "labelSelector": {"matchLabels": selector},
        }

    return {
        "autoscaling": {
            "enabled": True,
            "minReplicas": scaling.min_replicas,
            "maxReplicas": scaling.max_replicas,
            "targetCPUUtilizationPercentage": 70,
            "targetMemoryUtilizationPercentage": 80,
        },
        "resources": {
            "requests": {"cpu": scaling.cpu_request, "memory": scaling.memory_request},
            "limits": {"memory": scaling.memory_limit},
        },
        "podDisruptionBudget": {"enabled": True, "maxUnavailable": 1},
        "topologySpreadConstraints": [
            spread(kube.ZONE_KEY, "DoNotSchedule"),
            spread(kube.HOSTNAME_KEY, "ScheduleAnyway"),
        ],
        "nodeSelector": kube.USER_POOL_SELECTOR,
    }


def hardening_values() -> dict[str, Any]:
    """The pods' security contexts: non-root (the image's nginx user, 101), no privilege
    escalation, read-only root, every capability dropped but NET_BIND_SERVICE (ports 80/443)."""
    container = {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsUser": 101,
        "runAsNonRoot": True,
    }
    return {
        "podSecurityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
        "readOnlyRootFilesystem": True,
        "securityContext": {**container, "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}},
        "initContainerResources": INIT_CONTAINER_RESOURCES,
        "initContainerSecurityContext": {**container, "capabilities": {"drop": ["ALL"]}},
    }


def image_values(controller: Controller) -> dict[str, Any]:
    """The controller image (and the chart's init container, which uses the same one)."""
    # Always: a restarted pod never runs a stale copy of a tag (the registry is in-region).
    values: dict[str, Any] = {
        "repository": controller.image_repository,
        "tag": controller.image_tag,
        "pullPolicy": "Always",
    }
    if controller.image_digest:
        values["digest"] = controller.image_digest
    return values


FRONT_DOOR_HTTP_SNIPPET = """\
map $http_x_azure_fdid $dualstack_not_front_door {{
    default 1;
    "{front_door_id}" 0;
}}
map "$request_method $host $uri" $dualstack_edge_probe {{
    default 0;
    "GET {probe_host} {probe_path}" 1;
}}
map "$dualstack_not_front_door$dualstack_edge_probe" $dualstack_refuse {{
    default 0;
    "10" 1;
}}
"""
"""``http-snippets``: a request is refused unless its ``X-Azure-FDID`` is this profile's ID. The
one exemption is what Front Door's probe sends, a GET of exactly the application's health path
on the app's own name (``$host``, so no other Ingress host is exempt): Front Door does not
document that its health probes carry ``X-Azure-FDID``. The probe is not answered here: it goes
on to the application like any request, so it reports the application's health."""

FRONT_DOOR_SERVER_SNIPPET = """\
if ($dualstack_refuse) {
    return 403;
}
"""
"""``server-snippets``: in every server the controllers generate for an Ingress host."""


def front_door_entries(front_door_id: str, probe_host: str, probe_path: str) -> dict[str, str]:
    """ConfigMap entries of the Front Door edge: the origin lockdown and the client address.

    ConfigMap snippets are the controller's global configuration, set by whoever installs
    it; ``enableSnippets`` (false) governs the annotations of Ingress resources, which stay
    refused. Only Front Door reaches the ingresses (NSG: ``AzureFrontDoor.Backend``), so the
    last ``X-Forwarded-For`` address, which Front Door appends, is the client's: nginx's
    real-ip module takes it (not recursive: an address the client wrote itself stays
    ignored), and the controller passes it on as X-Real-IP and X-Forwarded-For.
    """
    return {
        "http-snippets": FRONT_DOOR_HTTP_SNIPPET.format(
            front_door_id=front_door_id, probe_host=probe_host.lower(), probe_path=probe_path
        ),
        "server-snippets": FRONT_DOOR_SERVER_SNIPPET,
        "real-ip-header": "X-Forwarded-For",
        "set-real-ip-from": "0.0.0.0/0,::/0",
        "real-ip-recursive": "false",
    }


def config_entries(controller: Controller) -> dict[str, str]:
    """The controllers' ConfigMap: TLS 1.2 and 1.3 only; plain HTTP to a host that has TLS is
    redirected to HTTPS (the default server, where the Traffic Manager probe of the health
    path lands, has no TLS and is never redirected); HSTS when the config asks for it."""
    entries = {"server-tokens": "false", "ssl-protocols": TLS_PROTOCOLS, "ssl-redirect": "true"}
    hsts = controller.hsts
    if hsts.enabled:
        entries |= {
            "hsts": "true",
            "hsts-max-age": str(hsts.max_age_seconds),
            "hsts-include-subdomains": "true" if hsts.include_subdomains else "false",
        }
    if controller.front_door_id is not None:
        if controller.front_door_probe is None:
            raise ValueError("a Front Door edge needs the probe's host and path (front_door_probe)")
        entries |= front_door_entries(controller.front_door_id, *controller.front_door_probe)
    return entries


def release_values(spec: ReleaseSpec) -> dict[str, Any]:
    return {"controller": controller_values(spec), "prometheus": {"create": True}}


def release_arguments(spec: ReleaseSpec, chart_version: str) -> dict[str, Any]:
    """The ``helm_release`` arguments of one controller release (all but its provider and
    dependencies): the chart, the namespace, how it is installed, the values."""
    return {
        "name": spec.release_name,
        "repository": CHART_REPOSITORY,
        "chart": CHART_NAME,
        "version": chart_version,
        "namespace": NAMESPACE,
        **kube.RELEASE_POLICY,
        "timeout": 900,
        # The chart ships twelve CRDs for its custom resources, which are off
        # (enableCustomResources: false); installing them would only add objects.
        "skip_crds": True,
        "values": [kube.to_yaml(release_values(spec))],
    }
