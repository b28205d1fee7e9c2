"""Run Checkov over every synthesized stack of one cdktf output folder and summarize the result.

Usage (from anywhere; any Python 3.11 with PyYAML, e.g. .venv/bin/python or .checkov-venv/bin/python):

    python tools/checkov_scan.py cdktf.out [--json report.json] [--config-file .checkov.yaml]

Checkov itself runs from its own locked venv, ``.checkov-venv`` (``make install``), never from the
app's venv. What the runner does, and why:

* Checkov's ``terraform_json`` framework reads only files named ``*.tf.json``, so each
  ``stacks/<stack>/cdk.tf.json`` is copied to ``<tmp>/stacks/<stack>.tf.json``.
* Entries that Checkov's JSON parser cannot read are removed from the copies first and listed in
  the summary: in every top-level block other than ``resource``, ``data``, ``provider`` and
  ``locals``, an entry whose value is not an object (``terraform.required_version`` is one; with
  it Checkov fails to parse the *whole file* and still exits 0 having checked nothing,
  bridgecrewio/checkov#7454).
* Any parsing error that remains, a stack with resources of which none was checked (unless
  Checkov has no check for any of their types, which it is asked), or a scan
  that checked no resource at all, is a failure: never a silent pass.
* Checkov runs once for the whole folder, offline (``--skip-download``, ``BC_SKIP_MAPPING=TRUE``,
  ``CKV_SKIP_PACKAGE_UPDATE_CHECK=TRUE``), in the temp folder with ``HOME`` pointing there, so no
  stray ``.checkov.yaml`` from the working directory or home directory is picked up.
* Skips come from ``.checkov.yaml`` (Checkov's own config format; only ``skip-check`` is
  accepted). The runner applies them itself instead of handing them to Checkov, because Checkov
  drops skipped checks from its report entirely: here every skipped check still appears, per
  stack and resource, in the "skipped" counts, and a skip entry that matched nothing is reported.

Exit status: 0 when nothing failed; 1 when a check failed, a file could not be parsed or nothing
was checked; 2 when the scan could not run (no checkov venv, bad output folder, bad skip file).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CHECKOV_VENV = REPO / ".checkov-venv"
DEFAULT_CHECKOV = CHECKOV_VENV / "bin" / "checkov"
DEFAULT_CONFIG = REPO / ".checkov.yaml"
LOCK_FILE = REPO / "tools" / "checkov" / "requirements.txt"
INSTALL_HINT = "run `make install` (it builds .checkov-venv from tools/checkov/requirements.txt)"

# Top-level blocks whose entries Checkov's JSON parser reads in its own way; in every other
# block (terraform, output, variable, module, ...) each entry must be an object.
_SPECIAL_BLOCKS = {"resource", "data", "provider", "locals"}
_COMMENT = "//"
_SKIP_FILE_KEYS = {"skip-check"}


class ScanError(Exception):
    """The scan could not run at all (exit status 2)."""


@dataclass(frozen=True)
class Result:
    stack: str
    outcome: str  # "passed", "failed" or "skipped"
    check_id: str
    check_name: str
    resource: str
    checkov_outcome: str  # what Checkov said; differs from outcome for a skipped check

    def line(self) -> str:
        return f"{self.stack} {self.check_id} {self.resource} {self.check_name}"


@dataclass
class StackReport:
    name: str
    resources: int  # resources and data sources in the synthesized stack
    stripped: list[str] = field(default_factory=list)
    checked: set[str] = field(default_factory=set)  # resources that at least one check looked at
    types: set[str] = field(default_factory=set)  # resource types (data sources as data.<type>)
    counts: dict[str, int] = field(default_factory=lambda: {"passed": 0, "failed": 0, "skipped": 0})


@dataclass
class ScanReport:
    outdir: str
    stacks: dict[str, StackReport]
    results: list[Result]
    parse_errors: list[str]
    problems: list[str]  # anything besides failed checks that makes the scan fail
    skip_file: str
    skip_entries: list[str]
    unused_skips: list[str]
    checkov_version: str
    seconds: float

    def total(self, outcome: str) -> int:
        return sum(s.counts[outcome] for s in self.stacks.values())

    @property
    def failed(self) -> list[Result]:
        return [r for r in self.results if r.outcome == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.parse_errors and not self.problems

    def to_json(self) -> dict[str, Any]:
        return {
            "outdir": self.outdir,
            "ok": self.ok,
            "checkov_version": self.checkov_version,
            "seconds": round(self.seconds, 2),
            "totals": {o: self.total(o) for o in ("passed", "failed", "skipped")},
            "stacks": {
                s.name: {
                    **s.counts,
                    "resources": s.resources,
                    "resources_checked": len(s.checked),
                    "stripped": s.stripped,
                }
                for s in self.stacks.values()
            },
            "failed": [r.__dict__ for r in self.failed],
            "skipped": [r.__dict__ for r in self.results if r.outcome == "skipped"],
            "parse_errors": self.parse_errors,
            "problems": self.problems,
            "skip_entries": self.skip_entries,
            "unused_skips": self.unused_skips,
        }


# --- input ------------------------------------------------------------------------------------


def read_skips(config_file: Path) -> list[str]:
    """The ``skip-check`` entries of a Checkov config file (check ids or shell-style patterns)."""
    if not config_file.is_file():
        raise ScanError(f"{config_file}: skip file not found")
    import yaml  # PyYAML: in the app venv and in the checkov venv

    try:
        doc = yaml.safe_load(config_file.read_text())
    except yaml.YAMLError as exc:
        raise ScanError(f"{config_file}: not valid YAML: {exc}") from exc
    if doc is None:
        return []
    if not isinstance(doc, dict):
        raise ScanError(f"{config_file}: must be a mapping")
    unknown = sorted(set(doc) - _SKIP_FILE_KEYS)
    if unknown:
        raise ScanError(
            f"{config_file}: unsupported key(s) {', '.join(map(str, unknown))}; the runner sets every "
            "other Checkov option itself and reads only skip-check"
        )
    skips = doc.get("skip-check") or []
    if isinstance(skips, str):  # Checkov also accepts "CKV_1,CKV_2"
        skips = [s.strip() for s in skips.split(",") if s.strip()]
    if not isinstance(skips, list) or not all(isinstance(s, str) and s.strip() for s in skips):
        raise ScanError(f"{config_file}: skip-check must be a list of check ids")
    return [s.strip() for s in skips]


def skip_matches(entry: str, check_id: str, resource: str) -> bool:
    """Whether a skip entry covers a result.

    An entry is ``CHECK`` (every resource) or ``CHECK RESOURCE``, each a shell-style pattern;
    RESOURCE matches the Terraform address ``type.name`` (names carry the construct path).
    """
    check_pattern, _, resource_pattern = entry.partition(" ")
    return fnmatch.fnmatchcase(check_id, check_pattern) and fnmatch.fnmatchcase(
        resource, resource_pattern.strip() or "*"
    )


def find_stacks(outdir: Path) -> dict[str, Path]:
    """``{stack name: cdk.tf.json}``, in manifest order when there is a manifest."""
    if not outdir.is_dir():
        raise ScanError(f"{outdir}: output folder not found")
    found = {p.parent.name: p for p in sorted(outdir.glob("stacks/*/cdk.tf.json"))}
    manifest = outdir / "manifest.json"
    if manifest.is_file():
        listed = list(json.loads(manifest.read_text()).get("stacks", {}))
        missing = sorted(set(listed) - set(found))
        if missing:
            raise ScanError(
                f"{outdir}: manifest.json lists stacks {missing} that have no stacks/<stack>/cdk.tf.json"
            )
        # Folders of stacks that are no longer in the manifest (a removed region) are
        # leftovers that synthesis keeps on purpose; they are not part of this output.
        found = {name: found[name] for name in listed}
    if not found:
        raise ScanError(f"{outdir}: no stacks/<stack>/cdk.tf.json found")
    return found


def sanitize(doc: dict[str, Any]) -> list[str]:
    """Remove, in place, what Checkov's JSON parser cannot read; return the removed paths."""
    stripped = []
    for block in list(doc):
        value = doc[block]
        if block == _COMMENT:
            continue
        if not isinstance(value, (dict, list)):
            stripped.append(block)
            del doc[block]
            continue
        if block in _SPECIAL_BLOCKS or not isinstance(value, dict):
            continue
        for key in list(value):
            if key != _COMMENT and not isinstance(value[key], dict):
                stripped.append(f"{block}.{key}")
                del value[key]
    return stripped


