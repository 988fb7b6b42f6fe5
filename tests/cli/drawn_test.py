#!/usr/bin/python3
"""Command-line tests of [model] constants drawn per organization (docs/MODEL.md §6.5).

usage: drawn_test.py LEADSIM SOURCE_DIR CASE   (CASE: a `case_*` function name without prefix,
                                                or "all")

A run with drawn constants records one /orgs/params column per drawn constant and none
otherwise; the [org] columns are those of the run with the constant fixed; the drawn value of
an organization is the same in every scenario; thread counts give identical files; replay
reproduces an organization bit for bit; `inspect` and the Python loader read the file; bad
distributions are one-line errors with exit 2. Runs on /usr/bin/python3 with h5py.
"""

import os
import sys

import clitest
from clitest import check, expect_error, ok, quick_ini

LEADSIM = SOURCE = ""  # set by clitest.main

# Drawn: one integer constant that sizes the environment, a value factor and a policy-bound
# constant, with a mode that keeps its own theta.
DRAWN = ["--set", "model.periods=int_uniform(10,30)",
         "--set", "model.misalign_penalty=uniform(0.2,0.6)",
         "--set", "model.theta=uniform(0.1,0.5)",
         "--set", "mode.exception.theta=0.5"]
SMALL = ["--orgs", "24", "--set", "org.workers=int_uniform(5,30)", "--samples", "all",
         "--quiet"]
PROVENANCE = {"created_utc", "command_line", "threads", "wall_seconds", "hostname", "host",
              "user", "cpu"}


def run(out, *extra):
    ok("run", quick_ini(), "-o", out, *SMALL, *extra)
    return out


def params(path):
    import h5py
    with h5py.File(path, "r") as f:
        g = f["orgs/params"]
        return ({k: g[k][...] for k in g},
                {k: {a: g[k].attrs[a] for a in g[k].attrs} for k in g})


def datasets(path):
    import h5py
    import numpy as np
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                a = np.asarray(obj[()])
                out[name] = (a.dtype.str, a.tobytes() if a.dtype.kind != "O" else
                             repr(a.ravel().tolist()), a.shape)
        f.visititems(visit)
        attrs = {k: repr(f.attrs[k]) for k in f.attrs if k not in PROVENANCE}
    return out, attrs


def case_record_columns_only_for_drawn_constants():
    """A run without drawn constants has exactly the usual 19 columns; with three drawn, three
    more (unit and description from the registry); the [org] columns and levels, managers,
    problems and manager_load of the two runs are identical organization by organization
    (periods changes the problem count, so it is fixed here)."""
    import numpy as np
    run("fixed.h5")
    run("drawn.h5", "--set", "model.misalign_penalty=uniform(0.2,0.6)",
        "--set", "model.theta=uniform(0.1,0.5)", "--set", "model.deadline=int_uniform(2,9)")
    pf, _ = params("fixed.h5")
    pd_, attrs = params("drawn.h5")
    check(len(pf) == 19, "a run without drawn constants records 19 fields", str(sorted(pf)))
    check(set(pd_) - set(pf) == {"misalign_penalty", "theta", "deadline"},
          "one column per drawn constant", str(sorted(set(pd_) - set(pf))))
    for name in pf:
        check(pf[name].tobytes() == pd_[name].tobytes(),
              "column %s differs from the fixed-constant run" % name)
    units = {k: (v["units"].decode() if isinstance(v["units"], bytes) else v["units"])
             for k, v in attrs.items() if "units" in v}
    check(units.get("deadline") == "periods" and units.get("theta") == "k·c",
          "units of the drawn columns", str(units))
    d = pd_["deadline"]
    check(np.all(d == np.round(d)) and d.min() >= 2 and d.max() <= 9 and len(set(d)) > 3,
          "deadline: integers in [2, 9]", str(d))
    m = pd_["misalign_penalty"]
    check(m.min() >= 0.2 and m.max() < 0.6, "misalign_penalty within its support", str(m))


def case_same_draw_in_every_scenario():
    """quick.ini sweeps info_reach (0.2, 0.8): organization k draws the same constants in both
    scenarios (common random numbers)."""
    import h5py
    import numpy as np
    run("out.h5", *DRAWN)
    with h5py.File("out.h5", "r") as f:
        s = f["orgs/scenario"][...]
        k = f["orgs/org"][...]
        for name in ["periods", "misalign_penalty", "theta"]:
            v = f["orgs/params/" + name][...]
            by = {}
            for sc, org, x in zip(s, k, v):
                by.setdefault(int(org), {})[int(sc)] = x
            both = [o for o in by if len(by[o]) == 2]
            check(len(both) == 24, "every organization in both scenarios")
            check(all(by[o][0].tobytes() == by[o][1].tobytes() for o in both),
                  "%s differs between scenarios for the same organization" % name)
        check(len(set(f["orgs/params/periods"][...])) > 5, "periods varies across organizations")


