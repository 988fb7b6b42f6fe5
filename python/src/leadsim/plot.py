"""Figures of a leadsim results file (PNG, or PDF/SVG by the output's suffix); headless (Agg).

    python -m leadsim plot FILE -o OUT [--kind report|regime|crossover|distributions|sensitivity]

Kinds (plot(path, out, kind, ...)):
  report         a few readable figures: OUT (the main metric: distribution, paired
                 differences, win rate along the first axis), OUT-crossover (win rate of every
                 metric with a direction), OUT-regime (two-axis sweeps), OUT-sensitivity
                 (sensitivity studies); the suffix stays last: report.png, report-crossover.png
  regime         heat map of the winning mode per (x, y) cell, shaded by P(best)
  crossover      win rate (or mean difference, by="mean") against an axis with its 95% CI band
                 and the crossover (leadsim.analysis.crossover) marked with its interval
  distributions  every metric's distribution by mode (the stored histograms)
  sensitivity    the Sobol' index bars of a sensitivity study

report_page(path, out) is the former one-page report of tools/leadsim_plot.py:

One row per metric, three panels:
  1. the metric's distribution by mode (the stored histograms, pooled over scenarios);
  2. the paired difference mode - baseline per organization (from the records when the run
     stored them, otherwise the mean difference and its 95% CI per scenario);
  3. the win rate of each mode over the baseline along the first swept parameter, with its
     Wilson 95% CI band and a line at 0.5 (the crossover curve). Other swept parameters are
     held at their first value. A win is the mode better in the metric's direction of better
     (higher value, lower latency: the file's /metrics_info/better, labelled on the panel);
     a metric whose direction is "none" has no win rate, and its panel says so.

A sensitivity study's file (/sensitivity) gets a last row of panels: per output (the
delta/... outputs first, at most six), the factors' total (S_T) and first-order (S_1) Sobol'
indices as horizontal bars with their bootstrap intervals as whiskers, the largest S_T on top,
for the first scenario (the panel names it).
"""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from . import results as lr  # noqa: E402


def _color(r: lr.Results, mode: str) -> str:
    """The same colour for a mode in every panel."""
    return f"C{r.modes.index(mode) % 10}"


def _legend(ax) -> None:
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7)


def _along_first_axis(r: lr.Results, frame):
    """The rows of `frame` (with the swept parameters as columns) along the first swept axis,
    the other axes held at their first values, as the overview's panels show them: (rows,
    the axis' name, "other=value, ..." of the held axes). Without a sweep: every row, along
    "scenario"."""
    if not r.params:
        return frame, "scenario", ""
    for other in r.params[1:]:
        frame = frame[frame[other] == r.scenarios[other].iloc[0]]
    held = ", ".join(f"{o}={r.scenarios[o].iloc[0]:g}" for o in r.params[1:])
    return frame, r.params[0], held


def _distribution(ax, r: lr.Results, metric: str, scenario: int | None = None) -> None:
    """The metric's distribution per mode: of one scenario, or pooled over all of them."""
    h = r.histogram(metric)
    if scenario is None:
        pooled = h.pooled()
    else:
        i = int(np.flatnonzero(r.scenarios["scenario"].to_numpy() == scenario)[0])
        pooled = h.counts[i]
        h = lr.Histogram(metric=h.metric, unit=h.unit, log_bins=h.log_bins, edges=h.edges,
                         counts=h.counts[i:i + 1], underflow=h.underflow[i:i + 1],
                         overflow=h.overflow[i:i + 1], modes=h.modes, scenarios=h.scenarios)
    # Per decade for log bins, so that the curve's area is still the share of organizations.
    widths = np.diff(np.log10(h.edges)) if h.log_bins else np.diff(h.edges)
    for m, mode in enumerate(r.modes):
        total = pooled[m].sum() + h.underflow[:, m].sum() + h.overflow[:, m].sum()
        if total == 0:
            continue
        density = pooled[m] / (total * widths)
        ax.stairs(density, h.edges, label=mode, linewidth=1.4, color=_color(r, mode))
    if h.log_bins:
        ax.set_xscale("log")
    ax.set_xlabel(f"{metric} [{h.unit}]")
    ax.set_ylabel("density per decade" if h.log_bins else "density")
    where = ""
    if scenario is not None:
        where = f"\nat {r.scenario_label(scenario)}"
    elif len(r.scenarios) > 1:
        where = f"\npooled over {len(r.scenarios)} scenarios"
    ax.set_title(f"{metric}: distribution by mode{where}", fontsize=9)
    _legend(ax)


