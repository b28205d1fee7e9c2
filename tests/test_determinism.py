"""The same config gives byte-identical output, independent of machine and checkout path."""

from __future__ import annotations

import getpass
import os
import tempfile
from pathlib import Path

from synthhelp import CONFIG_DIR, REPO, Synthesized, synth

from dualstack.config.loader import load_config


def test_two_syntheses_are_byte_identical(default_synth: Synthesized, tmp_path: Path) -> None:
    again = synth(load_config(CONFIG_DIR / "default.yaml"), tmp_path / "elsewhere" / "out")
    assert again.stacks.keys() == default_synth.stacks.keys()
    for name, stack in default_synth.stacks.items():
        assert again[name].text == stack.text, f"stack {name} differs between two syntheses"
    assert (again.outdir / "manifest.json").read_bytes() == (
        default_synth.outdir / "manifest.json"
    ).read_bytes()


def test_output_holds_no_machine_or_checkout_specific_path(any_synth: Synthesized) -> None:
    needles = {str(REPO), str(any_synth.outdir), tempfile.gettempdir() + "/", os.path.expanduser("~")}
    needles.add(getpass.getuser()) if len(getpass.getuser()) > 4 else None
    for stack in any_synth.stacks.values():
        for needle in needles:
            assert needle not in stack.text, f"{stack.name} contains {needle!r}"


def test_local_state_path_is_relative_and_outside_the_output(default_synth: Synthesized) -> None:
    for name, stack in default_synth.stacks.items():
        path = stack.json["terraform"]["backend"]["local"]["path"]
        assert path == f"../../../terraform.contoso.{name}.tfstate"  # project in the name: no sharing
        # Relative to the stack's working directory, so it lands beside the output folder,
        # where re-synthesis never touches it.
        resolved = (default_synth.outdir / "stacks" / name / path).resolve()
        assert resolved.parent == default_synth.outdir.parent.resolve()


def test_remote_backend_has_one_key_per_stack_and_entra_auth(
    synthesized_configs: dict[str, Synthesized],
) -> None:
    out = synthesized_configs["nat46"]
    keys = set()
    for name, stack in out.stacks.items():
        backend = stack.json["terraform"]["backend"]["azurerm"]
        assert backend["use_azuread_auth"] is True
        assert backend["key"] == f"fabrikam/{name}.tfstate"  # default prefix: the project
        assert "access_key" not in backend and "sas_token" not in backend
        keys.add(backend["key"])
    assert len(keys) == len(out.stacks)
