#!/usr/bin/python3
"""Command-line tests of sensitivity studies ([sensitivity], docs/SENSITIVITY.md).

usage: sensitivity_test.py LEADSIM SOURCE_DIR CASE   (CASE: a `case_*` function name without
                                                      prefix, or "all")

The /sensitivity group is byte-identical whatever the thread count, the shards merged or the
interruptions resumed; a shard's file has none; a base sample replays bit for bit; xarray
labels the arrays; `inspect` ranks the factors by total index (top five, --all-factors,
--json with every array) and prints nothing of it for other files; bad settings are one-line
errors with exit 2 and no file. Runs on
/usr/bin/python3 with h5py and xarray.
"""

import os
import signal
import subprocess
import sys
import time

import clitest
from clitest import check, expect_error, ok

LEADSIM = SOURCE = ""  # set by clitest.main

STUDY = """[run]
model = leadership
seed = 11
block_size = 8
modes = centralized, distributed
baseline = centralized

[org]
workers = int_loguniform(10, 40)

[model]
periods = 16
misalign_penalty = uniform(0.2, 0.6)

[sweep]
delay_discount = list(0.05, 0.1)

[sensitivity]
base_samples = %d
outputs = delta/distributed/value, distributed/latency
bootstrap = 50
"""


def study(n=64, name="s.ini"):
    with open(name, "w") as f:
        f.write(STUDY % n)
    return name


def sensitivity(path):
    """Every dataset and attribute of /sensitivity, as bytes."""
    import h5py
    import numpy as np
    with h5py.File(path, "r") as f:
        if "sensitivity" not in f:
            return None
        g = f["sensitivity"]
        out = {k: (np.asarray(g[k][()]).tobytes() if g[k].dtype.kind != "O"
                   else repr(g[k][()].tolist())) for k in g}
        out.update({"@" + k: repr(g.attrs[k]) for k in g.attrs})
        return out


def case_threads_shards_merge_identical():
    ini = study()
    ok("run", ini, "-o", "t1.h5", "--threads", "1", "--quiet")
    ok("run", ini, "-o", "t3.h5", "--threads", "3", "--quiet")
    for k in range(3):
        ok("run", ini, "-o", "sh%d.h5" % k, "--shard", "%d/3" % k, "--quiet")
        check(sensitivity("sh%d.h5" % k) is None, "a shard's file holds no /sensitivity")
    ok("merge", "sh2.h5", "sh0.h5", "sh1.h5", "-o", "m.h5")
    ref = sensitivity("t1.h5")
    check(ref is not None and len(ref) > 10, "the study writes /sensitivity")
    check(sensitivity("t3.h5") == ref, "3 threads give the /sensitivity of 1 thread")
    check(sensitivity("m.h5") == ref, "merged shards give the /sensitivity of one run")
    import h5py
    import numpy as np
    with h5py.File("t1.h5", "r") as f:
        g = f["sensitivity"]
        factors = [x.decode() if isinstance(x, bytes) else x for x in g["factor"][()]]
        check(factors == ["workers", "span", "domains", "info_reach", "decision_rate",
                          "local_weight", "control_loss", "scope_escalation",
                          "manager_capacity", "misalign_penalty", "noise"],
              "factors: the [org] parameters with a distribution, the drawn constant, noise",
              factors)
        check(g["total"].shape == (2, 2, len(factors)), "total is [scenario, output, factor]",
              g["total"].shape)
        check(f.attrs["orgs_per_scenario"] == 64, "a base sample is an organization of the run")
        st = g["total"][()]
        check(np.all(np.isfinite(st[:, 0, :])), "delta/distributed/value has every index")


def interrupt(ini, out, delay, resume):
    args = [LEADSIM, "run", ini, "-o", out, "--quiet", "--threads", "2",
            "--checkpoint-interval", "0.01"] + (["--resume"] if resume else [])
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=600)
    return p.returncode, err


