"""The region stack (``<region>``): one per region, after ``global``.

``stack`` is its composer (``RegionStack``, ``region_context``: the one reader of ``Config``);
every other module is a construct built from ``RegionContext`` (``context``): the network
(VNet, NSG, public IPs), private endpoints, the AKS cluster, monitoring, the region's DNS
records or Front Door origins, hub peering and cert-manager's DNS identity.
"""
