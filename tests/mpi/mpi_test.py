#!/usr/bin/python3
"""MPI tests (label "mpi", only in builds with -DLEADSIM_MPI=ON).

  mpi_test.py LEADSIM_BINARY SOURCE_DIR CASE
    ranks_N    `mpirun -n N leadsim run` (N = 1, 2, 3) writes a file whose every dataset is
               byte-identical to a plain single-process `leadsim run` of the same binary
               (which, not started by mpirun, does not initialise MPI); rank 0 alone prints
               the summary and announces N ranks (N = 1 runs as an ordinary process).
    bad_output an output in a missing directory: every rank exits with status 1 (no hang).
    memory     a sweep whose statistics cannot fit: every rank refuses with status 2 before
               allocating them, nothing is written (no hang).
    signal_rank   SIGTERM to rank 1 alone stops both ranks within seconds (not after rank 0's
               whole share), mpirun exits 3, nothing is left under the output path.
    signal_mpirun SIGUSR1 to mpirun (Open MPI forwards it) stops the run with status 3;
               SIGTERM to mpirun (Open MPI terminates the ranks itself) leaves no file and no
               process, whatever status mpirun reports (Open MPI 4.1: 1).
    kill_rank  SIGKILL of rank 1: no spool file in $TMPDIR; the ranks' spools are in
               <OUT>.partial/, and the next run on that output removes them, succeeds and
               matches the single-process run; it also removes a dead process's temporary
               spool of this host from $TMPDIR and keeps a live one's and another host's.
    lock       an MPI run holds the output's lock: a plain `leadsim run` on the same output
               exits 2 naming the holder; an MPI run on an output a plain run holds exits 2.
    version    `leadsim --version` says MPI is built in.
    no_mpi     (builds without MPI) started as one of 2 MPI processes, leadsim refuses with
               status 2 (under mpirun when mpirun exists, else with OMPI_COMM_WORLD_SIZE=2),
               and `leadsim --version` says MPI is not built in.

mpirun runs with --oversubscribe --bind-to none (Open MPI binds 1-2 ranks to one core each
by default, which would starve oneTBB's threads) and --allow-run-as-root.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

MPIRUN = ["mpirun", "--oversubscribe", "--bind-to", "none", "--allow-run-as-root"]
ARGS = ["--samples", "20", "--orgs", "300", "--quiet"]


def env():
    e = dict(os.environ)
    # Containers often forbid the cross-memory attach of the shared-memory transport.
    e.setdefault("OMPI_MCA_btl_vader_single_copy_mechanism", "none")
    e.setdefault("OMPI_MCA_rmaps_base_oversubscribe", "1")
    return e


def datasets(path):
    import h5py
    import numpy as np
    out = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            arr = np.asarray(obj[()])
            raw = repr(arr.tolist()).encode() if arr.dtype.kind == "O" else arr.tobytes()
            out[name] = (str(obj.dtype), obj.shape, raw)

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    return out


def run(cmd, timeout=120, extra_env=None):
    e = env()
    e.update(extra_env or {})
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=e)


# Long enough that each of 2 ranks simulates for many seconds on one thread.
LONG = ["--samples", "20", "--orgs", "40000", "--threads", "1", "--quiet"]


def start(cmd, extra_env=None):
    e = env()
    e.update(extra_env or {})
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=e, start_new_session=True)


def rank_pids(mpirun_pid):
    """{rank: pid} of the processes mpirun started (their OMPI_COMM_WORLD_RANK)."""
    ranks = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            if ppid != mpirun_pid:
                continue
            with open(f"/proc/{entry}/environ", "rb") as f:
                for var in f.read().split(b"\0"):
                    if var.startswith(b"OMPI_COMM_WORLD_RANK="):
                        ranks[int(var.split(b"=", 1)[1])] = int(entry)
        except (OSError, ValueError, IndexError):
            pass
    return ranks


def wait_for(pred, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.05)
    raise TimeoutError("timed out waiting for " + what)


def simulating(out, ranks=2):
    """True once every rank has made its spool in <out>.partial/ (they simulate next); then
    waits a second more so that they are well inside their shares."""
    part = out + ".partial"
    if all(os.path.exists(os.path.join(part, f"mpi-rank-{r}.records")) for r in range(ranks)):
        time.sleep(1.0)
        return True
    return False


def finish(p, timeout=60):
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        raise
    return p.returncode, out, err


def left_in(work, keep):
    return sorted(f for f in os.listdir(work) if f not in keep)


def compare(out, ref):
    a, b = datasets(out), datasets(ref)
    if a.keys() != b.keys():
        print("dataset names differ:", sorted(a.keys() ^ b.keys()))
        return False
    bad = [k for k in sorted(a) if a[k] != b[k]]
    if bad or len(a) < 5:
        print("datasets differ from the single-process run:", bad, len(a))
        return False
    print(f"{len(a)} datasets identical to the single-process run")
    return True


def main():
    leadsim, src, case = sys.argv[1], sys.argv[2], sys.argv[3]
    config = os.path.join(src, "configs", "quick.ini")
    args = ARGS
    sensitivity = case == "sensitivity_2"
    with tempfile.TemporaryDirectory(prefix="leadsim-mpi-") as work:
        if case == "sensitivity_2":
            # A sensitivity study: its base samples are the run's organizations, and rank 0
            # computes /sensitivity from the gathered records: byte-identical too.
            config = os.path.join(src, "tests", "python", "sensitivity_leadership.ini")
            args = ["--quiet"]
            case = "ranks_2"
        if case.startswith("ranks_"):
            n = int(case.split("_")[1])
            ref = os.path.join(work, "single.h5")
            r = run([leadsim, "run", config, "-o", ref, "--threads", "2"] + args)
            if r.returncode != 0:
                print("single-process run failed:", r.stderr)
                return 1
            out = os.path.join(work, f"mpi{n}.h5")
            r = run(MPIRUN + ["-n", str(n), leadsim, "run", config, "-o", out, "--threads", "1"]
                    + args)
            print(r.stderr)
            if r.returncode != 0:
                print(f"mpirun -n {n} failed ({r.returncode}):\n{r.stdout}")
                return 1
            if n > 1 and f"MPI: {n} ranks" not in r.stderr:
                print("rank 0 did not announce the MPI run (not an MPI build?)")
                return 1
            if r.stdout.count("results:") != 1:
                print(f"expected one summary (rank 0), got:\n{r.stdout}")
                return 1
            a, b = datasets(out), datasets(ref)
            if a.keys() != b.keys():
                print("dataset names differ:", sorted(a.keys() ^ b.keys()))
                return 1
            bad = [k for k in sorted(a) if a[k] != b[k]]
            if bad or len(a) < 5:
                print("datasets differ from the single-process run:", bad, len(a))
                return 1
            print(f"{len(a)} datasets identical to the single-process run")
            if sensitivity and "sensitivity/total" not in a:
                print("no /sensitivity in the MPI run's file")
                return 1
            leftovers = [f for f in os.listdir(work)
                         if f not in ("single.h5", f"mpi{n}.h5", "s.ini")]
            if leftovers:
                print("left behind:", leftovers)
                return 1
            return 0
        if case == "bad_output":
            out = os.path.join(work, "missing", "x.h5")
            r = run(MPIRUN + ["-n", "2", leadsim, "run", config, "-o", out] + ARGS, timeout=60)
            print(r.stdout, r.stderr)
            if r.returncode != 1 or "missing" not in r.stderr:
                print(f"expected status 1 naming the directory, got {r.returncode}")
                return 1
            return 0
        if case == "memory":
            # 10^6 scenarios: their statistics (about 200 GB) exceed any node's memory; every
            # rank refuses before allocating them, and nothing is written.
            out = os.path.join(work, "m.h5")
            r = run(MPIRUN + ["-n", "2", leadsim, "run", config, "-o", out, "--orgs", "1",
                              "--set", "sweep.info_reach=linspace(0, 1, 1000000)"], timeout=120)
            print(r.stdout, r.stderr)
            if r.returncode != 2 or "run too large for the memory" not in r.stderr:
                print(f"expected status 2 naming the memory, got {r.returncode}")
                return 1
            if left_in(work, ()):
                print("left behind:", left_in(work, ()))
                return 1
            return 0
        if case == "signal_rank":
            out = os.path.join(work, "sig.h5")
            p = start(MPIRUN + ["-n", "2", leadsim, "run", config, "-o", out] + LONG)
            wait_for(lambda: simulating(out), 60, "both ranks simulating")
            pids = rank_pids(p.pid)
            os.kill(pids[1], signal.SIGTERM)
            t0 = time.monotonic()
            rc, _, err = finish(p)
            took = time.monotonic() - t0
            print(err)
            print(f"SIGTERM to rank 1 (pid {pids[1]}): mpirun exited {rc} after {took:.1f} s")
            if rc != 3 or "interrupted" not in err:
                print("expected status 3 and an 'interrupted' message")
                return 1
            if took > 8:
                print("the ranks did not stop promptly (rank 0 went on with its share?)")
                return 1
            if left_in(work, ()):
                print("left behind:", left_in(work, ()))
                return 1
            return 0
        if case == "signal_mpirun":
            out = os.path.join(work, "sig.h5")
            p = start(MPIRUN + ["-n", "2", leadsim, "run", config, "-o", out] + LONG)
            wait_for(lambda: simulating(out), 60, "both ranks simulating")
            os.kill(p.pid, signal.SIGUSR1)
            rc, _, err = finish(p)
            print(err)
            print(f"SIGUSR1 to mpirun: exit status {rc}")
            if rc != 3 or left_in(work, ()):
                print("expected status 3 and nothing left, got", rc, left_in(work, ()))
                return 1
            p = start(MPIRUN + ["-n", "2", leadsim, "run", config, "-o", out] + LONG)
            wait_for(lambda: simulating(out), 60, "both ranks simulating")
            pids = rank_pids(p.pid)
            os.kill(p.pid, signal.SIGTERM)
            rc, _, err = finish(p)
            print(err)
            print(f"SIGTERM to mpirun: exit status {rc} (Open MPI's own)")
            wait_for(lambda: not any(os.path.exists(f"/proc/{q}") for q in pids.values()), 10,
                     "the ranks to end")
            if rc == 0 or os.path.exists(out):
                print("SIGTERM to mpirun must not leave a results file or status 0")
                return 1
            return 0
        if case == "kill_rank":
            tmp = os.path.join(work, "tmp")
            os.mkdir(tmp)
            out = os.path.join(work, "k.h5")
            p = start(MPIRUN + ["-n", "2", leadsim, "run", config, "-o", out] + LONG,
                      {"TMPDIR": tmp})
            wait_for(lambda: simulating(out), 60, "both ranks simulating")
            pids = rank_pids(p.pid)
            os.kill(pids[1], signal.SIGKILL)
            rc, _, err = finish(p)
            print(f"SIGKILL to rank 1: mpirun exited {rc}")
            spools = sorted(os.listdir(out + ".partial"))
            print("left in the partial directory:", spools, "; in TMPDIR:", os.listdir(tmp))
            if os.listdir(tmp) or "mpi-rank-1.records" not in spools:
                print("rank spools must be in <OUT>.partial/, not in TMPDIR")
                return 1
            ref = os.path.join(work, "single.h5")
            r = run([leadsim, "run", config, "-o", ref, "--threads", "2"] + ARGS)
            if r.returncode != 0:
                print("single-process run failed:", r.stderr)
                return 1
            # A rank that cannot see <OUT>.partial/ spools in $TMPDIR as
            # leadsim-mpi-PID-HOST-mpi-rank-R.records: the next MPI run on this host removes
            # those of dead processes, and keeps a live process's and another host's.
            import socket
            dead = next(q for q in range(4194303, 1000, -1) if not os.path.exists(f"/proc/{q}"))
            host = socket.gethostname()
            stale = {f"leadsim-mpi-{dead}-{host}-mpi-rank-1.records": False,
                     f"leadsim-mpi-{os.getpid()}-{host}-mpi-rank-1.records": True,
                     f"leadsim-mpi-{dead}-{host}x-mpi-rank-1.records": True}
            for name in stale:
                with open(os.path.join(tmp, name), "wb") as f:
                    f.write(b"spool")
            r = run(MPIRUN + ["-n", "2", leadsim, "run", config, "-o", out, "--threads", "1"]
                    + ARGS, extra_env={"TMPDIR": tmp})
            print(r.stderr)
            if r.returncode != 0 or "record spool(s) of an MPI run" not in r.stderr:
                print(f"the next run failed ({r.returncode}) or did not clean up")
                return 1
            for name, kept in stale.items():
                if os.path.exists(os.path.join(tmp, name)) != kept:
                    print(f"{name}: expected {'kept' if kept else 'removed'}; TMPDIR holds",
                          os.listdir(tmp))
                    return 1
                if kept:
                    os.remove(os.path.join(tmp, name))
            if "temporary record spool(s) of killed MPI runs" not in r.stderr:
                print("rank 0 must say that it removed a dead run's temporary spool")
                return 1
            if not compare(out, ref):
                return 1
            if left_in(work, ("single.h5", "k.h5", "tmp")) or os.listdir(tmp):
                print("left behind:", left_in(work, ("single.h5", "k.h5", "tmp")))
                return 1
            return 0
        if case == "lock":
            out = os.path.join(work, "l.h5")
            p = start(MPIRUN + ["-n", "2", leadsim, "run", config, "-o", out] + LONG)
            wait_for(lambda: simulating(out), 60, "both ranks simulating")
            r = run([leadsim, "run", config, "-o", out] + ARGS)
            print(r.stderr)
            os.killpg(p.pid, signal.SIGUSR1)  # Open MPI forwards it: the MPI run stops
            finish(p)
            if r.returncode != 2 or "is being written by another leadsim run" not in r.stderr:
                print(f"a plain run beside an MPI run: expected status 2, got {r.returncode}")
                return 1
            plain = start([leadsim, "run", config, "-o", out] + LONG)
            wait_for(lambda: os.path.exists(os.path.join(out + ".partial", "records.bin")), 30,
                     "the plain run")
            r = run(MPIRUN + ["-n", "2", leadsim, "run", config, "-o", out] + ARGS, timeout=60)
            print(r.stderr)
            plain.send_signal(signal.SIGTERM)
            finish(plain)
            if r.returncode != 2 or "is being written by another leadsim run" not in r.stderr:
                print(f"an MPI run beside a plain run: expected status 2, got {r.returncode}")
                return 1
            return 0
        if case == "version":
            r = run([leadsim, "--version"])
            print(r.stdout)
            return 0 if r.returncode == 0 and "mpi: built in" in r.stdout else 1
        if case == "no_mpi":
            r = run([leadsim, "--version"])
            print(r.stdout)
            if r.returncode != 0 or "mpi: not built in" not in r.stdout:
                print("--version should say that MPI is not built in")
                return 1
            out = os.path.join(work, "n.h5")
            cmd = [leadsim, "run", config, "-o", out] + ARGS
            if shutil.which("mpirun"):
                r = run(MPIRUN + ["-n", "2"] + cmd, timeout=60)
            else:
                r = run(cmd, extra_env={"OMPI_COMM_WORLD_SIZE": "2"})
            print(r.stdout, r.stderr)
            if (r.returncode != 2 or "built without MPI" not in r.stderr or
                    os.path.exists(out)):
                print(f"expected status 2 and a refusal, got {r.returncode}")
                return 1
            return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
