"""Run the real providers' validators (``terraform validate``) on every synthesized stack.

Usage (from the repo root, with the project's venv; ``make validate`` runs the defaults):

    .venv/bin/python tools/validate.py [--config NAME ...] [--workdir .validate] [--jobs 2]

What it does, and why:

* Every config in ``config/*.yaml`` (or the ``--config`` names) is synthesized in-process into
  ``<workdir>/<config>/cdktf.out`` (git-ignored; ``.validate`` by default). Every stack that
  output's ``manifest.json`` lists is then validated in its own folder,
  ``<outdir>/<synthesizedStackPath's folder>``: ``terraform init -backend=false -input=false``
  and ``terraform validate -json``. That runs each provider's schema and value validators (enums,
  types, required and conflicting arguments, deprecations); it needs no Azure credentials.
* Any diagnostic fails the run, warnings (deprecations) included. One line per diagnostic:
  ``<config>/<stack>: <severity>: <address>: <summary>: <detail>`` (``: <detail>`` is left out
  when the detail is empty; whitespace runs, newlines included, become one space). The address is
  the top-level block the diagnostic's range points into (``resource.<type>.<name>``,
  ``data.<type>.<name>``, ``provider.<name>[.<alias>]``, ``output.<name>``, ``terraform``...),
  found by scanning ``cdk.tf.json`` for the byte span of every block; ``-`` when there is no range.
* Providers come from the Terraform registry (online), or, when ``DUALSTACK_PROVIDER_MIRROR`` (or
  ``--mirror``) names a filesystem mirror (``install-mirror``'s unpacked layout), from there only:
  a generated CLI config (``TF_CLI_CONFIG_FILE``) with a single ``filesystem_mirror`` and nothing
  else, so no network is tried. Terraform links each stack's ``.terraform/providers`` to the
  mirror's unpacked folder (a symlink, nothing copied). Online, ``TF_PLUGIN_CACHE_DIR`` defaults to
  ``<workdir>/plugin-cache`` so each provider is downloaded once. ``terraform init`` runs one at a
  time (the plugin cache is not safe for concurrent writers); ``validate`` runs ``--jobs`` at once.
* With a mirror, a stack that needs a provider (``terraform.required_providers``, plus any provider
  implied by a resource, data source or provider block) of which the mirror has no matching
  version for this platform is skipped, and the line says which: ``<config>/<stack>: skipped:
  providers not in the mirror: hashicorp/helm 3.1.1, ...``. Online nothing is skipped.
* Each run starts from a fresh ``.terraform`` and no ``.terraform.lock.hcl`` in the stack folder
  (a lock file made with the mirror has other checksums than the registry's).
* Each stack gets a status line (``ok`` or ``FAILED``, its resource count, the seconds ``init``
  and ``validate`` took), followed by its diagnostics. Output is sorted by config and stack
  whatever order the jobs finish in, and ends with a summary line: stacks validated, stacks
  skipped, diagnostics.

Exit status: 0 when every validated stack has no diagnostic; 1 when any diagnostic was reported, a
terraform command failed or every stack was skipped; 2 when validation could not run (no
``terraform`` on PATH, no mirror folder, a config that does not load).
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CONFIG_DIR = REPO / "config"
DEFAULT_WORKDIR = REPO / ".validate"
MIRROR_ENV = "DUALSTACK_PROVIDER_MIRROR"
STACK_FILE = "cdk.tf.json"
DEFAULT_HOST = "registry.terraform.io"
DEFAULT_NAMESPACE = "hashicorp"
# Environment variables that would make runs depend on the caller's shell: TF_DATA_DIR would
# point every stack at one shared .terraform folder, TF_CLI_ARGS* would add arguments.
_DROPPED_ENV = ("TF_DATA_DIR", "TF_WORKSPACE", "TF_CLI_ARGS", "TF_CLI_ARGS_init", "TF_CLI_ARGS_validate")
_COMMENT = "//"


class ValidateError(Exception):
    """Validation could not run at all (exit status 2)."""


# --- diagnostics ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Diagnostic:
    severity: str  # "error" or "warning"; both fail the run
    address: str
    summary: str
    detail: str

    def line(self, label: str) -> str:
        parts = [label, self.severity, self.address, _one_line(self.summary)]
        if self.detail.strip():
            parts.append(_one_line(self.detail))
        return ": ".join(parts)


def _one_line(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Span:
    """A JSON object member (or list item) and the bytes it covers, key included."""

    path: tuple[str | int, ...]
    start: int
    end: int  # one past the last byte of the value


_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SCALAR = re.compile(rb"-?[0-9][0-9eE.+-]*|true|false|null")
_WHITESPACE = b" \t\r\n"


class _Scanner:
    """A JSON reader that keeps the byte span of every member down to ``max_depth`` keys."""

    def __init__(self, data: bytes, max_depth: int) -> None:
        self.data = data
        self.pos = 0
        self.max_depth = max_depth
        self.spans: list[Span] = []

    def fail(self, what: str) -> ValueError:
        return ValueError(f"{what} at byte {self.pos}")

    def skip_whitespace(self) -> None:
        while self.pos < len(self.data) and self.data[self.pos] in _WHITESPACE:
            self.pos += 1

    def peek(self) -> int:
        if self.pos >= len(self.data):
            raise self.fail("unexpected end of JSON")
        return self.data[self.pos]

    def string(self) -> str:
        m = _STRING.match(self.data, self.pos)
        if not m:
            raise self.fail("expected a string")
        self.pos = m.end()
        return str(json.loads(m.group().decode("utf-8")))

    def value(self, path: tuple[str | int, ...]) -> None:
        self.skip_whitespace()
        c = self.peek()
        if c == ord("{"):
            self.pos += 1
            self.members(path, ord("}"), keyed=True)
        elif c == ord("["):
            self.pos += 1
            self.members(path, ord("]"), keyed=False)
        elif c == ord('"'):
            self.string()
        else:
            m = _SCALAR.match(self.data, self.pos)
            if not m:
                raise self.fail("expected a value")
            self.pos = m.end()

    def members(self, path: tuple[str | int, ...], close: int, keyed: bool) -> None:
        self.skip_whitespace()
        if self.peek() == close:
            self.pos += 1
            return
        index = 0
        while True:
            self.skip_whitespace()
            start = self.pos
            key: str | int = index
            if keyed:
                key = self.string()
                self.skip_whitespace()
                if self.peek() != ord(":"):
                    raise self.fail("expected ':'")
                self.pos += 1
            member = (*path, key)
            self.value(member)
            if len(member) <= self.max_depth:
                self.spans.append(Span(member, start, self.pos))
            index += 1
            self.skip_whitespace()
            c = self.peek()
            self.pos += 1
            if c == close:
                return
            if c != ord(","):
                raise self.fail("expected ',' or a closing bracket")


def block_spans(data: bytes, max_depth: int = 3) -> list[Span]:
    """The span of every member of a JSON document down to ``max_depth`` keys (ValueError if bad)."""
    scanner = _Scanner(data, max_depth)
    scanner.value(())
    scanner.skip_whitespace()
    if scanner.pos != len(data):
        raise scanner.fail("trailing data")
    return scanner.spans


def block_address(path: Sequence[str | int], doc: Mapping[str, Any]) -> str:
    """The Terraform block a member path lies in: ``resource.<type>.<name>``, ``provider.<name>``..."""
    block = str(path[0])
    if block in ("resource", "data") and len(path) >= 2:
        return ".".join(str(p) for p in path[:3])
    if block == "provider" and len(path) >= 2:
        name = str(path[1])
        body: Any = doc.get("provider", {}).get(name)
        if isinstance(body, list):
            body = (
                body[path[2]] if len(path) >= 3 and isinstance(path[2], int) and path[2] < len(body) else None
            )
        alias = body.get("alias") if isinstance(body, dict) else None
        return f"provider.{name}.{alias}" if isinstance(alias, str) and alias else f"provider.{name}"
    if block in ("terraform", "locals", _COMMENT) or len(path) < 2:
        return block
    return f"{block}.{path[1]}"


class AddressMap:
    """Maps a position in one ``cdk.tf.json`` (byte offset, or line) to its enclosing block."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.doc: dict[str, Any] = json.loads(data)
        self.spans = block_spans(data)
        self.line_starts = [0] + [i + 1 for i, b in enumerate(data) if b == ord("\n")]

    def offset_of_line(self, line: int) -> int | None:
        """Byte offset of the first non-blank character of a 1-based line."""
        if not 1 <= line <= len(self.line_starts):
            return None
        offset = self.line_starts[line - 1]
        while offset < len(self.data) and self.data[offset] in b" \t":
            offset += 1
        return offset

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset)

    def address_at(self, offset: int | None = None, line: int | None = None) -> str | None:
        """The innermost block containing ``offset`` (or, without it, the start of ``line``)."""
        if offset is None and line is not None:
            offset = self.offset_of_line(line)
        if offset is None:
            return None
        inside = [s for s in self.spans if s.start <= offset < s.end]
        if not inside:
            return None
        return block_address(max(inside, key=lambda s: len(s.path)).path, self.doc)


