"""``tools/validate.py``: ``terraform validate`` with the real providers on every stack.

The pure parts (diagnostic lines, range -> block address, the skip decision, version
constraints, severities) are tested here without Terraform; ``validate_stack`` runs against a
fake ``terraform`` script for the exit-status paths. One integration test runs the real Terraform
CLI with the real azurerm provider on a hand-written stack, from the filesystem mirror that
``DUALSTACK_PROVIDER_MIRROR`` names (a mirror a user points at); without one it is skipped, with
the reason, since no provider can be downloaded offline. ``make validate`` runs the tool on every
synthesized stack; nothing here re-synthesizes a config.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from synthhelp import REPO, Synthesized, load_tool

TOOL = REPO / "tools" / "validate.py"
AZURERM = "registry.terraform.io/hashicorp/azurerm"


validate = load_tool("validate")


# --- diagnostic lines -------------------------------------------------------------------------


def test_diagnostic_line_has_stack_severity_address_summary_and_detail() -> None:
    diag = validate.Diagnostic(
        severity="warning",
        address="resource.azurerm_key_vault.vault",
        summary="Argument is deprecated",
        detail="`enable_rbac_authorization` has been deprecated\n  in favour of\t`rbac_authorization_enabled`",
    )
    assert diag.line("default/global") == (
        "default/global: warning: resource.azurerm_key_vault.vault: Argument is deprecated: "
        "`enable_rbac_authorization` has been deprecated in favour of `rbac_authorization_enabled`"
    )


def test_diagnostic_line_without_detail_ends_with_the_summary() -> None:
    diag = validate.Diagnostic("error", "resource.azurerm_public_ip.pip", "expected sku to be one of", " \n")
    assert diag.line("nat46/westeurope") == (
        "nat46/westeurope: error: resource.azurerm_public_ip.pip: expected sku to be one of"
    )


# --- range -> address -------------------------------------------------------------------------

# Written the way cdktf writes cdk.tf.json (indent 2), with the parts that matter: metadata
# ("//"), a provider list with an alias, resources and data sources of several types, an output.
STACK_DOC: dict[str, Any] = {
    "//": {"metadata": {"stackName": "global", "version": "0.21.0"}},
    "data": {"azurerm_client_config": {"current": {"//": {"metadata": {"path": "global/current"}}}}},
    "output": {"vault_id": {"value": "${azurerm_key_vault.vault.id}", "sensitive": True}},
    "provider": {
        "azurerm": [
            {"features": [{}], "storage_use_azuread": True},
            {"alias": "dns", "features": [{}], "subscription_id": "sub-dns"},
        ]
    },
    "resource": {
        "azurerm_key_vault": {
            "vault": {"name": "kv-a", "sku_name": "standard", "network_acls": {"default_action": "Deny"}}
        },
        "azurerm_resource_group": {
            "rg": {"name": "rg-a", "location": "eastus2", "tags": {'escaped "key"': "caf\u00e9 {"}}
        },
    },
    "terraform": {"required_providers": {"azurerm": {"source": "azurerm", "version": "4.55.0"}}},
}
STACK_TEXT = json.dumps(STACK_DOC, indent=2, ensure_ascii=False) + "\n"
STACK_BYTES = STACK_TEXT.encode("utf-8")

# (a unique text on the line a diagnostic would point at, the address of its block)
EXPECTED = [
    ('"sku_name": "standard"', "resource.azurerm_key_vault.vault"),
    ('"default_action": "Deny"', "resource.azurerm_key_vault.vault"),
    ('"vault": {', "resource.azurerm_key_vault.vault"),
    ('"location": "eastus2"', "resource.azurerm_resource_group.rg"),
    ('"escaped \\"key\\"": "café {"', "resource.azurerm_resource_group.rg"),
    ('"path": "global/current"', "data.azurerm_client_config.current"),
    ('"storage_use_azuread": true', "provider.azurerm"),
    ('"subscription_id": "sub-dns"', "provider.azurerm.dns"),
    ('"sensitive": true', "output.vault_id"),
    ('"version": "4.55.0"', "terraform"),
]


def _line_of(text: str, needle: str) -> int:
    (line,) = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return line


@pytest.mark.parametrize(("needle", "address"), EXPECTED)
def test_a_line_maps_to_its_enclosing_block(needle: str, address: str) -> None:
    amap = validate.AddressMap(STACK_BYTES)
    assert amap.address_at(line=_line_of(STACK_TEXT, needle)) == address


@pytest.mark.parametrize(("needle", "address"), EXPECTED)
def test_a_byte_offset_maps_to_its_block_even_in_one_line_json(needle: str, address: str) -> None:
    """With a byte offset the file's layout does not matter: the same document on one line."""
    compact = json.dumps(STACK_DOC, ensure_ascii=False).encode("utf-8")
    assert b"\n" not in compact
    amap = validate.AddressMap(compact)
    offset = compact.index(needle.encode("utf-8"))
    assert amap.address_at(offset=offset) == address
    assert amap.line_of(offset) == 1