def case_threads_and_replay_bitwise():
    """1 and 3 threads give identical records and statistics; replay of organizations with
    drawn constants (a mode with its own theta among them) matches bit for bit, and its trace
    has the organization's drawn number of periods per mode."""
    import h5py
    run("t1.h5", *DRAWN, "--threads", "1")
    run("t3.h5", *DRAWN, "--threads", "3")
    a, aa = datasets("t1.h5")
    b, ab = datasets("t3.h5")
    check(sorted(a) == sorted(b), "the same datasets")
    differ = [n for n in a if a[n] != b[n]]
    check(not differ, "1 and 3 threads differ in %s" % differ[:10])
    check("orgs/params/periods" in a, "records compared")
    differ = [k for k in aa if aa.get(k) != ab.get(k)]
    check(not differ, "root attributes differ: %s" % differ)
    with h5py.File("t1.h5", "r") as f:
        idx = [i for i in range(len(f["orgs/org"])) if f["orgs/scenario"][i] == 1][:3]
        cases = [(int(f["orgs/scenario"][i]), int(f["orgs/org"][i]),
                  int(f["orgs/params/periods"][i])) for i in idx]
    for s, k, periods in cases:
        p = ok("replay", "t1.h5", "--scenario", str(s), "--org", str(k))
        check("record matches the file bit for bit" in p.stdout, "replay must match", p.stdout)
        check("misalign_penalty" in p.stdout and "theta" in p.stdout,
              "replay prints the drawn constants", p.stdout)
    s, k, periods = cases[0]
    ok("replay", "t1.h5", "--scenario", str(s), "--org", str(k), "--mode", "exception",
       "--trace", "t.csv")
    with open("t.csv") as f:
        rows = f.read().splitlines()[1:]
    check(len(rows) == periods, "trace rows = the organization's drawn periods (%d)" % periods,
          str(len(rows)))


def case_inspect_and_python_loader():
    """inspect (text and JSON) and tools/leadsim_results.py read a file with drawn constants;
    the loader's per-organization frame has the drawn columns."""
    import json
    import subprocess
    run("out.h5", *DRAWN)
    ok("inspect", "out.h5")
    j = json.loads(ok("inspect", "out.h5", "--json").stdout)
    check(isinstance(j, dict), "inspect --json gives an object")
    code = ("import sys; sys.path.insert(0, %r); import leadsim_results as lr; "
            "r = lr.load('out.h5'); o = r.orgs; "
            "assert {'periods', 'misalign_penalty', 'theta'} <= set(o.columns), list(o.columns); "
            "assert o['periods'].between(10, 30).all(); print(len(o))"
            % os.path.join(SOURCE, "tools"))
    p = subprocess.run(["/usr/bin/python3", "-c", code], capture_output=True, text=True)
    check(p.returncode == 0, "the Python loader reads the drawn columns", p.stdout + p.stderr)


def case_bad_drawn_constants():
    """A continuous distribution on an integer constant, a distribution on a switch, and a
    support outside the legal range: one line naming the key, exit 2, no file."""
    for setting, words in [
            ("model.periods=uniform(10,30)", ["model.periods", "integer distribution"]),
            ("model.shock_at=normal(5,2)", ["model.shock_at", "integer distribution"]),
            ("model.peer_coachee=choice(0,1)", ["model.peer_coachee", "switch", "fixed"]),
            ("model.misalign_penalty=uniform(0.5,1.5)", ["model.misalign_penalty",
                                                         "legal range"]),
            ("model.deadline=int_uniform(-3,4)", ["model.deadline", "legal range"]),
            ("model.coach_share=uniform(0.6,0.9)", ["coach_share", "more than 1"])]:
        expect_error(["run", quick_ini(), "-o", "x.h5", "--set", setting], 2, words)
    # The run's own keys stay numbers.
    expect_error(["run", quick_ini(), "-o", "x.h5", "--set", "run.orgs=int_uniform(2,5)"], 2,
                 ["orgs"])


def case_params_marks_drawable_constants():
    """`leadsim params` says which constants can be drawn, which only from integer
    distributions, and which are switches."""
    out = ok("params").stdout
    rows = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) > 2 and f[0] in ("run", "output", "org", "model"):
            rows[f[1]] = line
    check("constant or drawn (int)" in rows["periods"], "periods: integer draws", rows["periods"])
    check("constant or drawn (int)" in rows["shock_at"], "shock_at", rows["shock_at"])
    check("constant or drawn" in rows["misalign_penalty"] and
          "(int)" not in rows["misalign_penalty"], "misalign_penalty", rows["misalign_penalty"])
    check("constant or drawn" in rows["theta"], "theta", rows["theta"])
    check("switch" in rows["peer_coachee"] and "drawn" not in rows["peer_coachee"],
          "peer_coachee is a switch", rows["peer_coachee"])
    check("drawn" not in rows["seed"] and "drawn" not in rows["orgs"], "run keys are constants")
    check("drawn once per organization" in ok("params", "--help").stdout,
          "params --help explains drawn constants")


def case_assumptions_study_and_its_table():
    """configs/assumptions.ini runs (a few organizations per scenario) and
    tools/assumptions_table.py turns its file into the table of configs/README.md: one row per
    switch and per consult_cost band, each with a win rate in [0, 1] and a crossover."""
    import subprocess
    ok("run", os.path.join(SOURCE, "configs", "assumptions.ini"), "-o", "a.h5", "--orgs", "40",
       "--quiet")
    p = subprocess.run(["/usr/bin/python3", os.path.join(SOURCE, "tools", "assumptions_table.py"),
                        "a.h5"], capture_output=True, text=True, timeout=300)
    check(p.returncode == 0, "assumptions_table.py exits 0", p.stderr)
    rows = [l for l in p.stdout.splitlines() if l.startswith("| ") and "---" not in l][1:]
    check(len(rows) == 12, "12 rows: 8 switches and 4 consult_cost bands", p.stdout)
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        rate = float(cells[1].split()[0])
        check(0.0 <= rate <= 1.0, "a win rate in [0, 1]", row)
        check("ι" in cells[2], "a crossover", row)


if __name__ == "__main__":
    sys.exit(clitest.main(globals()))