def parse_diagnostics(report: Mapping[str, Any], stack_dir: Path) -> list[Diagnostic]:
    """The diagnostics of a ``terraform validate -json`` report, each with its block address."""
    maps: dict[str, AddressMap | None] = {}
    out = []
    for raw in report.get("diagnostics") or []:
        rng = raw.get("range") or {}
        start = rng.get("start") or {}
        filename = rng.get("filename")
        address: str | None = None
        if isinstance(filename, str):
            if filename not in maps:
                try:
                    maps[filename] = AddressMap((stack_dir / filename).read_bytes())
                except (OSError, ValueError):
                    maps[filename] = None
            amap = maps[filename]
            if amap is not None:
                byte, line = start.get("byte"), start.get("line")
                address = amap.address_at(
                    byte if isinstance(byte, int) else None, line if isinstance(line, int) else None
                )
            if address is None and isinstance(start.get("line"), int):
                address = f"{filename}:{start['line']}"
        if address is None:  # no range: what terraform says itself, if anything
            address = str(raw.get("address") or (raw.get("snippet") or {}).get("context") or "-")
        out.append(
            Diagnostic(
                severity=str(raw.get("severity") or "error"),
                address=address,
                summary=str(raw.get("summary") or ""),
                detail=str(raw.get("detail") or ""),
            )
        )
    return out


