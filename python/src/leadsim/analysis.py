"""Analyses of a loaded results file: labelled arrays (xarray), crossovers and regimes.

The functions take a leadsim.results.Results; they are also its methods (r.to_xarray(),
r.records_xarray(), r.crossover(...), r.regime(...)), which is how they are meant to be used.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .results import PAIRED_FIELDS, SUMMARY_FIELDS

# The paired fields as they are named in to_xarray() (summary and paired share names).
PAIRED_NAMES = {"count": "paired_count", "mean": "paired_mean", "std": "paired_std",
                "ci_low": "paired_ci_low", "ci_high": "paired_ci_high"}


# ---- grid layout ------------------------------------------------------------------------


def grid_axes(r) -> dict | None:
    """{axis: sorted unique values} when the scenarios form a full grid of the swept
    parameters (every combination exactly once), else None (also without a sweep)."""
    if not r.params:
        return None
    scen = r.scenarios
    axes = {p: np.unique(scen[p].to_numpy()) for p in r.params}
    if int(np.prod([len(v) for v in axes.values()])) != len(scen):
        return None
    if scen[r.params].duplicated().any():
        return None
    return axes


def _layout(r):
    """(dims, coords, place): the leading dimensions of every array (the sweep axes of a full
    grid, else 'scenario'), their coordinates, and a function that turns an array whose first
    dimension is the scenario into one with those leading dimensions."""
    axes = grid_axes(r)
    scen = r.scenarios
    if axes is None:
        coords = {"scenario": scen["scenario"].to_numpy()}
        for p in r.params:
            coords[p] = ("scenario", scen[p].to_numpy())
        return ["scenario"], coords, lambda a: a
    dims = list(axes)
    shape = [len(v) for v in axes.values()]
    index = tuple(np.searchsorted(axes[p], scen[p].to_numpy()) for p in dims)
    # scen rows are in scenario order (0..S-1); row i goes to cell index[:, i].
    order = scen["scenario"].to_numpy()

    def place(a):
        a = np.asarray(a)
        out = np.empty(shape + list(a.shape[1:]), dtype=a.dtype)
        out[index] = a[order]
        return out

    coords = {p: v for p, v in axes.items()}
    coords["scenario"] = (dims, place(order))
    return dims, coords, place


def _metric_coords(r) -> dict:
    return {"metric": r.metrics,
            "unit": ("metric", [r.metric_units[m] for m in r.metrics]),
            "better": ("metric", [r.better[m] for m in r.metrics])}


def to_xarray(r):
    """The statistics as an xarray.Dataset.

    Dimensions: one per sweep axis (named like r.params, coordinates the sorted swept
    values) when the scenarios form a full grid, else `scenario` with the swept values as
    coordinates along it (also for a run without a sweep); then `mode`, `metric` and, for the
    quantiles, `quantile`. In the grid layout the coordinate `scenario` holds each cell's
    scenario index. The metric dimension carries the coordinates `unit` and `better`.

    Variables (per axes/scenario x mode x metric): from /summary count, nan_count, mean, std,
    sem, min, max, quantiles (x quantile); from /paired (mode - baseline) paired_count,
    paired_mean, paired_std, paired_ci_low, paired_ci_high (95% CI of the mean difference),
    win_rate, win_rate_ci_low, win_rate_ci_high (Wilson 95%), tie_rate, wins, ties, greater.
    Each variable has the attributes units and description of its HDF5 dataset.
    """
    import xarray as xr

    dims, coords, place = _layout(r)
    coords = dict(coords)
    coords["mode"] = r.modes
    coords.update(_metric_coords(r))
    coords["quantile"] = np.asarray(r.quantile_levels, dtype=float)
    f = r._f
    data = {}

    def add(name, ds, extra):
        attrs = {k: str(ds.attrs[k]) if not isinstance(ds.attrs[k], str) else ds.attrs[k]
                 for k in ("units", "description") if k in ds.attrs}
        data[name] = (dims + extra, place(ds[()]), attrs)

    for name in SUMMARY_FIELDS:
        add(name, f["summary"][name], ["mode", "metric"])
    add("quantiles", f["summary/quantiles"], ["mode", "metric", "quantile"])
    for name in PAIRED_FIELDS:
        add(PAIRED_NAMES.get(name, name), f["paired"][name], ["mode", "metric"])
    attrs = {"path": r.path, "baseline_mode": r.baseline, "axes": list(r.params),
             "layout": "grid" if dims != ["scenario"] else "scenario"}
    for k in ("model", "seed", "orgs_per_scenario", "leadsim_version", "git_describe"):
        if k in r.meta:
            attrs[k] = r.meta[k] if not isinstance(r.meta[k], int) else int(r.meta[k])
    return xr.Dataset(data, coords=coords, attrs=attrs)


def records_xarray(r):
    """The per-organization records as an xarray.Dataset; None without records.

    Dimensions: the sweep axes of a full grid (else `scenario`, as in to_xarray()), then
    `org` (the organization index within its scenario, 0 .. the largest stored) and, for the
    metrics, `mode`. Variables: every record field (float64; a field named like a sweep axis
    is renamed '<field> (record)') and every metric (x mode). Cells of organizations the file
    does not hold (samples = n keeps the first n; a partial merge) are NaN; the boolean
    variable `present` says which are held.
    """
    import xarray as xr

    if not r.has_records:
        return None
    dims, coords, place = _layout(r)
    g = r._f["orgs"]
    scenario = g["scenario"][()].astype(np.int64)
    org = g["org"][()].astype(np.int64)
    S, n_org = len(r.scenarios), int(org.max()) + 1 if len(org) else 0
    coords = dict(coords)
    coords["org"] = np.arange(n_org)
    coords["mode"] = r.modes
    present = np.zeros((S, n_org), dtype=bool)
    present[scenario, org] = True
    data = {"present": (dims + ["org"], place(present),
                        {"description": "the file holds this organization's record"})}
    taken = set(dims) | set(coords) | {"present"}

    def name_of(name, suffix):
        return f"{name} ({suffix})" if name in taken else name

    for ds in g["params"].values():
        field = str(ds.attrs.get("field", ds.name.split("/")[-1]))
        a = np.full((S, n_org), np.nan)
        a[scenario, org] = ds[()]
        name = name_of(field, "record")
        taken.add(name)
        data[name] = (dims + ["org"], place(a), {"units": str(ds.attrs.get("units", "")),
                                                 "description": f"record field {field}"})
    M = len(r.modes)
    for ds in g["metrics"].values():
        metric = str(ds.attrs.get("metric", ds.name.split("/")[-1]))
        a = np.full((S, n_org, M), np.nan)
        a[scenario, org] = ds[()]
        name = name_of(metric, "metric")
        taken.add(name)
        data[name] = (dims + ["org", "mode"], place(a),
                      {"units": r.metric_units.get(metric, ""), "better":
                       r.better.get(metric, "none"),
                       "description": r.metric_descriptions.get(metric, "")})
    return xr.Dataset(data, coords=coords,
                      attrs={"path": r.path, "baseline_mode": r.baseline,
                             "layout": "grid" if dims != ["scenario"] else "scenario"})


# ---- crossover --------------------------------------------------------------------------


def _sign(r, metric: str) -> float:
    if metric not in r.metrics:
        raise KeyError(f"unknown metric {metric!r}; known: {', '.join(r.metrics)}")
    better = r.better[metric]
    if better == "none":
        raise ValueError(f"metric {metric!r} has no direction of better (better = none): "
                         "no mode beats another on it")
    return 1.0 if better == "higher" else -1.0


def _le0(xa, xb, fa, fb):
    """The sub-interval of [xa, xb] where the linear interpolation of fa, fb is <= 0."""
    if fa <= 0 and fb <= 0:
        return (xa, xb)
    if fa > 0 and fb > 0:
        return None
    root = xa + fa * (xb - xa) / (fa - fb)
    return (xa, root) if fa <= 0 else (root, xb)


def _intersect(a, b):
    if a is None or b is None:
        return None
    lo, hi = max(a[0], b[0]), min(a[1], b[1])
    return (lo, hi) if lo <= hi else None


def _ci_set(x, lo, hi, target):
    """Intervals of x where lo(x) <= target <= hi(x), lo and hi linearly interpolated between
    the points; adjacent intervals merged. [(a, b), ...] in increasing order."""
    parts = []
    if len(x) == 1:
        if lo[0] <= target <= hi[0]:
            parts.append((x[0], x[0]))
    for i in range(len(x) - 1):
        a = _le0(x[i], x[i + 1], lo[i] - target, lo[i + 1] - target)
        b = _le0(x[i], x[i + 1], target - hi[i], target - hi[i + 1])
        c = _intersect(a, b)
        if c is not None:
            parts.append(c)
    merged = []
    for a, b in parts:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _crossing(x, g):
    """First crossing of g through 0 along increasing x: (x*, direction) or (nan, '')."""
    for i in range(len(x)):
        if g[i] == 0:
            after = g[i + 1] if i + 1 < len(g) else (-g[i - 1] if i else 0.0)
            return float(x[i]), "up" if after > 0 else "down" if after < 0 else ""
        if i + 1 < len(x) and (g[i] < 0) != (g[i + 1] < 0) and g[i + 1] != 0:
            xs = x[i] + (0.0 - g[i]) * (x[i + 1] - x[i]) / (g[i + 1] - g[i])
            return float(xs), "up" if g[i + 1] > g[i] else "down"
    return np.nan, ""


def crossover(r, mode: str, metric: str = "value", axis: str | None = None,
              by: str = "win_rate") -> pd.DataFrame:
    """Where along a sweep axis `mode` starts beating the baseline, per value of the other
    axes.

    by="win_rate": the curve is the stored win rate (/paired/win_rate, the share of
    organizations where the mode is better in the metric's direction of better) and the
    crossover is where it crosses 0.5. by="mean": the curve is the paired mean difference
    mode - baseline (/paired/mean), multiplied by -1 for a metric where lower is better, and
    the crossover is where it crosses 0. Between swept points the curve is interpolated
    linearly; the crossover is the first crossing along increasing axis values (a point
    exactly on the threshold is the crossover itself).

    Confidence interval, by inverting the per-point intervals stored in the file: the Wilson
    95% interval of the win rate (win_rate_ci_low/high) for by="win_rate", the 95% interval of
    the mean difference (ci_low/high, sign-flipped for "lower") for by="mean". Both bounds
    are interpolated linearly between swept points, and [ci_low, ci_high] is the range of axis
    values where the interval contains the threshold (0.5 or 0): the connected part of that
    set that holds the crossover (without a crossing: the whole set's extent; NaN when the
    interval excludes the threshold everywhere). It is clipped to the swept range: a bound
    equal to the first or last swept value means the interval may extend beyond it. These are
    pointwise intervals, not simultaneous ones.

    Returns one row per combination of the other axes' values: those values, `crossover`
    (the axis value; NaN without a crossing in the swept range), `ci_low`, `ci_high`,
    `direction` ("up": the mode is better above the crossover, "down": below it, "" without
    one), `note` ("" with a crossing; otherwise "below" or "above": on which side of the swept
    range a crossing would lie, judged from the trend between the first and last swept
    points, "" when the curve is flat), and `points` (swept points used; NaN points skipped).
    """
    if mode not in r.modes:
        raise KeyError(f"unknown mode {mode!r}; known: {', '.join(r.modes)}")
    if mode == r.baseline:
        raise ValueError(f"{mode!r} is the baseline mode: it does not cross itself")
    if not r.params:
        raise ValueError(f"{r.path} sweeps nothing: no axis for a crossover")
    if axis is None:
        axis = r.params[0]
    if axis not in r.params:
        raise KeyError(f"unknown axis {axis!r}; swept: {', '.join(r.params)}")
    sign = _sign(r, metric)
    if by == "win_rate":
        cols, target, s = ("win_rate", "win_rate_ci_low", "win_rate_ci_high"), 0.5, 1.0
    elif by == "mean":
        cols, target, s = ("mean", "ci_low", "ci_high"), 0.0, sign
    else:
        raise ValueError(f"by must be 'win_rate' or 'mean', not {by!r}")
    p = r.paired
    p = p[(p["mode"] == mode) & (p["metric"] == metric)]
    others = [q for q in r.params if q != axis]
    groups = p.groupby(others if len(others) > 1 else others[0], sort=True) if others \
        else [((), p)]
    rows = []
    for key, q in groups:
        key = key if isinstance(key, tuple) else (key,)
        q = q.sort_values(axis)
        x = q[axis].to_numpy(dtype=float)
        y = s * q[cols[0]].to_numpy(dtype=float) - target
        lo, hi = q[cols[1]].to_numpy(dtype=float), q[cols[2]].to_numpy(dtype=float)
        if s < 0:
            lo, hi = -hi, -lo
        ok = np.isfinite(x) & np.isfinite(y)
        x, y, lo, hi = x[ok], y[ok], lo[ok], hi[ok]
        row = dict(zip(others, key))
        xs, direction = _crossing(x, y) if len(x) else (np.nan, "")
        okci = np.isfinite(lo) & np.isfinite(hi)
        parts = _ci_set(x[okci], lo[okci], hi[okci], target)
        ci = (np.nan, np.nan)
        if np.isfinite(xs):
            for a, b in parts:
                if a <= xs <= b:
                    ci = (a, b)
        elif parts:
            ci = (parts[0][0], parts[-1][1])
        note = ""
        if not np.isfinite(xs) and len(x):
            trend = y[-1] - y[0]
            if trend != 0:
                # Better everywhere and rising: the crossing lies below the range.
                note = "below" if (y[0] > 0) == (trend > 0) else "above"
        row.update(crossover=xs, ci_low=float(ci[0]), ci_high=float(ci[1]),
                   direction=direction, note=note, points=int(len(x)))
        rows.append(row)
    return pd.DataFrame(rows, columns=[*others, "crossover", "ci_low", "ci_high", "direction",
                                       "note", "points"])


# ---- regime -----------------------------------------------------------------------------


def regime(r, metric: str = "value", x: str | None = None, y: str | None = None,
           fixed: dict | None = None, modes=None) -> pd.DataFrame:
    """The best mode per grid cell of one or two sweep axes.

    x and y default to the first two swept parameters (y is None for a one-axis sweep).
    Every other swept axis must be held at one value: either the file sweeps it over one
    value only, or `fixed` gives it ({axis: value}); otherwise ValueError names the axes to
    fix. `modes` restricts the comparison to some modes (default all, the baseline included).

    One row per cell: x (and y) values, scenario, best (the mode with the best mean in the
    metric's direction of better: largest for "higher", smallest for "lower"), mean_best,
    runner_up and margin (how much better the best mean is, >= 0, in the metric's unit),
    p_best and orgs. p_best is estimated from the per-organization records: the share of the
    cell's organizations (those with the metric finite under every compared mode; `orgs`
    counts them) where the best mode is best, a tie splitting the organization equally among
    the tied modes; NaN without records. One column `mean[<mode>]` per compared mode follows.
    """
    sign = _sign(r, metric)
    modes = list(r.modes) if modes is None else list(modes)
    for m in modes:
        if m not in r.modes:
            raise KeyError(f"unknown mode {m!r}; known: {', '.join(r.modes)}")
    if len(modes) < 2:
        raise ValueError("regime compares at least two modes")
    if x is None:
        if not r.params:
            raise ValueError(f"{r.path} sweeps nothing: no axis for a regime map")
        x = r.params[0]
        if y is None and len(r.params) > 1:
            y = r.params[1]
    axes = [a for a in (x, y) if a is not None]
    for a in axes:
        if a not in r.params:
            raise KeyError(f"unknown axis {a!r}; swept: {', '.join(r.params)}")
    fixed = dict(fixed or {})
    scen = r.scenarios
    keep = np.ones(len(scen), dtype=bool)
    loose = []
    for p in r.params:
        if p in axes:
            continue
        if p in fixed:
            hit = np.isclose(scen[p].to_numpy(dtype=float), float(fixed[p]), rtol=1e-12,
                             atol=0)
            if not hit.any():
                raise ValueError(f"{p}={fixed[p]} is not a swept value; swept: "
                                 f"{', '.join(f'{v:g}' for v in np.unique(scen[p]))}")
            keep &= hit
        elif scen[p].nunique() > 1:
            loose.append(f"{p} ({', '.join(f'{v:g}' for v in np.unique(scen[p]))})")
    if loose:
        raise ValueError("regime needs every other swept axis held at one value; pass "
                         f"fixed={{...}} for: {'; '.join(loose)}")
    cells = scen[keep]
    if cells[axes].duplicated().any():
        raise ValueError(f"several scenarios share a cell of {', '.join(axes)}")
    s = r.summary
    s = s[(s["metric"] == metric) & s["mode"].isin(modes)]
    means = s.pivot(index="scenario", columns="mode", values="mean")[modes]
    values = {}
    if r.has_records:
        base, vals = r._record_frame()
        v = vals[metric][:, [r.modes.index(m) for m in modes]]
        values = {"scenario": base["scenario"].to_numpy(), "v": v}
    rows = []
    for _, c in cells.sort_values(axes).iterrows():
        sc = int(c["scenario"])
        mu = means.loc[sc].to_numpy(dtype=float)
        score = sign * mu
        row = {a: c[a] for a in axes}
        row["scenario"] = sc
        if np.isfinite(score).any():
            order = np.argsort(-np.where(np.isfinite(score), score, -np.inf), kind="stable")
            b, ru = order[0], order[1]
            row.update(best=modes[b], mean_best=mu[b], runner_up=modes[ru],
                       margin=float(score[b] - score[ru]))
        else:
            b = None
            row.update(best=None, mean_best=np.nan, runner_up=None, margin=np.nan)
        p_best, n = np.nan, 0
        if values:
            v = values["v"][values["scenario"] == sc]
            v = v[np.isfinite(v).all(axis=1)]
            n = len(v)
            if n and b is not None:
                sv = sign * v
                top = sv == sv.max(axis=1, keepdims=True)
                p_best = float((top[:, b] / top.sum(axis=1)).mean())
        row.update(p_best=p_best, orgs=n)
        for m, value in zip(modes, mu):
            row[f"mean[{m}]"] = value
        rows.append(row)
    return pd.DataFrame(rows)

