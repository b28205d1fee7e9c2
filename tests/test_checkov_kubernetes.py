"""Checkov's Kubernetes framework over what every workloads stack of every config puts into its
cluster: the rendered objects of every Helm release and the ``kubernetes_*`` resources as
objects (tests/k8shelp.py). Zero failed; every skip is listed per object, with its reason, in
tools/checkov/kubernetes-skips.yaml, and applied here so skipped checks still count.

One Checkov run per config (one file per workloads stack), from the locked ``.checkov-venv``.
"""

from __future__ import annotations

import fnmatch
import json
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import k8shelp
import pytest
import yaml
from synthhelp import CONFIG_FILES, REPO, OncePerRun, Synthesized

CHECKOV = REPO / ".checkov-venv" / "bin" / "checkov"
SKIP_FILE = REPO / "tools" / "checkov" / "kubernetes-skips.yaml"
CONFIGS = [p.stem for p in CONFIG_FILES]


@dataclass(frozen=True)
class Skip:
    check: str
    objects: tuple[str, ...]
    reason: str

    def covers(self, check: str, resource: str) -> str | None:
        """The object pattern that covers ``resource`` for ``check``, if any."""
        if check != self.check:
            return None
        return next((p for p in self.objects if fnmatch.fnmatchcase(resource, p)), None)


def read_skips(path: Path = SKIP_FILE) -> list[Skip]:
    doc = yaml.safe_load(path.read_text())
    assert set(doc) == {"skips"}, f"{path.name}: only 'skips'"
    out = []
    for entry in doc["skips"]:
        assert set(entry) == {"check", "objects", "reason"}, entry
        assert len(entry["reason"].split()) >= 10, f"{entry['check']}: a reason, not a word"
        for pattern in entry["objects"]:
            assert pattern.count(".") >= 2, f"{pattern}: Kind.namespace.name"
            # A wildcard stands only for a controller release's family.
            assert pattern.replace("ingress-*-", "ingress-X-").count("*") == 0, pattern
        out.append(Skip(entry["check"], tuple(entry["objects"]), entry["reason"]))
    return out


@dataclass(frozen=True)
class Finding:
    stack: str
    check: str
    resource: str
    outcome: str  # passed, failed, skipped (by the skip file)


@dataclass(frozen=True)
class Scan:
    findings: list[Finding]
    used: set[tuple[str, str]]  # (check, object pattern) that covered a failed check
    objects: int
    parse_errors: list[str]


