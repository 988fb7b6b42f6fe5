#!/usr/bin/python3
"""Bad input and fault tests of the `leadsim` binary (docs/RELIABILITY.md).

usage: reliability_test.py LEADSIM SOURCE_DIR CASE   (CASE: a `case_*` name without prefix,
                                                      or "all")

Each case runs in a fresh temporary directory and asserts the exit code, the one-line
"leadsim: error: ..." message (key words), and that nothing is lost or left half-written: no
results file under the final name, no "*.tmp.*" file, an existing file untouched. Cases that
need mount(2) (read-only file system, full disk) fall back to what an unprivileged process
can do (/proc, RLIMIT_FSIZE) and say so on stdout. Runs on /usr/bin/python3 with the
standard library, numpy and h5py.
"""

import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import time

import clitest
from clitest import check, describe, expect_error, leadsim, listing, ok, quick_ini

LEADSIM = SOURCE = ""  # set by clitest.main


def write(path, text, mode="w"):
    with open(path, mode) as f:
        f.write(text)


def tiny_run(out, *extra):
    """A results file of a few kB: 4 organizations, 2 scenarios, 2 modes, every record."""
    ok("run", quick_ini(), "-o", out, "--quiet", "--orgs", "4", "--modes",
       "centralized,distributed", "--samples", "all", "--set", "org.workers=int_uniform(3,8)",
       "--set", "model.periods=10", *extra)
    check(os.path.isfile(out), "results file missing: " + out)
    return out


def registry():
    """(section, name, lo, hi, integer, kind) of every model parameter, from `leadsim params`."""
    p = ok("params", "--model", "leadership")
    out = []
    for line in p.stdout.splitlines():
        f = line.split()
        if len(f) >= 5 and f[0] in ("org", "model") and "[" in line:
            rng = line[line.index("[") + 1:line.index("]")].split(",")
            out.append((f[0], f[1], float(rng[0]), float(rng[1]), "integer" in line))
    check(len(out) >= 40, "leadsim params lists the registry", p.stdout[:2000])
    return out


class Mount:
    """A tmpfs mounted on `path` (optionally read-only); .ok is False where mount(2) is not
    permitted (no CAP_SYS_ADMIN), and the caller falls back."""

    def __init__(self, path, size="1m", readonly=False):
        os.makedirs(path, exist_ok=True)
        self.path = path
        opts = "size=%s" % size + (",ro" if readonly else "")
        self.ok = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", path],
                                 capture_output=True).returncode == 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.ok:
            subprocess.run(["umount", "-l", self.path], capture_output=True)


# ---------------------------------------------------------------------------------------------
# Configuration


def case_config_empty_file():
    write("empty.ini", "")
    expect_error(["run", "empty.ini", "-o", "x.h5"], 2, ["empty.ini", "empty"])
    write("comments.ini", "# nothing but comments\n\n; and blank lines\n[run]\n")
    expect_error(["run", "comments.ini", "-o", "x.h5"], 2, ["comments.ini", "no settings"])


def case_config_binary_garbage():
    rnd = random.Random(20240601)
    write("garbage.ini", bytes(rnd.randrange(256) for _ in range(4096)), "wb")
    expect_error(["run", "garbage.ini", "-o", "x.h5"], 2, ["garbage.ini", "binary"])
    # An HDF5 file given where a configuration belongs.
    tiny_run("r.h5")
    expect_error(["run", "r.h5", "-o", "x.h5"], 2, ["r.h5"])
    # Valid text, then a NUL byte in the middle of a value.
    write("nul.ini", b"[run]\norgs = 8\x00\n", "wb")
    expect_error(["run", "nul.ini", "-o", "x.h5"], 2, ["nul.ini:2", "control character"])


def case_config_nan_and_infinity_everywhere():
    # Every numeric field, in the file and through --set, refuses NaN and infinities.
    params = registry()
    for section, name, lo, hi, integer in params:
        for bad in ("nan", "inf", "-inf", "1e999"):
            expect_error(["run", quick_ini(), "-o", "x.h5", "--set", "%s.%s=%s" %
                          (section, name, bad)], 2, [name, ("finite", "range of a double")])
    for key in ("orgs", "block_size"):
        for bad in ("nan", "inf"):
            expect_error(["run", quick_ini(), "-o", "x.h5", "--set", "run.%s=%s" % (key, bad)],
                         2, [key])
    expect_error(["run", quick_ini(), "-o", "x.h5", "--set", "run.seed=nan"], 2, ["seed"])
    expect_error(["run", quick_ini(), "-o", "x.h5", "--set", "output.samples=inf"], 2,
                 ["samples"])
    # Inside distributions and sweep axes.
    for text in ("uniform(nan,1)", "uniform(0,inf)", "beta_mean(0.5,inf)", "normal(nan,1)",
                 "choice(0.1,nan)"):
        expect_error(["run", quick_ini(), "-o", "x.h5", "--set", "org.local_weight=" + text],
                     2, ["local_weight", "finite"])
    for text in ("list(0.1,nan)", "linspace(0,inf,3)"):
        expect_error(["run", quick_ini(), "-o", "x.h5", "--set", "sweep.theta=" + text], 2,
                     ["theta"])
    write("nan.ini", "[run]\norgs = 8\n[model]\ntheta = NaN\n")
    expect_error(["run", "nan.ini", "-o", "x.h5"], 2, ["nan.ini:4", "theta", "finite"])


