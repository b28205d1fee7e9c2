"""Day-2 changes that must not surprise: mode switches, the translator switch, draining a
region, the Traffic Manager probe. Each proven on the synthesized JSON (and, for the Service
replacement, by Terraform itself on its built-in ``terraform_data``)."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from synthhelp import (
    CONFIG_DIR,
    CONFIGS,
    REPO,
    Stack,
    Synthesized,
    assert_probe_reaches_the_app,
    set_key,
    terraform,
)

from dualstack import ingress_controller
from dualstack.config import Config
from dualstack.protection import DESTROY_CONSEQUENCES
from dualstack.retirement import unprotected_regions
from dualstack.review.diff import diff_outdirs

Variant = Callable[..., Synthesized]


def _service(stack: Stack) -> tuple[dict[str, Any], dict[str, Any]]:
    """The sample app's Service and the terraform_data that triggers its replacement."""
    (service,) = stack.resources("kubernetes_service_v1").values()
    (marker,) = stack.resources("terraform_data").values()
    return service, marker


def _protected(out: Synthesized) -> set[tuple[str, str]]:
    return {
        (name, f"{rtype}.{key}")
        for name, stack in out.stacks.items()
        for rtype, items in stack.json.get("resource", {}).items()
        if rtype in DESTROY_CONSEQUENCES
        for key in items
    }


# --- mode switches ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "primary", "replaced"), [("nat46", "IPv6", True), ("dualstack", "IPv4", False)]
)
def test_a_mode_switch_replaces_the_service_only_when_its_primary_family_changes(
    mode: str, primary: str, replaced: bool, default_synth: Synthesized, synth_variant: Variant
) -> None:
    switched = synth_variant("default", set_key("ingress.mode", mode), f"default-{mode}")
    for name in ("eastus2-workloads", "swedencentral-workloads"):
        service, marker = _service(default_synth[name])
        after_service, after_marker = _service(switched[name])
        marker_address = default_synth[name].address("terraform_data", "sample_app/service_primary_family")
        assert service["lifecycle"] == {"replace_triggered_by": [marker_address]}
        assert after_service["lifecycle"] == service["lifecycle"]
        assert marker["input"] == {"primary_ip_family": "IPv4"}
        assert after_marker["input"] == {"primary_ip_family": primary}
        assert (after_marker["input"] != marker["input"]) is replaced
        assert after_service["spec"]["ip_families"][0] == primary


def test_mode_switches_keep_every_protected_resource(
    default_synth: Synthesized, synth_variant: Variant
) -> None:
    for mode in ("nat46", "dualstack"):
        switched = synth_variant("default", set_key("ingress.mode", mode), f"default-{mode}")
        assert _protected(switched) == _protected(default_synth), mode
        assert diff_outdirs(default_synth.outdir, switched.outdir).loud == (), mode


@pytest.mark.skipif(shutil.which("terraform") is None, reason="the Terraform CLI is a prerequisite")
def test_terraform_replaces_the_service_when_its_primary_family_changes(
    default_synth: Synthesized, synth_variant: Variant, tmp_path: Path
) -> None:
    """Run Terraform on the Service's lifecycle as synthesized, with a built-in stand-in for
    the Service (the kubernetes provider is not available offline)."""
    nat46 = synth_variant("default", set_key("ingress.mode", "nat46"), "default-nat46")

    def write(out: Synthesized) -> None:
        stack = out["eastus2-workloads"]
        service, marker = _service(stack)
        (marker_name,) = stack.json["resource"]["terraform_data"]
        doc = {
            "resource": {
                "terraform_data": {
                    marker_name: {"input": marker["input"]},
                    "service": {"input": "echo", "lifecycle": service["lifecycle"]},
                }
            }
        }
        (tmp_path / "main.tf.json").write_text(json.dumps(doc))

    write(default_synth)
    terraform(tmp_path, "init")
    terraform(tmp_path, "apply", "-auto-approve")
    write(nat46)
    plan = terraform(tmp_path, "plan")
    assert "terraform_data.service will be replaced due to changes in replace_triggered_by" in plan


# --- translator off, drain ----------------------------------------------------------------------


@pytest.mark.parametrize("base", ["default", "nat46"])
def test_switching_the_translator_off_destroys_no_protected_resource(
    base: str, synthesized_configs: dict[str, Synthesized], synth_variant: Variant
) -> None:
    off = synth_variant(base, set_key("ingress.translator_enabled", False), f"{base}-no-translator")
    assert _protected(off) == _protected(synthesized_configs[base])
    assert diff_outdirs(synthesized_configs[base].outdir, off.outdir).loud == ()


