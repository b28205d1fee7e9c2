"""Unit tests of the config model, its loader and error lines, and the ingress mode helpers.

Every case starts from ``config/default.yaml`` (read with ``yaml.safe_load``), changes a few
keys, writes the result to a temporary file and runs :func:`dualstack.config.loader.load_config`.
Bad cases assert the field path, the key phrase of the message and, where the message is
about one value, the ``(got <value>)`` suffix; cross-field rules have no ``(got ...)``.
"""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError
from synthhelp import CONFIGS

from dualstack import modes
from dualstack.config import DERIVED_REGION_KEYS, MAX_SURGE_PERCENT, Config, Ingress, surge_nodes
from dualstack.config.ingress import PINNED_CONTROLLER_CHART
from dualstack.config.loader import DEFAULT_CONFIG, MAX_CONFIG_BYTES, ConfigError, load_config

DEFAULT: dict[str, Any] = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))

DELETE = object()
"""A change value that removes the key."""

Changes = dict[str, Any]
"""Dotted key path (``regions.eastus2.zones``) to the new value, or DELETE."""

Mutation = Callable[[dict[str, Any]], None] | Changes | None

E = "regions.eastus2"  # the first region of the default config
S = "regions.swedencentral"  # the second

VALID_AZURERM = {
    "type": "azurerm",
    "resource_group_name": "rg-tfstate",
    "storage_account_name": "contosotfstate",
    "container_name": "tfstate",
}


# --- helpers -----------------------------------------------------------------------


def mutated(mutation: Mutation = None) -> dict[str, Any]:
    """A deep copy of the default config with ``mutation`` applied."""
    data = copy.deepcopy(DEFAULT)
    if callable(mutation):
        mutation(data)
    elif mutation:
        for dotted, value in mutation.items():
            *parents, leaf = dotted.split(".")
            node = data
            for key in parents:
                node = node.setdefault(key, {})
            if value is DELETE:
                del node[leaf]
            else:
                node[leaf] = value
    return data


def write(tmp_path: Path, mutation: Mutation = None, *, text: str | None = None) -> Path:
    path = tmp_path / "config.yaml"
    if text is None:
        text = yaml.safe_dump(mutated(mutation), sort_keys=False, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, mutation: Mutation = None) -> Config:
    """Load the mutated default config, which must be valid."""
    return load_config(write(tmp_path, mutation))


