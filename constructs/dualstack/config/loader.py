"""Read a config file into a :class:`~dualstack.config.Config`, or explain every problem.

Problems come back as :class:`ConfigError`, whose ``lines`` hold one line per problem:
``<file>: <field path>: <what is wrong> (got <value>)``. Nothing here builds a construct.
"""

from __future__ import annotations

import difflib
import itertools
import os
import stat
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from dualstack.config import Config, FieldProblems

DEFAULT_CONFIG = Path(__file__).resolve().parents[3] / "config" / "default.yaml"
CONFIG_ENV = "DUALSTACK_CONFIG"
MAX_CONFIG_BYTES = 1_000_000


class ConfigError(Exception):
    """A config that cannot be used; ``lines`` has one human-readable line per problem."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that rejects a key given twice in one mapping (PyYAML keeps the last) and
    anchors/aliases (a few nested aliases expand to billions of values: the "billion laughs")."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.events.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None,
                None,
                "YAML aliases (*name), anchors and merge keys (<<) are not supported in a config",
                event.start_mark,
            )
        return super().compose_node(parent, index)


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain scalar, not a list or mapping", key_node.start_mark
            )
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first at line {seen[key].start_mark.line + 1}); "
                "each key may appear once",
                key_node.start_mark,
            )
        seen[key] = key_node
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def config_path_from_env() -> Path:
    """The file named by ``DUALSTACK_CONFIG``, or the embedded default."""
    value = os.environ.get(CONFIG_ENV, "")
    return Path(value) if value else DEFAULT_CONFIG


def load_config(path: Path) -> Config:
    """Parse and validate ``path``; raise :class:`ConfigError` listing every problem."""
    label = str(path)
    raw = _read_yaml(path, label)
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError([printable(f"{label}: {line}") for line in format_errors(exc)]) from None


def _read_yaml(path: Path, label: str) -> dict[str, Any]:
    text = _read_text(path, label)
    try:
        documents = list(yaml.load_all(text, Loader=_UniqueKeyLoader))
    except yaml.YAMLError as exc:
        raise ConfigError([f"{label}: {_yaml_problem(exc)}"]) from None
    except ValueError as exc:  # PyYAML's int() of a number longer than Python allows
        raise ConfigError([f"{label}: a value cannot be read ({exc})"]) from None
    documents = [doc for doc in documents if doc is not None]
    if not documents:
        raise ConfigError(
            [f"{label}: is empty; a config is a YAML mapping with project, regions, ingress, dns"]
        )
    if len(documents) > 1:
        raise ConfigError([f"{label}: holds {len(documents)} YAML documents; a config is exactly one"])
    document = documents[0]
    if not isinstance(document, dict):
        raise ConfigError(
            [f"{label}: top level is a YAML {_yaml_kind(document)}; a config is a YAML mapping (key: value)"]
        )
    return document


def _read_text(path: Path, label: str) -> str:
    """The file's text: a regular UTF-8 file of at most MAX_CONFIG_BYTES (devices and pipes refused)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            kind = "a directory" if path.is_dir() else "not a regular file"
            raise ConfigError([f"{label}: is {kind}; {CONFIG_ENV} must name a YAML file"])
        with path.open("rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(
            [f"{label}: no such file (set {CONFIG_ENV} to a YAML config file, or unset it for the default)"]
        ) from None
    except OSError as exc:
        raise ConfigError([f"{label}: cannot be read ({exc.strerror})"]) from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError([f"{label}: file is larger than {MAX_CONFIG_BYTES} bytes"])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{label}: is not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """One line: where (line, column) and what, for any PyYAML error."""
    mark = getattr(exc, "problem_mark", None)
    if isinstance(exc, yaml.reader.ReaderError):
        return (
            f"character {exc.character!r} at position {exc.position} is not allowed in YAML "
            "(control characters must be escaped inside double quotes)"
        )
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    if context and context_mark and mark and context_mark.line != mark.line:
        problem += f" ({context} at line {context_mark.line + 1})"
    return f"{where}YAML syntax error: {problem}"


def _yaml_kind(value: Any) -> str:
    return {list: "sequence", str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(value), type(value).__name__
    )


def format_errors(exc: ValidationError) -> list[str]:
    """One line per problem: ``<field path>: <message> (got <value>)``."""
    lines = []
    errors = exc.errors(include_url=False)
    meant = _meant_keys(errors)
    for error in errors:
        if _is_underived(error, errors):
            continue  # a derived value could not be derived; the error it hinges on is listed
        if error["type"] == "missing" and tuple(error["loc"]) in meant:
            continue  # the misspelt key's "did you mean" line already names it
        loc = _path(error["loc"])
        if error["type"] == "invalid_key" and error["loc"]:
            # The key itself is the last element: a mapping key such as 7, not a list index [7].
            parent = _path(error["loc"][:-1])
            loc = f"{parent}{'.' if parent else ''}{error['loc'][-1]}"
        original = error.get("ctx", {}).get("error")
        if isinstance(original, FieldProblems):
            for rel, message in original.items:
                lines.append(f"{_join(loc, rel)}: {message}")
            continue
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = _unknown_key_message(error["loc"])
        elif error["type"] == "missing":
            lines.append(f"{loc}: is required")
            continue
        lines.append(f"{loc or '(top level)'}: {message} (got {_show(error['input'])})")
    return lines


