"""Copy the sources of the Helm charts the workloads stacks install into tests/data/charts.

Usage: python tools/vendor_charts.py CHART MIRROR

    CHART   nginx-ingress or cert-manager
    MIRROR  a git directory (bare or not) of the chart's upstream repository that holds its tag

The test suite renders every release from these copies (tests/test_rendered_charts.py), so the
copy must be the chart at the version the config pins, byte for byte where upstream publishes
it. Each chart is taken from its upstream tag with ``git archive`` and written with a SOURCE
file: upstream repository, tag, commit, path, what was left out or changed, and the sha256 of
every file written (tests/test_rendered_charts.py checks them).

What differs from upstream, and why:

* nginx-ingress: the ``crds`` entry (a symbolic link to ../../config/crd/bases) is left out:
  the releases install with ``skip_crds`` (the chart's custom resources are off). The icon
  (``*.png``, in the chart's own .helmignore) is left out.
* cert-manager: the chart in the repository is the source of the one cert-manager publishes;
  its release build (make/manifests.mk) copies it, sets ``version`` and ``appVersion`` in
  Chart.yaml to the release's tag (``v0.0.0`` placeholders here), adds two artifacthub.io
  annotations, and packages it without what its .helmignore names (tests/,
  README.template.md). This tool does the same, except for the annotations, which no
  template reads: the two placeholder lines are replaced, nothing else. SOURCE records the
  sha256 of the upstream Chart.yaml as well.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET = REPO / "tests" / "data" / "charts"


@dataclass(frozen=True)
class Upstream:
    repository: str
    tag: str
    path: str
    leave_out: tuple[str, ...]
    """Paths (relative to the chart) left out: a file, or a folder ending in /."""
    chart_version: str


CHARTS = {
    "nginx-ingress": Upstream(
        repository="https://github.com/nginx/kubernetes-ingress",
        tag="v5.5.4",
        path="charts/nginx-ingress",
        leave_out=("crds", "chart-icon.png"),
        chart_version="2.6.4",
    ),
    "cert-manager": Upstream(
        repository="https://github.com/cert-manager/cert-manager",
        tag="v1.21.1",
        path="deploy/charts/cert-manager",
        leave_out=(
            "tests/",
            "README.template.md",
            ".gitignore",
            "signkey_annotation.txt",
            "values.linter.exceptions",
        ),
        chart_version="v1.21.1",
    ),
}


def _git(mirror: Path, *args: str) -> bytes:
    return subprocess.run(["git", "--git-dir", str(mirror), *args], capture_output=True, check=True).stdout


def _left_out(relative: str, patterns: tuple[str, ...]) -> bool:
    return any(relative == p or (p.endswith("/") and relative.startswith(p)) for p in patterns)


def vendor(name: str, mirror: Path) -> Path:
    up = CHARTS[name]
    commit = _git(mirror, "rev-parse", f"{up.tag}^{{commit}}").decode().strip()
    archive = _git(mirror, "archive", "--format=tar", commit, up.path)
    files: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            if not member.isfile() or member.issym():
                continue
            relative = member.name.removeprefix(f"{up.path}/")
            if _left_out(relative, up.leave_out):
                continue
            extracted = tar.extractfile(member)
            assert extracted is not None
            files[relative] = extracted.read()
    notes = [f"# left out: {', '.join(up.leave_out)}"]
    if name == "cert-manager":
        original = files["Chart.yaml"]
        text = original.decode()
        for key in ("version", "appVersion"):
            placeholder = f"\n{key}: v0.0.0\n"
            if text.count(placeholder) != 1:
                raise SystemExit(f"{name}: Chart.yaml has no single '{key}: v0.0.0' placeholder")
            text = text.replace(placeholder, f"\n{key}: {up.tag}\n")
        files["Chart.yaml"] = text.encode()
        notes.append(
            "# changed: Chart.yaml 'version: v0.0.0' and 'appVersion: v0.0.0' set to the tag, as the release"
        )
        notes.append(
            f"#   build does (make/manifests.mk); upstream Chart.yaml sha256 {hashlib.sha256(original).hexdigest()}"
        )
    target = TARGET / name
    if target.exists():
        shutil.rmtree(target)
    for relative, data in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    lines = [
        f"# The {name} chart {up.chart_version}, rendered by tests/test_rendered_charts.py; written by",
        f"# tools/vendor_charts.py {name} <git mirror of the upstream repository>.",
        f"# upstream: {up.repository}",
        f"# tag: {up.tag}",
        f"# commit: {commit}",
        f"# path: {up.path}",
        *notes,
        "# sha256 of each file, path relative to this folder:",
        *(f"{hashlib.sha256(files[r]).hexdigest()}  {r}" for r in sorted(files)),
    ]
    (target / "SOURCE").write_text("\n".join(lines) + "\n")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("chart", choices=sorted(CHARTS))
    parser.add_argument("mirror", type=Path, help="git directory of the upstream repository")
    args = parser.parse_args(argv)
    target = vendor(args.chart, args.mirror)
    print(f"wrote {target.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
