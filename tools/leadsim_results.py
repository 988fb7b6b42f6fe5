#!/usr/bin/python3
"""Thin wrapper around the leadsim package (python/src/leadsim/results.py), kept so that
`import leadsim_results as lr` with tools/ on sys.path and
`/usr/bin/python3 tools/leadsim_results.py FILE` (a short summary) keep working.
The package itself: `pip install python/` (README.md), then `import leadsim`.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python",
                                "src"))
from leadsim.results import *  # noqa: E402,F401,F403
from leadsim.results import (BETTER, FORMAT, FORMAT_VERSION, PAIRED_FIELDS,  # noqa: E402,F401
                             SENSITIVITY_FIELDS, SENSITIVITY_OUTPUT_FIELDS, SUMMARY_FIELDS,
                             Histogram, Results, ResultsFormatError, _print_summary, load, main,
                             quantile_column, win_label)

if __name__ == "__main__":
    from leadsim.cli import _quiet_pipe
    _quiet_pipe()
    sys.exit(main(sys.argv))