def problems(tmp_path: Path, mutation: Mutation = None, *, text: str | None = None) -> list[str]:
    """The ConfigError lines for the mutated default config (or ``text``), file prefix removed.

    Also checks what holds for every line: it names the file, is one line, and is not a
    traceback.
    """
    path = write(tmp_path, mutation, text=text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    lines = info.value.lines
    assert lines, "a ConfigError must list at least one problem"
    assert str(info.value) == "\n".join(lines)
    prefix = f"{path}: "
    for line in lines:
        assert line.startswith(prefix), line
        assert "\n" not in line
        assert "Traceback" not in line
    return [line[len(prefix) :] for line in lines]


def one_problem(tmp_path: Path, mutation: Mutation = None, *, text: str | None = None) -> str:
    lines = problems(tmp_path, mutation, text=text)
    assert len(lines) == 1, lines
    return lines[0]


def assert_line(line: str, field: str, phrase: str, got: Any = DELETE) -> None:
    """``line`` is about ``field``, says ``phrase`` and, unless omitted, shows ``got``."""
    assert line.startswith(f"{field}: "), line
    assert phrase in line, line
    if got is not DELETE:
        shown = repr(got)
        if len(shown) > 80:  # the loader cuts long values to 77 characters and "..."
            shown = shown[:77] + "..."
        assert line.endswith(f"(got {shown})"), line


def assert_cross_field(line: str, field: str, phrase: str) -> None:
    assert line.startswith(f"{field}: "), line
    assert phrase in line, line
    assert "(got " not in line, line


# --- the file itself ---------------------------------------------------------------


def test_default_config_loads() -> None:
    config = load_config(DEFAULT_CONFIG)
    assert config.project == "contoso"
    assert list(config.regions) == ["eastus2", "swedencentral"]
    assert config.ingress.mode == "nat64"
    assert config.dns.zone_name == "dualstack.contoso.com"


def test_round_tripped_default_loads(tmp_path: Path) -> None:
    assert load(tmp_path) == load_config(DEFAULT_CONFIG)


@pytest.mark.parametrize(
    ("text", "where", "problem"),
    [
        ("project: contoso\n  bad: x\n", "line 2, column 6", "mapping values are not allowed here"),
        (
            "project: contoso\nregions:\n  eastus2: x: y\n",
            "line 3, column 13",
            "mapping values are not allowed here",
        ),
        ("project: contoso\nregions: [a\n", "line 3, column 1", "expected ',' or ']'"),
    ],
)
def test_yaml_syntax_error_names_line_and_column(tmp_path: Path, text: str, where: str, problem: str) -> None:
    line = one_problem(tmp_path, text=text)
    assert line.startswith(f"{where}: YAML syntax error: "), line
    assert problem in line


@pytest.mark.parametrize(
    ("text", "where", "key", "first"),
    [
        ("project: a\nregions: {}\nproject: b\n", "line 3, column 1", "project", 1),
        ("project: a\nregions:\n  eastus2: {}\n  eastus2: {}\n", "line 4, column 3", "eastus2", 3),
    ],
)
def test_duplicate_key(tmp_path: Path, text: str, where: str, key: str, first: int) -> None:
    line = one_problem(tmp_path, text=text)
    assert line == (
        f"{where}: YAML syntax error: duplicate key {key!r} (first at line {first}); each key may appear once"
    )


def test_same_key_in_different_mappings_is_no_duplicate(tmp_path: Path) -> None:
    # ipv4/ipv6 appear in every region's address_space: not duplicates.
    config = load(tmp_path)
    assert config.regions["swedencentral"].address_space.ipv4 == "10.20.0.0/16"


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    assert one_problem(tmp_path, text=text) == (
        "is empty; a config is a YAML mapping with project, regions, ingress, dns"
    )


@pytest.mark.parametrize(("text", "count"), [("a: 1\n---\nb: 2\n", 2), ("a: 1\n---\nb: 2\n---\nc: 3\n", 3)])
def test_multiple_documents(tmp_path: Path, text: str, count: int) -> None:
    assert one_problem(tmp_path, text=text) == (f"holds {count} YAML documents; a config is exactly one")


def test_single_document_with_explicit_marker_loads(tmp_path: Path) -> None:
    text = "---\n" + DEFAULT_CONFIG.read_text(encoding="utf-8")
    assert load_config(write(tmp_path, text=text)).project == "contoso"


@pytest.mark.parametrize(
    ("text", "kind"),
    [("- project\n- regions\n", "YAML sequence"), ("hello\n", "YAML string"), ("42\n", "YAML number")],
)
def test_top_level_not_a_mapping(tmp_path: Path, text: str, kind: str) -> None:
    line = one_problem(tmp_path, text=text)
    assert line.startswith(f"top level is a {kind}; "), line
    assert "a config is a YAML mapping (key: value)" in line


def test_nonexistent_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.yaml"
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.lines == [
        f"{path}: no such file (set DUALSTACK_CONFIG to a YAML config file, or unset it for the default)"
    ]


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert info.value.lines == [f"{tmp_path}: is a directory; DUALSTACK_CONFIG must name a YAML file"]


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_bytes(b"project: \xff\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.lines == [f"{path}: is not UTF-8 text (invalid start byte at byte 9)"]


def test_too_large(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("#" * (MAX_CONFIG_BYTES + 1))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.lines == [f"{path}: file is larger than {MAX_CONFIG_BYTES} bytes"]


# --- unknown keys and types ----------------------------------------------------------


def _rename(parent: str, old: str, new: str) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        node = data
        for key in parent.split(".") if parent else []:
            node = node[key]
        node[new] = node.pop(old)

    return mutate


def test_unknown_key_suggests_the_close_match(tmp_path: Path) -> None:
    lines = problems(tmp_path, _rename(E, "address_space", "adress_space"))
    unknown = [line for line in lines if line.startswith(f"{E}.adress_space: ")]
    assert len(unknown) == 1, lines
    assert_line(
        unknown[0],
        f"{E}.adress_space",
        "unknown key; allowed here: address_space, cluster_subnet, dns_service_ip, drain, endpoint_subnet, "
        "origin, pod_cidrs, service_cidrs, zones; did you mean 'address_space'?",
        {"ipv4": "10.10.0.0/16", "ipv6": "fd8e:4a1f:2c00:100::/56"},
    )


def test_misspelt_required_key_is_one_line(tmp_path: Path) -> None:
    assert len(problems(tmp_path, _rename(E, "address_space", "adress_space"))) == 1


@pytest.mark.parametrize(
    ("changes", "field", "allowed", "hint", "got"),
    [
        (
            {"projct": "x"},
            "projct",
            "acknowledge_destroy, backend, cluster, dns, edge, global, ingress, network, prevent_destroy, "
            "project, regions, tags, tls",
            "project",
            "x",
        ),
        (
            {"global.registy_name": "abcdefg"},
            "global.registy_name",
            "key_vault_name, location, log_retention_days, registry_name",
            "registry_name",
            "abcdefg",
        ),
        (
            {"ingress.ipv4": {"min_replica": 3}},
            "ingress.ipv4.min_replica",
            "cpu_request, max_replicas, memory_limit, memory_request, min_replicas",
            "min_replicas",
            3,
        ),
        (
            {"backend": {**VALID_AZURERM, "key_prefx": "x"}},
            "backend.key_prefx",
            "container_name, key_prefix, resource_group_name, storage_account_name, type",
            "key_prefix",
            "x",
        ),
        (
            {"backend": {**VALID_AZURERM, "bogus": 1}},
            "backend.bogus",
            "container_name, key_prefix, resource_group_name, storage_account_name, type",
            None,
            1,
        ),
        ({"backend": {"type": "local", "path": "x"}}, "backend.path", "type", None, "x"),
    ],
)
def test_unknown_key(
    tmp_path: Path, changes: Changes, field: str, allowed: str, hint: str | None, got: Any
) -> None:
    line = one_problem(tmp_path, changes)
    assert_line(line, field, f"unknown key; allowed here: {allowed}", got)
    if hint:
        assert f"; did you mean {hint!r}?" in line
    else:
        assert "did you mean" not in line


@pytest.mark.parametrize(
    ("changes", "field", "phrase", "got"),
    [
        ({f"{E}.zones": "1,2"}, f"{E}.zones", "Input should be a valid tuple", "1,2"),
        ({"project": 42}, "project", "Input should be a valid string", 42),
        ({"regions": ["eastus2"]}, "regions", "Input should be a valid dictionary", ["eastus2"]),
        ({f"{E}.address_space": None}, f"{E}.address_space", "valid dictionary", None),
        ({"ingress.translator_enabled": "no"}, "ingress.translator_enabled", "valid boolean", "no"),
        (
            {"cluster.user_pool": {"vm_size": "Standard_D4ds_v5", "min_count": "3", "max_count": 5}},
            "cluster.user_pool.min_count",
            "valid integer",
            "3",
        ),
    ],
)
def test_wrong_type(tmp_path: Path, changes: Changes, field: str, phrase: str, got: Any) -> None:
    assert_line(one_problem(tmp_path, changes), field, phrase, got)


@pytest.mark.parametrize("missing", ["project", "regions", "ingress", "dns"])
def test_required_top_level_key(tmp_path: Path, missing: str) -> None:
    lines = problems(tmp_path, {missing: DELETE})
    assert len(lines) == 1, lines  # derived global.* values that depend on it are not listed
    assert lines[0] == f"{missing}: is required"


def test_missing_key_shows_only_what_the_file_says(tmp_path: Path) -> None:
    line = one_problem(tmp_path, {E: {"zones": [1, 2]}})
    assert line == f"{E}.address_space: is required"


# --- CIDR fields: family, host bits, sizes -------------------------------------------

GOOD_SUBNET = {"ipv4": "10.10.16.0/20", "ipv6": "fd8e:4a1f:2c00:1ff::/64"}
SMALL_POOLS = {
    "system_pool": {"vm_size": "Standard_D4ds_v5", "min_count": 3, "max_count": 3},
    "user_pool": {"vm_size": "Standard_D4ds_v5", "min_count": 3, "max_count": 5},
}
"""Pools that need 11 node addresses (3 + 1 surge, 5 + 2 surge): exactly what a /28 holds."""


@pytest.mark.parametrize(
    ("changes", "field", "got", "wanted"),
    [
        ({f"{E}.address_space.ipv4": "fd00::/56"}, f"{E}.address_space.ipv4", "fd00::/56", "IPv4"),
        ({f"{E}.address_space.ipv6": "10.1.0.0/16"}, f"{E}.address_space.ipv6", "10.1.0.0/16", "IPv6"),
        (
            {f"{E}.cluster_subnet": {**GOOD_SUBNET, "ipv4": "fd8e:4a1f:2c00:100::/64"}},
            f"{E}.cluster_subnet.ipv4",
            "fd8e:4a1f:2c00:100::/64",
            "IPv4",
        ),
        (
            {f"{E}.cluster_subnet": {**GOOD_SUBNET, "ipv6": "10.10.0.0/20"}},
            f"{E}.cluster_subnet.ipv6",
            "10.10.0.0/20",
            "IPv6",
        ),
        ({f"{E}.pod_cidrs": ["fd12::/64", "fd12:3456:789a::/64"]}, f"{E}.pod_cidrs[0]", "fd12::/64", "IPv4"),
        (
            {f"{E}.pod_cidrs": ["10.244.0.0/16", "10.245.0.0/16"]},
            f"{E}.pod_cidrs[1]",
            "10.245.0.0/16",
            "IPv6",
        ),
        (
            {f"{E}.service_cidrs": ["fd12:3456:789a:1::/108", "fd12:3456:789a:1::/108"]},
            f"{E}.service_cidrs[0]",
            "fd12:3456:789a:1::/108",
            "IPv4",
        ),
        (
            {f"{E}.service_cidrs": ["10.0.0.0/16", "10.1.0.0/16"]},
            f"{E}.service_cidrs[1]",
            "10.1.0.0/16",
            "IPv6",
        ),
    ],
)
def test_wrong_ip_family(tmp_path: Path, changes: Changes, field: str, got: str, wanted: str) -> None:
    other = "IPv6" if wanted == "IPv4" else "IPv4"
    line = one_problem(tmp_path, changes)
    assert_line(line, field, f"is an {other} network; an {wanted} network is required here", got)


def test_right_families_and_explicit_ranges_load(tmp_path: Path) -> None:
    region = load(
        tmp_path,
        {
            f"{E}.cluster_subnet": GOOD_SUBNET,
            f"{E}.pod_cidrs": ["10.244.0.0/16", "fd12:3456:789a::/64"],
            f"{E}.service_cidrs": ["10.0.0.0/16", "fd12:3456:789a:1::/108"],
        },
    ).regions["eastus2"]
    assert region.cluster_subnet.ipv4 == "10.10.16.0/20"
    assert region.cluster_subnet.ipv6 == "fd8e:4a1f:2c00:1ff::/64"
    assert region.pod_cidrs == ("10.244.0.0/16", "fd12:3456:789a::/64")


@pytest.mark.parametrize(
    ("field", "value", "network"),
    [
        ("address_space.ipv4", "10.10.1.0/16", "10.10.0.0/16"),
        ("address_space.ipv6", "fd8e:4a1f:2c00:101::/56", "fd8e:4a1f:2c00:100::/56"),
        ("service_cidrs", ["10.100.0.5/16", "fd12:3456:789a:1::/108"], "10.100.0.0/16"),
    ],
)
def test_host_bits_set(tmp_path: Path, field: str, value: Any, network: str) -> None:
    line = one_problem(tmp_path, {f"{E}.{field}": value})
    shown = value if isinstance(value, str) else value[0]
    path = f"{E}.{field}" if isinstance(value, str) else f"{E}.{field}[0]"
    assert_line(line, path, f"has host bits set; use the network address {network}", shown)


def test_ipv6_is_stored_in_canonical_form(tmp_path: Path) -> None:
    config = load(tmp_path, {f"{E}.address_space.ipv6": "FD8E:4A1F:2C00:0100:0000::/56"})
    assert config.regions["eastus2"].address_space.ipv6 == "fd8e:4a1f:2c00:100::/56"


@pytest.mark.parametrize("prefix", [60, 72])
def test_ipv6_subnet_must_be_64(tmp_path: Path, prefix: int) -> None:
    value = f"fd8e:4a1f:2c00:100::/{prefix}"
    line = one_problem(tmp_path, {f"{E}.cluster_subnet": {**GOOD_SUBNET, "ipv6": value}})
    assert_line(line, f"{E}.cluster_subnet.ipv6", "must be exactly /64", value)


@pytest.mark.parametrize(
    ("field", "value", "phrase"),
    [
        ("address_space.ipv4", "10.0.0.0/7", "must be between /8 and /24"),
        ("address_space.ipv4", "10.10.0.0/25", "must be between /8 and /24"),
        ("address_space.ipv6", "fd8e:4a1f::/47", "must be between /48 and /64"),
        ("address_space.ipv6", "fd8e:4a1f:2c00:100::/72", "must be between /48 and /64"),
        pytest.param(
            "address_space.ipv6",
            "fd8e:4a1f:2c00:100:ff00::/72",
            "must be between /48 and /64",
        ),
    ],
)
def test_address_space_size(tmp_path: Path, field: str, value: str, phrase: str) -> None:
    assert_line(one_problem(tmp_path, {f"{E}.{field}": value}), f"{E}.{field}", phrase, value)


def test_ipv6_address_space_longer_than_64_with_explicit_subnet(tmp_path: Path) -> None:
    # With cluster_subnet given, nothing is derived and the size rule speaks.
    value = "fd8e:4a1f:2c00:100::/72"
    lines = problems(tmp_path, {f"{E}.address_space.ipv6": value, f"{E}.cluster_subnet": GOOD_SUBNET})
    assert_line(lines[0], f"{E}.address_space.ipv6", "must be between /48 and /64", value)


def test_subnet_outside_its_vnet_both_families(tmp_path: Path) -> None:
    lines = problems(
        tmp_path, {f"{E}.cluster_subnet": {"ipv4": "10.99.0.0/20", "ipv6": "fd8e:4a1f:2c00:900::/64"}}
    )
    assert len(lines) == 2, lines
    assert_cross_field(
        lines[0], f"{E}.cluster_subnet.ipv4", "10.99.0.0/20 lies outside address_space.ipv4 10.10.0.0/16"
    )
    assert_cross_field(
        lines[1],
        f"{E}.cluster_subnet.ipv6",
        "fd8e:4a1f:2c00:900::/64 lies outside address_space.ipv6 fd8e:4a1f:2c00:100::/56",
    )


def test_subnet_at_the_end_of_its_vnet_loads(tmp_path: Path) -> None:
    subnet = {"ipv4": "10.10.255.240/28", "ipv6": "fd8e:4a1f:2c00:1ff::/64"}
    # A /28 holds 11 nodes: system 3 + 1 surge, user 5 + 2 surge.
    config = load(tmp_path, {f"{E}.cluster_subnet": subnet, "cluster": SMALL_POOLS})
    assert config.regions["eastus2"].cluster_subnet.ipv4 == "10.10.255.240/28"


# --- overlaps ------------------------------------------------------------------------


def test_vnets_of_two_regions_overlap_both_families(tmp_path: Path) -> None:
    # swedencentral's VNet lies inside eastus2's, in both families.
    lines = problems(
        tmp_path,
        {f"{S}.address_space": {"ipv4": "10.10.128.0/17", "ipv6": "fd8e:4a1f:2c00:180::/57"}},
    )
    assert len(lines) == 2, lines
    assert_cross_field(
        lines[0],
        f"{S}.address_space.ipv4",
        "10.10.128.0/17 overlaps regions.eastus2.address_space.ipv4 10.10.0.0/16; "
        "VNets of different regions must not overlap",
    )
    assert_cross_field(
        lines[1],
        f"{S}.address_space.ipv6",
        "fd8e:4a1f:2c00:180::/57 overlaps regions.eastus2.address_space.ipv6 fd8e:4a1f:2c00:100::/56",
    )


def test_vnets_of_two_regions_overlap_in_one_family(tmp_path: Path) -> None:
    line = one_problem(tmp_path, {f"{S}.address_space.ipv6": "fd8e:4a1f:2c00:100::/56"})
    assert_cross_field(line, f"{S}.address_space.ipv6", "overlaps regions.eastus2.address_space.ipv6")


def test_adjacent_vnets_load(tmp_path: Path) -> None:
    config = load(
        tmp_path, {f"{S}.address_space": {"ipv4": "10.11.0.0/16", "ipv6": "fd8e:4a1f:2c00:200::/56"}}
    )
    assert config.regions["swedencentral"].address_space.ipv4 == "10.11.0.0/16"


def test_third_region_overlapping_the_first(tmp_path: Path) -> None:
    third = {"address_space": {"ipv4": "10.10.0.0/16", "ipv6": "fd8e:4a1f:2c00:300::/56"}}
    line = one_problem(tmp_path, {"regions.westeurope": third})
    assert_cross_field(
        line, "regions.westeurope.address_space.ipv4", "overlaps regions.eastus2.address_space.ipv4"
    )


def test_pod_ranges_overlapping_the_vnet(tmp_path: Path) -> None:
    lines = problems(tmp_path, {f"{E}.pod_cidrs": ["10.10.128.0/17", "fd8e:4a1f:2c00:1ff::/64"]})
    assert len(lines) == 2, lines
    assert_cross_field(
        lines[0], f"{E}.pod_cidrs[0]", "10.10.128.0/17 overlaps the VNet's address_space.ipv4 10.10.0.0/16"
    )
    assert_cross_field(
        lines[1],
        f"{E}.pod_cidrs[1]",
        "fd8e:4a1f:2c00:1ff::/64 overlaps the VNet's address_space.ipv6 fd8e:4a1f:2c00:100::/56",
    )


def test_service_range_overlapping_the_vnet(tmp_path: Path) -> None:
    line = one_problem(tmp_path, {f"{E}.service_cidrs": ["10.10.0.0/20", "fd12:3456:789a:1::/108"]})
    assert_cross_field(
        line, f"{E}.service_cidrs[0]", "10.10.0.0/20 overlaps the VNet's address_space.ipv4 10.10.0.0/16"
    )


def test_overlay_ranges_next_to_the_vnet_load(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        {
            f"{E}.pod_cidrs": ["10.11.0.0/16", "fd8e:4a1f:2c00:300::/64"],
            f"{E}.service_cidrs": ["10.9.0.0/16", "fd8e:4a1f:2c00:400::/108"],
        },
    )
    assert config.regions["eastus2"].dns_service_ip == "10.9.0.10"


def test_pod_range_overlapping_service_range(tmp_path: Path) -> None:
    lines = problems(tmp_path, {f"{E}.pod_cidrs": ["10.0.0.0/16", "fd12:3456:789a:1::/64"]})
    assert len(lines) == 2, lines
    assert_cross_field(lines[0], f"{E}.pod_cidrs[0]", "10.0.0.0/16 overlaps service_cidrs[0] 10.0.0.0/16")
    assert_cross_field(
        lines[1],
        f"{E}.pod_cidrs[1]",
        "fd12:3456:789a:1::/64 overlaps service_cidrs[1] fd12:3456:789a:1::/108",
    )


@pytest.mark.parametrize(
    ("pods", "field", "phrase"),
    [
        (
            ["10.20.0.0/16", "fd12:3456:789a::/64"],
            "pod_cidrs[0]",
            "10.20.0.0/16 overlaps regions.swedencentral.address_space.ipv4 10.20.0.0/16",
        ),
        (
            ["10.244.0.0/16", "fd8e:4a1f:2c00:200::/64"],
            "pod_cidrs[1]",
            "fd8e:4a1f:2c00:200::/64 overlaps regions.swedencentral.address_space.ipv6 "
            "fd8e:4a1f:2c00:200::/56",
        ),
    ],
)
def test_pod_range_overlapping_another_regions_vnet(
    tmp_path: Path, pods: list[str], field: str, phrase: str
) -> None:
    line = one_problem(tmp_path, {f"{E}.pod_cidrs": pods})
    assert_cross_field(line, f"{E}.{field}", phrase)


def test_same_overlay_ranges_in_every_region_load(tmp_path: Path) -> None:
    config = load(tmp_path)
    assert config.regions["eastus2"].pod_cidrs == config.regions["swedencentral"].pod_cidrs


# --- service range sizes and the DNS service IP ---------------------------------------


@pytest.mark.parametrize("prefix", [100, 107])
def test_ipv6_service_range_larger_than_108(tmp_path: Path, prefix: int) -> None:
    services = ["10.0.0.0/16", f"fd12:3456:789a:1::/{prefix}"]
    line = one_problem(tmp_path, {f"{E}.service_cidrs": services})
    assert_line(line, f"{E}.service_cidrs", f"IPv6 range {services[1]} must be /108 or smaller", services)


@pytest.mark.parametrize("prefix", [12, 11])
def test_ipv4_service_range_12_or_larger(tmp_path: Path, prefix: int) -> None:
    services = [f"10.0.0.0/{prefix}", "fd12:3456:789a:1::/108"]
    line = one_problem(tmp_path, {f"{E}.service_cidrs": services})
    assert_line(
        line, f"{E}.service_cidrs", f"IPv4 range 10.0.0.0/{prefix} must be smaller than /12", services
    )


@pytest.mark.parametrize(
    ("v4", "v6"), [("10.0.0.0/13", "fd12:3456:789a:1::/108"), ("10.0.0.0/24", "fd12:3456:789a:1::/120")]
)
def test_service_range_sizes_at_the_limit_load(tmp_path: Path, v4: str, v6: str) -> None:
    region = load(tmp_path, {f"{E}.service_cidrs": [v4, v6]}).regions["eastus2"]
    assert region.service_cidrs == (v4, v6)


@pytest.mark.parametrize(
    ("ip", "why"),
    [
        ("10.1.0.10", "outside"),
        ("10.0.0.0", "first"),
        ("10.0.0.1", "second"),
        ("10.0.255.255", "last"),
        ("fd12:3456:789a:1::a", "IPv6"),
    ],
)
def test_dns_service_ip_outside_the_service_range(tmp_path: Path, ip: str, why: str) -> None:
    line = one_problem(tmp_path, {f"{E}.dns_service_ip": ip})
    assert_cross_field(
        line,
        f"{E}.dns_service_ip",
        f"{ip} must be a usable address inside service_cidrs[0] 10.0.0.0/16 "
        "(not its first, second or last address)",
    )


def test_dns_service_ip_not_an_address(tmp_path: Path) -> None:
    line = one_problem(tmp_path, {f"{E}.dns_service_ip": "abc"})
    assert_cross_field(line, f"{E}.dns_service_ip", "'abc' is not an IP address")


@pytest.mark.parametrize("ip", ["10.0.0.2", "10.0.255.254", "10.0.100.53"])
def test_dns_service_ip_inside_the_service_range_loads(tmp_path: Path, ip: str) -> None:
    assert load(tmp_path, {f"{E}.dns_service_ip": ip}).regions["eastus2"].dns_service_ip == ip


# --- zones and regions ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("zones", "field", "phrase"),
    [
        ([1], "zones", "needs at least two of the zones 1, 2, 3"),
        ([], "zones", "needs at least two of the zones 1, 2, 3"),
        ([1, 1, 2], "zones", "lists a zone twice"),
        ([2, 2], "zones", "lists a zone twice"),
        ([1, 2, 4], "zones[2]", "Input should be 1, 2 or 3"),
        ([0, 1], "zones[0]", "Input should be 1, 2 or 3"),
    ],
)
def test_bad_zones(tmp_path: Path, zones: list[int], field: str, phrase: str) -> None:
    got = zones if field == "zones" else zones[int(field[-2])]
    assert_line(one_problem(tmp_path, {f"{E}.zones": zones}), f"{E}.{field}", phrase, got)


@pytest.mark.parametrize(("zones", "stored"), [([3, 1], (1, 3)), ([2, 3], (2, 3)), ([3, 2, 1], (1, 2, 3))])
def test_good_zones_are_sorted(tmp_path: Path, zones: list[int], stored: tuple[int, ...]) -> None:
    assert load(tmp_path, {f"{E}.zones": zones}).regions["eastus2"].zones == stored


def test_zones_default_to_all_three(tmp_path: Path) -> None:
    assert load(tmp_path).regions["eastus2"].zones == (1, 2, 3)


def test_unknown_region_name(tmp_path: Path) -> None:
    line = one_problem(tmp_path, _rename("regions", "swedencentral", "westus"))
    assert_cross_field(line, "regions.westus", "is not an Azure region with availability zones; allowed: ")
    allowed = line.split("allowed: ", 1)[1].split("; did you mean", 1)[0].split(", ")
    assert "westus" not in allowed
    assert {"eastus2", "swedencentral", "westeurope"} <= set(allowed)
    assert allowed == sorted(allowed)


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("eastus-2", "'eastus2'"),
        ("eastus02", "'eastus2'"),
        ("East US 2", "'eastus2'"),
        ("EastUS2", "'eastus2'"),
        ("east_us_2", "'eastus2'"),
        ("westeuropa", "'westeurope'"),
        ("West Europe", "'westeurope'"),
        ("swedencentrl", "'swedencentral'"),
        ("e\u0430stus2", "'eastus2'"),  # a Cyrillic a (U+0430) in place of the Latin one
        ("westus", "'westus2' or 'westus3'"),  # no zones; both neighbours are as close
    ],
)
def test_near_miss_region_name_suggests_the_region(tmp_path: Path, name: str, meant: str) -> None:
    line = one_problem(tmp_path, _rename("regions", "swedencentral", name))
    assert line.startswith(f"regions.{name}: is not an Azure region with availability zones; "), line
    assert "; allowed: australiaeast, " in line
    assert line.endswith(f"; did you mean {meant}?"), line


