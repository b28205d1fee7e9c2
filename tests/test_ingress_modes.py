"""The ingress-mode table (``modes.py``): what each mode says, how modes are built, and every
mode walked through synthesis against the table.

``EXPECTED`` states each mode by hand, so the table itself is under test; the walk then
synthesizes a variant of ``config/default.yaml`` per mode (and per translator switch where
the mode has a translator) and checks the controller releases, their Services, the sample
app's Service and the app's alias records against what the table says.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Callable
from typing import Any, get_args

import pytest
import yaml
from synthhelp import CONFIG_DIR, REPO, Synthesized, set_key

from dualstack import ingress_controller, modes, naming
from dualstack.config import Config, Ingress
from dualstack.modes import MODES, IngressMode, ModeName
from dualstack.naming import ALL_FAMILIES, IP_VERSION

PACKAGE = REPO / "constructs" / "dualstack"

# (name, primary, Service families, settings) per release, primary first.
EXPECTED: dict[str, dict[str, Any]] = {
    "nat64": {
        "services": ("ipv4",),
        "translator": "ipv6",
        "releases": [("ingress-ipv4", True, ("ipv4",), "ipv4"), ("ingress-ipv6", False, ("ipv6",), "ipv6")],
    },
    "nat46": {
        "services": ("ipv6",),
        "translator": "ipv4",
        "releases": [("ingress-ipv6", True, ("ipv6",), "ipv6"), ("ingress-ipv4", False, ("ipv4",), "ipv4")],
    },
    "dualstack": {
        "services": ("ipv4", "ipv6"),
        "translator": None,
        "releases": [("ingress-dual", True, ("ipv4", "ipv6"), "ipv4")],
    },
}


def _rows(mode: IngressMode, translator_enabled: bool = True) -> list[tuple[Any, ...]]:
    return [(r.name, r.primary, r.families, r.settings) for r in mode.releases(translator_enabled)]


# --- the table ------------------------------------------------------------------------------


def test_the_table_lists_every_mode_the_config_accepts_once_in_order() -> None:
    assert tuple(MODES) == get_args(ModeName) == tuple(EXPECTED)
    assert get_args(Ingress.model_fields["mode"].annotation) == tuple(MODES)
    assert all(name == mode.name for name, mode in MODES.items())


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_mode_says_what_it_runs(name: ModeName) -> None:
    mode, expected = MODES[name], EXPECTED[name]
    assert mode.services == expected["services"]
    assert mode.translator == expected["translator"]
    assert mode.service_family == (expected["services"][0] if len(expected["services"]) == 1 else None)
    assert _rows(mode) == expected["releases"]
    assert mode.public_families() == ALL_FAMILIES
    assert [r.kind for r in mode.releases()] == [
        row[0].removeprefix("ingress-") for row in expected["releases"]
    ]
    # Exactly one release reports Ingress status, and it comes first.
    assert [r.primary for r in mode.releases()] == [True] + [False] * (len(expected["releases"]) - 1)
    # Every family has exactly one release holding its public address.
    for family in ALL_FAMILIES:
        assert family in mode.release_for(family).families


@pytest.mark.parametrize("name", [n for n, e in EXPECTED.items() if e["translator"] is not None])
def test_switching_the_translator_off_removes_its_release_and_its_family(name: ModeName) -> None:
    mode, expected = MODES[name], EXPECTED[name]
    assert _rows(mode, translator_enabled=False) == expected["releases"][:1]
    assert mode.public_families(translator_enabled=False) == expected["services"]
    assert mode.translation is not None and mode.translation in mode.summary
    assert mode.unused_settings == ()


def test_a_mode_without_translator_leaves_the_other_settings_unused() -> None:
    assert MODES["dualstack"].translation is None
    assert MODES["dualstack"].unused_settings == ("ipv6",)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_the_helpers_answer_for_a_config_section(name: ModeName) -> None:
    for enabled in (True, False) if EXPECTED[name]["translator"] else (True,):
        ingress = Ingress.model_validate({"mode": name, "translator_enabled": enabled})
        assert modes.of(ingress) is MODES[name]
        assert modes.releases(ingress) == MODES[name].releases(enabled)
        assert modes.public_families(ingress) == MODES[name].public_families(enabled)
        assert modes.service_family(ingress) == MODES[name].service_family
        assert modes.translator_family(ingress) == MODES[name].translator


def test_the_words_are_one_table_cell_and_the_config_docs_name_every_mode() -> None:
    doc = Ingress.model_fields["mode"].description or ""
    for name, mode in MODES.items():
        assert mode.summary.strip() and "\n" not in mode.summary and "|" not in mode.summary
        assert f"{name}:" in doc, f"the docstring of Ingress.mode does not describe {name}"


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the string constants that stand alone as statements (docstrings)."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    }


def test_no_module_but_the_table_writes_a_mode_name_in_code() -> None:
    """Every module asks the table: a mode's name in code elsewhere is a test of the mode."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "modes.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        found += [
            f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.value!r}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and node.value in MODES and id(node) not in docs
        ]
    assert not found, "ask dualstack.modes instead:\n" + "\n".join(found)


# --- construction ---------------------------------------------------------------------------


def _unchecked(value: str) -> Any:
    """A value the type checker would refuse: what the factories check at run time."""
    return value


