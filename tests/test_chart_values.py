"""Every third-party Helm release of every workloads stack of every config, its values checked
against that chart's own data from ``../shared/schemas`` (tests/chartdata.py):

* what Helm would refuse at install: the values merged over the chart's defaults, validated
  against the chart's ``values.schema.json`` (the nginx schema's Kubernetes types resolved
  offline against kubernetes-validate's strict definitions of the same minor);
* what Helm would ignore without a word: a key the chart documents nowhere (neither in its
  schema nor in its ``values.yaml``).

The data is for the newest releases ``../shared/schemas`` provides (``chartdata.DATA``), which
may be older than the pins (``ingress.chart_version``, ``tls.chart_version``); the values are
then checked against the older release's keys, and docs/kubernetes-baseline.md says so. The
tests that need the data skip without ``../shared`` (a fresh clone outside CI) and fail
without it under CI.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import chartdata
import k8shelp
import pytest
from synthhelp import CONFIGS, REPO, WORKLOADS_CASES, WORKLOADS_IDS, Synthesized

from dualstack import ingress_controller
from dualstack.config import Tls


@pytest.mark.parametrize(("stem", "stack"), WORKLOADS_CASES, ids=WORKLOADS_IDS)
def test_every_third_party_release_passes_its_charts_schema(
    stem: str, stack: str, synthesized_configs: dict[str, Synthesized]
) -> None:
    config = CONFIGS[stem]
    releases = k8shelp.third_party_releases(synthesized_configs[stem][stack])
    controllers = {name for name in releases if name.startswith("ingress-")}
    assert controllers, "the controllers are among the releases"
    assert set(releases) == controllers | ({"cert-manager"} if config.tls.enabled else set())
    for name, body in releases.items():
        assert body["version"] == (
            config.tls.chart_version
            if name == "cert-manager"
            else config.ingress.chart_version or ingress_controller.CHART_VERSION
        )
        errors = chartdata.values_errors(str(body["chart"]), k8shelp.release_values(body))
        assert errors == [], f"{stem}/{stack} release {name}"


def test_what_helm_would_refuse_is_reported() -> None:
    """A wrong type, at a key of the chart's own schema and at one it takes from the Kubernetes
    definitions (resolved offline: an unresolved reference would raise, not pass)."""
    errors = chartdata.values_errors(
        "nginx-ingress",
        {"controller": {"replicaCount": "two", "service": {"externalTrafficPolicy": 5}}},
    )
    assert errors == [
        "controller.replicaCount: 'two' is not of type 'integer'",
        "controller.service.externalTrafficPolicy: 5 is not of type 'string', 'null'",
    ]
    errors = chartdata.values_errors("cert-manager", {"replicaCount": "2", "webhook": {"securePort": "x"}})
    assert "replicaCount: '2' is not of type 'number'" in errors
    assert any(e.startswith("webhook.securePort: 'x' is not of type") for e in errors)


def test_what_helm_would_ignore_is_reported() -> None:
    """A misspelt key, at the top of the controller's values and below a key that only the
    chart's ``values.yaml`` documents (``controller.autoscaling``, absent from its schema)."""
    errors = chartdata.values_errors(
        "nginx-ingress",
        {
            "controller": {
                "ingresClass": {"name": "nginx"},
                "autoscaling": {"enabled": True, "minReplica": 2},
                "service": {"ipFamilyPolicy": "SingleStack", "ipFamilyPolicies": "SingleStack"},
                "config": {"entries": {"any-configmap-key": "is free-form"}},
                "podSecurityContext": {"seccompProfil": {"type": "RuntimeDefault"}},
            }
        },
    )
    undocumented = [e for e in errors if e.startswith("undocumented: ")]
    assert undocumented == [
        "undocumented: controller.autoscaling: Additional properties are not allowed ('minReplica' was unexpected)",
        "undocumented: controller.podSecurityContext: Additional properties are not allowed "
        "('seccompProfil' was unexpected)",
        "undocumented: controller.service: Additional properties are not allowed "
        "('ipFamilyPolicies' was unexpected)",
        "undocumented: controller: Additional properties are not allowed ('ingresClass' was unexpected)",
    ]
    errors = chartdata.values_errors("cert-manager", {"webhook": {"securePrt": 10250}})
    assert (
        "undocumented: webhook: Additional properties are not allowed ('securePrt' was unexpected)" in errors
    )


def test_keys_only_values_yaml_documents_are_known() -> None:
    """nginx-ingress 2.6.4's schema lists no ``controller.autoscaling``; its ``values.yaml``
    documents it and its keys, and the product sets them, so they count as documented."""
    schema = chartdata.values_schema("nginx-ingress")
    assert "autoscaling" not in schema["properties"]["controller"]["properties"]
    autoscaling = chartdata.values_yaml("nginx-ingress")["controller"]["autoscaling"]
    assert {"enabled", "minReplicas", "maxReplicas", "targetCPUUtilizationPercentage"} <= set(autoscaling)
    documented = chartdata.documented_schema("nginx-ingress")["properties"]["controller"]["properties"]
    assert documented["autoscaling"]["additionalProperties"] is False
    assert documented["autoscaling"]["properties"]["behavior"] == {"type": "object"}, (
        "an empty map is free-form"
    )


