"""The pure helpers of ``tools/benchmark.py``: generated configs, the fit, the Markdown.

Nothing here runs the benchmark or asserts a time.
"""

from __future__ import annotations

import ipaddress
import statistics
from pathlib import Path
from typing import Any

import pytest
from synthhelp import load_tool

from dualstack import fastimport
from dualstack.config import Config
from dualstack.config.loader import load_config
from dualstack.fastimport import CDKTF, CDKTN
from dualstack.regions import ZONAL_REGIONS

bench = load_tool("benchmark")


@pytest.mark.parametrize("count", [1, 5, 10, 20, len(ZONAL_REGIONS)])
def test_region_config_is_valid_with_disjoint_vnets(count: int, tmp_path: Path) -> None:
    config = load_config(bench.write_region_config(count, tmp_path))
    assert isinstance(config, Config)
    assert list(config.regions) == sorted(ZONAL_REGIONS)[:count]
    assert config.project == "bench"
    assert config.ingress.mode == "nat64"
    assert config.dns.zone_name == "bench.example.com"
    for family in ("ipv4", "ipv6"):
        nets = [ipaddress.ip_network(getattr(r.address_space, family)) for r in config.regions.values()]
        for i, a in enumerate(nets):
            for b in nets[i + 1 :]:
                assert not a.overlaps(b), (family, a, b)
    # Clear of the default service and pod ranges of every region.
    for region in config.regions.values():
        vnet = ipaddress.ip_network(region.address_space.ipv4)
        for reserved in ("10.0.0.0/16", "10.244.0.0/16"):
            assert not vnet.overlaps(ipaddress.ip_network(reserved))


@pytest.mark.parametrize("count", [0, len(ZONAL_REGIONS) + 1])
def test_region_config_rejects_impossible_counts(count: int) -> None:
    with pytest.raises(ValueError, match="region count"):
        bench.region_config(count)


def test_fit_line_recovers_an_exact_line() -> None:
    fit = bench.fit_line([1, 5, 10, 20], [2.5 + 0.2 * x for x in (1, 5, 10, 20)])
    assert fit.slope == pytest.approx(0.2)
    assert fit.intercept == pytest.approx(2.5)
    assert fit.r2 == pytest.approx(1.0)


def test_fit_line_least_squares_of_noisy_points() -> None:
    fit = bench.fit_line([0, 1, 2, 3], [1, 3, 2, 4])
    assert fit.slope == pytest.approx(0.8)
    assert fit.intercept == pytest.approx(1.3)
    assert 0 < fit.r2 < 1


def test_fit_line_needs_two_distinct_points() -> None:
    with pytest.raises(ValueError):
        bench.fit_line([5, 5], [1, 2])
    with pytest.raises(ValueError):
        bench.fit_line([1, 2], [1])


def _runs(walls: list[float], mibs: list[float]) -> list[Any]:
    return [
        bench.Run(wall_s=w, peak_rss=int(m * bench.MIB), largest_rss=int(m * bench.MIB / 2), samples=100)
        for w, m in zip(walls, mibs, strict=True)
    ]


def _report() -> Any:
    machine = bench.Machine(
        cpus=2,
        cpus_usable=2,
        cpu_model="Test CPU",
        memory_total="8.0 GiB",
        kernel="Linux test",
        python="3.11.7",
        node="v22.20.0",
        date="2026-01-01 00:00 UTC",
        load_before="0.10 0.20 0.30",
        load_after="0.40 0.50 0.60",
    )
    floor = bench.CaseResult("floor", "the floor", None, _runs([10.0, 12.0, 11.0], [1000, 1000, 1000]))
    default = bench.CaseResult("default", "the default", None, _runs([4.0, 6.0, 5.0], [800, 800, 800]))
    regions = [
        bench.CaseResult(
            f"regions-{n}",
            f"{n} regions",
            n,
            _runs([4.0 + 0.1 * n] * 3, [700 + 10 * n] * 3),
        )
        for n in (1, 5, 10, 20)
    ]
    return bench.Report(
        machine=machine,
        floor=floor,
        cases=[default, *regions],
        rounds=3,
        warmup=1,
        order=["floor", "default", "regions-1", "regions-5", "regions-10", "regions-20"],
        total_s=600.0,
    )


def test_ratio_of_medians_and_per_round() -> None:
    report = _report()
    floor = report.floor
    default = report.cases[0]
    r = bench.ratio(default, floor, "wall")
    assert r.of_medians == pytest.approx(5.0 / 11.0)
    assert r.per_round == pytest.approx(statistics.median([4 / 10, 6 / 12, 5 / 11]))
    assert bench.ratio(default, floor, "peak").of_medians == pytest.approx(0.8)


