"""``network``: connectivity beyond the region VNets (the optional hub to peer with)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import (
    AfterValidator,
    Field,
    StrictStr,
)

from dualstack import cidr
from dualstack.config.base import IPv4Cidr, IPv6Cidr, Model, Shown, _ascii_only
from dualstack.naming import IP_VERSION

_VNET_ID = re.compile(
    r"^/subscriptions/(?P<subscription>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
    r"/resourceGroups/(?P<group>[-\w.()]{0,89}[-\w()])"
    r"/providers/Microsoft\.Network/virtualNetworks/(?P<name>[A-Za-z0-9][-\w.]{0,62}\w)$"
)


def _vnet_id(value: str) -> str:
    """`/subscriptions/<lowercase GUID>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<name>`; ASCII"""
    _ascii_only(value)
    if not _VNET_ID.fullmatch(value):
        raise ValueError(
            "must be a virtual network's resource ID: /subscriptions/<lowercase subscription GUID>"
            "/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<name>"
        )
    return value


VirtualNetworkId = Annotated[StrictStr, AfterValidator(_vnet_id), Shown("VNet resource ID")]


class HubAddressSpace(Model):
    """None may overlap any region's ``address_space``, ``pod_cidrs`` or ``service_cidrs``."""

    ipv4: Annotated[tuple[IPv4Cidr, ...], Field(min_length=1)]
    """Every IPv4 range of the hub VNet (at least one: Azure requires IPv4 on every VNet)."""
    ipv6: tuple[IPv6Cidr, ...] = ()
    """Every IPv6 range of the hub VNet; empty for an IPv4-only hub."""


class Hub(Model):
    """Every region VNet is peered with it, in both directions."""

    virtual_network_id: VirtualNetworkId
    """Resource ID of the hub VNet. The hub-side peerings are created in its resource group
    and its subscription (which may differ from the deployment's; a provider aliased to it
    creates them)."""
    address_space: HubAddressSpace
    """The hub's address ranges, checked against every region's VNet and overlay ranges."""

    @property
    def subscription_id(self) -> str:
        return self._part("subscription")

    @property
    def resource_group_name(self) -> str:
        return self._part("group")

    @property
    def name(self) -> str:
        return self._part("name")

    def _part(self, group: str) -> str:
        match = _VNET_ID.fullmatch(self.virtual_network_id)
        assert match is not None  # validated on load
        return match.group(group)

    def ranges(self) -> list[tuple[str, cidr.Network]]:
        """Every hub range with its field name (relative to ``network.hub``)."""
        out: list[tuple[str, cidr.Network]] = []
        for family, version in IP_VERSION.items():
            for i, value in enumerate(getattr(self.address_space, family)):
                out.append((f"address_space.{family}[{i}]", cidr.parse_cidr(value, version)))
        return out


class Network(Model):
    """Connectivity beyond the region VNets."""

    hub: Hub | None = None
    """An existing hub VNet to peer every region with (for example where a self-hosted
    deploy runner lives, so it reaches every private API server); default: no peering."""