# --- providers and the mirror -----------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    source: str  # fully qualified: registry.terraform.io/hashicorp/helm
    constraint: str  # "" means any version

    def label(self) -> str:
        source = self.source.removeprefix(f"{DEFAULT_HOST}/")
        return f"{source} {self.constraint}" if self.constraint else f"{source} (any version)"


def qualify_source(source: str) -> str:
    """``helm``, ``hashicorp/helm`` and ``registry.terraform.io/hashicorp/helm`` are one provider."""
    parts = source.strip().lower().split("/")
    if len(parts) == 1:
        parts = [DEFAULT_HOST, DEFAULT_NAMESPACE, *parts]
    elif len(parts) == 2:
        parts = [DEFAULT_HOST, *parts]
    return "/".join(parts)


def _is_builtin(source: str) -> bool:
    return source.startswith("terraform.io/builtin/")


def required_providers(doc: Mapping[str, Any]) -> list[Requirement]:
    """Every provider a stack needs: ``terraform.required_providers``, then any local name that a
    resource or data type, a ``provider`` meta-argument or a provider block implies (as
    ``hashicorp/<name>``, the way Terraform reads it). The built-in ``terraform`` provider
    (``terraform_remote_state``) needs no installing and is left out."""
    declared = _declared_providers(doc)
    for name in sorted(_implied_providers(doc) - set(declared) - {"terraform"}):
        declared[name] = Requirement(qualify_source(name), "")
    return sorted(
        {r for r in declared.values() if not _is_builtin(r.source)}, key=lambda r: (r.source, r.constraint)
    )


