"""Helpers shared by the synthesis tests: synthesize a config once, read its stacks."""

from __future__ import annotations

import fcntl
import importlib.util
import json
import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import yaml

from dualstack.fastimport import FRAMEWORKS
from dualstack.naming import EDGE_STACK, GLOBAL_STACK, WORKLOADS_SUFFIX

REPO = Path(__file__).resolve().parents[1]
CONFIG_DIR = REPO / "config"
CONFIG_FILES = sorted(CONFIG_DIR.glob("*.yaml"))
CHECKOV_SUMMARY = "checkov-summary"
HEAVY_PACKAGES = tuple(sorted({p for f in FRAMEWORKS.values() for p in f.packages} | {"jsii", "constructs"}))
"""Every package a light module must not load: both frameworks' (either spelling), jsii, constructs."""
"""The ``record_property`` name under which test_checkov.py hands conftest.py a config's Checkov
counts for the "checkov" section of the terminal summary (a property reaches the summary from
xdist workers too)."""


def load_tool(name: str) -> ModuleType:
    """``tools/<name>.py`` as the module ``dualstack_<name>`` (tools/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"dualstack_{name}", REPO / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Stack:
    name: str
    text: str

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.text)  # type: ignore[no-any-return]

    def resources(self, rtype: str) -> dict[str, dict[str, Any]]:
        """Resources of one Terraform type that Terraform creates, keyed by their construct path
        below the stack: a resource declared with ``count: 0`` has no instance and is left out
        (``declared`` has it)."""
        return {path: body for path, body in self.declared(rtype).items() if body.get("count") != 0}

    def declared(self, rtype: str) -> dict[str, dict[str, Any]]:
        """Every resource of one Terraform type in the JSON, ``count: 0`` included."""
        found = self.json.get("resource", {}).get(rtype, {})
        return {body["//"]["metadata"]["path"].split("/", 1)[1]: body for body in found.values()}

    def resource(self, rtype: str, path: str) -> dict[str, Any]:
        return self.resources(rtype)[path]

    def address(self, rtype: str, path_suffix: str) -> str:
        """The Terraform address (``type.name``) of the one resource whose construct path ends so."""
        (key,) = [
            k
            for k, body in self.json["resource"][rtype].items()
            if body["//"]["metadata"]["path"].endswith(path_suffix)
        ]
        return f"{rtype}.{key}"

    def bodies(self) -> dict[str, Any]:
        """Every resource, data source and output, keyed ``type.name``, ``data.type.name`` or
        ``output.name``."""
        doc = self.json
        out = {
            f"{t}.{n}": b
            for t, items in doc.get("resource", {}).items()
            for n, b in items.items()
            if b.get("count") != 0
        }
        out |= {f"data.{t}.{n}": b for t, items in doc.get("data", {}).items() for n, b in items.items()}
        out |= {f"output.{n}": b for n, b in doc.get("output", {}).items()}
        return out

    def addresses(self) -> set[str]:
        """Every Terraform address (``type.name``) of resources (those with an instance: not
        ``count: 0``) and data sources."""
        doc = self.json
        out = {
            f"{t}.{n}"
            for t, items in doc.get("resource", {}).items()
            for n, b in items.items()
            if b.get("count") != 0
        }
        out |= {f"data.{t}.{n}" for t, items in doc.get("data", {}).items() for n in items}
        return out


@dataclass(frozen=True)
class Synthesized:
    outdir: Path
    stacks: dict[str, Stack]

    def __getitem__(self, name: str) -> Stack:
        return self.stacks[name]

    def regions(self) -> list[Stack]:
        """The region (infrastructure) stacks: every stack but global and the workloads stacks."""
        return [
            s
            for n, s in self.stacks.items()
            if n not in (GLOBAL_STACK, EDGE_STACK) and not n.endswith(WORKLOADS_SUFFIX)
        ]

    def workloads(self) -> list[Stack]:
        """The ``<region>-workloads`` stacks."""
        return [s for n, s in self.stacks.items() if n.endswith(WORKLOADS_SUFFIX)]

    def dependencies(self) -> dict[str, list[str]]:
        """``{stack: the stacks it depends on}`` as the manifest records them."""
        manifest = json.loads((self.outdir / "manifest.json").read_text())
        return {name: list(entry["dependencies"]) for name, entry in manifest["stacks"].items()}


def set_key(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A ``synth_variant`` mutation: set the dotted ``path`` of the raw config to ``value``."""

    def mutate(raw: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = raw
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value

    return mutate


def earlier_output(out: Path) -> Path:
    """``out`` as an earlier run leaves it: a stale stack and manifest, and a Terraform lock file
    beside the stack that synthesis must not touch."""
    (out / "stacks" / "global").mkdir(parents=True)
    (out / "stacks" / "global" / "cdk.tf.json").write_text('{"earlier": true}\n')
    (out / "manifest.json").write_text('{"stacks": {}}\n')
    (out / "stacks" / "global" / ".terraform.lock.hcl").write_text("# provider lock\n")
    return out


def read_outdir(outdir: Path) -> Synthesized:
    manifest = json.loads((outdir / "manifest.json").read_text())
    stacks = {
        name: Stack(name, (outdir / entry["synthesizedStackPath"]).read_text())
        for name, entry in manifest["stacks"].items()
    }
    return Synthesized(outdir, stacks)


def synth(config: Any, outdir: Path) -> Synthesized:
    from dualstack.synth import synthesize

    synthesize(config, outdir)
    return read_outdir(outdir)


T = TypeVar("T")


def slow_seconds(item: Any) -> float:
    """The seconds a test's ``slow(seconds)`` marker gives (0 for a test without one)."""
    marker = item.get_closest_marker("slow")
    if marker is None:
        return 0.0
    if len(marker.args) != 1:
        raise ValueError(f"{item.nodeid}: the slow marker takes the seconds, e.g. @pytest.mark.slow(5)")
    return float(marker.args[0])


def slow_first(items: list[Any]) -> None:
    """Sort ``items`` in place: the tests marked ``slow`` first, the longest first, the others
    after them in their order (``make test`` hands the xdist workers tests in this order)."""
    items.sort(key=lambda item: -slow_seconds(item))


class OncePerRun:
    """``once(key, compute)``: ``compute()`` once per test run, whatever the number of processes.

    In one process, a memo. Under pytest-xdist, the first worker that asks for ``key`` computes
    it under a file lock and leaves the result (pickled) in the run's own temporary folder (the
    parent of every worker's basetemp, new for each run); a worker asking later, or meanwhile,
    waits for the lock and reads it. Nothing is kept from one run to the next.
    """

    def __init__(self, shared: Path | None) -> None:
        self.shared = shared
        self.memo: dict[str, Any] = {}

    def __call__(self, key: str, compute: Callable[[], T]) -> T:
        if key not in self.memo:
            self.memo[key] = compute() if self.shared is None else self._shared(key, compute)
        value: T = self.memo[key]
        return value

    def _shared(self, key: str, compute: Callable[[], T]) -> T:
        assert self.shared is not None
        path = self.shared / f"once-per-run-{key}.pickle"
        with (self.shared / f"once-per-run-{key}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            if path.is_file():
                value: T = pickle.loads(path.read_bytes())
                return value
            value = compute()
            partial = path.with_suffix(f".{os.getpid()}")
            partial.write_bytes(pickle.dumps(value))
            partial.rename(path)
            return value


@dataclass(frozen=True)
class MainRun:
    """One ``python main.py`` process and the output folder it wrote."""

    returncode: int
    stdout: str
    stderr: str
    outdir: Path


def load_configs() -> dict[str, Any]:
    """``{config file stem: Config}`` for every file in config/ (validated, no synthesis)."""
    from dualstack.config.loader import load_config

    return {path.stem: load_config(path) for path in CONFIG_FILES}


CONFIGS = load_configs()


REGION_CASES: list[tuple[str, str]] = [
    (stem, region) for stem, config in CONFIGS.items() for region in config.regions
]
"""``(config file stem, region)`` for every region of every config in config/: the per-region case
table of the synthesis tests (``case`` and ``wcase`` in conftest.py parametrize over it)."""
REGION_IDS = [f"{stem}-{region}" for stem, region in REGION_CASES]
WORKLOADS_CASES = [(stem, f"{region}-workloads") for stem, region in REGION_CASES]
"""``(config file stem, workloads stack name)`` for every region of every config in config/."""
WORKLOADS_IDS = [f"{stem}-{stack}" for stem, stack in WORKLOADS_CASES]


def assert_probe_reaches_the_app(workloads: Stack, host: str, path: str, *, tls: bool) -> None:
    """``path`` on ``host`` is routed by an Ingress to the sample app's Service (which has
    ready endpoints only while its pods answer their readiness probe on the same path), and no
    controller answers it itself: no ConfigMap entry holds a location or a ``return 200``."""
    (ingress,) = workloads.resources("kubernetes_ingress_v1").values()
    (rule,) = [r for r in ingress["spec"]["rule"] if r["host"] == host]
    matching = [
        p
        for p in rule["http"]["path"]
        if path == p["path"] or (p["path_type"] == "Prefix" and path.startswith(p["path"].rstrip("/") + "/"))
    ]
    assert matching, f"{path} on {host} reaches no backend"
    assert matching[0]["backend"]["service"]["name"] == "echo"
    if tls:
        assert any(host in t["hosts"] for t in ingress["spec"]["tls"])
    (deployment,) = workloads.resources("kubernetes_deployment_v1").values()
    (container,) = deployment["spec"]["template"]["spec"]["container"]
    assert container["readiness_probe"]["http_get"]["path"] == path
    for body in workloads.resources("helm_release").values():
        if body["name"].startswith("ingress-"):
            entries = yaml.safe_load(body["values"][0])["controller"]["config"]["entries"]
            text = "\n".join(entries.values())
            assert "location" not in text and "return 200" not in text


def terraform(folder: Path, *args: str) -> str:
    """Run the Terraform CLI in ``folder`` (built-in providers only: nothing is downloaded)
    with a clean environment of its own; fail the test with its output on a non-zero exit."""
    run = subprocess.run(
        ["terraform", *args, "-input=false", "-no-color"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "PATH": os.environ["PATH"],
            "CHECKPOINT_DISABLE": "1",
            "HOME": str(folder),
            "TF_CLI_CONFIG_FILE": os.devnull,
        },
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout
