#!/usr/bin/python3
"""Checks the leadsim package (python/src/leadsim): to_xarray, records_xarray, crossover,
regime and the figures of `python -m leadsim plot` on a two-axis sweep, and the summary CLI.

    /usr/bin/python3 tests/python/test_package.py GRID.h5 [SENSITIVITY.h5]

GRID.h5: tests/python/grid.ini run (info_reach 0.2, 0.5, 0.8 x decision_rate 0.5, 2, every
record); SENSITIVITY.h5 (optional): a sensitivity study's file for the sensitivity figure.
"""

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "..", "python", "src")
# LEADSIM_TEST_INSTALLED=1: test the package as installed (CMake runs these tests with the
# python of a venv the package was pip-installed into, python_package_venv_install); else the
# source tree's.
INSTALLED = os.environ.get("LEADSIM_TEST_INSTALLED") == "1"
if not INSTALLED:
    sys.path.insert(0, SRC)
import leadsim  # noqa: E402
from leadsim import analysis  # noqa: E402
if INSTALLED and os.path.realpath(leadsim.__file__).startswith(os.path.realpath(SRC)):
    sys.exit(f"leadsim was imported from the source tree ({leadsim.__file__}), not installed")

GRID = SENS = ""
ENV = dict(os.environ, MPLBACKEND="Agg", **({} if INSTALLED else {"PYTHONPATH": SRC}))


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
            # One row per value of the other axis, in increasing order.
            self.assertEqual(list(c.index), [0.5, 2.0])
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


def line_x(line) -> float:
    """x of a vertical line (axvline)."""
    x = np.asarray(line.get_xdata(), dtype=float)
    assert x.size == 2 and x[0] == x[1], x
    return float(x[0])


def span_x(patch) -> tuple:
    """(x0, x1) of an axvspan: a Polygon in older matplotlib, a Rectangle in newer ones."""
    from matplotlib.patches import Rectangle
    if isinstance(patch, Rectangle):
        return patch.get_x(), patch.get_x() + patch.get_width()
    xy = np.asarray(patch.get_xy(), dtype=float)
    return float(xy[:, 0].min()), float(xy[:, 0].max())


def with_held_axis(src: str, dst: str, name: str = "span", value: float = 6.0,
                   units: str = "reports/manager") -> None:
    """Copies src to dst with a third swept parameter held at one value in every scenario."""
    shutil.copy(src, dst)
    with h5py.File(dst, "r+") as f:
        g = f["scenarios"]
        ds = g.create_dataset(name, data=np.full(len(g["id"]), value))
        ds.attrs["param"] = name
        ds.attrs["units"] = units
        ds.attrs["description"] = f"value of swept parameter {name}"
        g.attrs["params"] = np.array([*[p.decode() if isinstance(p, bytes) else p
                                        for p in g.attrs["params"]], name], dtype=object)


