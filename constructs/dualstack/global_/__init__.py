"""The global stack (``global``): one per deployment, applied first.

``stack`` is its composer (``GlobalStack``, ``global_props``: the one reader of ``Config``);
``services`` builds the shared services from ``GlobalProps``: resource group, public and private
DNS zones, the container registry replicated to every region, Key Vault, Log Analytics, the
ACME DNS role, Traffic Manager (``traffic``) and, with ``edge.kind: front_door``, the Front Door
profile and WAF (``front_door``). ``global_`` because ``global`` is a Python keyword.
"""
