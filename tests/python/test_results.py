#!/usr/bin/python3
"""Checks a real leadsim results file with h5py, pandas (tools/leadsim_results.py), xarray
(h5netcdf engine) and the plot tool.

    /usr/bin/python3 tests/python/test_results.py FILE      # exit status 0 / 1
    LEADSIM_TEST_H5=FILE /usr/bin/python3 -m unittest tests/python/test_results.py

The comparison of summary means with the per-organization records needs a run with
--samples all; with fewer records those tests are skipped.
"""

import os
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np
import xarray as xr

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.join(HERE, "..", "..", "tools")
sys.path.insert(0, TOOLS)
import leadsim_results as lr  # noqa: E402

PATH = os.environ.get("LEADSIM_TEST_H5", "")
REL_TOL = 1e-12


class ResultsFileTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not PATH:
            raise unittest.SkipTest("set LEADSIM_TEST_H5 or pass the file as an argument")
        cls.r = lr.load(PATH)
        cls.f = h5py.File(PATH, "r")
        cls.S = len(cls.r.scenarios)
        cls.M = len(cls.r.modes)
        cls.K = len(cls.r.metrics)

    @classmethod
    def tearDownClass(cls):
        cls.f.close()
        cls.r.close()

    # ---- h5py: the raw layout ----

    def test_root_attributes_are_typed(self):
        a = self.f.attrs
        self.assertEqual(a["format"], "leadsim-results")
        self.assertIsInstance(a["format"], str)  # variable-length UTF-8, read as str
        self.assertEqual(int(a["format_version"]), lr.FORMAT_VERSION)
        for name in ["leadsim_version", "git_describe", "created_utc", "command_line",
                     "config", "model", "baseline_mode", "rng", "hdf5_version", "compiler"]:
            self.assertIsInstance(a[name], str, name)
        self.assertEqual(a["seed"].dtype, np.uint64)
        self.assertEqual(a["orgs_per_scenario"].dtype, np.uint64)
        self.assertIn(a["baseline_mode"], self.r.modes)
        self.assertRegex(a["created_utc"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

    def test_orgs_present_matches_the_summary_counts(self):
        """orgs_present counts the organizations each scenario holds: every baseline value
        is counted or NaN, so count + nan_count equals it."""
        s = self.r.summary
        for _, row in self.r.scenarios.iterrows():
            sel = s[(s.scenario == row.scenario) & (s["mode"] == self.r.baseline)]
            self.assertTrue(((sel["count"] + sel["nan_count"]) == row.orgs_present).all())
        self.assertFalse(self.r.partial)

    def test_summary_shapes_and_types(self):
        Q = len(self.f["summary/quantile_levels"])
        for name in ["count", "nan_count"]:
            self.assertEqual(self.f["summary"][name].shape, (self.S, self.M, self.K))
            self.assertEqual(self.f["summary"][name].dtype, np.uint64)
        for name in ["mean", "std", "sem", "min", "max"]:
            self.assertEqual(self.f["summary"][name].shape, (self.S, self.M, self.K))
            self.assertEqual(self.f["summary"][name].dtype, np.float64)
        self.assertEqual(self.f["summary/quantiles"].shape, (self.S, self.M, self.K, Q))
        for name in lr.PAIRED_FIELDS:
            self.assertEqual(self.f["paired"][name].shape, (self.S, self.M, self.K), name)
        self.assertEqual(self.f["paired"].attrs["baseline_mode"], self.r.baseline)
        self.assertEqual(self.f["scenarios/id"].shape, (self.S,))

    def test_every_dataset_has_units_and_description(self):
        missing = []

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                for attr in ("units", "description"):
                    v = obj.attrs.get(attr)
                    if not isinstance(v, str) or "\n" in v:
                        missing.append(f"{name}@{attr}")
                if not obj.attrs["description"]:
                    missing.append(f"{name}@description empty")

        self.f.visititems(visit)
        self.assertEqual(missing, [])

    def test_histograms_account_for_every_finite_value(self):
        count = self.f["summary/count"][()]
        for k, metric in enumerate(self.r.metrics):
            h = self.r.histogram(metric)
            B = len(h.edges) - 1
            self.assertEqual(h.counts.shape, (self.S, self.M, B))
            self.assertTrue(np.all(np.diff(h.edges) > 0), metric)
            total = h.counts.sum(axis=2) + h.underflow + h.overflow
            np.testing.assert_array_equal(total, count[:, :, k], err_msg=metric)

    # ---- pandas, through the loader ----

    def test_tidy_frames(self):
        s = self.r.summary
        self.assertEqual(len(s), self.S * self.M * self.K)
        for col in ["scenario", *self.r.params, "mode", "metric", "count", "nan_count", "mean",
                    "std", "sem", "min", "max"]:
            self.assertIn(col, s.columns)
        for q in self.f["summary/quantile_levels"][()]:
            self.assertIn(lr.quantile_column(q), s.columns)
        self.assertEqual(sorted(set(s["mode"])), sorted(self.r.modes))
        self.assertEqual(sorted(set(s["metric"])), sorted(self.r.metrics))
        row = s[(s.scenario == self.S - 1) & (s["mode"] == self.r.modes[-1]) &
                (s.metric == self.r.metrics[-1])]
        self.assertEqual(len(row), 1)
        self.assertTrue(np.array_equal(row["mean"].to_numpy(),
                                       self.f["summary/mean"][self.S - 1, self.M - 1,
                                                              self.K - 1:self.K],
                                       equal_nan=True))
        p = self.r.paired
        self.assertEqual(len(p), self.S * self.M * self.K)
        for col in ["mean", "ci_low", "ci_high", "win_rate", "win_rate_ci_low",
                    "win_rate_ci_high", "count"]:
            self.assertIn(col, p.columns)
        finite = p[np.isfinite(p.win_rate)]
        self.assertTrue(((finite.win_rate >= 0) & (finite.win_rate <= 1)).all())
        self.assertTrue((finite.win_rate_ci_low <= finite.win_rate + 1e-12).all())
        self.assertTrue((finite.win_rate <= finite.win_rate_ci_high + 1e-12).all())

    def test_direction_of_better(self):
        """/metrics_info/better names each metric's direction; the win rate counts the mode
        better that way (difference < 0 for "lower"), "none" has no win rate, and the tie
        rate is ties / count whatever the direction."""
        stored = [v.decode() if isinstance(v, bytes) else v
                  for v in self.f["metrics_info/better"][()]]
        self.assertEqual(stored, [self.r.better[m] for m in self.r.metrics])
        self.assertTrue(set(stored) <= set(lr.BETTER), stored)
        self.assertIn("none", self.f["paired/win_rate"].attrs["nan_when"])
        p = self.r.paired
        self.assertTrue((p["better"] == p["metric"].map(self.r.better)).all())
        for _, row in p[p["count"] > 0].iterrows():
            n, wins, ties, greater = (int(row[c]) for c in ("count", "wins", "ties", "greater"))
            self.assertEqual(row["tie_rate"], ties / n)
            if row["better"] == "none":
                self.assertTrue(np.isnan(row["win_rate"]), row.to_dict())
                self.assertTrue(np.isnan(row["win_rate_ci_low"]), row.to_dict())
                self.assertEqual(wins, 0)
                continue
            expect = greater if row["better"] == "higher" else n - greater - ties
            self.assertEqual(wins, expect, row.to_dict())
            self.assertEqual(row["win_rate"], wins / n, row.to_dict())
            self.assertLessEqual(row["win_rate_ci_low"], row["win_rate"] + 1e-12)
            self.assertLessEqual(row["win_rate"], row["win_rate_ci_high"] + 1e-12)

    def test_loader_refuses_version_1(self):
        with tempfile.TemporaryDirectory() as d:
            old = os.path.join(d, "v1.h5")
            with h5py.File(old, "w") as g:
                g.attrs["format"] = "leadsim-results"
                g.attrs["format_version"] = np.int64(1)
            with self.assertRaisesRegex(lr.ResultsFormatError,
                                        "format version 1; this reader reads version 2"):
                lr.load(old)

    def test_loader_rejects_other_files(self):
        with tempfile.TemporaryDirectory() as d:
            text = os.path.join(d, "x.h5")
            with open(text, "w") as out:
                out.write("not hdf5\n")
            with self.assertRaises(lr.ResultsFormatError):
                lr.load(text)
            other = os.path.join(d, "y.h5")
            with h5py.File(other, "w") as g:
                g.attrs["format"] = "something-else"
            with self.assertRaisesRegex(lr.ResultsFormatError, "format='something-else'"):
                lr.load(other)

    # ---- xarray (h5netcdf engine) ----

    def test_xarray_summary_is_labelled(self):
        with xr.open_dataset(PATH, group="summary", engine="h5netcdf") as ds:
            self.assertEqual(ds["mean"].dims, ("scenario", "mode", "metric"))
            self.assertEqual(ds["quantiles"].dims, ("scenario", "mode", "metric", "quantile"))
            self.assertEqual(list(ds["mode"].values), self.r.modes)
            self.assertEqual(list(ds["metric"].values), self.r.metrics)
            np.testing.assert_array_equal(ds["quantile"].values,
                                          self.f["summary/quantile_levels"][()])
            np.testing.assert_array_equal(ds["scenario"].values, np.arange(self.S))
            self.assertEqual(len([c for c in ds.coords if ds[c].dims == ("scenario",)]),
                             1 + len(self.r.params))
            self.assertIn("units", ds["mean"].attrs)
            m0 = ds["mean"].sel(mode=self.r.modes[0], metric=self.r.metrics[0]).values
            np.testing.assert_array_equal(m0, self.f["summary/mean"][:, 0, 0])
        with xr.open_dataset(PATH, group="paired", engine="h5netcdf") as ds:
            self.assertEqual(ds["win_rate"].dims, ("scenario", "mode", "metric"))
            self.assertEqual(list(ds["mode"].values), self.r.modes)
        metric_group = next(iter(self.f["histograms"]))
        with xr.open_dataset(PATH, group=f"histograms/{metric_group}", engine="h5netcdf") as ds:
            self.assertEqual(ds["counts"].dims, ("scenario", "mode", "bin"))
        with xr.open_dataset(PATH, engine="h5netcdf") as ds:
            self.assertEqual(list(ds["modes"].values), self.r.modes)

    # ---- summary statistics against the per-organization records ----

    def _records(self):
        if int(self.f.attrs["samples"]) != -1 or "orgs" not in self.f:
            self.skipTest("needs a run with --samples all")
        n = int(self.f.attrs["orgs_per_scenario"])
        self.assertEqual(len(self.f["orgs/org"]), self.S * n)
        return self.r.orgs

    def test_summary_means_equal_record_means(self):
        orgs = self._records()
        s = self.r.summary.set_index(["scenario", "mode", "metric"])
        g = orgs.groupby(["scenario", "mode"])
        checked = 0
        for metric in self.r.metrics:
            count = g[metric].count()
            nans = g[metric].apply(lambda v: int(np.isnan(v).sum()))
            mean = g[metric].apply(lambda v: float(np.mean(v[np.isfinite(v)]))
                                   if np.isfinite(v).any() else np.nan)
            for (scenario, mode), c in count.items():
                row = s.loc[(scenario, mode, metric)]
                self.assertEqual(int(row["count"]), int(c), (scenario, mode, metric))
                self.assertEqual(int(row["nan_count"]), nans[(scenario, mode)])
                want, got = mean[(scenario, mode)], float(row["mean"])
                if np.isnan(want):
                    self.assertTrue(np.isnan(got))
                else:
                    self.assertLessEqual(abs(got - want), REL_TOL * max(abs(want), 1e-300),
                                         (scenario, mode, metric, got, want))
                checked += 1
        self.assertEqual(checked, self.S * self.M * self.K)

    def test_summary_extremes_equal_record_extremes(self):
        orgs = self._records()
        s = self.r.summary.set_index(["scenario", "mode", "metric"])
        g = orgs.groupby(["scenario", "mode"])
        for metric in self.r.metrics:
            lo, hi = g[metric].min(), g[metric].max()  # pandas skips NaN
            for key in lo.index:
                row = s.loc[(*key, metric)]
                if np.isnan(lo[key]):
                    continue
                self.assertEqual(float(row["min"]), lo[key])
                self.assertEqual(float(row["max"]), hi[key])

    def test_grouped_by_manager_load(self):
        """grouped(): bins of a record field (manager_load, recomputed from its inputs), one
        row per bin and mode, counts adding up to the records, win rates from the records."""
        self._records()
        wide = self.r.orgs_wide()
        if "manager_load" not in wide.columns:
            self.skipTest("not a leadership file")
        np.testing.assert_allclose(
            wide["manager_load"], wide["decision_rate"] * wide["span"] / wide["manager_capacity"],
            rtol=0, atol=0)
        g = self.r.grouped("manager_load", "value", bins=3)
        self.assertEqual(len(g), g["manager_load"].nunique() * len(self.r.modes))
        base = g[g["mode"] == self.r.baseline]
        self.assertEqual(base["orgs"].sum(), wide["value[%s]" % self.r.baseline].notna().sum())
        self.assertTrue(base["win_rate"].isna().all())
        other = [m for m in self.r.modes if m != self.r.baseline][0]
        first = g[g["mode"] == other].iloc[0]
        rows = wide[wide["manager_load"].apply(lambda v: v in first["manager_load"])]
        d = (rows["value[%s]" % other] - rows["value[%s]" % self.r.baseline]).dropna()
        self.assertAlmostEqual(first["win_rate"], float((d > 0).mean()), places=12)

    def test_wins_equal_record_counts_in_each_direction(self):
        """Recounted from the records: a "lower" metric wins where it fell."""
        self._records()
        wide = self.r.orgs_wide()
        p = self.r.paired.set_index(["scenario", "mode", "metric"])
        checked = set()
        for metric in self.r.metrics:
            better = self.r.better[metric]
            for mode in self.r.modes:
                d = wide[f"{metric}[{mode}]"] - wide[f"{metric}[{self.r.baseline}]"]
                for scenario, ds in d.groupby(wide["scenario"]):
                    ds = ds[np.isfinite(ds)]
                    row = p.loc[(scenario, mode, metric)]
                    self.assertEqual(int(row["count"]), len(ds))
                    self.assertEqual(int(row["ties"]), int((ds == 0).sum()))
                    self.assertEqual(int(row["greater"]), int((ds > 0).sum()))
                    want = {"higher": (ds > 0).sum(), "lower": (ds < 0).sum(), "none": 0}[better]
                    self.assertEqual(int(row["wins"]), int(want), (scenario, mode, metric))
                    checked.add(better)
        # Every direction the file's metrics have was recounted (a file of "none" metrics
        # only, such as a test function's, checks the counts and ties).
        self.assertEqual(checked, set(self.r.better[m] for m in self.r.metrics))

    def test_wide_records_match_long(self):
        orgs = self._records()
        wide = self.r.orgs_wide()
        self.assertEqual(len(wide) * self.M, len(orgs))
        metric, mode = self.r.metrics[0], self.r.modes[-1]
        np.testing.assert_array_equal(wide[f"{metric}[{mode}]"].to_numpy(),
                                      orgs[orgs["mode"] == mode][metric].to_numpy())

    # ---- command-line tools ----

    def test_plot_writes_a_png(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "report.png")
            res = subprocess.run([sys.executable, os.path.join(TOOLS, "leadsim_plot.py"), PATH,
                                  "-o", out], capture_output=True, text=True, timeout=300)
            self.assertEqual(res.returncode, 0, res.stderr)
            with open(out, "rb") as png:
                head = png.read(8)
            self.assertEqual(head, b"\x89PNG\r\n\x1a\n")
            self.assertGreater(os.path.getsize(out), 20_000)

    def test_summary_script_prints(self):
        res = subprocess.run([sys.executable, os.path.join(TOOLS, "leadsim_results.py"), PATH],
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(res.returncode, 0, res.stderr)
        for name in self.r.metrics + self.r.modes:
            self.assertIn(name, res.stdout)


if __name__ == "__main__":
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        PATH = sys.argv.pop(1)
    if not PATH:
        print("usage: test_results.py FILE  (or LEADSIM_TEST_H5=FILE)", file=sys.stderr)
        sys.exit(2)
    unittest.main(verbosity=2)