class RegimeFigureTest(unittest.TestCase):
    """The regime map's contents (Figure API, not pixels) against regime() on the grid."""

    def check_map(self, r, fig, d, x, y):
        from matplotlib.colors import to_rgb
        from leadsim import plot
        ax = fig.axes[0]
        img = np.asarray(ax.images[0].get_array(), dtype=float)
        xs, ys = sorted(set(d[x])), sorted(set(d[y]))
        self.assertEqual(img.shape, (len(ys), len(xs), 3))
        colors = {m: np.array(to_rgb(plot._color(r, m))) for m in r.modes}
        shades = []
        texts = {tuple(np.round(t.get_position(), 9)): t.get_text() for t in ax.texts}
        for _, row in d.iterrows():
            i, j = ys.index(row[y]), xs.index(row[x])
            cell = img[i, j]
            # The cell's colour is its mode's colour mixed with white: 1 - cell is parallel
            # to 1 - colour. Decode the mode and the shade from it.
            found = []
            for mode, c in colors.items():
                k = 1.0 - c
                shade = float(np.dot(1.0 - cell, k) / np.dot(k, k))
                if np.allclose(1.0 - cell, shade * k, atol=1e-9) and 0 < shade <= 1:
                    found.append((mode, shade))
            self.assertEqual([m for m, _ in found], [row["best"]], (row[x], row[y], cell))
            shades.append((row["p_best"], found[0][1]))
            label = texts[(float(j), float(i))]
            self.assertEqual(label, f"{row['best']}\nP={row['p_best']:.2f}")
        # Darker is surer: the shade increases with P(best).
        shades.sort()
        for (p0, s0), (p1, s1) in zip(shades, shades[1:]):
            if p1 > p0:
                self.assertGreater(s1, s0)
        self.assertEqual([t.get_text() for t in ax.get_xticklabels()], [f"{v:g}" for v in xs])
        self.assertEqual([t.get_text() for t in ax.get_yticklabels()], [f"{v:g}" for v in ys])
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        # The winning modes, then one entry per crossover contour drawn.
        self.assertEqual(sorted(t for t in legend if " vs " not in t), sorted(set(d["best"])))
        contours = {c.get_gid() for c in ax.collections
                    if str(c.get_gid()).startswith("crossover:")}
        self.assertEqual(sorted(t for t in legend if " vs " in t),
                         sorted(f"{g.split(':', 1)[1]} vs {r.baseline}: win rate 0.5"
                                for g in contours))
        return ax

    def test_image_is_the_best_mode_per_cell(self):
        from leadsim import plot
        with leadsim.load(GRID) as r:
            for x, y in (("info_reach", "decision_rate"), ("decision_rate", "info_reach")):
                d = r.regime("value", x=x, y=y)
                fig = plot.figure_regime(r, "value", x=x, y=y)
                ax = self.check_map(r, fig, d, x, y)
                # Axis labels carry the swept parameters' units (from the file).
                self.assertEqual(ax.get_xlabel(), f"{x} [{r.param_units[x]}]")
                self.assertEqual(ax.get_ylabel(), f"{y} [{r.param_units[y]}]")
                self.assertTrue(r.param_units[x] and r.param_units[y])
                title = ax.get_title()
                self.assertIn(f"value [{r.metric_units['value']}]", title)
                self.assertIn("higher is better", title)
                plot.plt.close(fig)
            # latency: lower is better, so the best mode is the smallest mean.
            d = r.regime("latency", x="info_reach", y="decision_rate")
            fig = plot.figure_regime(r, "latency", x="info_reach", y="decision_rate")
            self.check_map(r, fig, d, "info_reach", "decision_rate")
            self.assertIn("lower is better", fig.axes[0].get_title())
            plot.plt.close(fig)

    def test_title_states_the_held_axes(self):
        from leadsim import plot
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "g3.h5")
            with_held_axis(GRID, path)
            with leadsim.load(path) as r:
                self.assertEqual(r.params, ["info_reach", "decision_rate", "span"])
                d = r.regime("value", x="info_reach", y="decision_rate")
                fig = plot.figure_regime(r, "value", x="info_reach", y="decision_rate")
                self.check_map(r, fig, d, "info_reach", "decision_rate")
                self.assertEqual(fig.axes[0].get_title().splitlines()[-1], "span=6")
                plot.plt.close(fig)
                # An axis held by `fixed`: the title says at which value.
                d = r.regime("value", x="decision_rate", y="span", fixed={"info_reach": 0.5})
                self.assertEqual(list(d["scenario"]), [2, 3])
                fig = plot.figure_regime(r, "value", x="decision_rate", y="span",
                                         fixed={"info_reach": 0.5})
                self.check_map(r, fig, d, "decision_rate", "span")
                self.assertEqual(fig.axes[0].get_title().splitlines()[-1], "info_reach=0.5")
                self.assertEqual(fig.axes[0].get_ylabel(), "span [reports/manager]")
                plot.plt.close(fig)


