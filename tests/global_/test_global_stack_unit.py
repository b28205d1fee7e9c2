"""``GlobalStack``, the global stack's composer, on a test app: its backend and provider, its
services, and the outputs a first deploy needs."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from constructhelp import Synth, bare_app, config, synth

from dualstack.config import Config
from dualstack.global_.stack import GlobalStack

CASES: dict[str, Callable[[], Config]] = {
    "frontdoor": lambda: config("frontdoor"),
    "default": lambda: config("default"),
    "no-tls": lambda: config("default", **{"tls.issuer": "none"}),
}


@pytest.fixture(scope="module")
def built() -> dict[str, tuple[Config, Synth]]:
    out = {}
    for name, make in CASES.items():
        cfg = make()
        out[name] = (cfg, synth(GlobalStack(bare_app(), "global", config=cfg)))
    return out


@pytest.fixture(params=sorted(CASES))
def each(request: pytest.FixtureRequest, built: dict[str, tuple[Config, Synth]]) -> tuple[Config, Synth]:
    return built[request.param]


def test_global_stack_has_its_backend_provider_and_services(each: tuple[Config, Synth]) -> None:
    cfg, out = each
    doc = out.doc
    assert doc["terraform"]["backend"] == {
        "local": {"path": f"../../../terraform.{cfg.project}.global.tfstate"}
    }
    assert doc["provider"]["azurerm"] == [{"features": [{}], "resource_provider_registrations": "none"}]
    assert all(path.startswith("services/") for path in out.under(""))
    assert out.resources("azurerm_container_registry")


def test_outputs_tell_a_first_deploy_what_it_needs(each: tuple[Config, Synth]) -> None:
    """The zone's name servers (to delegate it), the app's URL and the edge's names."""
    cfg, out = each
    outputs = out.doc["output"]
    zone = out.address("azurerm_dns_zone", "services/dns_zone")
    assert outputs["name_servers"]["value"] == "${tolist(" + zone + ".name_servers)}"
    scheme = "https" if cfg.tls.enabled else "http"
    assert outputs["app_url"]["value"] == f"{scheme}://{cfg.dns.app_host}/"
    edge = {n for n in outputs if n == "front_door_endpoint" or n.startswith("traffic_manager_")}
    if cfg.front_door is not None:
        assert edge == {"front_door_endpoint"}
        assert outputs["front_door_endpoint"]["value"] == out.ref(
            "azurerm_cdn_frontdoor_endpoint", "services/front_door/endpoint", "host_name"
        )
    else:
        assert edge == {"traffic_manager_ipv4", "traffic_manager_ipv6"}
        for family in ("ipv4", "ipv6"):
            assert outputs[f"traffic_manager_{family}"]["value"] == out.ref(
                "azurerm_traffic_manager_profile", f"services/traffic/{family}_profile", "fqdn"
            )
