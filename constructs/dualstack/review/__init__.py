"""Review aids that need neither Azure access nor cdktf: a change summary and a topology overview.

- :mod:`dualstack.review.diff` compares two synthesized output folders (base and head) and
  renders a Markdown summary per stack: what is added, removed, changed or replaced, with
  loud warnings for changes that destroy or replace data-holding or client-facing resources.
- :mod:`dualstack.review.overview` renders what a config describes (address plan, zones,
  ingress mode, public IPs, DNS names, a Mermaid data-path diagram) from the config model.

Run ``python -m dualstack.review diff <base_outdir> <head_outdir>`` or
``python -m dualstack.review overview``. Nothing here imports cdktf.
"""

from __future__ import annotations