def test_lines_outside_every_block_map_to_nothing() -> None:
    amap = validate.AddressMap(STACK_BYTES)
    assert amap.address_at(line=1) is None  # the opening brace
    assert amap.address_at(line=10_000) is None
    assert amap.address_at() is None


def test_parse_diagnostics_maps_ranges_and_falls_back_without_one(tmp_path: Path) -> None:
    (tmp_path / "cdk.tf.json").write_bytes(STACK_BYTES)
    line = _line_of(STACK_TEXT, '"sku_name": "standard"')
    byte = STACK_BYTES.index(b'"subscription_id"')
    report: dict[str, Any] = {
        "valid": False,
        "diagnostics": [
            {
                "severity": "error",
                "summary": 'expected sku_name to be one of ["standard" "premium"], got bogus',
                "detail": "",
                "range": {"filename": "cdk.tf.json", "start": {"line": line, "column": 9}},
            },
            {
                "severity": "warning",
                "summary": "Argument is deprecated",
                "detail": "gone in v5.0",
                "range": {"filename": "cdk.tf.json", "start": {"line": 1, "column": 1, "byte": byte}},
            },
            {"severity": "error", "summary": "Invalid provider configuration", "detail": "no range"},
            {"severity": "error", "summary": "from terraform", "address": "azurerm_subnet.s"},
            {
                "severity": "error",
                "summary": "elsewhere",
                "range": {"filename": "other.tf.json", "start": {"line": 7, "byte": 3}},
            },
        ],
    }
    got = [(d.severity, d.address, d.summary, d.detail) for d in validate.parse_diagnostics(report, tmp_path)]
    assert got == [
        ("error", "resource.azurerm_key_vault.vault", report["diagnostics"][0]["summary"], ""),
        ("warning", "provider.azurerm.dns", "Argument is deprecated", "gone in v5.0"),
        ("error", "-", "Invalid provider configuration", "no range"),
        ("error", "azurerm_subnet.s", "from terraform", ""),
        ("error", "other.tf.json:7", "elsewhere", ""),
    ]


