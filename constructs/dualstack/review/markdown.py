"""Render a :class:`~dualstack.review.model.Report` as Markdown for a pull request comment.

Order is fixed (stacks: ``global`` first, then by name; items by address; attributes by
path), values are shortened, and every value passes :func:`~dualstack.review.redact.redact`.

The header, in this order: ``[!CAUTION]`` for protected resources destroyed or replaced and
for removed stacks (acknowledged ones marked, still listed); ``[!NOTE]`` for stale
``acknowledge_destroy`` entries and for drained regions; ``[!WARNING]`` for changes that
disrupt running workloads or clients (Kubernetes objects, Helm releases, the app's DNS
records) with their impact; a second
``[!WARNING]`` for other replacements and node pool cycles; then the table of stacks.
"""

from __future__ import annotations

import difflib
import json
from typing import Any

from dualstack.naming import workloads_stack
from dualstack.review import redact
from dualstack.review.model import AttrChange, Change, Report, StackDiff
from dualstack.review.redact import Marker

MAX_VALUE_CHARS = 120
"""Longer values are cut and end with an ellipsis."""
MAX_ATTRS = 40
"""Changed attributes listed per resource; the rest are counted."""
MAX_TEXT_DIFF_LINES = 30
"""Lines of a multi-line text diff (Helm values) shown per attribute."""
COLLAPSE_AFTER = 15
"""Lists longer than this are folded into a ``<details>`` block."""

_STATUS = {
    "added": "**new stack**",
    "removed": "**removed stack**",
    "changed": "changed",
    "unchanged": "no change",
}


def render(report: Report, *, max_chars: int | None = None) -> str:
    """The whole summary. With ``max_chars``, warning lists are shortened and whole stack
    sections are left out until it fits; what is left out is said."""
    shown = [s for s in report.stacks if s.status != "unchanged"]
    sections = [_stack_section(s) for s in shown]
    if max_chars is None:
        return "\n".join([_header(report), *sections]).rstrip() + "\n"
    budget = max_chars - 400
    head = _header(report)
    for limit in (20, 10, 5, 0):
        if len(head) <= budget:
            break
        head = _header(report, max_items=limit)
    parts, used, left_out = [head], len(head), []
    for stack, section in zip(shown, sections, strict=True):
        if used + len(section) + 1 > budget:
            left_out.append(stack.name)
            continue
        parts.append(section)
        used += len(section) + 1
    if left_out:
        names = ", ".join(f"`{n}`" for n in left_out)
        parts.append(
            f"*Left out to fit the comment: the details of {names}. The full summary is in the "
            "workflow's artifact.*\n"
        )
    text = "\n".join(parts).rstrip() + "\n"
    return text if len(text) <= max_chars else text[: max_chars - 2] + "…\n"


# --- header: warnings and the overall table ----------------------------------------------


def _headline_block(report: Report) -> list[str]:
    """The change in words, first: what it is and what it does to clients and application
    teams; the changes that cut clients off or leave the app unreachable as a caution."""
    if not report.headlines:
        return []
    loud = [h for h in report.headlines if h.loud]
    calm = [h for h in report.headlines if not h.loud]
    lines = ["**What changes:** " + "; ".join(h.change for h in report.headlines) + ".", ""]
    if loud:
        lines += ["> [!CAUTION]", *[f"> - **{h.change}**: {h.impact}." for h in loud], ""]
    lines += [f"- **{h.change}**: {h.impact}." for h in calm]
    return lines + ([""] if calm else [])


def _cost_block(report: Report, max_items: int | None) -> list[str]:
    """What the change does to the bill of materials, and with prices to the monthly estimate."""
    if not report.cost:
        lines = ["**Cost:** the bill of materials does not change.", ""]
    else:
        lines = [
            "**Cost:** the bill of materials changes:",
            "",
            *_capped([f"- {c}" for c in report.cost], max_items),
            "",
        ]
    if report.cost_estimate:
        lines += [report.cost_estimate, ""]
    return lines


