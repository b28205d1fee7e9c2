"""Checkov's Kubernetes framework over what this project itself defines in every workloads
stack of every config: the ``kubernetes_*`` resources as objects and the objects of the
project's own chart (tests/k8shelp.py). The third-party charts are not rendered (their
templates are not part of this repository), so their pods are not scanned here; their values
are checked in tests/test_helm_values.py and tests/test_chart_values.py. Zero failed; every
skip is listed per object, with its reason, in tools/checkov/kubernetes-skips.yaml, and applied
here so skipped checks still count.

One Checkov run per config (one file per workloads stack), from the locked ``.checkov-venv``.
Objects of a kind that no Checkov check reads (Namespace, IngressClass, cert-manager's custom
resources) are left out of the files Checkov reads: they cannot change a result. Checkov itself
is asked which kinds its checks read (resource checks and graph checks, connected kinds
included), and the left-out objects are counted in the printed summary.
"""

from __future__ import annotations

import fnmatch
import json
import os
import subprocess
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import k8shelp
import pytest
import yaml
from prewarmed import CHECKOV_ENV
from synthhelp import CONFIG_FILES, REPO, OncePerRun, Synthesized

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
    left_out: dict[str, int]  # objects of kinds no check reads, by kind
    parse_errors: list[str]


# Every kind a Checkov Kubernetes check reads: the resource checks' entities and, for the graph
# checks, every kind any of their solvers names (the connected kinds too: CKV2_K8S_6 connects
# pods to NetworkPolicy objects).
CHECKED_KINDS = """\
import json
import checkov.kubernetes.checks.resource
from checkov.common.checks_infra.registry import get_graph_checks_registry
from checkov.kubernetes.checks.resource.registry import registry

kinds = set(registry.checks) | set(registry.wildcard_checks)
graph = get_graph_checks_registry("kubernetes")
graph.load_checks()
solvers = [check.solver for check in graph.checks]
while solvers:
    solver = solvers.pop()
    for attr in ("resource_types", "connected_resources_types"):
        kinds.update(getattr(solver, attr, None) or ())
    solvers.extend(getattr(solver, "solvers", None) or ())
kinds.update(*(check.resource_types for check in graph.checks))
print(json.dumps(sorted(kinds)))
"""


def checked_kinds(checkov: Path) -> frozenset[str]:
    """The kinds Checkov's Kubernetes checks read, asked of ``checkov``'s own Python."""
    proc = subprocess.run(
        [str(checkov.parent / "python"), "-c", CHECKED_KINDS], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return frozenset(json.loads(proc.stdout))


def split_by_kind(
    docs: list[dict[str, Any]], kinds: frozenset[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(objects of a kind some check reads, the others)."""
    kept = [d for d in docs if d.get("kind") in kinds]
    return kept, [d for d in docs if d.get("kind") not in kinds]


def scan(synth: Synthesized, folder: Path, skips: list[Skip], kinds: frozenset[str], checkov: Path) -> Scan:
    folder.mkdir(parents=True)
    objects, left_out = 0, Counter[str]()
    for stack in synth.workloads():
        docs = [k8shelp.strip_address(o) for o in k8shelp.stack_objects(stack)]
        objects += len(docs)
        kept, dropped = split_by_kind(docs, kinds)
        left_out.update(str(d.get("kind")) for d in dropped)
        (folder / f"{stack.name}.yaml").write_text(yaml.safe_dump_all(kept, sort_keys=True))
    home = folder.parent / "home"
    home.mkdir()
    env = {**os.environ, **CHECKOV_ENV, "HOME": str(home)}
    proc = subprocess.run(
        [
            str(checkov),
            "-d",
            str(folder),
            "--framework",
            "kubernetes",
            "--skip-download",
            "-o",
            "json",
            "--compact",
        ],
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
    parse_errors = list(report["results"].get("parsing_errors", []))
    return Scan(findings, used, objects, dict(sorted(left_out.items())), parse_errors)


@pytest.fixture(scope="session")
def kinds(once_per_run: OncePerRun, checkov: Path) -> Callable[[], frozenset[str]]:
    """``checked_kinds()``, asked of the tests' Checkov once per test run, when first needed."""
    return lambda: once_per_run("checkov-k8s-kinds", lambda: checked_kinds(checkov))


@pytest.fixture(scope="session")
def k8s_scan(
    synthesized_configs: dict[str, Synthesized],
    tmp_path_factory: pytest.TempPathFactory,
    once_per_run: OncePerRun,
    checkov: Path,
    kinds: Callable[[], frozenset[str]],
) -> Callable[[str], Scan]:
    """The scan of one config, made once per test run (by one xdist worker when there are several)."""
    skips = read_skips()

    def get(config: str) -> Scan:
        def compute() -> Scan:
            folder = tmp_path_factory.mktemp(f"checkov-k8s-{config}") / "objects"
            return scan(synthesized_configs[config], folder, skips, kinds(), checkov)

        return once_per_run(f"checkov-k8s-{config}", compute)

    return get


@pytest.fixture(scope="session")
def k8s_scans(k8s_scan: Callable[[str], Scan]) -> dict[str, Scan]:
    return {config: k8s_scan(config) for config in CONFIGS}


@pytest.mark.slow(4)
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
    left_out = ", ".join(f"{kind} x{n}" for kind, n in result.left_out.items())
    print(
        f"checkov kubernetes, config/{config}.yaml: {result.objects} objects, {len(passed)} passed, "
        f"0 failed, {len(skipped)} skipped; left out, of kinds no check reads: {left_out}"
    )
    # The checks the skips do not cover ran and passed on these objects, among them the network
    # policy check (every pod has one) and the security context checks.
    for check in ("CKV2_K8S_6", "CKV_K8S_20", "CKV_K8S_22", "CKV_K8S_23", "CKV_K8S_28", "CKV_K8S_37"):
        assert any(f.check == check for f in passed), check
        assert not any(f.check == check and f.outcome != "passed" for f in result.findings), check


def test_checkov_reads_the_workload_kinds_and_not_the_custom_resources(
    k8s_scans: dict[str, Scan], kinds: Callable[[], frozenset[str]]
) -> None:
    """What the filter keeps is what the checks read; what it leaves out, only kinds no check reads."""
    checked = kinds()
    for kind in (
        "Deployment",
        "Pod",
        "Job",
        "Service",
        "ServiceAccount",
        "Role",
        "ClusterRole",
        "NetworkPolicy",
    ):
        assert kind in checked, kind
    assert not {"ClusterIssuer", "Certificate", "CustomResourceDefinition"} & checked
    for config, result in k8s_scans.items():
        assert "Namespace" in result.left_out, config
        assert not set(result.left_out) & checked, config
        assert sum(result.left_out.values()) < result.objects, config


def test_the_kind_filter_keeps_what_a_check_reads() -> None:
    docs = [{"kind": "Deployment"}, {"kind": "CustomResourceDefinition"}, {"kind": "NetworkPolicy"}, {}]
    kept, dropped = split_by_kind(docs, frozenset({"Deployment", "NetworkPolicy"}))
    assert kept == [{"kind": "Deployment"}, {"kind": "NetworkPolicy"}]
    assert dropped == [{"kind": "CustomResourceDefinition"}, {}]


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
