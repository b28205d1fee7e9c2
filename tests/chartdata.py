"""The third-party charts' data the tests validate against, read from ``../shared/schemas``.

Nothing of another project's repository is kept in this one (docs/development.md, "Third-party
data"): the values schemas of the nginx-ingress and cert-manager charts and cert-manager's CRDs
are provided beside the checkout, read-only, in ``../shared/schemas`` (its README names each
upstream tag and commit). The tests read them from there.

* A clone with no ``../shared`` beside it: every test that needs this data skips, naming the
  folder it looked for. Where ``DUALSTACK_REQUIRE_CHART_DATA=1`` (``.ci/run`` sets it whenever
  ``../shared`` is beside the checkout), a missing folder fails instead, so data that
  ``../shared`` should hold cannot silently stop being checked.
* The data is for the newest releases provided there (``DATA``), which may be older than the
  versions the product pins (``ingress.chart_version``, ``tls.chart_version``): the values are
  validated against that older schema, and docs/kubernetes-baseline.md says which and why that
  is still right.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml
from synthhelp import REPO

SHARED_SCHEMAS = REPO.parent / "shared" / "schemas"
DATA = {"nginx-ingress": "2.6.4", "cert-manager": "v1.21.1"}
"""The release of each chart whose data ``../shared/schemas`` provides (its folder is
``<chart>-<release>``)."""

REQUIRE = "DUALSTACK_REQUIRE_CHART_DATA"
"""Set to 1 where the data must be there (``.ci/run`` with ``../shared`` beside the checkout): a
missing folder then fails the tests."""

KUBERNETES_DEFINITIONS = (
    "https://raw.githubusercontent.com/nginxinc/kubernetes-json-schema/master/v1.36.1/_definitions.json"
)
"""The nginx-ingress chart's ``values.schema.json`` points its Kubernetes types at this file,
which Helm fetches at install. Offline, the same minor's strict definitions from
kubernetes-validate stand in (v1.36.0: the newest of that minor it has)."""
LOCAL_DEFINITIONS = (
    Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema" / "v1.36.0-local-strict"
)


def data_dir(chart: str) -> Path:
    """``../shared/schemas/<chart>-<release>``; skips the test when it is absent, or fails it
    where ``REQUIRE`` is set."""
    folder = SHARED_SCHEMAS / f"{chart}-{DATA[chart]}"
    if not folder.is_dir():
        reason = (
            f"{folder} not found: the third-party chart data comes from ../shared/schemas beside the checkout"
        )
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(f"{reason} ({REQUIRE}=1: this run must have it)", pytrace=False)
        pytest.skip(reason)
    return folder


_SCHEMA_MAPS = ("properties", "patternProperties", "definitions", "$defs")
"""Keywords whose value maps names to schemas."""
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_ONE = ("items", "additionalProperties", "not", "if", "then", "else", "contains")


def strict(schema: Any) -> Any:
    """``schema`` with unknown keys refused wherever it names the keys it knows: an object
    schema with properties and no word on others gets ``additionalProperties: false``. An
    object with no properties listed (a free-form map: labels, ConfigMap entries) stays open,
    and so does one that keeps unknown fields (``x-kubernetes-preserve-unknown-fields``).
    Walks the schema keywords only, so a property that happens to be called ``properties`` or
    ``type`` is never taken for a keyword."""
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    for key in _SCHEMA_MAPS:
        if isinstance(out.get(key), dict):
            out[key] = {name: strict(sub) for name, sub in out[key].items()}
    for key in _SCHEMA_LISTS:
        if isinstance(out.get(key), list):
            out[key] = [strict(sub) for sub in out[key]]
    for key in _SCHEMA_ONE:
        if isinstance(out.get(key), dict):
            out[key] = strict(out[key])
    if (
        out.get("properties")
        and "additionalProperties" not in out
        and not out.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    return out


@functools.cache
def _values_schema(chart: str) -> dict[str, Any]:
    text = (data_dir(chart) / "values.schema.json").read_text(encoding="utf-8")
    if chart != "nginx-ingress":
        return json.loads(text)  # type: ignore[no-any-return]
    assert KUBERNETES_DEFINITIONS in text, (
        "the nginx schema no longer refers to the definitions this replaces"
    )
    schema = json.loads(text.replace(f"{KUBERNETES_DEFINITIONS}#/definitions/", "#/definitions/"))
    definitions = json.loads(
        (LOCAL_DEFINITIONS / "_definitions.json")
        .read_text(encoding="utf-8")
        .replace("#/$defs/", "#/definitions/")
    )
    schema["definitions"] = definitions["$defs"]
    return schema  # type: ignore[no-any-return]


def values_schema(chart: str) -> dict[str, Any]:
    """The chart's values schema as the chart ships it, with every reference resolvable offline:
    what Helm checks the release's values against at install."""
    return _values_schema(chart)


