#!/usr/bin/python3
"""Scale-out tests of the `leadsim` binary: shards and merge, stop and resume.

usage: scaleout_test.py LEADSIM SOURCE_DIR CASE   (CASE: a `case_*` function name without
                                                   prefix, or "all")

Every comparison is of every dataset of two results files, byte for byte (numpy tobytes();
string datasets element for element), so "identical" means bit-identical statistics and
records. Runs are quick.ini-sized (well under a second of simulation each) to keep CI fast.
Runs on /usr/bin/python3 with the standard library, numpy and h5py.
"""

import json
import os
import random
import re
import shutil
import signal
import struct
import subprocess
import sys
import time

import clitest
from clitest import Failure, check, describe, expect_error, leadsim, ok, quick_ini

LEADSIM = SOURCE = ""  # set by clitest.main


# Provenance attributes that legitimately differ between a merged or resumed file and a
# single uninterrupted run (docs/CLUSTER.md).
PROVENANCE = {"created_utc", "command_line", "shard_index", "shard_count", "item_first",
              "item_end", "missing_items", "checkpoint_binaries"}


ORGS = "480"


def study(out, *extra):
    return ["run", quick_ini(), "-o", out, "--samples", "all", "--orgs", ORGS, "--quiet",
            *extra]


def datasets(path):
    import h5py
    import numpy as np
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                v = obj[()]
                a = np.asarray(v)
                if a.dtype.kind == "O":
                    out[name] = ("str", [x if isinstance(x, bytes) else str(x).encode()
                                         for x in a.ravel().tolist()], a.shape)
                else:
                    out[name] = (a.dtype.str, a.tobytes(), a.shape)
        f.visititems(visit)
        attrs = {k: f.attrs[k] for k in f.attrs}
    return out, attrs


def assert_identical(a, b, ignore_state=False):
    da, aa = datasets(a)
    db, ab = datasets(b)
    if ignore_state:
        da.pop("state/run_stats", None)
        db.pop("state/run_stats", None)
    # Where a merged file's inputs came from is provenance, not results.
    for d in (da, db):
        for name in [n for n in d if n.startswith("provenance/")]:
            d.pop(name)
    check(sorted(da) == sorted(db), "%s and %s hold different datasets" % (a, b),
          "only in %s: %s\nonly in %s: %s" % (a, sorted(set(da) - set(db)), b,
                                              sorted(set(db) - set(da))))
    differ = [n for n in da if da[n] != db[n]]
    check(not differ, "%s and %s differ in datasets %s" % (a, b, differ[:10]))
    check("orgs/org" in da, "no records were compared (expected --samples all)")
    for k in set(aa) | set(ab):
        if k in PROVENANCE:
            continue
        va, vb = aa.get(k), ab.get(k)
        same = (va == vb) if isinstance(va, (str, bytes)) or va is None or vb is None else \
            bool((va == vb).all()) if hasattr(va == vb, "all") else va == vb
        check(same, "root attribute %s differs: %r vs %r" % (k, va, vb))


def reference():
    ok(*study("ref.h5"))
    return "ref.h5"