def _paired_from_records(ax, r: lr.Results, metric: str, wide,
                         scenario: int | None = None) -> None:
    if scenario is not None:
        wide = wide[wide["scenario"] == scenario]
    base = wide[f"{metric}[{r.baseline}]"].to_numpy()
    deltas = {}
    for mode in r.modes:
        if mode == r.baseline:
            continue
        d = wide[f"{metric}[{mode}]"].to_numpy() - base
        d = d[np.isfinite(d)]
        if d.size:
            deltas[mode] = d
    if not deltas:
        ax.text(0.5, 0.5, "no finite differences", ha="center", transform=ax.transAxes)
        return
    allv = np.concatenate(list(deltas.values()))
    lo, hi = np.quantile(allv, [0.005, 0.995])
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    bins = np.linspace(lo, hi, 41)
    for mode, d in deltas.items():
        ax.hist(np.clip(d, lo, hi), bins=bins, histtype="step", density=True, label=mode,
                linewidth=1.4, color=_color(r, mode))
    ax.axvline(0.0, color="black", linewidth=0.8)
    ax.set_xlabel(f"Δ{metric} (mode − {r.baseline}) [{r.metric_units[metric]}]")
    ax.set_ylabel("density")
    where = f"\nat {r.scenario_label(scenario)}" if scenario is not None else ""
    ax.set_title(f"paired Δ per organization ({len(wide)} organizations){where}", fontsize=9)
    _legend(ax)


def _paired_from_summary(ax, r: lr.Results, metric: str) -> None:
    """The paired mean difference with its 95% CI along the first swept axis (the other
    axes held at their first values, as in the win-rate panel); per scenario without a
    sweep."""
    p, x_name, held = _along_first_axis(
        r, r.paired[(r.paired.metric == metric) & (r.paired["mode"] != r.baseline)])
    xs = np.unique(p[x_name].to_numpy(dtype=float))
    step = float(np.min(np.diff(xs))) if len(xs) > 1 else 1.0
    modes = [m for m in r.modes if m != r.baseline]
    for i, mode in enumerate(modes):
        q = p[p["mode"] == mode].sort_values(x_name)
        # Side by side within a step of the axis, so the intervals do not hide each other.
        x = q[x_name].to_numpy(dtype=float) + (i - (len(modes) - 1) / 2) * 0.6 * step / \
            max(len(modes), 1)
        y = q["mean"].to_numpy()
        err = np.vstack([y - q["ci_low"].to_numpy(), q["ci_high"].to_numpy() - y])
        ax.errorbar(x, y, yerr=err, fmt="o", markersize=3, capsize=2, label=mode,
                    color=_color(r, mode))
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.set_xlabel(_axis_label(r, x_name) if r.params else "scenario")
    ax.set_ylabel(f"mean Δ{metric} [{r.metric_units[metric]}]")
    ax.set_title(f"paired Δ (mode − {r.baseline}), mean and 95% CI"
                 + (f"\n{held}" if held else ""), fontsize=9)
    _legend(ax)


