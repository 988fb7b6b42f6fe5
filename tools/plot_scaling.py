#!/usr/bin/python3
"""Plots the CSV of bench/scaling.sh: throughput and parallel efficiency against threads.

usage: /usr/bin/python3 tools/plot_scaling.py SCALING.csv [-o OUT.png] [--title TEXT]

Left: median problem-mode events/s per thread count, with the ideal line (T x the T=1
median). Right: efficiency = speedup / T, with the targets of docs/PERFORMANCE.md (0.9 at
2 threads, i.e. 1.8x; 0.85 at 16). The '#' comment lines of the CSV (two-process test,
machine) become the figure's footnote. Needs matplotlib (Agg backend, no display).
"""

import argparse
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read(path):
    rows, notes = [], []
    with open(path, newline="") as f:
        lines = f.read().splitlines()
    body = [l for l in lines if l and not l.startswith("#")]
    notes = [l.lstrip("# ").strip() for l in lines if l.startswith("#")]
    for r in csv.DictReader(body):
        rows.append({"threads": int(r["threads"]), "events_per_s": float(r["events_per_s"]),
                     "efficiency": float(r["efficiency"])})
    rows.sort(key=lambda r: r["threads"])
    return rows, notes


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv")
    ap.add_argument("-o", "--output", default="scaling.png")
    ap.add_argument("--title", default="leadsim bench (std-v1): thread scaling")
    a = ap.parse_args(argv)
    rows, notes = read(a.csv)
    if not rows:
        print("plot_scaling.py: %s has no data rows" % a.csv, file=sys.stderr)
        return 1
    t = [r["threads"] for r in rows]
    ev = [r["events_per_s"] / 1e6 for r in rows]
    eff = [r["efficiency"] for r in rows]
    base = ev[0] / t[0]

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.5))
    ax1.plot(t, ev, "o-", label="measured (median)")
    ax1.plot(t, [base * x for x in t], "--", color="grey", label="ideal (T x T=1)")
    ax1.set_xlabel("threads")
    ax1.set_ylabel("problem-mode events/s (millions)")
    ax1.set_xscale("log", base=2)
    ax1.set_xticks(t, [str(x) for x in t])
    ax1.grid(True, alpha=0.3)
    ax1.legend()

    ax2.plot(t, eff, "o-", color="C1", label="efficiency = speedup / T")
    ax2.axhline(0.85, color="red", ls=":", label="target at 16 threads (0.85)")
    ax2.axhline(0.9, color="purple", ls=":", label="target at 2 threads (0.9 = 1.8x)")
    ax2.set_xlabel("threads")
    ax2.set_ylabel("parallel efficiency")
    ax2.set_xscale("log", base=2)
    ax2.set_xticks(t, [str(x) for x in t])
    ax2.set_ylim(0, 1.1)
    ax2.grid(True, alpha=0.3)
    ax2.legend(loc="lower left")

    fig.suptitle(a.title)
    if notes:
        fig.text(0.01, 0.01, "\n".join(notes), fontsize=7, va="bottom")
        fig.tight_layout(rect=(0, 0.08 * len(notes) / 2 + 0.02, 1, 0.95))
    else:
        fig.tight_layout()
    fig.savefig(a.output, dpi=120)
    print(a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
