#!/usr/bin/python3
"""Checks the leadsim package (python/src/leadsim): to_xarray, records_xarray, crossover,
regime and the figures of `python -m leadsim plot` on a two-axis sweep, and the summary CLI.

    /usr/bin/python3 tests/python/test_package.py GRID.h5 [SENSITIVITY.h5]

GRID.h5: tests/python/grid.ini run (info_reach 0.2, 0.5, 0.8 x decision_rate 0.5, 2, every
record); SENSITIVITY.h5 (optional): a sensitivity study's file for the sensitivity figure.
"""

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
from leadsim import analysis  # noqa: E402

GRID = SENS = ""
ENV = dict(os.environ, PYTHONPATH=SRC, MPLBACKEND="Agg")


class XarrayTest(unittest.TestCase):
    def test_grid_dims_and_values(self):
        with leadsim.load(GRID) as r:
            ds = r.to_xarray()
            self.assertEqual(ds["mean"].dims, ("info_reach", "decision_rate", "mode", "metric"))
            self.assertEqual(ds["quantiles"].dims[-1], "quantile")
            np.testing.assert_array_equal(ds["info_reach"], [0.2, 0.5, 0.8])
            np.testing.assert_array_equal(ds["decision_rate"], [0.5, 2.0])
            s, p = r.summary, r.paired
            for _, row in r.scenarios.iterrows():
                cell = ds.sel(info_reach=row["info_reach"], decision_rate=row["decision_rate"])
                self.assertEqual(int(cell["scenario"]), row["scenario"])
                for mode in r.modes:
                    for metric in ("value", "latency"):
                        q = (s["scenario"] == row["scenario"]) & (s["mode"] == mode) & \
                            (s["metric"] == metric)
                        got = cell.sel(mode=mode, metric=metric)
                        np.testing.assert_array_equal(float(got["mean"]),
                                                      s.loc[q, "mean"].iloc[0])
                        np.testing.assert_array_equal(int(got["count"]),
                                                      s.loc[q, "count"].iloc[0])
                        pq = (p["scenario"] == row["scenario"]) & (p["mode"] == mode) & \
                            (p["metric"] == metric)
                        for name, col in (("paired_mean", "mean"), ("win_rate", "win_rate"),
                                          ("paired_ci_low", "ci_low"),
                                          ("win_rate_ci_high", "win_rate_ci_high"),
                                          ("tie_rate", "tie_rate")):
                            np.testing.assert_array_equal(float(got[name]),
                                                          p.loc[pq, col].iloc[0], name)
            self.assertEqual(str(ds["better"].sel(metric="latency").item()), "lower")
            self.assertEqual(ds["mean"].attrs.get("units"),
                             "as the metric (see /metrics_info/unit)")

    def test_not_a_grid_is_a_scenario_dimension(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "g.h5")
            shutil.copy(GRID, path)
            with h5py.File(path, "r+") as f:  # make two scenarios share a cell
                v = f["scenarios/info_reach"][()]
                v[2] = v[0]
                f["scenarios/info_reach"][...] = v
            with leadsim.load(path) as r:
                ds = r.to_xarray()
                self.assertEqual(ds["mean"].dims, ("scenario", "mode", "metric"))
                np.testing.assert_array_equal(ds["info_reach"], v)

    def test_records(self):
        with leadsim.load(GRID) as r:
            rx = r.records_xarray()
            self.assertEqual(rx["value"].dims, ("info_reach", "decision_rate", "org", "mode"))
            self.assertTrue(bool(rx["present"].all()))
            self.assertIn("decision_rate (record)", rx)  # a field named like an axis
            wide = r.orgs_wide()
            for _, row in wide.sample(20, random_state=1).iterrows():
                cell = rx.sel(info_reach=row["info_reach"],
                              decision_rate=row["decision_rate"], org=row["org"])
                for mode in r.modes:
                    self.assertEqual(float(cell["value"].sel(mode=mode)),
                                     row[f"value[{mode}]"])
                self.assertEqual(float(cell["span"]), row["span"])
            self.assertIs(type(r.to_xarray(records=True)), type(rx))


def set_paired(path, mode, metric, scenarios, **fields):
    """Overwrites /paired/<field> of (scenario, mode, metric) for the given scenarios."""
    with h5py.File(path, "r+") as f:
        m = [s.decode() if isinstance(s, bytes) else s for s in f["modes"][()]].index(mode)
        k = [s.decode() if isinstance(s, bytes) else s for s in f["metrics"][()]].index(metric)
        for name, values in fields.items():
            a = f["paired"][name][()]
            for s, v in zip(scenarios, values):
                a[s, m, k] = v
            f["paired"][name][...] = a