def case_config_special_files_and_size():
    """A configuration is a regular file of at most 16 MiB: /dev/zero (read until memory ran
    out), a FIFO (would block) and a 17 MB file are refused at once with exit 2."""
    expect_error(["run", "/dev/zero", "-o", "z.h5"], 2, ["/dev/zero", "not a regular file"],
                 root=".")
    os.mkfifo("pipe.ini")
    expect_error(["run", "pipe.ini", "-o", "z.h5"], 2, ["pipe.ini", "not a regular file"])
    write("huge.ini", "#" * (17 * 1000 * 1000))
    expect_error(["run", "huge.ini", "-o", "z.h5"], 2, ["huge.ini", "at most", "16 MiB"])


def case_seed_out_of_range():
    """A seed of 2^64 says it is out of range and names the range, from --seed and --set."""
    for args in (["--seed", "18446744073709551616"], ["--set", "run.seed=18446744073709551616"]):
        expect_error(["run", quick_ini(), "-o", "s.h5", *args], 2,
                     ["18446744073709551616", "out of range [0, 2^64-1]"])
    ok("run", quick_ini(), "-o", "s.h5", "--orgs", "2", "--quiet", "--seed",
       "18446744073709551615")


def case_config_registry_errors():
    # One row per class of error resolve() and the model's create() raise; each names the
    # origin FILE:LINE and the offending key or value.
    rows = [
        ("[run]\norgs = 8\n[bogus]\nx = 1\n", ["bad.ini:4", "bogus", "unknown section"]),
        ("[run]\norgs = 8\n[org]\ninfo_reech = 0.5\n", ["bad.ini:4", "info_reach"]),
        ("[run]\norgs = 8\n[org]\nperiods = 5\n", ["bad.ini:4", "periods", "[model]"]),
        # A [model] constant may be drawn (theta = uniform(0,1) is legal), but an integer one
        # only from an integer distribution, and a switch never.
        ("[run]\norgs = 8\n[model]\nperiods = uniform(10,20)\n", ["bad.ini:4", "periods",
                                                                   "integer distribution"]),
        ("[run]\norgs = 8\n[model]\npeer_coachee = choice(0,1)\n", ["bad.ini:4",
                                                                      "peer_coachee", "switch"]),
        ("[run]\norgs = 8\n[model]\ntheta = uniform(0,1.5)\n", ["bad.ini:4", "theta"]),
        ("[run]\norgs = 8\n[org]\ninfo_reach = 1.5\n", ["bad.ini:4", "info_reach", "1.5"]),
        ("[run]\norgs = 8\n[org]\nworkers = 2.5\n", ["bad.ini:4", "workers"]),
        ("[run]\norgs = 8\n[org]\nlocal_weight = uniform(0.8,0.3)\n", ["bad.ini:4",
                                                                         "local_weight"]),
        ("[run]\norgs = 8\n[org]\nlocal_weight = uniformm(0,1)\n", ["bad.ini:4", "uniformm"]),
        ("[run]\norgs = 8\n[org]\nlocal_weight = uniform(0,1\n", ["bad.ini:4", "local_weight"]),
        ("[run]\norgs = 8\n[sweep]\nbogus = list(1,2)\n", ["bad.ini:4", "bogus"]),
        ("[run]\norgs = 8\n[sweep]\ntheta = list()\n", ["bad.ini:4", "theta"]),
        ("[run]\norgs = 8\n[sweep]\ntheta = linspace(0,2,3)\n", ["bad.ini:4", "theta"]),
        ("[run]\nmodes = centralized, centralized\n", ["bad.ini:2", "twice"]),
        ("[run]\nmodel = leadershp\n", ["bad.ini:2", "leadership"]),
        ("[run]\nmodes = centralized\nbaseline = distributed\n", ["baseline", "distributed"]),
        ("[run]\nmodes = fast\n[mode.fast]\nroute = sideways\n", ["route", "sideways"]),
        ("[run]\nmodes = fast\n[mode.fast]\nspeed = 3\n", ["speed"]),
        ("[run]\norgs = 8\nallow_huge = maybe\n", ["bad.ini:3", "allow_huge"]),
        ("orgs = 8\n", ["bad.ini:1", "section"]),
        ("[run]\norgs 8\n", ["bad.ini:2", "key = value"]),
        ("[run]\norgs =\n", ["bad.ini:2", "no value"]),
        ("[run\norgs = 8\n", ["bad.ini:1", "]"]),
        ("[run]\nseed = -1\n", ["bad.ini:2", "seed"]),
        ("[run]\nblock_size = 0\n", ["bad.ini:2", "block_size"]),
        ("[output]\nsamples = some\n", ["bad.ini:2", "samples"]),
    ]
    for text, words in rows:
        write("bad.ini", text)
        expect_error(["run", "bad.ini", "-o", "x.h5"], 2, words)


