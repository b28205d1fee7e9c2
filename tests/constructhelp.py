"""Helpers of the construct-level tests (``tests/<stack package>/``): one construct on a bare stack.

A construct test builds only what it tests: a cdktf ``Testing.app()``, one ``TerraformStack``
with the azurerm provider, fake global references (plain strings standing in for the global
stack's IDs) and a :class:`~dualstack.region.context.RegionContext` from a config; then
``Testing.synth`` and the accessors of :class:`Synth`, which key resources by their construct
path below the stack, as ``synthhelp.Stack`` does for whole-app synthesis. Whole-app
synthesis (``conftest.py``) remains for snapshots, stability and hostile inputs.

The test modules live beside their stack package's name, as ``tests/<package>/test_<module>_unit.py``
for ``constructs/dualstack/<package>/<module>.py`` (``global_``, ``region``, ``workloads``,
``edge``; ``tests/test_layout.py`` holds them to that). The folders have no ``__init__.py`` (a
package named ``region`` or ``global_`` on the test path would stand for the tests, not the
stacks), so every file name must differ from every other test file's name (pytest imports each
as a top-level module): hence the ``_unit`` suffix.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import dualstack  # noqa: F401  first: JSII_NODE names the venv's Node before cdktf starts jsii

# isort: split

import yaml
from synthhelp import CONFIG_DIR, set_key

from dualstack.config import Config, ProbeSettings
from dualstack.framework import (
    App,
    TerraformDataSource,
    TerraformOutput,
    TerraformResource,
    TerraformStack,
    Testing,
)
from dualstack.refs import FrontDoorRefs, GlobalRefs
from dualstack.region.context import RegionContext
from dualstack.region.stack import region_context as region_props
from dualstack.stackbase import azurerm_provider

_SUBSCRIPTION = "/subscriptions/00000000-0000-0000-0000-000000000000"
_GLOBAL_GROUP = f"{_SUBSCRIPTION}/resourceGroups/rg-fake-global"

REFS = GlobalRefs(
    acme_dns_role_id=f"{_GLOBAL_GROUP}/providers/Microsoft.Authorization/roleDefinitions/00000000-0000-0000-0000-00000000acme",
    resource_group_name="rg-fake-global",
    dns_zone_name="zone.fake.test",
    private_dns_zone_name="internal.zone.fake.test",
    registry_id=f"{_GLOBAL_GROUP}/providers/Microsoft.ContainerRegistry/registries/crfake",
    key_vault_id=f"{_GLOBAL_GROUP}/providers/Microsoft.KeyVault/vaults/kv-fake",
    log_analytics_id=f"{_GLOBAL_GROUP}/providers/Microsoft.OperationalInsights/workspaces/log-fake",
    traffic_manager_profile_ids={
        "ipv4": f"{_GLOBAL_GROUP}/providers/Microsoft.Network/trafficManagerProfiles/tm-fake-ipv4",
        "ipv6": f"{_GLOBAL_GROUP}/providers/Microsoft.Network/trafficManagerProfiles/tm-fake-ipv6",
    },
    private_link_targets={
        "registry": f"{_GLOBAL_GROUP}/providers/Microsoft.ContainerRegistry/registries/crfake",
        "vault": f"{_GLOBAL_GROUP}/providers/Microsoft.KeyVault/vaults/kv-fake",
    },
    dns_zone_id=f"{_GLOBAL_GROUP}/providers/Microsoft.Network/dnsZones/zone.fake.test",
)
"""The global stack's references with the Traffic Manager edge. The names differ from every
config's on purpose: a construct that derives one from the config instead fails its test."""

_PROFILE = f"{_GLOBAL_GROUP}/providers/Microsoft.Cdn/profiles/afd-fake"
FRONT_DOOR = FrontDoorRefs(
    origin_group_id=f"{_PROFILE}/originGroups/ingress",
    endpoint_id=f"{_PROFILE}/afdEndpoints/ep-fake",
    custom_domain_id=f"{_PROFILE}/customDomains/app",
)
FRONT_DOOR_REFS = dataclasses.replace(REFS, traffic_manager_profile_ids={}, front_door=FRONT_DOOR)
"""The global stack's references with ``edge.kind: front_door`` (no Traffic Manager profile)."""


def config(base: str = "default", **changes: Any) -> Config:
    """``config/<base>.yaml`` with dotted keys set (``config("default", **{"prevent_destroy":
    False})``), validated as a whole like any file."""
    raw = yaml.safe_load((CONFIG_DIR / f"{base}.yaml").read_text())
    for path, value in changes.items():
        set_key(path, value)(raw)
    return Config.model_validate(raw)


def region_context(cfg: Config, region_name: str | None = None, *, refs: GlobalRefs = REFS) -> RegionContext:
    """The context a region stack gives its constructs (the first region unless named)."""
    name = region_name if region_name is not None else next(iter(cfg.regions))
    return region_props(cfg, name, refs)


_OUTDIR = tempfile.TemporaryDirectory(prefix="constructhelp-")
"""One output folder for every test app (``Testing.app()`` would make one each): nothing is
written there, since ``Testing.synth`` returns the JSON; removed when the process exits."""