@pytest.mark.parametrize("name", ["mars", "eu-west-1", "local"])
def test_far_off_region_name_gets_no_suggestion(tmp_path: Path, name: str) -> None:
    line = one_problem(tmp_path, _rename("regions", "swedencentral", name))
    assert "did you mean" not in line


def test_near_miss_global_location_suggests_the_region(tmp_path: Path) -> None:
    line = one_problem(tmp_path, {"global.location": "Sweden Central"})
    assert line == (
        "global.location: 'Sweden Central' is not an Azure region with availability zones "
        "(the registry and vault are zone-redundant); did you mean 'swedencentral'?"
    )


def test_unknown_global_location_is_reported(tmp_path: Path) -> None:
    line = one_problem(tmp_path, {"global.location": "westus"})
    assert line.startswith("global.location: 'westus' is not an Azure region with availability zones"), line


def test_other_zonal_region_loads(tmp_path: Path) -> None:
    config = load(tmp_path, _rename("regions", "swedencentral", "westeurope"))
    assert list(config.regions) == ["eastus2", "westeurope"]


def test_empty_regions(tmp_path: Path) -> None:
    assert_line(one_problem(tmp_path, {"regions": {}}), "regions", "must list at least one region", {})


def test_one_region_loads(tmp_path: Path) -> None:
    config = load(tmp_path, {S: DELETE})
    assert list(config.regions) == ["eastus2"]