class CrossoverTest(unittest.TestCase):
    """Synthetic win rates and CIs with known crossings. The grid's scenarios: 0, 2, 4 are
    info_reach 0.2, 0.5, 0.8 at decision_rate 0.5; 1, 3, 5 the same at decision_rate 2."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.path = os.path.join(cls.tmp.name, "x.h5")
        shutil.copy(GRID, cls.path)
        set_paired(cls.path, "distributed", "value", [0, 2, 4],
                   win_rate=[0.3, 0.4, 0.7], win_rate_ci_low=[0.2, 0.3, 0.6],
                   win_rate_ci_high=[0.4, 0.5, 0.8],
                   mean=[-0.2, -0.1, 0.2], ci_low=[-0.3, -0.15, 0.1], ci_high=[-0.1, 0.0, 0.3])
        set_paired(cls.path, "distributed", "value", [1, 3, 5],
                   win_rate=[0.6, 0.7, 0.8], win_rate_ci_low=[0.55, 0.6, 0.7],
                   win_rate_ci_high=[0.7, 0.8, 0.9])
        # latency is "lower": a falling mean difference is the mode getting better.
        set_paired(cls.path, "distributed", "latency", [0, 2, 4],
                   mean=[0.1, 0.05, -0.15], ci_low=[0.0, 0.0, -0.2], ci_high=[0.2, 0.1, -0.1])

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_win_rate_crossing(self):
        with leadsim.load(self.path) as r:
            c = r.crossover("distributed", "value").set_index("decision_rate")
            self.assertEqual(list(c.columns),
                             ["crossover", "ci_low", "ci_high", "direction", "note", "points"])
            row = c.loc[0.5]
            # 0.4 -> 0.7 between 0.5 and 0.8: 0.5 + 0.1 / 0.3 * 0.3 = 0.6.
            self.assertAlmostEqual(row["crossover"], 0.6, places=12)
            # The CI contains 0.5 from x = 0.5 (hi = 0.5) to x = 0.7 (lo 0.3 -> 0.6 reaches 0.5).
            self.assertAlmostEqual(row["ci_low"], 0.5, places=12)
            self.assertAlmostEqual(row["ci_high"], 0.7, places=12)
            self.assertEqual(row["direction"], "up")
            self.assertEqual(row["note"], "")
            # Better everywhere and rising: a crossing would lie below the swept range.
            row = c.loc[2.0]
            self.assertTrue(np.isnan(row["crossover"]))
            self.assertEqual(row["note"], "below")
            self.assertTrue(np.isnan(row["ci_low"]))  # every CI excludes 0.5

    def test_mean_crossing_and_lower_metric(self):
        with leadsim.load(self.path) as r:
            c = r.crossover("distributed", "value", by="mean").set_index("decision_rate")
            # -0.1 -> 0.2 between 0.5 and 0.8: 0.5 + 0.1 / 0.3 * 0.3 = 0.6.
            self.assertAlmostEqual(c.loc[0.5, "crossover"], 0.6, places=12)
            # ci_high reaches 0 at 0.5; ci_low -0.15 -> 0.1 reaches 0 at 0.5 + 0.6 * 0.3 = 0.68.
            self.assertAlmostEqual(c.loc[0.5, "ci_low"], 0.5, places=12)
            self.assertAlmostEqual(c.loc[0.5, "ci_high"], 0.68, places=12)
            lat = r.crossover("distributed", "latency", by="mean").set_index("decision_rate")
            # Better = -Δ: -0.05 -> 0.15 between 0.5 and 0.8: 0.5 + 0.25 * 0.3 = 0.575.
            self.assertAlmostEqual(lat.loc[0.5, "crossover"], 0.575, places=12)
            self.assertEqual(lat.loc[0.5, "direction"], "up")
            # -Δ's CI: [-0.2, 0], [-0.1, 0], [0.1, 0.2]: contains 0 from 0.2 to where
            # -ci_high (-0.1 -> 0.1) reaches 0: 0.5 + 0.5 * 0.3 = 0.65.
            self.assertAlmostEqual(lat.loc[0.5, "ci_low"], 0.2, places=12)
            self.assertAlmostEqual(lat.loc[0.5, "ci_high"], 0.65, places=12)

    def test_other_axis_and_errors(self):
        with leadsim.load(self.path) as r:
            c = r.crossover("distributed", "value", axis="decision_rate")
            self.assertEqual(list(c["info_reach"]), [0.2, 0.5, 0.8])
            self.assertEqual(set(c["points"]), {2})
            with self.assertRaises(ValueError):
                r.crossover(r.baseline)
            with self.assertRaises(ValueError):
                r.crossover("distributed", "worker_util")  # better = none
            with self.assertRaises(KeyError):
                r.crossover("distributed", axis="nope")

    def test_helpers(self):
        self.assertEqual(analysis._crossing(np.array([0.0, 1.0]), np.array([-1.0, 1.0])),
                         (0.5, "up"))
        self.assertEqual(analysis._crossing(np.array([0.0, 1.0, 2.0]),
                                            np.array([1.0, 0.0, -1.0])), (1.0, "down"))
        self.assertEqual(analysis._ci_set(np.array([0.0, 1.0, 2.0]), np.array([0.4, 0.6, 0.4]),
                                          np.array([0.6, 0.8, 0.6]), 0.5),
                         [(0.0, 0.5), (1.5, 2.0)])


class RegimeTest(unittest.TestCase):
    def test_best_is_argmax_of_mean(self):
        with leadsim.load(GRID) as r:
            d = r.regime("value", x="info_reach", y="decision_rate")
            self.assertEqual(len(d), 6)
            s = r.summary[r.summary["metric"] == "value"]
            for _, row in d.iterrows():
                q = s[s["scenario"] == row["scenario"]].set_index("mode")["mean"]
                self.assertEqual(row["best"], q.idxmax())
                self.assertEqual(row["mean_best"], q.max())
                self.assertGreaterEqual(row["margin"], 0.0)
                self.assertTrue(0.0 <= row["p_best"] <= 1.0)
                self.assertEqual(row["orgs"], 48)
            lat = r.regime("latency")
            for _, row in lat.iterrows():
                q = s.iloc[:0]
                q = r.summary[(r.summary["metric"] == "latency") &
                              (r.summary["scenario"] == row["scenario"])].set_index("mode")
                self.assertEqual(row["best"], q["mean"].idxmin())

    def test_p_best_from_records(self):
        with leadsim.load(GRID) as r:
            d = r.regime("value", modes=["centralized", "distributed"])
            wide = r.orgs_wide()
            row = d.iloc[0]
            w = wide[wide["scenario"] == row["scenario"]]
            a, b = w["value[centralized]"], w["value[distributed]"]
            best, other = (a, b) if row["best"] == "centralized" else (b, a)
            want = float(((best > other) + 0.5 * (best == other)).mean())
            self.assertAlmostEqual(row["p_best"], want, places=12)

    def test_other_axes_must_be_fixed(self):
        with leadsim.load(GRID) as r:
            with self.assertRaisesRegex(ValueError, "decision_rate"):
                r.regime("value", x="info_reach")
            d = r.regime("value", x="info_reach", fixed={"decision_rate": 2})
            self.assertEqual(list(d["info_reach"]), [0.2, 0.5, 0.8])
            self.assertEqual(list(d["scenario"]), [1, 3, 5])
            with self.assertRaises(ValueError):
                r.regime("value", x="info_reach", fixed={"decision_rate": 3})


class CliTest(unittest.TestCase):
    def plot(self, path, kind, *extra):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, f"{kind}.png")
            res = subprocess.run([sys.executable, "-m", "leadsim", "plot", path, "-o", out,
                                  "--kind", kind, *extra], capture_output=True, text=True,
                                 timeout=300, env=ENV)
            self.assertEqual(res.returncode, 0, res.stderr)
            files = sorted(os.listdir(d))
            for name in files:
                with open(os.path.join(d, name), "rb") as png:
                    self.assertEqual(png.read(8), b"\x89PNG\r\n\x1a\n", name)
            return files, res.stdout

    def test_each_kind_writes_a_png(self):
        for kind in ("regime", "crossover", "distributions"):
            files, _ = self.plot(GRID, kind)
            self.assertEqual(files, [f"{kind}.png"])
        files, out = self.plot(GRID, "report")
        self.assertEqual(files, ["report-crossover.png", "report-regime.png", "report.png"])
        files, _ = self.plot(GRID, "crossover", "--by", "mean", "--modes", "distributed",
                             "--metric", "latency", "--x", "decision_rate")
        files, _ = self.plot(GRID, "regime", "--x", "decision_rate", "--y", "info_reach")
        if SENS:
            files, _ = self.plot(SENS, "sensitivity")
            self.assertEqual(files, ["sensitivity.png"])

    def test_errors_are_one_line(self):
        res = subprocess.run([sys.executable, "-m", "leadsim", "plot", GRID, "-o", os.devnull,
                              "--kind", "sensitivity"], capture_output=True, text=True,
                             timeout=120, env=ENV)
        self.assertEqual(res.returncode, 1)
        self.assertTrue(res.stderr.startswith("error: "), res.stderr)
        self.assertNotIn("Traceback", res.stderr)

    def test_summary_into_head(self):
        script = os.path.join(HERE, "..", "..", "tools", "leadsim_results.py")
        for cmd in (f"'{sys.executable}' -m leadsim summary '{GRID}' | head -1",
                    f"'{sys.executable}' '{script}' '{GRID}' | head -1"):
            res = subprocess.run(["sh", "-c", cmd], capture_output=True, text=True, timeout=120,
                                 env=ENV)
            self.assertEqual(res.stdout.count("\n"), 1, res.stdout)
            self.assertNotIn("Traceback", res.stderr)
            self.assertNotIn("BrokenPipe", res.stderr)
        full = subprocess.run([sys.executable, "-m", "leadsim", "summary", GRID],
                              capture_output=True, text=True, timeout=120, env=ENV)
        legacy = subprocess.run([sys.executable, script, GRID], capture_output=True, text=True,
                                timeout=120, env=ENV)
        self.assertEqual(full.returncode, 0, full.stderr)
        self.assertEqual(full.stdout, legacy.stdout)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print("usage: test_package.py GRID.h5 [SENSITIVITY.h5]", file=sys.stderr)
        sys.exit(2)
    GRID = sys.argv.pop(1)
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        SENS = sys.argv.pop(1)
    unittest.main(verbosity=2)