def _crossover(ax, r: lr.Results, metric: str) -> None:
    better = r.better[metric]
    if better == "none":
        ax.text(0.5, 0.5, f"no win rate: neither higher nor lower\n{metric} is better",
                ha="center", va="center", transform=ax.transAxes, fontsize=9)
        ax.set_axis_off()
        ax.set_title(f"{metric}: win rate not defined (better: none)", fontsize=9)
        return
    p, x_name, held = _along_first_axis(
        r, r.paired[(r.paired.metric == metric) & (r.paired["mode"] != r.baseline)])
    for mode in r.modes:
        if mode == r.baseline:
            continue
        q = p[p["mode"] == mode].sort_values(x_name)
        x = q[x_name].to_numpy(dtype=float)
        ax.plot(x, q["win_rate"], marker="o", markersize=3, label=mode, color=_color(r, mode))
        ax.fill_between(x, q["win_rate_ci_low"], q["win_rate_ci_high"], alpha=0.2,
                        color=_color(r, mode), linewidth=0)
    ax.axhline(0.5, color="black", linewidth=0.8, linestyle="--")
    ax.set_ylim(0.0, 1.0)
    ax.set_xlabel(x_name)
    sign = "<" if better == "lower" else ">"
    ax.set_ylabel(f"P({metric}: mode {sign} {r.baseline})")
    ax.set_title(f"win rate over the baseline ({lr.win_label(metric, better)}), Wilson 95% CI"
                 + (f"\n{held}" if held else ""), fontsize=9)
    _legend(ax)


# Outputs in the sensitivity row of panels (one panel each).
MAX_SENSITIVITY_OUTPUTS = 6


def sensitivity_outputs(r: lr.Results) -> list[str]:
    """The outputs the report shows: the paired differences (delta/...) first, then the rest,
    each group in the file's order, at most MAX_SENSITIVITY_OUTPUTS."""
    outputs = list(dict.fromkeys(r.sensitivity()["output"]))
    ordered = ([o for o in outputs if o.startswith("delta/")] +
               [o for o in outputs if not o.startswith("delta/")])
    return ordered[:MAX_SENSITIVITY_OUTPUTS]


def _sobol_bars(ax, r: lr.Results, output: str, scenario: int) -> None:
    d = r.sensitivity()
    d = d[(d["output"] == output) & (d["scenario"] == scenario)]
    d = d.sort_values("total", ascending=True, na_position="first")  # largest at the top
    y = np.arange(len(d))
    h = 0.38
    for offset, name, label, color in ((h / 2, "total", "$S_T$ total", "C0"),
                                       (-h / 2, "first_order", "$S_1$ first order", "C1")):
        v = d[name].to_numpy(dtype=float)
        lo, hi = d[f"{name}_ci_low"].to_numpy(dtype=float), d[f"{name}_ci_high"].to_numpy(
            dtype=float)
        err = None
        if np.isfinite(lo).any():
            err = np.vstack([np.clip(v - lo, 0, None), np.clip(hi - v, 0, None)])
            err = np.where(np.isfinite(err), err, 0.0)
        ax.barh(y + offset, np.nan_to_num(v), height=h, xerr=err, label=label, color=color,
                error_kw={"elinewidth": 0.8, "capsize": 2})
    ax.set_yticks(y)
    ax.set_yticklabels(d["factor"], fontsize=7)
    ax.axvline(0.0, color="black", linewidth=0.8)
    ax.set_xlim(min(-0.05, ax.get_xlim()[0]), max(1.05, ax.get_xlim()[1]))
    unit = d["unit"].iloc[0] if len(d) else ""
    ax.set_xlabel("Sobol' index (share of the output's variance)")
    info = r.sensitivity_info
    ci = (f", {100 * float(info['confidence_level']):g}% bootstrap intervals"
          if int(info["bootstrap_resamples"]) > 0 else "")
    where = ""
    if r.params:
        row = r.scenarios[r.scenarios["scenario"] == scenario].iloc[0]
        where = " (" + ", ".join(f"{p}={row[p]:g}" for p in r.params) + ")"
    ax.set_title(f"{output} [{unit}]: Sobol' indices{ci}\nscenario {scenario}{where}",
                 fontsize=9)
    _legend(ax)


