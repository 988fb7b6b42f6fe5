"""Load a leadsim results file (HDF5, see docs/RESULTS.md) into pandas and xarray.

    import leadsim
    r = leadsim.load("results/default.h5")
    r.summary    # tidy DataFrame: scenario, <swept params>, mode, metric, count, mean, ..., q50
    r.paired     # tidy DataFrame of mode - baseline differences, win and tie rates
    r.better     # {metric: "higher" | "lower" | "none"}: which direction wins
    r.grouped("manager_load", "value", bins=5)  # per load quintile and mode: mean, win rate
    r.orgs       # per-organization records, long: one row per organization and mode (or None)
    r.orgs_wide()  # the same, one row per organization, columns "<metric>[<mode>]"
    r.meta       # dict of the root attributes (seed, config, versions, ...)
    r.partial, r.missing_items  # a partial merge (merge --allow-partial) and its missing items
    r.scenarios  # one row per scenario: swept values and orgs_present (organizations held)
    r.histogram("value")  # Histogram: edges, counts [S, M, B], .frame()
    r.sensitivity()  # tidy Sobol' indices of a sensitivity study: scenario, <swept params>,
                     # output, factor, first_order, total and their CIs (None: no study)
    r.sensitivity_info  # dict of the /sensitivity attributes (None: no study)
    r.to_xarray()    # xarray.Dataset of the statistics, one dimension per sweep axis
    r.records_xarray()  # xarray.Dataset of the per-organization records
    r.crossover("distributed", "value")  # where the mode starts beating the baseline
    r.regime("value", x="info_reach", y="decision_rate")  # best mode per grid cell

`python -m leadsim summary FILE` (or tools/leadsim_results.py FILE) prints a short summary.

Needs numpy, pandas and h5py; xarray for to_xarray() and records_xarray(). Not thread-safe
(h5py is not).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import h5py
import numpy as np
import pandas as pd

FORMAT = "leadsim-results"
# 2: directional win rate (/metrics_info/better), /paired/tie_rate and /paired/greater.
# Version 1 files (win rate = share with difference > 0 for every metric) are refused.
FORMAT_VERSION = 2
BETTER = ("higher", "lower", "none")

SUMMARY_FIELDS = ["count", "nan_count", "mean", "std", "sem", "min", "max"]
PAIRED_FIELDS = ["count", "mean", "std", "ci_low", "ci_high", "win_rate",
                 "win_rate_ci_low", "win_rate_ci_high", "tie_rate", "wins", "ties", "greater"]
# The [scenario, output, factor] arrays of /sensitivity, in the order of the tidy frame.
SENSITIVITY_FIELDS = ["first_order", "first_order_ci_low", "first_order_ci_high", "total",
                      "total_ci_low", "total_ci_high"]
# Its [scenario, output] arrays (sensitivity(per_output=True)).
SENSITIVITY_OUTPUT_FIELDS = ["mean", "variance", "sum_first_order", "sum_total",
                             "base_samples_used"]


class ResultsFormatError(Exception):
    """The file is not a leadsim results file this module can read."""


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return str(value)


def _strings(ds) -> list[str]:
    return [_text(v) for v in ds[()]]


def _attr_strings(obj, name) -> list[str]:
    value = obj.attrs.get(name)
    if value is None or isinstance(value, h5py.Empty):
        return []
    return [_text(v) for v in np.atleast_1d(value)]


def _plain(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def quantile_column(level: float) -> str:
    """Column name of a quantile level: 0.01 -> 'q01', 0.5 -> 'q50', 0.975 -> 'q97.5'."""
    pct = round(level * 100.0, 6)
    if pct == int(pct):
        return f"q{int(pct):02d}"
    return f"q{pct:g}"


@dataclass
class Histogram:
    metric: str
    unit: str
    log_bins: bool
    edges: np.ndarray      # [B + 1]
    counts: np.ndarray     # [S, M, B] organizations
    underflow: np.ndarray  # [S, M]
    overflow: np.ndarray   # [S, M]
    modes: list
    scenarios: pd.DataFrame

    def frame(self) -> pd.DataFrame:
        """Tidy bins: scenario, <params>, mode, bin, lo, hi, count."""
        S, M, B = self.counts.shape
        idx = pd.MultiIndex.from_product([range(S), range(M), range(B)],
                                         names=["scenario", "m", "bin"])
        df = idx.to_frame(index=False)
        df["mode"] = np.asarray(self.modes, dtype=object)[df["m"]]
        df["lo"] = self.edges[:-1][df["bin"]]
        df["hi"] = self.edges[1:][df["bin"]]
        df["count"] = self.counts.reshape(-1)
        df = df.drop(columns="m").merge(self.scenarios, on="scenario", how="left")
        cols = list(self.scenarios.columns) + ["mode", "bin", "lo", "hi", "count"]
        return df[cols]

    def pooled(self) -> np.ndarray:
        """Counts summed over scenarios: [M, B]."""
        return self.counts.sum(axis=0)


class Results:
    """A results file loaded lazily: arrays are read when first used."""

    def __init__(self, path: str):
        self.path = str(path)
        try:
            self._f = h5py.File(self.path, "r")
        except OSError as e:
            raise ResultsFormatError(f"{self.path} is not an HDF5 file ({e})") from None
        f = self._f
        fmt = _text(f.attrs.get("format", ""))
        if fmt != FORMAT:
            self.close()
            raise ResultsFormatError(
                f"{self.path} is not a leadsim results file (format='{fmt}')")
        version = int(f.attrs.get("format_version", -1))
        if version != FORMAT_VERSION:
            self.close()
            raise ResultsFormatError(
                f"{self.path} has format version {version}; "
                f"this reader reads version {FORMAT_VERSION}")
        self.meta = {k: _plain(v) for k, v in f.attrs.items()}
        self.modes = _strings(f["modes"])
        self.metrics = _strings(f["metrics"])
        self.metric_units = dict(zip(self.metrics, _strings(f["metrics_info/unit"])))
        self.metric_descriptions = dict(
            zip(self.metrics, _strings(f["metrics_info/description"])))
        # The direction of better of each metric: a win is the mode better than the baseline
        # that way (difference > 0 for "higher", < 0 for "lower"); "none" has no win rate.
        self.better = dict(zip(self.metrics, _strings(f["metrics_info/better"])))
        for metric, b in self.better.items():
            if b not in BETTER:
                self.close()
                raise ResultsFormatError(f"{self.path}: metric {metric} has direction of "
                                         f"better {b!r}; expected one of {', '.join(BETTER)}")
        self.baseline = _text(f.attrs["baseline_mode"])
        self.quantile_levels = f["summary/quantile_levels"][()]
        # Swept parameters as they are named in the data frames: a name that clashes with a
        # column of its own (a parameter called "mean") gets the suffix " (param)".
        reserved = {"scenario", "org", "mode", "metric", "bin", "lo", "hi", *SUMMARY_FIELDS,
                    *PAIRED_FIELDS, *(quantile_column(q) for q in self.quantile_levels),
                    "output", "unit", "factor", *SENSITIVITY_FIELDS, *SENSITIVITY_OUTPUT_FIELDS}
        names = _attr_strings(f["scenarios"], "params")
        self.params = [f"{n} (param)" if n in reserved else n for n in names]
        scen = {"scenario": f["scenarios/id"][()].astype(np.int64)}
        # Unit of each swept parameter (its dataset's units attribute), by column name.
        self.param_units = {}
        for name, column in zip(names, self.params):
            ds = self._scenario_param(name)
            scen[column] = ds[()]
            self.param_units[column] = _text(ds.attrs.get("units", ""))
        # What the file holds of each scenario: a shard or a partial merge holds fewer than
        # orgs_per_scenario organizations, and its statistics describe only those.
        mi = f.attrs.get("missing_items")
        self.missing_items = [] if mi is None else [tuple(int(x) for x in r)
                                                     for r in np.asarray(mi).reshape(-1, 2)]
        self.partial = bool(self.missing_items)
        scen["orgs_present"] = self._orgs_present(len(scen["scenario"]))
        self.scenarios = pd.DataFrame(scen)
        self._check_record_count(len(scen["scenario"]))
        self._summary = self._paired = self._orgs = None
        self._sensitivity = {}

    def _orgs_present(self, S: int) -> np.ndarray:
        """Organizations per scenario in the file's work items [item_first, item_end) less
        missing_items; work item i is block i % B of scenario i // B (B blocks per scenario,
        docs/CLUSTER.md)."""
        present, first, end = self._work_items(S)
        return (present * (end - first)).reshape(S, -1).sum(axis=1).astype(np.int64)

    def _work_items(self, S: int):
        """Per work item: whether the file holds it, and the organizations [first, end) of its
        scenario it covers."""
        a = self._f.attrs
        orgs, block = int(a["orgs_per_scenario"]), int(a["block_size"])
        per = -(-orgs // block)
        present = np.zeros(S * per, dtype=bool)
        present[int(a.get("item_first", 0)):int(a.get("item_end", S * per))] = True
        for lo, hi in self.missing_items:
            present[lo:hi] = False
        first = (np.arange(S * per) % per) * block
        return present, first, np.minimum(first + block, orgs)

    def _check_record_count(self, S: int) -> None:
        """Refuses a file whose per-organization records disagree with its samples setting
        and the organizations it holds (rows cut out, /orgs deleted), as `leadsim inspect`
        does: with samples = N, each scenario keeps its first N organizations present."""
        present, first, end = self._work_items(S)
        samples = int(self._f.attrs.get("samples", 0))
        keep = end if samples < 0 else np.minimum(end, samples)
        want = int((np.maximum(keep - first, 0) * present).sum())
        have = int(self._f["orgs/org"].shape[0]) if "orgs" in self._f else 0
        if have != want:
            kept = "all" if samples < 0 else str(samples)
            raise ResultsFormatError(
                f"{self.path}: holds {have} per-organization records; its samples setting "
                f"({kept}) and its {int(self.scenarios['orgs_present'].sum())} organizations "
                f"call for {want} (records removed or damaged?)")

    def scenario_label(self, scenario: int) -> str:
        """The swept values of a scenario, "info_reach=1, decision_rate=2" ("scenario 3"
        without a sweep)."""
        row = self.scenarios[self.scenarios["scenario"] == scenario].iloc[0]
        return ", ".join(f"{p}={row[p]:g}" for p in self.params) or f"scenario {scenario}"

    def _scenario_param(self, name):
        for ds in self._f["scenarios"].values():
            if _text(ds.attrs.get("param", "")) == name:
                return ds
        raise ResultsFormatError(f"{self.path}: no dataset for swept parameter {name}")

    def close(self):
        self._f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _tidy(self, group: str, fields: list[str]) -> pd.DataFrame:
        g = self._f[group]
        S, M, K = g["mean"].shape
        idx = pd.MultiIndex.from_product([range(S), range(M), range(K)],
                                         names=["scenario", "m", "k"])
        df = idx.to_frame(index=False)
        df["mode"] = np.asarray(self.modes, dtype=object)[df["m"]]
        df["metric"] = np.asarray(self.metrics, dtype=object)[df["k"]]
        for name in fields:
            df[name] = g[name][()].reshape(-1)
        df = df.drop(columns=["m", "k"]).merge(self.scenarios, on="scenario", how="left")
        return df

    @property
    def summary(self) -> pd.DataFrame:
        """One row per scenario, mode and metric: count, nan_count, mean, std, sem, min,
        max and one column per quantile level (q01 ... q99)."""
        if self._summary is None:
            df = self._tidy("summary", SUMMARY_FIELDS)
            q = self._f["summary/quantiles"][()]
            for i, level in enumerate(self.quantile_levels):
                df[quantile_column(level)] = q[..., i].reshape(-1)
            lead = ["scenario", *self.params, "mode", "metric"]
            self._summary = df[lead + [c for c in df.columns if c not in lead]]
        return self._summary

    @property
    def paired(self) -> pd.DataFrame:
        """One row per scenario, mode and metric: the per-organization difference
        mode - baseline (mean, std, 95% CI), the win rate in the metric's direction of better
        (column better; NaN for "none") with its Wilson CI, the tie rate, wins, ties and
        greater (difference > 0 whatever the direction)."""
        if self._paired is None:
            df = self._tidy("paired", PAIRED_FIELDS)
            df["better"] = df["metric"].map(self.better)
            lead = ["scenario", *self.params, "mode", "metric", "better"]
            self._paired = df[lead + [c for c in df.columns if c not in lead]]
        return self._paired

    @property
    def has_records(self) -> bool:
        return "orgs" in self._f

    def _record_frame(self):
        g = self._f["orgs"]
        base = pd.DataFrame({"scenario": g["scenario"][()].astype(np.int64),
                             "org": g["org"][()].astype(np.int64)})
        for ds in g["params"].values():
            base[_text(ds.attrs.get("field", ds.name.split("/")[-1]))] = ds[()]
        extra = [p for p in self.params if p not in base.columns]
        if extra:
            base = base.merge(self.scenarios[["scenario", *extra]], on="scenario", how="left")
        values = {}
        for ds in g["metrics"].values():
            values[_text(ds.attrs.get("metric", ds.name.split("/")[-1]))] = ds[()]
        return base, values

    @property
    def orgs(self) -> pd.DataFrame | None:
        """Per-organization records in long form, one row per organization and mode:
        scenario, org, <record fields>, <swept params not among them>, mode, <metrics>.
        None when the run stored no records (--samples none)."""
        if self._orgs is None and self.has_records:
            base, values = self._record_frame()
            M = len(self.modes)
            df = base.loc[base.index.repeat(M)].reset_index(drop=True)
            df["mode"] = np.tile(np.asarray(self.modes, dtype=object), len(base))
            for name in self.metrics:
                df[name] = values[name].reshape(-1)
            self._orgs = df
        return self._orgs

    def orgs_wide(self) -> pd.DataFrame | None:
        """Per-organization records, one row per organization, metric columns named
        '<metric>[<mode>]' (e.g. 'value[distributed]')."""
        if not self.has_records:
            return None
        base, values = self._record_frame()
        for name in self.metrics:
            for m, mode in enumerate(self.modes):
                base[f"{name}[{mode}]"] = values[name][:, m]
        return base

    def grouped(self, field: str, metric: str = "value", bins=5) -> pd.DataFrame:
        """The records grouped by a record field or swept parameter cut into bins (for example
        manager_load, the load of a level-1 manager deciding everything): one row per bin and
        mode with the organizations, the mean of `metric`, and against the baseline the mean
        difference and the win rate in the metric's direction (NaN for "none"). `bins` is a
        count of equal-count bins (quantiles) or a list of edges. Needs --samples records."""
        wide = self.orgs_wide()
        if wide is None:
            raise ResultsFormatError(f"{self.path} stores no records (run with --samples)")
        if field not in wide.columns:
            raise KeyError(f"unknown field {field!r}; known: {', '.join(wide.columns)}")
        if metric not in self.metrics:
            raise KeyError(f"unknown metric {metric!r}; known: {', '.join(self.metrics)}")
        cut = (pd.qcut(wide[field], bins, duplicates="drop") if isinstance(bins, int)
               else pd.cut(wide[field], bins, include_lowest=True))
        base = wide[f"{metric}[{self.baseline}]"]
        sign = {"higher": 1.0, "lower": -1.0}.get(self.better.get(metric, "none"), np.nan)
        rows = []
        for interval, idx in wide.groupby(cut, observed=True).groups.items():
            for mode in self.modes:
                x = wide.loc[idx, f"{metric}[{mode}]"]
                d = (x - base.loc[idx]).dropna()
                win = np.nan if np.isnan(sign) or mode == self.baseline or d.empty \
                    else float(((sign * d) > 0).mean())
                rows.append({field: interval, "mode": mode, "orgs": int(x.notna().sum()),
                             "mean": float(x.mean()), "diff_mean": float(d.mean()) if len(d)
                             else np.nan, "win_rate": win})
        return pd.DataFrame(rows)

    @property
    def has_sensitivity(self) -> bool:
        """True when the file is a sensitivity study's ([sensitivity], group /sensitivity)."""
        return "sensitivity" in self._f

    @property
    def sensitivity_info(self) -> dict | None:
        """The /sensitivity attributes (method, estimators, base_samples,
        bootstrap_resamples, confidence_level, noise_factor, description); None without it."""
        if not self.has_sensitivity:
            return None
        return {k: _plain(v) for k, v in self._f["sensitivity"].attrs.items()}

    def sensitivity(self, per_output: bool = False) -> pd.DataFrame | None:
        """The Sobol' indices of a sensitivity study, tidy: one row per scenario, output and
        factor (scenario, <swept params>, output, unit, factor, first_order,
        first_order_ci_low, first_order_ci_high, total, total_ci_low, total_ci_high), in the
        file's order (the noise factor, when there is one, last). The intervals are NaN when
        the study ran without bootstrap. With per_output=True: one row per scenario and output
        (mean, variance, sum_first_order, sum_total, base_samples_used). None when the file has
        no /sensitivity."""
        if not self.has_sensitivity:
            return None
        if per_output not in self._sensitivity:
            g = self._f["sensitivity"]
            outputs, factors = _strings(g["output"]), _strings(g["factor"])
            units = dict(zip(outputs, _strings(g["output_units"])))
            S, O, F = len(g["scenario"]), len(outputs), len(factors)
            shape = [range(S), range(O)] + ([] if per_output else [range(F)])
            idx = pd.MultiIndex.from_product(shape, names=["scenario", "o", "f"][:len(shape)])
            df = idx.to_frame(index=False)
            df["scenario"] = g["scenario"][()].astype(np.int64)[df["scenario"]]
            df["output"] = np.asarray(outputs, dtype=object)[df["o"]]
            df["unit"] = df["output"].map(units)
            fields = SENSITIVITY_OUTPUT_FIELDS if per_output else SENSITIVITY_FIELDS
            if not per_output:
                df["factor"] = np.asarray(factors, dtype=object)[df["f"]]
            for name in fields:
                df[name] = g[name][()].reshape(-1)
            df = df.drop(columns=[c for c in ("o", "f") if c in df.columns])
            df = df.merge(self.scenarios.drop(columns="orgs_present"), on="scenario",
                          how="left")
            lead = ["scenario", *self.params, "output", "unit"] + ([] if per_output
                                                                  else ["factor"])
            self._sensitivity[per_output] = df[lead + fields]
        return self._sensitivity[per_output]

    def to_xarray(self, records: bool = False):
        """The statistics as an xarray.Dataset: one dimension per sweep axis when the
        scenarios form a full grid (else `scenario`), then mode, metric (and quantile);
        variables mean, std, sem, count, quantiles, paired_mean, paired_ci_low/high,
        win_rate and its CI, tie_rate... (leadsim.analysis.to_xarray says all). With
        records=True: records_xarray()."""
        from . import analysis
        return analysis.records_xarray(self) if records else analysis.to_xarray(self)

    def records_xarray(self):
        """The per-organization records as an xarray.Dataset indexed by (sweep axes or
        scenario, org), metrics with a mode dimension; None without records
        (leadsim.analysis.records_xarray)."""
        from . import analysis
        return analysis.records_xarray(self)

    def crossover(self, mode: str, metric: str = "value", axis: str | None = None,
                  by: str = "win_rate") -> pd.DataFrame:
        """Per value of the other axes, the value of `axis` (default the first swept one)
        where `mode` starts beating the baseline: the win rate crossing 0.5 (by="win_rate")
        or the paired mean difference crossing 0 in the metric's direction of better
        (by="mean"), interpolated linearly, with ci_low/ci_high the range where the stored
        per-point 95% interval (Wilson for the win rate, the mean's CI) contains the
        threshold. Columns: <other axes>, crossover, ci_low, ci_high, direction, note
        ("below"/"above" without a crossing), points. Details: leadsim.analysis.crossover."""
        from . import analysis
        return analysis.crossover(self, mode, metric, axis, by)

    def regime(self, metric: str = "value", x: str | None = None, y: str | None = None,
               fixed: dict | None = None, modes=None) -> pd.DataFrame:
        """Per cell of the x (and y) sweep axes, other axes fixed (`fixed={axis: value}`
        unless swept over one value), the best mode by mean in the metric's direction, the
        runner-up, the margin and p_best: the share of organizations (from the records; NaN
        without) where the best mode is best. Details: leadsim.analysis.regime."""
        from . import analysis
        return analysis.regime(self, metric, x, y, fixed, modes)

    def histogram(self, metric: str) -> Histogram:
        if metric not in self.metrics:
            raise KeyError(f"unknown metric {metric!r}; known: {', '.join(self.metrics)}")
        for g in self._f["histograms"].values():
            if _text(g.attrs.get("metric", "")) == metric:
                return Histogram(metric=metric, unit=_text(g.attrs["units"]),
                                 log_bins=bool(g.attrs["log_bins"]),
                                 edges=g["edges"][()], counts=g["counts"][()],
                                 underflow=g["underflow"][()], overflow=g["overflow"][()],
                                 modes=self.modes, scenarios=self.scenarios)
        raise ResultsFormatError(f"{self.path}: no histogram for metric {metric}")


