#!/usr/bin/python3
"""A one-page report (PNG, or PDF/SVG by the output's suffix) of a leadsim results file.

    /usr/bin/python3 tools/leadsim_plot.py results/default.h5 -o report.png

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

import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import leadsim_results as lr  # noqa: E402


def _color(r: lr.Results, mode: str) -> str:
    """The same colour for a mode in every panel."""
    return f"C{r.modes.index(mode) % 10}"


def _legend(ax) -> None:
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7)


def _distribution(ax, r: lr.Results, metric: str) -> None:
    h = r.histogram(metric)
    pooled = h.pooled()
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
    ax.set_title(f"{metric}: distribution by mode", fontsize=9)
    _legend(ax)


def _paired_from_records(ax, r: lr.Results, metric: str, wide) -> None:
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
    ax.set_title(f"paired Δ per organization ({len(wide)} organizations)", fontsize=9)
    _legend(ax)


def _paired_from_summary(ax, r: lr.Results, metric: str) -> None:
    p = r.paired[(r.paired.metric == metric) & (r.paired["mode"] != r.baseline)]
    modes = [m for m in r.modes if m != r.baseline]
    for i, mode in enumerate(modes):
        q = p[p["mode"] == mode].sort_values("scenario")
        x = q["scenario"].to_numpy() + (i - (len(modes) - 1) / 2) * 0.8 / max(len(modes), 1)
        y = q["mean"].to_numpy()
        err = np.vstack([y - q["ci_low"].to_numpy(), q["ci_high"].to_numpy() - y])
        ax.errorbar(x, y, yerr=err, fmt="o", markersize=3, capsize=2, label=mode,
                    color=_color(r, mode))
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.set_xlabel("scenario")
    ax.set_ylabel(f"mean Δ [{r.metric_units[metric]}]")
    ax.set_title(f"paired Δ (mode − {r.baseline}), mean and 95% CI", fontsize=9)
    _legend(ax)


def _crossover(ax, r: lr.Results, metric: str) -> None:
    better = r.better[metric]
    if better == "none":
        ax.text(0.5, 0.5, f"no win rate: neither higher nor lower\n{metric} is better",
                ha="center", va="center", transform=ax.transAxes, fontsize=9)
        ax.set_axis_off()
        ax.set_title(f"{metric}: win rate not defined (better: none)", fontsize=9)
        return
    p = r.paired[(r.paired.metric == metric) & (r.paired["mode"] != r.baseline)]
    if r.params:
        x_name = r.params[0]
        for other in r.params[1:]:
            p = p[p[other] == r.scenarios[other].iloc[0]]
        held = ", ".join(f"{o}={r.scenarios[o].iloc[0]:g}" for o in r.params[1:])
    else:
        x_name, held = "scenario", ""
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
                 + (f" ({held})" if held else ""), fontsize=9)
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


def report(path: str, out: str, dpi: int = 110) -> None:
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="PNG report of a leadsim results file")
    ap.add_argument("file")
    ap.add_argument("-o", "--output", default="report.png")
    ap.add_argument("--dpi", type=int, default=110)
    args = ap.parse_args(argv)
    try:
        report(args.file, args.output, args.dpi)
    except (lr.ResultsFormatError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