def interrupt(out, delay, sig=signal.SIGTERM, extra=()):
    """Starts a run, sends `sig` `delay` seconds after its partial directory appeared (the
    signal handlers are installed by then); returns (exit code, stderr)."""
    proc = subprocess.Popen([LEADSIM, *study(out, "--threads", "1", *extra)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ck = out + ".partial/checkpoint.bin"
    if os.path.exists(ck):
        # A resumed run: its handlers are installed once it writes its first checkpoint.
        before = os.stat(ck).st_mtime_ns
        wait_for(lambda: os.path.exists(ck) and os.stat(ck).st_mtime_ns != before, proc)
    else:
        wait_for(lambda: os.path.isdir(out + ".partial"), proc)
    time.sleep(delay)
    proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise Failure("run did not stop within 60 s of signal %d" % sig)
    return proc.returncode, err


def resume_until_done(out, extra=()):
    p = ok(*study(out, "--resume", *extra))
    check(not os.path.exists(out + ".partial"), "the partial directory must be removed")
    return p


# ---------------------------------------------------------------------------------------------
# Shards and merge


def case_shards_merge_identical():
    ref = reference()
    for m in (1, 3, 7):
        names = []
        for k in range(m):
            name = "s%d_of_%d.h5" % (k, m)
            ok(*study(name, "--shard", "%d/%d" % (k, m)))
            names.append(name)
        random.Random(m).shuffle(names)  # input order must not matter
        ok("merge", "-o", "merged%d.h5" % m, *names)
        assert_identical(ref, "merged%d.h5" % m)
        check(not [f for f in os.listdir(".") if ".merge." in f or ".tmp." in f],
              "merge left temporary files: %s" % os.listdir("."))


def case_shard_file_state():
    import h5py
    ok(*study("s1.h5", "--shard", "1/3"))
    with h5py.File("s1.h5", "r") as f:
        a = f.attrs
        check((a["shard_index"], a["shard_count"]) == (1, 3), "shard attributes")
        # quick.ini: 2 scenarios x 480/16 blocks = 60 items; shard 1 of 3 = [20, 40).
        check((a["item_first"], a["item_end"], a["items_total"]) == (20, 40, 60),
              "item range", str(dict(a)))
        check(f["state/run_stats"].dtype == "uint8" and f["state/run_stats"].shape[0] > 100,
              "state/run_stats is uint8")
        check(bytes(f["state/run_stats"][:4]) == b"LSRS", "state holds a RunStats buffer")
        n = int(f["summary/count"][0, 0, 0] + f["summary/count"][1, 0, 0])
        check(n == f["orgs/org"].shape[0] == 20 * 16, "shard summary counts its own organizations",
              str(n))


def case_shard_errors():
    expect_error(study("x.h5", "--shard", "3/3"), 2, ["shard", "3"])
    expect_error(study("x.h5", "--shard", "1/0"), 2, ["shard"])
    expect_error(study("x.h5", "--shard", "a/b"), 2, ["shard"])
    expect_error(study("x.h5", "--shard", "slurm"), 2, ["--shards"])
    env = dict(os.environ)
    env.pop("SLURM_ARRAY_TASK_ID", None)
    for tid, words in [(None, ["SLURM_ARRAY_TASK_ID"]), ("x1", ["SLURM_ARRAY_TASK_ID", "x1"]),
                       ("4", ["4"])]:
        e = dict(env)
        if tid is not None:
            e["SLURM_ARRAY_TASK_ID"] = tid
        p = subprocess.run([LEADSIM, *study("x.h5", "--shard", "slurm", "--shards", "4")],
                           capture_output=True, text=True, env=e)
        check(p.returncode == 2, "slurm shard error must exit 2", describe(p))
        for w in words:
            check(w.lower() in p.stderr.lower(), "message lacks %r" % w, describe(p))
    check(not os.listdir("."), "errors must leave no file: %s" % os.listdir("."))
    e = dict(env, SLURM_ARRAY_TASK_ID="2")
    p = subprocess.run([LEADSIM, *study("sl{shard}.h5", "--shard", "slurm", "--shards", "4")],
                       capture_output=True, text=True, env=e)
    check(p.returncode == 0 and os.path.isfile("sl2.h5"), "slurm shard 2 of 4", describe(p))
    import h5py
    with h5py.File("sl2.h5", "r") as f:
        check((f.attrs["shard_index"], f.attrs["shard_count"]) == (2, 4), "slurm shard attrs")


def case_merge_refuses_mismatch():
    ok(*study("a0.h5", "--shard", "0/2"))
    ok(*study("a1.h5", "--shard", "1/2"))
    ok(*study("b1.h5", "--shard", "1/2", "--seed", "8"))
    ok(*study("c1.h5", "--shard", "1/2", "--set", "org.workers=int_loguniform(10, 50)"))
    expect_error(["merge", "-o", "m.h5", "a0.h5", "b1.h5"], 2, ["b1.h5", "seed"])
    # The first differing key, with both values and the file each comes from.
    expect_error(["merge", "-o", "m.h5", "a0.h5", "c1.h5"], 2,
                 ["c1.h5", "a0.h5", "config", "[org] workers", "int_loguniform(10,50)",
                  "int_loguniform(10,60)"])
    check(not os.path.exists("m.h5"), "no output after a refused merge")


def case_merge_refuses_overlap():
    ok(*study("a0.h5", "--shard", "0/2"))
    ok(*study("t1.h5", "--shard", "1/3"))
    ok(*study("a1.h5", "--shard", "1/2"))
    expect_error(["merge", "-o", "m.h5", "a0.h5", "t1.h5", "a1.h5"], 2, ["overlap"])
    expect_error(["merge", "-o", "m.h5", "a0.h5", "a0.h5"], 2, ["overlap"])
    check(not os.path.exists("m.h5"), "no output after a refused merge")


def case_merge_incomplete():
    import h5py
    for k in (0, 2):
        ok(*study("s%d.h5" % k, "--shard", "%d/4" % k))
    # 60 items in 4 shards: [0,15) [15,30) [30,45) [45,60); 1 and 3 are missing.
    expect_error(["merge", "-o", "m.h5", "s0.h5", "s2.h5"], 2, ["[15, 30)", "[45, 60)",
                                                                   "--allow-partial"])
    check(not os.path.exists("m.h5"), "no output after a refused merge")
    p = ok("merge", "-o", "m.h5", "s0.h5", "s2.h5", "--allow-partial")
    check("missing" in p.stderr, "partial merge warns", describe(p))
    with h5py.File("m.h5", "r") as f:
        mi = f.attrs["missing_items"].tolist()
        check(mi == [[15, 30], [45, 60]], "missing_items attribute", str(mi))
        check(f["orgs/org"].shape[0] == 30 * 16, "partial merge holds the present records")
    # inspect says PARTIAL, which items are missing and what each scenario holds.
    p = ok("inspect", "m.h5")
    check("PARTIAL RESULT" in p.stdout and "[15, 30) [45, 60)" in p.stdout,
          "inspect marks a partial merge", p.stdout[:3000])
    check("240 of 480 organizations present" in p.stdout, "per-scenario counts", p.stdout[:3000])
    doc = json.loads(ok("inspect", "m.h5", "--json").stdout)
    check(doc["partial"] is True and doc["missing_items"] == [[15, 30], [45, 60]],
          "JSON partial and missing ranges", str(doc.get("missing_items")))
    check([s["orgs_present"] for s in doc["scenarios"]] == [240, 240], "JSON orgs_present")
    # The Python loader reports the same.
    code = ("import sys; sys.path.insert(0, %r); import leadsim_results as lr; r = lr.load('m.h5');"
            "print(r.partial, r.missing_items, r.scenarios['orgs_present'].tolist())"
            % os.path.join(SOURCE, "tools"))
    py = subprocess.run(["/usr/bin/python3", "-c", code], capture_output=True, text=True)
    check(py.stdout.strip() == "True [(15, 30), (45, 60)] [240, 240]", "Python loader counts",
          describe(py))
    p = ok("inspect", "s0.h5")
    check("shard:          0/4" in p.stdout and "PARTIAL" not in p.stdout, "a shard file",
          p.stdout[:2000])
    # The partial result merges with the missing shards into the complete study.
    for k in (1, 3):
        ok(*study("s%d.h5" % k, "--shard", "%d/4" % k))
    ok("merge", "-o", "full.h5", "m.h5", "s3.h5", "s1.h5")
    ok(*study("ref.h5"))
    assert_identical("ref.h5", "full.h5")
    expect_error(["merge", "-o", "s0.h5", "s0.h5", "s1.h5"], 2, ["also an input"])
    expect_error(["merge", "-o", "full.h5", "s0.h5", "s1.h5", "s2.h5", "s3.h5"], 1, ["force"])


def cut_records(path, n):
    """Removes the last n record rows of every /orgs dataset (h5py resize)."""
    import h5py
    with h5py.File(path, "r+") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.shape and obj.maxshape[0] is None:
                obj.resize(obj.shape[0] - n, axis=0)
        f["orgs"].visititems(visit)


def case_record_counts_checked():
    """A file whose record count disagrees with its samples setting and organization counts
    (rows cut out, /orgs deleted) is refused by inspect, replay and merge (exit 1, naming the
    file and both counts), never reported as complete."""
    import h5py
    ok(*study("s0.h5", "--shard", "0/2"))
    ok(*study("s1.h5", "--shard", "1/2"))
    with h5py.File("s1.h5", "r") as f:
        n = f["orgs/org"].shape[0]
    shutil.copy("s1.h5", "cut.h5")
    cut_records("cut.h5", 10)
    with h5py.File("cut.h5", "r") as f:
        check(f["orgs/org"].shape[0] == n - 10, "10 record rows cut", str(f["orgs/org"].shape))
    for cmd in (["inspect", "cut.h5"], ["inspect", "cut.h5", "--json"],
                ["replay", "cut.h5", "--scenario", "0", "--org", "0"],
                ["merge", "-o", "m.h5", "s0.h5", "cut.h5"]):
        expect_error(cmd, 1, ["cut.h5", "records", "call for"])
    shutil.copy("s1.h5", "noorgs.h5")
    with h5py.File("noorgs.h5", "r+") as f:
        del f["orgs"]
    expect_error(["merge", "-o", "m.h5", "s0.h5", "noorgs.h5"], 1, ["noorgs.h5", "0 per-org"])
    expect_error(["inspect", "noorgs.h5"], 1, ["noorgs.h5", "records"])
    check(not os.path.exists("m.h5"), "no output after a refused merge")
    # The Python package refuses both files too, and loads the intact one.
    code = ("import sys; sys.path.insert(0, %r); import leadsim\n"
            "for name in sys.argv[1:]:\n"
            "    try:\n"
            "        r = leadsim.load(name); print(name, 'loaded', len(r.orgs_wide()))\n"
            "    except leadsim.ResultsFormatError as e:\n"
            "        print(name, 'refused:', e)\n" % os.path.join(SOURCE, "python", "src"))
    py = subprocess.run(["/usr/bin/python3", "-c", code, "cut.h5", "noorgs.h5", "s1.h5"],
                        capture_output=True, text=True)
    lines = py.stdout.splitlines()
    check(py.returncode == 0 and len(lines) == 3, "the loader ran", describe(py))
    check(lines[0].startswith("cut.h5 refused:") and "holds %d per-organization records" % (n - 10)
          in lines[0] and "call for %d" % n in lines[0], "rows cut: refused", lines[0])
    check(lines[1].startswith("noorgs.h5 refused:") and "holds 0 per-organization" in lines[1],
          "/orgs deleted: refused", lines[1])
    check(lines[2] == "s1.h5 loaded %d" % n, "the intact shard loads", lines[2])
    ok("merge", "-o", "m.h5", "s0.h5", "s1.h5")


def case_merge_provenance_and_identity():
    """A merged file records each input's provenance in /provenance/shards; a shard written
    under another results identity (model version, format, float mode) is refused."""
    import h5py
    import numpy as np
    ok(*study("s0.h5", "--shard", "0/2"))
    ok(*study("s1.h5", "--shard", "1/2"))
    ok("merge", "-o", "m.h5", "s0.h5", "s1.h5")
    with h5py.File("m.h5", "r") as f, h5py.File("s0.h5", "r") as s:
        g = f["provenance/shards"]
        files = [x.decode() if isinstance(x, bytes) else x for x in g["file"][...]]
        check(files == ["s0.h5", "s1.h5"], "one row per input, in merge order", str(files))
        check(g["shard_index"][...].tolist() == [0, 1], "shard indices")
        ident = s.attrs["results_identity"]
        ident = ident.decode() if isinstance(ident, bytes) else ident
        check("leadership results v" in ident and "fp " in ident, "identity names model and fp",
              ident)
        for x in g["results_identity"][...]:
            check((x.decode() if isinstance(x, bytes) else x) == ident, "identity recorded")
        for col in ("leadsim_version", "git_describe", "compiler", "created_utc"):
            check(len(g[col][...]) == 2, "provenance column " + col)
    for k in (0, 1):
        shutil.copy("s%d.h5" % k, "other%d.h5" % k)
        with h5py.File("other%d.h5" % k, "r+") as f:
            f.attrs["results_identity"] = np.bytes_(b"leadership results v0; fp fast-math")
    # Shards that disagree with each other, and shards that agree but not with this leadsim.
    expect_error(["merge", "-o", "m2.h5", "s0.h5", "other1.h5"], 2,
                 ["other1.h5", "results identity", "fast-math"])
    expect_error(["merge", "-o", "m2.h5", "other0.h5", "other1.h5"], 2,
                 ["other0.h5", "results identity", "fast-math", "this leadsim"])
    check(not os.path.exists("m2.h5"), "no output after a refused merge")


def case_resume_finished_output():
    """--resume onto an output that already holds this study, finished, exits 0 and leaves it
    as it is; onto a finished output of another study (options changed) it exits 2 naming the
    first difference, unless --force, which recomputes."""
    ok(*study("d.h5", "--shard", "1/2"))
    before = open("d.h5", "rb").read()
    p = ok(*study("d.h5", "--shard", "1/2", "--resume"))
    check("already complete" in p.stderr and "already complete" in p.stdout,
          "the finished shard is reported", describe(p))
    check(open("d.h5", "rb").read() == before, "the finished file is untouched")
    check(not os.path.exists("d.h5.partial"), "no partial directory left")
    orgs400 = ["run", quick_ini(), "-o", "d.h5", "--samples", "all", "--orgs", "400", "--quiet",
               "--shard", "1/2", "--resume"]
    expect_error(orgs400, 2,
                 ["d.h5", "another study", "[run] orgs = 480 in the file, 400 in this run",
                  "--force"])
    expect_error(study("d.h5", "--shard", "0/2", "--resume"), 2, ["another study", "shard"])
    expect_error(study("d.h5", "--shard", "1/2", "--resume", "--seed", "3"), 2,
                 ["another study", "seed"])
    check(open("d.h5", "rb").read() == before, "a refused resume leaves the file untouched")
    # A file made by a leadsim whose results differ (another statistics version here) is not
    # this study's result, whatever its configuration says.
    import h5py
    import shutil
    shutil.copy("d.h5", "other.h5")
    with h5py.File("other.h5", "r+") as f:
        ident = f.attrs["results_identity"]
        ident = ident.decode() if isinstance(ident, bytes) else str(ident)
        check("; stats 2;" in ident, "the identity names the statistics version", ident)
        f.attrs["results_identity"] = ident.replace("; stats 2;", "; stats 1;")
    expect_error(study("other.h5", "--shard", "1/2", "--resume"), 2,
                 ["other.h5", "another study", "results identity", "stats 1", "in the file",
                  "in this leadsim"])
    ok(*orgs400, "--force")
    with h5py.File("d.h5", "r") as f:
        check(int(f.attrs["orgs_per_scenario"]) == 400, "--force recomputed the study")


def case_merge_bad_inputs():
    with open("junk.h5", "w") as f:
        f.write("not hdf5\n")
    expect_error(["merge", "-o", "m.h5", "junk.h5"], 1, ["junk.h5"])
    expect_error(["merge", "-o", "m.h5"], 2, ["input"])
    expect_error(["merge", "x.h5"], 2, ["-o"])
    check("merge" in ok("help").stdout, "help lists merge")
    check(ok("help", "merge").stdout.startswith("usage: leadsim merge"), "merge help")


# ---------------------------------------------------------------------------------------------
# Stop and resume


def wait_for(cond, proc, timeout=30):
    deadline = time.time() + timeout
    while not cond() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.005)
    return cond()


def case_sigterm_resume_fixed_points():
    ref = reference()
    rows_total = 2 * int(ORGS)

    def spool_rows(out):
        # records.bin rows are 16 + 8 * (P + M*K) bytes; the first row's size is not known
        # here, so the fraction of the final size of the reference's records is used.
        try:
            return os.path.getsize(out + ".partial/records.bin")
        except OSError:
            return 0

    full_bytes = None
    # Points: the partial directory exists (signal handlers installed, nothing done yet);
    # the first periodic checkpoint (the first progress); half of the records spooled.
    points = ["start", "first", "half"]
    for i, point in enumerate(points):
        out = "r%d.h5" % i
        proc = subprocess.Popen([LEADSIM, *study(out, "--threads", "1",
                                                 "--checkpoint-interval", "0.02")],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        part = out + ".partial"
        if point == "start":
            reached = wait_for(lambda: os.path.isdir(part), proc)
        elif point == "first":
            reached = wait_for(lambda: os.path.isfile(part + "/checkpoint.bin"), proc)
        else:
            reached = wait_for(lambda: full_bytes and spool_rows(out) >= full_bytes // 2, proc)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        check(reached and proc.returncode == 3,
              "SIGTERM at point %r must exit 3 (reached=%s, exit %d)" %
              (point, reached, proc.returncode), err)
        lines = [l for l in err.splitlines() if l.startswith("leadsim: ")]
        check(len(lines) == 1 and "checkpoint" in lines[0] and "--resume" in lines[0],
              "one line naming the checkpoint and the resume command", err)
        check(os.path.isfile(part + "/checkpoint.bin"), "checkpoint written", err)
        check(not os.path.exists(out), "no file under the final name", err)
        if point == "first":
            full_bytes = spool_rows(out) * rows_total // max(1, rows_done(part))
        # Without --resume the checkpoint is not silently discarded.
        expect_error(study(out), 2, ["--resume", out + ".partial"])
        resume_until_done(out)
        assert_identical(ref, out)


def checkpoint_fields(b):
    """(version, [config_ini, model, identity], [builds], offset of u64 seed) of a checkpoint's
    bytes (engine/leadsim/run/checkpoint.h)."""
    (version,) = struct.unpack_from("<I", b, 4)
    at, texts = 8, []
    for _ in range(3):
        (n,) = struct.unpack_from("<I", b, at)
        texts.append(b[at + 4:at + 4 + n].decode())
        at += 4 + n
    builds = []
    if version >= 3:
        (w,) = struct.unpack_from("<I", b, at)
        at += 4
        for _ in range(w):
            (n,) = struct.unpack_from("<I", b, at)
            builds.append(b[at + 4:at + 4 + n].decode())
            at += 4 + n
    return version, texts, builds, at


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def rows_done(part):
    """spool_rows of a checkpoint."""
    b = open(part + "/checkpoint.bin", "rb").read()
    return struct.unpack_from("<10Q", b, checkpoint_fields(b)[3])[7]


def this_build():
    """This leadsim as its checkpoints name it: "leadsim V (git G; COMPILER)"."""
    lines = dict(l.split(":", 1) if ":" in l else ("leadsim", l.split(" ", 1)[1])
                 for l in ok("--version").stdout.splitlines())
    return "leadsim %s (git %s; %s)" % (lines["leadsim"].strip(), lines["git"].strip(),
                                        lines["compiler"].strip())


def case_resume_by_another_build():
    """A checkpoint names every build that wrote it. Resumed by another build of the same
    results identity, the run says so, finishes with the uninterrupted result, and the file
    names both builds (checkpoint_binaries); a run that no other build touched has none."""
    import h5py
    ref = reference()
    code, err = interrupt("b.h5", 0.3)
    check(code == 3, "SIGTERM must exit 3", err)
    ck = "b.h5.partial/checkpoint.bin"
    b = open(ck, "rb").read()
    version, _, builds, at = checkpoint_fields(b)
    me = this_build()
    check(version == 3 and builds == [me], "the checkpoint names this build",
          "%d %r vs %r" % (version, builds, me))
    # The same checkpoint as another build (same identity) would have written it.
    other = "leadsim 0.0.9 (git 0000000; another compiler)"
    start = at - 4 - len(me.encode()) - 4  # the count of builds
    body = (b[:start] + struct.pack("<I", 1) + struct.pack("<I", len(other)) + other.encode()
            + b[at:-8])
    with open(ck, "wb") as f:
        f.write(body + struct.pack("<Q", fnv1a64(body)))
    p = ok(*study("b.h5", "--resume"))
    check("the checkpoint was written by %s; this is %s: the results identity agrees" %
          (other, me) in p.stderr, "the resume names both builds", describe(p))
    assert_identical(ref, "b.h5")
    with h5py.File("b.h5", "r") as f, h5py.File(ref, "r") as g:
        got = f.attrs["checkpoint_binaries"]
        got = got.decode() if isinstance(got, bytes) else str(got)
        check(got == other + "\n" + me, "the file names both builds", got)
        check("checkpoint_binaries" not in g.attrs, "an uninterrupted run names none")


def case_sigterm_resume_random():
    """Random signals at random times, resumed until done: the result is identical to one
    uninterrupted run, every resume starts where the previous stop ended (no work lost, none
    repeated), and the stop points never go backwards. Delays scale with the time of the
    reference run, so a sanitizer build (several times slower) sees as many interrupts per
    seed as a release build, not five times as many."""
    start = time.time()
    ref = reference()
    span = max(0.5, (time.time() - start) / 3.0)
    interrupted = 0
    for seed in (1, 2, 3):
        rnd = random.Random(seed)
        out = "rr%d.h5" % seed
        rounds = 0
        stopped_at = None
        while True:
            sig = rnd.choice([signal.SIGTERM, signal.SIGINT, signal.SIGUSR1])
            extra = ("--checkpoint-interval", "0.01") + (("--resume",) if rounds > 0 else ())
            code, err = interrupt(out, rnd.uniform(0.0, span), sig, extra)
            rounds += 1
            resumed = re.search(r"resuming from checkpoint .* at work item (\d+)", err)
            if stopped_at is not None:
                check(resumed is not None and int(resumed.group(1)) == stopped_at,
                      "the resume must start at work item %d, where the last stop ended"
                      % stopped_at, err)
            if code == 0:
                break
            check(code == 3, "signal %d must exit 3 (got %d)" % (sig, code), err)
            interrupted += 1
            stop = re.search(r"stopped after work item (\d+)", err)
            check(stop is not None, "an interrupted run names the work item it stopped after",
                  err)
            check(stopped_at is None or int(stop.group(1)) >= stopped_at,
                  "stop points must not go backwards", err)
            stopped_at = int(stop.group(1))
            check(rounds < 60, "no end after 60 interrupted runs", err)
        check(not os.path.exists(out + ".partial"), "partial directory removed")
        assert_identical(ref, out)
    check(interrupted >= 3, "too few runs were interrupted (%d) to test anything" % interrupted)


def case_sigkill_resume_periodic():
    ref = reference()
    out = "k.h5"
    proc = subprocess.Popen([LEADSIM, *study(out, "--threads", "1",
                                             "--checkpoint-interval", "0.05")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 30
    ck = out + ".partial/checkpoint.bin"
    while not os.path.exists(ck) and time.time() < deadline and proc.poll() is None:
        time.sleep(0.01)
    time.sleep(0.1)
    proc.kill()
    proc.wait()
    if proc.returncode == 0:
        raise Failure("run finished before SIGKILL; make the study larger")
    check(os.path.isfile(ck), "a periodic checkpoint exists before SIGKILL")
    p = resume_until_done(out)
    check("resuming" in p.stderr, "resume announces the checkpoint", describe(p))
    assert_identical(ref, out)


def case_concurrent_writers_refused():
    """One writer per output: while a run works on OUT.partial/, a second run on the same
    output (another seed, or --resume onto the live checkpoint) stops at once with exit 2,
    naming the live run's pid, and touches nothing. Once that run is dead (SIGKILL) its lock
    no longer blocks: the message says the earlier run is no longer running, and --resume
    finishes the study exactly."""
    ref = reference()
    out = "w.h5"
    proc = subprocess.Popen([LEADSIM, *study(out, "--threads", "1",
                                             "--checkpoint-interval", "0.05")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ck = out + ".partial/checkpoint.bin"
    try:
        check(wait_for(lambda: os.path.exists(ck), proc), "a checkpoint appears while it runs")
        proc.send_signal(signal.SIGSTOP)  # alive, holding the lock, writing nothing
        check(proc.poll() is None, "the first run is still alive (make the study larger)")
        busy = ["is being written by another leadsim run", "pid %d" % proc.pid, out]
        expect_error(study(out, "--seed", "8"), 2, busy)
        expect_error(study(out, "--resume"), 2, busy)
        expect_error(study(out, "--force"), 2, busy)
    finally:
        proc.kill()
        proc.wait()
    check(os.path.isfile(ck), "the live run's checkpoint is kept")
    expect_error(study(out), 2, ["no longer running", "--resume", ck])
    resume_until_done(out)
    assert_identical(ref, out)


def case_resume_without_checkpoint_starts_fresh():
    ref = reference()
    p = ok(*study("f.h5", "--resume"))
    check("no checkpoint" in p.stderr and "starting" in p.stderr, "fresh start is announced",
          describe(p))
    assert_identical(ref, "f.h5")


def case_checkpoint_other_config_refused():
    code, err = interrupt("o.h5", 0.3)
    check(code == 3, "SIGTERM must exit 3", err)
    # Each refusal names the first difference with both values.
    expect_error(study("o.h5", "--resume", "--seed", "99"), 2,
                 ["another study", "seed: 7 in the checkpoint, 99 now"])
    expect_error(study("o.h5", "--resume", "--set", "org.workers=int_loguniform(10, 50)"), 2,
                 ["another study", "[org] workers = int_loguniform(10,60) in the checkpoint, "
                  "int_loguniform(10,50) in this run"])
    expect_error(study("o.h5", "--resume", "--set", "sweep.info_reach=list(0.2)"), 2,
                 ["another study", "[sweep] info_reach = list(0.2, 0.8) in the checkpoint"])
    expect_error(study("o.h5", "--resume", "--shard", "1/2"), 2,
                 ["another study", "shard: 0/1", "1/2 now"])
    check(os.path.isfile("o.h5.partial/checkpoint.bin"), "a refused resume keeps the checkpoint")


def case_spool_bit_flip():
    """Every block of the record spool carries a CRC-32C: a bit flipped in a spooled record
    after a checkpoint is caught on resume (exit 1, naming the file and the block), never
    written into the result."""
    code, err = interrupt("b.h5", 0.3, extra=("--checkpoint-interval", "0.05"))
    check(code == 3, "SIGTERM must exit 3", err)
    part = "b.h5.partial"
    rows = rows_done(part)
    check(rows > 0, "the checkpoint holds spooled records (make the study larger)", str(rows))
    spool = part + "/records.bin"
    with open(spool, "r+b") as f:
        f.seek(100)  # inside the first row, a metric or parameter value
        byte = f.read(1)
        f.seek(100)
        f.write(bytes([byte[0] ^ 0x04]))
    p = leadsim(*study("b.h5", "--resume"))
    check(p.returncode == 1, "a damaged spool exits 1", describe(p))
    check("records.bin" in p.stderr and "block 0" in p.stderr and "checksum" in p.stderr,
          "the message names the file and the block", describe(p))
    check(not os.path.exists("b.h5"), "no result from a damaged spool")


def case_checkpoint_corrupt():
    code, err = interrupt("c.h5", 0.3)
    check(code == 3, "SIGTERM must exit 3", err)
    ck = "c.h5.partial/checkpoint.bin"
    good = open(ck, "rb").read()
    for name, data in [("truncated", good[:len(good) // 2]), ("empty", b""),
                       ("flipped", good[:100] + bytes([good[100] ^ 1]) + good[101:]),
                       ("magic", b"XXXX" + good[4:])]:
        with open(ck, "wb") as f:
            f.write(data)
        p = leadsim(*study("c.h5", "--resume"))
        check(p.returncode in (1, 2), "%s checkpoint: exit 1 or 2" % name, describe(p))
        check("checkpoint.bin" in p.stderr and "leadsim: error:" in p.stderr,
              "%s checkpoint: message names the file" % name, describe(p))
    # A spool shorter than the checkpoint says is an error too, not a crash.
    with open(ck, "wb") as f:
        f.write(good)
    with open("c.h5.partial/records.bin", "r+b") as f:
        f.truncate(10)
    p = leadsim(*study("c.h5", "--resume"))
    check(p.returncode == 1 and "records.bin" in p.stderr, "short spool", describe(p))


def case_checkpoint_interval_overhead_free():
    ref = reference()
    ok(*study("i.h5", "--checkpoint-interval", "0"))
    ok(*study("j.h5", "--checkpoint-interval", "0.001"))
    assert_identical(ref, "i.h5")
    assert_identical(ref, "j.h5")
    expect_error(study("x.h5", "--checkpoint-interval", "-1"), 2, ["checkpoint-interval"])
    expect_error(study("x.h5", "--checkpoint-interval", "soon"), 2, ["checkpoint-interval"])


def case_output_checks_before_simulation():
    os.mkdir("adir.h5")
    expect_error(study("adir.h5"), 1, ["adir.h5"])
    expect_error(study("nodir/out.h5"), 1, ["nodir"])
    open("exists.h5", "w").close()
    expect_error(study("exists.h5"), 1, ["force"])
    check(sorted(os.listdir(".")) == ["adir.h5", "exists.h5"], "nothing created: %s" %
          os.listdir("."))


# ---------------------------------------------------------------------------------------------


if __name__ == "__main__":
    sys.exit(clitest.main(globals()))
