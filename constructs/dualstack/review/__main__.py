"""``python -m dualstack.review``: the change summary and the topology overview on stdout.

    python -m dualstack.review diff BASE HEAD [--config FILE] [--fail-on-destroy] [--max-chars N] [--prices FILE]
    python -m dualstack.review overview [--config FILE] [--outdir DIR [--prices FILE]]
    python -m dualstack.review prices DIR [DIR ...] --output FILE     (online: Azure's retail prices API)

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
        "--prices", type=Path, default=None, help="a price file: monthly estimates of both sides"
    )
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
    overview.add_argument(
        "--outdir", type=Path, default=None, help="synthesized output: add its bill of materials"
    )
    overview.add_argument(
        "--prices", type=Path, default=None, help="with --outdir: a price file, for the estimate"
    )
    prices = commands.add_parser("prices", help="download the retail prices of an output's bill of materials")
    prices.add_argument(
        "outdirs",
        type=Path,
        nargs="+",
        metavar="DIR",
        help="synthesized output folders (base and head for a diff's estimate): the prices of all their bills",
    )
    prices.add_argument("--output", type=Path, required=True, help="the price file to write")
    prices.add_argument("--url", default=None, help="the API's address (default: Azure's retail prices API)")
    return parser


def _diff(args: argparse.Namespace) -> int:
    from dualstack.review.diff import ReviewError, diff_outdirs
    from dualstack.review.markdown import render

    acknowledge: tuple[str, ...] = ()
    config_label = None
    path = args.config or (Path(os.environ[CONFIG_ENV]) if os.environ.get(CONFIG_ENV) else None)
    if path is not None:
        from dualstack.config.loader import ConfigError, load_config

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
            prices=args.prices,
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
    from dualstack.config.loader import ConfigError, config_path_from_env, load_config
    from dualstack.review.overview import render_overview

    path = args.config or config_path_from_env()
    try:
        config = load_config(path)
    except ConfigError as exc:
        for line in exc.lines:
            print(f"error: {line}", file=sys.stderr)
        return EXIT_USAGE
    bill = None
    if args.outdir is not None:
        from dualstack.review.bom import bill as bill_of
        from dualstack.review.diff import ReviewError, load_stacks
        from dualstack.review.prices import read_price_file

        try:
            bill = bill_of(load_stacks(args.outdir))
        except ReviewError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        prices = read_price_file(args.prices) if args.prices else None
        sys.stdout.write(render_overview(config, bill, prices))
        return 0
    sys.stdout.write(render_overview(config))
    return 0


def _prices(args: argparse.Namespace) -> int:
    import json
    import urllib.error

    from dualstack.review.bom import bill
    from dualstack.review.diff import ReviewError, load_stacks
    from dualstack.review.prices import API, download

    try:
        lines = [line for outdir in args.outdirs for line in bill(load_stacks(outdir))]
    except ReviewError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        doc = download(lines, base=args.url or API)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        print(f"error: the retail prices API did not answer: {exc}", file=sys.stderr)
        return 1
    args.output.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(
        f"wrote {doc['Count']} prices ({doc['BillingCurrency']}, {doc['dualstackFetchedAt']}) to {args.output}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handlers = {"diff": _diff, "overview": _overview, "prices": _prices}
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
