"""The Front Door edge (``edge.kind: front_door``): WAF and a managed certificate in front of
every region, for both IP families.

Three stacks hold it, each applied after what it needs:

- ``global``: the Front Door Premium profile, its endpoint, the origin group (latency-based,
  HTTPS health probes), the app's custom domain (validated through the Azure DNS zone, managed
  certificate), the WAF policy and the security policy that binds it to the domain and the
  endpoint. The app name's A and AAAA alias records (``global_.traffic``) point at the endpoint,
  which answers both families whatever families the origins use.
- ``<region>``: the region's origins, one per public ingress address (``RegionOrigins``).
- ``edge``: the route (``FrontDoorRoute``). Front Door refuses a route whose origin group has
  no enabled origin ("at least one enabled origin is created under the origin group"), and
  the origins come from the region stacks, which come after ``global``; so the route has a
  stack of its own that depends on every region stack. Adding a region changes no byte of it.

Origin lockdown: the NSG admits 80/443 to the ingress addresses from the
``AzureFrontDoor.Backend`` service tag only (``region.network``), and the controllers refuse any
request whose ``X-Azure-FDID`` is not this profile's ID (``ingress_controller.front_door_entries``).
"""