def test_draining_a_region_removes_its_names_and_nothing_else(
    default_synth: Synthesized, synth_variant: Variant
) -> None:
    drained = synth_variant(
        "default", set_key("regions.swedencentral.drain", True), "default-drain-swedencentral"
    )
    assert _protected(drained) == _protected(default_synth)
    assert diff_outdirs(default_synth.outdir, drained.outdir).loud == ()
    before, after = default_synth["swedencentral"], drained["swedencentral"]
    gone = {
        "azurerm_traffic_manager_external_endpoint",
        "azurerm_dns_a_record",
        "azurerm_dns_aaaa_record",
        "azurerm_private_dns_a_record",
        "azurerm_private_dns_aaaa_record",
    }
    for rtype in gone:
        assert before.resources(rtype) and not after.resources(rtype), rtype
    for rtype, items in before.json["resource"].items():
        if rtype not in gone:
            assert after.json["resource"][rtype] == items, rtype
    for name in ("global", "eastus2", "eastus2-workloads", "swedencentral-workloads"):
        assert drained[name].text == default_synth[name].text, name


def test_draining_every_region_is_refused() -> None:
    raw = yaml.safe_load((CONFIG_DIR / "default.yaml").read_text())
    for region in raw["regions"].values():
        region["drain"] = True
    with pytest.raises(ValueError, match="at least one must serve"):
        Config.model_validate(raw)


# --- the Traffic Manager probe ---------------------------------------------------------------


def test_the_probe_checks_the_application_through_the_ingress_by_default(
    synthesized_configs: dict[str, Synthesized],
) -> None:
    """Every Traffic Manager config probes the application's health path on the app's own name,
    over HTTPS where the app has a certificate, per family (each profile probes that family's
    ingress addresses): the sample app's Ingress routes it to the app."""
    for stem, out in synthesized_configs.items():
        config = CONFIGS[stem]
        if config.front_door is not None:
            continue
        https = config.tls.enabled
        for profile in out["global"].resources("azurerm_traffic_manager_profile").values():
            monitor = profile["monitor_config"]
            assert (monitor["protocol"], monitor["port"], monitor["path"]) == (
                ("HTTPS", 443, "/healthz") if https else ("HTTP", 80, "/healthz")
            ), stem
            assert monitor["custom_header"] == [{"name": "Host", "value": config.dns.app_host}], stem
            assert monitor["expected_status_code_ranges"] == ["200-200"]
            assert monitor["path"] != ingress_controller.HEALTH_PATH, "not the controller's own location"
        for region in config.regions:
            if config.ingress.sample_app_enabled:
                assert_probe_reaches_the_app(
                    out[f"{region}-workloads"], config.dns.app_host, "/healthz", tls=https
                )


def test_the_probe_follows_the_config(synth_variant: Variant) -> None:
    probe = {
        "protocol": "HTTPS",
        "port": 443,
        "path": "/ready",
        "host": "x.example.org",
        "expected_status": "200-299",
    }
    custom = synth_variant("default", set_key("dns.health_probe", probe), "default-app-probe")
    for profile in custom["global"].resources("azurerm_traffic_manager_profile").values():
        monitor = profile["monitor_config"]
        assert (monitor["protocol"], monitor["port"], monitor["path"]) == ("HTTPS", 443, "/ready")
        assert monitor["custom_header"] == [{"name": "Host", "value": "x.example.org"}]
        assert monitor["expected_status_code_ranges"] == ["200-299"]
    for workloads in custom.workloads():
        (deployment,) = workloads.resources("kubernetes_deployment_v1").values()
        (container,) = deployment["spec"]["template"]["spec"]["container"]
        assert container["readiness_probe"]["http_get"]["path"] == "/ready"


def test_an_http_probe_is_refused_when_the_app_redirects_to_https() -> None:
    raw = yaml.safe_load((CONFIG_DIR / "default.yaml").read_text())
    raw["dns"]["health_probe"] = {"protocol": "HTTP"}
    with pytest.raises(ValueError, match="use HTTPS or leave it unset"):
        Config.model_validate(copy.deepcopy(raw))
    raw["tls"] = {"issuer": "none"}
    config = Config.model_validate(raw)
    assert (config.probe.protocol, config.probe.port) == ("HTTP", 80)
    raw["dns"]["health_probe"] = {}
    assert (Config.model_validate(raw).probe.protocol, Config.model_validate(raw).probe.port) == ("HTTP", 80)