# --- ingress -------------------------------------------------------------------------


def test_invalid_ingress_mode(tmp_path: Path) -> None:
    line = one_problem(tmp_path, {"ingress.mode": "nat66"})
    *names, last = (repr(name) for name in modes.MODES)
    assert_line(line, "ingress.mode", f"Input should be {', '.join(names)} or {last}", "nat66")


@pytest.mark.parametrize("mode", ["nat64", "nat46", "dualstack"])
def test_valid_ingress_modes_load(tmp_path: Path, mode: str) -> None:
    assert load(tmp_path, {"ingress.mode": mode}).ingress.mode == mode


def test_translator_disabled_in_dualstack_mode(tmp_path: Path) -> None:
    line = one_problem(tmp_path, {"ingress.mode": "dualstack", "ingress.translator_enabled": False})
    assert_line(
        line,
        "ingress",
        "translator_enabled: false has no meaning in dualstack mode",
        {"mode": "dualstack", "translator_enabled": False},
    )


def test_ipv6_settings_in_dualstack_mode_are_refused_not_ignored(tmp_path: Path) -> None:
    """The one dualstack release takes ingress.ipv4; settings under ipv6 would do nothing."""
    line = one_problem(tmp_path, {"ingress.mode": "dualstack", "ingress.ipv6": {"max_replicas": 8}})
    assert_line(line, "ingress.ipv6", "has no meaning in dualstack mode")
    assert "ingress.ipv4" in line and "remove ingress.ipv6" in line
    # Even an empty mapping is a setting that does nothing.
    line = one_problem(tmp_path, {"ingress.mode": "dualstack", "ingress.ipv6": {}})
    assert_line(line, "ingress.ipv6", "has no meaning in dualstack mode")


def test_dualstack_mode_reports_the_translator_and_ipv6_on_one_line_each(tmp_path: Path) -> None:
    lines = problems(
        tmp_path,
        {
            "ingress.mode": "dualstack",
            "ingress.translator_enabled": False,
            "ingress.ipv6": {"min_replicas": 3},
        },
    )
    assert len(lines) == 2, lines
    assert_line(lines[0], "ingress", "translator_enabled: false has no meaning in dualstack mode")
    assert_line(lines[1], "ingress.ipv6", "has no meaning in dualstack mode")


@pytest.mark.parametrize("mode", ["nat64", "nat46"])
def test_ipv6_settings_count_in_the_translating_modes(tmp_path: Path, mode: str) -> None:
    config = load(tmp_path, {"ingress.mode": mode, "ingress.ipv6": {"max_replicas": 8}})
    assert config.ingress.ipv6.max_replicas == 8


def test_dualstack_mode_takes_the_ipv4_settings(tmp_path: Path) -> None:
    config = load(tmp_path, {"ingress.mode": "dualstack", "ingress.ipv4": {"max_replicas": 8}})
    assert config.ingress.ipv4.max_replicas == 8


@pytest.mark.parametrize("mode", ["nat64", "nat46"])
def test_translator_disabled_in_translating_modes_loads(tmp_path: Path, mode: str) -> None:
    ingress = load(tmp_path, {"ingress.mode": mode, "ingress.translator_enabled": False}).ingress
    assert ingress.translator_enabled is False


# --- names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        ("abcd", "is 4 characters; a container registry name has at least 5 (lowercase letters or digits)"),
        (
            "a" * 51,
            "is 51 characters; a container registry name has at most 50 (lowercase letters or digits)",
        ),
        ("my-registry", "must be 5-50 lowercase letters or digits"),
        ("MyRegistry", "must be 5-50 lowercase letters or digits"),
        ("myazureacr", "contains the reserved word 'azure'"),
        ("microsoftacr", "contains the reserved word 'microsoft'"),
        ("c\u043entosoacr", "contains the non-ASCII character '\u043e' (U+043E)"),
    ],
)
def test_bad_registry_name(tmp_path: Path, value: str, phrase: str) -> None:
    assert_line(one_problem(tmp_path, {"global.registry_name": value}), "global.registry_name", phrase, value)


@pytest.mark.parametrize("value", ["abcde", "a" * 50, "contoso2acr"])
def test_good_registry_name(tmp_path: Path, value: str) -> None:
    assert load(tmp_path, {"global.registry_name": value}).global_.registry_name == value


KEY_VAULT_RULE = "must be 3-24 characters: lowercase letters, digits and single hyphens"


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        ("k" * 25, "is 25 characters; a Key Vault name has at most 24 (lowercase letters, digits and"),
        ("kv", "is 2 characters; a Key Vault name has at least 3"),
        ("kv-Contoso-Dualstack-Production", "is 31 characters; a Key Vault name has at most 24"),
        ("kv--x", KEY_VAULT_RULE),
        ("1kv", KEY_VAULT_RULE),
        ("-kv", KEY_VAULT_RULE),
        ("kv-x-", KEY_VAULT_RULE),
        ("kv_x", KEY_VAULT_RULE),
        ("kv-microsoft", "contains the reserved word 'microsoft'"),
        ("kv-c\u043ento", "contains the non-ASCII character '\u043e' (U+043E)"),
    ],
)
def test_bad_key_vault_name(tmp_path: Path, value: str, phrase: str) -> None:
    assert_line(
        one_problem(tmp_path, {"global.key_vault_name": value}), "global.key_vault_name", phrase, value
    )


@pytest.mark.parametrize("value", ["kvx", "k" * 24, "kv-a-b-1", "kv9"])
def test_good_key_vault_name(tmp_path: Path, value: str) -> None:
    assert load(tmp_path, {"global.key_vault_name": value}).global_.key_vault_name == value


DNS_RULE = "must be a lowercase DNS name of at least two labels"

BAD_ZONE_NAMES = [
    pytest.param("localhost", DNS_RULE, id="single-label"),
    pytest.param("Contoso.com", DNS_RULE, id="uppercase"),
    pytest.param("a" * 64 + ".com", DNS_RULE, id="label-too-long"),
    pytest.param(".".join(["a" * 63] * 4), DNS_RULE, id="name-too-long"),
    pytest.param("contoso.com.", DNS_RULE, id="trailing-dot"),
    pytest.param("-contoso.com", DNS_RULE, id="leading-hyphen"),
    pytest.param("contoso.123", DNS_RULE, id="numeric-tld"),
    pytest.param("c\u043entoso.com", "contains the non-ASCII character '\u043e' (U+043E)", id="cyrillic-o"),
]


@pytest.mark.parametrize(("value", "phrase"), BAD_ZONE_NAMES)
def test_bad_dns_zone_name(tmp_path: Path, value: str, phrase: str) -> None:
    lines = problems(tmp_path, {"dns.zone_name": value})
    assert_line(lines[0], "dns.zone_name", phrase, value)
    assert len(lines) == 1, lines  # the derived private zone is not reported again


def test_single_label_zone_name_is_one_line(tmp_path: Path) -> None:
    # internal.localhost is a valid private zone, so only zone_name is reported
    assert_line(one_problem(tmp_path, {"dns.zone_name": "localhost"}), "dns.zone_name", DNS_RULE, "localhost")


