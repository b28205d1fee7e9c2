"""Hostile and broken configs, run through the real process (``python main.py``).

Every case is one broken config: a file in ``tests/hostile/`` (its first line is a comment
saying what is wrong) or, where a file in the repository cannot hold it, a path the test
makes: an empty file (no room for a comment), a directory, a path that does not exist, a
character device, and the huge inputs (a 2 MB file, a 10,000-element zones list, a
5,000-character string, a 5,000-digit number), which are generated rather than committed.

Each case runs ``python main.py`` with ``DUALSTACK_CONFIG`` naming the broken config and
``CDKTF_OUTDIR`` naming an output folder left by an earlier run, and asserts what a
hostile input must never break (each run is a new process, forked from an interpreter that
has already imported what ``main.py`` imports: tests/prewarmed.py says what that skips and
where the rest is tested):

* the process finishes within a bound (a hang fails the case) and under a memory cap;
* exit code 2, no ``Traceback`` anywhere, nothing on stdout;
* every stderr line starts with ``error: `` and carries no control characters; every
  problem line names the file; the last line counts the problems and says nothing was
  synthesized; stderr stays small even when the input is huge;
* one line per expected problem that names its field path (or, for YAML-level problems,
  its line and column) and says the key phrase of the message;
* the output folder and everything next to it is unchanged: same files, same bytes, same
  modes and modification times, and no new file or folder (a staging folder, say).

The unit tests of the model are in ``test_config.py``; these are end-to-end. Cases that
expose a bug in the product are marked ``xfail(strict=True)`` with the reproduction in the
reason; they start passing (and so fail as XPASS) once the bug is fixed.
"""

from __future__ import annotations

import hashlib
import os
import sys
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from prewarmed import PrewarmedMain

from dualstack.config.ingress import PINNED_CONTROLLER_CHART

pytestmark = pytest.mark.cli

REPO = Path(__file__).resolve().parents[1]
HOSTILE = Path(__file__).resolve().parent / "hostile"
DEFAULT_CONFIG = REPO / "config" / "default.yaml"
BIN = Path(sys.executable).parent

TIMEOUT = 60.0
"""Bound of one run; a broken config fails in well under a second (before cdktf is imported)."""
FAIL_FAST = 10.0
"""Tighter bound for the inputs built to make a loader hang (alias bomb, endless device)."""
MEMORY_CAP = 1 << 30
"""Address-space limit of the process (RLIMIT_AS); a failing run needs about 200 MB."""
MAX_STDERR = 20_000
"""A huge input must not be echoed back in full."""

LAST_LINE = "error: {n} problem(s) in the config; nothing was synthesized"