def test_block_spans_cover_exactly_each_resource_of_every_synthesized_stack(
    synthesized_configs: dict[str, Synthesized],
) -> None:
    """On the real cdk.tf.json files: each resource's span is its own JSON member, key included,
    and its first, middle and last lines map back to its address."""
    checked = 0
    for synthesized in synthesized_configs.values():
        for stack in synthesized.stacks.values():
            data = stack.text.encode("utf-8")
            doc = stack.json
            spans = {s.path: s for s in validate.block_spans(data)}
            amap = validate.AddressMap(data)
            for block in ("resource", "data"):
                for rtype, items in doc.get(block, {}).items():
                    for name, body in items.items():
                        span = spans[(block, rtype, name)]
                        assert json.loads(b"{" + data[span.start : span.end] + b"}") == {name: body}
                        first, last = amap.line_of(span.start), amap.line_of(span.end - 1)
                        for line in (first, (first + last) // 2, last):
                            assert amap.address_at(line=line) == f"{block}.{rtype}.{name}"
                        checked += 1
    assert checked > 100


# --- the skip decision ------------------------------------------------------------------------


def _fake_mirror(root: Path) -> Path:
    """azurerm 4.55.0 unpacked for linux_amd64, random 3.6.0 packed, an empty helm version folder,
    and kubernetes 2.38.0 for another platform only."""
    unpacked = root / "registry.terraform.io/hashicorp/azurerm/4.55.0/linux_amd64"
    unpacked.mkdir(parents=True)
    (unpacked / "terraform-provider-azurerm_v4.55.0").write_text("binary")
    packed = root / "registry.terraform.io/hashicorp/random"
    packed.mkdir(parents=True)
    with zipfile.ZipFile(packed / "terraform-provider-random_3.6.0_linux_amd64.zip", "w") as z:
        z.writestr("terraform-provider-random_v3.6.0", "binary")
    (root / "registry.terraform.io/hashicorp/helm/3.1.1/linux_amd64").mkdir(parents=True)
    other = root / "registry.terraform.io/hashicorp/kubernetes/2.38.0/darwin_arm64"
    other.mkdir(parents=True)
    (other / "terraform-provider-kubernetes_v2.38.0").write_text("binary")
    (root / ".installed").write_text("")
    return root


def test_mirror_index_reads_both_layouts_for_this_platform_only(tmp_path: Path) -> None:
    index = validate.mirror_index(_fake_mirror(tmp_path), "linux_amd64")
    assert index == {AZURERM: {"4.55.0"}, "registry.terraform.io/hashicorp/random": {"3.6.0"}}


def test_required_providers_include_implied_ones_and_leave_out_the_builtin() -> None:
    doc = {
        "terraform": {
            "required_providers": {
                "azurerm": {"source": "azurerm", "version": "4.55.0"},
                "helm": {"source": "hashicorp/helm", "version": "3.1.1"},
                "kubernetes": {"source": "registry.terraform.io/hashicorp/kubernetes", "version": "2.38.0"},
                "legacy": "~> 1.2",
            }
        },
        "provider": {"azuread": [{}]},
        "resource": {"random_id": {"x": {}}, "azurerm_resource_group": {"rg": {"provider": "azurerm.dns"}}},
        "data": {"terraform_remote_state": {"global": {"backend": "local"}}},
    }
    labels = [r.label() for r in validate.required_providers(doc)]
    assert labels == [
        "hashicorp/azuread (any version)",
        "hashicorp/azurerm 4.55.0",
        "hashicorp/helm 3.1.1",
        "hashicorp/kubernetes 2.38.0",
        "hashicorp/legacy ~> 1.2",
        "hashicorp/random (any version)",
    ]


@pytest.mark.parametrize(
    ("needs", "missing"),
    [
        ({"azurerm": "4.55.0"}, []),
        ({"azurerm": "~> 4.50"}, []),
        ({"azurerm": ">= 4.0, < 5.0"}, []),
        ({"azurerm": ""}, []),
        ({"azurerm": "4.56.0"}, ["hashicorp/azurerm 4.56.0"]),
        ({"azurerm": "~> 4.55.1"}, ["hashicorp/azurerm ~> 4.55.1"]),
        ({"random": "3.6.0"}, []),
        ({"helm": "3.1.1"}, ["hashicorp/helm 3.1.1"]),  # folder there, binary not
        ({"kubernetes": "2.38.0"}, ["hashicorp/kubernetes 2.38.0"]),  # other platform only
        (
            {"azurerm": "4.55.0", "kubernetes": "2.38.0", "helm": "3.1.1"},
            ["hashicorp/helm 3.1.1", "hashicorp/kubernetes 2.38.0"],
        ),
    ],
)
def test_missing_providers(needs: dict[str, str], missing: list[str], tmp_path: Path) -> None:
    doc = {"terraform": {"required_providers": {n: {"source": n, "version": v} for n, v in needs.items()}}}
    index = validate.mirror_index(_fake_mirror(tmp_path), "linux_amd64")
    assert validate.missing_providers(validate.required_providers(doc), index) == missing


@pytest.mark.parametrize(
    ("version", "constraint", "expected"),
    [
        ("4.55.0", "4.55.0", True),
        ("4.55.0", "= 4.55.0", True),
        ("4.55.0", "!= 4.55.0", False),
        ("4.55.0", "~> 4.55", True),
        ("4.55.0", "~> 4.0", True),
        ("5.0.0", "~> 4.0", False),
        ("4.55.3", "~> 4.55.0", True),
        ("4.56.0", "~> 4.55.0", False),
        ("4.55.0", ">= 4.50.0, < 4.55.0", False),
        ("4.55.0", ">4.54,<=4.55", True),
        ("4.55.0-beta1", ">= 4.0", False),
        ("4.55.0-beta1", "4.55.0-beta1", True),
        ("4.55.0", "latest", None),
        ("not-a-version", "4.55.0", None),
    ],
)
def test_version_matches(version: str, constraint: str, expected: bool | None) -> None:
    assert validate.version_matches(version, constraint) is expected


# --- validate_stack against a fake terraform: severities and failed commands ------------------


def _fake_terraform(tmp_path: Path, report: dict[str, Any] | None, rc: int = 0, init_rc: int = 0) -> Any:
    """A Terraform whose executable prints ``report`` for ``validate`` and logs its calls."""
    script = tmp_path / "fake-terraform"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        "with open(os.environ['FAKE_LOG'], 'a') as f: f.write(' '.join(sys.argv[1:]) + '\\n')\n"
        "if sys.argv[1] == 'init':\n"
        "    print('Error: Failed to query available provider packages', file=sys.stderr)\n"
        f"    sys.exit({init_rc})\n"
        "print(os.environ['FAKE_REPORT'])\n"
        f"sys.exit({rc})\n"
    )
    script.chmod(0o755)
    env = dict(os.environ, FAKE_REPORT=json.dumps(report), FAKE_LOG=str(tmp_path / "calls.log"))
    return validate.Terraform(
        executable=str(script), env=env, version="fake", platform="linux_amd64", mirror=None, available=None
    )