class CrossoverFigureTest(unittest.TestCase):
    """The crossover figure marks the crossover where crossover() puts it (the synthetic
    win rates of CrossoverTest)."""

    @classmethod
    def setUpClass(cls):
        CrossoverTest.setUpClass.__func__(cls)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def panels(self, fig):
        return {ax.get_title().splitlines()[-1]: ax for ax in fig.axes}

    def marks(self, ax, color):
        """The dotted crossover lines of one colour."""
        from matplotlib.colors import to_rgb
        return [line_x(ln) for ln in ax.lines if ln.get_linestyle() == ":"
                and np.allclose(to_rgb(ln.get_color()), to_rgb(color))]

    def test_regime_map_contour(self):
        """The regime map's dashed contour of distributed is where its win rate is 0.5,
        interpolated between cell centres: with win rates [0.3, 0.4, 0.7] at decision_rate 0.5
        and [0.6, 0.7, 0.8] at 2 (x index 0..2, y index 0..1) it passes (0, 2/3), (1, 1/3) and
        (4/3, 0)."""
        from leadsim import plot
        with leadsim.load(self.path) as r:
            fig = plot.figure_regime(r, "value", x="info_reach", y="decision_rate")
            ax = fig.axes[0]
            mine = [c for c in ax.collections if c.get_gid() == "crossover:distributed"]
            self.assertTrue(mine, "no crossover contour for distributed")
            pts = np.concatenate([p.vertices for c in mine for p in c.get_paths()])
            got = sorted({(round(float(a), 9), round(float(b), 9)) for a, b in pts})
            want = [(0.0, round(2 / 3, 9)), (1.0, round(1 / 3, 9)), (round(4 / 3, 9), 0.0)]
            self.assertEqual(got, want)
            labels = [t.get_text() for t in ax.get_legend().get_texts()]
            self.assertIn("distributed vs centralized: win rate 0.5", labels)
            plot.plt.close(fig)

    def test_win_rate(self):
        from leadsim import plot
        with leadsim.load(self.path) as r:
            fig = plot.figure_crossover(r, "value", axis="info_reach")
            panels = self.panels(fig)
            self.assertEqual(sorted(panels), ["decision_rate=0.5", "decision_rate=2"])
            c = r.crossover("distributed", "value").set_index("decision_rate")
            color = plot._color(r, "distributed")
            ax = panels["decision_rate=0.5"]
            self.assertEqual(ax.get_xlabel(), f"info_reach [{r.param_units['info_reach']}]")
            self.assertIn("[share of organizations]", ax.get_ylabel())
            curve = next(ln for ln in ax.lines if ln.get_label() == "distributed")
            np.testing.assert_array_equal(curve.get_xdata(), [0.2, 0.5, 0.8])
            np.testing.assert_allclose(curve.get_ydata(), [0.3, 0.4, 0.7])
            self.assertEqual(self.marks(ax, color), [c.loc[0.5, "crossover"]])
            self.assertAlmostEqual(self.marks(ax, color)[0], 0.6, places=12)
            spans = [span_x(p) for p in ax.patches]
            self.assertEqual(len(spans), 1)
            np.testing.assert_allclose(spans[0], (c.loc[0.5, "ci_low"], c.loc[0.5, "ci_high"]))
            self.assertIn(f"{0.6:.3g}", [t.get_text() for t in ax.texts])
            threshold = [ln for ln in ax.lines if ln.get_linestyle() == "--"]
            self.assertEqual([list(ln.get_ydata()) for ln in threshold], [[0.5, 0.5]])
            # No crossing in the swept range at decision_rate 2: nothing marked.
            self.assertTrue(np.isnan(c.loc[2.0, "crossover"]))
            self.assertEqual(self.marks(panels["decision_rate=2"], color), [])
            # Every other mode's marks are its own crossovers.
            for mode in r.modes:
                if mode in (r.baseline, "distributed"):
                    continue
                cm = r.crossover(mode, "value").set_index("decision_rate")
                for v, name in ((0.5, "decision_rate=0.5"), (2.0, "decision_rate=2")):
                    want = [] if np.isnan(cm.loc[v, "crossover"]) else [cm.loc[v, "crossover"]]
                    self.assertEqual(self.marks(panels[name], plot._color(r, mode)), want)
            plot.plt.close(fig)

    def test_mean_of_a_lower_metric(self):
        from leadsim import plot
        with leadsim.load(self.path) as r:
            fig = plot.figure_crossover(r, "latency", axis="info_reach", modes=["distributed"],
                                        by="mean")
            ax = self.panels(fig)["decision_rate=0.5"]
            curve = next(ln for ln in ax.lines if ln.get_label() == "distributed")
            # Plotted with the sign of better: -Δlatency.
            np.testing.assert_allclose(curve.get_ydata(), [-0.1, -0.05, 0.15])
            self.assertIn(f"[{r.metric_units['latency']}]", ax.get_ylabel())
            self.assertIn("better > 0", ax.get_ylabel())
            c = r.crossover("distributed", "latency", by="mean").set_index("decision_rate")
            self.assertEqual(self.marks(ax, plot._color(r, "distributed")),
                             [c.loc[0.5, "crossover"]])
            self.assertAlmostEqual(c.loc[0.5, "crossover"], 0.575, places=12)
            np.testing.assert_allclose(span_x(ax.patches[0]), (0.2, 0.65))
            threshold = [ln for ln in ax.lines if ln.get_linestyle() == "--"]
            self.assertEqual([list(ln.get_ydata()) for ln in threshold], [[0.0, 0.0]])
            plot.plt.close(fig)

    def test_other_axis(self):
        from leadsim import plot
        with leadsim.load(self.path) as r:
            fig = plot.figure_crossover(r, "value", axis="decision_rate",
                                        modes=["distributed"])
            panels = self.panels(fig)
            self.assertEqual(sorted(panels),
                             ["info_reach=0.2", "info_reach=0.5", "info_reach=0.8"])
            c = r.crossover("distributed", "value", axis="decision_rate").set_index(
                "info_reach")
            for v in (0.2, 0.5, 0.8):
                want = [] if np.isnan(c.loc[v, "crossover"]) else [c.loc[v, "crossover"]]
                self.assertEqual(self.marks(panels[f"info_reach={v:g}"],
                                            plot._color(r, "distributed")), want)
            # 0.3 -> 0.6 at info_reach 0.2 crosses 0.5 between decision_rate 0.5 and 2.
            self.assertAlmostEqual(c.loc[0.2, "crossover"], 0.5 + 0.2 / 0.3 * 1.5, places=12)
            plot.plt.close(fig)