def _header(report: Report, *, max_items: int | None = None) -> str:
    lines = [
        "## Infrastructure change summary",
        "",
        f"Base `{report.base_label}` → head `{report.head_label}`. Resources by Terraform address; "
        "secret values are never shown.",
        "",
    ]
    lines += _headline_block(report)
    if not report.changed:
        lines += ["**No changes:** every synthesized stack is the same in base and head.", ""]
        lines += _stale_block(report, max_items)
        return "\n".join(lines)
    lines += _cost_block(report, max_items)
    loud = report.loud
    if loud or report.removed_stacks:
        lines += ["> [!CAUTION]", *_caution_title(report), ">"]
        lines += [*_capped(_loud_lines(report), max_items), ""]
    lines += _stale_block(report, max_items)
    if report.drained:
        lines += [
            "> [!NOTE]",
            *_capped([f"> - {_drained_line(region)}" for region in report.drained], max_items),
            "",
        ]
    disruptive = report.disruptive
    if disruptive:
        lines += [
            "> [!WARNING]",
            f"> **{len(disruptive)} change(s) disrupt running workloads or clients** (Kubernetes objects, "
            "Helm releases or the app's DNS records removed or re-created). They do not fail "
            "`--fail-on-destroy`; plan the apply for a quiet moment.",
            ">",
            *_capped([f"> - {_disruptive_line(stack, change)}" for stack, change in disruptive], max_items),
            "",
        ]
    heads_up = [(s.name, c) for s in report.stacks for c in s.changes if _is_heads_up(c)]
    if heads_up:
        lines += [
            "> [!WARNING]",
            f"> **{len(heads_up)} other change(s) re-create a resource or cycle a node pool.**",
            ">",
            *_capped([f"> - {_heads_up_line(stack, change)}" for stack, change in heads_up], max_items),
            "",
        ]
    lines += [
        "| Stack | Status | Added | Removed | Changed | Replaced | Warnings |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for s in report.stacks:
        lines.append(
            f"| `{s.name}` | {_STATUS[s.status]} | {s.count('resource', 'add')} | "
            f"{s.count('resource', 'remove')} | {s.count('resource', 'update')} | "
            f"{s.count('resource', 'replace', 'rename')} | {_bold_nonzero(len(s.loud))} |"
        )
    lines += ["", "Counts are resources; data sources and outputs are listed per stack.", ""]
    return "\n".join(lines)


def _caution_title(report: Report) -> list[str]:
    loud = report.loud
    if not loud:
        removed = ", ".join(f"`{s.name}`" for s in report.removed_stacks)
        return [f"> **Stacks no longer synthesized: {removed}.** Check how they are retired before merging."]
    title = (
        f"> **{len(loud)} change(s) destroy or replace something that holds data or that clients "
        "depend on.** Check each one before merging."
    )
    if report.config_label is None:
        return [title]
    acknowledged = len(loud) - len(report.unacknowledged)
    return [
        title,
        f"> {acknowledged} of them acknowledged in `acknowledge_destroy` of `{report.config_label}`; "
        f"`--fail-on-destroy` fails on the other {len(loud) - acknowledged}.",
    ]


def _stale_block(report: Report, max_items: int | None) -> list[str]:
    stale = report.stale
    if not stale:
        return []
    one = len(stale) == 1
    return [
        "> [!NOTE]",
        f"> **Stale acknowledgements:** {len(stale)} `acknowledge_destroy` "
        f"{'entry' if one else 'entries'} in `{report.config_label}` {'matches' if one else 'match'} "
        f"nothing this change destroys or replaces; remove {'it' if one else 'them'} once the change "
        f"{'it was' if one else 'they were'} for is applied.",
        ">",
        *_capped([f'> - `"{entry}"`: {report.why_stale(entry)}' for entry in stale], max_items),
        "",
    ]


def _drained_line(region: str) -> str:
    return (
        f"region {region} is drained: its Traffic Manager endpoints and records go, traffic moves to "
        "the other regions, nothing is destroyed."
    )


def _capped(lines: list[str], limit: int | None) -> list[str]:
    if limit is None or len(lines) <= limit:
        return lines
    return [*lines[:limit], f"> - … and {len(lines) - limit} more: see the stack details or the full summary"]


def _bold_nonzero(n: int) -> str:
    return f"**{n}**" if n else "0"


def _is_heads_up(change: Change) -> bool:
    return (
        not change.loud
        and not change.disruptive
        and (change.action in ("replace", "rename") or bool(change.rotations))
    )


def _loud_lines(report: Report) -> list[str]:
    """One line per loud change; a removed stack gets one line for all of its resources."""
    lines = []
    for stack in report.stacks:
        if stack.status == "removed":
            lines.append(f"> - {_removed_stack_line(report, stack)}")
        else:
            lines += [f"> - {_loud_line(report, stack.name, change)}" for change in stack.loud]
    return lines


def _removed_stack_line(report: Report, stack: StackDiff) -> str:
    if stack.region is None:
        command = f'make destroy STACKS="{stack.name}"'
        retire = "ran first"
    else:
        command = f'make destroy STACKS="{workloads_stack(stack.region)} {stack.region}"'
        retire = f"ran first (with `drain: true` set on `{stack.region}` and deployed before)"
    if stack.loud:
        names = ", ".join(f"`{c.item.display_name or c.address}`" for c in stack.loud)
        what = f"with {len(stack.loud)} protected resource(s): {names}"
    else:
        what = f"with {stack.count('resource', 'remove')} resource(s), none of them protected"
    text = (
        f"**STACK REMOVED**: `{stack.name}` is no longer synthesized, {what}. Removing stacks from "
        "the config destroys nothing by itself: their resources keep running, unmanaged (and "
        f"billed), unless `{command}` {retire}."
    )
    if not stack.loud:
        return text
    if all(report.acknowledged(stack.name, c) for c in stack.loud):
        return f"{text} {_ACKNOWLEDGED}"
    return f'{text} If that is intended, acknowledge it: `"{stack.name} *"` in `acknowledge_destroy`.'


_ACKNOWLEDGED = "**✔ acknowledged** in `acknowledge_destroy`."


def _loud_line(report: Report, stack: str, change: Change) -> str:
    what = f"`{stack}`: `{change.address}`{_name(change)}"
    ack = f" {_ACKNOWLEDGED}" if report.acknowledged(stack, change) else ""
    if change.action == "remove":
        return f"**DESTROYED**: {what} is removed. {_sentence(change.note)}{_guard(change)}{ack}"
    if change.action == "rename":
        return (
            f"**DESTROYED AND RE-CREATED**: `{stack}`: `{change.old_address}` becomes "
            f"`{change.address}`{_name(change)} ({_moved(change)}). {_sentence(change.note)}"
            f"{_guard(change)}{ack}"
        )
    return f"**REPLACED**: {what}, {_reason(change)}. {_sentence(change.note)}{_guard(change)}{ack}"


def _reason(change: Change) -> str:
    """Why a resource at the same address is replaced: the forcing attributes, the triggers."""
    parts = []
    if change.forcing:
        parts.append("forced by " + ", ".join(_inline_attr(a) for a in change.forcing))
    if change.triggered_by:
        names = ", ".join(f"`{t}`" for t in change.triggered_by)
        parts.append(f"triggered by {names} (`lifecycle.replace_triggered_by`, changed in this stack)")
    return "; ".join(parts)


def _disruptive_line(stack: str, change: Change) -> str:
    what = f"`{stack}`: `{change.address}`{_name(change)}"
    if change.action == "remove":
        return f"removed: {what} — {change.impact}."
    if change.action == "rename":
        return (
            f"re-created under a new address (was `{change.old_address}`, {_moved(change)}): {what} — "
            f"{change.impact}."
        )
    return f"replaced: {what}, {_reason(change)} — {change.impact}."


def _heads_up_line(stack: str, change: Change) -> str:
    what = f"`{stack}`: `{change.address}`{_name(change)}"
    if change.action == "rename":
        return f"re-created under a new address (was `{change.old_address}`, {_moved(change)}): {what}"
    if change.action == "replace":
        return f"replaced: {what}, {_reason(change)}"
    cycled = ", ".join(f"`{a.dotted}`" for a in change.rotations)
    if change.rotation_ready:
        return f"node pool cycled (pods evicted without drain): {what}, by {cycled}"
    return f"node pool cycle **fails**: {what} changes {cycled} but sets no `temporary_name_for_rotation`"


def _moved(change: Change) -> str:
    new = change.item.construct_path
    if change.old_path == new:
        return f"same construct path `{new}`"
    return f"construct path `{change.old_path}` → `{new}`"


def _sentence(text: str) -> str:
    return f"If applied, {text}." if text else ""


def _guard(change: Change) -> str:
    if change.guard == "refused":
        return " `prevent_destroy` is set, so Terraform refuses this plan until it is lifted."
    if change.guard == "unguarded":
        return (
            " `prevent_destroy` does not stop this: it belongs to the resource block, which is gone "
            "from the configuration."
        )
    return ""


def _inline_attr(attr: AttrChange) -> str:
    return f"`{attr.dotted}` {_value(attr.path, attr.before)} → {_value(attr.path, attr.after)}"


# --- one stack ----------------------------------------------------------------------------


def _stack_section(stack: StackDiff) -> str:
    lines = [f"### Stack `{stack.name}`: {_STATUS[stack.status]}", ""]
    lines += [
        "| | Added | Removed | Changed | Replaced |",
        "|---|---:|---:|---:|---:|",
        f"| Resources | {stack.count('resource', 'add')} | {stack.count('resource', 'remove')} | "
        f"{stack.count('resource', 'update')} | {stack.count('resource', 'replace', 'rename')} |",
        f"| Data sources | {stack.count('data', 'add')} | {stack.count('data', 'remove')} | "
        f"{stack.count('data', 'update')} | — |",
        f"| Outputs | {stack.count('output', 'add')} | {stack.count('output', 'remove')} | "
        f"{stack.count('output', 'update')} | — |",
        "",
    ]
    resources = [c for c in stack.changes if c.kind == "resource"]
    others = [c for c in stack.changes if c.kind != "resource"]
    replaced = [c for c in resources if c.action in ("replace", "rename")]
    removed_title = (
        "Removed (no longer managed; destroyed only if the stack was destroyed first)"
        if stack.status == "removed"
        else "Removed (destroyed)"
    )
    lines += _group("Replaced (destroy, then create)", [_changed_entry(c) for c in replaced])
    lines += _group("Changed in place", [_changed_entry(c) for c in resources if c.action == "update"])
    lines += _group("Added", [_entry(c) for c in resources if c.action == "add"])
    lines += _group(removed_title, [_removed_entry(c) for c in resources if c.action == "remove"])
    lines += _group("Data sources and outputs", [_other_entry(c) for c in others])
    if stack.settings:
        lines += _group(
            "Stack settings (backend, providers)",
            ["\n".join(_attr_lines(stack.settings, indent=""))],
        )
    return "\n".join(lines)


def _group(title: str, entries: list[str]) -> list[str]:
    if not entries:
        return []
    lines = [f"#### {title}", ""]
    if len(entries) > COLLAPSE_AFTER:
        lines += [f"<details><summary>{len(entries)} entries</summary>", ""]
        lines += entries
        lines += ["", "</details>"]
    else:
        lines += entries
    return [*lines, ""]


def _name(change: Change) -> str:
    name = change.item.display_name
    return f" (name `{name}`)" if name else ""


def _entry(change: Change) -> str:
    path = change.item.construct_path
    marker = " **⚠ protected**" if change.loud else " **⚠ disrupts workloads**" if change.disruptive else ""
    where = f" · `{path}`" if path else ""
    return f"- `{change.address}`{_name(change)}{where}{marker}"


def _removed_entry(change: Change) -> str:
    impact = f"\n  - impact: {change.impact}" if change.impact else ""
    return _entry(change) + impact


def _changed_entry(change: Change) -> str:
    head = _entry(change)
    if change.action == "rename":
        head += f" · address was `{change.old_address}` ({_moved(change)})"
    lines = [head]
    if change.triggered_by:
        names = ", ".join(f"`{t}`" for t in change.triggered_by)
        lines.append(f"  - triggered by {names} (`lifecycle.replace_triggered_by`) · **forces replacement**")
    if change.impact:
        lines.append(f"  - impact: {change.impact}")
    return "\n".join([*lines, *_attr_lines(change.attrs, indent="  ", change=change)])


def _other_entry(change: Change) -> str:
    verb = {"add": "added", "remove": "removed", "update": "changed"}.get(change.action, change.action)
    sensitive = " (sensitive)" if change.item.body.get("sensitive") else ""
    lines = [f"- {verb}: `{change.address}`{sensitive}"]
    if change.action == "update":
        lines += _attr_lines(change.attrs, indent="  ")
    return "\n".join(lines)


def _attr_lines(attrs: tuple[AttrChange, ...], *, indent: str, change: Change | None = None) -> list[str]:
    lines: list[str] = []
    for attr in attrs[:MAX_ATTRS]:
        lines += _attr(attr, indent, change)
    if len(attrs) > MAX_ATTRS:
        lines.append(f"{indent}- … and {len(attrs) - MAX_ATTRS} more attribute(s)")
    return lines


def _attr(attr: AttrChange, indent: str, change: Change | None) -> list[str]:
    effect = _effect(attr, change)
    before, after = redact.redact(attr.path, attr.before), redact.redact(attr.path, attr.after)
    if _is_text(before) and _is_text(after):
        diff = _text_diff(before, after)
        fence = "`" * max(3, _longest_backtick_run(diff) + 1)
        body = [f"{indent}  {fence}diff", *(f"{indent}  {line}" for line in diff), f"{indent}  {fence}"]
        return [f"{indent}- `{attr.dotted}`: text changed{effect}", *body]
    if isinstance(before, list) and isinstance(after, list) and _too_long(before, after):
        return [f"{indent}- `{attr.dotted}`: {_list_change(attr.path, before, after)}{effect}"]
    return [f"{indent}- `{attr.dotted}`: {_value(attr.path, before)} → {_value(attr.path, after)}{effect}"]


def _effect(attr: AttrChange, change: Change | None) -> str:
    if attr.effect == "replace":
        return (
            " · **forces replacement**"
            if attr.confirmed
            else " · **likely forces replacement** (unconfirmed)"
        )
    if attr.effect == "rotate":
        if change is not None and not change.rotation_ready:
            return " · **cycles the node pool: fails without `temporary_name_for_rotation`**"
        return " · **cycles the node pool**"
    return ""


def _too_long(*values: Any) -> bool:
    return any(len(json.dumps(v, sort_keys=True, default=str)) > MAX_VALUE_CHARS for v in values)


def _list_change(path: tuple[str, ...], before: list[Any], after: list[Any]) -> str:
    removed = [v for v in before if v not in after]
    added = [v for v in after if v not in before]
    parts = [f"removed {_value(path, v)}" for v in removed] + [f"added {_value(path, v)}" for v in added]
    return "; ".join(parts) if parts else "same entries, new order"


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and "\n" in value


def _text_diff(before: str, after: str) -> list[str]:
    raw = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=1))[2:]
    lines = [line if line.startswith("@@") else line[0] + redact.redact_line(line[1:]) for line in raw]
    if len(lines) > MAX_TEXT_DIFF_LINES:
        lines = [*lines[:MAX_TEXT_DIFF_LINES], f"… {len(lines) - MAX_TEXT_DIFF_LINES} more line(s)"]
    return lines


def _longest_backtick_run(lines: list[str]) -> int:
    longest = 0
    for line in lines:
        run = 0
        for ch in line:
            run = run + 1 if ch == "`" else 0
            longest = max(longest, run)
    return longest


def _value(path: tuple[str, ...], value: Any) -> str:
    """One value, redacted, as inline code; markers in italics."""
    shown = redact.redact(path, value)
    if isinstance(shown, Marker):
        return f"*{shown.label}*"
    text = json.dumps(shown, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))
    if len(text) > MAX_VALUE_CHARS:
        text = text[: MAX_VALUE_CHARS - 1] + "…"
    return f"`` {text} ``" if "`" in text else f"`{text}`"
