#!/usr/bin/python3
"""Command-line tests of the `leadsim` binary.

usage: cli_test.py LEADSIM SOURCE_DIR CASE   (CASE: a `case_*` function name without prefix,
                                              or "all")

Each case runs in a fresh temporary directory. Bad-input cases assert the exit code, key
words of the one-line "leadsim: error: ..." message, and that no file (results or temporary)
appeared. Runs on /usr/bin/python3 with the standard library and h5py.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import clitest
from clitest import Failure, check, describe, expect_error, leadsim, listing, ok, quick_ini

LEADSIM = SOURCE = ""  # set by clitest.main


MODES = ["centralized", "exception", "delegated", "coaching", "distributed"]


def run_quick(out="out.h5", *extra):
    ok("run", quick_ini(), "-o", out, "--quiet", *extra)
    check(os.path.isfile(out), "results file missing: " + out)
    return out


def inspect_json(path):
    p = ok("inspect", path, "--json")
    try:
        return json.loads(p.stdout)
    except ValueError as e:
        raise Failure("inspect --json is not JSON: %s\n%s" % (e, p.stdout[:2000]))


# ---------------------------------------------------------------------------------------------
# Subcommands on quick.ini


def case_version():
    p = ok("--version")
    first = p.stdout.splitlines()[0]
    check(first.startswith("leadsim ") and first.split()[1][0].isdigit(),
          "--version's first line must be 'leadsim X.Y.Z'", p.stdout)
    check("git:" in p.stdout and "compiler:" in p.stdout, "--version lacks git/compiler", p.stdout)


def case_assumptions_study_runs():
    """configs/assumptions.ini resolves and runs: 64 scenarios over the switches, the mode
    variants with one peer mechanism off each (tiny --orgs: this checks the file, not the
    numbers of configs/README.md)."""
    import h5py
    ok("run", os.path.join(SOURCE, "configs", "assumptions.ini"), "-o", "a.h5", "--quiet",
       "--orgs", "2")
    with h5py.File("a.h5", "r") as f:
        modes = [m.decode() if isinstance(m, bytes) else m for m in f["modes"][...]]
        check(modes == ["centralized", "distributed", "dist_no_consult", "dist_no_peer_coaching",
                        "dist_in_turn"], "the study's modes", str(modes))
        check(int(f.attrs["scenarios"]) == 64, "4 x 2 x 2 x 2 x 2 scenarios")
        cfg = f.attrs["config"]
        cfg = cfg.decode() if isinstance(cfg, bytes) else cfg
        check("peer_coachee = list(0, 1)" in cfg or "peer_coachee = list(0,1)" in cfg,
              "the switch is swept", cfg[-800:])


def case_help():
    p = ok("help")
    for w in ["run", "inspect", "replay", "params", "Exit codes", "interrupted"]:
        check(w in p.stdout, "help lacks %r" % w, p.stdout)
    for sub in ["run", "inspect", "replay", "params"]:
        a = ok("help", sub).stdout
        b = ok(sub, "--help").stdout
        check(a == b, "`help %s` and `%s --help` differ" % (sub, sub))
        check(a.startswith("usage: leadsim " + sub) and "Exit codes" in a,
              "help of %s lacks usage or exit codes" % sub, a)
    check("--samples" in ok("help", "run").stdout, "run help lacks --samples")
    p = leadsim()
    check(p.returncode == 2 and "usage" in p.stderr, "no subcommand must exit 2 with usage",
          describe(p))


def case_params():
    p = ok("params")
    for w in ["info_reach", "workers", "decision_rate", "orgs", "seed", "samples"]:
        check(w in p.stdout, "params lacks %r" % w, p.stdout)
    md = ok("params", "--markdown").stdout
    rows = [l for l in md.splitlines() if l.startswith("|")]
    check(len(rows) > 20, "markdown table too short", md)
    header = [c.strip() for c in rows[0].strip("|").split("|")]
    for col in ["section", "name", "default", "range", "unit", "meaning"]:
        check(col in header, "markdown header lacks %r" % col, rows[0])
    check(set(rows[1].replace("|", "").replace("-", "").strip()) == set(),
          "second markdown row must be the separator", rows[1])
    ncol = rows[0].count("|")
    for r in rows:
        check(r.replace("\\|", "").count("|") == ncol, "ragged markdown row", r)
    info = [r for r in rows if "| info_reach |" in r]
    check(len(info) == 1 and "[0, 1]" in info[0], "info_reach row with range [0, 1]", md)


def check_params_table(out, min_rows=20):
    """`leadsim params`: every data row's columns start where the header's do (every cell
    left-aligned, none overflowing), and no text-valued key shows the range [0, 0]."""
    lines = out.splitlines()
    head = [i for i, l in enumerate(lines) if l.startswith("section")]
    check(len(head) == 1, "params: one header line", out)
    header = lines[head[0]]
    starts = [i for i, ch in enumerate(header) if ch != " " and (i == 0 or header[i - 1] == " ")]
    check(len(starts) == 7, "params header has 7 columns", header)
    rows = [l for l in lines[head[0] + 1:] if l.strip()]
    check(len(rows) > min_rows, "params table too short", out)
    for r in rows:
        for c, o in enumerate(starts):
            end = starts[c + 1] if c + 1 < len(starts) else len(r)
            cell = r[o:end].strip()
            check(o == 0 or r[o - 1] == " ", "params: column %d overflows into column %d" % (
                c, c + 1), "%s\n%s" % (header, r))
            check(not cell or r[o] != " ", "params: column %d of this row does not start at "
                  "offset %d" % (c + 1, o), "%s\n%s" % (header, r))
    check("[0, 0]" not in out, "params shows the range [0, 0] (a text key)", out)
    return {r.split()[1]: r for r in rows}


def case_params_table():
    out = ok("params").stdout
    rows = check_params_table(out)
    for key, want in [("model", "text"), ("modes", "names"), ("baseline", "text"),
                      ("path", "text"), ("factors", "names"), ("outputs", "names"),
                      ("allow_huge", "true|false")]:
        check(key in rows and want in rows[key], "params row %s must show %r" % (key, want), out)
    # The run.model meaning says that `leadsim params` lists the models: it does.
    check("params lists them" in rows["model"], "run.model meaning changed", rows["model"])
    models = [l for l in out.splitlines() if l.startswith("models: ")]
    check(len(models) == 1 and "leadership" in models[0], "params lists the models", out)
    names = models[0][len("models: "):].split(" (")[0].split(", ")
    check(len(names) >= 2, "params lists every registered model", models[0])
    for name in names:
        check_params_table(ok("params", "--model", name).stdout, min_rows=10)
    check("Models: " in ok("params", "--markdown").stdout, "params --markdown lists the models")


def case_run_quick():
    p = ok("run", quick_ini(), "-o", "out.h5")
    check(listing() == {"out.h5"}, "run must leave exactly out.h5: %s" % sorted(listing()))
    for w in ["out.h5", "orgs/s", "events/s", "win rate"] + MODES:
        check(w in p.stdout, "run summary lacks %r" % w, p.stdout)
    check("out.h5" not in p.stderr and "win rate" not in p.stderr,
          "results must not go to stderr", p.stderr)
    # Two scenarios (info_reach 0.2 and 0.8) in both tables.
    rows = [l.split() for l in p.stdout.splitlines() if l.startswith("  ")]
    check(sum(1 for r in rows if r[:2] == ["0", "0.2"]) == 2 and
          sum(1 for r in rows if r[:2] == ["1", "0.8"]) == 2,
          "expected scenario rows 0/0.2 and 1/0.8 in both tables", p.stdout)
    q = ok("run", quick_ini(), "-o", "quiet.h5", "--quiet")
    check(q.stderr == "", "--quiet must print nothing on stderr", q.stderr)
    # Thread count does not change a single number of the results.
    a = inspect_json("out.h5")
    ok("run", quick_ini(), "-o", "t1.h5", "--quiet", "--threads", "1")
    b = inspect_json("t1.h5")
    check(a["scenarios"] == b["scenarios"], "results differ between thread counts")


def case_run_overrides():
    ok("run", quick_ini(), "-o", "o.h5", "--quiet", "--orgs", "20", "--seed", "99",
       "--modes", "distributed,centralized", "--baseline", "distributed", "--samples", "3",
       "--set", "sweep.info_reach=list(0.5)", "--set", "model.periods=12")
    j = inspect_json("o.h5")
    pv = j["provenance"]
    check(pv["orgs_per_scenario"] == 20 and pv["seed"] == 99, "orgs/seed not applied", str(pv))
    check(j["modes"] == ["distributed", "centralized"] and j["baseline"] == "distributed",
          "modes/baseline not applied", str(j["modes"]))
    check(len(j["scenarios"]) == 1 and pv["records"] == 3, "sweep/samples not applied", str(pv))
    check("periods = 12" in j["config_ini"], "--set model.periods not applied", j["config_ini"])
    check("--set" in pv["command_line"] and "sweep.info_reach=" in pv["command_line"],
          "command line not recorded", pv["command_line"])


def case_run_builtin_default():
    # The built-in study is configs/default.ini: same overrides, identical results.
    small = ["--orgs", "3", "--set", "org.workers=int_uniform(10,20)", "--set",
             "model.periods=10", "--quiet"]
    ok("run", "-o", "builtin.h5", *small)
    ok("run", os.path.join(SOURCE, "configs", "default.ini"), "-o", "file.h5", *small)
    a, b = inspect_json("builtin.h5"), inspect_json("file.h5")
    check(len(a["scenarios"]) == 11, "default study must sweep 11 info_reach values")
    check(a["scenarios"] == b["scenarios"] and a["config_ini"] == b["config_ini"],
          "built-in default differs from configs/default.ini")


def case_inspect():
    run_quick()
    p = ok("inspect", "out.h5")
    for w in ["format", "version", "created", "command line", "model", "seed", "baseline",
              "scenario 0", "scenario 1", "info_reach = 0.2", "info_reach = 0.8", "±",
              "win = higher value than centralized", "ties", "value", "accuracy", "latency",
              "peer_share", "better:", "lower: latency, expired",
              "none: manager_util, worker_util, peer_share"] + MODES:
        check(w in p.stdout, "inspect lacks %r" % w, p.stdout)
    # "±" is explained: the half-width of the mean's 95% confidence interval.
    legend = [l for l in p.stdout.splitlines() if l.startswith("±:")]
    check(len(legend) == 1 and "half-width of the 95% confidence interval" in legend[0],
          "inspect says what ± is", p.stdout)


def case_inspect_json():
    run_quick()
    j = inspect_json("out.h5")
    check(j["modes"] == MODES and j["baseline"] == "centralized", "modes/baseline", str(j))
    pv = j["provenance"]
    check(pv["format_version"] >= 1 and pv["seed"] == 7 and pv["orgs_per_scenario"] == 64,
          "provenance", str(pv))
    check(pv["model"] == "leadership" and "run" in pv["command_line"], "provenance", str(pv))
    check(len(j["scenarios"]) == 2, "two scenarios")
    check([s["values"]["info_reach"] for s in j["scenarios"]] == [0.2, 0.8], "sweep values")
    for s in j["scenarios"]:
        check(sorted(s["modes"]) == sorted(MODES), "every mode per scenario")
        for mode, metrics in s["modes"].items():
            v = metrics["value"]
            check(0.0 <= v["mean"] <= 1.0, "value mean in [0,1]", str(v))
            lo, hi = v["ci"]
            check(lo <= v["mean"] <= hi and hi - lo < 0.5, "CI around the mean", str(v))
            if mode == "centralized":
                check(v["win_rate"] is None, "baseline has no win rate", str(v))
            else:
                check(0.0 <= v["win_rate"] <= 1.0, "win rate in [0,1]", str(v))
                wl, wh = v["win_rate_ci"]
                check(wl <= v["win_rate"] <= wh, "Wilson CI around the win rate", str(v))
                check(0.0 <= v["tie_rate"] <= 1.0, "tie rate in [0,1]", str(v))
                check(v["wins"] + v["ties"] <= v["count"], "wins and ties counted apart", str(v))
                # latency: lower is better, so the win rate is the share where it fell.
                lat = metrics["latency"]
                check(lat["win_rate"] is None or 0.0 <= lat["win_rate"] <= 1.0, "latency", str(lat))
                # A metric without a direction has no win rate (null), but its ties.
                pu = metrics["peer_share"]
                check(pu["win_rate"] is None and pu["win_rate_ci"] == [None, None],
                      "peer_share (better: none) has no win rate", str(pu))
                check(pu["tie_rate"] is not None, "peer_share still reports ties", str(pu))
    better = {m["name"]: m["better"] for m in j["metrics"]}
    check(better["value"] == "higher" and better["latency"] == "lower" and
          better["expired"] == "lower" and better["peer_share"] == "none" and
          better["manager_util"] == "none", "metric directions", str(better))


def case_replay_bitwise():
    run_quick("out.h5", "--samples", "all")
    for s, k, mode in [(0, 0, None), (1, 63, "distributed"), (0, 17, "centralized"),
                       (1, 5, "exception"), (1, 40, None)]:
        args = ["replay", "out.h5", "--scenario", str(s), "--org", str(k)]
        if mode:
            args += ["--mode", mode]
        p = ok(*args)
        check("record matches the file bit for bit" in p.stdout, "replay must match", p.stdout)
        check("workers" in p.stdout and "value" in p.stdout, "replay prints fields/metrics",
              p.stdout)
        if mode:
            others = [m for m in MODES if m != mode]
            check(mode in p.stdout and not any(m in p.stdout for m in others),
                  "--mode shows only that mode", p.stdout)
    # A file with no records: replay works, says there is nothing to compare.
    run_quick("none.h5", "--samples", "none")
    p = ok("replay", "none.h5", "--scenario", "0", "--org", "3")
    check("no record" in p.stdout, "replay without a stored record", p.stdout)


def significant_digits(tok):
    """Significant digits of a decimal number's text ("0.80000000000000004": 17, "60": 1)."""
    return len(tok.lower().split("e")[0].lstrip("-").replace(".", "").strip("0"))