@pytest.mark.parametrize(("value", "phrase"), [p for p in BAD_ZONE_NAMES if p.id != "single-label"])
def test_bad_dns_zone_name_is_one_line(tmp_path: Path, value: str, phrase: str) -> None:
    assert len(problems(tmp_path, {"dns.zone_name": value})) == 1


@pytest.mark.parametrize("value", ["x.y", "my-app.contoso.com", "a" * 63 + ".com", "dualstack.contoso.co.uk"])
def test_good_dns_zone_name(tmp_path: Path, value: str) -> None:
    dns = load(tmp_path, {"dns.zone_name": value}).dns
    assert dns.zone_name == value
    assert dns.private_zone_name == f"internal.{value}"


def test_bad_explicit_private_zone_name(tmp_path: Path) -> None:
    line = one_problem(tmp_path, {"dns.private_zone_name": "Internal"})
    assert_line(line, "dns.private_zone_name", DNS_RULE, "Internal")


@pytest.mark.parametrize("value", ["my_app", "App", "-app", "a" * 64])
def test_bad_dns_app_name(tmp_path: Path, value: str) -> None:
    assert_line(
        one_problem(tmp_path, {"dns.app_name": value}),
        "dns.app_name",
        "must be one lowercase DNS label",
        value,
    )


PROJECT_RULE = "must be 2-10 characters: a lowercase letter, then lowercase letters or digits"


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        ("Contoso", PROJECT_RULE),
        ("abcdefghijk", PROJECT_RULE),
        ("a", PROJECT_RULE),
        ("1abc", PROJECT_RULE),
        ("con-toso", PROJECT_RULE),
        ("c\u043entoso", "contains the non-ASCII character '\u043e' (U+043E)"),
    ],
)
def test_bad_project(tmp_path: Path, value: str, phrase: str) -> None:
    # the derived registry and key vault names are not reported as well
    assert_line(one_problem(tmp_path, {"project": value}), "project", phrase, value)


@pytest.mark.parametrize(("value", "word"), [("azure1", "azure"), ("myxbox", "xbox"), ("login", "login")])
def test_project_with_reserved_word(tmp_path: Path, value: str, word: str) -> None:
    lines = problems(tmp_path, {"project": value})
    assert_line(
        lines[0], "project", f"contains the reserved word {word!r}, which Azure rejects in names", value
    )


def test_project_with_reserved_word_is_one_line(tmp_path: Path) -> None:
    assert problems(tmp_path, {"project": "azure1"}) == [
        "project: contains the reserved word 'azure', which Azure rejects in names (got 'azure1')"
    ]


@pytest.mark.parametrize("value", ["ab", "abcdefghij", "team42"])
def test_good_project(tmp_path: Path, value: str) -> None:
    config = load(tmp_path, {"project": value})
    assert config.project == value
    # the longest project still gives valid derived names
    assert config.global_.registry_name == f"{value}dualstackacr"
    assert config.global_.key_vault_name == f"kv-{value}-dualstack"


# --- cluster -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("api_server", "phrase"),
    [
        ({"private": False}, "authorized_ip_ranges must list at least one range when private is false"),
        ({"private": False, "authorized_ip_ranges": []}, "authorized_ip_ranges must list at least one range"),
        (
            {"private": False, "authorized_ip_ranges": ["203.0.113.0/24", "0.0.0.0/0"]},
            "authorized_ip_ranges must not contain 0.0.0.0/0 (the whole internet)",
        ),
        (
            {"private": True, "authorized_ip_ranges": ["203.0.113.0/24"]},
            "authorized_ip_ranges apply only to a public API server (private: false)",
        ),
    ],
)
def test_bad_api_server(tmp_path: Path, api_server: dict[str, Any], phrase: str) -> None:
    line = one_problem(tmp_path, {"cluster.api_server": api_server})
    assert_line(line, "cluster.api_server", phrase, api_server)


def test_authorized_range_must_be_ipv4(tmp_path: Path) -> None:
    line = one_problem(
        tmp_path, {"cluster.api_server": {"private": False, "authorized_ip_ranges": ["2001:db8::/32"]}}
    )
    assert_line(
        line, "cluster.api_server.authorized_ip_ranges[0]", "an IPv4 network is required", "2001:db8::/32"
    )


@pytest.mark.parametrize("whole_internet", ["0.0.0.0/00", "0.0.0.0/0.0.0.0"])
def test_whole_internet_in_another_spelling_is_refused(tmp_path: Path, whole_internet: str) -> None:
    api_server = {"private": False, "authorized_ip_ranges": [whole_internet]}
    line = one_problem(tmp_path, {"cluster.api_server": api_server})
    assert "must not contain 0.0.0.0/0" in line


def test_public_api_server_with_ranges_loads(tmp_path: Path) -> None:
    ranges = ["203.0.113.0/24", "198.51.100.7/32"]
    api = load(
        tmp_path, {"cluster.api_server": {"private": False, "authorized_ip_ranges": ranges}}
    ).cluster.api_server
    assert api.private is False
    assert api.authorized_ip_ranges == tuple(ranges)


def test_api_server_defaults_to_private(tmp_path: Path) -> None:
    api = load(tmp_path).cluster.api_server
    assert api.private is True
    assert api.authorized_ip_ranges == ()


@pytest.mark.parametrize(("low", "high"), [(5, 3), (4, 3)])
def test_node_pool_min_larger_than_max(tmp_path: Path, low: int, high: int) -> None:
    pool = {"vm_size": "Standard_D4ds_v5", "min_count": low, "max_count": high}
    line = one_problem(tmp_path, {"cluster.user_pool": pool})
    assert_line(line, "cluster.user_pool", f"min_count {low} is larger than max_count {high}", pool)


def test_node_pool_min_zero(tmp_path: Path) -> None:
    pool = {"vm_size": "Standard_D4ds_v5", "min_count": 0, "max_count": 3}
    line = one_problem(tmp_path, {"cluster.system_pool": pool})
    assert_line(line, "cluster.system_pool.min_count", "greater than or equal to 1", 0)


def test_node_pool_min_equal_max_loads(tmp_path: Path) -> None:
    pool = {"vm_size": "Standard_D8ds_v5", "min_count": 4, "max_count": 4}
    user_pool = load(tmp_path, {"cluster.user_pool": pool}).cluster.user_pool
    assert (user_pool.vm_size, user_pool.min_count, user_pool.max_count) == ("Standard_D8ds_v5", 4, 4)


# --- backend -------------------------------------------------------------------------


def test_azurerm_backend_missing_fields(tmp_path: Path) -> None:
    lines = problems(tmp_path, {"backend": {"type": "azurerm"}})
    assert lines == [
        f"backend.{field}: is required"
        for field in ("resource_group_name", "storage_account_name", "container_name")
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("storage_account_name", "Contoso-State"),
        ("container_name", "-tfstate"),
        ("resource_group_name", "rg with space"),
    ],
)
def test_azurerm_backend_bad_field(tmp_path: Path, field: str, value: str) -> None:
    line = one_problem(tmp_path, {"backend": {**VALID_AZURERM, field: value}})
    assert_line(line, f"backend.{field}", "String should match pattern", value)


def test_unknown_backend_type(tmp_path: Path) -> None:
    line = one_problem(tmp_path, {"backend": {"type": "s3"}})
    assert_line(line, "backend", "'s3'", {"type": "s3"})
    assert "'local', 'azurerm'" in line


def test_azurerm_backend_loads(tmp_path: Path) -> None:
    backend = load(tmp_path, {"backend": VALID_AZURERM}).backend
    assert backend.type == "azurerm"
    assert backend.storage_account_name == "contosotfstate"
    assert backend.key_prefix is None  # stacks use "<project>/"


def test_backend_defaults_to_local(tmp_path: Path) -> None:
    assert load(tmp_path).backend.type == "local"


# --- tags ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tags", "field", "phrase", "got"),
    [
        ({"env": "x" * 257}, "tags.env", "String should have at most 256 characters", DELETE),
        ({"env": 1}, "tags.env", "Input should be a valid string", 1),
        ({"env": None}, "tags.env", "Input should be a valid string", None),
    ],
)
def test_bad_tag_value(tmp_path: Path, tags: dict[str, Any], field: str, phrase: str, got: Any) -> None:
    assert_line(one_problem(tmp_path, {"tags": tags}), field, phrase, got)


def test_bad_tag_key(tmp_path: Path) -> None:
    line = one_problem(tmp_path, {"tags": {"bad key!": "x"}})
    assert line.startswith("tags.bad key!"), line
    assert "String should match pattern" in line
    assert line.endswith("(got 'bad key!')")


def test_bad_tag_key_path_has_no_key_marker(tmp_path: Path) -> None:
    line = one_problem(tmp_path, {"tags": {"bad key!": "x"}})
    assert "[key]" not in line


def test_tags_must_be_a_mapping(tmp_path: Path) -> None:
    assert_line(one_problem(tmp_path, {"tags": ["env"]}), "tags", "valid dictionary", ["env"])


def test_good_tags_load(tmp_path: Path) -> None:
    tags = {"env": "prod", "cost-center": "42", "Owner.Team_1": "x" * 256}
    assert load(tmp_path, {"tags": tags}).tags == tags


def test_tags_default_to_empty(tmp_path: Path) -> None:
    assert load(tmp_path).tags == {}


# --- derived defaults ----------------------------------------------------------------