def bare_app() -> App:
    """A cdktf test app (``Testing.app()``) to build a stack class on."""
    return Testing.app(outdir=_OUTDIR.name)


def bare_stack(name: str = "test", *, provider: bool = True) -> TerraformStack:
    """A stack of its own test app, with the default azurerm provider unless ``provider=False``."""
    stack = TerraformStack(bare_app(), name)
    if provider:
        azurerm_provider(stack)
    return stack


@dataclass(frozen=True)
class Synth:
    """One stack's ``Testing.synth`` output, parsed, with its elements' construct paths."""

    stack: TerraformStack
    doc: dict[str, Any]
    paths: dict[str, str]
    """``type.name`` (``data.type.name`` for data sources) -> construct path below the stack."""

    def resources(self, rtype: str, under: str = "") -> dict[str, dict[str, Any]]:
        """Resources of one Terraform type, keyed by construct path (those below ``under``)."""
        found = self.doc.get("resource", {}).get(rtype, {})
        out = {self.paths[f"{rtype}.{name}"]: body for name, body in found.items()}
        return {path: body for path, body in out.items() if path.startswith(under)}

    def resource(self, rtype: str, path: str) -> dict[str, Any]:
        return self.resources(rtype)[path]

    def data(self, rtype: str) -> dict[str, dict[str, Any]]:
        """Data sources of one type, keyed by construct path."""
        found = self.doc.get("data", {}).get(rtype, {})
        return {self.paths[f"data.{rtype}.{name}"]: body for name, body in found.items()}

    def address(self, rtype: str, path: str) -> str:
        """The Terraform address (``type.name``) of the resource at ``path``."""
        (address,) = [a for a, p in self.paths.items() if p == path and a.startswith(f"{rtype}.")]
        return address

    def ref(self, rtype: str, path: str, attribute: str) -> str:
        """The expression another resource holds for an attribute of the one at ``path``."""
        return "${" + f"{self.address(rtype, path)}.{attribute}" + "}"

    def data_ref(self, rtype: str, path: str, attribute: str) -> str:
        (address,) = [a for a, p in self.paths.items() if p == path and a.startswith(f"data.{rtype}.")]
        return "${" + f"{address}.{attribute}" + "}"

    def output(self, name: str) -> Any:
        """The value of an output that :func:`expose` added: a property as the JSON holds it."""
        return self.doc["output"][name]["value"]

    def under(self, prefix: str) -> dict[str, str]:
        """``{construct path: type}`` of every resource below ``prefix``."""
        return {
            path: address.split(".")[0]
            for address, path in self.paths.items()
            if not address.startswith("data.") and path.startswith(prefix)
        }

    def tagged(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """``(construct path, body)`` of every resource that has ``tags``."""
        for rtype in self.doc.get("resource", {}):
            for path, body in self.resources(rtype).items():
                if "tags" in body:
                    yield path, body


def expose(stack: TerraformStack, **values: Any) -> None:
    """One output per value (a construct's property, usually a token), read back with
    :meth:`Synth.output`: what another stack or construct would receive."""
    for name, value in values.items():
        TerraformOutput(stack, name, value=value)


def synth(stack: TerraformStack) -> Synth:
    """``Testing.synth`` of the stack (which drops the construct paths from the JSON), with
    the paths put back from the construct tree."""
    doc = json.loads(Testing.synth(stack))
    paths: dict[str, str] = {}
    for node in stack.node.find_all():
        if isinstance(node, TerraformResource | TerraformDataSource):
            prefix = "data." if isinstance(node, TerraformDataSource) else ""
            address = f"{prefix}{node.terraform_resource_type}.{stack.get_logical_id(node)}"
            paths[address] = node.node.path.split("/", 1)[1]
    return Synth(stack, doc, paths)


FRONT_DOOR_TUNED = {
    "edge.latency_sensitivity_ms": 120,
    "edge.waf.mode": "Detection",
    "edge.waf.default_rule_set_version": "2.0",
    "edge.waf.rate_limit": {"threshold": 300, "duration_minutes": 5},
    "edge.waf.exclusions": {},
    "dns.app_name": "shop",
    "prevent_destroy": False,
    "regions.westeurope.origin": {"priority": 3, "weight": 250},
}
"""Every setting the Front Door constructs (``FrontDoor``, ``RegionOrigins``) read, away from the
example's values (``config("frontdoor", **FRONT_DOOR_TUNED)``)."""


def probe_monitor(probe: ProbeSettings) -> dict[str, Any]:
    """What a Traffic Manager profile's ``monitor_config`` must hold for ``probe``: the app's name
    as Host, so the request reaches the app's Ingress (whether Traffic Manager also sends it as
    SNI is not documented: docs/ingress-modes.md, "Health probes")."""
    return {
        "protocol": probe.protocol,
        "port": probe.port,
        "path": probe.path,
        "expected_status_code_ranges": [probe.expected_status],
        "custom_header": [{"name": "Host", "value": probe.host}],
    }


def monitor_part(monitor: dict[str, Any]) -> dict[str, Any]:
    """The keys of a ``monitor_config`` that ``probe_monitor`` states."""
    return {
        key: monitor.get(key)
        for key in ("protocol", "port", "path", "expected_status_code_ranges", "custom_header")
    }