def case_resume_identical():
    ini = study(1500)
    t0 = time.time()
    ok("run", ini, "-o", "ref.h5", "--quiet", "--threads", "2")
    span = time.time() - t0
    interrupted = 0
    for rounds in range(40):
        code, err = interrupt(ini, "r.h5", span / 4, rounds > 0)
        if code == 0:
            break
        check(code == 3, "SIGTERM exits 3 (got %d)" % code, err)
        interrupted += 1
    check(interrupted >= 1, "the run was never interrupted: nothing tested")
    check(sensitivity("r.h5") == sensitivity("ref.h5"),
          "resumed after %d interruptions: the /sensitivity of one run" % interrupted)


def case_replay_base_sample():
    ini = study()
    ok("run", ini, "-o", "s.h5", "--quiet")
    p = ok("replay", "s.h5", "--scenario", "1", "--org", "17")
    check("record matches the file bit for bit" in p.stdout + p.stderr,
          "a base sample (every design point) replays bit for bit", p.stdout + p.stderr)
    # --trace writes point A's trace (the record is point A's): every mode over every
    # period, the same on every replay.
    p = ok("replay", "s.h5", "--scenario", "1", "--org", "17", "--trace", "t.csv")
    check("record matches the file bit for bit" in p.stdout + p.stderr,
          "a base sample replays bit for bit with --trace", p.stdout + p.stderr)
    ok("replay", "s.h5", "--scenario", "1", "--org", "17", "--trace", "t2.csv")
    text = open("t.csv").read()
    check(text == open("t2.csv").read(), "the trace is the same on every replay")
    lines = text.splitlines()
    check(lines[0].startswith("mode,"), "trace header", lines[0])
    per_mode = {}
    for line in lines[1:]:
        per_mode[line.split(",")[0]] = per_mode.get(line.split(",")[0], 0) + 1
    import h5py
    with h5py.File("s.h5", "r") as f:
        modes = [m.decode() if isinstance(m, bytes) else str(m) for m in f["modes"][()]]
    check(sorted(per_mode) == sorted(modes) and len(set(per_mode.values())) == 1 and
          min(per_mode.values()) > 1, "one row per period for every mode", str(per_mode))


def case_xarray_labels():
    ini = study()
    ok("run", ini, "-o", "s.h5", "--quiet")
    import xarray as xr
    ds = xr.open_dataset("s.h5", group="sensitivity", engine="h5netcdf")
    check(ds["total"].dims == ("scenario", "output", "factor"), "labelled dims",
          ds["total"].dims)
    check(list(ds["output"].values) == ["delta/distributed/value", "distributed/latency"],
          "outputs as configured", list(ds["output"].values))
    v = float(ds["total"].sel(output="delta/distributed/value", factor="info_reach",
                              scenario=0))
    check(0.0 <= v <= 1.5, "an index reads as a number", v)


def case_bad_settings():
    ini = study()
    expect_error(["run", ini, "-o", "x.h5", "--orgs", "10"], 2,
                 ["--orgs", "sensitivity.base_samples"])
    expect_error(["run", ini, "-o", "x.h5", "--samples", "none"], 2,
                 ["output.samples", "keeps every record"])
    expect_error(["run", ini, "-o", "x.h5", "--set", "sensitivity.method=morris"], 2,
                 ["sensitivity.method", "sobol"])
    expect_error(["run", ini, "-o", "x.h5", "--set", "sensitivity.base_samples=1"], 2,
                 ["sensitivity.base_samples"])
    expect_error(["run", ini, "-o", "x.h5", "--set", "sensitivity.factors=info_reach, typo"], 2,
                 ["sensitivity.factors", "'typo'", "info_reach"])
    expect_error(["run", ini, "-o", "x.h5", "--set",
                  "sensitivity.outputs=distributed/valeu"], 2,
                 ["sensitivity.outputs", "distributed/valeu", "metrics"])
    expect_error(["run", ini, "-o", "x.h5", "--set",
                  "sensitivity.outputs=delta/centralized/value"], 2,
                 ["delta/centralized/value", "baseline"])
    # Nothing drawn per organization: nothing to analyse.
    expect_error(["run", os.path.join(SOURCE, "configs", "march1991-fig1.ini"), "-o", "x.h5",
                  "--set", "sensitivity.base_samples=8"], 2, ["sensitivity"])


