"""docs/config-reference.md is generated from the config model and kept current.

``tools/config_reference.py`` renders it from the model's docstrings, types, defaults and
constraints; ``make docs`` writes it. These tests fail when the checked-in page is stale,
when a key of the model has no text, and when a number the prose states drifts from the
constant the code uses.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import AfterValidator, BaseModel
from synthhelp import REPO, load_tool

from dualstack import config as model

tool = load_tool("config_reference")
PAGE = REPO / "docs" / "config-reference.md"
REGENERATE = "make docs (or .venv/bin/python tools/config_reference.py)"


def test_the_checked_in_reference_is_current() -> None:
    assert PAGE.read_text(encoding="utf-8") == tool.render(), (
        f"{PAGE.relative_to(REPO)} is stale: the config model changed; regenerate it with {REGENERATE}"
    )


def test_the_check_mode_fails_on_a_stale_page_and_says_how_to_regenerate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "config-reference.md"
    assert tool.main(["--output", str(page)]) == 0
    assert tool.main(["--check", "--output", str(page)]) == 0
    page.write_text(page.read_text(encoding="utf-8").replace("Prefix of every", "Prefix of no"))
    assert tool.main(["--check", "--output", str(page)]) == 1
    assert "make docs" in capsys.readouterr().err


def test_the_page_follows_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """A docstring, a default and a constraint changed in the model change the page."""
    field = model.IngressFamily.model_fields["max_replicas"]
    monkeypatch.setattr(field, "description", "A planted sentence about the autoscaler.")
    monkeypatch.setattr(field, "default", 7)
    text = tool.render()
    assert (
        "| `ipv4.max_replicas` | integer | `7` | 2 to 100 | A planted sentence about the autoscaler. |"
        in text
    )
    assert "| `ipv6.max_replicas` | integer | `7` |" in text


def _models(cls: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, type[BaseModel], str]]:
    """``(dotted key, model, field name)`` of every key reachable from ``cls``."""
    hints = typing.get_type_hints(cls, include_extras=True)
    for name, field in cls.model_fields.items():
        key = f"{prefix}{field.alias or name}"
        yield key, cls, name
        for variant in tool._variants(hints[name]):
            yield from _models(variant, f"{key}.")
        base, _ = tool._split(hints[name])
        args = typing.get_args(base)
        if len(args) == 2 and tool._is_model(args[1]):
            yield from _models(args[1], f"{key}.<name>.")


KEYS = list(_models(model.Config))


def _row_key(key: str) -> str:
    """A key as its section's table names it: ``regions.<name>.zones`` -> ``zones``."""
    if "." not in key:
        return key
    return key.split(".", 1)[1].removeprefix("<name>.")


def test_every_key_has_text_and_a_row() -> None:
    text = tool.render()
    assert len(KEYS) > 60, len(KEYS)
    for key, cls, name in KEYS:
        field = cls.model_fields[name]
        variants = tool._variants(typing.get_type_hints(cls, include_extras=True)[name])
        assert field.description or any(tool._own_doc(v) for v in variants), f"{key}: no docstring"
        row = _row_key(key)
        assert re.search(rf"^\| `{re.escape(row)}`", text, re.MULTILINE), f"no row for {key} ({row})"


def test_every_validator_in_a_type_states_its_rule() -> None:
    """The page takes a constrained type's rule from its validators' docstrings."""
    # FrozenMapping's validator only makes the mapping read-only: it refuses nothing.
    _, frozen = tool._split(model.FrozenMapping)
    converters = {m.func for m in frozen if isinstance(m, AfterValidator)}
    missing = []
    for key, cls, name in KEYS:
        hint = typing.get_type_hints(cls, include_extras=True)[name]
        for validator in _after_validators(hint):
            if validator.func not in converters and not (validator.func.__doc__ or "").strip():
                missing.append(f"{key}: {validator.func.__qualname__}")
    assert not missing, missing


def _after_validators(tp: object) -> Iterator[AfterValidator]:
    base, meta = tool._split(tool._without_none(tp)[0])
    yield from (m for m in meta if isinstance(m, AfterValidator))
    for arg in typing.get_args(tool._without_none(base)[0]):
        if arg is not Ellipsis and not isinstance(arg, str | int):
            yield from _after_validators(arg)


def test_the_numbers_the_prose_states_are_the_model_s() -> None:
    region, config = tool._own_doc(model.Region), tool._own_doc(model.Config)
    for reserved in model.AKS_RESERVED_RANGES:
        assert str(reserved) in region
    assert f"{model.MAX_SURGE_PERCENT}% of its ``max_count``" in config
    assert f"Azure keeps {model.AZURE_RESERVED_ADDRESSES} addresses" in config
    pools = (model.Cluster().system_pool, model.Cluster().user_pool)
    need = sum(p.max_count + model.surge_nodes(p.max_count) for p in pools)
    counts = " + ".join(f"{p.max_count} + {model.surge_nodes(p.max_count)}" for p in pools)
    assert f"{counts} = {need}" in config


def test_the_dualstack_rule_for_ipv6_settings_is_on_the_page() -> None:
    text = tool.render()
    (row,) = [line for line in text.splitlines() if line.startswith("| `ipv6` |")]
    assert "Refused in dualstack mode" in row


def test_the_readme_links_the_page_instead_of_copying_it() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "docs/config-reference.md" in readme
    assert "| `ipv4.min_replicas`" not in readme and "| `kubernetes_version`" not in readme