def scan(synth: Synthesized, folder: Path, skips: list[Skip]) -> Scan:
    if not CHECKOV.is_file():
        pytest.fail(".checkov-venv is missing: run `make install`", pytrace=False)
    folder.mkdir(parents=True)
    objects = 0
    for stack in synth.workloads():
        docs = [k8shelp.strip_address(o) for o in k8shelp.stack_objects(stack)]
        objects += len(docs)
        (folder / f"{stack.name}.yaml").write_text(yaml.safe_dump_all(docs, sort_keys=True))
    home = folder.parent / "home"
    home.mkdir()
    env = dict(os.environ, BC_SKIP_MAPPING="TRUE", CKV_SKIP_PACKAGE_UPDATE_CHECK="TRUE", HOME=str(home))
    proc = subprocess.run(
        [str(CHECKOV), "-d", str(folder), "--framework", "kubernetes", "--skip-download", "-o", "json"],
        cwd=home,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    report: dict[str, Any] = json.loads(proc.stdout)
    assert report["check_type"] == "kubernetes"
    findings, used = [], set()
    for key, outcome in (("passed_checks", "passed"), ("failed_checks", "failed")):
        for result in report["results"][key]:
            stack_name = Path(result["file_path"]).stem
            check, resource = result["check_id"], result["resource"]
            here = outcome
            if outcome == "failed":
                for skip in skips:
                    pattern = skip.covers(check, resource)
                    if pattern:
                        used.add((check, pattern))
                        here = "skipped"
            findings.append(Finding(stack_name, check, resource, here))
    assert not report["results"]["skipped_checks"], "skips belong in the skip file, not in annotations"
    return Scan(findings, used, objects, list(report["results"].get("parsing_errors", [])))


@pytest.fixture(scope="session")
def k8s_scan(
    synthesized_configs: dict[str, Synthesized],
    tmp_path_factory: pytest.TempPathFactory,
    once_per_run: OncePerRun,
) -> Callable[[str], Scan]:
    """The scan of one config, made once per test run (by one xdist worker when there are several)."""
    skips = read_skips()

    def get(config: str) -> Scan:
        def compute() -> Scan:
            folder = tmp_path_factory.mktemp(f"checkov-k8s-{config}") / "objects"
            return scan(synthesized_configs[config], folder, skips)

        return once_per_run(f"checkov-k8s-{config}", compute)

    return get


@pytest.fixture(scope="session")
def k8s_scans(k8s_scan: Callable[[str], Scan]) -> dict[str, Scan]:
    return {config: k8s_scan(config) for config in CONFIGS}


@pytest.mark.parametrize("config", CONFIGS)
def test_checkov_kubernetes_finds_nothing_unjustified(config: str, k8s_scan: Callable[[str], Scan]) -> None:
    result = k8s_scan(config)
    assert result.parse_errors == []
    failed = sorted(f"{f.stack} {f.check} {f.resource}" for f in result.findings if f.outcome == "failed")
    assert failed == [], f"config/{config}.yaml: checks failed that no skip covers:\n" + "\n".join(failed)
    stacks = {f.stack for f in result.findings}
    assert len(stacks) == len(CONFIGS_REGIONS[config]), "every workloads stack was scanned"
    passed = [f for f in result.findings if f.outcome == "passed"]
    skipped = [f for f in result.findings if f.outcome == "skipped"]
    print(
        f"checkov kubernetes, config/{config}.yaml: {result.objects} objects, {len(passed)} passed, "
        f"0 failed, {len(skipped)} skipped"
    )
    # The checks the skips do not cover ran and passed on these objects, among them the network
    # policy check (every pod has one) and the security context checks.
    for check in ("CKV2_K8S_6", "CKV_K8S_20", "CKV_K8S_22", "CKV_K8S_23", "CKV_K8S_28", "CKV_K8S_37"):
        assert any(f.check == check for f in passed), check
        assert not any(f.check == check and f.outcome != "passed" for f in result.findings), check


def test_every_skip_covers_an_object(k8s_scans: dict[str, Scan]) -> None:
    used = set().union(*(s.used for s in k8s_scans.values()))
    declared = {(s.check, p) for s in read_skips() for p in s.objects}
    assert sorted(declared - used) == [], "skips that matched no failed check in any config"


def test_a_skip_names_objects_not_checks(tmp_path: Path) -> None:
    path = tmp_path / "skips.yaml"
    path.write_text(
        "skips:\n  - check: CKV_K8S_43\n    objects: ['Deployment.*.*']\n"
        "    reason: a reason long enough to pass the word count of the reader here\n"
    )
    with pytest.raises(AssertionError, match=r"Deployment\.\*\.\*"):
        read_skips(path)


def test_a_skip_covers_only_its_check_and_objects() -> None:
    skip = Skip("CKV_K8S_40", ("Deployment.ingress-nginx.ingress-*-nginx-ingress-controller",), "r")
    assert skip.covers("CKV_K8S_40", "Deployment.ingress-nginx.ingress-ipv6-nginx-ingress-controller")
    assert not skip.covers("CKV_K8S_43", "Deployment.ingress-nginx.ingress-ipv6-nginx-ingress-controller")
    assert not skip.covers("CKV_K8S_40", "Deployment.echo.echo")


CONFIGS_REGIONS = {p.stem: list(yaml.safe_load(p.read_text())["regions"]) for p in CONFIG_FILES}