def case_factor_subset_moves_the_rest_into_noise():
    # With only two factors analysed, the other [org] parameters are held with A in B and every
    # A_B point and redrawn with the noise: their effect is the noise factor's.
    ini = study()
    ok("run", ini, "-o", "s.h5", "--quiet", "--set",
       "sensitivity.factors=info_reach, decision_rate")
    import h5py
    with h5py.File("s.h5", "r") as f:
        g = f["sensitivity"]
        factors = [x.decode() if isinstance(x, bytes) else x for x in g["factor"][()]]
        check(factors == ["info_reach", "decision_rate", "noise"], "two factors and noise",
              factors)
        total = g["total"][()]
        check(total[0, 0, 2] > total[0, 0, 0], "noise (with 9 unanalysed factors) outweighs "
              "info_reach on Δvalue", total[0, 0, :])


def closed_ishigami(a, b):
    import math
    pi4, pi8 = math.pi ** 4, math.pi ** 8
    v1 = 0.5 * (1 + b * pi4 / 5) ** 2
    v2 = a * a / 8
    v13 = b * b * pi8 * (1.0 / 18 - 1.0 / 50)
    v = v1 + v2 + v13
    return [v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v]


def closed_sobol_g(a):
    vi = [1.0 / (3 * (1 + x) ** 2) for x in a]
    prod = 1.0
    for x in vi:
        prod *= 1 + x
    v = prod - 1
    return [x / v for x in vi], [x * prod / (1 + x) / v for x in vi]


def analytic_study(model, n, extra=""):
    name = model + ".ini"
    with open(name, "w") as f:
        f.write("[run]\nmodel = %s\nseed = 5\nblock_size = 64\n%s\n"
                "[sensitivity]\nbase_samples = %d\nbootstrap = 400\nconfidence = 0.999\n"
                % (model, extra, n))
    ok("run", name, "-o", model + ".h5", "--quiet", "--force")
    import h5py
    with h5py.File(model + ".h5", "r") as f:
        g = f["sensitivity"]
        return {k: g[k][()] for k in ("first_order", "total", "first_order_ci_low",
                                      "first_order_ci_high", "total_ci_low", "total_ci_high")}, \
            [x.decode() if isinstance(x, bytes) else x for x in g["factor"][()]]


def check_closed(got, factors, s1, st, what):
    check(len(factors) == len(s1), "%s: one factor per input, no noise factor (deterministic)"
          % what, factors)
    for i, name in enumerate(factors):
        for key, truth in (("first_order", s1[i]), ("total", st[i])):
            lo, hi = got[key + "_ci_low"][0, 0, i], got[key + "_ci_high"][0, 0, i]
            check(lo <= truth <= hi, "%s: %s %s = %.4f, closed form %.4f outside the 99.9%% "
                  "interval [%.4f, %.4f]" % (what, name, key, got[key][0, 0, i], truth, lo, hi))


