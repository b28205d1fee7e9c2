"""The building blocks of the config model: the base class of every section, the error of
cross-field rules, and the constrained scalar types (names, CIDRs, zones, tags, sizes) with
the validators whose docstrings the config reference prints.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictInt,
    StrictStr,
)

from dualstack import cidr


class FieldProblems(ValueError):
    """Several problems found by one cross-field rule, each ``(relative field path, message)``.

    The error formatter prints one line per item, prefixed with the validator's location (an
    empty relative path: the validator's location itself).
    """

    def __init__(self, items: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{path}: {msg}" for path, msg in items))
        self.items = items


@dataclass(frozen=True)
class Shown:
    """The name the config reference (``tools/config_reference.py``) gives a constrained type.

    Pydantic ignores it. The type's rule comes from the docstrings of its validator
    functions and from its constraints, so a validator used in a type says in its docstring,
    in the config author's words, what it accepts.
    """

    name: str


def _ipv4(value: str) -> str:
    """the network address (host bits zero)"""
    return str(cidr.parse_cidr(value, "IPv4"))  # canonical form: 10.0.0.0/016 -> 10.0.0.0/16


def _ipv6(value: str) -> str:
    """the network address (host bits zero)"""
    return str(cidr.parse_cidr(value, "IPv6"))  # canonical (compressed) form


IPv4Cidr = Annotated[StrictStr, AfterValidator(_ipv4), Shown("IPv4 CIDR")]
IPv6Cidr = Annotated[StrictStr, AfterValidator(_ipv6), Shown("IPv6 CIDR")]

# Words Azure refuses inside resource names that become DNS names ("ReservedResourceName").
RESERVED_WORDS = ("microsoft", "azure", "windows", "office", "xbox", "login")

_DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


def _no_reserved_words(value: str) -> str:
    lowered = value.lower()
    for word in RESERVED_WORDS:
        if word in lowered:
            raise ValueError(f"contains the reserved word {word!r}, which Azure rejects in names")
    return value


def _ascii_only(value: str) -> str:
    if not value.isascii():
        bad = next(ch for ch in value if not ch.isascii())
        raise ValueError(
            f"contains the non-ASCII character {bad!r} (U+{ord(bad):04X}); only ASCII is allowed"
        )
    return value


def _project(value: str) -> str:
    """2-10 ASCII characters: a lowercase letter, then lowercase letters or digits; none of the
    reserved words `microsoft`, `azure`, `windows`, `office`, `xbox`, `login` (Azure refuses
    them in names)"""
    _ascii_only(value)
    if not re.fullmatch(r"[a-z][a-z0-9]{1,9}", value):
        raise ValueError("must be 2-10 characters: a lowercase letter, then lowercase letters or digits")
    return _no_reserved_words(value)


def _length(value: str, what: str, low: int, high: int, rule: str) -> None:
    """Refuse a name outside ``low..high`` characters, saying its length first."""
    if not low <= len(value) <= high:
        bound = f"at most {high}" if len(value) > high else f"at least {low}"
        raise ValueError(f"is {len(value)} characters; {what} has {bound} ({rule})")


def _registry_name(value: str) -> str:
    """5-50 ASCII lowercase letters or digits; no reserved word; globally unique in Azure"""
    _ascii_only(value)
    _length(value, "a container registry name", 5, 50, "lowercase letters or digits")
    if not re.fullmatch(r"[a-z0-9]{5,50}", value):
        raise ValueError("must be 5-50 lowercase letters or digits (Azure Container Registry rule)")
    return _no_reserved_words(value)


def _key_vault_name(value: str) -> str:
    """3-24 ASCII characters: lowercase letters, digits and single hyphens, starting with a
    letter and ending with a letter or digit; no reserved word; globally unique in Azure"""
    _ascii_only(value)
    _length(
        value,
        "a Key Vault name",
        3,
        24,
        "lowercase letters, digits and single hyphens, starting with a letter and ending with a "
        "letter or digit",
    )
    if not re.fullmatch(r"[a-z][a-z0-9-]{1,22}[a-z0-9]", value) or "--" in value:
        raise ValueError(
            "must be 3-24 characters: lowercase letters, digits and single hyphens, "
            "starting with a letter and ending with a letter or digit (Key Vault rule)"
        )
    return _no_reserved_words(value)


def _dns_zone(value: str) -> str:
    """lowercase ASCII, at least two labels, each 1-63 letters, digits or inner hyphens; at
    most 253 characters; no trailing dot; the last label not all digits"""
    _ascii_only(value)
    labels = value.split(".")
    if (
        len(value) > 253
        or len(labels) < 2
        or not all(_DNS_LABEL.fullmatch(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValueError(
            "must be a lowercase DNS name of at least two labels (such as dualstack.contoso.com), "
            "each label 1-63 letters, digits or inner hyphens, 253 characters at most"
        )
    return value


def _dns_label(value: str) -> str:
    """one lowercase ASCII label: 1-63 letters, digits or inner hyphens"""
    _ascii_only(value)
    if not _DNS_LABEL.fullmatch(value):
        raise ValueError("must be one lowercase DNS label: 1-63 letters, digits or inner hyphens")
    return value


def _valid(check: Any, value: Any) -> bool:
    """Whether ``value`` passes ``check``; defaults are derived only from valid values."""
    try:
        return isinstance(value, str) and bool(check(value))
    except ValueError:
        return False


ProjectName = Annotated[StrictStr, AfterValidator(_project)]
RegistryName = Annotated[StrictStr, AfterValidator(_registry_name)]
KeyVaultName = Annotated[StrictStr, AfterValidator(_key_vault_name)]
DnsZoneName = Annotated[StrictStr, AfterValidator(_dns_zone), Shown("DNS name")]
DnsLabel = Annotated[StrictStr, AfterValidator(_dns_label), Shown("DNS label")]


def _zone(value: int) -> int:
    """1, 2 or 3"""
    if value not in (1, 2, 3):
        raise ValueError("Input should be 1, 2 or 3")
    return value


Zone = Annotated[StrictInt, AfterValidator(_zone), Shown("zone")]
ObjectId = Annotated[
    StrictStr,
    Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"),
    Shown("Entra ID object ID"),
]
"""An Entra ID object ID (lowercase GUID)."""
TagKey = Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9_.-]{1,128}$")]
TagValue = Annotated[StrictStr, Field(max_length=256)]


def _vm_size(value: str) -> str:
    """`Standard_<family><vCPUs><features>_v<n>` whose features include `d` (a local temporary
    disk, which the ephemeral OS disk needs), such as `Standard_D4ds_v5`"""
    if not re.fullmatch(r"Standard_[A-Z]+[0-9]+[a-z]*_v[0-9]+", value):
        raise ValueError("must be an Azure VM size such as Standard_D4ds_v5")
    family_suffix = re.fullmatch(r"Standard_[A-Z]+[0-9]+([a-z]*)_v[0-9]+", value)
    if family_suffix is None or "d" not in family_suffix.group(1):
        raise ValueError(
            "needs a local temporary disk for the ephemeral OS disk: a size with 'd' after the "
            "vCPU count, such as Standard_D4ds_v5 or Standard_E8ds_v5"
        )
    return value


VmSize = Annotated[StrictStr, AfterValidator(_vm_size), Shown("Azure VM size")]
Quantity = Annotated[StrictStr, Field(pattern=r"^[0-9]{1,6}(m|Mi|Gi)?$"), Shown("Kubernetes quantity")]


K = TypeVar("K")
V = TypeVar("V")

FrozenMapping = Annotated[
    Mapping[K, V],
    AfterValidator(lambda value: MappingProxyType(dict(value))),
    PlainSerializer(dict),
]
"""A mapping that cannot be changed after loading (frozen models do not freeze dicts)."""


class Model(BaseModel):
    """Base for every config section: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


def _prefix_range(low: int, high: int, why: str = "") -> AfterValidator:
    """A validator: the CIDR's prefix length lies in ``low..high`` (after the family check)."""

    rule = f"exactly /{low}" if low == high else f"between /{low} and /{high}"

    def check(value: str) -> str:
        length = ipaddress.ip_network(value).prefixlen
        if not low <= length <= high:
            raise ValueError(f"must be {rule}{why}")
        return value

    check.__doc__ = f"prefix length {rule}{why}"
    return AfterValidator(check)


def _unquoted(value: Any, example: str) -> Any:
    """Refuse a number where a string belongs with a hint to quote it (YAML made it a number)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(
            f'must be a quoted string such as "{example}" (unquoted, YAML reads {value!r} as a number)'
        )
    return value