def _declared_providers(doc: Mapping[str, Any]) -> dict[str, Requirement]:
    """``terraform.required_providers`` by local name."""
    declared: dict[str, Requirement] = {}
    terraform = doc.get("terraform")
    listed = terraform.get("required_providers") if isinstance(terraform, dict) else None
    for name, spec in (listed or {}).items():
        if name == _COMMENT:
            continue
        if isinstance(spec, str):  # the legacy form: name = "version constraint"
            declared[name] = Requirement(qualify_source(name), spec.strip())
        elif isinstance(spec, dict):
            source = spec.get("source") or name
            declared[name] = Requirement(qualify_source(str(source)), str(spec.get("version") or "").strip())
    return declared


def _implied_providers(doc: Mapping[str, Any]) -> set[str]:
    """The local provider names that resource and data types, ``provider`` meta-arguments and
    provider blocks imply."""
    implied: set[str] = set()
    for block in ("resource", "data"):
        for rtype, items in (doc.get(block) or {}).items():
            if rtype == _COMMENT:
                continue
            implied.add(rtype.split("_", 1)[0])
            for body in (items or {}).values() if isinstance(items, dict) else ():
                if isinstance(body, dict) and isinstance(body.get("provider"), str):
                    implied.add(body["provider"].split(".", 1)[0])
    implied.update(name for name in (doc.get("provider") or {}) if name != _COMMENT)
    return implied


_VERSION = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")
_CONSTRAINT = re.compile(r"^(=|!=|>=|<=|>|<|~>)?\s*(\S+)$")


@dataclass(frozen=True)
class Version:
    numbers: tuple[int, int, int]
    release: int  # 1 for a release, 0 for a prerelease (which sorts before its release)
    prerelease: str
    segments: int  # how many of major.minor.patch were written (for ~>)

    @classmethod
    def parse(cls, text: str) -> Version | None:
        m = _VERSION.match(text.strip())
        if not m:
            return None
        numbers = tuple(int(g or 0) for g in m.group(1, 2, 3))
        segments = sum(1 for g in m.group(1, 2, 3) if g is not None)
        pre = m.group(4) or ""
        return cls((numbers[0], numbers[1], numbers[2]), 0 if pre else 1, pre, segments)


def version_matches(version: str, constraint: str) -> bool | None:
    """Whether ``version`` meets a Terraform version constraint; None when either is unreadable.

    A prerelease meets only an exact constraint naming it, as in Terraform.
    """
    v = Version.parse(version)
    if v is None:
        return None
    for part in constraint.split(","):
        part = part.strip()
        if not part:
            continue
        m = _CONSTRAINT.match(part)
        c = Version.parse(m.group(2)) if m else None
        if m is None or c is None:
            return None
        op = m.group(1) or "="
        key, ckey = (v.numbers, v.release, v.prerelease), (c.numbers, c.release, c.prerelease)
        if v.prerelease and not (op == "=" and key == ckey):
            return False
        if op == "~>":
            major, minor, _ = c.numbers
            upper = (major, minor + 1, 0) if c.segments >= 3 else (major + 1, 0, 0)
            ok = key >= ckey and v.numbers < upper
        else:
            ok = {
                "=": key == ckey,
                "!=": key != ckey,
                ">": key > ckey,
                ">=": key >= ckey,
                "<": key < ckey,
                "<=": key <= ckey,
            }[op]
        if not ok:
            return False
    return True


def mirror_index(mirror: Path, platform_name: str) -> dict[str, set[str]]:
    """``{qualified source: {versions}}`` a filesystem mirror holds for one platform (``linux_amd64``).

    Both layouts count: unpacked (``HOST/NS/TYPE/VERSION/PLATFORM/`` holding the binary) and
    packed (``HOST/NS/TYPE/terraform-provider-TYPE_VERSION_PLATFORM.zip``).
    """
    found: dict[str, set[str]] = {}
    for type_dir in sorted(p for p in mirror.glob("*/*/*") if p.is_dir()):
        host, namespace, ptype = type_dir.relative_to(mirror).parts
        source = f"{host}/{namespace}/{ptype}".lower()
        packed = re.compile(rf"^terraform-provider-{re.escape(ptype)}_(.+)_{re.escape(platform_name)}\.zip$")
        for entry in type_dir.iterdir():
            unpacked = entry / platform_name
            if entry.is_dir() and unpacked.is_dir() and any(unpacked.iterdir()):
                found.setdefault(source, set()).add(entry.name)
            elif entry.is_file() and (m := packed.match(entry.name)):
                found.setdefault(source, set()).add(m.group(1))
    return found


