"""Every key path our Helm values set exists in the nginx-ingress chart's ``values.yaml``.

The chart's ``values.schema.json`` does not reject unknown keys, so a misspelled key (say
``controller.ingresClass``) would be ignored by Helm without a word. The documented key paths
are kept as data in ``tests/data/nginx-ingress-values-keys.txt`` (its header names the source
commit and chart version); regenerate that file when ``ingress.chart_version`` changes. The
chart itself is vendored at that commit in ``tests/data/charts/nginx-ingress``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from test_helm_values import CONTROLLER

from dualstack import ingress_controller
from dualstack.config import Ingress
from dualstack.ingress import release_specs

KEYS_FILE = Path(__file__).parent / "data" / "nginx-ingress-values-keys.txt"
MODES = ("nat64", "nat46", "dualstack")
PIPS = {"ipv4": "pip-v4", "ipv6": "pip-v6"}

FREE_FORM = frozenset(
    {
        # Kubernetes objects and string maps passed through to the manifests: the chart
        # documents the path, everything below it is the user's (labels, annotations,
        # ConfigMap entries, resource requests, security contexts, scheduling rules).
        "controller.selectorLabels",
        "controller.annotations",
        "controller.lifecycle",
        "controller.config.annotations",
        "controller.config.entries",
        "controller.nodeSelector",
        "controller.autoscaling.annotations",
        "controller.autoscaling.behavior",
        "controller.resources",
        "controller.podSecurityContext",
        "controller.securityContext",
        "controller.initContainerSecurityContext",
        "controller.initContainerResources",
        "controller.affinity",
        "controller.topologySpreadConstraints",
        "controller.podDisruptionBudget.annotations",
        "controller.strategy",
        "controller.globalConfiguration.spec",
        "controller.service.annotations",
        "controller.service.extraLabels",
        "controller.serviceAccount.annotations",
        "controller.reportIngressStatus.annotations",
        "controller.pod.annotations",
        "controller.pod.extraLabels",
        "controller.appprotect.enforcer.securityContext",
        "controller.appprotect.configManager.securityContext",
        "controller.appprotect.ipIntelligence.securityContext",
        "prometheus.service.labels",
        "prometheus.serviceMonitor.labels",
        "prometheus.serviceMonitor.selectorMatchLabels",
    }
)
"""Paths whose contents are free-form: the check stops there (lists are free-form too)."""


def _read_keys() -> tuple[dict[str, str], list[str]]:
    """``({header field: value}, [key path, ...])`` from the key list, in file order."""
    header: dict[str, str] = {}
    keys: list[str] = []
    for line in KEYS_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            match = re.match(r"#\s*([a-z-]+):\s*(\S+)\s*$", line)
            if match:
                header[match.group(1)] = match.group(2)
        elif line.strip():
            keys.append(line.strip())
    return header, keys


HEADER, KEY_LIST = _read_keys()
CHART_KEYS = frozenset(KEY_LIST)


def flatten(values: dict[str, Any], prefix: str = "") -> list[str]:
    """Dotted paths of ``values``: leaves, empty maps, lists and FREE_FORM paths end a path."""
    paths = []
    for key, value in values.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value and path not in FREE_FORM:
            paths.extend(flatten(value, f"{path}."))
        else:
            paths.append(path)
    return paths


def unknown_keys(values: dict[str, Any]) -> list[str]:
    """The paths of ``values`` that the chart does not document."""
    return [path for path in flatten(values) if path not in CHART_KEYS]


def _release_values(mode: str) -> dict[str, dict[str, Any]]:
    ingress = Ingress.model_validate({"mode": mode})
    return {
        s.release_name: ingress_controller.release_values(s)
        for s in release_specs(ingress, PIPS, "rg-region", CONTROLLER)
    }


@pytest.mark.parametrize("mode", MODES)
def test_every_key_we_set_is_in_the_chart(mode: str) -> None:
    releases = _release_values(mode)
    assert releases, f"{mode}: no release to check"
    for name, values in releases.items():
        assert unknown_keys(values) == [], f"{mode}/{name}: keys the chart does not document"


def test_the_checked_paths_reach_the_keys_we_care_about() -> None:
    """The flattening really descends: the service family keys are checked one by one."""
    paths = set(flatten(_release_values("dualstack")["ingress-dual"]))
    assert {
        "controller.service.ipFamilyPolicy",
        "controller.service.ipFamilies",
        "controller.service.annotations",
        "controller.ingressClass.create",
        "controller.podDisruptionBudget.maxUnavailable",
        "controller.config.entries",
        "prometheus.create",
    } <= paths
    assert not any(p.startswith("controller.service.annotations.") for p in paths)


def test_a_misspelled_key_is_reported() -> None:
    values = {
        "controller": {
            "ingresClass": {"name": "nginx"},
            "service": {"ipFamilyPolicy": "SingleStack", "ipFamilyPolicies": "SingleStack"},
            "config": {"entries": {"any-configmap-key": "is free-form"}},
        },
        "prometheus": {"create": True},
    }
    assert unknown_keys(values) == ["controller.ingresClass.name", "controller.service.ipFamilyPolicies"]


def test_key_list_names_the_pinned_chart_version() -> None:
    pinned = Ingress.model_fields["chart_version"].default
    assert HEADER.get("chart-version") == pinned, (
        f"tests/data/{KEYS_FILE.name} lists the keys of chart {HEADER.get('chart-version')}, "
        f"but ingress.chart_version defaults to {pinned}: regenerate the key list"
    )


def test_key_list_header_names_its_source() -> None:
    assert HEADER.get("source-repo") == "nginx/kubernetes-ingress"
    assert HEADER.get("source-path") == "charts/nginx-ingress/values.yaml"
    assert re.fullmatch(r"[0-9a-f]{40}", HEADER.get("source-commit", ""))
    assert "commented-out" in KEYS_FILE.read_text(encoding="utf-8").lower()


def test_key_list_is_well_formed() -> None:
    assert sorted(set(KEY_LIST)) == KEY_LIST, "sorted, no duplicates"
    assert all(re.fullmatch(r"[A-Za-z0-9]+(\.[A-Za-z0-9]+)*", k) for k in KEY_LIST)
    assert {"controller", "rbac", "prometheus", "serviceInsight", "nginxAgent"} <= CHART_KEYS
    missing_parents = {k for k in KEY_LIST if "." in k and k.rsplit(".", 1)[0] not in CHART_KEYS}
    assert not missing_parents, "every intermediate map is listed"
    # Keys the chart documents only in comments are listed (the templates read them).
    assert {
        "controller.service.ipFamilyPolicy",
        "controller.service.ipFamilies",
        "controller.nodeSelector",
        "controller.topologySpreadConstraints",
        "controller.podDisruptionBudget.minAvailable",
        "controller.podDisruptionBudget.maxUnavailable",
    } <= CHART_KEYS


def test_free_form_paths_are_chart_keys_with_nothing_listed_below() -> None:
    assert sorted(FREE_FORM - CHART_KEYS) == []
    below = [k for k in KEY_LIST if any(k.startswith(f"{f}.") for f in FREE_FORM)]
    assert below == []


def test_key_list_is_the_vendored_chart() -> None:
    """The list names the commit the rendered chart was taken from, and every key in it is
    written in that chart's values.yaml (as a key or in a commented-out example)."""
    chart = Path(__file__).parent / "data" / "charts" / "nginx-ingress"
    source = (chart / "SOURCE").read_text(encoding="utf-8")
    assert f"# commit: {HEADER['source-commit']}\n" in source
    assert f"version: {HEADER['chart-version']}\n" in (chart / "Chart.yaml").read_text(encoding="utf-8")
    text = (chart / "values.yaml").read_text(encoding="utf-8")
    written = set(re.findall(r"^[\s#]*([A-Za-z][A-Za-z0-9]*):", text, re.MULTILINE))
    assert sorted({k.rsplit(".", 1)[-1] for k in KEY_LIST} - written) == []
