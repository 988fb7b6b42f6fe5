"""python -m leadsim: see leadsim.cli."""

import sys

from .cli import main

sys.exit(main())