def missing_providers(requirements: Sequence[Requirement], available: Mapping[str, set[str]]) -> list[str]:
    """The requirements of which ``available`` has no matching version, as ``hashicorp/helm 3.1.1``.

    A constraint this reader cannot understand is not counted as missing: ``terraform init``
    then decides, and fails loudly if the mirror cannot meet it.
    """
    out = []
    for req in requirements:
        versions = available.get(req.source, set())
        if not any(version_matches(v, req.constraint) is not False for v in versions):
            out.append(req.label())
    return sorted(out)


# --- terraform --------------------------------------------------------------------------------


@dataclass
class Terraform:
    executable: str
    env: dict[str, str]
    version: str
    platform: str
    mirror: Path | None
    available: dict[str, set[str]] | None  # what the mirror holds; None online
    init_lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.executable, *args], cwd=cwd, env=self.env, capture_output=True, text=True, check=False
        )


def _python_platform() -> str:
    machine = platform.machine().lower()
    arch = {"x86_64": "amd64", "aarch64": "arm64", "i686": "386", "i386": "386"}.get(machine, machine)
    return f"{platform.system().lower()}_{arch}"


def cli_config(mirror: Path) -> str:
    """A Terraform CLI config that installs providers from ``mirror`` only (never the network)."""
    return (
        f"provider_installation {{\n  filesystem_mirror {{\n    path = {json.dumps(str(mirror))}\n  }}\n}}\n"
    )


