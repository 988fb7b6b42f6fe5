#!/usr/bin/python3
"""The table of configs/README.md "What assumptions.ini shows", from a results file of
configs/assumptions.ini.

usage: tools/assumptions_table.py assumptions.h5

For distributed (and its three variants) against centralized, on `value`: the win rate at
info_reach = 0.5 and the crossover (the info_reach where the win rate reaches 0.5, by linear
interpolation between the swept reaches), starting from the specification's choices and
changing one at a time. consult_cost is drawn per organization: its rows compare the
organizations whose draw fell in the lowest and the highest third of its range, from the
records. Runs on /usr/bin/python3 (numpy, pandas, h5py).
"""

import os
import sys
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import leadsim_results as lr  # noqa: E402

SPEC = {"alignment_manager": 1.0, "misalign_penalty": 0.5, "attention": 0.0,
        "peer_coachee": 0.0}
CHANGES = [
    ("none", {}, "distributed"),
    ("managers aligned with probability 0.8 (`alignment_manager`)",
     {"alignment_manager": 0.8}, "distributed"),
    ("no loss for a misaligned right decision (`misalign_penalty = 0`)",
     {"misalign_penalty": 0.0}, "distributed"),
    ("fractions of attention carried, not lost (`attention = fractional`)",
     {"attention": 1.0}, "distributed"),
    ("peer coaches pick their least skilled tie (`peer_coachee`)", {"peer_coachee": 1.0},
     "distributed"),
    ("distributed without consultation", {}, "dist_no_consult"),
    ("distributed without peer coaching", {}, "dist_no_peer_coaching"),
    ("distributed serving in turn, not round-robin", {}, "dist_in_turn"),
]


def crossover(reach, win):
    """The first reach where win reaches 0.5 (linear interpolation), as text."""
    if win[0] >= 0.5:
        return "below %g (%.2f at ι = %g)" % (reach[0], win[0], reach[0])
    for i in range(1, len(reach)):
        if win[i] >= 0.5:
            x = reach[i - 1] + (0.5 - win[i - 1]) * (reach[i] - reach[i - 1]) / (
                win[i] - win[i - 1])
            return "ι ≈ %.2f" % x
    return "above %g (%.2f at ι = %g)" % (reach[-1], win[-1], reach[-1])


def win_rates(df, mode, fixed):
    sel = (df["mode"] == mode) & (df["metric"] == "value")
    for k, v in fixed.items():
        sel &= np.isclose(df[k], v)
    sub = df[sel].sort_values("info_reach")
    return sub["info_reach"].to_numpy(), sub["win_rate"].to_numpy()


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    warnings.simplefilter("ignore")  # pandas' fragmentation notice on wide record frames
    r = lr.load(argv[1])
    paired = r.paired
    rows = []
    base = None
    for label, change, mode in CHANGES:
        fixed = dict(SPEC, **change)
        reach, win = win_rates(paired, mode, fixed)
        at = float(win[np.isclose(reach, 0.5)][0])
        base = at if base is None else base
        delta = "" if label == "none" else " (%+.2f)" % (at - base)
        rows.append((label, "%.3f%s" % (at, delta), crossover(reach, win)))
    # consult_cost, drawn per organization: the lowest and highest third of uniform(0.1, 1),
    # under the specification's choices, then with fractional attention.
    wide = r.orgs_wide()
    spec = np.ones(len(wide), dtype=bool)
    for k, v in SPEC.items():
        if k != "attention":
            spec &= np.isclose(wide[k], v)
    whole = spec & np.isclose(wide["attention"], 0.0)
    wins = wide["value[distributed]"] > wide["value[centralized]"]
    bands = (("cheap", "[0.1, 0.4)", 0.1, 0.4), ("dear", "[0.7, 1]", 0.7, 1.0001))
    for attention in (0.0, 1.0):
        for word, text, lo, hi in bands:
            band = (spec & np.isclose(wide["attention"], attention)) if attention else whole
            band = band & (wide["consult_cost"] >= lo) & (wide["consult_cost"] < hi)
            reach = np.array(sorted(set(wide["info_reach"][band])))
            win = np.array([wins[band & np.isclose(wide["info_reach"], x)].mean()
                            for x in reach])
            at = float(win[np.isclose(reach, 0.5)][0])
            n = int((band & np.isclose(wide["info_reach"], 0.5)).sum())
            label = "%s consultation (drawn `consult_cost` in %s)%s, %d organizations" % (
                word, text, ", fractional attention" if attention else "", n)
            rows.append((label, "%.3f (%+.2f)" % (at, at - base), crossover(reach, win)))
    print("| change from the specification | distributed's win rate at ι = 0.5 | "
          "crossover (win rate 0.5) |")
    print("|---|---|---|")
    for row in rows:
        print("| %s | %s | %s |" % row)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