def case_config_no_includes():
    # leadsim configurations have no include directive: a would-be include is an unknown key,
    # so a file cannot include itself (docs/RELIABILITY.md).
    write("self.ini", "[run]\ninclude = self.ini\norgs = 8\n")
    expect_error(["run", "self.ini", "-o", "x.h5"], 2, ["self.ini:2", "include", "unknown key"])
    write("self2.ini", "%include self2.ini\n[run]\norgs = 8\n")
    expect_error(["run", "self2.ini", "-o", "x.h5"], 2, ["self2.ini:1"])


def case_config_absurd_sizes():
    # Sizes the registry's ranges refuse outright, with the range in the message.
    expect_error(["run", quick_ini(), "-o", "x.h5", "--set", "org.workers=1e12"], 2,
                 ["workers", "1e+12", "legal range"])
    expect_error(["run", quick_ini(), "-o", "x.h5", "--set", "model.periods=1e9"], 2,
                 ["periods", "1e+09", "legal range"])
    expect_error(["run", quick_ini(), "-o", "x.h5", "--orgs", "1000000000000000"], 2,
                 ["orgs", "1e+12"])
    expect_error(["run", quick_ini(), "-o", "x.h5", "--set",
                  "sweep.theta=linspace(0,1,2000000)"], 2, ["theta", "1000000"])
    # Legal one by one, absurd together: refused up front with the time they would need.
    msg = expect_error(["run", quick_ini(), "-o", "x.h5", "--orgs", "1000000000000"], 2,
                       ["run too large", "core-hours", "run.allow_huge"]).stderr.strip()
    check("2e+12 organization simulations" in msg, "the estimate counts orgs x scenarios", msg)
    expect_error(["run", quick_ini(), "-o", "x.h5", "--orgs", "1000000", "--set",
                  "sweep.shock_share=linspace(0,1,1000)", "--set", "sweep.theta=linspace(0,1,100)"],
                 2, ["run too large", "core-hours"])
    # Records: output.samples = all of 10^10 organizations x 2 scenarios would be > 1 TB.
    expect_error(["run", quick_ini(), "-o", "x.h5", "--orgs", "10000000000", "--samples", "all",
                  "--set", "org.workers=1", "--set", "model.periods=1"], 2,
                 ["run too large", "GB", "samples"])
    # The limit is not a cap on ordinary studies: the largest shipped config passes it (a
    # --orgs 1 override keeps the run short; the estimate is checked on the config itself in
    # tests/config/estimate_test.cpp).
    tiny_run("fine.h5")


def case_memory_bounded_by_scenarios():
    """Statistics grow with scenarios x modes x metrics (never with organizations): a sweep whose
    statistics would not fit half of the memory is refused before anything is allocated (exit
    2, naming the estimate, the limit and run.allow_huge), here under a 1 GB address-space
    limit that an attempt to allocate them would hit (not in a sanitizer build, whose shadow
    memory alone is larger: there the refusal is checked without the limit)."""
    def limit_as():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    limit = None if clitest.sanitized() else limit_as
    for cmd in (["run", quick_ini(), "--orgs", "1", "--modes", "centralized",
                 "--set", "sweep.info_reach=linspace(0,1,1000000)", "-o", "huge.h5"],
                ["run", quick_ini(), "--orgs", "1", "--set", "sweep.info_reach=linspace(0,1,50000)",
                 "--set", "sweep.span=list(3,4,5,6,7,8,9,10)", "-o", "huge.h5"]):
        expect_error(cmd, 2, ["run too large for the memory", "scenarios", "GB",
                              "per scenario", "run.allow_huge = true"], preexec_fn=limit)
    check(not os.path.exists("huge.h5.partial"), "nothing created")


