"""The workloads stack (``<region>-workloads``): one per region, after its region stack.

``stack`` is its composer (``WorkloadsStack``, ``workloads_props``: the one reader of
``Config``); the constructs take ``WorkloadsProps`` and the props in it: the two Helm-released
ingress controllers (``ingress``, through the controller seam ``dualstack.ingress_controller``),
the sample application (``sample_app``) and cert-manager with its issuer (``cert_manager``), on
Kubernetes and Helm providers configured from the cluster's data source (``providers``).
"""