def test_cluster_subnet_is_first_slash20_and_first_slash64(tmp_path: Path) -> None:
    config = load(tmp_path)
    east, sweden = config.regions["eastus2"], config.regions["swedencentral"]
    assert (east.cluster_subnet.ipv4, east.cluster_subnet.ipv6) == ("10.10.0.0/20", "fd8e:4a1f:2c00:100::/64")
    assert (sweden.cluster_subnet.ipv4, sweden.cluster_subnet.ipv6) == (
        "10.20.0.0/20",
        "fd8e:4a1f:2c00:200::/64",
    )


def test_small_vnet_is_split_between_cluster_and_endpoints(tmp_path: Path) -> None:
    config = load(
        tmp_path, {f"{E}.address_space": {"ipv4": "10.10.0.0/24", "ipv6": "fd8e:4a1f:2c00:100::/64"}}
    )
    region = config.regions["eastus2"]
    subnet = region.cluster_subnet
    # The first half for the nodes, the next quarter for the private endpoints.
    assert (subnet.ipv4, subnet.ipv6) == ("10.10.0.0/25", "fd8e:4a1f:2c00:100::/64")
    assert region.endpoint_subnet == "10.10.0.128/26"


def test_endpoint_subnet_defaults_to_the_first_free_slash_24(tmp_path: Path) -> None:
    assert load(tmp_path, {}).regions["eastus2"].endpoint_subnet == "10.10.16.0/24"
    moved = load(
        tmp_path, {f"{E}.cluster_subnet": {"ipv4": "10.10.240.0/20", "ipv6": "fd8e:4a1f:2c00:100::/64"}}
    )
    assert moved.regions["eastus2"].endpoint_subnet == "10.10.0.0/24"


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        ("10.99.0.0/24", "lies outside address_space.ipv4 10.10.0.0/16"),
        ("10.10.1.0/24", "overlaps cluster_subnet.ipv4 10.10.0.0/20"),
    ],
)
def test_bad_endpoint_subnet(tmp_path: Path, value: str, phrase: str) -> None:
    line = one_problem(tmp_path, {f"{E}.endpoint_subnet": value})
    assert line.startswith(f"{E}.endpoint_subnet: {value} "), line
    assert phrase in line


def test_explicit_cluster_subnet_is_kept(tmp_path: Path) -> None:
    subnet = load(tmp_path, {f"{E}.cluster_subnet": GOOD_SUBNET}).regions["eastus2"].cluster_subnet
    assert (subnet.ipv4, subnet.ipv6) == (GOOD_SUBNET["ipv4"], GOOD_SUBNET["ipv6"])


def test_dns_service_ip_defaults_to_tenth_service_address(tmp_path: Path) -> None:
    config = load(tmp_path, {f"{S}.service_cidrs": ["10.100.0.0/16", "fd12:3456:789a:1::/108"]})
    assert config.regions["eastus2"].dns_service_ip == "10.0.0.10"
    assert config.regions["swedencentral"].dns_service_ip == "10.100.0.10"


def test_overlay_ranges_default_to_aks_defaults(tmp_path: Path) -> None:
    region = load(tmp_path).regions["eastus2"]
    assert region.pod_cidrs == ("10.244.0.0/16", "fd12:3456:789a::/64")
    assert region.service_cidrs == ("10.0.0.0/16", "fd12:3456:789a:1::/108")


def test_private_zone_name_defaults_to_internal_zone(tmp_path: Path) -> None:
    assert load(tmp_path, {"dns.zone_name": "example.org"}).dns.private_zone_name == "internal.example.org"


def test_explicit_private_zone_name_is_kept(tmp_path: Path) -> None:
    dns = load(tmp_path, {"dns.private_zone_name": "corp.example.net"}).dns
    assert dns.private_zone_name == "corp.example.net"
    assert dns.app_name == "app"


def test_global_location_is_required_and_never_follows_region_order(tmp_path: Path) -> None:
    def swap(data: dict[str, Any]) -> None:
        data["regions"] = dict(reversed(list(data["regions"].items())))

    assert load(tmp_path, swap).global_.location == "eastus2"  # as written, whatever the order

    def drop(data: dict[str, Any]) -> None:
        del data["global"]["location"]

    assert problems(tmp_path, drop) == ["global.location: is required"]


@pytest.mark.parametrize(
    ("pods", "reserved"), [("172.30.0.0/16", "172.30.0.0/16"), ("169.254.0.0/16", "169.254.0.0/16")]
)
def test_overlay_ranges_must_avoid_aks_reserved_ranges(tmp_path: Path, pods: str, reserved: str) -> None:
    line = one_problem(tmp_path, {f"{E}.pod_cidrs": [pods, "fd12:3456:789a::/64"]})
    assert line == f"{E}.pod_cidrs[0]: {pods} overlaps {reserved}, which AKS reserves"


@pytest.mark.parametrize("version", ["1.32", "1.28", "1.10"])
def test_kubernetes_version_must_be_recent_enough(tmp_path: Path, version: str) -> None:
    """cert-manager v1.21, which the stacks install, supports Kubernetes 1.33 to 1.36."""
    line = one_problem(tmp_path, {"cluster.kubernetes_version": version})
    assert line.startswith("cluster.kubernetes_version: must be 1.33 or later"), line
    assert "cert-manager v1.21 supports Kubernetes 1.33 to 1.36" in line


def test_the_oldest_supported_kubernetes_version_loads(tmp_path: Path) -> None:
    assert load(tmp_path, {"cluster.kubernetes_version": "1.33"}).cluster.kubernetes_version == "1.33"


def test_explicit_global_location(tmp_path: Path) -> None:
    assert load(tmp_path, {"global.location": "westeurope"}).global_.location == "westeurope"


def test_global_location_not_zonal(tmp_path: Path) -> None:
    line = one_problem(tmp_path, {"global.location": "westus"})
    assert_cross_field(line, "global.location", "'westus' is not an Azure region with availability zones")


def test_registry_and_key_vault_default_names(tmp_path: Path) -> None:
    glob = load(tmp_path).global_
    assert glob.registry_name == "contosodualstackacr"
    assert glob.key_vault_name == "kv-contoso-dualstack"
    assert glob.log_retention_days == 90


def test_explicit_registry_and_key_vault_names_are_kept(tmp_path: Path) -> None:
    glob = load(tmp_path, {"global.registry_name": "myacr01", "global.key_vault_name": "kv-mine"}).global_
    assert (glob.registry_name, glob.key_vault_name) == ("myacr01", "kv-mine")


# --- cluster subnet capacity ---------------------------------------------------------


@pytest.mark.parametrize(
    ("max_count", "surge"),
    [(1, 1), (3, 1), (4, 2), (5, 2), (12, 4), (100, 33), (101, 34), (1000, 330)],
)
def test_surge_is_33_percent_rounded_up(max_count: int, surge: int) -> None:
    assert surge_nodes(max_count) == surge


def test_surge_percentage_matches_the_cluster() -> None:
    from dualstack.region.cluster import MAX_SURGE  # imports cdktf; only this test needs it

    assert f"{MAX_SURGE_PERCENT}%" == MAX_SURGE


def test_cluster_subnet_too_small_for_the_pools(tmp_path: Path) -> None:
    subnet = {"ipv4": "10.10.0.0/28", "ipv6": "fd8e:4a1f:2c00:100::/64"}
    line = one_problem(tmp_path, {f"{E}.cluster_subnet": subnet})
    assert line == (
        f"{E}.cluster_subnet.ipv4: 10.10.0.0/28 holds 11 node addresses (16 minus the 5 Azure reserves) "
        "but the pools may need 23: system max_count 5 + 2 surge, user max_count 12 + 4 surge "
        "(33% max surge); use a /27 or larger, or lower max_count"
    )


def test_cluster_subnet_one_node_short(tmp_path: Path) -> None:
    # SMALL_POOLS need exactly 11; one more user node needs 12 (6 + 2 surge).
    pools = {**SMALL_POOLS, "user_pool": {**SMALL_POOLS["user_pool"], "max_count": 6}}
    subnet = {"ipv4": "10.10.0.0/28", "ipv6": "fd8e:4a1f:2c00:100::/64"}
    line = one_problem(tmp_path, {f"{E}.cluster_subnet": subnet, "cluster": pools})
    assert_cross_field(
        line,
        f"{E}.cluster_subnet.ipv4",
        "holds 11 node addresses (16 minus the 5 Azure reserves) but the pools may need 12: "
        "system max_count 3 + 1 surge, user max_count 6 + 2 surge (33% max surge); use a /27 or larger",
    )


def test_derived_cluster_subnet_too_small_says_it_was_derived(tmp_path: Path) -> None:
    # A /24 VNet: the derived cluster subnet is its first half, a /25 (123 nodes).
    pools = {"user_pool": {"vm_size": "Standard_D4ds_v5", "min_count": 3, "max_count": 100}}
    space = {"ipv4": "10.10.0.0/24", "ipv6": "fd8e:4a1f:2c00:100::/56"}
    line = one_problem(tmp_path, {f"{E}.address_space": space, "cluster": pools})
    assert line == (
        f"{E}.cluster_subnet.ipv4: 10.10.0.0/25 holds 123 node addresses (128 minus the 5 Azure reserves) "
        "but the pools may need 140: system max_count 5 + 2 surge, user max_count 100 + 33 surge "
        "(33% max surge); use a /24 or larger, or lower max_count "
        f"(cluster_subnet was derived from address_space; set {E}.cluster_subnet to choose it)"
    )


def test_every_small_cluster_subnet_is_reported(tmp_path: Path) -> None:
    lines = problems(
        tmp_path,
        {
            f"{E}.cluster_subnet": {"ipv4": "10.10.0.0/28", "ipv6": "fd8e:4a1f:2c00:100::/64"},
            f"{S}.cluster_subnet": {"ipv4": "10.20.0.0/28", "ipv6": "fd8e:4a1f:2c00:200::/64"},
        },
    )
    assert [line.split(": ", 1)[0] for line in lines] == [
        f"{E}.cluster_subnet.ipv4",
        f"{S}.cluster_subnet.ipv4",
    ]
    assert "10.10.0.0/28 holds 11 node addresses (16 minus" in lines[0]
    assert "10.20.0.0/28 holds 11 node addresses (16 minus" in lines[1]