def case_config_huge_allowed_explicitly():
    # run.allow_huge = true lifts the limit: the run starts instead of being refused. It is
    # killed after 2 s (SIGKILL: what a run of 10^12 organizations does with SIGTERM is the
    # run module's business, tested there).
    proc = subprocess.Popen([LEADSIM, "run", quick_ini(), "-o", "huge.h5", "--threads", "1",
                             "--orgs", "1000000000000", "--set", "run.allow_huge=true",
                             "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    time.sleep(2.0)
    running = proc.poll() is None
    proc.kill()
    out, err = proc.communicate(timeout=60)
    check(running, "allow_huge must let the run start", err)
    check("run too large" not in err, "no size refusal with allow_huge", err)
    check(not os.path.exists("huge.h5"), "a killed run leaves no results file")


# ---------------------------------------------------------------------------------------------
# Files


def no_leftovers(root="."):
    left = [f for f in listing(root) if ".tmp." in f]
    check(not left, "temporary files left behind: %s" % left)


def case_output_read_only_filesystem():
    with Mount(os.path.abspath("ro"), readonly=True) as m:
        if m.ok:
            print("read-only tmpfs mount")
            expect_error(["run", quick_ini(), "-o", "ro/out.h5", "--quiet"], 1,
                         ["'ro'", "not writable"], root="ro")
            check(listing("ro") == set(), "nothing written to the read-only file system")
            return
    print("mount(2) not permitted: /proc stands in for a read-only directory")
    expect_error(["run", quick_ini(), "-o", "/proc/leadsim-rel.h5"], 1, ["/proc"])
    check(not os.path.exists("/proc/leadsim-rel.h5"), "nothing under /proc")


def case_output_path_problems():
    os.mkdir("adir.h5")
    expect_error(["run", quick_ini(), "-o", "adir.h5"], 1, ["adir.h5", "directory"])
    expect_error(["run", quick_ini(), "-o", "missing/out.h5"], 1, ["missing"])
    write("afile", "x")
    expect_error(["run", quick_ini(), "-o", "afile/out.h5"], 1, ["afile"])
    # An existing results file is neither overwritten nor damaged without --force.
    tiny_run("keep.h5")
    with open("keep.h5", "rb") as f:
        before = f.read()
    expect_error(["run", quick_ini(), "-o", "keep.h5"], 1, ["keep.h5", "force"])
    with open("keep.h5", "rb") as f:
        check(f.read() == before, "existing file must be untouched")
    no_leftovers()


def set_fsize_limit(nbytes):
    def fn():
        # Ignored SIGXFSZ survives exec: writes past the limit fail with EFBIG instead.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, nbytes))
    return fn


def case_output_special_files_and_long_names():
    """Outputs replace regular files only: a FIFO or a character device at the output path is
    refused with exit 2, --force or not, and stays what it was. A 251-character file name (its
    temporary name and partial directory would pass NAME_MAX) is written normally."""
    import stat
    os.mkfifo("fifo.h5")
    for extra in ((), ("--force",)):
        expect_error(["run", quick_ini(), "-o", "fifo.h5", "--orgs", "2", "--quiet", *extra], 2,
                     ["fifo.h5", "a FIFO", "only replace a regular file"])
        check(stat.S_ISFIFO(os.stat("fifo.h5").st_mode), "the FIFO is left alone")
    try:  # a private copy of /dev/null's device numbers: never the real /dev/null
        os.mknod("null.h5", stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        print("(no CAP_MKNOD: the character-device case is not run)")
    else:
        expect_error(["run", quick_ini(), "-o", "null.h5", "--orgs", "2", "--quiet", "--force"],
                     2, ["null.h5", "a character device"])
        check(stat.S_ISCHR(os.stat("null.h5").st_mode), "the device is left alone")
    long_name = "r" * 248 + ".h5"
    check(len(long_name) == 251, "a 251-character name")
    tiny_run(long_name)
    check(os.listdir(".") and all(len(n) <= 255 for n in os.listdir(".")), "names fit NAME_MAX")
    check(not [n for n in os.listdir(".") if n.endswith(".partial")], "no partial directory left")


def case_stdout_write_failure():
    """What a command prints must reach standard output: with stdout on /dev/full, params,
    inspect (text and --json), replay and run exit 1 naming standard output."""
    out = tiny_run("t.h5")
    for args in (["params"], ["inspect", out], ["inspect", out, "--json"],
                 ["replay", out, "--scenario", "0", "--org", "0"],
                 ["run", quick_ini(), "-o", "u.h5", "--orgs", "2", "--quiet"]):
        with open("/dev/full", "w") as full:
            p = subprocess.run([LEADSIM, *args], stdout=full, stderr=subprocess.PIPE, text=True,
                               timeout=300)
        check(p.returncode == 1, "%s to /dev/full must exit 1 (got %d)" % (args[0], p.returncode),
              p.stderr)
        check("cannot write to standard output" in p.stderr, "the error names stdout", p.stderr)


def case_outputs_never_clobbered():
    """Every output follows run's rule: kept unless --force, never an input of the same
    command, written under a temporary name and renamed. replay --trace onto a results file,
    onto the file being replayed, onto a device; run -o onto its own configuration file; a
    trace write that fails leaves nothing behind."""
    import stat
    out = tiny_run("r.h5")
    victim = tiny_run("victim.h5", "--seed", "3")
    with open(victim, "rb") as f:
        before = f.read()
    replay = ["replay", out, "--scenario", "0", "--org", "1"]
    expect_error(replay + ["--trace", victim], 1, ["victim.h5", "exists", "--force"])
    with open(victim, "rb") as f:
        check(f.read() == before, "an existing file is kept without --force")
    for path in (out, "./" + out):
        for extra in ((), ("--force",)):
            expect_error(replay + ["--trace", path, *extra], 2, ["--trace", "being replayed"])
    check(os.path.getsize(out) > 1000 and open(out, "rb").read(4) == b"\x89HDF",
          "the replayed file survives")
    os.mkfifo("fifo.csv")
    expect_error(replay + ["--trace", "fifo.csv", "--force"], 2, ["fifo.csv", "a FIFO"])
    check(stat.S_ISFIFO(os.stat("fifo.csv").st_mode), "the FIFO is left alone")
    # A failing trace write (file-size limit) leaves neither the trace nor a temporary file.
    p = leadsim(*replay, "--trace", "t.csv", preexec_fn=set_fsize_limit(256))
    check(p.returncode == 1 and "t.csv" in p.stderr, "a failed trace write exits 1", describe(p))
    check(not os.path.exists("t.csv"), "no trace file after a failed write")
    no_leftovers()
    ok(*replay, "--trace", "t.csv")
    check(open("t.csv").readline().startswith("mode,period"), "the trace is written")
    ok(*replay, "--trace", "t.csv", "--force")
    # (a configuration file named like a results file: -o study.ini is refused for its name)
    write("study.h5", open(quick_ini()).read())
    with open("study.h5") as f:
        ini = f.read()
    expect_error(["run", "study.h5", "-o", "study.h5", "--force", "--orgs", "2"], 2,
                 ["study.h5", "configuration file of this run"])
    with open("study.h5") as f:
        check(f.read() == ini, "the configuration file is kept")


def case_result_durable_before_cleanup():
    """The result is on disk before anything that could rebuild it is removed: fsync of the
    finished file, its rename into place, fsync of the directory, and only then the
    checkpoint and spool are unlinked (observed with strace)."""
    strace = shutil.which("strace")
    if strace is None:
        raise clitest.Failure("strace is not installed (tools/bootstrap.sh test installs it)")
    p = subprocess.run([strace, "-f", "-y", "-qq", "-e",
                        "trace=fsync,fdatasync,rename,renameat,renameat2,unlink,unlinkat",
                        "-o", "trace.txt", LEADSIM, "run", quick_ini(), "-o", "d.h5", "--quiet",
                        "--orgs", "8", "--samples", "all"],
                       capture_output=True, text=True, timeout=300)
    if p.returncode != 0 and "ptrace" in p.stderr:
        print("ptrace not permitted here: the case is not run")
        return
    check(p.returncode == 0, "the run succeeds under strace", describe(p))
    lines = open("trace.txt").read().splitlines()

    def first(pred, what):
        for i, line in enumerate(lines):
            if pred(line):
                return i
        raise clitest.Failure("no %s in the system-call trace" % what, "\n".join(lines[-40:]))
    final = os.path.abspath("d.h5")
    ren = first(lambda l: "rename" in l and '"d.h5"' in l and "d.h5.partial" in l,
                "rename of the result into place")
    sync = first(lambda l: ("fsync(" in l or "fdatasync(" in l) and "result.h5>" in l,
                 "fsync of the finished result")
    dsync = first(lambda l: "fsync(" in l and l.split("<", 1)[-1].startswith(
        os.path.dirname(final) + ">"), "fsync of the output directory")
    gone = first(lambda l: "unlink" in l and "checkpoint.bin" in l, "removal of the checkpoint")
    check(sync < ren < dsync < gone, "order: fsync result, rename, fsync directory, cleanup",
          "\n".join(lines[max(0, sync - 2):gone + 2]))


def case_small_disk_no_false_enospc():
    """An 8 MiB file system holds a result of under 1 MB with every record: space is reserved
    for what will be written, not a mebibyte per dataset."""
    with Mount(os.path.abspath("small"), size="8m") as m:
        if not m.ok:
            print("mount(2) not permitted: the case is not run")
            return
        p = leadsim("run", quick_ini(), "-o", "small/out.h5", "--samples", "all", "--quiet",
                    "--orgs", "48")
        check(p.returncode == 0, "the run fits an 8 MiB file system", describe(p))
        size = os.path.getsize("small/out.h5")
        check(200_000 < size < 2_000_000, "a result of about a megabyte", str(size))
        ok("inspect", "small/out.h5")


def case_output_disk_full():
    with Mount(os.path.abspath("small"), size="1m") as m:
        if m.ok:
            print("1 MiB tmpfs mount")
            write("small/precious.h5", "an older results file")
            p = leadsim("run", quick_ini(), "-o", "small/out.h5", "--samples", "all", "--quiet")
            lines = [l for l in p.stderr.splitlines() if l.strip()]
            check(p.returncode == 1 and len(lines) == 1 and "small/out.h5" in lines[0] and
                  "no space" in lines[0].lower(), "exit 1, one line naming file and cause",
                  describe(p))
            left = listing("small")
            check("out.h5" not in left, "no file under the final name", str(left))
            no_leftovers("small")
            # The run module keeps OUT.partial/ (checkpoint and spooled records, never a
            # result file) so that --resume can finish once space is freed.
            check(all(f == "precious.h5" or f.startswith("out.h5.partial") for f in left) and
                  not any(f.endswith(".h5") and f.startswith("out.h5.partial") for f in left),
                  "only the resumable state is left", str(left))
            shutil.rmtree("small/out.h5.partial", ignore_errors=True)
            # --force onto an existing file: the old file survives a failed replacement.
            p = leadsim("run", quick_ini(), "-o", "small/precious.h5", "--force", "--quiet")
            check(p.returncode == 1, "exit 1 when the disk is full", describe(p))
            with open("small/precious.h5") as f:
                check(f.read() == "an older results file", "old file intact after a failure")
            no_leftovers("small")
        else:
            print("mount(2) not permitted: only the RLIMIT_FSIZE variant runs")
    # The same through the file-size limit (works unprivileged).
    p = leadsim("run", quick_ini(), "-o", "lim.h5", "--samples", "all", "--quiet",
                preexec_fn=set_fsize_limit(64 * 1024))
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    check(p.returncode == 1 and len(lines) == 1 and "lim.h5" in lines[0] and
          "too large" in lines[0].lower(), "exit 1, one line naming file and cause", describe(p))
    check(not os.path.exists("lim.h5"), "no file under the final name")
    no_leftovers()


def corrupt_copies(src):
    """Damaged copies of results file `src`: name -> what was done."""
    import h5py
    import numpy as np
    size = os.path.getsize(src)
    with open(src, "rb") as f:
        data = f.read()
    write("truncated.h5", data[:size // 2], "wb")
    write("header-only.h5", data[:600], "wb")
    write("empty.h5", b"", "wb")
    shutil.copy(src, "missing.h5")
    with h5py.File("missing.h5", "r+") as f:
        del f["summary/mean"]
    shutil.copy(src, "other-format.h5")
    with h5py.File("other-format.h5", "r+") as f:
        f.attrs["format"] = np.bytes_(b"someone-else")
    shutil.copy(src, "v1.h5")  # the layout before directions of better
    with h5py.File("v1.h5", "r+") as f:
        f.attrs["format_version"] = f.attrs["format_version"] * 0 + 1
    shutil.copy(src, "reshaped.h5")
    with h5py.File("reshaped.h5", "r+") as f:
        d = f["summary/mean"]
        shape = d.shape
        del f["summary/mean"]
        f.create_dataset("summary/mean", data=np.zeros(shape[:-1] + (shape[-1] + 1,)))
    # A compressed record chunk overwritten with garbage: deflate must notice.
    shutil.copy(src, "chunk.h5")
    with h5py.File("chunk.h5", "r") as f:
        info = f["orgs/metrics/value"].id.get_chunk_info(0)
    with open("chunk.h5", "r+b") as f:
        f.seek(info.byte_offset)
        f.write(bytes(range(256))[:info.size] * 1)
    return ["truncated.h5", "header-only.h5", "empty.h5", "missing.h5", "other-format.h5",
            "v1.h5", "reshaped.h5"]


def case_input_damaged_results():
    tiny_run("good.h5")
    words = {"truncated.h5": [], "header-only.h5": [], "empty.h5": ["hdf5"],
             "missing.h5": ["summary/mean"], "other-format.h5": ["someone-else"],
             "v1.h5": ["version 1"], "reshaped.h5": ["summary/mean", "shape"]}
    for name in corrupt_copies("good.h5"):
        for cmd in (["inspect", name], ["inspect", name, "--json"],
                    ["replay", name, "--scenario", "0", "--org", "0"]):
            expect_error(cmd, 1, [name] + words[name])
    # Damage inside the compressed records: inspect (summary only) still works, replay of the
    # damaged record fails clearly instead of comparing garbage.
    ok("inspect", "chunk.h5")
    # (replay prints what it simulated before it reads the stored record.)
    expect_error(["replay", "chunk.h5", "--scenario", "0", "--org", "0"], 1,
                 ["chunk.h5", "cannot read records"], quiet_stdout=False)
    ok("replay", "good.h5", "--scenario", "0", "--org", "0")


def case_input_not_a_results_file():
    write("text.h5", "hello\n")
    expect_error(["inspect", "text.h5"], 1, ["text.h5", "not an HDF5"])
    os.mkdir("dir.h5")
    expect_error(["inspect", "dir.h5"], 1, ["dir.h5", "directory"])
    expect_error(["replay", "nothing.h5", "--scenario", "0", "--org", "0"], 1, ["nothing.h5"])
    import h5py
    with h5py.File("foreign.h5", "w") as f:
        f["x"] = [1, 2, 3]
    expect_error(["inspect", "foreign.h5"], 1, ["foreign.h5"])


def case_merge_damaged_inputs():
    """merge refuses every damaged input of case_input_damaged_results (exit 1, naming it)
    and writes nothing."""
    tiny_run("good.h5")
    words = {"truncated.h5": [], "header-only.h5": [], "empty.h5": ["hdf5"],
             "missing.h5": ["summary/mean"], "other-format.h5": ["someone-else"],
             "v1.h5": ["version 1"], "reshaped.h5": ["summary/mean", "shape"]}
    for name in corrupt_copies("good.h5"):
        expect_error(["merge", "-o", "m.h5", name], 1, [name] + words[name])
        check(not os.path.exists("m.h5"), "no output from a damaged input")
    no_leftovers()


def case_file_locked_by_a_writer_is_not_damage():
    """A results file another program holds open for writing (h5py mode 'r+': HDF5's file
    lock) is reported as locked, not as damaged, by every reader."""
    import h5py
    out = tiny_run("w.h5")
    with h5py.File(out, "r+"):
        for cmd in (["inspect", out], ["inspect", out, "--json"],
                    ["replay", out, "--scenario", "0", "--org", "0"],
                    ["merge", "-o", "m.h5", out]):
            p = expect_error(cmd, 1, [out, "locked by another program", "not damaged"])
            check("damaged?" not in p.stderr, "a lock is not called damage", describe(p))
    ok("inspect", out)


def case_option_typos_suggest():
    expect_error(["run", quick_ini(), "--thread", "1"], 2,
                 ["'--thread'", "did you mean '--threads'?"])
    expect_error(["run", quick_ini(), "--sede", "1"], 2, ["did you mean '--seed'?"])
    expect_error(["merge", "-o", "m.h5", "--forse", "x.h5"], 2, ["did you mean '--force'?"])
    p = expect_error(["run", quick_ini(), "--zzzzzzzzzz", "1"], 2, ["'--zzzzzzzzzz'"])
    check("did you mean" not in p.stderr, "no suggestion for a far-off option", describe(p))


def case_long_inputs_cut_in_messages():
    """No message echoes a whole input: every value, key or path over 200 characters is cut
    with its length, and a message stays under about a kilobyte."""
    big = "x" * 100000
    many = "list(" + ",".join(["0.5"] * 20000) + ")"
    write("a.ini", "[run]\nseed = 7\n[org]\n" + big + " = 1\n")
    write("b.ini", "[run]\nmodes = " + ",".join(["m%d" % i for i in range(20000)]) + "\n")
    q = quick_ini()
    cases = [["run", q, "--set", "org.workers=" + big], ["run", q, "--set", big + "=1"],
             ["run", q, "--set", "mode." + big + ".x=1"], ["run", q, "--seed", "1" + big],
             ["run", q, "--modes", big], ["run", q, "--baseline", big], ["run", q, "--samples", big],
             ["run", q, "--shard", big], ["run", q, "--checkpoint-interval", big],
             ["run", q, "--set", "sweep.info_reach=list(" + big + ")"],
             ["run", q, "--set", "org.workers=" + many], ["run", q, "--" + big],
             ["run", q, "-o", big + "/x.h5"], ["run", big], [big], ["inspect", big],
             ["merge", "-o", "m.h5", big], ["bench", "--workload", big], ["params", "--model", big],
             ["replay", big, "--scenario", "0", "--org", "0"], ["run", "a.ini"]]
    # A 20000-mode list is named by its first unknown mode: short without cutting.
    p = expect_error(["run", "b.ini"], 2, ["unknown mode m0"])
    check(len(p.stderr) < 1200, "a short message", p.stderr[:1500])
    for args in cases:
        p = leadsim(*args)
        head = " ".join(a[:30] for a in args)
        check(p.returncode in (1, 2), "%s: an error" % head, describe(p)[:2000])
        check(len(p.stderr) < 1200, "%s: a message of %d bytes" % (head, len(p.stderr)),
              p.stderr[:1500])
        check("characters" in p.stderr, "%s: the cut says how long the input was" % head,
              p.stderr[:1500])
        # Each cut names the input's length (80000 and more here), once: a value the
        # engine cut must not be cut again by the message ("… (204 characters) (300 ...").
        counts = [int(n) for n in re.findall(r"\((\d+) characters\)", p.stderr)]
        check(counts and min(counts) >= 80000,
              "%s: every cut names the whole input's length" % head, p.stderr[:1500])
        check(not re.search(r"characters\) \(\d+ characters\)", p.stderr),
              "%s: a value is cut once" % head, p.stderr[:1500])
    # Lengths are characters, not bytes: 300 two-byte characters are 300.
    p = expect_error(["run", q, "--set", "org.workers=" + "\u00e9" * 300], 2,
                     ["(300 characters)"])
    check("(600 characters)" not in p.stderr, "lengths in characters", p.stderr)


def case_config_says_what_it_runs():
    """A configuration that says one thing and would run another is refused through the
    command line, naming both places: --set of a swept key, keys, sections and sweep lines
    given twice, a [mode.X] section no mode uses; a bare --set key is found; a list() as long
    as the limit parses in linear time."""
    import h5py
    q = quick_ini()
    expect_error(["run", q, "--set", "org.info_reach=0.5", "-o", "s.h5"], 2,
                 ["org.info_reach=0.5 (--set)", "swept by [sweep] info_reach", "quick.ini:16",
                  "--set sweep.info_reach=list(0.5)", "sweep.info_reach=none"])
    # Dropping the axis from the command line makes the fixed value the one that runs.
    ok("run", q, "--set", "sweep.info_reach=none", "--set", "info_reach=0.5", "--orgs", "4",
       "-o", "fixed.h5", "--quiet")
    with h5py.File("fixed.h5", "r") as f:
        check(f["scenarios/id"].shape[0] == 1, "one scenario once the axis is dropped")
        cfg = f.attrs["config"]
        cfg = cfg.decode() if isinstance(cfg, bytes) else str(cfg)
        check("info_reach = 0.5" in cfg and "list(0.2" not in cfg,
              "the stored configuration is what ran", cfg)
    expect_error(["run", q, "--set", "info_reech=0.5"], 2, ["did you mean 'org.info_reach'"])
    base = "[run]\norgs = 4\nmodes = centralized, distributed\n"
    write("twice.ini", base + "[org]\ninfo_reach = 0.2\ninfo_reach = 0.3\n")
    expect_error(["run", "twice.ini"], 2, ["twice.ini:6", "set twice", "twice.ini:5"])
    write("section.ini", base + "[org]\nspan = 4\n[org]\ninfo_reach = 0.3\n")
    expect_error(["run", "section.ini"], 2, ["section.ini:6", "[org]", "section.ini:4"])
    write("axes.ini", base + "[sweep]\ninfo_reach = list(0.2, 0.8)\ninfo_reach = list(0.5)\n")
    expect_error(["run", "axes.ini"], 2, ["axes.ini:6", "info_reach", "axes.ini:5"])
    expect_error(["run", q, "--set", "run.seed=3", "--set", "run.seed=4"], 2, ["seed", "twice"])
    write("typo.ini", base + "[mode.distibuted]\nroute = manager\n")
    expect_error(["run", "typo.ini"], 2, ["typo.ini:5", "[mode.distibuted]",
                                          "did you mean [mode.distributed]"])
    # 10^6 values (the documented limit) with a bad last one: refused within seconds (parsing
    # was quadratic: 3*10^4 values took 14 s and 10^6 never finished).
    write("long.ini", base + "[sweep]\ninfo_reach = list(" +
          ",".join("0.%d" % (i % 1000) for i in range(999999)) + ",x)\n")
    start = time.monotonic()
    p = leadsim("run", "long.ini", timeout=120)
    check(p.returncode == 2 and "'x' is not a number" in p.stderr and len(p.stderr) < 1200,
          "the bad value is named in a short message", describe(p)[:2000])
    print("10^6-value list refused in %.2f s" % (time.monotonic() - start))


def case_unreadable_config_gives_the_cause():
    expect_error(["run", "/proc/self/mem"], 2, ["/proc/self/mem", "cannot read",
                                                 "input/output error"])


# ---------------------------------------------------------------------------------------------
# Numeric robustness through the whole pipeline (the per-parameter sweep is
# tests/model/edges_test.cpp)


def case_edges_run_without_infinity():
    import h5py
    import numpy as np
    settings = ["org.workers=1", "org.span=2", "org.domains=1", "org.decision_rate=0",
                "model.deadline=0", "model.periods=1", "org.turnover=1", "org.turbulence=1",
                "org.manager_capacity=0"]
    args = ["run", quick_ini(), "-o", "edge.h5", "--quiet", "--orgs", "8", "--samples", "all"]
    for s in settings:
        args += ["--set", s]
    ok(*args)
    ok("run", quick_ini(), "-o", "iota.h5", "--quiet", "--orgs", "8", "--samples", "all",
       "--set", "sweep.info_reach=list(0,1)", "--set", "model.shock_at=0")
    nan_ok = {"value", "accuracy", "alignment", "latency", "expired", "manager_util",
              "worker_util", "value_late", "resilience", "escalated", "consulted",
              "consult_failed"}
    for name in ("edge.h5", "iota.h5"):
        with h5py.File(name, "r") as f:
            for metric in f["orgs/metrics"]:
                v = f["orgs/metrics/" + metric][...]
                check(not np.isinf(v).any(), "%s: %s has infinities" % (name, metric))
                if metric not in nan_ok:
                    check(not np.isnan(v).any(), "%s: %s has NaN" % (name, metric))
            no_capacity = f["orgs/params/manager_capacity"][...] == 0
            for p in f["orgs/params"]:
                v = f["orgs/params/" + p][...]
                ok_nan = np.isnan(v) & no_capacity if p == "manager_load" else False
                check((np.isfinite(v) | ok_nan).all(), "%s: param %s" % (name, p))

            def visit(path, obj):
                if isinstance(obj, h5py.Dataset) and path.startswith("summary") and \
                        obj.dtype.kind == "f":
                    check(not np.isinf(obj[...]).any() or "min" in path or "max" in path,
                          "%s: %s has infinities" % (name, path))
            f.visititems(visit)
        ok("inspect", name)
    # Nothing arrives: value and accuracy are NaN for every organization, as documented.
    with h5py.File("edge.h5", "r") as f:
        check(np.isnan(f["orgs/metrics/value"][...]).all(), "value NaN when nothing arrives")
        check(np.isnan(f["orgs/metrics/accuracy"][...]).all(), "accuracy NaN, nothing decided")


# ---------------------------------------------------------------------------------------------


if __name__ == "__main__":
    sys.exit(clitest.main(globals()))
