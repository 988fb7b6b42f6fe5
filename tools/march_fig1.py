#!/usr/bin/python3
"""March (1991) Figure 1 from a leadsim results file of configs/march1991-fig1.ini.

Prints the table of mean equilibrium knowledge (rows p1, columns p2) as Markdown, with the
95% confidence half-width, and writes a PNG of knowledge against p1, one curve per p2.

    /usr/bin/python3 tools/march_fig1.py results/march1991-fig1.h5 -o docs/march1991-fig1.png
"""
import argparse
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results")
    ap.add_argument("-o", "--output", help="PNG to write")
    args = ap.parse_args(argv)
    with h5py.File(args.results, "r") as f:
        if f.attrs.get("format") != "leadsim-results" or f.attrs.get("model") != "march1991":
            sys.exit(f"{args.results}: not a leadsim march1991 results file")
        metrics = list(f["metrics"].asstr()[()])
        k = metrics.index("knowledge")
        mean = f["summary/mean"][:, 0, k]
        sem = f["summary/sem"][:, 0, k]
        count = f["summary/count"][:, 0, k]
        p1 = f["scenarios/p1"][()]
        p2 = f["scenarios/p2"][()]
        cap = metrics.index("hit_cap")
        hit = f["summary/mean"][:, 0, cap] * count
    p1s, p2s = np.unique(p1), np.unique(p2)
    print("| p1 | " + " | ".join(f"p2 = {b:g}" for b in p2s) + " |")
    print("|---|" + "---|" * len(p2s))
    for a in p1s:
        cells = []
        for b in p2s:
            s = np.flatnonzero((p1 == a) & (p2 == b))[0]
            cells.append(f"{mean[s]:.4f} ± {1.96 * sem[s]:.4f}")
        print(f"| {a:g} | " + " | ".join(cells) + " |")
    print(f"\nruns per cell: {int(count.min())}–{int(count.max())}; runs that hit the period cap: {int(hit.sum())}")
    if args.output:
        fig, ax = plt.subplots(figsize=(6, 4.2), dpi=120)
        for b, style in zip(p2s, ["o-", "s--", "^:"]):
            sel = np.flatnonzero(p2 == b)
            order = np.argsort(p1[sel])
            ax.errorbar(p1[sel][order], mean[sel][order], yerr=1.96 * sem[sel][order], fmt=style,
                        capsize=2, label=f"p2 = {b:g}")
        ax.set_xlabel("socialization rate p1")
        ax.set_ylabel("equilibrium knowledge of the code")
        ax.set_title("March (1991) Figure 1, reproduced by leadsim")
        ax.grid(alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(args.output)
        print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