def report_page(path: str, out: str, dpi: int = 110) -> None:
    """The one-page report: one row per metric (distribution, paired differences, win rate
    along the first axis) and a row of Sobol' bars for a sensitivity study."""
    with lr.load(path) as r:
        K = len(r.metrics)
        outputs = sensitivity_outputs(r) if r.has_sensitivity else []
        rows = K + (-(-len(outputs) // 3) if outputs else 0)
        heights = [3.6] * K
        if outputs:
            F = int(r.sensitivity()["factor"].nunique())
            heights += [max(3.6, 1.2 + 0.32 * F)] * (rows - K)
        fig, axes = plt.subplots(rows, 3, figsize=(15, sum(heights)), squeeze=False,
                                 gridspec_kw={"height_ratios": heights})
        wide = r.orgs_wide() if r.has_records else None
        for k, metric in enumerate(r.metrics):
            _distribution(axes[k][0], r, metric)
            if wide is not None and len(wide):
                _paired_from_records(axes[k][1], r, metric, wide)
            else:
                _paired_from_summary(axes[k][1], r, metric)
            _crossover(axes[k][2], r, metric)
        if outputs:
            scenario = int(r.sensitivity()["scenario"].iloc[0])
            panels = [ax for row in axes[K:] for ax in row]
            for ax, output in zip(panels, outputs):
                _sobol_bars(ax, r, output, scenario)
            for ax in panels[len(outputs):]:
                ax.set_axis_off()
        m = r.meta
        fig.suptitle(f"{os.path.basename(path)} — model {m.get('model')}, seed {m.get('seed')}, "
                     f"{len(r.scenarios)} scenario(s) × {m.get('orgs_per_scenario')} "
                     f"organizations, leadsim {m.get('leadsim_version')}", fontsize=11)
        fig.tight_layout(rect=(0, 0, 1, 0.97))
        fig.savefig(out, dpi=dpi)
        plt.close(fig)


# ---- figures of `python -m leadsim plot` -------------------------------------------------

KINDS = ("report", "regime", "crossover", "distributions", "sensitivity")


def _axis_label(r: lr.Results, axis: str) -> str:
    """'info_reach [share]': a swept parameter with its unit."""
    unit = r.param_units.get(axis, "")
    return f"{axis} [{unit}]" if unit else axis


def _held(r: lr.Results, values: dict) -> str:
    return ", ".join(f"{k}={v:g}" for k, v in values.items())


def _save(fig, out: str, dpi: int, written: list) -> None:
    fig.savefig(out, dpi=dpi)
    plt.close(fig)
    written.append(out)


def _margins(fig, nrows: int, ncols: int, left: float = 0.75, right: float = 0.2,
             bottom: float = 0.55, top: float = 0.5, wspace: float = 0.8,
             hspace: float = 1.05) -> None:
    """Fixed margins and gaps in inches (room for tick labels, axis labels and two-line
    titles). Instead of tight_layout, which measures every text and took about a third of a
    report's time."""
    W, H = fig.get_size_inches()
    aw = (W - left - right - (ncols - 1) * wspace) / ncols
    ah = (H - bottom - top - (nrows - 1) * hspace) / nrows
    fig.subplots_adjust(left=left / W, right=1 - right / W, bottom=bottom / H, top=1 - top / H,
                        wspace=wspace / aw, hspace=hspace / ah)


def _suptitle(fig, text: str) -> None:
    """The figure's title, 0.12 in below its top edge (in the margin _margins leaves)."""
    fig.suptitle(text, fontsize=11, y=1 - 0.12 / fig.get_size_inches()[1], va="top")


def _grid(n: int, ncols: int = 3, w: float = 5.0, h: float = 3.6, top: float = 0.8):
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(w * ncols, h * nrows), squeeze=False)
    _margins(fig, nrows, ncols, top=top)
    flat = [ax for row in axes for ax in row]
    for ax in flat[n:]:
        ax.set_axis_off()
    return fig, flat[:n]


def _main_metric(r: lr.Results, metric: str | None) -> str:
    if metric is not None:
        if metric not in r.metrics:
            raise KeyError(f"unknown metric {metric!r}; known: {', '.join(r.metrics)}")
        return metric
    return "value" if "value" in r.metrics else r.metrics[0]


def _challengers(r: lr.Results, modes) -> list:
    modes = [m for m in (modes or r.modes) if m != r.baseline]
    for m in modes:
        if m not in r.modes:
            raise KeyError(f"unknown mode {m!r}; known: {', '.join(r.modes)}")
    return modes


def figure_distributions(r: lr.Results, metrics=None):
    """Every metric's distribution by mode, pooled over scenarios."""
    metrics = list(metrics or r.metrics)
    fig, axes = _grid(len(metrics), ncols=4, w=4.2, h=3.2)
    for ax, metric in zip(axes, metrics):
        _distribution(ax, r, metric)
    _suptitle(fig, f"{os.path.basename(r.path)}: distributions by mode, pooled over "
              f"{len(r.scenarios)} scenario(s)")
    return fig


def _crossover_curves(ax, r: lr.Results, metric: str, axis: str, held: dict, modes,
                      by: str) -> None:
    from . import analysis
    p = r.paired
    p = p[(p["metric"] == metric)]
    for k, v in held.items():
        p = p[p[k] == v]
    better = r.better[metric]
    sign = -1.0 if (by == "mean" and better == "lower") else 1.0
    cols = (("win_rate", "win_rate_ci_low", "win_rate_ci_high") if by == "win_rate"
            else ("mean", "ci_low", "ci_high"))
    for mode in modes:
        q = p[p["mode"] == mode].sort_values(axis)
        x = q[axis].to_numpy(dtype=float)
        y = sign * q[cols[0]].to_numpy(dtype=float)
        lo, hi = sign * q[cols[1]].to_numpy(dtype=float), sign * q[cols[2]].to_numpy(
            dtype=float)
        if sign < 0:
            lo, hi = hi, lo
        c = _color(r, mode)
        ax.plot(x, y, marker="o", markersize=3, color=c, label=mode)
        ax.fill_between(x, lo, hi, color=c, alpha=0.18, linewidth=0)
        cr = analysis.crossover(r, mode, metric, axis, by)
        for k, v in held.items():
            cr = cr[cr[k] == v]
        if len(cr) and np.isfinite(cr["crossover"].iloc[0]):
            row = cr.iloc[0]
            ax.axvline(row["crossover"], color=c, linestyle=":", linewidth=1.2)
            if np.isfinite(row["ci_low"]):
                ax.axvspan(row["ci_low"], row["ci_high"], ymin=0, ymax=0.04, color=c,
                           alpha=0.6)
            ax.annotate(f"{row['crossover']:.3g}", (row["crossover"], 0.5 if by == "win_rate"
                                                    else 0.0), xytext=(3, 3),
                        textcoords="offset points", fontsize=7, color=c)
    target = 0.5 if by == "win_rate" else 0.0
    ax.axhline(target, color="black", linewidth=0.8, linestyle="--")
    ax.set_xlabel(_axis_label(r, axis))
    unit = r.metric_units[metric]
    if by == "win_rate":
        ax.set_ylim(0.0, 1.0)
        ax.set_ylabel(f"win rate vs {r.baseline} [share of organizations]")
    else:
        flip = " (sign: better > 0)" if sign < 0 else ""
        ax.set_ylabel(f"mean Δ{metric} vs {r.baseline} [{unit}]{flip}")
    what = "win rate, Wilson 95% CI" if by == "win_rate" else "mean Δ, 95% CI"
    title = f"{metric} ({lr.win_label(metric, better)}): {what}"
    if held:
        title += f"\n{_held(r, held)}"
    ax.set_title(title, fontsize=9)
    _legend(ax)


def _held_combos(r: lr.Results, axis: str, limit: int = 6) -> list:
    others = [p for p in r.params if p != axis]
    if not others:
        return [{}]
    combos = r.scenarios[others].drop_duplicates().sort_values(others)
    return [dict(zip(others, row)) for row in combos.itertuples(index=False)][:limit]


def figure_crossover(r: lr.Results, metric: str | None = None, axis: str | None = None,
                     modes=None, by: str = "win_rate", metrics=None):
    """Win rate (or mean difference) of each mode against `axis` with its CI band and the
    crossover marked (dotted line, its interval as a bar at the bottom): one panel per metric
    (`metrics`) or, for one metric, per combination of the other axes' values (at most 6)."""
    if not r.params:
        raise ValueError(f"{r.path} sweeps nothing: no axis for a crossover plot")
    axis = axis or r.params[0]
    if axis not in r.params:
        raise KeyError(f"unknown axis {axis!r}; swept: {', '.join(r.params)}")
    modes = _challengers(r, modes)
    if metrics is not None:
        panels = [(m, c) for m in metrics for c in _held_combos(r, axis, 1)]
    else:
        metric = _main_metric(r, metric)
        if r.better[metric] == "none":
            raise ValueError(f"metric {metric!r} has no direction of better: no crossover")
        panels = [(metric, c) for c in _held_combos(r, axis)]
    fig, axes = _grid(len(panels), ncols=3, w=5.0, h=3.8)
    for ax, (metric, held) in zip(axes, panels):
        _crossover_curves(ax, r, metric, axis, held, modes, by)
    _suptitle(fig, f"{os.path.basename(r.path)}: modes against the baseline {r.baseline} "
              f"along {axis}")
    return fig


def figure_regime(r: lr.Results, metric: str | None = None, x: str | None = None,
                  y: str | None = None, fixed: dict | None = None, modes=None):
    """Heat map of the best mode per (x, y) cell (leadsim.analysis.regime), each cell in its
    mode's colour shaded by P(best) (pale: uncertain), labelled with the mode and P(best),
    with each mode's crossover against the baseline (its win rate = 0.5) dashed."""
    from matplotlib.colors import to_rgb
    from matplotlib.patches import Patch
    metric = _main_metric(r, metric)
    if len(r.params) < 2 and y is not None:
        raise ValueError("a regime map with y needs a sweep of two axes")
    x = x or (r.params[0] if r.params else None)
    if y is None and len(r.params) > 1:
        y = next(p for p in r.params if p != x)
    d = r.regime(metric, x=x, y=y, fixed=fixed, modes=modes)
    xs = np.unique(d[x].to_numpy(dtype=float))
    ys = np.unique(d[y].to_numpy(dtype=float)) if y else np.array([0.0])
    img = np.ones((len(ys), len(xs), 3))
    fig, ax = plt.subplots(figsize=(1.6 + 1.3 * len(xs), 1.4 + 0.9 * len(ys)))
    for _, row in d.iterrows():
        i = int(np.searchsorted(ys, row[y])) if y else 0
        j = int(np.searchsorted(xs, row[x]))
        if row["best"] is None:
            continue
        rgb = np.array(to_rgb(_color(r, row["best"])))
        p = row["p_best"]
        shade = 1.0 if not np.isfinite(p) else 0.25 + 0.75 * float(p)
        img[i, j] = 1.0 - shade * (1.0 - rgb)
        label = row["best"] + ("" if not np.isfinite(p) else f"\nP={p:.2f}")
        ax.text(j, i, label, ha="center", va="center", fontsize=7)
    ax.imshow(img, origin="lower", aspect="auto")
    ax.set_xticks(range(len(xs)))
    ax.set_xticklabels([f"{v:g}" for v in xs])
    ax.set_xlabel(_axis_label(r, x))
    if y:
        ax.set_yticks(range(len(ys)))
        ax.set_yticklabels([f"{v:g}" for v in ys])
        ax.set_ylabel(_axis_label(r, y))
    else:
        ax.set_yticks([])
    winners = list(dict.fromkeys(b for b in d["best"] if b is not None))
    handles = [Patch(color=_color(r, m), label=m) for m in winners]
    handles += _crossover_contours(ax, r, metric, d, x, y, xs, ys, modes)
    ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    held = {p: r.scenarios.loc[r.scenarios["scenario"] == d["scenario"].iloc[0], p].iloc[0]
            for p in r.params if p not in (x, y)}
    better = r.better[metric]
    title = (f"best mode by mean {metric} [{r.metric_units[metric]}] ({better} is better);\n"
             "shade: P(best) over organizations" + ("" if d["p_best"].notna().any()
                                                     else " (no records: not shaded)"))
    if held:
        title += f"\n{_held(r, held)}"
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return fig


def win_rate_grid(r: lr.Results, metric: str, mode: str, d, x: str, y: str | None,
                  xs, ys) -> np.ndarray:
    """The stored win rate of `mode` against the baseline on the regime grid: [len(ys),
    len(xs)], NaN where a cell has none."""
    p = r.paired
    p = p[(p["mode"] == mode) & (p["metric"] == metric)].set_index("scenario")["win_rate"]
    w = np.full((len(ys), len(xs)), np.nan)
    for _, row in d.iterrows():
        i = int(np.searchsorted(ys, row[y])) if y else 0
        w[i, int(np.searchsorted(xs, row[x]))] = p.get(row["scenario"], np.nan)
    return w


def _crossover_contours(ax, r: lr.Results, metric: str, d, x: str, y: str | None, xs, ys,
                        modes) -> list:
    """The crossover of every mode shown against the baseline: where its win rate crosses
    0.5, interpolated linearly between cell centres (a contour on a 2-D map, a vertical line
    on a 1-D one), dashed in the mode's colour. Returns the legend handles."""
    from matplotlib import patheffects
    from matplotlib.lines import Line2D
    handles = []
    if r.better.get(metric, "none") == "none":
        return handles
    for mode in _challengers(r, modes):
        w = win_rate_grid(r, metric, mode, d, x, y, xs, ys)
        finite = w[np.isfinite(w)]
        if not (finite.size and finite.min() < 0.5 < finite.max()):
            continue
        color = _color(r, mode)
        halo = [patheffects.withStroke(linewidth=3.6, foreground="white")]
        if y and len(ys) > 1 and len(xs) > 1:
            cs = ax.contour(np.arange(len(xs)), np.arange(len(ys)), np.ma.masked_invalid(w),
                            levels=[0.5], colors=[color], linewidths=1.8, linestyles="--")
            for c in cs.collections:
                c.set_path_effects(halo)
                c.set_gid(f"crossover:{mode}")
        else:
            row = w[0]
            for j in range(len(xs) - 1):
                a, b = row[j] - 0.5, row[j + 1] - 0.5
                if np.isfinite(a) and np.isfinite(b) and (a == 0 or a * b < 0):
                    ln = ax.axvline(j + a / (a - b), color=color, linestyle="--",
                                    linewidth=1.8, path_effects=halo)
                    ln.set_gid(f"crossover:{mode}")
        handles.append(Line2D([], [], color=color, linestyle="--", linewidth=1.8,
                              label=f"{mode} vs {r.baseline}: win rate 0.5"))
    return handles


def figure_sensitivity(r: lr.Results):
    """The Sobol' index bars of each output (delta/... first, at most six), first scenario."""
    if not r.has_sensitivity:
        raise ValueError(f"{r.path} has no /sensitivity (not a sensitivity study)")
    outputs = sensitivity_outputs(r)
    F = int(r.sensitivity()["factor"].nunique())
    fig, axes = _grid(len(outputs), ncols=3, w=5.0, h=max(3.6, 1.2 + 0.32 * F))
    scenario = int(r.sensitivity()["scenario"].iloc[0])
    for ax, output in zip(axes, outputs):
        _sobol_bars(ax, r, output, scenario)
    fig.tight_layout()
    return fig


def figure_overview(r: lr.Results, metric: str | None = None):
    """The main metric in one row: distribution, paired differences, win rate."""
    metric = _main_metric(r, metric)
    fig, axes = plt.subplots(1, 3, figsize=(15, 3.9))
    _margins(fig, 1, 3, top=0.75)
    # Distributions of one scenario, never pooled over sweep points (pooling mixes the
    # regimes the sweep separates): the last point along the first axis, the other axes held
    # at their first values as in the win-rate panel.
    scenario = None
    if len(r.scenarios) > 1:
        q, x_name, _ = _along_first_axis(r, r.scenarios)
        scenario = int(q.sort_values(x_name)["scenario"].iloc[-1])
    _distribution(axes[0], r, metric, scenario)
    wide = r.orgs_wide() if r.has_records else None
    if wide is not None and len(wide):
        _paired_from_records(axes[1], r, metric, wide, scenario)
    else:
        _paired_from_summary(axes[1], r, metric)
    _crossover(axes[2], r, metric)
    if r.params:
        axes[2].set_xlabel(_axis_label(r, r.params[0]))
    m = r.meta
    _suptitle(fig, f"{os.path.basename(r.path)}: {metric} — model {m.get('model')}, seed "
              f"{m.get('seed')}, {len(r.scenarios)} scenario(s) × "
              f"{m.get('orgs_per_scenario')} organizations")
    return fig


def _sibling(out: str, name: str) -> str:
    stem, ext = os.path.splitext(out)
    return f"{stem}-{name}{ext or '.png'}"


def plot(path: str, out: str, kind: str = "report", metric: str | None = None, modes=None,
         x: str | None = None, y: str | None = None, by: str = "win_rate",
         fixed: dict | None = None, dpi: int = 110) -> list:
    """Draws one kind of figure (KINDS) of the file at `path` into `out`; the report writes
    several files next to it (see the module's docstring). Returns the paths written."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; known: {', '.join(KINDS)}")
    written = []
    with lr.load(path) as r:
        if kind == "distributions":
            _save(figure_distributions(r, [metric] if metric else None), out, dpi, written)
        elif kind == "sensitivity":
            _save(figure_sensitivity(r), out, dpi, written)
        elif kind == "crossover":
            _save(figure_crossover(r, metric, x, modes, by), out, dpi, written)
        elif kind == "regime":
            _save(figure_regime(r, metric, x, y, fixed, modes), out, dpi, written)
        else:
            _save(figure_overview(r, metric), out, dpi, written)
            directed = [m for m in r.metrics if r.better[m] != "none"][:9]
            if r.params and directed:
                _save(figure_crossover(r, axis=x, modes=modes, by=by, metrics=directed),
                      _sibling(out, "crossover"), dpi, written)
            main = _main_metric(r, metric)
            if len(r.params) >= 2 and r.better[main] != "none":
                held = {p: r.scenarios[p].iloc[0] for p in r.params
                        if p not in (x or r.params[0], y or r.params[1])}
                try:
                    fig = figure_regime(r, main, x, y, {**held, **(fixed or {})}, modes)
                    _save(fig, _sibling(out, "regime"), dpi, written)
                except ValueError:
                    pass  # not a grid of these axes
            if r.has_sensitivity:
                _save(figure_sensitivity(r), _sibling(out, "sensitivity"), dpi, written)
    return written