def test_markdown_report() -> None:
    text = bench.render_markdown(_report())
    assert text.startswith("# Synthesis benchmark\n")
    assert "Test CPU" in text and "8.0 GiB" in text and "v22.20.0" in text and "2026-01-01" in text
    assert (
        "| floor | 3 | 11.00 [10.00-12.00] | 1 (reference) | 1000 [1000-1000] | 1 (reference) | 500 |" in text
    )
    assert "| default | 3 | 5.00 [4.00-6.00] | 0.45 / 0.45 | 800 [800-800] | 0.80 / 0.80 | 400 |" in text
    assert "**+0.100 s per region**" in text
    assert "**+10.0 MiB per region**" in text
    targets = text.split("## Targets", 1)[1]
    rows = {line.split(" | ")[0].lstrip("| "): line for line in targets.splitlines() if line.startswith("| ")}
    assert rows["`python main.py`, default config: median wall"].endswith("| met |")
    assert rows["`python main.py`, default config: peak memory"].endswith("| met |")
    assert rows["Marginal wall per added region"].endswith("| 0.100 s | met |")
    assert rows["Marginal peak memory per added region"].endswith("| 10.0 MiB | met |")
    # 20 regions: 6.0 s against an 11 s floor.
    assert "0.55x (medians)" in rows["20 regions: median wall"]
    assert rows["20 regions: median wall"].endswith("| met |")


def test_markdown_marks_missed_and_absent_targets() -> None:
    report = _report()
    report.cases = [report.cases[0]]
    report.cases[0].runs = _runs([10.0, 12.0, 11.0], [1200, 1200, 1200])
    text = bench.render_markdown(report)
    assert "## Marginal cost per added region" not in text
    targets = text.split("## Targets", 1)[1]
    assert "| 1.00x (medians) / 1.00x (per-round) | not met |" in targets
    assert "| 1.20x (medians) / 1.20x (per-round) | not met |" in targets
    assert targets.count("| not run | n/a |") == 3


def test_verdict_mixed_when_the_measures_disagree() -> None:
    assert bench._verdict([0.84, 0.86], 0.85).startswith("mixed")
    assert bench._verdict([0.84, 0.85], 0.85) == "met"
    assert bench._verdict([0.86, 0.9], 0.85) == "not met"


def test_parse_args_subsets_and_rejects_unknown() -> None:
    args = bench.parse_args(["--cases", "floor,default", "--regions", "5,1", "--runs", "2"])
    assert args.cases == ["floor", "default"] and args.regions == [1, 5] and args.runs == 2
    with pytest.raises(SystemExit):
        bench.parse_args(["--cases", "floor,nope"])
    with pytest.raises(SystemExit):
        bench.parse_args(["--regions", "0"])


def test_the_floor_app_is_the_same_program_on_both_frameworks() -> None:
    cdktf, cdktn = bench.floor_app(CDKTF), bench.floor_app(CDKTN)
    assert cdktf == bench.FLOOR_APP
    for name in (
        "cdktf",
        "cdktf_cdktf_provider_azurerm",
        "cdktf_cdktf_provider_helm",
        "cdktf_cdktf_provider_kubernetes",
    ):
        assert name in cdktf and name not in cdktn.replace("(cdktn)", "")
    spelt_alike = cdktn
    for seam, real in sorted(fastimport.renames(CDKTN).items(), key=lambda pair: -len(pair[1])):
        spelt_alike = spelt_alike.replace(real, seam)
    assert spelt_alike.replace("(cdktn)", "(cdktf)") == cdktf
    compile(cdktn, "floor_app_cdktn.py", "exec")


def test_the_cdktn_cases_run_from_its_own_venv_against_the_same_floor(tmp_path: Path) -> None:
    floor, cases = bench.build_cases(["floor", "default", "cdktn"], [], tmp_path)
    assert floor.argv[0] == str(bench.PYTHON) and [c.name for c in cases] == [
        "default",
        "cdktn-floor",
        "cdktn-default",
        "cdktn-cli",
    ]
    for case in cases[1:]:
        assert case.env["DUALSTACK_FRAMEWORK"] == "cdktn"
        assert case.env["PATH"].startswith(str(bench.CDKTN_BIN))
        assert str(bench.CDKTN_PYTHON) in " ".join(case.argv)
    assert "cdktn_provider_azurerm" in (tmp_path / "floor_app_cdktn.py").read_text()
    assert "DUALSTACK_FRAMEWORK" not in cases[0].env, "the default case runs on whatever .venv holds"
    assert "cdktn" in bench.parse_args([]).cases