def _stack_dir(tmp_path: Path, doc: dict[str, Any] | None = None) -> Path:
    stack = tmp_path / "stack"
    stack.mkdir()
    (stack / "cdk.tf.json").write_bytes(STACK_BYTES if doc is None else json.dumps(doc, indent=2).encode())
    (stack / ".terraform.lock.hcl").write_text("# stale, from another provider source\n")
    return stack


def test_a_warning_alone_fails_the_stack_and_the_run(tmp_path: Path) -> None:
    """terraform validate exits 0 and says valid for a deprecation; the tool still fails."""
    byte = STACK_BYTES.index(b'"sku_name"')
    report = {
        "valid": True,
        "error_count": 0,
        "warning_count": 1,
        "diagnostics": [
            {
                "severity": "warning",
                "summary": "Argument is deprecated",
                "detail": "use something else",
                "range": {"filename": "cdk.tf.json", "start": {"line": 1, "byte": byte}},
            }
        ],
    }
    stack = _stack_dir(tmp_path)
    result = validate.validate_stack(_fake_terraform(tmp_path, report), "default/global", stack)
    assert not result.ok
    assert result.lines()[1:] == [
        "default/global: warning: resource.azurerm_key_vault.vault: Argument is deprecated: use something else"
    ]
    assert result.lines()[0].startswith("default/global: FAILED, 1 problem (")
    assert not validate.passed([result])
    assert validate.summary([result], 1.0).startswith(
        "validate: 1 stacks validated, 0 skipped, 1 diagnostics (0 errors, 1 warnings)"
    )
    assert validate.summary([result], 1.0).endswith(": FAILED")
    assert not (stack / ".terraform.lock.hcl").exists()  # removed before init
    calls = (tmp_path / "calls.log").read_text().splitlines()
    assert calls == ["init -backend=false -input=false -no-color", "validate -json -no-color"]


def test_no_diagnostics_passes(tmp_path: Path) -> None:
    report = {"valid": True, "error_count": 0, "warning_count": 0, "diagnostics": []}
    result = validate.validate_stack(
        _fake_terraform(tmp_path, report), "default/global", _stack_dir(tmp_path)
    )
    assert result.ok
    assert result.resources == 3
    assert len(result.lines()) == 1
    assert result.lines()[0].startswith("default/global: ok (3 resources; init ")
    skipped = validate.StackResult("default/eastus2-workloads", skipped="providers not in the mirror: x")
    assert validate.passed([result, skipped])
    assert validate.summary([result, skipped], 2.0) == (
        "validate: 1 stacks validated, 1 skipped, 0 diagnostics (0 errors, 0 warnings) in 2.0 s: OK"
    )