_KEY_LINE = re.compile(r'^( *)"((?:[^"\\]|\\.)*)": \{$')


def resource_lines(text: str) -> dict[int, str]:
    """``{line number: address}`` of every resource/data source in JSON written with indent=2.

    Checkov names a resource found by a Python check ``resource.<name>``, without its type; its
    line range starts at the line of ``"<name>": {``, which this maps back to the full address.
    """
    out: dict[int, str] = {}
    block = rtype = ""
    for number, line in enumerate(text.splitlines(), start=1):
        m = _KEY_LINE.match(line)
        if not m:
            continue
        depth, key = len(m.group(1)) // 2, json.loads(f'"{m.group(2)}"')
        if depth == 1:
            block = key
        elif depth == 2:
            rtype = key
        elif depth == 3 and block in ("resource", "data"):
            out[number] = f"{'data.' if block == 'data' else ''}{rtype}.{key}"
    return out


def resource_types(doc: dict[str, Any]) -> set[str]:
    """Every resource type of the stack; data sources as ``data.<type>``."""
    return {
        f"{'data.' if block == 'data' else ''}{rtype}"
        for block in ("resource", "data")
        for rtype, names in doc.get(block, {}).items()
        if rtype != _COMMENT and isinstance(names, dict) and any(n != _COMMENT for n in names)
    }