def values_yaml(chart: str) -> dict[str, Any]:
    """The chart's default ``values.yaml``."""
    values: dict[str, Any] = yaml.safe_load((data_dir(chart) / "values.yaml").read_text(encoding="utf-8"))
    return values


def _from_values(default: Any) -> dict[str, Any]:
    """A schema for a key that ``values.yaml`` documents and the schema does not: its keys, as
    far as the defaults name them; an empty map is free-form, a scalar or list any value."""
    if isinstance(default, dict) and default:
        return {"type": "object", "properties": {k: _from_values(v) for k, v in default.items()}}
    return {"type": "object"} if isinstance(default, dict) else {}


def _documented(schema: dict[str, Any], default: Any) -> dict[str, Any]:
    """``schema`` with the keys ``values.yaml`` documents added where the schema lists keys but
    not those (nginx-ingress 2.6.4's schema has no ``controller.autoscaling``)."""
    if not isinstance(default, dict) or not isinstance(schema.get("properties"), dict) or "$ref" in schema:
        return schema
    properties = dict(schema["properties"])
    for key, value in default.items():
        properties[key] = _documented(properties[key], value) if key in properties else _from_values(value)
    return {**schema, "properties": properties}


@functools.cache
def _documented_schema(chart: str) -> dict[str, Any]:
    return strict(_documented(_values_schema(chart), values_yaml(chart)))  # type: ignore[no-any-return]


def documented_schema(chart: str) -> dict[str, Any]:
    """The keys the chart documents, and no others: its values schema extended with the keys of
    its ``values.yaml``, then made strict (``strict``). Helm ignores a key the chart does not
    read without a word, so a misspelt key (``controller.ingresClass``) fails here."""
    return _documented_schema(chart)


def coalesce(defaults: Any, values: Any) -> Any:
    """Helm's merge of a release's values over the chart's defaults: maps merge key by key, the
    release's value wins, and a null removes the key."""
    if not (isinstance(defaults, dict) and isinstance(values, dict)):
        return values
    out = dict(defaults)
    for key, value in values.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = coalesce(defaults.get(key), value)
    return out


def _errors(instance: Any, schema: dict[str, Any], only: str | None = None) -> list[str]:
    """One line per validation error (``only``: of that keyword alone), sorted."""
    cls = jsonschema.validators.validator_for(schema)
    return sorted(
        f"{'.'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
        for e in cls(schema).iter_errors(instance)
        if only is None or e.validator == only
    )


def values_errors(chart: str, values: dict[str, Any]) -> list[str]:
    """What is wrong with a release's ``values`` for ``chart``, one line per problem:

    * what Helm itself would refuse at install: the values merged over the chart's defaults
      (``coalesce``), checked against the chart's ``values.schema.json`` (types, enums,
      required keys, the Kubernetes types it refers to);
    * a key the chart does not document (``documented_schema``).
    """
    merged = coalesce(values_yaml(chart), values)
    return _errors(merged, values_schema(chart)) + [
        f"undocumented: {line}" for line in _errors(values, documented_schema(chart), "additionalProperties")
    ]


def crd_schemas() -> dict[tuple[str, str], dict[str, Any]]:
    """``{(apiVersion, kind): strict schema}`` of every served version of cert-manager's CRDs."""
    return _crd_schemas(data_dir("cert-manager") / "crds")


@functools.cache
def _crd_schemas(folder: Path) -> dict[tuple[str, str], dict[str, Any]]:
    out = {}
    for path in sorted(folder.glob("*.yaml")):
        crd = yaml.safe_load(path.read_text(encoding="utf-8"))
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            if version.get("served"):
                schema = strict(version["schema"]["openAPIV3Schema"])
                schema["properties"]["metadata"] = {"type": "object"}  # metadata is the API server's
                out[(f"{group}/{version['name']}", kind)] = schema
    assert out, f"{folder}: no CRD"
    return out