def case_replay_shortest_numbers():
    # replay prints each field and metric as the shortest text that reads back to the same
    # double: the swept info_reach of scenario 1 is 0.8, not 0.80000000000000004.
    run_quick("out.h5", "--samples", "all")
    out = ok("replay", "out.h5", "--scenario", "1", "--org", "0").stdout
    check(any(l.split()[:2] == ["info_reach", "0.8"] for l in out.splitlines()),
          "replay prints info_reach 0.8", out)
    numbers = 0
    for line in out.splitlines():
        for tok in line.split():
            try:
                x = float(tok)
            except ValueError:
                continue
            if tok.lower() in ("nan", "inf", "-inf", "-nan"):
                continue
            shortest = next(p for p in range(1, 18) if float("%.*g" % (p, x)) == x)
            check(significant_digits(tok) <= shortest, "replay prints %r: %d significant "
                  "digits where %d round-trip" % (tok, significant_digits(tok), shortest), out)
            numbers += 1
    check(numbers > 20, "replay prints its fields and metrics", out)


def case_sweep_units():
    # /scenarios/<param> carries the swept parameter's unit from the
    # model's registry (docs/RESULTS.md), for both models.
    import h5py
    run_quick("out.h5", "--set", "sweep.decision_rate=list(1,2)")
    with h5py.File("out.h5", "r") as f:
        for name, unit in [("info_reach", "share"), ("decision_rate", "problems/worker/period")]:
            got = f["scenarios/" + name].attrs["units"]
            got = got.decode() if isinstance(got, bytes) else got
            check(got == unit, "scenarios/%s units: %r, want %r" % (name, got, unit))
    ok("run", os.path.join(SOURCE, "configs", "march1991-fig1.ini"), "-o", "march.h5", "--quiet",
       "--orgs", "2", "--set", "sweep.p1=list(0.1)", "--set", "sweep.p2=list(0.5)")
    with h5py.File("march.h5", "r") as f:
        for name in ["p1", "p2"]:
            got = f["scenarios/" + name].attrs["units"]
            got = got.decode() if isinstance(got, bytes) else got
            want = "probability/dimension/period" if name == "p1" else "probability"
            check(got == want, "scenarios/%s units: %r, want %r" % (name, got, want))


