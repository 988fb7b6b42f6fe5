#!/usr/bin/python3
"""Command-line tests of the analytic models (ishigami, sobol_g; docs/ANALYTIC_MODELS.md):
configs/ishigami.ini and configs/sobol_g.ini run end to end (statistics, records, inspect,
replay of one organization), and bad [model] constants are one-line errors.

usage: analytic_test.py LEADSIM SOURCE_DIR CASE   (CASE: a `case_*` name without prefix, or "all")

Runs on /usr/bin/python3 with the standard library, h5py and numpy.
"""

import json
import math
import os
import sys

import clitest
from clitest import Failure, check, expect_error, ok

LEADSIM = SOURCE = ""  # set by clitest.main


def config(name):
    return os.path.join(SOURCE, "configs", name + ".ini")


def inspect_json(path):
    p = ok("inspect", path, "--json")
    try:
        return json.loads(p.stdout)
    except ValueError as e:
        raise Failure("inspect --json is not JSON: %s\n%s" % (e, p.stdout[:2000]))


def case_ishigami_runs_inspects_and_replays():
    import h5py
    import numpy as np
    ok("run", config("ishigami"), "-o", "i.h5", "--quiet", "--orgs", "300")
    j = inspect_json("i.h5")
    check(j["provenance"]["model"] == "ishigami", "model name in the file", str(j["provenance"]))
    check(j["modes"] == ["model"] and j["baseline"] == "model", "the single mode 'model'",
          str(j["modes"]))
    check(j["record_fields"] == ["x1", "x2", "x3"], "record fields x1..x3", str(j["record_fields"]))
    check([m["name"] for m in j["metrics"]] == ["y"] and j["metrics"][0]["better"] == "none",
          "metric y, direction none", str(j["metrics"]))
    y = j["scenarios"][0]["modes"]["model"]["y"]
    # 300 organizations: the mean a/2 = 3.5 within 5 standard errors (sd sqrt(13.84) = 3.72).
    check(abs(y["mean"] - 3.5) < 5 * 3.72 / math.sqrt(300), "mean y near a/2", str(y))
    human = ok("inspect", "i.h5").stdout
    check("ishigami" in human and "y" in human, "inspect names the model and metric", human)
    # Every record: y is the formula of its x (the model's evaluation order, same doubles).
    with h5py.File("i.h5", "r") as f:
        x1, x2, x3 = (f["orgs/params/" + n][:] for n in ("x1", "x2", "x3"))
        stored = f["orgs/metrics/y"][:, 0]
        check(len(stored) == 300, "all 300 records kept (samples = all)", str(len(stored)))
    check(np.all(np.abs(np.concatenate([x1, x2, x3])) <= math.pi), "x inside [-pi, pi]")
    s1 = np.sin(x1)
    s2 = np.sin(x2)
    want = s1 + 7.0 * s2 * s2 + 0.1 * (x3 * x3) * (x3 * x3) * s1
    check(np.allclose(stored, want, rtol=1e-12, atol=1e-12), "y = sin x1 + a sin^2 x2 + ...")
    for k in ("0", "17", "299"):
        p = ok("replay", "i.h5", "--scenario", "0", "--org", k)
        check("record matches the file bit for bit" in p.stdout, "replay must match", p.stdout)
        check("x3" in p.stdout and "y" in p.stdout, "replay prints fields and metric", p.stdout)
    ok("replay", "i.h5", "--scenario", "0", "--org", "5", "--trace", "t.csv")
    with open("t.csv") as f:
        lines = f.read().splitlines()
    check(lines[0] == "mode,x1,x2,x3,y" and len(lines) == 2 and lines[1].startswith("model,"),
          "trace: one row of the inputs and y", "\n".join(lines))


def case_ishigami_sweep_of_a():
    import h5py
    ok("run", config("ishigami"), "-o", "s.h5", "--quiet", "--orgs", "50",
       "--set", "sweep.a=list(0,7)")
    j = inspect_json("s.h5")
    means = [s["modes"]["model"]["y"]["mean"] for s in j["scenarios"]]
    check(len(means) == 2, "two scenarios", str(means))
    with h5py.File("s.h5", "r") as f:
        sc = f["orgs/scenario"][:]
        x1 = f["orgs/params/x1"][:]
        check(list(x1[sc == 0]) == list(x1[sc == 1]), "the same organizations in both scenarios")
        check(f["scenarios/a"][:].tolist() == [0.0, 7.0], "the swept values are stored")
    ok("replay", "s.h5", "--scenario", "1", "--org", "49")


def case_sobol_g_runs_and_replays():
    ok("run", config("sobol_g"), "-o", "g.h5", "--quiet", "--orgs", "200")
    j = inspect_json("g.h5")
    check(j["provenance"]["model"] == "sobol_g", "model name", str(j["provenance"]))
    check(j["record_fields"] == ["x%d" % i for i in range(1, 9)], "x1..x8",
          str(j["record_fields"]))
    y = j["scenarios"][0]["modes"]["model"]["y"]
    # Mean 1, standard deviation sqrt(0.465) = 0.68.
    check(abs(y["mean"] - 1.0) < 5 * 0.68 / math.sqrt(200), "mean y near 1", str(y))
    p = ok("replay", "g.h5", "--scenario", "0", "--org", "123")
    check("record matches the file bit for bit" in p.stdout, "replay must match", p.stdout)


def case_params_lists_the_models():
    p = ok("params", "--model", "ishigami")
    for w in ("x1", "x3", "uniform(-3.141592653589793,3.141592653589793)", "per org", "0.1"):
        check(w in p.stdout, "params --model ishigami lists %r" % w, p.stdout)
    p = ok("params", "--model", "sobol_g")
    for w in ("x8", "a8", "99", "uniform(0,1)"):
        check(w in p.stdout, "params --model sobol_g lists %r" % w, p.stdout)


def case_bad_constants():
    expect_error(["run", config("ishigami"), "-o", "bad.h5", "--set", "model.a=1000"], 2,
                 ["model.a", "1000"])
    expect_error(["run", config("sobol_g"), "-o", "bad.h5", "--set", "model.a3=-1"], 2,
                 ["a3", "-1"])
    expect_error(["run", config("ishigami"), "-o", "bad.h5", "--set", "org.x1=uniform(0,4)"], 2,
                 ["x1"])
    expect_error(["run", config("ishigami"), "-o", "bad.h5", "--modes", "centralized"], 2,
                 ["centralized", "model"])


if __name__ == "__main__":
    sys.exit(clitest.main(globals()))