def test_largest_pools_fit_the_default_subnet(tmp_path: Path) -> None:
    pool = {"vm_size": "Standard_D4ds_v5", "min_count": 3, "max_count": 1000}
    config = load(tmp_path, {"cluster.system_pool": pool, "cluster.user_pool": dict(pool)})  # 2660 of 4091
    assert config.regions["eastus2"].cluster_subnet.ipv4 == "10.10.0.0/20"


# --- problems caused by derived values and AKS defaults --------------------------------

SERVICE_DEFAULT_HINT = (
    "(service_cidrs is AKS's default 10.0.0.0/16, fd12:3456:789a:1::/108; "
    "set {region}.service_cidrs to other ranges)"
)


def test_vnet_on_the_default_service_range_says_it_is_a_default(tmp_path: Path) -> None:
    space = {"ipv4": "10.0.0.0/16", "ipv6": "fd8e:4a1f:2c00:100::/56"}
    line = one_problem(tmp_path, {f"{E}.address_space": space})
    assert line == (
        f"{E}.service_cidrs[0]: 10.0.0.0/16 overlaps the VNet's address_space.ipv4 10.0.0.0/16 "
        + SERVICE_DEFAULT_HINT.format(region=E)
    )


def test_explicit_ranges_get_no_default_hint(tmp_path: Path) -> None:
    line = one_problem(tmp_path, {f"{E}.service_cidrs": ["10.10.0.0/20", "fd12:3456:789a:1::/108"]})
    assert line == f"{E}.service_cidrs[0]: 10.10.0.0/20 overlaps the VNet's address_space.ipv4 10.10.0.0/16"


def test_pod_range_on_the_default_service_range(tmp_path: Path) -> None:
    line = problems(tmp_path, {f"{E}.pod_cidrs": ["10.0.0.0/16", "fd12:3456:789a::/64"]})
    assert line == [
        f"{E}.pod_cidrs[0]: 10.0.0.0/16 overlaps service_cidrs[0] 10.0.0.0/16 "
        + SERVICE_DEFAULT_HINT.format(region=E)
    ]


def test_default_pod_range_on_a_given_service_range(tmp_path: Path) -> None:
    line = one_problem(tmp_path, {f"{E}.service_cidrs": ["10.244.0.0/20", "fd12:3456:789a:1::/108"]})
    assert line == (
        f"{E}.pod_cidrs[0]: 10.244.0.0/16 overlaps service_cidrs[0] 10.244.0.0/20 "
        "(pod_cidrs is AKS's default 10.244.0.0/16, fd12:3456:789a::/64; "
        f"set {E}.pod_cidrs to other ranges)"
    )


def test_default_service_range_on_another_regions_vnet(tmp_path: Path) -> None:
    # swedencentral's VNet is 10.0.0.0/16: eastus2's default service range overlaps it, and
    # so does swedencentral's own default range; both lines say which key to set.
    space = {"ipv4": "10.0.0.0/16", "ipv6": "fd8e:4a1f:2c00:200::/56"}
    lines = problems(tmp_path, {f"{S}.address_space": space})
    assert lines == [
        f"{S}.service_cidrs[0]: 10.0.0.0/16 overlaps the VNet's address_space.ipv4 10.0.0.0/16 "
        + SERVICE_DEFAULT_HINT.format(region=S)
    ]  # the region rule fails first; the cross-region rule runs once every region is valid
    lines = problems(
        tmp_path,
        {f"{S}.address_space": space, f"{S}.service_cidrs": ["10.100.0.0/16", "fd12:3456:789a:1::/108"]},
    )
    assert lines == [
        f"{E}.service_cidrs[0]: 10.0.0.0/16 overlaps regions.swedencentral.address_space.ipv4 10.0.0.0/16 "
        + SERVICE_DEFAULT_HINT.format(region=E)
    ]


def test_dns_service_ip_outside_the_default_service_range(tmp_path: Path) -> None:
    line = one_problem(tmp_path, {f"{E}.dns_service_ip": "10.1.0.10"})
    assert line.endswith(SERVICE_DEFAULT_HINT.format(region=E)), line


def test_derived_dns_service_ip_in_a_tiny_service_range(tmp_path: Path) -> None:
    line = one_problem(tmp_path, {f"{E}.service_cidrs": ["10.0.0.0/29", "fd12:3456:789a:1::/108"]})
    assert line == (
        f"{E}.dns_service_ip: 10.0.0.10 must be a usable address inside service_cidrs[0] 10.0.0.0/29 "
        "(not its first, second or last address) (dns_service_ip was derived as the 10th address of "
        f"service_cidrs[0]; set {E}.dns_service_ip to choose it)"
    )


def test_endpoint_subnet_on_the_derived_cluster_subnet(tmp_path: Path) -> None:
    line = one_problem(tmp_path, {f"{E}.endpoint_subnet": "10.10.1.0/24"})
    assert line == (
        f"{E}.endpoint_subnet: 10.10.1.0/24 overlaps cluster_subnet.ipv4 10.10.0.0/20 "
        f"(cluster_subnet was derived from address_space; set {E}.cluster_subnet to choose it)"
    )


def test_no_room_for_the_derived_endpoint_subnet(tmp_path: Path) -> None:
    changes = {
        f"{E}.address_space": {"ipv4": "10.10.0.0/24", "ipv6": "fd8e:4a1f:2c00:100::/56"},
        f"{E}.cluster_subnet": {"ipv4": "10.10.0.0/24", "ipv6": "fd8e:4a1f:2c00:100::/64"},
    }
    line = one_problem(tmp_path, changes)
    assert line == (
        f"{E}.endpoint_subnet: no /26 of address_space.ipv4 10.10.0.0/24 is free beside cluster_subnet.ipv4 "
        "10.10.0.0/24 for the private endpoints (endpoint_subnet is derived when not set); "
        f"set {E}.endpoint_subnet or a smaller cluster_subnet"
    )


def test_hub_on_a_default_service_range(tmp_path: Path) -> None:
    hub = {
        "virtual_network_id": "/subscriptions/6f1d3c2a-8b4e-4d7f-9a05-3e2b1c0d9f84/resourceGroups/rg-hub"
        "/providers/Microsoft.Network/virtualNetworks/vnet-hub",
        "address_space": {"ipv4": ["10.0.0.0/24"]},
    }
    lines = problems(tmp_path, {"network": {"hub": hub}})
    assert [line.split(": ", 1)[0] for line in lines] == ["network.hub.address_space.ipv4[0]"] * 2
    for line, region in zip(lines, (E, S), strict=True):
        assert line.endswith(SERVICE_DEFAULT_HINT.format(region=region)), line


def test_region_remembers_what_was_derived(tmp_path: Path) -> None:
    config = load(tmp_path, {f"{S}.service_cidrs": ["10.100.0.0/16", "fd12:3456:789a:1::/108"]})
    east, sweden = config.regions["eastus2"], config.regions["swedencentral"]
    assert all(east.derived(key) for key in DERIVED_REGION_KEYS)
    assert not sweden.derived("service_cidrs")
    assert sweden.derived("dns_service_ip")
    assert sweden.key("service_cidrs") == f"{S}.service_cidrs"
    assert sweden.hints("service_cidrs[0]", "address_space.ipv4") == ""


# --- numbers YAML made of what should be strings ---------------------------------------


@pytest.mark.parametrize(
    ("text", "field", "message", "got"),
    [
        (
            "kubernetes_version: 1.30",
            "cluster.kubernetes_version",
            'must be a quoted string such as "1.30" (YAML reads 1.30 as the number 1.3)',
            1.3,
        ),
        (
            "kubernetes_version: 1.35",
            "cluster.kubernetes_version",
            'must be a quoted string such as "1.35" (unquoted, YAML reads 1.35 as a number)',
            1.35,
        ),
        (
            "kubernetes_version: 1",
            "cluster.kubernetes_version",
            'must be a quoted string such as "1.35" (unquoted, YAML reads 1 as a number)',
            1,
        ),
        (
            "maintenance: {start_time: 12:30}",
            "cluster.maintenance.start_time",
            'must be a quoted string such as "12:30" (YAML reads an unquoted 12:30 as the base-60 number 750)',
            750,
        ),
        (
            "maintenance: {utc_offset: +10:00}",
            "cluster.maintenance.utc_offset",
            'must be a quoted string such as "+10:00" (YAML reads an unquoted +10:00 as the base-60 number 600)',
            600,
        ),
        (
            "maintenance: {utc_offset: -5:30}",
            "cluster.maintenance.utc_offset",
            'must be a quoted string such as "-05:30" (YAML reads an unquoted -5:30 as the base-60 number -330)',
            -330,
        ),
    ],
)
def test_number_where_a_cluster_string_belongs(
    tmp_path: Path, text: str, field: str, message: str, got: Any
) -> None:
    base = DEFAULT_CONFIG.read_text(encoding="utf-8")
    line = one_problem(tmp_path, text=f"{base}\ncluster:\n  {text}\n")
    assert line == f"{field}: {message} (got {got!r})"


@pytest.mark.parametrize(
    ("changes", "field", "example", "got"),
    [
        ({"ingress.chart_version": 2.7}, "ingress.chart_version", PINNED_CONTROLLER_CHART, 2.7),
        ({"ingress.chart_version": 3}, "ingress.chart_version", PINNED_CONTROLLER_CHART, 3),
        ({"tls.chart_version": 1.21}, "tls.chart_version", "v1.21.2", 1.21),
    ],
)
def test_number_where_a_chart_version_belongs(
    tmp_path: Path, changes: Changes, field: str, example: str, got: Any
) -> None:
    line = one_problem(tmp_path, changes)
    assert (
        line
        == f'{field}: must be a quoted string such as "{example}" (unquoted, YAML reads {got!r} as a number) (got {got!r})'
    )