def case_analytic_models_match_closed_forms():
    """Through the whole pipeline (design, runner, records, /sensitivity), the indices of the
    Ishigami and Sobol' G functions bracket their closed forms in 99.9 % bootstrap intervals,
    for two parameter vectors each (a check fails by chance with probability about 1e-3)."""
    for a, b in ((7.0, 0.1), (5.0, 0.05)):
        got, factors = analytic_study("ishigami", 4096, "[model]\na = %r\nb = %r\n" % (a, b))
        s1, st = closed_ishigami(a, b)
        check_closed(got, factors, s1, st, "ishigami(%g, %g)" % (a, b))
    for a in ((0, 1, 4.5, 9, 99, 99, 99, 99), (0.5, 0.5, 3, 3, 9, 9, 99, 99)):
        consts = "".join("a%d = %r\n" % (i + 1, float(x)) for i, x in enumerate(a))
        got, factors = analytic_study("sobol_g", 4096, "[model]\n" + consts)
        s1, st = closed_sobol_g(a)
        check_closed(got, factors, s1, st, "sobol_g%s" % (a,))

def strings(ds):
    return [x.decode() if isinstance(x, bytes) else x for x in ds[()]]


def ranking(text, scenario, output):
    """The (factor, ST, S1) rows `inspect` prints under `output` of `scenario` in the
    sensitivity section, and the line after them ("(k more; ...)" or the next heading)."""
    import re
    lines = text.splitlines()
    at = next(i for i, l in enumerate(lines) if l.startswith("sensitivity ("))
    at = next(i for i in range(at, len(lines))
              if re.match(r"scenario %d(  |$)" % scenario, lines[i]))
    at = next(i for i in range(at, len(lines)) if lines[i].startswith("  %s " % output))
    check(lines[at + 1].split() == ["factor", "ST", "S1"], "a table header under " + output,
          "\n".join(lines[at:at + 3]))
    rows = []
    i = at + 2
    while i < len(lines) and lines[i].startswith("    ") and not lines[i].startswith("    ("):
        name, rest = lines[i].split(None, 1)
        numbers = [float(x) for x in re.findall(r"-?\d+\.\d+", rest)]
        check(len(numbers) in (2, 6), "ST and S1, each alone or with its interval", lines[i])
        rows.append((name, numbers[0], numbers[len(numbers) // 2]))
        i += 1
    return rows, lines[i] if i < len(lines) else ""


def case_inspect_ranks_factors():
    ini = study()
    ok("run", ini, "-o", "s.h5", "--quiet")
    import h5py
    import numpy as np
    with h5py.File("s.h5", "r") as f:
        g = f["sensitivity"]
        factors, outputs = strings(g["factor"]), strings(g["output"])
        total, first = g["total"][()], g["first_order"][()]
        used = g["base_samples_used"][()]
    F = len(factors)
    check(F > 5, "the study has more than five factors", factors)
    text = ok("inspect", "s.h5").stdout
    check("sensitivity (Sobol', 64 base samples, 50 bootstrap resamples, 95% intervals)" in text,
          "inspect heads the section with the design", text)
    check(text.index("sensitivity (Sobol'") > text.index("scenario 1  (delay_discount"),
          "the section follows the per-scenario tables", text)
    full = ok("inspect", "s.h5", "--all-factors").stdout
    for s in range(2):
        for o, output in enumerate(outputs):
            rows, after = ranking(text, s, output)
            check(len(rows) == 5, "five factors by default (%s, scenario %d)" % (output, s),
                  text)
            check(after.strip() == "(%d more; inspect --all-factors)" % (F - 5),
                  "the note names the factors left out", after)
            order = sorted(range(F), key=lambda f: -total[s, o, f])
            check(rows[0][0] == factors[order[0]], "the largest total index first",
                  "%s vs %s" % (rows, factors[order[0]]))
            for name, st, s1 in rows:
                f = factors.index(name)
                check(abs(st - total[s, o, f]) <= 5e-4 and abs(s1 - first[s, o, f]) <= 5e-4,
                      "ST and S1 as stored (%s)" % name, str((st, s1, total[s, o, f])))
            sts = [r[1] for r in rows]
            check(sts == sorted(sts, reverse=True), "ranked by decreasing ST", str(rows))
            rows, after = ranking(full, s, output)
            check(sorted(r[0] for r in rows) == sorted(factors),
                  "--all-factors lists every factor", str(rows))
            check("more; inspect" not in after, "no note with --all-factors", after)
            check([r[0] for r in rows[:5]] == [r[0] for r in ranking(text, s, output)[0]],
                  "the same top five with --all-factors", full)
    check(np.all(used == 64), "every base sample used")
    check("base samples used" not in text, "base samples used only when fewer than the design")
    check("sum S1 " in text and "sum ST " in text, "the sums per output", text)
    # The noise factor and its meaning.
    check("noise (noise: the simulation's own randomness" in text, "noise explained", text)


def case_inspect_json_holds_the_arrays():
    ini = study()
    ok("run", ini, "-o", "s.h5", "--quiet")
    import json
    import h5py
    import numpy as np
    p = ok("inspect", "s.h5", "--json")
    j = json.loads(p.stdout)["sensitivity"]
    with h5py.File("s.h5", "r") as f:
        g = f["sensitivity"]
        check(j["factors"] == strings(g["factor"]) and j["outputs"] == strings(g["output"])
              and j["output_units"] == strings(g["output_units"]), "labels", str(j)[:500])
        check(j["method"] == "sobol" and j["base_samples"] == 64 and
              j["bootstrap_resamples"] == 50 and j["confidence_level"] == 0.95 and
              j["noise_factor"] == "noise" and j["scenarios"] == 2, "attributes", str(j)[:500])
        for name in ["first_order", "first_order_ci_low", "first_order_ci_high", "total",
                     "total_ci_low", "total_ci_high", "mean", "variance", "sum_first_order",
                     "sum_total", "base_samples_used"]:
            want = g[name][()]
            got = np.array(j[name], dtype=float)  # null (NaN) reads as nan
            check(got.shape == want.shape, "%s has the shape of the file" % name,
                  str((got.shape, want.shape)))
            check(np.array_equal(got, want.astype(float), equal_nan=True),
                  "%s holds the file's values exactly" % name)


def case_inspect_without_sensitivity():
    ok("run", clitest.quick_ini(), "-o", "q.h5", "--quiet")
    text = ok("inspect", "q.h5").stdout
    check("sensitivity" not in text and "Sobol" not in text,
          "no sensitivity section without /sensitivity", text)
    check(ok("inspect", "q.h5", "--all-factors").stdout == text,
          "--all-factors changes nothing without /sensitivity")
    import json
    check("sensitivity" not in json.loads(ok("inspect", "q.h5", "--json").stdout),
          "no sensitivity key in --json without /sensitivity")


def case_inspect_without_bootstrap_and_unusable_output():
    # No intervals without bootstrap; an output that is never finite (resilience needs a
    # shock) has no indices and says why.
    ini = study(16)
    ok("run", ini, "-o", "s.h5", "--quiet", "--set", "sensitivity.bootstrap=0", "--set",
       "sensitivity.outputs=distributed/value, distributed/resilience")
    text = ok("inspect", "s.h5").stdout
    check("sensitivity (Sobol', 16 base samples, no bootstrap intervals)" in text,
          "the design says there are no intervals", text)
    rows, _ = ranking(text, 0, "distributed/value")
    check(len(rows) == 5, "five factors", text)
    section = text[text.index("sensitivity (Sobol'"):]
    check("[lo, hi]" not in section and "[" not in "".join(
        l for l in section.splitlines() if l.startswith("    ")), "no intervals", section)
    import h5py
    import numpy as np
    with h5py.File("s.h5", "r") as f:
        used = f["sensitivity/base_samples_used"][()]
    check(np.all(used[:, 1] == 0), "premise: resilience is never finite without a shock", used)
    check(text.count("base samples used 0 of 16") == 2, "fewer base samples named", text)
    check(text.count("no indices: fewer than 2 base samples") == 2, "no indices, and why", text)


if __name__ == "__main__":
    sys.exit(clitest.main(globals()))
