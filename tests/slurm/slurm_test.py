#!/usr/bin/python3
"""Slurm integration test (label "slurm"): a private single-node cluster (slurm_cluster.py)
runs the shipped tools/slurm scripts on a small study, and the merged file must equal a
single-process run dataset by dataset, byte for byte.

  slurm_test.py LEADSIM_BINARY SOURCE_DIR CASE
    array_merge  tools/slurm/submit.sh: 3 array tasks + the dependent merge job
    requeue      2 tasks; task 0 gets the warning signal (USR1 to the batch shell, as
                 --signal=B:USR1@N delivers it) mid-run, checkpoints, requeues itself with
                 `scontrol requeue`, reruns under the same job id with SLURM_RESTART_COUNT=1
                 and resumes from its checkpoint; the merge still equals the single run.

Exit status 77 (ctest SKIP_RETURN_CODE) when the cluster cannot run here (not root, Slurm or
munge not installed, h5py missing); every daemon and job this test started is stopped and
the temporary directory removed, also on failure.
"""

import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from slurm_cluster import SlurmCluster, unavailable  # noqa: E402

SKIP = 77
WAIT_S = 150  # bound on waiting for the jobs of one case


def skip(why):
    print("SKIP: " + why)
    sys.exit(SKIP)


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def datasets(path):
    """name -> (dtype text, shape, bytes of the values) for every dataset in the file."""
    import h5py
    import numpy as np
    out = {}

    def visit(name, obj):
        # /provenance/shards (where a merged file's inputs came from) is not a result.
        if not isinstance(obj, h5py.Dataset) or name.startswith("provenance/"):
            return
        data = obj[()]
        arr = np.asarray(data)
        if arr.dtype.kind == "O":  # variable-length strings: compare the values
            raw = repr(arr.tolist()).encode()
        else:
            raw = arr.tobytes()
        out[name] = (str(obj.dtype), obj.shape, raw)

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    return out


def assert_identical(merged, reference):
    a, b = datasets(merged), datasets(reference)
    check(a.keys() == b.keys(),
          f"dataset names differ: only merged {sorted(a.keys() - b.keys())}, "
          f"only single run {sorted(b.keys() - a.keys())}")
    bad = [n for n in sorted(a) if a[n] != b[n]]
    check(not bad, f"datasets differ from the single-process run: {bad}")
    check(len(a) >= 5, f"suspiciously few datasets compared: {sorted(a)}")
    print(f"  {len(a)} datasets identical to the single-process run "
          f"({sum(len(v[2]) for v in a.values())} bytes)")


def run_reference(leadsim, config, out, args):
    r = subprocess.run([leadsim, "run", config, "-o", out, "--force", "--quiet"] + args,
                       capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, f"single-process run failed ({r.returncode}): {r.stderr}")


def submit(cluster, src, leadsim, config, out, shards, extra_submit, run_args):
    cmd = [os.path.join(src, "tools", "slurm", "submit.sh"), "--shards", str(shards),
           "--leadsim", leadsim] + extra_submit + [config, out, "--"] + run_args
    r = subprocess.run(cmd, env=cluster.env, capture_output=True, text=True, timeout=60)
    print("  " + r.stderr.strip().replace("\n", "\n  "))
    check(r.returncode == 0, f"submit.sh failed ({r.returncode}): {r.stderr}")
    ids = dict(kv.split("=", 1) for kv in r.stdout.split())
    check(set(ids) == {"array", "merge"}, f"submit.sh printed {r.stdout!r}")
    return ids["array"], ids["merge"]


def job_states(cluster, job):
    """JobState of every job (array task) that `scontrol show job JOB` lists."""
    text = cluster.cmd("scontrol", "show", "job", job, check=False)
    return re.findall(r"JobState=(\S+)", text), text


def wait_done(cluster, jobs, deadline):
    while time.monotonic() < deadline:
        q = cluster.cmd("squeue", "-h", "-j", ",".join(jobs), "-o", "%i %T %r", check=False)
        if not q.strip():
            return
        time.sleep(0.5)
    raise Failure("jobs not finished in time:\n" + cluster.cmd("squeue", check=False))


def show_logs(cluster, shard_dir):
    if os.path.isdir(shard_dir):
        for name in sorted(os.listdir(shard_dir)):
            if name.endswith(".log"):
                with open(os.path.join(shard_dir, name), errors="replace") as f:
                    print(f"--- {name} ---\n{f.read()}")
    print(cluster.logs())


def case_array_merge(cluster, src, leadsim, work):
    config = os.path.join(src, "configs", "quick.ini")
    args = ["--samples", "20"]
    ref = os.path.join(work, "single.h5")
    run_reference(leadsim, config, ref, args + ["--threads", "2"])
    out = os.path.join(work, "quick.h5")
    array, merge = submit(cluster, src, leadsim, config, out, 3, [], args)
    try:
        wait_done(cluster, [array, merge], time.monotonic() + WAIT_S)
        states, text = job_states(cluster, array)
        check(states == ["COMPLETED"] * 3, f"array tasks: {states}\n{text}")
        states, text = job_states(cluster, merge)
        check(states == ["COMPLETED"], f"merge job: {states}\n{text}")
        check(os.path.isfile(out), "merged file missing")
        assert_identical(out, ref)
    except Failure:
        show_logs(cluster, out[:-3] + ".shards")
        raise