# --- the data's versions and the pins ------------------------------------------------------


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.removeprefix("v").split("."))


PINS = {
    "nginx-ingress": ingress_controller.CHART_VERSION,
    "cert-manager": Tls.model_fields["chart_version"].default,
}


@pytest.mark.parametrize("chart", sorted(PINS))
def test_the_data_is_no_newer_than_the_pin_and_the_docs_say_which_is_which(chart: str) -> None:
    pinned, data = PINS[chart], chartdata.DATA[chart]
    assert _version(data) <= _version(pinned), (
        f"{chart}: the product pins {pinned}, older than its test data {data}"
    )
    assert _version(data)[0] == _version(pinned)[0], f"{chart}: a new major version needs its own data"
    text = (REPO / "docs" / "kubernetes-baseline.md").read_text(encoding="utf-8")
    section = text.split("## Chart versions\n", 1)[1].split("\n## ", 1)[0]
    (row,) = [line for line in section.splitlines() if line.startswith(f"| `{chart}`")]
    assert f"| {pinned} " in row and f"validated against {data}" in row, row


def test_the_controller_image_is_the_pinned_charts_app_version() -> None:
    """Chart 2.7.3 ships controller 5.6.3 (F5's release notes pair them); the image the product
    imports and runs is that one."""
    assert (PINS["nginx-ingress"], ingress_controller.IMAGE.tag) == ("2.7.3", "5.6.3")
    assert ingress_controller.IMAGE.source.endswith(f":{ingress_controller.IMAGE.tag}")


# --- the helpers ---------------------------------------------------------------------------


def test_missing_data_skips_with_its_reason_or_fails_where_required(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chartdata, "SHARED_SCHEMAS", tmp_path / "absent")
    monkeypatch.delenv(chartdata.REQUIRE, raising=False)
    with pytest.raises(
        pytest.skip.Exception, match=re.escape(str(tmp_path / "absent" / "nginx-ingress-2.6.4"))
    ):
        chartdata.data_dir("nginx-ingress")
    monkeypatch.setenv(chartdata.REQUIRE, "1")
    with pytest.raises(pytest.fail.Exception, match="this run must have it"):
        chartdata.data_dir("nginx-ingress")


def test_ci_requires_the_data_wherever_shared_is_beside_the_checkout(tmp_path: Path) -> None:
    """With ``../shared`` beside the checkout a missing data folder must fail, not skip; a
    checkout with no ``../shared`` at all skips and says so. Runs the script's own lines."""
    text = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    start = text.index("if [ -d ../shared ]")
    block = text[start : text.index("\nfi\n", start) + 4]
    probe = f'{block}echo "{chartdata.REQUIRE}=${{{chartdata.REQUIRE}:-}}"\n'
    for beside, expected in ((True, "1"), (False, "")):
        root = tmp_path / str(beside)
        (root / "checkout").mkdir(parents=True)
        if beside:
            (root / "shared").mkdir()
        env = {k: v for k, v in os.environ.items() if k != chartdata.REQUIRE}
        run = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", probe],
            cwd=root / "checkout",
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert run.stdout.splitlines()[-1] == f"{chartdata.REQUIRE}={expected}"
        assert ("no ../shared beside" in run.stdout) is not beside


def test_strict_refuses_unknown_keys_and_walks_keywords_only() -> None:
    schema = {
        "type": "object",
        "properties": {
            # Properties named like keywords are properties, not keywords.
            "properties": {"type": "object", "properties": {"type": {"type": "string"}}},
            "labels": {"type": "object"},
            "list": {"type": "array", "items": {"type": "object", "properties": {"a": {}}}},
            "kept": {"type": "object", "properties": {"a": {}}, "x-kubernetes-preserve-unknown-fields": True},
        },
    }
    out = chartdata.strict(schema)
    assert out["additionalProperties"] is False
    assert out["properties"]["properties"]["additionalProperties"] is False
    assert "additionalProperties" not in out["properties"]["properties"]["properties"]
    assert "additionalProperties" not in out["properties"]["labels"], "a free-form map stays open"
    assert out["properties"]["list"]["items"]["additionalProperties"] is False
    assert "additionalProperties" not in out["properties"]["kept"]
    assert "additionalProperties" not in schema, "the input is left as it was"


def test_coalesce_merges_as_helm_does() -> None:
    defaults = {"a": {"b": 1, "c": 2}, "d": [1, 2], "e": "x"}
    assert chartdata.coalesce(defaults, {"a": {"b": 3}, "d": [9], "e": None, "f": 1}) == {
        "a": {"b": 3, "c": 2},
        "d": [9],
        "f": 1,
    }
    assert defaults == {"a": {"b": 1, "c": 2}, "d": [1, 2], "e": "x"}
