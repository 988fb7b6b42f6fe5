#!/usr/bin/python3
"""`leadsim inspect --crossover --json` gives the numbers of the leadsim package's crossover()
(python/src/leadsim/analysis.py) on one-axis sweeps, for both `by` values, every mode but the
baseline and every metric with a direction of better: the crossover and its CI to 1e-12, the
direction, note and points exactly.

    /usr/bin/python3 tests/python/test_crossover.py LEADSIM SWEEP.h5 [SWEEP.h5 ...]

SWEEP.h5: one-axis sweeps, the first with several points (configs/default.ini with few
organizations: 11 values of info_reach). The first file is also copied with planted paired
statistics (NaN points, points on the threshold, falling and flat curves) and compared again.
"""

import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "..", "python", "src")
sys.path.insert(0, SRC)
import leadsim  # noqa: E402

LEADSIM = ""
FILES = []
TOL = 1e-12


def inspect_crossover(path, by, metrics):
    args = [LEADSIM, "inspect", path, "--crossover", "--json", "--by", by]
    for m in metrics:
        args += ["--metric", m]
    p = subprocess.run(args, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise AssertionError("%s: exit %d\n%s" % (" ".join(args), p.returncode, p.stderr))
    return json.loads(p.stdout)["crossover"]


class Agreement(unittest.TestCase):
    def compare(self, path):
        """Compares every row; returns (crossings, rows) counted over both `by` values."""
        crossings = total = 0
        with leadsim.load(path) as r:
            metrics = [m for m in r.metrics if r.better[m] != "none"]
            modes = [m for m in r.modes if m != r.baseline]
            for by in ("win_rate", "mean"):
                c = inspect_crossover(path, by, metrics)
                self.assertEqual(c["axis"], r.params[0])
                self.assertEqual(c["by"], by)
                rows = {(row["metric"], row["mode"]): row for row in c["rows"]}
                self.assertEqual(sorted(rows), sorted((k, m) for k in metrics for m in modes))
                for metric in metrics:
                    for mode in modes:
                        want = r.crossover(mode, metric, by=by)
                        self.assertEqual(len(want), 1)
                        want = want.iloc[0]
                        got = rows[(metric, mode)]
                        what = "%s: %s %s by %s: C++ %s, Python %s" % (
                            path, mode, metric, by, got, want.to_dict())
                        for key in ("crossover", "ci_low", "ci_high"):
                            w, g = float(want[key]), got[key]
                            if math.isnan(w):
                                self.assertIsNone(g, what)
                            else:
                                self.assertIsNotNone(g, what)
                                self.assertLessEqual(abs(g - w), TOL, what)
                        self.assertEqual(got["direction"], want["direction"], what)
                        self.assertEqual(got["note"], want["note"], what)
                        self.assertEqual(got["points"], int(want["points"]), what)
                        crossings += not math.isnan(float(want["crossover"]))
                        total += 1
        return crossings, total

    def test_real_files(self):
        for i, path in enumerate(FILES):
            crossings, total = self.compare(path)
            if i == 0:
                # The several-point study has crossings and rows without one.
                self.assertGreater(crossings, 0, path)
                self.assertLess(crossings, total, path)

    def test_planted_curves(self):
        """Curves that take every branch: NaN points (curve and bounds), a point on the
        threshold, up and down crossings, no crossing with both notes, a flat curve."""
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "planted.h5")
            shutil.copy(FILES[0], path)
            with leadsim.load(path) as r:
                modes, metrics, baseline = list(r.modes), list(r.metrics), r.baseline
            others = [m for m, name in enumerate(modes) if name != baseline]
            with h5py.File(path, "r+") as f:
                S = f["paired/win_rate"].shape[0]
                t = np.linspace(0.0, 1.0, S)
                curves = [
                    0.3 + 0.4 * t,                             # up through 0.5
                    0.8 - 0.6 * t,                             # down through 0.5
                    np.where(np.arange(S) == S // 2, 0.5, 0.2 + 0.6 * t),  # on the threshold
                    0.6 + 0.3 * t,                             # above, rising: below
                    0.45 - 0.2 * t * t,                        # below, falling: below
                ]
                fields = {n: f["paired"][n][()] for n in
                          ("win_rate", "win_rate_ci_low", "win_rate_ci_high", "mean", "ci_low",
                           "ci_high")}
                for j, m in enumerate(others):
                    y = curves[j % len(curves)].copy()
                    if j % 2 == 0 and S > 3:
                        y[1] = np.nan  # a skipped point
                    for k in range(len(metrics)):
                        w = 0.05 + 0.02 * k
                        lo, hi = y - w, y + w
                        if S > 4:
                            lo[3] = np.nan  # a point without an interval
                        fields["win_rate"][:, m, k] = y
                        fields["win_rate_ci_low"][:, m, k] = lo
                        fields["win_rate_ci_high"][:, m, k] = hi
                        fields["mean"][:, m, k] = y - 0.5
                        fields["ci_low"][:, m, k] = lo - 0.5
                        fields["ci_high"][:, m, k] = hi - 0.5
                for n, a in fields.items():
                    f["paired"][n][...] = a
            crossings, total = self.compare(path)
            self.assertGreater(crossings, 0)
            self.assertLess(crossings, total)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print("usage: test_crossover.py LEADSIM SWEEP.h5 [SWEEP.h5 ...]", file=sys.stderr)
        sys.exit(2)
    LEADSIM = sys.argv.pop(1)
    while len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        FILES.append(sys.argv.pop(1))
    unittest.main(verbosity=2)
