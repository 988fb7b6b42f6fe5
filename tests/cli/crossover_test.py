#!/usr/bin/python3
"""Command-line tests of `leadsim inspect --crossover`: the table and its heading, the JSON
object, a sweep whose other axes are held at one value, and the bad inputs (no sweep, two
varying axes, unknown metric or mode, the baseline, a metric without a direction, --by, the
options without --crossover). The agreement with the Python package's crossover() is checked
in tests/python/test_crossover.py.

usage: crossover_test.py LEADSIM SOURCE_DIR CASE   (CASE: a `case_*` function name without
                                                    prefix, or "all")
"""

import json
import sys

import clitest
from clitest import Failure, check, expect_error, ok, quick_ini

LEADSIM = SOURCE = ""  # set by clitest.main

MODES = ["centralized", "exception", "delegated", "coaching", "distributed"]


def run_quick(out="out.h5", *extra):
    ok("run", quick_ini(), "-o", out, "--quiet", "--orgs", "32", *extra)
    return out


def crossover_json(*args):
    p = ok("inspect", *args, "--crossover", "--json")
    try:
        return json.loads(p.stdout)
    except ValueError as e:
        raise Failure("inspect --crossover --json is not JSON: %s\n%s" % (e, p.stdout[:2000]))


def case_text_table():
    run_quick()
    p = ok("inspect", "out.h5", "--crossover")
    head = ("crossover of value win rate vs centralized along info_reach: where P(mode better) "
            "crosses 0.5; CI from the stored per-point 95% Wilson intervals (pointwise)")
    check(head in p.stdout, "the heading says what the crossover is", p.stdout)
    check("info_reach: 2 swept values, 0.2 to 0.8; better: higher value" in p.stdout,
          "the axis line", p.stdout)
    lines = p.stdout.splitlines()
    header = [l for l in lines if l.split()[:1] == ["mode"]]
    check(len(header) == 1 and all(w in header[0] for w in
                                   ["crossover", "95% CI", "direction", "note", "points"]),
          "one table with its columns", p.stdout)
    body = lines[lines.index(header[0]) + 1:]
    rows = [l.split()[0] for l in body[:body.index("")]]
    check(rows == MODES[1:], "one row per mode but the baseline", p.stdout)
    check("per-scenario" not in p.stdout and "scenario 0" not in p.stdout,
          "--crossover prints the crossovers only", p.stdout)
    # Two metrics by mean, two modes in the order given.
    p = ok("inspect", "out.h5", "--crossover", "--by", "mean", "--metric", "value", "--metric",
           "latency", "--mode", "distributed", "--mode", "exception")
    for w in ["crossover of value mean difference (mode - centralized) along info_reach",
              "crossover of latency mean difference", "better: lower latency",
              "95% intervals of the mean difference (pointwise)"]:
        check(w in p.stdout, "inspect --crossover --by mean lacks %r" % w, p.stdout)
    rows = [l.split()[0] for l in p.stdout.splitlines()
            if l.startswith("  ") and l.split()[0] in MODES]
    check(rows == ["distributed", "exception"] * 2, "modes in the order given, per metric",
          p.stdout)


def case_json():
    run_quick()
    j = crossover_json("out.h5")
    check(j["modes"] == MODES and len(j["scenarios"]) == 2, "the whole inspect document", str(j))
    c = j["crossover"]
    check(c["by"] == "win_rate" and c["threshold"] == 0.5 and c["axis"] == "info_reach" and
          c["values"] == [0.2, 0.8] and c["held"] == {} and c["baseline"] == "centralized",
          "crossover attributes", str(c))
    check([r["mode"] for r in c["rows"]] == MODES[1:], "one row per non-baseline mode", str(c))
    for r in c["rows"]:
        check(r["metric"] == "value" and r["better"] == "higher" and r["points"] == 2,
              "row labels", str(r))
        check(r["direction"] in ("up", "down", "") and r["note"] in ("below", "above", ""),
              "direction and note", str(r))
        if r["crossover"] is None:
            check(r["direction"] == "", "no direction without a crossing", str(r))
        else:
            check(0.2 <= r["crossover"] <= 0.8 and r["note"] == "", "a crossing in range",
                  str(r))
        for b in ("ci_low", "ci_high"):
            check(r[b] is None or 0.2 <= r[b] <= 0.8, "CI clipped to the swept range", str(r))
    m = crossover_json("out.h5", "--by", "mean", "--metric", "latency")["crossover"]
    check(m["by"] == "mean" and m["threshold"] == 0.0, "by mean", str(m))
    check({r["metric"] for r in m["rows"]} == {"latency"} and
          {r["better"] for r in m["rows"]} == {"lower"}, "latency rows", str(m))


def case_held_axis():
    """A second swept parameter at one value is held: the sweep is still one-dimensional."""
    run_quick("out.h5", "--set", "sweep.decision_rate=list(2)")
    c = crossover_json("out.h5")["crossover"]
    check(c["axis"] == "info_reach" and c["held"] == {"decision_rate": 2.0}, "held axis", str(c))
    p = ok("inspect", "out.h5", "--crossover")
    check("; decision_rate = 2;" in p.stdout, "the held value is shown", p.stdout)


def case_bad_no_sweep():
    run_quick("out.h5", "--set", "sweep.info_reach=none")
    expect_error(["inspect", "out.h5", "--crossover"], 2, ["out.h5", "sweep", "nothing"])


def case_bad_two_axes():
    run_quick("out.h5", "--set", "sweep.decision_rate=list(0.5,2)")
    p = expect_error(["inspect", "out.h5", "--crossover"], 2,
                     ["1-D sweep", "info_reach (2 values)", "decision_rate (2 values)",
                      "python -m leadsim plot --kind crossover", "leadsim.load"])
    expect_error(["inspect", "out.h5", "--crossover", "--json"], 2, ["1-D sweep"])


def case_bad_values():
    run_quick()
    expect_error(["inspect", "out.h5", "--crossover", "--metric", "valu"], 2,
                 ["valu", "known", "value", "latency"])
    expect_error(["inspect", "out.h5", "--crossover", "--metric", "peer_share"], 2,
                 ["peer_share", "better = none"])
    expect_error(["inspect", "out.h5", "--crossover", "--mode", "anarchy"], 2,
                 ["anarchy", "known", "distributed"])
    expect_error(["inspect", "out.h5", "--crossover", "--mode", "centralized"], 2,
                 ["centralized", "baseline"])
    expect_error(["inspect", "out.h5", "--crossover", "--by", "median"], 2,
                 ["median", "win_rate", "mean"])
    for opt, value in (("--metric", "value"), ("--mode", "distributed"), ("--by", "mean")):
        expect_error(["inspect", "out.h5", opt, value], 2, [opt, "--crossover"])


def case_help():
    p = ok("inspect", "--help")
    for w in ["--crossover", "--metric", "--mode", "--by", "win_rate", "Wilson"]:
        check(w in p.stdout, "inspect --help lacks %r" % w, p.stdout)


if __name__ == "__main__":
    sys.exit(clitest.main(globals()))