def test_a_run_that_skipped_every_stack_fails() -> None:
    skipped = validate.StackResult("default/global", skipped="providers not in the mirror: x")
    assert not validate.passed([skipped])
    assert validate.summary([skipped], 1.0).endswith("no stack validated at all in 1.0 s: FAILED")


def test_a_failing_init_or_an_invalid_report_without_diagnostics_fails(tmp_path: Path) -> None:
    result = validate.validate_stack(
        _fake_terraform(tmp_path, None, init_rc=1), "default/global", _stack_dir(tmp_path)
    )
    assert not result.ok
    assert result.lines()[0].startswith("default/global: FAILED, 1 problem (3 resources; init ")
    assert "validate" not in result.lines()[0]
    assert result.lines()[1:] == [
        "default/global: error: terraform init failed (exit 1): Error: Failed to query available provider packages"
    ]
    assert not validate.passed([result])
    assert validate.summary([result], 1.0) == (
        "validate: 0 stacks validated, 0 skipped, 1 not validated (a terraform command failed), "
        "0 diagnostics (0 errors, 0 warnings), no stack validated at all in 1.0 s: FAILED"
    )
    shutil.rmtree(tmp_path / "stack")
    report = {"valid": False, "diagnostics": []}
    result = validate.validate_stack(_fake_terraform(tmp_path, report, rc=1), "x/y", _stack_dir(tmp_path))
    assert result.problems == ["terraform validate exited 1 without an error diagnostic"]


def test_a_stack_needing_a_provider_the_mirror_lacks_is_skipped_without_running_terraform(
    tmp_path: Path,
) -> None:
    doc = {
        "terraform": {
            "required_providers": {
                "azurerm": {"source": "azurerm", "version": "4.55.0"},
                "kubernetes": {"source": "kubernetes", "version": "2.38.0"},
                "helm": {"source": "helm", "version": "3.1.1"},
            }
        },
        "resource": {"helm_release": {"r": {"name": "r", "chart": "c"}}},
    }
    tf = validate.Terraform(
        executable=str(tmp_path / "no-such-terraform"),  # running it would raise
        env={},
        version="fake",
        platform="linux_amd64",
        mirror=tmp_path,
        available=validate.mirror_index(_fake_mirror(tmp_path / "mirror"), "linux_amd64"),
    )
    result = validate.validate_stack(tf, "default/eastus2-workloads", _stack_dir(tmp_path, doc))
    assert result.lines() == [
        "default/eastus2-workloads: skipped: providers not in the mirror: "
        "hashicorp/helm 3.1.1, hashicorp/kubernetes 2.38.0"
    ]
    assert result.ok  # a skip is not a failure on its own
    assert not (tmp_path / "stack" / ".terraform").exists()


def test_cli_config_names_only_the_mirror() -> None:
    text = validate.cli_config(Path("/srv/mirror dir/x"))
    assert text == (
        'provider_installation {\n  filesystem_mirror {\n    path = "/srv/mirror dir/x"\n  }\n}\n'
    )


# --- the command line -------------------------------------------------------------------------


