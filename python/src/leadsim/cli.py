"""The command line: python -m leadsim summary FILE | plot FILE [-o OUT] [--kind ...]."""

from __future__ import annotations

import argparse
import os
import signal
import sys

from . import results as lr


def _quiet_pipe() -> None:
    """Output piped into `head`: stop quietly when the reader goes away (no BrokenPipeError
    traceback)."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)


def _summary(args) -> int:
    try:
        with lr.load(args.file) as r:
            lr._print_summary(r)
        sys.stdout.flush()
    except (lr.ResultsFormatError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader closed the pipe: point stdout at /dev/null so that the interpreter's
        # final flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return 0


def _fixed(items) -> dict:
    out = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"error: --fix takes AXIS=VALUE, not {item!r}")
        try:
            out[name] = float(value)
        except ValueError:
            raise SystemExit(f"error: --fix {name}: {value!r} is not a number") from None
    return out


def _plot(args) -> int:
    from . import plot
    modes = [m.strip() for m in args.modes.split(",") if m.strip()] if args.modes else None
    try:
        written = plot.plot(args.file, args.output, args.kind, metric=args.metric, modes=modes,
                            x=args.x, y=args.y, by=args.by, fixed=_fixed(args.fix),
                            dpi=args.dpi)
    except (lr.ResultsFormatError, FileNotFoundError, KeyError, ValueError) as e:
        msg = e.args[0] if isinstance(e, KeyError) and e.args else e
        print(f"error: {msg}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m leadsim",
                                 description="Read and plot leadsim results files (HDF5).")
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("summary", help="print a short summary of a results file")
    s.add_argument("file")
    s.set_defaults(run=_summary)
    p = sub.add_parser("plot", help="draw figures of a results file (PNG, PDF, SVG)")
    p.add_argument("file")
    p.add_argument("-o", "--output", default="report.png",
                   help="output file; its suffix picks the format (default report.png)")
    p.add_argument("--kind", default="report",
                   choices=["report", "regime", "crossover", "distributions", "sensitivity"])
    p.add_argument("--metric", help="metric (default value, else the first)")
    p.add_argument("--modes", help="comma-separated modes to show (default all)")
    p.add_argument("--x", help="sweep axis along x (default the first swept parameter)")
    p.add_argument("--y", help="sweep axis along y for --kind regime (default the second)")
    p.add_argument("--by", default="win_rate", choices=["win_rate", "mean"],
                   help="crossover curve: the win rate (threshold 0.5) or the mean difference")
    p.add_argument("--fix", action="append", metavar="AXIS=VALUE",
                   help="hold another sweep axis at a value (regime; repeatable)")
    p.add_argument("--dpi", type=int, default=110)
    p.set_defaults(run=_plot)
    args = ap.parse_args(argv)
    if args.command == "summary":
        _quiet_pipe()
    return args.run(args)
