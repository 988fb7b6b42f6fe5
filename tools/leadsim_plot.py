#!/usr/bin/python3
"""Thin wrapper around the leadsim package (python/src/leadsim/plot.py): the one-page report
of a results file, as before.

    /usr/bin/python3 tools/leadsim_plot.py results/default.h5 -o report.png

For the other figures (regime map, crossover, distributions, sensitivity) see
`python -m leadsim plot --help`.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python",
                                "src"))
from leadsim import results as lr  # noqa: E402
from leadsim.plot import *  # noqa: E402,F401,F403
from leadsim.plot import report_page, sensitivity_outputs  # noqa: E402,F401

report = report_page


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="PNG report of a leadsim results file")
    ap.add_argument("file")
    ap.add_argument("-o", "--output", default="report.png")
    ap.add_argument("--dpi", type=int, default=110)
    args = ap.parse_args(argv)
    try:
        report_page(args.file, args.output, args.dpi)
    except (lr.ResultsFormatError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
