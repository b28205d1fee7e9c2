"""Write docs/config-reference.md from the config model (``constructs/dualstack/config/``).

    .venv/bin/python tools/config_reference.py           # rewrite the file (make docs)
    .venv/bin/python tools/config_reference.py --check   # exit 1 when the file is stale

Everything in the page comes from the model, so the page cannot drift from it:

- the introduction and each section's text: the docstring of ``Config`` and of each section's
  model class (cross-field rules are stated there, next to the fields they involve);
- per key: the attribute docstring (pydantic ``use_attribute_docstrings``), the type, the
  default (``derived`` for keys the model derives when they are absent), and the rules:
  ``Literal`` choices, numeric bounds, lengths and patterns from the constraints, and the
  docstring of every validator function the type carries (``AfterValidator``);
- the names of constrained types come from their :class:`dualstack.config.Shown` marker;
- the allowed regions: ``dualstack.regions.ZONAL_REGIONS``.

A test (``tests/test_config_reference.py``) fails when the checked-in page differs from what
this prints.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types
import yaml
from pydantic import AfterValidator, BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from dualstack import config as model
from dualstack.config.loader import DERIVED_FIELDS
from dualstack.regions import ZONAL_REGIONS

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "docs" / "config-reference.md"
COMMAND = "make docs"
"""How to regenerate the page (``.venv/bin/python tools/config_reference.py`` does the same)."""

HEADER = (
    "<!-- Generated from constructs/dualstack/config/ by tools/config_reference.py: do not edit.\n"
    f"     Change the model's docstrings instead, then run `{COMMAND}`. -->\n"
)


@dataclass(frozen=True)
class Row:
    key: str
    type: str
    default: str
    rules: tuple[str, ...]
    text: str


# --- reading the model --------------------------------------------------------------------------


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _split(tp: Any) -> tuple[Any, list[Any]]:
    """``(base type, metadata)`` of a possibly ``Annotated`` type (nested ones are flattened)."""
    if get_origin(tp) is typing.Annotated:
        base, *meta = get_args(tp)
        inner, more = _split(base)
        return inner, [*more, *meta]
    return tp, []


def _union_args(tp: Any) -> tuple[Any, ...] | None:
    if get_origin(tp) in (Union, types.UnionType):
        return get_args(tp)
    return None


def _without_none(tp: Any) -> tuple[Any, bool]:
    """``(tp without None, whether None was allowed)``."""
    args = _union_args(tp)
    if args is None or type(None) not in args:
        return tp, False
    rest = [a for a in args if a is not type(None)]
    return (rest[0] if len(rest) == 1 else Union[tuple(rest)]), True  # noqa: UP007


def _hints(cls: type[BaseModel]) -> dict[str, Any]:
    module = sys.modules[cls.__module__]
    return typing.get_type_hints(cls, globalns=vars(module), include_extras=True)


def _doc(obj: Any) -> str:
    """A docstring as one paragraph per blank-line-separated block, each on one line."""
    text = inspect.cleandoc(obj) if isinstance(obj, str) else inspect.getdoc(obj) or ""
    blocks = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(_one_block(b) for b in blocks if b.strip())


def _one_block(block: str) -> str:
    lines = block.splitlines()
    if any(line.lstrip().startswith("- ") for line in lines):
        items: list[str] = []
        for line in lines:
            stripped = line.strip()
            if stripped.startswith("- ") or not items:
                items.append(stripped)
            else:
                items[-1] += " " + stripped
        return "\n".join(items)
    return " ".join(line.strip() for line in lines)


def _own_doc(cls: type) -> str:
    """The class's own docstring (``inspect.getdoc`` would return a base class's)."""
    doc = cls.__dict__.get("__doc__")
    return doc if isinstance(doc, str) else ""


def _first_sentence(text: str) -> str:
    first = text.split("\n\n", 1)[0]
    match = re.match(r"(.+?[.:])(\s|$)", first)
    return (match.group(1) if match else first).rstrip(".:") + "."


def _rst_to_md(text: str) -> str:
    """The docstrings' reStructuredText literals (````x````) as Markdown code (```x```)."""
    return re.sub(r"``(.+?)``", r"`\1`", text)


# --- types, defaults, rules ---------------------------------------------------------------------


def type_text(tp: Any) -> str:
    tp, _ = _without_none(tp)
    base, meta = _split(tp)
    shown = next((m for m in meta if isinstance(m, model.Shown)), None)
    if shown is not None:
        return shown.name
    base, _ = _without_none(base)
    origin = get_origin(base)
    if origin is Literal:
        return " | ".join(f"`{v}`" for v in get_args(base))
    if _union_args(base) is not None or _is_model(base):
        return "mapping"
    if origin is tuple:
        args = get_args(base)
        if len(args) == 2 and args[1] is Ellipsis:
            return f"list of {type_text(args[0])}"
        return "[" + ", ".join(type_text(a) for a in args) + "]"
    if origin in (Mapping, dict) or (isinstance(origin, type) and issubclass(origin, Mapping)):
        key, value = get_args(base)
        return f"mapping: {type_text(key)} → {type_text(value)}"
    return {str: "string", int: "integer", bool: "boolean", float: "number"}.get(base, str(base))