class DistributionsFigureTest(unittest.TestCase):
    def test_panels_and_units(self):
        from leadsim import plot
        with leadsim.load(GRID) as r:
            fig = plot.figure_distributions(r)
            axes = [ax for ax in fig.axes if ax.get_title()]
            self.assertEqual([ax.get_title().split(":")[0] for ax in axes], r.metrics)
            for ax, metric in zip(axes, r.metrics):
                self.assertEqual(ax.get_xlabel(), f"{metric} [{r.metric_units[metric]}]")
            # The value panel: one curve per mode, the pooled histogram as a density.
            h = r.histogram("value")
            ax = axes[r.metrics.index("value")]
            stairs = {p.get_label(): p for p in ax.patches}
            self.assertEqual(sorted(stairs), sorted(r.modes))
            pooled = h.pooled()
            widths = np.diff(np.log10(h.edges)) if h.log_bins else np.diff(h.edges)
            for m, mode in enumerate(r.modes):
                total = pooled[m].sum() + h.underflow[:, m].sum() + h.overflow[:, m].sum()
                values = stairs[mode].get_data().values
                np.testing.assert_allclose(values, pooled[m] / (total * widths))
            plot.plt.close(fig)


class OverviewFigureTest(unittest.TestCase):
    """The report's overview row never pools sweep points: its distributions are of one
    scenario, named in the title, and the paired differences without records lie along the
    first axis, not the scenario index."""

    def test_one_scenario_and_the_axis(self):
        from leadsim import plot
        with leadsim.load(GRID) as r:
            fig = plot.figure_overview(r, "value")
            left, middle, right = fig.axes[:3]
            # The last info_reach at the first decision_rate, as the win-rate panel holds it.
            sc = r.scenarios
            want = int(sc[(sc["info_reach"] == sc["info_reach"].max()) &
                          (sc["decision_rate"] == sc["decision_rate"].iloc[0])]["scenario"].iloc[0])
            row = sc[sc["scenario"] == want].iloc[0]
            where = f"at info_reach={row['info_reach']:g}, decision_rate={row['decision_rate']:g}"
            self.assertEqual(left.get_title().splitlines()[-1], where)
            self.assertEqual(middle.get_title().splitlines()[-1], where)
            self.assertIn(f"decision_rate={row['decision_rate']:g}", right.get_title())
            h = r.histogram("value")
            i = int(np.flatnonzero(sc["scenario"].to_numpy() == want)[0])
            widths = np.diff(np.log10(h.edges)) if h.log_bins else np.diff(h.edges)
            stairs = {p.get_label(): p for p in left.patches}
            for m, mode in enumerate(r.modes):
                total = h.counts[i, m].sum() + h.underflow[i, m] + h.overflow[i, m]
                np.testing.assert_allclose(stairs[mode].get_data().values,
                                           h.counts[i, m] / (total * widths))
            self.assertIn(f"({r.meta['orgs_per_scenario']} organizations)", middle.get_title())
            plot.plt.close(fig)

    def test_without_records_along_the_axis(self):
        from leadsim import plot
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "norec.h5")
            shutil.copy(GRID, path)
            with h5py.File(path, "r+") as f:
                del f["orgs"]
                f.attrs["samples"] = np.int64(0)
            with leadsim.load(path) as r:
                self.assertFalse(r.has_records)
                fig = plot.figure_overview(r, "value")
                middle = fig.axes[1]
                self.assertEqual(middle.get_xlabel(),
                                 f"info_reach [{r.param_units['info_reach']}]")
                xs = sorted(set(r.scenarios["info_reach"]))
                step = min(np.diff(xs))
                data = [ln for ln in middle.lines if ln.get_transform() == middle.transData]
                self.assertTrue(data)
                for line in data:  # the markers and caps (not the zero line)
                    for x in line.get_xdata():
                        self.assertLess(min(abs(x - v) for v in xs), 0.31 * step)
                plot.plt.close(fig)


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

    def test_summary_per_sweep_point(self):
        """The summary prints one row per sweep point (never a mean across swept values): each
        mode's mean and each other mode's win rate, as stored."""
        out = subprocess.run([sys.executable, "-m", "leadsim", "summary", GRID],
                             capture_output=True, text=True, timeout=120, env=ENV).stdout
        block = out.split("\nvalue [")[1].split("\n\n")[0].splitlines()
        header = block[2].split()
        self.assertEqual(header[:2], ["mean", "centralized"])
        rows = block[4:]
        with leadsim.load(GRID) as r:
            self.assertEqual(len(rows), len(r.scenarios))
            s = r.summary[(r.summary.metric == "value") & (r.summary["mode"] == "distributed")]
            p = r.paired[(r.paired.metric == "value") & (r.paired["mode"] == "distributed")]
            last = rows[0].split()  # the first row names both axes' values
            x, y = float(last[0]), float(last[1])
            at = (s["info_reach"] == x) & (s["decision_rate"] == y)
            self.assertEqual(last[4], f"{s[at]['mean'].iloc[0]:.4g}")
            at = (p["info_reach"] == x) & (p["decision_rate"] == y)
            self.assertEqual(last[-1], f"{p[at]['win_rate'].iloc[0]:.4g}")
        self.assertNotIn("avg over scenarios", out)

    def summary_commands(self):
        script = os.path.join(HERE, "..", "..", "tools", "leadsim_results.py")
        return ([sys.executable, "-m", "leadsim", "summary", GRID], [sys.executable, script, GRID])

    def assert_quiet_end(self, proc, err):
        # Killed by SIGPIPE (the shell's 141) or a clean exit; never a traceback.
        self.assertIn(proc.returncode, (0, -signal.SIGPIPE), err)
        self.assertNotIn("Traceback", err)
        self.assertNotIn("BrokenPipe", err)
        self.assertNotIn("Exception ignored", err)

    def test_reader_closes_after_one_line(self):
        """`summary F | head -1` for real: a pipe of one page (F_SETPIPE_SZ), one line read,
        the read end closed while the writer still has more than the pipe holds to write,
        so that its next write surely meets the closed pipe."""
        for cmd in self.summary_commands():
            full = subprocess.run(cmd, capture_output=True, timeout=120, env=ENV).stdout
            r, w = os.pipe()
            try:
                size = 4096
                if hasattr(fcntl, "F_SETPIPE_SZ"):
                    fcntl.fcntl(w, fcntl.F_SETPIPE_SZ, size)
                    size = fcntl.fcntl(w, fcntl.F_GETPIPE_SZ)
                else:  # Linux's default pipe: 16 pages
                    size = 65536
                proc = subprocess.Popen(cmd, stdout=w, stderr=subprocess.PIPE, env=ENV)
                os.close(w)
                w = None
                first = b""
                while not first.endswith(b"\n"):
                    ch = os.read(r, 1)
                    if not ch:
                        break
                    first += ch
                os.close(r)
                r = None
                _, err = proc.communicate(timeout=120)
            finally:
                for fd in (r, w):
                    if fd is not None:
                        os.close(fd)
            self.assertGreater(len(full), size + len(first),
                               "the summary must not fit in the pipe: the test would not "
                               "break it")
            self.assertEqual(first, full.splitlines(keepends=True)[0])
            self.assert_quiet_end(proc, err.decode(errors="replace"))

    def test_reader_gone_before_the_first_write(self):
        for cmd in self.summary_commands():
            r, w = os.pipe()
            os.close(r)  # nobody will ever read: the first write fails
            try:
                proc = subprocess.Popen(cmd, stdout=w, stderr=subprocess.PIPE, env=ENV)
            finally:
                os.close(w)
            _, err = proc.communicate(timeout=120)
            self.assert_quiet_end(proc, err.decode(errors="replace"))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print("usage: test_package.py GRID.h5 [SENSITIVITY.h5]", file=sys.stderr)
        sys.exit(2)
    GRID = sys.argv.pop(1)
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        SENS = sys.argv.pop(1)
    unittest.main(verbosity=2)
