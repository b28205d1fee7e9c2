"""The app as a process: ``python main.py`` and ``cdktf synth`` (``cdktn synth``) from the repo root."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from synthhelp import CONFIG_DIR, REPO, MainRun, Synthesized, earlier_output, read_outdir

from dualstack import fastimport

pytestmark = pytest.mark.cli

BIN = Path(sys.executable).parent
ACTIVE = fastimport.selected()
CLI = REPO / ACTIVE.home / "node_modules" / ".bin" / ACTIVE.cli


def cli(command: str, *args: str) -> list[str]:
    """The active framework's CLI running ``command``: cdktf runs the app cdktf.json names (the
    default venv's python), cdktn is told to run this venv's, as ``make`` does."""
    app = [] if ACTIVE is fastimport.CDKTF else ["--app", f"{sys.executable} main.py"]
    return [str(CLI), command, *app, *args]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DUALSTACK_CONFIG", "CDKTF_OUTDIR")}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["CHECKPOINT_DISABLE"] = "1"
    env.update(extra)
    return env


def run_main(config: Path | str, outdir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "main.py"],
        cwd=REPO,
        env=_env(DUALSTACK_CONFIG=str(config), CDKTF_OUTDIR=str(outdir)),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def existing_output(tmp_path: Path) -> Path:
    """An output folder from an earlier run, with state-like files beside the stacks."""
    return earlier_output(tmp_path / "cdktf.out")


@pytest.mark.slow(8)  # computes main_py_run; its other readers, unmarked, read it later
def test_python_main_synthesizes_the_same_bytes_as_in_process(
    default_synth: Synthesized, main_py_run: MainRun
) -> None:
    assert main_py_run.returncode == 0, main_py_run.stderr
    assert "synthesized 5 stacks" in main_py_run.stdout
    out = read_outdir(main_py_run.outdir)
    assert {n: s.text for n, s in out.stacks.items()} == {n: s.text for n, s in default_synth.stacks.items()}
    # Files the synthesis does not own (terraform's lock file, state) are left alone.
    lock = main_py_run.outdir / "stacks" / "global" / ".terraform.lock.hcl"
    assert lock.read_text() == "# provider lock\n"
    assert not list(main_py_run.outdir.parent.glob(".cdktf.out.staging-*")), "staging folder left behind"


def test_unset_config_means_the_default(main_py_run: MainRun) -> None:
    """``main_py_run`` runs with ``DUALSTACK_CONFIG`` unset."""
    assert main_py_run.returncode == 0, main_py_run.stderr
    assert "config/default.yaml" in main_py_run.stdout
    assert set(read_outdir(main_py_run.outdir).stacks) == {
        "global",
        "eastus2",
        "eastus2-workloads",
        "swedencentral",
        "swedencentral-workloads",
    }


BAD_CONFIGS = {
    "syntax": "project: [unclosed\n",
    "wrong_family": (CONFIG_DIR / "default.yaml")
    .read_text()
    .replace("ipv4: 10.10.0.0/16", "ipv4: fd00::/48"),
    "unknown_key": (CONFIG_DIR / "default.yaml").read_text().replace("ingress:\n", "ingres:\n"),
}


@pytest.mark.parametrize("name", sorted(BAD_CONFIGS))
def test_bad_config_exits_nonzero_with_lines_and_leaves_output_untouched(
    name: str, tmp_path: Path, existing_output: Path
) -> None:
    config = tmp_path / f"{name}.yaml"
    config.write_text(BAD_CONFIGS[name])
    before = tree_digest(existing_output.parent)
    result = run_main(config, existing_output)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: ") and "nothing was synthesized" in lines[-1]
    assert all(line.startswith(f"error: {config}: ") for line in lines[:-1])
    assert tree_digest(existing_output.parent) == before


def test_missing_config_file_is_a_clear_error(tmp_path: Path, existing_output: Path) -> None:
    before = tree_digest(existing_output.parent)
    result = run_main(tmp_path / "nope.yaml", existing_output)
    assert result.returncode == 2
    assert "no such file" in result.stderr and "DUALSTACK_CONFIG" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_digest(existing_output.parent) == before


@pytest.mark.skipif(not CLI.exists(), reason=f"{ACTIVE.cli} CLI not installed (make install)")
@pytest.mark.slow(11)
def test_cdktf_cli_synth_from_repo_root(default_synth: Synthesized, tmp_path: Path) -> None:
    out = tmp_path / "cli.out"
    result = subprocess.run(
        cli("synth", "--output", str(out)),
        cwd=REPO,
        env=_env(CI="1", DISABLE_VERSION_CHECK="1"),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    got = read_outdir(out)
    assert {n: s.text for n, s in got.stacks.items()} == {n: s.text for n, s in default_synth.stacks.items()}
    shutil.rmtree(out, ignore_errors=True)


@pytest.mark.slow(3)
def test_config_errors_under_the_cdktf_cli_are_plain_and_make_checks_first(tmp_path: Path) -> None:
    """Under the cdktf CLI the app writes its error lines to stdout: the CLI logs stderr as red
    "[ERROR]" lines and repeats them in its report, stdout it shows plain (in its report, and as
    it arrives where it streams: a terminal, CI). The make targets that call cdktf synthesize
    with `python main.py` first, so a bad config stops there, each line printed once."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("project: Bad\n")
    result = subprocess.run(
        cli("synth", "--output", str(tmp_path / "out")),
        cwd=REPO,
        env=_env(CI="1", DISABLE_VERSION_CHECK="1", DUALSTACK_CONFIG=str(bad), TF_CLI_CONFIG_FILE=os.devnull),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode != 0
    text = result.stdout + result.stderr
    line = "error: " + str(bad) + ": project: must be 2-10 characters"
    shown = [row for row in text.splitlines() if line in row]
    assert shown and all("\x1b[" not in row and "[ERROR]" not in row for row in shown), shown
    assert "Command output on stderr" not in text, "nothing on stderr for the CLI to log in red"
    # Run directly (make synth), the lines go to stderr, once.
    direct = run_main(bad, tmp_path / "direct")
    assert direct.returncode == 2 and direct.stderr.count(line) == 1 and direct.stdout == ""
    makefile = (REPO / "Makefile").read_text()
    for target in ("deploy", "diff", "destroy"):
        assert f"\n{target}: synth\n" in makefile, f"make {target} synthesizes (and checks the config) first"