@pytest.mark.parametrize(
    ("probe", "tls", "sample_app", "field", "phrase"),
    [
        ({"protocol": "HTTPS"}, "none", True, "protocol", "the app has no certificate"),
        ({"port": 80}, "letsencrypt-staging", True, "port", "serves HTTPS on 443 only"),
        ({"protocol": "HTTP", "port": 443}, "none", True, "port", "serves HTTP on 80 only"),
        ({}, "letsencrypt-staging", False, "path", "is required with ingress.sample_app_enabled: false"),
        ({"path": "/h%41"}, "letsencrypt-staging", True, "path", "should match pattern"),
    ],
)
def test_a_probe_that_could_never_pass_is_refused(
    probe: dict[str, Any], tls: str, sample_app: bool, field: str, phrase: str
) -> None:
    """Each would leave every endpoint degraded: Front Door drains every origin, Traffic Manager
    answers with every endpoint (failover silently gone)."""
    raw = yaml.safe_load((CONFIG_DIR / "default.yaml").read_text())
    raw["dns"]["health_probe"] = probe
    raw["tls"] = {"issuer": tls}
    raw["ingress"]["sample_app_enabled"] = sample_app
    with pytest.raises(ValueError, match=f"dns.health_probe.{field}") as caught:
        Config.model_validate(raw)
    assert phrase in str(caught.value)
    # Set as it should be, the same config passes.
    raw["dns"]["health_probe"] = {"path": "/ready"} if not sample_app else {}
    Config.model_validate(raw)


# --- retiring a region: make destroy with the region's protection lifted -------------------------


def _drained_config(region: str = "swedencentral") -> Config:
    raw = yaml.safe_load((CONFIG_DIR / "default.yaml").read_text())
    raw["regions"][region]["drain"] = True
    return Config.model_validate(raw)


def test_only_both_stacks_of_a_drained_region_are_unprotected() -> None:
    drained = _drained_config()
    assert unprotected_regions(drained.regions, "swedencentral-workloads swedencentral") == (
        frozenset({"swedencentral"}),
        [],
    )
    cases = {
        "eastus2 eastus2-workloads": "which is not drained",
        "global": "prevent_destroy: false",
        "*": "prevent_destroy: false",
        "westus3": "is not a stack of this config",
        "swedencentral": "missing: swedencentral-workloads",
    }
    for request, phrase in cases.items():
        _, problems = unprotected_regions(drained.regions, request)
        assert any(phrase in p for p in problems), (request, problems)
    assert unprotected_regions(drained.regions, "") == (frozenset(), [])


def test_an_unprotected_region_loses_prevent_destroy_and_nothing_else(
    default_synth: Synthesized, synth_variant: Variant, tmp_path: Path
) -> None:
    from synthhelp import read_outdir

    from dualstack.synth import synthesize

    drained = synth_variant(
        "default", set_key("regions.swedencentral.drain", True), "default-drain-swedencentral"
    )
    synthesize(_drained_config(), tmp_path / "out", unprotected=frozenset({"swedencentral"}))
    lifted = read_outdir(tmp_path / "out")
    protected = 0
    for name, stack in drained.stacks.items():
        before, after = stack.json, lifted[name].json
        if name not in ("swedencentral", "swedencentral-workloads"):
            assert lifted[name].text == stack.text, name
            continue
        for rtype, items in before.get("resource", {}).items():
            for key, body in items.items():
                other = after["resource"][rtype][key]
                if "lifecycle" in body and body["lifecycle"].get("prevent_destroy"):
                    protected += 1
                    assert "prevent_destroy" not in other.get("lifecycle", {}), f"{rtype}.{key}"
                    body = {k: v for k, v in body.items() if k != "lifecycle"}
                    other = {k: v for k, v in other.items() if k != "lifecycle"}
                assert other == body, f"{rtype}.{key}"
    assert protected >= 4  # two public IPs, two privatelink zones


def test_make_destroy_of_an_undrained_region_fails_before_synthesis(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "main.py"],
        cwd=REPO,
        env={
            **os.environ,
            "DUALSTACK_DESTROY_STACKS": "eastus2 eastus2-workloads",
            "CDKTF_OUTDIR": str(tmp_path / "o"),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert "belongs to region eastus2, which is not drained" in run.stderr
    assert "Traceback" not in run.stderr and not (tmp_path / "o").exists()
