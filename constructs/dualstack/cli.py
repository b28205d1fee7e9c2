"""Entry point of ``python main.py`` and ``cdktf synth``: validate, then synthesize.

The config is validated before cdktf is even imported, so a bad config fails in well
under a second, prints one line per problem and writes nothing.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TextIO

from dualstack.config.loader import ConfigError, config_path_from_env, load_config
from dualstack.retirement import unprotected_regions

EXIT_CONFIG_ERROR = 2
UNDER_CDKTF = "CDKTF_CONTEXT_JSON"
"""Set by the cdktf CLI for the app it runs. The CLI shows the app's stderr twice (a coloured
log line as it arrives, then again in its error report) and its stdout once, plain."""


def _errors() -> TextIO:
    """Where the error lines go: stderr, or stdout under the cdktf CLI (shown once, uncoloured)."""
    return sys.stdout if os.environ.get(UNDER_CDKTF) is not None else sys.stderr


def main() -> int:
    path = config_path_from_env()
    try:
        config = load_config(path)
    except ConfigError as exc:
        for line in exc.lines:
            print(f"error: {line}", file=_errors())
        print(f"error: {len(exc.lines)} problem(s) in the config; nothing was synthesized", file=_errors())
        return EXIT_CONFIG_ERROR

    unprotected, problems = unprotected_regions(config.regions)
    if problems:
        for line in problems:
            print(f"error: {line}", file=_errors())
        print(
            f"error: {len(problems)} problem(s) in the destroy request; nothing was synthesized",
            file=_errors(),
        )
        return EXIT_CONFIG_ERROR

    from dualstack.fastimport import FrameworkError

    try:
        from dualstack.synth import synthesize  # imports the framework and the providers (seconds)
    except FrameworkError as exc:
        print(f"error: {exc}", file=_errors())
        return EXIT_CONFIG_ERROR

    outdir = Path(os.environ.get("CDKTF_OUTDIR") or "cdktf.out")
    stacks = synthesize(config, outdir, unprotected=unprotected)
    if unprotected:
        print(f"prevent_destroy lifted for this run in region(s): {', '.join(sorted(unprotected))}")
    print(f"synthesized {len(stacks)} stacks from {path} into {outdir}: {', '.join(stacks)}")
    return 0
