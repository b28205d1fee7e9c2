"""Review aids that need neither Azure access nor cdktf: a change summary and a topology overview.

- :mod:`dualstack.review.diff` compares two synthesized output folders (base and head) into
  a :class:`~dualstack.review.model.Report`: per stack, what is added, removed, changed or
  replaced, with loud warnings for changes that destroy or replace data-holding or
  client-facing resources; :mod:`dualstack.review.markdown` renders it as Markdown. Both
  import :mod:`dualstack.review.model` (the data classes) and neither imports the other.
- :mod:`dualstack.review.redact` decides which values the summary may print.
- :mod:`dualstack.review.overview` renders what a config describes (address plan, zones,
  ingress mode, public IPs, DNS names, a Mermaid data-path diagram) from the config model.

Run ``python -m dualstack.review diff <base_outdir> <head_outdir>`` or
``python -m dualstack.review overview``. Nothing here imports cdktf.
"""

from __future__ import annotations
