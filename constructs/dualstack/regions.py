"""Azure public-cloud regions this product may deploy to.

The product spreads every node pool over at least two availability zones, so only regions
with availability zones are listed (Azure docs, "Azure regions with availability zone
support"). When Azure adds zones to a region, add its programmatic name here.
"""

from __future__ import annotations

ZONAL_REGIONS: frozenset[str] = frozenset(
    {
        "australiaeast",
        "brazilsouth",
        "canadacentral",
        "centralindia",
        "centralus",
        "eastasia",
        "eastus",
        "eastus2",
        "francecentral",
        "germanywestcentral",
        "israelcentral",
        "italynorth",
        "japaneast",
        "koreacentral",
        "mexicocentral",
        "newzealandnorth",
        "northeurope",
        "norwayeast",
        "polandcentral",
        "qatarcentral",
        "southafricanorth",
        "southcentralus",
        "southeastasia",
        "spaincentral",
        "swedencentral",
        "switzerlandnorth",
        "uaenorth",
        "uksouth",
        "westeurope",
        "westus2",
        "westus3",
    }
)
