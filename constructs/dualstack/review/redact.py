"""What the change summary may print: secrets never, references and plain settings always.

A value is hidden when

- it belongs to an output marked ``sensitive`` (handled by the caller), or
- any segment of its attribute path is named like a credential (password, secret, token,
  key, certificate, ...), or
- it looks like a credential whatever its name (PEM block, JWT, storage key, SAS signature).

The attribute *name* is always shown, so a reviewer still sees that something changed.
Booleans and nulls cannot carry a secret and are shown. A string that is one whole
Terraform reference (``${azurerm_key_vault.x.id}``, no quoted literal inside) is shown: it
names another value instead of holding it.
"""

from __future__ import annotations

import json
import re
from typing import Any

Path = tuple[str, ...]
"""An attribute path: keys, and list selectors written as ``[0]`` or ``[location=westus3]``."""


class Marker:
    """A placeholder printed instead of a value."""

    def __init__(self, label: str) -> None:
        self.label = label

    def __repr__(self) -> str:
        return self.label


ABSENT = Marker("(absent)")
"""The attribute is not set on this side."""
REDACTED = Marker("(redacted)")
"""The value is hidden: its name or its shape says it may be a credential."""
SENSITIVE = Marker("(sensitive)")
"""The value of an output marked ``sensitive``."""

_SENSITIVE_SUBSTRINGS = re.compile(
    r"password|passwd|secret|token|certificate|credential|sensitive|private_?key|api_?key"
    r"|access_?key|kube_?config|connection_?string|sas_?(url|uri)",
    re.IGNORECASE,
)
_SENSITIVE_WORDS = frozenset({"key", "keys", "pwd", "sas", "cert", "certs", "pem"})
CREDENTIAL_SHAPES: dict[str, re.Pattern[str]] = {
    "PEM private key or certificate": re.compile(r"-----BEGIN [A-Z ]+-----"),
    "storage account key": re.compile(r"AccountKey=|SharedAccessSignature|[?&]sig="),
    "JWT": re.compile(r"eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\."),
}
"""Text that is a credential whatever it is called, by what it is. The change summary hides
a value that matches; the no-secrets test fails on a synthesized file that holds one."""
_CREDENTIAL_SHAPE = re.compile("|".join(pattern.pattern for pattern in CREDENTIAL_SHAPES.values()))
_REFERENCE = re.compile(r'^\$\{[^"\n]*\}$')
_YAML_OR_INI_LINE = re.compile(r"^(\s*(?:-\s+)?)([\"']?[A-Za-z0-9_.\-/]+[\"']?)(\s*[:=]\s*)(\S.*)$")


def sensitive_name(path: Path) -> bool:
    """Whether any segment of ``path`` is named like a credential."""
    for segment in path:
        if _SENSITIVE_SUBSTRINGS.search(segment):
            return True
        words = re.split(r"[^a-z0-9]+", segment.lower())
        if _SENSITIVE_WORDS.intersection(words):
            return True
    return False


def looks_like_credential(value: Any) -> bool:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return bool(_CREDENTIAL_SHAPE.search(text))


def is_reference(value: Any) -> bool:
    """A string that is exactly one Terraform expression and holds no quoted literal."""
    return isinstance(value, str) and bool(_REFERENCE.match(value))


def redact(path: Path, value: Any) -> Any:
    """``value``, or :data:`REDACTED` when it must not be printed."""
    if isinstance(value, Marker) or value is None or isinstance(value, bool):
        return value
    if is_reference(value):
        return value
    if sensitive_name(path) or looks_like_credential(value):
        return REDACTED
    return value


def redact_line(line: str) -> str:
    """One line of a multi-line text (YAML, INI): hide the value of credential-like keys."""
    if looks_like_credential(line):
        return "(redacted line)"
    match = _YAML_OR_INI_LINE.match(line)
    if match is None:
        return line
    indent, key, separator, value = match.groups()
    if sensitive_name((key.strip("\"'"),)) and not is_reference(value.strip("\"'")):
        return f"{indent}{key}{separator}(redacted)"
    return line