def win_label(metric: str, better: str) -> str:
    """What a win is: 'win = higher value', 'win = lower latency'; '' for "none"."""
    return "" if better == "none" else f"win = {better} {metric}"


def load(path: str) -> Results:
    """Opens a results file; raises ResultsFormatError when it is not one (or another
    format version)."""
    return Results(path)


def _print_summary(r: Results) -> None:
    m = r.meta
    print(f"{r.path}: leadsim {m.get('leadsim_version')} ({m.get('git_describe')}), "
          f"model {m.get('model')}, seed {m.get('seed')}, created {m.get('created_utc')}")
    print(f"  {len(r.scenarios)} scenario(s) x {m.get('orgs_per_scenario')} organizations; "
          f"swept: {', '.join(r.params) or 'nothing'}")
    print(f"  modes: {', '.join(r.modes)} (baseline {r.baseline})")
    print(f"  records: {'yes' if r.has_records else 'none'} (samples={m.get('samples')})")
    if r.partial:
        missing = " ".join(f"[{a}, {b})" for a, b in r.missing_items)
        print(f"  PARTIAL: work items {missing} are missing; organizations present per "
              f"scenario: {r.scenarios['orgs_present'].tolist()}")
    for metric in r.metrics:
        better = r.better[metric]
        print(f"\n{metric} [{r.metric_units[metric]}]: {r.metric_descriptions[metric]} "
              f"(better: {better})")
        # One row per scenario (never averaged across swept values): each mode's mean, then
        # each other mode's win rate against the baseline.
        index = r.params or ["scenario"]
        s = r.summary[r.summary.metric == metric]
        mean = s.pivot_table(index=index, columns="mode", values="mean", sort=False,
                             dropna=False)
        table = mean.reindex(columns=r.modes)
        table.columns = [f"mean {m}" for m in r.modes]
        what = "mean per mode"
        if better != "none":
            p = r.paired[(r.paired.metric == metric) & (r.paired["mode"] != r.baseline)]
            win = p.pivot_table(index=index, columns="mode", values="win_rate", sort=False,
                                dropna=False)
            others = [m for m in r.modes if m != r.baseline]
            win = win.reindex(columns=others)
            win.columns = [f"win {m}" for m in others]
            table = table.join(win)
            what += f"; win: share of organizations where the mode beats {r.baseline} " \
                    f"({win_label(metric, better)})"
        print(f"  {what}")
        print(table.to_string(float_format=lambda v: f"{v:.4g}", na_rep="-"))
    sens = r.sensitivity()
    if sens is not None:
        info = r.sensitivity_info
        print(f"\nsensitivity ({info.get('method')}, {info.get('base_samples')} base samples, "
              f"{info.get('bootstrap_resamples')} bootstrap resamples): total index ST, "
              f"largest first" + (", per scenario" if len(r.scenarios) > 1 else ""))
        groups = sens.groupby(["output", "scenario"], sort=False)
        pairs = [(o, sc) for o in sens["output"].unique() for sc in sens["scenario"].unique()]
        for output, scenario in pairs:
            st = groups.get_group((output, scenario)).set_index("factor")["total"]
            st = st.sort_values(ascending=False)
            top = ", ".join(f"{f} {v:.3f}" for f, v in st.head(5).items())
            where = f" at {r.scenario_label(scenario)}" if len(r.scenarios) > 1 else ""
            print(f"  {output}{where}: {top}" +
                  (f" ({len(st) - 5} more)" if len(st) > 5 else ""))


def main(argv: list[str], prog: str = "leadsim_results.py") -> int:
    """Prints the summary of the file argv[1]; exit status 0, 1 (not a results file) or 2."""
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(f"usage: {prog} FILE", file=sys.stderr)
        return 2
    try:
        with load(argv[1]) as r:
            _print_summary(r)
    except (ResultsFormatError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0