@pytest.mark.parametrize(
    ("changes", "field", "phrase"),
    [
        (
            {"cluster.kubernetes_version": True},
            "cluster.kubernetes_version",
            "Input should be a valid string",
        ),
        ({"cluster.maintenance": {"start_time": "2:00"}}, "cluster.maintenance.start_time", "should match"),
        ({"ingress.chart_version": "2.7"}, "ingress.chart_version", "should match"),
    ],
)
def test_other_wrong_versions_keep_their_messages(
    tmp_path: Path, changes: Changes, field: str, phrase: str
) -> None:
    line = one_problem(tmp_path, changes)
    assert_line(line, field, phrase)
    assert "quoted" not in line


def test_quoted_versions_load(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        {
            "cluster.kubernetes_version": "1.34",
            "cluster.maintenance": {"start_time": "12:30", "utc_offset": "+10:00"},
            "ingress.chart_version": "2.6.4",
            "tls.chart_version": "v1.21.1",
        },
    )
    assert config.cluster.kubernetes_version == "1.34"
    assert config.cluster.maintenance.start_time == "12:30"


# --- immutability and many problems ---------------------------------------------------


@pytest.mark.parametrize(
    ("owner", "attribute", "value"),
    [
        (lambda c: c, "project", "other"),
        (lambda c: c.regions["eastus2"], "zones", (1, 2)),
        (lambda c: c.regions["eastus2"].address_space, "ipv4", "10.99.0.0/16"),
        (lambda c: c.global_, "location", "westeurope"),
        (lambda c: c.ingress, "mode", "dualstack"),
        (lambda c: c.cluster.api_server, "private", False),
    ],
)
def test_model_is_frozen(tmp_path: Path, owner: Callable[[Config], Any], attribute: str, value: Any) -> None:
    config = load(tmp_path)
    target = owner(config)
    before = getattr(target, attribute)
    with pytest.raises(ValidationError, match="frozen"):
        setattr(target, attribute, value)
    assert getattr(target, attribute) == before


def test_config_mappings_are_immutable(tmp_path: Path) -> None:
    config = load(tmp_path)
    with pytest.raises(TypeError):
        config.regions["westeurope"] = config.regions["eastus2"]  # type: ignore[index]


def test_several_problems_give_one_line_each(tmp_path: Path) -> None:
    lines = problems(
        tmp_path,
        {
            "project": "Contoso",
            f"{E}.zones": [1],
            f"{S}.address_space.ipv4": "10.20.0.1/16",
            "ingress.mode": "nat66",
            "global.key_vault_name": "kv--bad",
            "cluster.user_pool": {"vm_size": "Standard_D4ds_v5", "min_count": 9, "max_count": 3},
            "tags": {"env": 1},
        },
    )
    fields = [line.split(": ", 1)[0] for line in lines]
    assert sorted(fields) == sorted(
        [
            "project",
            f"{E}.zones",
            f"{S}.address_space.ipv4",
            "ingress.mode",
            "global.key_vault_name",
            "cluster.user_pool",
            "tags.env",
        ]
    )
    assert len(lines) == 7
    assert not any("Traceback" in line or "validation error" in line for line in lines)


# --- modes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "service", "translator"),
    [("nat64", "ipv4", "ipv6"), ("nat46", "ipv6", "ipv4"), ("dualstack", None, None)],
)
def test_service_and_translator_family(mode: str, service: str | None, translator: str | None) -> None:
    ingress = Ingress(mode=mode)  # type: ignore[arg-type]
    assert modes.service_family(ingress) == service
    assert modes.translator_family(ingress) == translator


@pytest.mark.parametrize(
    ("mode", "translator_enabled", "public"),
    [
        ("nat64", True, ("ipv4", "ipv6")),
        ("nat46", True, ("ipv4", "ipv6")),
        ("dualstack", True, ("ipv4", "ipv6")),
        ("nat64", False, ("ipv4",)),  # the IPv6 translator is switched off
        ("nat46", False, ("ipv6",)),  # the IPv4 translator is switched off
    ],
)
def test_public_families(mode: str, translator_enabled: bool, public: tuple[str, ...]) -> None:
    ingress = Ingress(mode=mode, translator_enabled=translator_enabled)  # type: ignore[arg-type]
    assert modes.public_families(ingress) == public
    # disabling the translator never changes which family the Services use
    assert modes.service_family(ingress) in (*public, None)


def test_dualstack_without_translator_cannot_be_built() -> None:
    with pytest.raises(ValidationError, match="no meaning in dualstack mode"):
        Ingress(mode="dualstack", translator_enabled=False)


def test_modes_of_a_loaded_config(tmp_path: Path) -> None:
    ingress = load(tmp_path, {"ingress.mode": "nat46", "ingress.translator_enabled": False}).ingress
    assert modes.service_family(ingress) == "ipv6"
    assert modes.translator_family(ingress) == "ipv4"
    assert modes.public_families(ingress) == ("ipv6",)


@pytest.mark.parametrize("version", ["1.1", "2.0", "2.1", "2.2"])
def test_every_default_rule_set_version_front_door_offers_is_accepted(version: str) -> None:
    raw = yaml.safe_load((DEFAULT_CONFIG.parent / "frontdoor.yaml").read_text())
    raw["edge"]["waf"]["default_rule_set_version"] = version
    config = Config.model_validate(raw)
    assert config.front_door is not None and config.front_door.waf.default_rule_set_version == version


@pytest.mark.parametrize("version", ["3.0", "2.3", "1.0", "latest"])
def test_a_rule_set_version_front_door_does_not_offer_is_refused(version: str) -> None:
    raw = yaml.safe_load((DEFAULT_CONFIG.parent / "frontdoor.yaml").read_text())
    raw["edge"]["waf"]["default_rule_set_version"] = version
    with pytest.raises(ValueError, match=re.escape("'2.1' or '2.2'")):
        Config.model_validate(raw)


def test_a_number_as_a_key_is_named_as_a_key_not_a_list_index(tmp_path: Path) -> None:
    """YAML reads ``7:`` as the integer 7; the line names it under its mapping, not as ``[7]``."""
    lines = problems(tmp_path, text="project: contoso\n7: x\nregions:\n  eastus2:\n    1: y\n")
    assert any(line.startswith("7: Keys should be strings") for line in lines), lines
    assert any(line.startswith("regions.eastus2.1: Keys should be strings") for line in lines), lines
    assert not any(line.startswith("[") or ".[" in line.split(":")[0] for line in lines), lines


# --- the config model stands alone ------------------------------------------------------------

CONFIG_PACKAGE = Path(__file__).resolve().parents[1] / "constructs" / "dualstack" / "config"
PURE_DATA = {"dualstack.cidr", "dualstack.modes", "dualstack.naming", "dualstack.regions"}


def test_the_config_model_imports_no_construct_or_controller_code() -> None:
    """Only its own modules and the pure-data ones (CIDR maths, the mode table, names, regions)."""
    imported: dict[str, set[str]] = {}
    for path in sorted(CONFIG_PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("dualstack"):
                names = {node.module or ""}
                if node.module == "dualstack":
                    names = {f"dualstack.{alias.name}" for alias in node.names}
                imported.setdefault(path.name, set()).update(names)
    outside = {
        name: sorted(m for m in mods if m not in PURE_DATA and not m.startswith("dualstack.config"))
        for name, mods in imported.items()
    }
    assert {k: v for k, v in outside.items() if v} == {}


def test_no_config_module_is_over_about_400_lines() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in CONFIG_PACKAGE.glob("*.py")}
    assert max(sizes.values()) <= 400, sizes


def test_the_config_names_the_controller_chart_and_ports_the_controller_uses() -> None:
    """The facts the config model states without importing the controller, kept equal to it."""
    from dualstack import ingress_controller
    from dualstack.config.dns import EDGE_PORTS
    from dualstack.config.ingress import PINNED_CONTROLLER_CHART
    from dualstack.region import network

    assert PINNED_CONTROLLER_CHART == ingress_controller.CHART_VERSION
    assert f"the newest stable release, {PINNED_CONTROLLER_CHART}" in (
        Ingress.model_fields["chart_version"].description or ""
    )
    assert Ingress.model_fields["chart_version"].default is None, "unset: the controller's own pin"
    assert {"http": EDGE_PORTS["HTTP"], "https": EDGE_PORTS["HTTPS"]} == ingress_controller.SERVICE_PORTS
    assert [str(EDGE_PORTS["HTTP"]), str(EDGE_PORTS["HTTPS"])] == network.HTTP_PORTS


def test_the_example_is_front_door_and_every_other_config_traffic_manager() -> None:
    assert CONFIGS["frontdoor"].front_door is not None
    assert CONFIGS["frontdoor"].stack_names()[-1] == "edge"
    for stem, config in CONFIGS.items():
        if stem != "frontdoor":
            assert config.edge.kind == "traffic_manager", stem
            assert "edge" not in config.stack_names()


def test_every_example_config_uses_the_staging_server() -> None:
    """Trying an example never burns Let's Encrypt's production rate limits; the one
    exception is the Front Door example, which the config refuses with staging (Front Door
    accepts only a publicly trusted origin certificate)."""
    for stem, config in CONFIGS.items():
        expected = "letsencrypt" if config.front_door is not None else "letsencrypt-staging"
        assert config.tls.issuer == expected, stem
        assert config.tls.email, stem