_CONSTRAINTS: tuple[tuple[type, str, str], ...] = (
    (annotated_types.Ge, "ge", "at least {}"),
    (annotated_types.Le, "le", "at most {}"),
    (annotated_types.Gt, "gt", "more than {}"),
    (annotated_types.Lt, "lt", "less than {}"),
    (annotated_types.MinLen, "min_length", "length at least {}"),
    (annotated_types.MaxLen, "max_length", "length at most {}"),
)
"""Constraint metadata, the attribute holding its bound, and how the page states it."""


def _constraint(meta: Any) -> list[str]:
    if isinstance(meta, FieldInfo):
        return [rule for m in meta.metadata for rule in _constraint(m)]
    for kind, attribute, text in _CONSTRAINTS:
        if isinstance(meta, kind):
            return [text.format(getattr(meta, attribute))]
    pattern = getattr(meta, "pattern", None)
    if isinstance(pattern, str):
        return [f"matches `{pattern}`"]
    if isinstance(meta, AfterValidator):
        doc = _doc(meta.func)
        return [doc] if doc else []
    return []


def _bounds(rules: list[str]) -> list[str]:
    """``at least 2`` and ``at most 100`` as ``2 to 100``."""
    low = next((r for r in rules if re.fullmatch(r"at least -?\d+", r)), None)
    high = next((r for r in rules if re.fullmatch(r"at most -?\d+", r)), None)
    if low is None or high is None:
        return rules
    joined = f"{low.removeprefix('at least ')} to {high.removeprefix('at most ')}"
    return [joined if r == low else r for r in rules if r != high]


def rules_of(tp: Any, extra: list[Any] = ()) -> tuple[str, ...]:  # type: ignore[assignment]
    """Every rule a type states: its constraints and validator docstrings, and those of the
    items of a list or a fixed-length list (``[0]: …``, or unprefixed when every item has it)."""
    tp, _ = _without_none(tp)
    base, meta = _split(tp)
    rules = [rule for m in [*meta, *extra] for rule in _constraint(m)]
    base, _ = _without_none(base)
    if get_origin(base) is tuple:
        args = get_args(base)
        if len(args) == 2 and args[1] is Ellipsis:
            rules += [f"each: {r}" for r in rules_of(args[0])]
        else:
            per_item = [rules_of(arg) for arg in args]
            common = [r for r in per_item[0] if all(r in item for item in per_item)]
            rules += common
            for i, item in enumerate(per_item):
                rules += [f"[{i}]: {r}" for r in item if r not in common]
    elif get_origin(base) is not None and get_origin(base) is not Literal and _union_args(base) is None:
        args = get_args(base)
        if len(args) == 2:
            rules += [f"key: {r}" for r in rules_of(args[0])]
            rules += [f"value: {r}" for r in rules_of(args[1])]
    return tuple(dict.fromkeys(_bounds(rules)))


def plain(value: Any) -> Any:
    """A default as the YAML a config would hold."""
    if isinstance(value, BaseModel):
        return {k: plain(v) for k, v in value.model_dump(mode="python", by_alias=True).items()}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    return value


def yaml_text(value: Any) -> str:
    text: str = yaml.safe_dump(plain(value), default_flow_style=True, sort_keys=False, width=10_000)
    return text.strip().removesuffix("...").strip()


def _all_defaults(value: Any) -> bool:
    """Whether ``value`` is a model whose every key is at its default (``Cluster()``)."""
    if not isinstance(value, BaseModel):
        return False
    try:
        return value == type(value)()
    except ValueError:  # a model with required keys
        return False


def default_text(name: str, field: FieldInfo) -> str:
    if _all_defaults(field.default):
        return "every key at its default"
    if field.default is not PydanticUndefined:
        return "none" if field.default is None else f"`{yaml_text(field.default)}`"
    if field.default_factory is not None:
        return f"`{yaml_text(field.default_factory())}`"  # type: ignore[call-arg]
    return "derived" if name in DERIVED_FIELDS else "**required**"


# --- the rows of a section ----------------------------------------------------------------------


def _variants(tp: Any) -> list[type[BaseModel]]:
    """The model classes of a model, an optional model, or a union of models."""
    base, _ = _split(tp)
    base, _ = _without_none(base)
    args = _union_args(base)
    candidates = list(args) if args is not None else [base]
    return [c for c in candidates if _is_model(c)]


def _discriminator(variant: type[BaseModel]) -> str | None:
    """``type: azurerm``, ``kind: front_door``: the tag of a discriminated union's branch."""
    for key in ("type", "kind"):
        hint = _hints(variant).get(key)
        if hint is not None and get_origin(_split(hint)[0]) is Literal:
            (value,) = get_args(_split(hint)[0])
            return f"{key}: {value}"
    return None