def _run_tool(tmp_path: Path, path_dirs: list[Path], **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != validate.MIRROR_ENV}
    full_env.update(PATH=os.pathsep.join(map(str, path_dirs)), **env)
    return subprocess.run(
        [sys.executable, str(TOOL), "--workdir", str(tmp_path / "work")],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_without_terraform_on_path_it_fails_with_one_clear_line(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    proc = _run_tool(tmp_path, [empty])
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "validate: error: terraform not found on PATH: install the Terraform CLI (a prerequisite)"
    ]
    assert not (tmp_path / "work").exists()  # nothing synthesized


def test_a_mirror_that_is_not_a_folder_fails_before_synthesis(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "terraform"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    proc = _run_tool(tmp_path, [bin_dir], **{validate.MIRROR_ENV: str(tmp_path / "nowhere")})
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"validate: error: provider mirror {tmp_path / 'nowhere'} is not a folder"
    ]
    assert not (tmp_path / "work" / "default").exists()


# --- the real provider, from a mirror a user points at ---------------------------------------


@pytest.fixture(scope="module")
def real_mirror() -> Path:
    """The filesystem provider mirror ``DUALSTACK_PROVIDER_MIRROR`` names, with azurerm 4.55.0
    for this platform; the test skips, saying why, where there is none."""
    named = os.environ.get(validate.MIRROR_ENV)
    if not named:
        pytest.skip(
            f"no provider mirror: set {validate.MIRROR_ENV} to a filesystem mirror with azurerm 4.55.0"
        )
    mirror = Path(named)
    if "4.55.0" not in validate.mirror_index(mirror, "linux_amd64").get(AZURERM, set()):
        pytest.skip(f"{mirror}: no {AZURERM} 4.55.0 for linux_amd64 in this mirror")
    if shutil.which("terraform") is None:
        pytest.fail("terraform is not on PATH (a prerequisite; see README)", pytrace=False)
    return mirror


def _azurerm_stack(sku: str, deprecated: bool) -> dict[str, Any]:
    workspace: dict[str, Any] = {
        "name": "law-validate-test",
        "location": "eastus2",
        "resource_group_name": "${azurerm_resource_group.rg.name}",
    }
    if deprecated:
        workspace["local_authentication_disabled"] = True  # deprecated in 4.x, for ..._enabled
    return {
        "provider": {"azurerm": [{"features": [{}]}]},
        "resource": {
            "azurerm_log_analytics_workspace": {"law": workspace},
            "azurerm_public_ip": {
                "pip": {
                    "name": "pip-validate-test",
                    "location": "eastus2",
                    "resource_group_name": "${azurerm_resource_group.rg.name}",
                    "allocation_method": "Static",
                    "sku": sku,
                }
            },
            "azurerm_resource_group": {"rg": {"name": "rg-validate-test", "location": "eastus2"}},
        },
        "terraform": {"required_providers": {"azurerm": {"source": "azurerm", "version": "4.55.0"}}},
    }


@pytest.mark.slow(3)
def test_the_real_provider_reports_an_invalid_enum_and_a_deprecation(
    real_mirror: Path, tmp_path: Path
) -> None:
    bad, good = tmp_path / "bad", tmp_path / "good"
    for folder, doc in ((bad, _azurerm_stack("Bogus", True)), (good, _azurerm_stack("Standard", False))):
        folder.mkdir()
        (folder / "cdk.tf.json").write_text(json.dumps(doc, indent=2))
    with validate.terraform_session(real_mirror) as tf:
        assert tf.available[AZURERM] == {"4.55.0"}
        result = validate.validate_stack(tf, "case/bad", bad)
        passing = validate.validate_stack(tf, "case/good", good)

    assert not result.problems
    by_severity = {(d.severity, d.address) for d in result.diagnostics}
    assert by_severity == {
        ("error", "resource.azurerm_public_ip.pip"),
        ("warning", "resource.azurerm_log_analytics_workspace.law"),
    }, result.lines()
    (error,) = [d for d in result.diagnostics if d.severity == "error"]
    assert "Bogus" in error.summary and "sku" in error.summary
    assert error.line("case/bad").startswith("case/bad: error: resource.azurerm_public_ip.pip: expected sku")
    (warning,) = [d for d in result.diagnostics if d.severity == "warning"]
    assert "local_authentication_disabled" in warning.detail
    assert not validate.passed([result])

    assert passing.ok and not passing.skipped, passing.lines()
    assert passing.diagnostics == []
    assert passing.lines()[0].startswith("case/good: ok (3 resources; ")
    assert validate.passed([passing])
    # The provider is linked from the mirror, never copied into the stack's folder.
    installed = good / ".terraform/providers" / AZURERM / "4.55.0" / tf.platform
    assert installed.is_symlink()
    assert installed.resolve() == (real_mirror / AZURERM / "4.55.0" / tf.platform).resolve()