DERIVED_FIELDS = frozenset(
    {
        "cluster_subnet",
        "endpoint_subnet",
        "dns_service_ip",
        "registry_name",
        "key_vault_name",
        "private_zone_name",
    }
)


def _is_underived(error: Any, errors: list[Any]) -> bool:
    loc = error["loc"]
    if error["type"] != "missing" or not loc or loc[-1] not in DERIVED_FIELDS:
        return False
    parent = loc[:-1]
    return any(other is not error and other["loc"][: len(parent)] == parent for other in errors) or (
        parent == ("global",) and any(other["loc"][:1] in (("project",), ("regions",)) for other in errors)
    )


def _path(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif item in (
            "function-after[_ipv4(), constrained-str]",
            "function-after[_ipv6(), constrained-str]",
        ):
            continue
        elif item == "[key]":
            parts.append(" (the key)")
        elif item in ("local", "azurerm") and parts == ["backend"]:
            continue  # the discriminator's branch name
        elif item in ("traffic_manager", "front_door") and parts == ["edge"]:
            continue  # likewise
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts)


def _join(loc: str, rel: str) -> str:
    return f"{loc}.{rel}" if loc and rel else loc or rel


def _show(value: Any) -> str:
    """A short repr in the order written; never walks more than a few levels of a huge value."""
    text = _bounded(value, 3)
    return text if len(text) <= 80 else text[:77] + "..."


def _bounded(value: Any, depth: int) -> str:
    if isinstance(value, dict):
        if depth == 0:
            return "{...}"
        items = [f"{_bounded(k, 0)}: {_bounded(v, depth - 1)}" for k, v in itertools.islice(value.items(), 6)]
        return "{" + ", ".join(items + (["..."] if len(value) > 6 else [])) + "}"
    if isinstance(value, (list, tuple)):
        if depth == 0:
            return "[...]"
        items = [_bounded(v, depth - 1) for v in itertools.islice(value, 8)]
        return "[" + ", ".join(items + (["..."] if len(value) > 8 else [])) + "]"
    text = repr(value) if not isinstance(value, int) or abs(value) < 10**40 else "<a very large number>"
    return text if len(text) <= 80 else text[:77] + "..."


def printable(line: str) -> str:
    """The line with control characters (newlines, escapes) shown as escapes: one terminal line."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in line)


def _unknown_key_message(loc: tuple[int | str, ...]) -> str:
    allowed = _allowed_keys(loc[:-1])
    hint = _close_match(loc)
    suggestion = f"; did you mean {hint!r}?" if hint else ""
    return f"unknown key; allowed here: {', '.join(allowed)}{suggestion}"


def _close_match(loc: tuple[int | str, ...]) -> str | None:
    hint = difflib.get_close_matches(str(loc[-1]), _allowed_keys(loc[:-1]), n=1)
    return hint[0] if hint else None


def _meant_keys(errors: list[Any]) -> set[tuple[int | str, ...]]:
    """Locations of the keys that misspelt (unknown) keys most likely meant."""
    meant = set()
    for error in errors:
        if error["type"] == "extra_forbidden":
            loc = tuple(error["loc"])
            hint = _close_match(loc)
            if hint:
                meant.add((*loc[:-1], hint))
    return meant


def _allowed_keys(loc: tuple[int | str, ...]) -> list[str]:
    """The keys the model accepts at ``loc`` (walks the model classes along the path)."""
    candidates: list[type[BaseModel]] = [Config]
    for item in loc:
        tagged = [m for m in candidates if _literal_type(m) == item]
        if tagged:  # the branch name of a discriminated union (backend.azurerm)
            candidates = tagged
            continue
        field = next(
            (_field_by_key(m, str(item)) for m in candidates if _field_by_key(m, str(item))),
            None,
        )
        if field is not None:
            candidates = _models_in(field.annotation)
        # else: a key of a mapping (regions.<name>); the value model is already selected
    if len(candidates) != 1:
        return []
    return sorted(field.alias or name for name, field in candidates[0].model_fields.items())


def _field_by_key(model: type[BaseModel], key: str) -> Any:
    for name, field in model.model_fields.items():
        if (field.alias or name) == key:
            return field
    return None


def _literal_type(model: type[BaseModel]) -> Any:
    """The tag of a discriminated union's branch: its one-value ``type`` or ``kind`` field."""
    field = model.model_fields.get("type") or model.model_fields.get("kind")
    args: tuple[Any, ...] = getattr(field.annotation, "__args__", ()) if field else ()
    return args[0] if len(args) == 1 else None


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in getattr(annotation, "__args__", ()):
        found.extend(_models_in(arg))
    return found