def test_a_mode_is_built_only_by_its_factories() -> None:
    with pytest.raises(TypeError, match=r"IngressMode\.translating or IngressMode\.dual_stack"):
        IngressMode(
            name="nat64",
            services=("ipv4",),
            translator="ipv6",
            translation="NAT64",
            summary="x",
            all_releases=(),
        )
    with pytest.raises(dataclasses.FrozenInstanceError):
        MODES["nat64"].summary = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        MODES["nat99"] = MODES["nat64"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: IngressMode.translating(
                _unchecked("nat66"), services="ipv4", translation="N", summary="s"
            ),
            "ModeName",
        ),
        (
            lambda: IngressMode.translating(
                "nat64", services=_unchecked("ipv5"), translation="N", summary="s"
            ),
            "services",
        ),
        (
            lambda: IngressMode.translating("nat64", services="ipv4", translation=" ", summary="s"),
            "translation",
        ),
        (lambda: IngressMode.dual_stack("dualstack", summary=""), "summary"),
        (lambda: IngressMode.dual_stack("dualstack", summary="two\nlines"), "summary"),
        (lambda: IngressMode.dual_stack("dualstack", summary="a | b"), "summary"),
    ],
)
def test_the_factories_refuse_what_no_mode_can_be(build: Callable[[], IngressMode], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build()


def test_the_table_must_list_every_name_once() -> None:
    listed = tuple(MODES.values())
    assert modes._table(*listed) == MODES
    first, second, *rest = listed
    for broken in [listed[:-1], (*listed, listed[-1]), (second, first, *rest)]:
        with pytest.raises(ValueError, match="must list ModeName"):
            modes._table(*broken)


# --- every mode through synthesis -----------------------------------------------------------

DEFAULT = yaml.safe_load((CONFIG_DIR / "default.yaml").read_text())
WALK = [
    (name, enabled)
    for name, mode in MODES.items()
    for enabled in (True, False)[: 2 if mode.translator else 1]
]


def _walked(
    name: ModeName,
    enabled: bool,
    synthesized_configs: dict[str, Synthesized],
    synth_variant: Callable[..., Synthesized],
) -> tuple[Config, Synthesized]:
    """The default config in this mode and translator state, and its synthesis (the variant
    keys and mutations are those other tests use, so one run synthesizes each once)."""
    raw = {**DEFAULT, "ingress": {**DEFAULT["ingress"], "mode": name, "translator_enabled": enabled}}
    config = Config.model_validate(raw)
    default_mode = DEFAULT["ingress"]["mode"]
    if name == default_mode and enabled:
        return config, synthesized_configs["default"]
    if name == default_mode:
        return config, synth_variant(
            "default", set_key("ingress.translator_enabled", False), "default-no-translator"
        )
    if enabled:
        return config, synth_variant("default", set_key("ingress.mode", name), f"default-{name}")

    def mutate(raw: dict[str, Any]) -> None:
        raw["ingress"] = {**raw["ingress"], "mode": name, "translator_enabled": False}

    return config, synth_variant("default", mutate, f"default-{name}-no-translator")


def _policy(families: tuple[str, ...]) -> str:
    return "SingleStack" if len(families) == 1 else "RequireDualStack"


@pytest.mark.parametrize(
    ("name", "enabled"), WALK, ids=[f"{n}-translator-{'on' if e else 'off'}" for n, e in WALK]
)
def test_every_mode_synthesizes_what_the_table_says(
    name: ModeName,
    enabled: bool,
    synthesized_configs: dict[str, Synthesized],
    synth_variant: Callable[..., Synthesized],
) -> None:
    config, out = _walked(name, enabled, synthesized_configs, synth_variant)
    mode = MODES[name]
    assert config.ingress.mode == name and modes.of(config.ingress) is mode
    releases = mode.releases(enabled)
    for region in config.regions:
        workloads = out[naming.workloads_stack(region)]
        controllers = {
            body["name"]: (f"helm_release.{key}", body)
            for key, body in workloads.json["resource"]["helm_release"].items()
            if body["namespace"] == ingress_controller.NAMESPACE
        }
        assert set(controllers) == {r.name for r in releases}, region
        primary, _ = controllers[releases[0].name]
        for release in releases:
            address, body = controllers[release.name]
            # The primary installs first: every other release waits for it.
            assert release.primary == (address == primary)
            assert release.primary or primary in body["depends_on"]
            values = yaml.safe_load(body["values"][0])["controller"]
            assert values["reportIngressStatus"]["enable"] is release.primary
            service = values["service"]
            assert service["ipFamilies"] == [IP_VERSION[f] for f in release.families]
            assert service["ipFamilyPolicy"] == _policy(release.families)
            pips = {naming.ingress_public_ip(config.project, region, f) for f in release.families}
            assert (
                set(service["annotations"].values()) - {naming.ingress_resource_group(config.project, region)}
                == pips
            )
            settings = getattr(config.ingress, release.settings)
            assert values["autoscaling"]["maxReplicas"] == settings.max_replicas
        (app,) = workloads.resources("kubernetes_service_v1").values()
        assert app["spec"]["ip_families"] == [IP_VERSION[f] for f in mode.services]
        assert app["spec"]["ip_family_policy"] == _policy(mode.services)
    aliases = {
        family
        for family, rtype in (("ipv4", "azurerm_dns_a_record"), ("ipv6", "azurerm_dns_aaaa_record"))
        if any(path.endswith(f"traffic/{family}_alias") for path in out[naming.GLOBAL_STACK].resources(rtype))
    }
    assert tuple(sorted(aliases)) == mode.public_families(enabled)
