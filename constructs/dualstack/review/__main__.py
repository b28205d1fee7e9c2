"""``python -m dualstack.review``: the change summary and the topology overview on stdout.

    python -m dualstack.review diff BASE HEAD [--config FILE] [--fail-on-destroy] [--max-chars N]
    python -m dualstack.review overview [--config FILE]

BASE and HEAD are output folders (``cdktf.out``) or synthesized checkouts. ``diff --config``
(default: ``$DUALSTACK_CONFIG`` when set) reads the config's ``acknowledge_destroy``. Exit
codes: 0 printed; 2 an unreadable folder or a bad config; 3 ``--fail-on-destroy`` and a loud
warning (something that holds data or that clients depend on is destroyed or replaced) that
``acknowledge_destroy`` does not name, one ``error:`` line each on stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EXIT_USAGE = 2
EXIT_DESTROY = 3
CONFIG_ENV = "DUALSTACK_CONFIG"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dualstack.review", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    diff = commands.add_parser("diff", help="Markdown change summary of two synthesized output folders")
    diff.add_argument("base", type=Path, help="base output folder (or synthesized checkout)")
    diff.add_argument("head", type=Path, help="head output folder (or synthesized checkout)")
    diff.add_argument(
        "--fail-on-destroy",
        action="store_true",
        help=f"exit {EXIT_DESTROY} when a protected resource is destroyed or replaced and the "
        "config's acknowledge_destroy does not name it",
    )
    diff.add_argument(
        "--config",
        type=Path,
        default=None,
        help="config whose acknowledge_destroy marks intended destroys (default: $DUALSTACK_CONFIG "
        "when set, else none)",
    )
    diff.add_argument("--max-chars", type=int, default=None, help="leave out stack details beyond this size")
    diff.add_argument(
        "--base-label", default=None, help="how to name the base in the text (default: the path)"
    )
    diff.add_argument(
        "--head-label", default=None, help="how to name the head in the text (default: the path)"
    )
    overview = commands.add_parser("overview", help="Markdown topology overview of a config")
    overview.add_argument(
        "--config", type=Path, default=None, help="config file (default: $DUALSTACK_CONFIG)"
    )
    return parser


def _diff(args: argparse.Namespace) -> int:
    from dualstack.review.diff import ReviewError, diff_outdirs
    from dualstack.review.markdown import render

    acknowledge: tuple[str, ...] = ()
    config_label = None
    path = args.config or (Path(os.environ[CONFIG_ENV]) if os.environ.get(CONFIG_ENV) else None)
    if path is not None:
        from dualstack.loader import ConfigError, load_config

        try:
            acknowledge = tuple(load_config(path).acknowledge_destroy)
        except ConfigError as exc:
            for line in exc.lines:
                print(f"error: {line}", file=sys.stderr)
            return EXIT_USAGE
        config_label = str(path)
    try:
        report = diff_outdirs(
            args.base,
            args.head,
            base_label=args.base_label,
            head_label=args.head_label,
            acknowledge=acknowledge,
            config_label=config_label,
        )
    except ReviewError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(render(report, max_chars=args.max_chars))
    if args.fail_on_destroy:
        errors = report.gate_errors()
        for line in errors:
            print(f"error: {line}", file=sys.stderr)
        if errors:
            return EXIT_DESTROY
    return 0


def _overview(args: argparse.Namespace) -> int:
    from dualstack.loader import ConfigError, config_path_from_env, load_config
    from dualstack.review.overview import render_overview

    path = args.config or config_path_from_env()
    try:
        config = load_config(path)
    except ConfigError as exc:
        for line in exc.lines:
            print(f"error: {line}", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(render_overview(config))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return _diff(args) if args.command == "diff" else _overview(args)


if __name__ == "__main__":
    sys.exit(main())