def case_replay_detects_tampering():
    # The comparison must be able to fail: nudge one stored metric by one ulp and one drawn
    # parameter, and replay must exit 1 naming the field (layout of /orgs: docs/RESULTS.md).
    import h5py
    import numpy as np
    run_quick("out.h5", "--samples", "all")
    shutil.copy("out.h5", "metric.h5")
    shutil.copy("out.h5", "param.h5")
    m = MODES.index("coaching")
    with h5py.File("metric.h5", "r+") as f:
        idx = int(np.nonzero((f["orgs/scenario"][:] == 1) & (f["orgs/org"][:] == 5))[0][0])
        d = f["orgs/metrics/value"]
        row = d[idx]
        row[m] = np.nextafter(row[m], 2.0)
        d[idx] = row
    # replay prints what it simulated before it compares: stdout is not empty here.
    expect_error(["replay", "metric.h5", "--scenario", "1", "--org", "5"], 1,
                 ["value", "coaching", "0x"], quiet_stdout=False)
    with h5py.File("param.h5", "r+") as f:
        d = f["orgs/params/workers"]
        d[idx] = d[idx] + 1
    expect_error(["replay", "param.h5", "--scenario", "1", "--org", "5"], 1, ["workers"],
                 quiet_stdout=False)
    p = ok("replay", "out.h5", "--scenario", "1", "--org", "5")
    check("bit for bit" in p.stdout, "the untouched file still matches", p.stdout)