def case_requeue(cluster, src, leadsim, work):
    config = os.path.join(src, "configs", "quick.ini")
    # Big enough that a shard runs for several seconds on one thread.
    args = ["--samples", "20", "--orgs", os.environ.get("LEADSIM_SLURM_TEST_ORGS", "6000")]
    ref = os.path.join(work, "single.h5")
    run_reference(leadsim, config, ref, args + ["--threads", "2"])
    out = os.path.join(work, "requeue.h5")
    shard_dir = out[:-3] + ".shards"
    array, merge = submit(cluster, src, leadsim, config, out, 2, ["--checkpoint", "0.25"], args)
    task0 = array + "_0"
    try:
        deadline = time.monotonic() + WAIT_S
        ckpt = os.path.join(shard_dir, "shard-0000-of-0002.h5.partial", "checkpoint.bin")
        while not os.path.exists(ckpt):  # task 0 has made progress and is still running
            check(time.monotonic() < deadline, "task 0 never wrote a checkpoint")
            check(not os.path.exists(os.path.join(shard_dir, "shard-0000-of-0002.h5")),
                  "task 0 finished before it could be signalled: raise LEADSIM_SLURM_TEST_ORGS")
            time.sleep(0.05)
        # What --signal=B:USR1@N does before the time limit, now: USR1 to the batch shell only.
        cluster.cmd("scancel", "--batch", "--signal=USR1", task0)
        print("  sent USR1 to the batch shell of " + task0)
        while True:  # requeued: pending again, Restarts=1
            _, text = job_states(cluster, task0)
            if "Restarts=1" in text and "JobState=PENDING" in text:
                break
            check("JobState=COMPLETED" not in text, "task 0 completed without a requeue:\n" + text)
            check(time.monotonic() < deadline, "task 0 was not requeued:\n" + text)
            time.sleep(0.2)
        # Slurm holds a requeued job back for about two minutes (its begin time); start it now.
        cluster.cmd("scontrol", "update", "JobId=" + task0, "StartTime=now")
        wait_done(cluster, [array, merge], deadline)
        states, text = job_states(cluster, array)
        check(states == ["COMPLETED"] * 2, f"array tasks: {states}\n{text}")
        _, text0 = job_states(cluster, task0)
        check("Restarts=1" in text0, "task 0 should have run twice:\n" + text0)
        states, text = job_states(cluster, merge)
        check(states == ["COMPLETED"], f"merge job: {states}\n{text}")
        with open(os.path.join(shard_dir, "task-0.log"), errors="replace") as f:
            log0 = f.read()
        for needle in ("restart 0:", "received SIGUSR1", "requeueing job", "restart 1:",
                       "checkpoint directory present", "shard complete"):
            check(needle in log0, f"task-0.log lacks {needle!r}:\n{log0}")
        print("  --- task-0.log ---\n  " + log0.strip().replace("\n", "\n  "))
        resumed = re.search(r"resuming from checkpoint .* at work item (\d+)",
                            log0.split("restart 1:", 1)[1])
        check(resumed is not None and int(resumed.group(1)) > 0,
              "leadsim did not resume past item 0 in task-0.log:\n" + log0)
        assert_identical(out, ref)
    except Failure:
        show_logs(cluster, shard_dir)
        raise


CASES = {"array_merge": case_array_merge, "requeue": case_requeue}


def main():
    if len(sys.argv) != 4 or sys.argv[3] not in CASES:
        print(__doc__)
        return 2
    leadsim, src, case = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3]
    why = unavailable()
    if why:
        skip(why)
    try:
        import h5py  # noqa: F401
        import numpy  # noqa: F401
    except ImportError as e:
        skip(f"{e}: apt-get install python3-h5py python3-numpy")
    # A SIGTERM (ctest timeout, Ctrl-C in a terminal) unwinds through the cluster's cleanup.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    t0 = time.monotonic()
    cluster = SlurmCluster()
    try:
        cluster.start()
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        cluster.stop()
        skip(f"the private Slurm cluster did not start here: {e}")
    try:
        with cluster:
            print(f"cluster up in {time.monotonic() - t0:.1f} s ({cluster.cpus} CPUs, "
                  f"{cluster.dir})")
            work = os.path.join(cluster.dir, "work")
            os.makedirs(work)
            CASES[case](cluster, src, leadsim, work)
    except Failure as e:
        print(f"FAIL ({case}): {e}")
        return 1
    print(f"PASS ({case}) in {time.monotonic() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