TYPES_WITH_CHECKS = """\
import json
import checkov.terraform.checks.data
import checkov.terraform.checks.resource
from checkov.terraform.checks.data.registry import data_registry
from checkov.terraform.checks.resource.registry import resource_registry
print(json.dumps(sorted({*resource_registry.checks, *(f"data.{t}" for t in data_registry.checks)})))
"""


def types_with_checks(checkov: Path) -> set[str]:
    """The resource types (``data.<type>`` for data sources) that Checkov has a check for,
    asked of the Checkov install itself (its venv's Python)."""
    proc = subprocess.run(
        [str(checkov.parent / "python"), "-c", TYPES_WITH_CHECKS],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise ScanError(f"could not list Checkov's checks:\n{proc.stderr[-2000:]}")
    return set(json.loads(proc.stdout))


def count_resources(doc: dict[str, Any]) -> int:
    return sum(
        len([n for n in names if n != _COMMENT])
        for block in ("resource", "data")
        for rtype, names in doc.get(block, {}).items()
        if rtype != _COMMENT and isinstance(names, dict)
    )


# --- checkov ----------------------------------------------------------------------------------


OFFLINE_ENV = {
    "BC_SKIP_MAPPING": "TRUE",
    "CKV_SKIP_PACKAGE_UPDATE_CHECK": "TRUE",  # else every run asks PyPI for a newer checkov
}
"""What every Checkov run gets in its environment: offline, no update check."""

LOG_LEVEL = "WARNING"
"""Checkov's log level unless ``LOG_LEVEL`` is set."""


def run_checkov(checkov: Path, folder: Path, home: Path) -> tuple[list[dict[str, Any]], str]:
    env = dict(os.environ)
    env.update(
        OFFLINE_ENV,
        HOME=str(home),  # no ~/.checkov.yaml
        LOG_LEVEL=env.get("LOG_LEVEL", LOG_LEVEL),
    )
    cmd = [
        str(checkov),
        "--directory",
        str(folder),
        "--framework",
        "terraform_json",
        "--skip-download",
        "--output",
        "json",
        "--compact",
    ]
    proc = subprocess.run(cmd, cwd=home, env=env, capture_output=True, text=True, check=False)
    # 0: no failed check, 1: failed checks; anything else is checkov itself failing.
    if proc.returncode not in (0, 1):
        raise ScanError(f"checkov exited {proc.returncode}:\n{proc.stderr[-4000:]}")
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise ScanError(
            f"checkov printed no JSON report ({exc}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        ) from exc
    reports = data if isinstance(data, list) else [data]
    return [r for r in reports if isinstance(r, dict)], proc.stderr


def check_venv(checkov: Path) -> None:
    if not checkov.is_file():
        raise ScanError(f"{checkov} not found: {INSTALL_HINT}")


def pinned_version() -> str | None:
    if not LOCK_FILE.is_file():
        return None
    m = re.search(r"^checkov==(\S+)", LOCK_FILE.read_text(), re.MULTILINE)
    return m.group(1) if m else None


# --- scan -------------------------------------------------------------------------------------


def scan(outdir: Path, checkov: Path = DEFAULT_CHECKOV, config_file: Path = DEFAULT_CONFIG) -> ScanReport:
    check_venv(checkov)
    skips = read_skips(config_file)
    stacks = find_stacks(outdir)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="checkov-scan-") as tmp:
        work, home = Path(tmp) / "stacks", Path(tmp) / "home"
        work.mkdir()
        home.mkdir()
        staged = _stage(stacks, work)
        raw_reports, stderr = run_checkov(checkov, work, home)
    seconds = time.monotonic() - started
    found = _Collected()
    for raw in raw_reports:
        _collect(raw, staged, skips, found)
    if found.parse_errors and "Traceback" in stderr:
        log = "\n".join(f"    {line}" for line in stderr[-3000:].splitlines())
        found.parse_errors.append(f"checkov's log (last lines):\n{log}")
    found.problems += _coverage_problems(staged.reports, found.version, checkov)
    found.results.sort(key=lambda r: (list(stacks).index(r.stack), r.outcome, r.check_id, r.resource))
    return ScanReport(
        outdir=str(outdir),
        stacks=staged.reports,
        results=found.results,
        parse_errors=found.parse_errors,
        problems=found.problems,
        skip_file=config_file.name,
        skip_entries=skips,
        unused_skips=[s for s in skips if s not in found.used],
        checkov_version=found.version,
        seconds=seconds,
    )


@dataclass
class _Staged:
    """The stacks as written for Checkov: per stack its report, its resource lines, and which
    stack each file name Checkov may print belongs to."""

    reports: dict[str, StackReport] = field(default_factory=dict)
    lines: dict[str, dict[int, str]] = field(default_factory=dict)
    by_file: dict[str, str] = field(default_factory=dict)


@dataclass
class _Collected:
    results: list[Result] = field(default_factory=list)
    parse_errors: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    version: str = ""
    used: set[str] = field(default_factory=set)
    """Skip entries that matched a result."""


def _stage(stacks: dict[str, Path], work: Path) -> _Staged:
    """Write every stack into ``work`` as Checkov can parse it (indent=2, unreadable parts stripped)."""
    staged = _Staged()
    for name, path in stacks.items():
        doc = json.loads(path.read_text())
        if not isinstance(doc, dict):
            raise ScanError(f"{path}: not a JSON object")
        report = StackReport(name, count_resources(doc), stripped=sanitize(doc), types=resource_types(doc))
        text = json.dumps(doc, indent=2) + "\n"
        target = work / f"{name}.tf.json"
        target.write_text(text)
        staged.reports[name] = report
        staged.lines[name] = resource_lines(text)
        staged.by_file[f"/{target.name}"] = name
        staged.by_file[str(target)] = name
    return staged


_OUTCOMES = (("passed_checks", "passed"), ("failed_checks", "failed"), ("skipped_checks", "skipped"))


def _collect(raw: dict[str, Any], staged: _Staged, skips: list[str], found: _Collected) -> None:
    """Add one Checkov report's results, parse errors and problems to ``found``."""
    summary = raw.get("summary", {})
    found.version = str(summary.get("checkov_version", found.version))
    if raw.get("check_type") not in (None, "terraform_json"):
        found.problems.append(f"unexpected checkov framework in the report: {raw.get('check_type')}")
    body = raw.get("results", {})
    for path in body.get("parsing_errors", []):
        name = staged.by_file.get(path) or staged.by_file.get(f"/{Path(path).name}", path)
        found.parse_errors.append(f"{name}: checkov could not parse {Path(path).name}")
    for key, outcome in _OUTCOMES:
        for check in body.get(key, []):
            _add_result(check, outcome, staged, skips, found)


def _add_result(
    check: dict[str, Any], outcome: str, staged: _Staged, skips: list[str], found: _Collected
) -> None:
    stack = staged.by_file.get(check.get("file_path", "")) or staged.by_file.get(
        check.get("file_abs_path", "")
    )
    if stack is None:
        found.problems.append(f"result for an unknown file: {check.get('file_path')}")
        return
    start = (check.get("file_line_range") or [0])[0]
    resource = staged.lines[stack].get(start, str(check.get("resource", "?")))
    check_id = str(check.get("check_id"))
    matched = [s for s in skips if skip_matches(s, check_id, resource)]
    found.used.update(matched)
    outcome_here = "skipped" if matched else outcome
    name = str(check.get("check_name", ""))
    found.results.append(Result(stack, outcome_here, check_id, name, resource, outcome))
    staged.reports[stack].counts[outcome_here] += 1
    staged.reports[stack].checked.add(resource)


def _coverage_problems(reports: dict[str, StackReport], version: str, checkov: Path) -> list[str]:
    """Stacks Checkov did not read, and a Checkov other than the lock's."""
    unread = [r for r in reports.values() if r.resources and not r.checked]
    # A stack none of whose types has a check (the Front Door route, say) is read and passes
    # nothing; any other stack with nothing checked was not read.
    checkable = types_with_checks(checkov) if unread else set()
    problems = [
        f"{report.name}: {report.resources} resources but none was checked (checkov did not read the stack)"
        for report in unread
        if report.types & checkable
    ]
    if not any(r.checked for r in reports.values()):
        problems.append("no resource was checked at all")
    pinned = pinned_version()
    if pinned and version and version != pinned:
        problems.append(f"checkov {version} in .checkov-venv, but the lock pins {pinned}: {INSTALL_HINT}")
    return problems


# --- output -----------------------------------------------------------------------------------


def format_report(report: ScanReport, label: str | None = None) -> str:
    title = label or report.outdir
    width = max([len(n) for n in report.stacks] + [len("total")])
    out = [
        f"checkov {report.checkov_version or '?'} on {title}: "
        f"{len(report.stacks)} stacks, {report.seconds:.1f} s",
        f"  {'stack':<{width}}  passed  failed  skipped  resources checked",
    ]
    for s in report.stacks.values():
        c = s.counts
        out.append(
            f"  {s.name:<{width}}  {c['passed']:>6}  {c['failed']:>6}  {c['skipped']:>7}  "
            f"{len(s.checked)}/{s.resources}"
        )
    checked = sum(len(s.checked) for s in report.stacks.values())
    resources = sum(s.resources for s in report.stacks.values())
    out.append(
        f"  {'total':<{width}}  {report.total('passed'):>6}  {report.total('failed'):>6}  "
        f"{report.total('skipped'):>7}  {checked}/{resources}"
    )
    for s in report.stacks.values():
        if s.stripped:
            out.append(
                f"  stripped before scanning (checkov cannot parse it): {s.name}: {', '.join(s.stripped)}"
            )
    out += _skip_lines(report)
    if report.unused_skips:
        out.append(f"  skip entries that matched nothing here: {', '.join(report.unused_skips)}")
    if report.failed:
        out.append(f"  FAILED ({len(report.failed)}): <stack> <check_id> <resource> <check name>")
        out.extend(f"    {r.line()}" for r in report.failed)
    for e in report.parse_errors:
        out.append(f"  PARSE ERROR: {e}")
    for p in report.problems:
        out.append(f"  ERROR: {p}")
    out.append(f"  result: {'OK' if report.ok else 'FAILED'}")
    return "\n".join(out)


def _skip_lines(report: ScanReport) -> list[str]:
    """The skip file's entries, and how many results each skipped check would have failed."""
    if not report.skip_entries:
        return []
    out = [f"  skip-check ({report.skip_file}): {', '.join(report.skip_entries)}"]
    would_fail: dict[str, int] = {}
    for r in report.results:
        if r.outcome == "skipped" and r.checkov_outcome == "failed":
            would_fail[r.check_id] = would_fail.get(r.check_id, 0) + 1
    if would_fail:
        listed = ", ".join(f"{cid} x{n}" for cid, n in sorted(would_fail.items()))
        out.append(f"  skipped checks that would fail: {listed}")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("outdir", type=Path, help="cdktf output folder (holds stacks/<stack>/cdk.tf.json)")
    parser.add_argument("--checkov", type=Path, default=DEFAULT_CHECKOV, help="checkov executable")
    parser.add_argument("--config-file", type=Path, default=DEFAULT_CONFIG, help="skip file (skip-check)")
    parser.add_argument("--json", type=Path, help="also write the summary as JSON to this file")
    parser.add_argument("--label", help="name to print instead of the output folder")
    args = parser.parse_args(argv)
    try:
        report = scan(args.outdir, args.checkov, args.config_file)
    except ScanError as exc:
        print(f"checkov_scan: error: {exc}", file=sys.stderr)
        if args.json:
            args.json.write_text(json.dumps({"ok": False, "error": str(exc)}, indent=2) + "\n")
        return 2
    print(format_report(report, args.label))
    if args.json:
        args.json.write_text(json.dumps(report.to_json(), indent=2) + "\n")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