@contextlib.contextmanager
def terraform_session(mirror: Path | None, plugin_cache: Path | None = None) -> Iterator[Terraform]:
    """Terraform set up for validation: from ``mirror`` only when given, else from the registry
    (with ``plugin_cache`` as ``TF_PLUGIN_CACHE_DIR`` unless the caller's environment sets one)."""
    executable = shutil.which("terraform")
    if executable is None:
        raise ValidateError("terraform not found on PATH: install the Terraform CLI (a prerequisite)")
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
    env.update(CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1", TF_INPUT="0")
    with tempfile.TemporaryDirectory(prefix="dualstack-validate-") as tmp:
        available = None
        if mirror is not None:
            mirror = mirror.resolve()
            if not mirror.is_dir():
                raise ValidateError(f"provider mirror {mirror} is not a folder")
            rc = Path(tmp) / "terraform.rc"
            rc.write_text(cli_config(mirror))
            env["TF_CLI_CONFIG_FILE"] = str(rc)
            env.pop("TF_PLUGIN_CACHE_DIR", None)  # the mirror's unpacked folders are linked directly
        elif plugin_cache is not None and not env.get("TF_PLUGIN_CACHE_DIR"):
            plugin_cache.mkdir(parents=True, exist_ok=True)
            env["TF_PLUGIN_CACHE_DIR"] = str(plugin_cache.resolve())
            # Else Terraform 1.4+ ignores the cache for a stack with no lock file (all of them here).
            env["TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE"] = "true"
        proc = subprocess.run(
            [executable, "version", "-json"], cwd=tmp, env=env, capture_output=True, text=True, check=False
        )
        try:
            info = json.loads(proc.stdout)
        except json.JSONDecodeError:
            raise ValidateError(f"`terraform version -json` failed: {_one_line(proc.stderr)}") from None
        platform_name = str(info.get("platform") or _python_platform())
        if mirror is not None:
            available = mirror_index(mirror, platform_name)
            if not available:
                raise ValidateError(f"provider mirror {mirror} holds no provider for {platform_name}")
        yield Terraform(
            executable=executable,
            env=env,
            version=str(info.get("terraform_version") or "?"),
            platform=platform_name,
            mirror=mirror,
            available=available,
        )


@dataclass
class StackResult:
    label: str  # <config>/<stack>
    resources: int = 0
    skipped: str = ""  # the reason, when skipped
    diagnostics: list[Diagnostic] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # a terraform command that failed
    init_seconds: float = 0.0
    validate_seconds: float | None = None  # None when validate did not run

    @property
    def ok(self) -> bool:
        return not self.diagnostics and not self.problems

    def lines(self) -> list[str]:
        if self.skipped:
            return [f"{self.label}: skipped: {self.skipped}"]
        timing = f"init {self.init_seconds:.1f} s"
        if self.validate_seconds is not None:
            timing += f", validate {self.validate_seconds:.1f} s"
        count = len(self.diagnostics) + len(self.problems)
        status = "ok" if self.ok else f"FAILED, {count} problem{'s' if count != 1 else ''}"
        out = [f"{self.label}: {status} ({self.resources} resources; {timing})"]
        out.extend(d.line(self.label) for d in self.diagnostics)
        out.extend(f"{self.label}: error: {p}" for p in self.problems)
        return out


def _terraform_message(proc: subprocess.CompletedProcess[str]) -> str:
    """Terraform's output on one line, from its first ``Error:`` (warnings before it are noise)."""
    text = "\n".join(line.strip(" │╷╵") for line in (proc.stderr or proc.stdout).splitlines())
    message = _one_line(text[text.find("Error:") :] if "Error:" in text else text)
    return message[:800] + (" ..." if len(message) > 800 else "")


def count_resources(doc: Mapping[str, Any]) -> int:
    return sum(
        len([n for n in items if n != _COMMENT])
        for block in ("resource", "data")
        for rtype, items in (doc.get(block) or {}).items()
        if rtype != _COMMENT and isinstance(items, dict)
    )


def validate_stack(tf: Terraform, label: str, stack_dir: Path) -> StackResult:
    """``terraform init`` + ``validate`` in ``stack_dir`` (a scratch folder holding cdk.tf.json;
    its ``.terraform`` and ``.terraform.lock.hcl`` are replaced)."""
    doc = json.loads((stack_dir / STACK_FILE).read_text())
    result = StackResult(label, resources=count_resources(doc))
    if tf.available is not None:
        missing = missing_providers(required_providers(doc), tf.available)
        if missing:
            result.skipped = f"providers not in the mirror: {', '.join(missing)}"
            return result
    (stack_dir / ".terraform.lock.hcl").unlink(missing_ok=True)
    shutil.rmtree(stack_dir / ".terraform", ignore_errors=True)
    with tf.init_lock:
        started = time.monotonic()
        proc = tf.run(["init", "-backend=false", "-input=false", "-no-color"], stack_dir)
        result.init_seconds = time.monotonic() - started
    if proc.returncode != 0:
        result.problems.append(f"terraform init failed (exit {proc.returncode}): {_terraform_message(proc)}")
        return result
    started = time.monotonic()
    proc = tf.run(["validate", "-json", "-no-color"], stack_dir)
    result.validate_seconds = time.monotonic() - started
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        result.problems.append(
            f"terraform validate printed no JSON (exit {proc.returncode}): {_terraform_message(proc)}"
        )
        return result
    result.diagnostics = parse_diagnostics(report, stack_dir)
    if (proc.returncode != 0 or report.get("valid") is False) and not any(
        d.severity == "error" for d in result.diagnostics
    ):
        result.problems.append(f"terraform validate exited {proc.returncode} without an error diagnostic")
    return result


def _validate_or_report(tf: Terraform, label: str, stack_dir: Path) -> StackResult:
    """``validate_stack``, with a stack that cannot be read or run reported as its failure."""
    try:
        return validate_stack(tf, label, stack_dir)
    except (OSError, ValueError) as exc:
        return StackResult(label, problems=[f"could not validate {stack_dir}: {exc}"])


def stack_dirs(outdir: Path) -> dict[str, Path]:
    """``{stack name: folder}`` of every stack ``manifest.json`` lists."""
    manifest = json.loads((outdir / "manifest.json").read_text())
    out = {}
    for name, entry in sorted(manifest.get("stacks", {}).items()):
        path = outdir / entry["synthesizedStackPath"]
        if not path.is_file():
            raise ValidateError(f"{outdir}: manifest.json lists {name}, but {path} does not exist")
        out[name] = path.parent
    return out


# --- main -------------------------------------------------------------------------------------


def synthesize_config(path: Path, outdir: Path) -> dict[str, Path]:
    from dualstack.config.loader import ConfigError, load_config

    try:
        config = load_config(path)
    except ConfigError as exc:
        raise ValidateError("\n".join(exc.lines)) from None
    from dualstack.synth import synthesize  # imports cdktf and the providers (seconds)

    synthesize(config, outdir)
    return stack_dirs(outdir)


def passed(results: Sequence[StackResult]) -> bool:
    """No diagnostic of any severity, no failed terraform command, and at least one stack validated
    (a run that skipped everything proves nothing)."""
    return all(r.ok for r in results) and any(not r.skipped for r in results)


def summary(results: Sequence[StackResult], seconds: float) -> str:
    validated = [r for r in results if not r.skipped and not r.problems]
    skipped = [r for r in results if r.skipped]
    broken = [r for r in results if r.problems]
    diagnostics = [d for r in results for d in r.diagnostics]
    errors = sum(1 for d in diagnostics if d.severity == "error")
    not_run = f", {len(broken)} not validated (a terraform command failed)" if broken else ""
    tail = "" if validated else ", no stack validated at all"
    return (
        f"validate: {len(validated)} stacks validated, {len(skipped)} skipped{not_run}, "
        f"{len(diagnostics)} diagnostics ({errors} errors, {len(diagnostics) - errors} warnings){tail} "
        f"in {seconds:.1f} s: {'OK' if passed(results) else 'FAILED'}"
    )


def run(configs: Sequence[Path], workdir: Path, mirror: Path | None, jobs: int) -> int:
    started = time.monotonic()
    with terraform_session(mirror, workdir / "plugin-cache") as tf, ThreadPoolExecutor(jobs) as pool:
        source = f"the mirror {tf.mirror}" if tf.mirror else "the Terraform registry"
        print(f"terraform {tf.version} ({tf.platform}), providers from {source}, {jobs} jobs", flush=True)
        futures: dict[str, Future[StackResult]] = {}
        for path in configs:
            # Synthesis runs here, one config after the other (one jsii process), while the
            # stacks of the configs already synthesized are validated in the pool.
            t0 = time.monotonic()
            stacks = synthesize_config(path, workdir / path.stem / "cdktf.out")
            print(
                f"synthesized config/{path.name}: {len(stacks)} stacks ({time.monotonic() - t0:.1f} s)",
                flush=True,
            )
            for name, folder in stacks.items():
                label = f"{path.stem}/{name}"
                futures[label] = pool.submit(_validate_or_report, tf, label, folder)
        results = [futures[label].result() for label in sorted(futures)]
    for result in results:
        for line in result.lines():
            print(line)
    if tf.mirror is None and any(p.startswith("terraform init failed") for r in results for p in r.problems):
        print(
            f"validate: hint: with no access to the Terraform registry, set {MIRROR_ENV} (docs/development.md: Validation by the real provider)"
        )
    print(summary(results, time.monotonic() - started))
    return 0 if passed(results) else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--config", action="append", metavar="NAME", help="a config in config/ (repeatable; default: all)"
    )
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, help="git-ignored work folder")
    parser.add_argument(
        "--mirror",
        type=Path,
        default=Path(os.environ[MIRROR_ENV]) if os.environ.get(MIRROR_ENV) else None,
        help=f"filesystem mirror to install providers from (default: ${MIRROR_ENV}; unset: the registry)",
    )
    parser.add_argument("--jobs", type=int, default=2, help="stacks validated at once (default 2)")
    args = parser.parse_args(argv)
    configs = sorted(CONFIG_DIR.glob("*.yaml"))
    if args.config:
        wanted = set(args.config)
        unknown = sorted(wanted - {p.stem for p in configs})
        if unknown:
            print(f"validate: error: no config/{unknown[0]}.yaml", file=sys.stderr)
            return 2
        configs = [p for p in configs if p.stem in wanted]
    try:
        return run(configs, args.workdir.resolve(), args.mirror, max(1, args.jobs))
    except ValidateError as exc:
        for line in str(exc).splitlines():
            print(f"validate: error: {line}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