def case_replay_trace():
    run_quick()
    ok("replay", "out.h5", "--scenario", "1", "--org", "2", "--trace", "t.csv")
    with open("t.csv") as f:
        lines = f.read().splitlines()
    header = lines[0].split(",")
    check(header[0] == "mode" and len(header) > 1, "trace header mode,<columns>", lines[0])
    rows = [l.split(",") for l in lines[1:]]
    check(all(len(r) == len(header) for r in rows), "trace rows as wide as the header")
    per_mode = {m: sum(1 for r in rows if r[0] == m) for m in MODES}
    check(set(r[0] for r in rows) == set(MODES), "trace covers every mode", str(per_mode))
    periods = 60  # MODEL.md default T; quick.ini leaves it
    check(all(n == periods for n in per_mode.values()), "T rows per mode", str(per_mode))
    for r in rows:
        [float(x) for x in r[1:]]
    ok("replay", "out.h5", "--scenario", "0", "--org", "1", "--mode", "coaching",
       "--trace", "c.csv")
    with open("c.csv") as f:
        modes = set(l.split(",")[0] for l in f.read().splitlines()[1:])
    check(modes == {"coaching"}, "--mode restricts the trace", str(modes))


def case_interrupt():
    # The full default study takes minutes: SIGINT must stop it with exit 3, no file under the
    # final name, and resumable state (checkpoint and record spool) in big.h5.partial/.
    proc = subprocess.Popen([LEADSIM, "run", "-o", "big.h5", "--threads", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # The handlers are installed once the partial directory exists (a sanitizer build can
    # take longer than a fixed delay to get there); then let it simulate for a moment.
    deadline = time.time() + 60
    while not os.path.isdir("big.h5.partial") and time.time() < deadline and proc.poll() is None:
        time.sleep(0.01)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise Failure("run did not stop within 60 s of SIGINT")
    check(proc.returncode == 3, "SIGINT must exit 3 (got %d)" % proc.returncode, err)
    check("interrupted" in err.lower(), "interrupt message", err)
    check("--resume" in err, "the message says how to resume", err)
    left = listing()
    # The resumable state, and the lock file of the one-writer rule (released by the kernel).
    check("big.h5" not in left and left <= {"big.h5.partial", "big.h5.partial/checkpoint.bin",
                                            "big.h5.partial/records.bin", "big.h5.partial/lock"},
          "only the resumable state may remain: %s" % sorted(left))
    check("big.h5.partial/checkpoint.bin" in left, "a checkpoint is written", sorted(left))


# ---------------------------------------------------------------------------------------------
# Bad inputs: exit code, message, and no file left behind


def write(name, text):
    with open(name, "w") as f:
        f.write(text)


def case_bad_unknown_key():
    expect_error(["run", quick_ini(), "-o", "x.h5", "--set", "org.bogus_knob=1"], 2,
                 ["bogus_knob"])


def case_bad_typo_suggestion():
    write("typo.ini", "[run]\norgs = 8\n[org]\ninfo_reech = 0.5\n")
    expect_error(["run", "typo.ini", "-o", "x.h5"], 2, ["typo.ini", "info_reech", "info_reach"])


def case_bad_distribution():
    expect_error(["run", quick_ini(), "-o", "x.h5", "--set", "org.workers=uniformm(10,20)"], 2,
                 ["workers", "uniformm"])
    expect_error(["run", quick_ini(), "-o", "x.h5", "--set", "org.local_weight=uniform(0.8,0.3)"],
                 2, ["local_weight"])


def case_bad_out_of_range():
    expect_error(["run", quick_ini(), "-o", "x.h5", "--set", "org.info_reach=1.5"], 2,
                 ["info_reach", "1.5"])


def case_bad_missing_config():
    expect_error(["run", "no-such.ini", "-o", "x.h5"], 2, ["no-such.ini"])


def case_bad_output_is_directory():
    os.mkdir("adir.h5")
    expect_error(["run", quick_ini(), "-o", "adir.h5"], 1, ["adir.h5"])


def case_bad_output_extension():
    # A results file is HDF5: run and merge refuse any other name before any work, with one
    # line naming the path, and create nothing.
    for out in ["out.csv", "out", "out.h5.txt", "dir.h5/out.json"]:
        p = expect_error(["run", quick_ini(), "-o", out, "--orgs", "2"], 2, [out, ".h5"])
        check(len(p.stderr.strip().splitlines()) == 1, "one-line error", describe(p))
        check(listing() == set(), "nothing created: %s" % sorted(listing()))
    expect_error(["run", quick_ini(), "--orgs", "2", "--set", "output.path=results.csv"], 2,
                 ["output.path", "results.csv"])
    ok("run", quick_ini(), "-o", "a.hdf5", "--orgs", "2", "--quiet")
    os.remove("a.hdf5")
    ok("run", quick_ini(), "-o", "shard.h5", "--orgs", "2", "--quiet")
    expect_error(["merge", "-o", "merged.csv", "shard.h5"], 2, ["merged.csv", ".h5"])
    check(listing() == {"shard.h5"}, "merge created nothing: %s" % sorted(listing()))


def case_bad_output_dir_missing():
    expect_error(["run", quick_ini(), "-o", "nodir/out.h5"], 1, ["nodir"])


def case_bad_output_dir_unwritable():
    # /proc refuses new files even to root (chmod would not stop root).
    expect_error(["run", quick_ini(), "-o", "/proc/leadsim-test.h5"], 1, ["/proc"])
    check(not os.path.exists("/proc/leadsim-test.h5"), "nothing under /proc")


def case_bad_output_exists():
    write("out.h5", "precious")
    expect_error(["run", quick_ini(), "-o", "out.h5"], 1, ["out.h5", "force"])
    with open("out.h5") as f:
        check(f.read() == "precious", "existing file must be untouched")
    ok("run", quick_ini(), "-o", "out.h5", "--force", "--quiet")
    check(listing() == {"out.h5"} and os.path.getsize("out.h5") > 1000, "--force replaces it")


def case_bad_set_syntax():
    expect_error(["run", quick_ini(), "-o", "x.h5", "--set", "info_reach"], 2, ["info_reach"])
    expect_error(["run", quick_ini(), "-o", "x.h5", "--set", "org.info_reach"], 2,
                 ["info_reach"])


def case_bad_unknown_mode():
    expect_error(["run", quick_ini(), "-o", "x.h5", "--modes", "centralized,anarchy"], 2,
                 ["anarchy"])


def case_bad_baseline_not_in_modes():
    expect_error(["run", quick_ini(), "-o", "x.h5", "--modes", "delegated,distributed",
                  "--baseline", "centralized"], 2, ["centralized"])


def case_bad_zero_orgs():
    expect_error(["run", quick_ini(), "-o", "x.h5", "--orgs", "0"], 2, ["orgs"])
    expect_error(["run", quick_ini(), "-o", "x.h5", "--set", "run.orgs=0"], 2, ["orgs"])


def case_bad_seed_not_numeric():
    expect_error(["run", quick_ini(), "-o", "x.h5", "--seed", "abc"], 2, ["seed", "abc"])
    expect_error(["run", quick_ini(), "-o", "x.h5", "--seed", "-5"], 2, ["seed"])


def case_bad_samples_value():
    expect_error(["run", quick_ini(), "-o", "x.h5", "--samples", "some"], 2, ["samples", "some"])


def case_bad_unknown_option():
    expect_error(["run", quick_ini(), "--frobnicate"], 2, ["frobnicate"])
    expect_error(["run", quick_ini(), "-o"], 2, ["output"])
    expect_error(["run", quick_ini(), "extra.ini"], 2, [])


def case_bad_inspect_not_hdf5():
    write("fake.h5", "this is not an HDF5 file\n")
    expect_error(["inspect", "fake.h5"], 1, ["fake.h5"])
    expect_error(["inspect", "missing.h5"], 1, ["missing.h5"])


def case_bad_inspect_other_version():
    import h5py
    run_quick()
    shutil.copy("out.h5", "v99.h5")
    with h5py.File("v99.h5", "r+") as f:
        check("format_version" in f.attrs, "results file has a format_version attribute")
        f.attrs["format_version"] = f.attrs["format_version"] * 0 + 99
    expect_error(["inspect", "v99.h5"], 1, ["v99.h5", "99"])
    expect_error(["replay", "v99.h5", "--scenario", "0", "--org", "0"], 1, ["v99.h5", "99"])


def case_bad_unknown_subcommand():
    expect_error(["rnu"], 2, ["rnu", "run"])
    expect_error(["frobnicate"], 2, ["frobnicate"])
    expect_error(["help", "inspekt"], 2, ["inspekt", "inspect"])


def case_bad_replay_out_of_range():
    run_quick()
    expect_error(["replay", "out.h5", "--scenario", "0", "--org", "64"], 2, ["org", "64"])
    expect_error(["replay", "out.h5", "--scenario", "2", "--org", "0"], 2, ["scenario", "2"])
    expect_error(["replay", "out.h5", "--scenario", "0", "--org", "0", "--mode", "anarchy"], 2,
                 ["anarchy"])
    expect_error(["replay", "out.h5", "--org", "0"], 2, ["scenario"])


def case_bad_params_model():
    expect_error(["params", "--model", "nosuchmodel"], 2, ["nosuchmodel"])


# ---------------------------------------------------------------------------------------------


if __name__ == "__main__":
    sys.exit(clitest.main(globals()))