def rows(cls: type[BaseModel], prefix: str = "", only: str | None = None) -> Iterator[Row]:
    """A row per key of ``cls``, nested models expanded into dotted keys after their own row."""
    hints = _hints(cls)
    for name, field in cls.model_fields.items():
        key = f"{prefix}{field.alias or name}"
        tp = hints[name]
        variants = _variants(tp)
        text = _rst_to_md(_doc(field.description or ""))
        if len(variants) == 1:  # a nested mapping: what the field is for, then what the model says
            text = f"{text} {_rst_to_md(_doc(_own_doc(variants[0])))}".strip()
        suffix = f" ({only})" if only else ""
        yield Row(
            f"`{key}`{suffix}",
            type_text(tp),
            default_text(name, field),
            rules_of(tp, field.metadata),
            text,
        )
        for variant in variants:
            tag = _discriminator(variant) if len(variants) > 1 else only
            yield from rows(variant, f"{key}.", tag)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n\n", "<br><br>").replace("\n", "<br>")


def table(section_rows: list[Row]) -> list[str]:
    lines = ["| Key | Type | Default | Rules | What it does |", "|---|---|---|---|---|"]
    for row in section_rows:
        rules = "; ".join(row.rules)
        lines.append(
            f"| {row.key} | {_cell(row.type)} | {_cell(row.default)} | {_cell(_rst_to_md(rules))} | {_cell(row.text)} |"
        )
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor of a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.lower())
    return text.replace(" ", "-")


# --- the page -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    key: str
    """``ingress``, or ``regions.<name>`` for the mapping of regions."""
    cls: type[BaseModel]
    name: str
    """The Python attribute of ``Config``."""

    @property
    def heading(self) -> str:
        return f"Section `{self.key}`"


def sections() -> list[Section]:
    out = []
    hints = _hints(model.Config)
    for name, field in model.Config.model_fields.items():
        key = field.alias or name
        base, _ = _split(hints[name])
        if get_origin(base) is not None and issubclass(get_origin(base) or object, Mapping):
            value = get_args(base)[1]
            if _is_model(value):
                out.append(Section(f"{key}.<name>", value, name))
                continue
        variants = _variants(hints[name])
        if variants:
            out.append(Section(key, variants[0] if len(variants) == 1 else model.Config, name))
    return out


def render() -> str:
    found = sections()
    by_name = {s.name: s for s in found}
    lines = [
        HEADER,
        "# Config reference",
        "",
        "Generated from the config model: a key's text is its docstring, its rules are the "
        "model's constraints and the validators of its type; cross-field rules are stated with "
        "the section they belong to.",
        "",
        _rst_to_md(_doc(_own_doc(model.Config))),
        "",
        "## Top-level keys",
        "",
    ]
    top: list[Row] = []
    hints = _hints(model.Config)
    for name, field in model.Config.model_fields.items():
        key = field.alias or name
        section = by_name.get(name)
        text = _rst_to_md(_doc(field.description or ""))
        if section is not None:
            if not text:
                variants = _variants(hints[name])
                if len(variants) == 1:
                    text = _first_sentence(_rst_to_md(_doc(_own_doc(variants[0]))))
                else:
                    text = "One of " + ", ".join(f"`{_discriminator(v)}`" for v in variants) + "."
            link = f"See [{section.heading}](#{slug(section.heading)})."
            text = f"{text} {link}".strip()
            top.append(Row(f"`{key}`", type_text(hints[name]), default_text(name, field), (), text))
        else:
            top.append(
                Row(
                    f"`{key}`",
                    type_text(hints[name]),
                    default_text(name, field),
                    rules_of(hints[name], field.metadata),
                    text,
                )
            )
    lines += [*table(top), ""]
    for section in found:
        lines += [f"## {section.heading}", ""]
        if section.cls is model.Config:
            variants = _variants(hints[section.name])
            lines += ["One of:", ""]
            lines += [f"- `{_discriminator(v)}`: {_rst_to_md(_doc(_own_doc(v)))}" for v in variants]
            lines += [""]
            rows_of = [row for v in variants for row in rows(v, "", _discriminator(v))]
        else:
            intro = _rst_to_md(_doc(_own_doc(section.cls)))
            lines += [intro, ""] if intro else []
            rows_of = list(rows(section.cls))
        lines += [*table(rows_of), ""]
        if section.name == "regions":
            lines += [
                "### Allowed regions",
                "",
                "Azure public-cloud regions with availability zones (`constructs/dualstack/regions.py`); "
                "any other name, in `regions` or `global.location`, is refused with the closest names "
                "suggested:",
                "",
                ", ".join(f"`{r}`" for r in sorted(ZONAL_REGIONS)) + ".",
                "",
            ]
    return "\n".join(lines).rstrip() + "\n"


# --- command line -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if the checked-in page is stale")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"default: {OUTPUT.relative_to(REPO)}")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is stale; regenerate it with `{COMMAND}`", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
