"""The chart sources the tests render (tests/data/charts) are the recorded upstream files, at the
versions the config pins."""

from __future__ import annotations

import hashlib
import re

import pytest
import yaml
from synthhelp import REPO

from dualstack import ingress_controller
from dualstack.config import Ingress, Tls

CHARTS = REPO / "tests" / "data" / "charts"
PINNED = {
    "nginx-ingress": Ingress.model_fields["chart_version"].default,
    "cert-manager": Tls.model_fields["chart_version"].default,
}


def recorded(chart: str) -> tuple[dict[str, str], dict[str, str]]:
    """``({header field: value}, {file: sha256})`` of a chart's SOURCE file."""
    header: dict[str, str] = {}
    digests: dict[str, str] = {}
    for line in (CHARTS / chart / "SOURCE").read_text().splitlines():
        match = re.fullmatch(r"# ([a-z]+): (\S+)", line)
        if match:
            header[match.group(1)] = match.group(2)
        elif line and not line.startswith("#"):
            digest, name = line.split("  ", 1)
            digests[name] = digest
    return header, digests


@pytest.mark.parametrize("chart", sorted(PINNED))
def test_the_vendored_files_are_the_recorded_ones(chart: str) -> None:
    header, digests = recorded(chart)
    folder = CHARTS / chart
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {"SOURCE"}
    assert set(digests) == on_disk, "every file is recorded, every recorded file is there"
    for name, digest in digests.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    assert header["upstream"].startswith("https://github.com/")
    assert re.fullmatch(r"[0-9a-f]{40}", header["commit"])
    assert re.fullmatch(r"v[0-9]+\.[0-9]+\.[0-9]+", header["tag"])


@pytest.mark.parametrize("chart", sorted(PINNED))
def test_the_vendored_chart_is_the_pinned_version(chart: str) -> None:
    meta = yaml.safe_load((CHARTS / chart / "Chart.yaml").read_text())
    assert meta["name"] == chart
    assert meta["version"] == PINNED[chart]


def test_the_controller_image_is_the_charts_app_version() -> None:
    meta = yaml.safe_load((CHARTS / "nginx-ingress" / "Chart.yaml").read_text())
    assert meta["appVersion"] == ingress_controller.IMAGE.tag