# --- cases -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """One expected problem line: about ``where`` (None: the file as a whole), saying ``phrase``.

    ``where`` is a field path (``regions.eastus2.zones``) or, for a YAML-level problem,
    the location the loader prints (``line 6, column 18``).
    """

    where: str | None
    phrase: str


@dataclass(frozen=True)
class Case:
    id: str
    expect: tuple[Expect, ...]
    make: Callable[[Path], Path] | None = None
    """Builds the config path in the given folder; default: ``tests/hostile/<id>.yaml``."""
    timeout: float = TIMEOUT
    bug: str | None = None
    """Why this case fails today (a product bug) and how to reproduce it."""


def E(where: str | None, phrase: str) -> Expect:
    return Expect(where, phrase)


def _minimal(**replace: str) -> str:
    """A small valid config (one region); ``replace`` swaps whole lines by their start."""
    lines = {
        "project": "project: contoso",
        "regions": "regions:\n  eastus2:\n    address_space:\n      ipv4: 10.10.0.0/16\n"
        "      ipv6: fd8e:4a1f:2c00:100::/56",
        "ingress": "ingress:\n  mode: nat64",
        "dns": "dns:\n  zone_name: dualstack.contoso.com",
        "global": "global:\n  location: eastus2",
    }
    lines.update(replace)
    return "\n".join(lines.values()) + "\n"


def _write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def make_empty(folder: Path) -> Path:
    return _write(folder, "empty.yaml", b"")


def make_directory(folder: Path) -> Path:
    path = folder / "config.yaml"
    path.mkdir()
    (path / "inside.yaml").write_text(_minimal())
    return path


def make_nonexistent(folder: Path) -> Path:
    return folder / "no-such-config.yaml"


def make_dev_zero(folder: Path) -> Path:
    path = Path("/dev/zero")
    if not path.exists():
        pytest.skip("no /dev/zero on this system")
    return path


def make_huge_2mb(folder: Path) -> Path:
    text = "# 2 MB: a valid config padded with comment lines past the size limit\n" + _minimal()
    pad = "#" + "x" * 99 + "\n"
    return _write(folder, "huge.yaml", text + pad * ((2 * 1024 * 1024 - len(text)) // len(pad) + 1))


def make_huge_zones(folder: Path) -> Path:
    zones = ", ".join(str(1 + i % 3) for i in range(10_000))
    regions = _minimal().split("\n", 1)[1].split("ingress:")[0].rstrip("\n")
    text = "# zones is a list of 10,000 zones (1, 2, 3 repeated)\n" + _minimal(
        regions=f"{regions}\n    zones: [{zones}]"
    )
    return _write(folder, "zones.yaml", text)


def make_huge_string(folder: Path) -> Path:
    text = "# project is a 5,000-character string\n" + _minimal(project="project: " + "a" * 5000)
    return _write(folder, "long-string.yaml", text)


def make_huge_number(folder: Path) -> Path:
    text = "# log_retention_days is a 5,000-digit number\n" + _minimal(
        **{"global": "global:\n  location: eastus2\n  log_retention_days: " + "9" * 5000}
    )
    return _write(folder, "long-number.yaml", text)


E2 = "regions.eastus2"
ZONE_NAME = "must be a lowercase DNS name of at least two labels"
PROJECT_RULE = "must be 2-10 characters: a lowercase letter, then lowercase letters or digits"
REGISTRY_RULE = "must be 5-50 lowercase letters or digits"
KEY_VAULT_RULE = "must be 3-24 characters: lowercase letters, digits and single hyphens"
NOT_A_REGION = "is not an Azure region with availability zones"
MEANT_EASTUS2 = "did you mean 'eastus2'?"
SERVICE_DEFAULT = (
    "(service_cidrs is AKS's default 10.0.0.0/16, fd12:3456:789a:1::/108; "
    "set regions.eastus2.service_cidrs to other ranges)"
)
ZONE_VALUE = "Input should be 1, 2 or 3"

CASES: list[Case] = [
    # --- YAML syntax -----------------------------------------------------------------
    Case("syntax_unclosed_bracket", (E("line 6, column 18", "YAML syntax error: expected ',' or ']'"),)),
    Case(
        "syntax_bad_indentation",
        (
            E(
                "line 7, column 6",
                "YAML syntax error: expected <block end>, but found '<block mapping start>'",
            ),
        ),
    ),
    Case(
        "syntax_tab_indentation",
        (E("line 5, column 1", "YAML syntax error: found character '\\t' that cannot start any token"),),
    ),
    Case(
        "syntax_unterminated_quote",
        (E("line 8, column 1", "YAML syntax error: found unexpected end of stream"),),
    ),
    # --- what the file is ------------------------------------------------------------
    Case("doc_is_a_list", (E(None, "top level is a YAML sequence; a config is a YAML mapping"),)),
    Case("doc_is_a_scalar", (E(None, "top level is a YAML string; a config is a YAML mapping"),)),
    Case("doc_is_null_only", (E(None, "is empty; a config is a YAML mapping"),)),
    Case("empty_file", (E(None, "is empty; a config is a YAML mapping"),), make=make_empty),
    Case("doc_comment_and_whitespace_only", (E(None, "is empty; a config is a YAML mapping"),)),
    Case("doc_multiple_documents", (E(None, "holds 2 YAML documents; a config is exactly one"),)),
    Case("bytes_latin1", (E(None, "is not UTF-8 text (invalid continuation byte at byte 101)"),)),
    Case("bytes_binary_gzip", (E(None, "is not UTF-8 text (invalid start byte at byte 70)"),)),
    Case(
        "bytes_nul_control",
        (E(None, "is not allowed in YAML"),),
    ),
    Case(
        "directory", (E(None, "is a directory; DUALSTACK_CONFIG must name a YAML file"),), make=make_directory
    ),
    Case("nonexistent", (E(None, "no such file (set DUALSTACK_CONFIG"),), make=make_nonexistent),
    Case(
        "device_dev_zero",
        (E(None, "is not a regular file; DUALSTACK_CONFIG must name a YAML file"),),
        make=make_dev_zero,
        timeout=FAIL_FAST,
    ),
    # --- unknown and misspelt keys at several depths --------------------------------
    Case(
        "unknown_key_top_level",
        (
            E("ingres", "unknown key; allowed here: "),
            E("ingres", "did you mean 'ingress'?"),
        ),
        # one line: "ingress: is required" is implied by the suggestion and not repeated
    ),
    Case(
        "unknown_key_region",
        (E(f"{E2}.zone", "unknown key; allowed here: "), E(f"{E2}.zone", "did you mean 'zones'?")),
    ),
    Case(
        "unknown_key_address_space",
        (E(f"{E2}.address_space.ip4", "unknown key; allowed here: ipv4, ipv6; did you mean 'ipv4'?"),),
    ),
    Case(
        "unknown_key_api_server",
        (
            E(
                "cluster.api_server.authorised_ip_ranges",
                "unknown key; allowed here: authorized_ip_ranges, private; did you mean 'authorized_ip_ranges'?",
            ),
        ),
    ),
    Case(
        "unknown_key_no_close_match",
        (E("global.colour", "unknown key; allowed here: key_vault_name, location"),),
    ),
    # --- wrong types -----------------------------------------------------------------
    Case(
        "type_string_for_int", (E("global.log_retention_days", "Input should be a valid integer (got '90')"),)
    ),
    Case("type_list_for_mapping", (E("dns", "Input should be a valid dictionary"),)),
    Case("type_bool_for_string", (E("dns.app_name", "Input should be a valid string (got True)"),)),
    Case("type_null_for_mapping", (E("regions", "Input should be a valid dictionary (got None)"),)),
    Case(
        "type_float_zones",
        (E(f"{E2}.zones[0]", "Input should be a valid integer (got 1.0)"),),
    ),
    Case(
        "type_kubernetes_version_float",
        (
            E(
                "cluster.kubernetes_version",
                'must be a quoted string such as "1.30" (YAML reads 1.30 as the number 1.3) (got 1.3)',
            ),
        ),
    ),
    Case(
        "type_chart_versions_numbers",
        (
            E(
                "ingress.chart_version",
                f'must be a quoted string such as "{PINNED_CONTROLLER_CHART}" (unquoted, YAML reads 2.7',
            ),
            E("tls.chart_version", 'must be a quoted string such as "v1.21.2" (unquoted, YAML reads 1.21'),
        ),
    ),
    Case(
        "type_maintenance_base60",
        (
            E(
                "cluster.maintenance.start_time",
                'must be a quoted string such as "12:30" (YAML reads an unquoted 12:30 as the base-60 number 750)',
            ),
            E(
                "cluster.maintenance.utc_offset",
                'must be a quoted string such as "+10:00" (YAML reads an unquoted +10:00 as the base-60 number 600)',
            ),
        ),
    ),
    Case(
        "type_bool_zone",
        (E(f"{E2}.zones[0]", "Input should be a valid integer (got True)"),),
    ),
    # --- out-of-range numbers --------------------------------------------------------
    Case("range_log_retention_10", (E("global.log_retention_days", "greater than or equal to 30 (got 10)"),)),
    Case(
        "range_log_retention_100000",
        (E("global.log_retention_days", "less than or equal to 730 (got 100000)"),),
    ),
    Case("range_min_count_0", (E("cluster.system_pool.min_count", "greater than or equal to 1 (got 0)"),)),
    Case(
        "range_huge_int",
        (E("cluster.user_pool.max_count", "less than or equal to 1000 (got 1" + "0" * 30 + ")"),),
    ),
    # --- CIDR rules ------------------------------------------------------------------
    Case(
        "cidr_wrong_family",
        (
            E(f"{E2}.address_space.ipv4", "is an IPv6 network; an IPv4 network is required here"),
            E(f"{E2}.address_space.ipv6", "is an IPv4 network; an IPv6 network is required here"),
        ),
    ),
    Case(
        "cidr_host_bits_set",
        (
            E(f"{E2}.address_space.ipv4", "has host bits set; use the network address 10.10.0.0/16"),
            E(
                f"{E2}.address_space.ipv6",
                "has host bits set; use the network address fd8e:4a1f:2c00:100::/56",
            ),
        ),
    ),
    Case(
        "cidr_regions_overlap_both_families",
        (
            E(
                "regions.swedencentral.address_space.ipv4",
                "overlaps regions.eastus2.address_space.ipv4 10.10.0.0/16",
            ),
            E("regions.swedencentral.address_space.ipv6", "overlaps regions.eastus2.address_space.ipv6"),
        ),
    ),
    Case("tls_bad_email", (E("tls.email", "must be an e-mail address"),)),
    Case(
        "tls_unknown_issuer",
        (E("tls.issuer", "'letsencrypt', 'letsencrypt-staging' or 'none'"),),
    ),
    Case("tls_hsts_without_certificates", (E("tls", "hsts.enabled: true needs certificates"),)),
    Case(
        "hub_overlaps_region_and_service_range",
        (
            E(
                "network.hub.address_space.ipv4[0]",
                "10.10.240.0/22 overlaps regions.eastus2.address_space.ipv4 10.10.0.0/16",
            ),
            E(
                "network.hub.address_space.ipv4[1]",
                "10.0.0.0/24 overlaps regions.eastus2.service_cidrs[0] 10.0.0.0/16",
            ),
            E("network.hub.address_space.ipv6[0]", "overlaps regions.eastus2.address_space.ipv6"),
        ),
    ),
    Case(
        "hub_not_a_vnet_id",
        (
            E("network.hub.virtual_network_id", "must be a virtual network's resource ID"),
            E("network.hub.address_space.ipv4", "at least 1 item"),
        ),
    ),
    Case(
        "cidr_overlay_inside_vnet",
        (
            E(f"{E2}.pod_cidrs[0]", "overlaps the VNet's address_space.ipv4"),
            E(f"{E2}.pod_cidrs[1]", "overlaps the VNet's address_space.ipv6"),
            E(f"{E2}.service_cidrs[0]", "overlaps the VNet's address_space.ipv4"),
            E(f"{E2}.service_cidrs[1]", "overlaps the VNet's address_space.ipv6"),
        ),
    ),
    Case(
        "cidr_pod_overlaps_service", (E(f"{E2}.pod_cidrs[0]", "overlaps service_cidrs[0] 10.244.128.0/17"),)
    ),
    Case("cidr_ipv6_subnet_not_64", (E(f"{E2}.cluster_subnet.ipv6", "must be exactly /64"),)),
    Case("cidr_ipv6_service_oversized", (E(f"{E2}.service_cidrs", "must be /108 or smaller"),)),
    Case("cidr_ipv4_service_12", (E(f"{E2}.service_cidrs", "172.16.0.0/12 must be smaller than /12"),)),
    Case(
        "cidr_subnet_outside_vnet",
        (
            E(f"{E2}.cluster_subnet.ipv4", "lies outside address_space.ipv4 10.10.0.0/16"),
            E(f"{E2}.cluster_subnet.ipv6", "lies outside address_space.ipv6"),
        ),
    ),
    Case(
        "cidr_dns_service_ip_outside",
        (
            E(
                f"{E2}.dns_service_ip",
                "10.1.0.10 must be a usable address inside service_cidrs[0] 10.0.0.0/16",
            ),
        ),
    ),
    Case(
        "cidr_vnet_on_default_service_range",
        (
            E(
                f"{E2}.service_cidrs[0]",
                f"10.0.0.0/16 overlaps the VNet's address_space.ipv4 10.0.0.0/16 {SERVICE_DEFAULT}",
            ),
        ),
    ),
    Case(
        "cidr_no_room_for_endpoint_subnet",
        (
            E(
                f"{E2}.endpoint_subnet",
                "no /26 of address_space.ipv4 10.10.0.0/24 is free beside cluster_subnet.ipv4 10.10.0.0/24 "
                "for the private endpoints (endpoint_subnet is derived when not set); "
                "set regions.eastus2.endpoint_subnet or a smaller cluster_subnet",
            ),
        ),
    ),
    Case(
        "cidr_derived_dns_service_ip_outside",
        (
            E(
                f"{E2}.dns_service_ip",
                "10.0.0.10 must be a usable address inside service_cidrs[0] 10.0.0.0/29 (not its first, "
                "second or last address) (dns_service_ip was derived as the 10th address of "
                "service_cidrs[0]; set regions.eastus2.dns_service_ip to choose it)",
            ),
        ),
    ),
    # --- capacity of the cluster subnet ----------------------------------------------
    Case(
        "capacity_cluster_subnet_too_small",
        (
            E(
                f"{E2}.cluster_subnet.ipv4",
                "10.10.0.0/28 holds 11 node addresses (16 minus the 5 Azure reserves) but the pools may "
                "need 23: system max_count 5 + 2 surge, user max_count 12 + 4 surge (33% max surge); "
                "use a /27 or larger, or lower max_count",
            ),
        ),
    ),
    Case(
        "capacity_derived_cluster_subnet",
        (
            E(
                f"{E2}.cluster_subnet.ipv4",
                "10.10.0.0/25 holds 123 node addresses (128 minus the 5 Azure reserves) but the pools "
                "may need 140: system max_count 5 + 2 surge, user max_count 100 + 33 surge",
            ),
            E(
                f"{E2}.cluster_subnet.ipv4",
                "(cluster_subnet was derived from address_space; set regions.eastus2.cluster_subnet "
                "to choose it)",
            ),
        ),
    ),
    Case(
        "cidr_garbage_strings",
        (
            E(f"{E2}.address_space.ipv4", "is not a valid CIDR; expected an IPv4 network"),
            E(f"{E2}.address_space.ipv6", "must be an IPv6 network in CIDR notation"),
            E(f"{E2}.pod_cidrs[0]", "is not a valid CIDR; expected an IPv4 network"),
            E(f"{E2}.service_cidrs[0]", "is not a valid CIDR; expected an IPv4 network"),
        ),
    ),
    # --- duplicate keys and region names ---------------------------------------------
    Case(
        "duplicate_region_key",
        (E("line 8, column 3", "YAML syntax error: duplicate key 'eastus2' (first at line 4)"),),
    ),
    Case("region_near_miss", (E("regions.eastus-2", NOT_A_REGION), E("regions.eastus-2", MEANT_EASTUS2))),
    Case("region_uppercase", (E("regions.EastUS2", NOT_A_REGION), E("regions.EastUS2", MEANT_EASTUS2))),
    Case(
        "region_near_miss_spellings",
        (
            E("regions.East US 2", MEANT_EASTUS2),
            E("regions.eastus02", MEANT_EASTUS2),
            E("regions.westeuropa", "did you mean 'westeurope'?"),
        ),
    ),
    Case(
        "region_global_location_near_miss",
        (
            E(
                "global.location",
                f"'eastus-2' {NOT_A_REGION} (the registry and vault are zone-redundant); {MEANT_EASTUS2}",
            ),
        ),
    ),
    # --- zones -----------------------------------------------------------------------
    Case("zones_only_one", (E(f"{E2}.zones", "needs at least two of the zones 1, 2, 3"),)),
    Case("zones_four", (E(f"{E2}.zones[1]", f"{ZONE_VALUE} (got 4)"),)),
    Case("zones_duplicate", (E(f"{E2}.zones", "lists a zone twice"),)),
    Case(
        "zones_as_strings",
        (
            E(f"{E2}.zones[0]", "Input should be a valid integer (got '1')"),
            E(f"{E2}.zones[1]", "Input should be a valid integer"),
        ),
    ),
    # --- names that break Azure rules ------------------------------------------------
    Case("name_project_too_long", (E("project", PROJECT_RULE),)),
    Case("name_project_uppercase", (E("project", PROJECT_RULE),)),
    Case("name_project_leading_digit", (E("project", PROJECT_RULE),)),
    Case("name_project_reserved_word", (E("project", "contains the reserved word 'microsoft'"),)),
    Case(
        "name_registry_too_short",
        (E("global.registry_name", "is 4 characters; a container registry name has at least 5"),),
    ),
    Case(
        "name_registry_too_long",
        (E("global.registry_name", "is 51 characters; a container registry name has at most 50"),),
    ),
    Case("name_registry_hyphen", (E("global.registry_name", REGISTRY_RULE),)),
    Case(
        "name_key_vault_too_long",
        (
            E(
                "global.key_vault_name",
                "is 26 characters; a Key Vault name has at most 24 (lowercase letters, digits and single "
                "hyphens, starting with a letter and ending with a letter or digit) "
                "(got 'kv-contoso-dualstack-prod1')",
            ),
        ),
    ),
    Case("name_key_vault_double_hyphen", (E("global.key_vault_name", KEY_VAULT_RULE),)),
    Case("name_key_vault_trailing_hyphen", (E("global.key_vault_name", KEY_VAULT_RULE),)),
    # --- DNS names -------------------------------------------------------------------
    Case("dns_single_label", (E("dns.zone_name", ZONE_NAME),)),
    Case("dns_underscore", (E("dns.zone_name", ZONE_NAME),)),
    Case("dns_label_too_long", (E("dns.zone_name", ZONE_NAME),)),
    Case("dns_trailing_dot", (E("dns.zone_name", ZONE_NAME),)),
    Case("dns_ip_address", (E("dns.zone_name", ZONE_NAME),)),
    # --- Unicode lookalikes ----------------------------------------------------------
    Case("unicode_cyrillic_project", (E("project", "contains the non-ASCII character '\u043e' (U+043E)"),)),
    Case(
        "unicode_cyrillic_region_key",
        (
            E("regions.e\u0430stus2", NOT_A_REGION),
            E("regions.e\u0430stus2", "U+0430"),
            E("regions.e\u0430stus2", MEANT_EASTUS2),
        ),
    ),
    Case("unicode_fullwidth_cidr", (E(f"{E2}.address_space.ipv4", "is not a valid CIDR"),)),
    # --- huge values -----------------------------------------------------------------
    Case("huge_2mb_file", (E(None, "file is larger than 1000000 bytes"),), make=make_huge_2mb),
    Case("huge_10000_zones", (E(f"{E2}.zones", "lists a zone twice"),), make=make_huge_zones),
    Case("huge_5000_char_string", (E("project", PROJECT_RULE),), make=make_huge_string),
    Case(
        "huge_5000_digit_number",
        (E(None, "a value cannot be read"),),
        make=make_huge_number,
    ),
    # --- YAML tricks -----------------------------------------------------------------
    Case(
        "yaml_alias_bomb",
        (
            E(
                "line 14, column 10",
                "YAML syntax error: YAML aliases (*name), anchors and merge keys (<<) are not supported",
            ),
        ),
        timeout=FAIL_FAST,
    ),
    Case(
        "yaml_python_object_tag",
        (
            E(
                "line 2, column 10",
                "could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'",
            ),
        ),
    ),
    # --- modes and the API server ----------------------------------------------------
    Case(
        "mode_dualstack_translator_disabled",
        (E("ingress", "translator_enabled: false has no meaning in dualstack mode"),),
    ),
    Case(
        "mode_dualstack_ipv6_settings",
        (E("ingress.ipv6", "has no meaning in dualstack mode: its one release (ingress-dual)"),),
    ),
    Case(
        "api_public_without_ranges",
        (E("cluster.api_server", "authorized_ip_ranges must list at least one range"),),
    ),
    Case("api_public_whole_internet", (E("cluster.api_server", "must not contain 0.0.0.0/0"),)),
    # --- the edge: Front Door settings and the combinations it cannot serve ---------------
    Case(
        "edge_front_door_staging_certificate",
        (E("tls.issuer", "accepts only a publicly trusted certificate; use letsencrypt"),),
    ),
    Case(
        "edge_front_door_without_tls",
        (E("tls.issuer", "'none' with edge.kind front_door"),),
    ),
    Case(
        "edge_front_door_with_traffic_manager_probe",
        (
            E("dns.health_probe.host", "is a Traffic Manager setting; Front Door probes every origin"),
            E("dns.health_probe.expected_status", "is a Traffic Manager setting"),
        ),
    ),
    Case(
        "edge_origin_without_front_door",
        (E("regions.eastus2.origin", "is a Front Door setting; set edge.kind: front_door"),),
    ),
    Case("edge_unknown_kind", (E("edge", "'traffic_manager', 'front_door'"),)),
    Case("edge_waf_under_traffic_manager", (E("edge.waf", "unknown key; allowed here: kind"),)),
    Case(
        "edge_bad_waf_values",
        (
            E("edge.waf.mode", "'Prevention' or 'Detection'"),
            E("edge.waf.default_rule_set_version", "'2.1' or '2.2'"),
            E("edge.waf.rate_limit.threshold", "greater than or equal to 10"),
            E("edge.waf.rate_limit.duration_minutes", "1 or 5"),
            E("edge.waf.exclusions.SQLI[0].match_variable", "'RequestHeaderNames'"),
            E("edge.waf.exclusions.SQLI[0].operator", "'EqualsAny'"),
            E("edge.waf.exclusions.SQLI[0].selector", "at least 1 character"),
            E("edge.latency_sensitivity_ms", "greater than or equal to 0"),
        ),
    ),
    # --- keys that are not plain strings ---------------------------------------------
    Case(
        "key_unhashable",
        (E("line 12, column 3", "YAML syntax error: a key must be a plain scalar, not a list or mapping"),),
    ),
    Case(
        "key_with_newline",
        (E(None, "unknown key"),),
    ),
    Case(
        "key_with_terminal_escape",
        (E(None, "unknown key"),),
    ),
    Case(
        "key_integer_top_level",
        (E("7", "Keys should be strings"),),
    ),
]

CASE_BY_ID = {case.id: case for case in CASES}


def _params() -> list[Any]:
    out = []
    for case in CASES:
        marks = [pytest.mark.xfail(strict=True, reason=f"BUG: {case.bug}")] if case.bug else []
        out.append(pytest.param(case.id, id=case.id, marks=marks))
    return out


# --- running the process ---------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DUALSTACK_CONFIG", "CDKTF_OUTDIR")}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["CHECKPOINT_DISABLE"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"  # non-ASCII in messages, whatever the machine's locale
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def prewarmed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrewarmedMain]:
    server = PrewarmedMain(_env(), tmp_path_factory.mktemp("prewarmed") / "server.log")
    yield server
    server.close()


def run_main(prewarmed: PrewarmedMain, config: Path, outdir: Path, timeout: float, capture: Path) -> Run:
    """``python main.py`` as a new process in its own process group (forked from a prewarmed
    interpreter, tests/prewarmed.py), its output in ``capture``; a run past ``timeout`` fails
    the test."""
    stdout, stderr = capture / "stdout", capture / "stderr"
    done = prewarmed.run(
        env=_env(DUALSTACK_CONFIG=str(config), CDKTF_OUTDIR=str(outdir)),
        stdout=stdout,
        stderr=stderr,
        timeout=timeout,
        memory_cap=MEMORY_CAP,
    )
    if done.returncode is None:
        pytest.fail(f"python main.py did not finish within {timeout:.0f} s (hang) for {config}")
    out, err = stdout.read_bytes(), stderr.read_bytes()
    return Run(done.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), done.seconds)


# --- the output folder of an earlier run ---------------------------------------------------


def populate_output(root: Path) -> Path:
    """``root/cdktf.out`` as an earlier synthesis and an apply left it, plus state beside it."""
    out = root / "cdktf.out"
    (out / "stacks" / "global").mkdir(parents=True)
    (out / "stacks" / "eastus2").mkdir()
    (out / "manifest.json").write_text('{"version": "0.21.0", "stacks": {"global": {}}}\n')
    (out / "stacks" / "global" / "cdk.tf.json").write_text('{"earlier": true}\n')
    (out / "stacks" / "eastus2" / "cdk.tf.json").write_text('{"earlier": "eastus2"}\n')
    (out / "stacks" / "global" / ".terraform.lock.hcl").write_text("# provider lock\n")
    (root / "terraform.global.tfstate").write_text('{"version": 4, "serial": 7}\n')
    return out


def snapshot(root: Path) -> dict[str, tuple[Any, ...]]:
    """Every path below ``root`` with its kind, mode, and for files size, mtime and SHA-256."""
    found: dict[str, tuple[Any, ...]] = {}
    for path in sorted(root.rglob("*")):
        st = path.lstat()
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[rel] = ("symlink", os.readlink(path))
        elif path.is_dir():
            found[rel] = ("dir", st.st_mode)
        else:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            found[rel] = ("file", st.st_mode, st.st_size, st.st_mtime_ns, digest)
    return found


def _file_digest(path: Path) -> str | None:
    return (
        hashlib.sha256(path.read_bytes()).hexdigest()
        if path.is_file() and path.stat().st_size < 10**8
        else None
    )


def _control_characters(text: str) -> list[str]:
    return sorted({repr(ch) for ch in text if ch != "\n" and unicodedata.category(ch) in ("Cc", "Cf")})


# --- the test --------------------------------------------------------------------------------


@pytest.mark.parametrize("case_id", _params())
def test_hostile_config_fails_cleanly_and_touches_nothing(
    case_id: str, tmp_path: Path, prewarmed: PrewarmedMain
) -> None:
    case = CASE_BY_ID[case_id]
    configs = tmp_path / "configs"
    configs.mkdir()
    config = case.make(configs) if case.make else HOSTILE / f"{case.id}.yaml"
    run_root = tmp_path / "run"
    run_root.mkdir()
    outdir = populate_output(run_root)
    before = snapshot(run_root)
    config_before = _file_digest(config) if config.is_relative_to(HOSTILE) else None

    run = run_main(prewarmed, config, outdir, case.timeout, tmp_path)

    both = run.stdout + run.stderr
    accepted = run.returncode == 0 or "dualstack/synth.py" in both or "import synthesize" in both
    assert not accepted, (
        f"the config was ACCEPTED: it passed validation and synthesis started:\n{both[-1500:]}"
    )
    assert "Traceback" not in both, f"traceback (exit {run.returncode}):\n{both[-3000:]}"
    assert run.returncode == 2, f"exit {run.returncode}, expected 2:\n{both[-3000:]}"
    assert run.stdout == "", f"a failed run printed to stdout:\n{run.stdout[-3000:]}"
    assert len(run.stderr) <= MAX_STDERR, f"{len(run.stderr)} characters on stderr (huge input echoed?)"

    lines = run.stderr.splitlines()
    assert len(lines) >= 2, f"expected problem lines and a summary line:\n{run.stderr}"
    stray = [line for line in lines if not line.startswith("error: ")]
    assert not stray, f"stderr lines without the 'error: ' prefix: {stray!r}"
    controls = _control_characters(run.stderr)
    assert not controls, f"control characters reach the terminal: {controls}"

    *problems, last = lines
    assert last == LAST_LINE.format(n=len(problems)), f"last line: {last!r} ({len(problems)} problem lines)"
    prefix = f"error: {config}: "
    assert all(line.startswith(prefix) for line in problems), (
        f"a problem line does not name {config}: {problems!r}"
    )

    for expected in case.expect:
        head = prefix if expected.where is None else f"{prefix}{expected.where}: "
        matching = [line for line in problems if line.startswith(head) and expected.phrase in line]
        assert matching, f"no line starts with {head!r} and says {expected.phrase!r}; got:\n" + "\n".join(
            problems
        )

    assert snapshot(run_root) == before, "the output folder or its neighbours changed"
    if config_before is not None:
        assert _file_digest(config) == config_before, "the config file itself changed"
    assert run.seconds < case.timeout


# --- the suite itself --------------------------------------------------------------------------


def test_every_hostile_file_is_a_case_and_says_what_is_wrong() -> None:
    files = {path.stem for path in HOSTILE.glob("*.yaml")}
    file_cases = {case.id for case in CASES if case.make is None}
    assert files == file_cases, (
        f"files without a case: {files - file_cases}; cases without a file: {file_cases - files}"
    )
    assert not [p.name for p in HOSTILE.iterdir() if p.suffix != ".yaml"], "only .yaml files in tests/hostile"
    for path in sorted(HOSTILE.glob("*.yaml")):
        first = path.read_bytes().split(b"\n", 1)[0]
        assert first.startswith(b"# ") and len(first) > 10, f"{path.name}: first line must say what is wrong"


def test_suite_size() -> None:
    assert len(CASES) == len(CASE_BY_ID), "duplicate case ids"
    assert len(CASES) >= 45
