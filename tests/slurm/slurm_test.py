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
    requeue_array_task
                 the same for the task whose job id equals the array's job id (for it,
                 `scontrol requeue <its job id>` would requeue the whole array): no other
                 task is requeued, every task completes once, the merge runs.
    slurm_requeue  a requeue by Slurm (`scontrol requeue`, as preemption with requeue does)
                 of a running task: leadsim checkpoints on the SIGTERM, the log says that
                 Slurm requeues the task, which resumes; the merge equals the single run.
    resubmit     a finished 300-organization study resubmitted unchanged: every task says
                 "already complete" and the merge (submit.sh --merge-args --force) runs;
                 resubmitted with `-- --orgs 400`: the tasks fail with status 2 naming the
                 difference, the merge is cancelled, the 300-organization result stays.
    same_shard   the same 1-shard command submitted twice: the second task finds the shard
                 being written (leadsim exit 2, "being written by another leadsim run") and
                 exits 75 without a requeue, its merge is cancelled; the first completes
                 and its merge equals the single run.
    options      submit.sh refuses --warn >= --time (from --time, --sbatch or
                 SBATCH_TIMELIMIT; a task refuses it at start) and --warn with a --signal in --sbatch,
                 passes a --signal given in --sbatch instead of its own, passes
                 --merge-args to the merge; a merge submitted by hand with plain sbatch
                 and LEADSIM unset finds the repository's build, and
                 LEADSIM_REMOVE_SHARDS=1 deletes the shard files but keeps the logs.

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


def job_fields(cluster, job):
    """[{field: value}] for every job (array task) that `scontrol show job JOB` lists."""
    text = cluster.cmd("scontrol", "show", "-o", "job", job, check=False)
    return [dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
            for line in text.splitlines() if line.strip()]


def wait_for(what, pred, deadline, period=0.1):
    while not pred():
        check(time.monotonic() < deadline, "timed out waiting for " + what)
        time.sleep(period)


def read_log(path):
    with open(path, errors="replace") as f:
        return f.read()


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


def case_array_sensitivity(cluster, src, leadsim, work):
    """A sensitivity study as a Slurm array of 3 shards and its merge job: the merged file,
    /sensitivity included (computed by the merge), equals the single-process run's."""
    config = os.path.join(src, "tests", "python", "sensitivity_leadership.ini")
    ref = os.path.join(work, "single.h5")
    run_reference(leadsim, config, ref, ["--threads", "2"])
    out = os.path.join(work, "sens.h5")
    array, merge = submit(cluster, src, leadsim, config, out, 3, [], [])
    try:
        wait_done(cluster, [array, merge], time.monotonic() + WAIT_S)
        states, text = job_states(cluster, merge)
        check(states == ["COMPLETED"], f"merge job: {states}\n{text}")
        check("sensitivity/total" in datasets(out), "the merged file holds /sensitivity")
        assert_identical(out, ref)
    except Failure:
        show_logs(cluster, out[:-3] + ".shards")
        raise


def task_whose_id_is_the_array(cluster, array):
    """Array index of the running task whose own job id equals the array's job id, or None."""
    for job in job_fields(cluster, array):
        if (job.get("JobId") == array and job.get("JobState") == "RUNNING" and
                job.get("ArrayTaskId", "").isdigit()):
            return int(job["ArrayTaskId"])
    return None


def case_requeue(cluster, src, leadsim, work, which="task0"):
    config = os.path.join(src, "configs", "quick.ini")
    # Big enough that a shard runs for several seconds on one thread.
    args = ["--samples", "20", "--orgs", os.environ.get("LEADSIM_SLURM_TEST_ORGS", "6000")]
    ref = os.path.join(work, "single.h5")
    run_reference(leadsim, config, ref, args + ["--threads", "2"])
    out = os.path.join(work, "requeue.h5")
    shard_dir = out[:-3] + ".shards"
    array, merge = submit(cluster, src, leadsim, config, out, 2, ["--checkpoint", "0.25"], args)
    try:
        deadline = time.monotonic() + WAIT_S
        k = 0
        if which == "array_task":
            found = []
            wait_for("a running task with the array's job id",
                     lambda: found.append(task_whose_id_is_the_array(cluster, array)) or
                     found[-1] is not None, deadline)
            k = found[-1]
            print(f"  task {k} runs under the array's own job id {array}")
        task = f"{array}_{k}"
        ckpt = os.path.join(shard_dir, f"shard-{k:04d}-of-0002.h5.partial", "checkpoint.bin")
        while not os.path.exists(ckpt):  # task k has made progress and is still running
            check(time.monotonic() < deadline, f"task {k} never wrote a checkpoint")
            check(not os.path.exists(os.path.join(shard_dir, f"shard-{k:04d}-of-0002.h5")),
                  f"task {k} finished before it could be signalled: raise LEADSIM_SLURM_TEST_ORGS")
            time.sleep(0.05)
        # What --signal=B:USR1@N does before the time limit, now: USR1 to the batch shell only.
        cluster.cmd("scancel", "--batch", "--signal=USR1", task)
        print("  sent USR1 to the batch shell of " + task)
        while True:  # requeued: pending again, Restarts=1
            _, text = job_states(cluster, task)
            if "Restarts=1" in text and "JobState=PENDING" in text:
                break
            check("JobState=COMPLETED" not in text, f"task {k} completed without a requeue:\n" + text)
            check(time.monotonic() < deadline, f"task {k} was not requeued:\n" + text)
            time.sleep(0.2)
        if which == "array_task":
            others = [j for j in job_fields(cluster, array) if j.get("ArrayTaskId") != str(k)]
            print("  other tasks: " + ", ".join(f"{j.get('ArrayTaskId')} {j.get('JobState')} "
                                                 f"Restarts={j.get('Restarts')}" for j in others))
            check(others and all(j.get("Restarts") == "0" for j in others),
                  f"another task was requeued along with task {k}: {others}")
        # Slurm holds a requeued job back for about two minutes (its begin time); start it now.
        cluster.cmd("scontrol", "update", "JobId=" + task, "StartTime=now")
        wait_done(cluster, [array, merge], deadline)
        jobs = job_fields(cluster, array)
        check([j.get("JobState") for j in jobs] == ["COMPLETED"] * 2, f"array tasks: {jobs}")
        restarts = {j.get("ArrayTaskId"): j.get("Restarts") for j in jobs}
        check(restarts == {str(k): "1", str(1 - k): "0"},
              f"only task {k} should have run twice: restarts {restarts}")
        states, text = job_states(cluster, merge)
        check(states == ["COMPLETED"], f"merge job: {states}\n{text}")
        logk = read_log(os.path.join(shard_dir, f"task-{k}.log"))
        for needle in ("restart 0:", "received SIGUSR1", f"requeueing job {task}", "restart 1:",
                       "checkpoint present", "shard complete"):
            check(needle in logk, f"task-{k}.log lacks {needle!r}:\n{logk}")
        print(f"  --- task-{k}.log ---\n  " + logk.strip().replace("\n", "\n  "))
        resumed = re.search(r"resuming from checkpoint .* at work item (\d+)",
                            logk.split("restart 1:", 1)[1])
        check(resumed is not None and int(resumed.group(1)) > 0,
              f"leadsim did not resume past item 0 in task-{k}.log:\n" + logk)
        assert_identical(out, ref)
    except Failure:
        show_logs(cluster, shard_dir)
        raise


def case_requeue_array_task(cluster, src, leadsim, work):
    case_requeue(cluster, src, leadsim, work, which="array_task")


def case_slurm_requeue(cluster, src, leadsim, work):
    config = os.path.join(src, "configs", "quick.ini")
    args = ["--samples", "20", "--orgs", os.environ.get("LEADSIM_SLURM_TEST_ORGS", "6000")]
    ref = os.path.join(work, "single.h5")
    run_reference(leadsim, config, ref, args + ["--threads", "2"])
    out = os.path.join(work, "sreq.h5")
    shard_dir = out[:-3] + ".shards"
    array, merge = submit(cluster, src, leadsim, config, out, 1, ["--checkpoint", "0.25"], args)
    task = array + "_0"
    try:
        deadline = time.monotonic() + WAIT_S
        ckpt = os.path.join(shard_dir, "shard-0000-of-0001.h5.partial", "checkpoint.bin")
        wait_for("a checkpoint of task 0", lambda: os.path.exists(ckpt), deadline, 0.05)
        # What preemption with requeue (or an administrator) does: Slurm requeues the job and
        # ends the running one with SIGTERM (then SIGKILL after KillWait).
        cluster.cmd("scontrol", "requeue", task)
        print("  scontrol requeue " + task)
        wait_for("the requeue", lambda: "Restarts=1" in job_states(cluster, task)[1] and
                 "JobState=PENDING" in job_states(cluster, task)[1], deadline, 0.2)
        cluster.cmd("scontrol", "update", "JobId=" + task, "StartTime=now")
        wait_done(cluster, [array, merge], deadline)
        states, text = job_states(cluster, array)
        check(states == ["COMPLETED"], f"array task: {states}\n{text}")
        states, text = job_states(cluster, merge)
        check(states == ["COMPLETED"], f"merge job: {states}\n{text}")
        log0 = read_log(os.path.join(shard_dir, "task-0.log"))
        print("  --- task-0.log ---\n  " + log0.strip().replace("\n", "\n  "))
        for needle in ("received SIGTERM", "Slurm is requeueing this task", "restart 1:",
                       "shard complete"):
            check(needle in log0, f"task-0.log lacks {needle!r}")
        check("resubmit" not in log0, "task-0.log tells the user to resubmit a requeued task")
        resumed = re.search(r"resuming from checkpoint .* at work item (\d+)", log0)
        check(resumed is not None and int(resumed.group(1)) > 0, "no resume past item 0")
        assert_identical(out, ref)
    except Failure:
        show_logs(cluster, shard_dir)
        raise


def case_resubmit(cluster, src, leadsim, work):
    config = os.path.join(src, "configs", "quick.ini")
    args = ["--samples", "20", "--orgs", "300"]
    ref = os.path.join(work, "single.h5")
    run_reference(leadsim, config, ref, args + ["--threads", "2"])
    out = os.path.join(work, "resub.h5")
    shard_dir = out[:-3] + ".shards"
    try:
        deadline = time.monotonic() + WAIT_S
        array, merge = submit(cluster, src, leadsim, config, out, 2, [], args)
        wait_done(cluster, [array, merge], deadline)
        check(job_states(cluster, merge)[0] == ["COMPLETED"], "first merge failed")
        assert_identical(out, ref)
        before = read_log(os.path.join(shard_dir, "task-0.log"))

        # The same study again: nothing to compute, and the merge rewrites the file (--force).
        array, merge = submit(cluster, src, leadsim, config, out, 2,
                              ["--merge-args", "--force"], args)
        wait_done(cluster, [array, merge], deadline)
        log0 = read_log(os.path.join(shard_dir, "task-0.log"))[len(before):]
        states, text = job_states(cluster, array)
        check(states == ["COMPLETED"] * 2, f"unchanged resubmission: array tasks {states}\n"
              f"{text}\n{log0}")
        check("shard already complete" in log0, "task-0.log lacks 'shard already complete':\n"
              + log0)
        check(job_states(cluster, merge)[0] == ["COMPLETED"], "merge with --force failed")
        assert_identical(out, ref)
        before = read_log(os.path.join(shard_dir, "task-0.log"))

        # Changed options: the old shards must not be reused.
        array, merge = submit(cluster, src, leadsim, config, out, 2, ["--merge-args", "--force"],
                              ["--samples", "20", "--orgs", "400"])
        wait_done(cluster, [array, merge], deadline)
        log0 = read_log(os.path.join(shard_dir, "task-0.log"))[len(before):]
        print("  --- task-0.log (--orgs 400) ---\n  " + log0.strip().replace("\n", "\n  "))
        jobs = job_fields(cluster, array)
        check([j.get("JobState") for j in jobs] == ["FAILED"] * 2 and
              all(j.get("ExitCode") == "2:0" for j in jobs),
              "a resubmission with --orgs 400 over 300-organization shards must fail with "
              f"status 2: {[(j.get('JobState'), j.get('ExitCode')) for j in jobs]}\n{log0}")
        check("orgs" in log0, "task-0.log does not name the difference (orgs):\n" + log0)
        states, _ = job_states(cluster, merge)
        check(states == ["CANCELLED"], f"the merge of the failed array: {states}")
        assert_identical(out, ref)  # still the 300-organization result
    except Failure:
        show_logs(cluster, shard_dir)
        raise


def case_same_shard(cluster, src, leadsim, work):
    config = os.path.join(src, "configs", "quick.ini")
    args = ["--samples", "20", "--orgs", os.environ.get("LEADSIM_SLURM_TEST_ORGS", "6000")]
    ref = os.path.join(work, "single.h5")
    run_reference(leadsim, config, ref, args + ["--threads", "2"])
    out = os.path.join(work, "twice.h5")
    shard_dir = out[:-3] + ".shards"
    try:
        deadline = time.monotonic() + WAIT_S
        array1, merge1 = submit(cluster, src, leadsim, config, out, 1, [], args)
        lock = os.path.join(shard_dir, "shard-0000-of-0001.h5.partial", "lock")
        wait_for("the first task's lock", lambda: os.path.exists(lock), deadline, 0.05)
        array2, merge2 = submit(cluster, src, leadsim, config, out, 1, [], args)
        wait_done(cluster, [array1, merge1, array2, merge2], deadline)
        first = job_fields(cluster, array1)
        second = job_fields(cluster, array2)
        print(f"  first task: {first[0].get('JobState')} {first[0].get('ExitCode')}; second: "
              f"{second[0].get('JobState')} {second[0].get('ExitCode')} "
              f"Restarts={second[0].get('Restarts')}")
        check(first[0].get("JobState") == "COMPLETED", f"first task: {first}")
        check(second[0].get("ExitCode") == "75:0" and second[0].get("Restarts") == "0",
              f"second task should exit 75 without a requeue: {second}")
        check(job_states(cluster, merge1)[0] == ["COMPLETED"], "first merge did not complete")
        check(job_states(cluster, merge2)[0] == ["CANCELLED"], "second merge was not cancelled")
        log0 = read_log(os.path.join(shard_dir, "task-0.log"))
        for needle in ("is being written by another leadsim run", "exit 75"):
            check(needle in log0, f"task-0.log lacks {needle!r}:\n{log0}")
        assert_identical(out, ref)
    except Failure:
        show_logs(cluster, shard_dir)
        raise


def case_options(cluster, src, leadsim, work):
    config = os.path.join(src, "configs", "quick.ini")
    submit_sh = os.path.join(src, "tools", "slurm", "submit.sh")
    out = os.path.join(work, "opt.h5")

    def dry(*extra):
        return subprocess.run([submit_sh, "--shards", "2", "--leadsim", leadsim, "--dry-run"] +
                              list(extra) + [config, out], env=cluster.env, capture_output=True,
                              text=True, timeout=30)

    r = dry("--time", "2:00", "--warn", "120")
    check(r.returncode == 2 and "--warn 120 is not shorter than --time 2:00" in r.stderr,
          f"--warn 120 with --time 2:00: {r.returncode} {r.stderr}")
    r = dry("--time", "2")
    check(r.returncode == 2 and "(the default) is not shorter" in r.stderr,
          f"--time 2 with the default --warn: {r.returncode} {r.stderr}")
    r = dry("--time", "10", "--warn", "30", "--sbatch", "--signal=B:TERM@60")
    check(r.returncode == 2 and "--warn and a --signal" in r.stderr, f"{r.returncode} {r.stderr}")
    r = dry("--time", "10", "--sbatch", "--signal=B:TERM@60", "--merge-args", "--allow-partial")
    lines = r.stdout.splitlines()
    check(r.returncode == 0 and len(lines) == 2, f"dry run: {r.returncode} {r.stderr}")
    check("--signal=B:TERM@60" in lines[0] and "B:USR1" not in lines[0],
          "the user's --signal must replace the script's: " + lines[0])
    check(lines[1].rstrip().endswith("2 --allow-partial"), "merge args not passed: " + lines[1])
    # The time limit may come from --sbatch or SBATCH_TIMELIMIT too, and the warning's lead
    # from the user's --signal.
    r = dry("--sbatch", "--time=2")
    check(r.returncode == 2 and "(the default) is not shorter than --sbatch --time=2 (120 s)"
          in r.stderr, f"--time in --sbatch: {r.returncode} {r.stderr}")
    env = dict(cluster.env, SBATCH_TIMELIMIT="2")
    r = subprocess.run([submit_sh, "--shards", "2", "--leadsim", leadsim, "--dry-run", config,
                        out], env=env, capture_output=True, text=True, timeout=30)
    check(r.returncode == 2 and "is not shorter than SBATCH_TIMELIMIT=2" in r.stderr,
          f"SBATCH_TIMELIMIT: {r.returncode} {r.stderr}")
    r = dry("--time", "1", "--sbatch", "--signal=B:TERM@60")
    check(r.returncode == 2 and "the --signal in --sbatch (@60) is not shorter than --time 1"
          in r.stderr, f"--signal @60 with --time 1: {r.returncode} {r.stderr}")
    print("  submit.sh option checks passed")

    # A task submitted by hand with a limit not longer than the script's own warning
    # (#SBATCH --signal=B:USR1@120) refuses to start instead of requeueing itself forever.
    short_log = os.path.join(work, "short.log")
    r = subprocess.run(["sbatch", "--parsable", "--array=0-0", "--time=2", "--output=" + short_log,
                        os.path.join(src, "tools", "slurm", "leadsim_array.sbatch"), config,
                        os.path.join(work, "short.h5")], env=dict(cluster.env, LEADSIM=leadsim),
                       capture_output=True, text=True, timeout=30, cwd=work)
    check(r.returncode == 0, f"sbatch of the short task failed: {r.stderr}")
    short = r.stdout.strip().split(";")[0]
    wait_done(cluster, [short], time.monotonic() + WAIT_S)
    jobs = job_fields(cluster, short)
    text = read_log(short_log)
    check([(j.get("JobState"), j.get("ExitCode"), j.get("Restarts")) for j in jobs] ==
          [("FAILED", "2:0", "0")], f"a task with a 2-minute limit: {jobs}\n{text}")
    check("not longer than the warning signal's lead (120 s" in text, "short.log:\n" + text)
    print("  a task whose limit is not longer than its warning refuses to start")

    args = ["--samples", "20", "--orgs", "300"]
    ref = os.path.join(work, "single.h5")
    run_reference(leadsim, config, ref, args + ["--threads", "2"])
    shard_dir = out[:-3] + ".shards"
    try:
        deadline = time.monotonic() + WAIT_S
        array, merge = submit(cluster, src, leadsim, config, out, 2, [], args)
        wait_done(cluster, [array, merge], deadline)
        check(job_states(cluster, merge)[0] == ["COMPLETED"], "merge failed")
        # A merge submitted by hand, as docs/CLUSTER.md shows it, without LEADSIM.
        env = dict(cluster.env)
        env.pop("LEADSIM", None)
        env["PATH"] = ":".join(d for d in env.get("PATH", "").split(":")
                               if not os.path.exists(os.path.join(d, "leadsim")))
        defaults = [os.path.join(src, "build", b, "apps", "leadsim") for b in ("mpi", "release")]
        if not any(os.access(b, os.X_OK) for b in defaults):
            print("  (no build under the repository: the by-hand merge gets LEADSIM)")
            env["LEADSIM"] = leadsim
        env["LEADSIM_REMOVE_SHARDS"] = "1"
        log = os.path.join(shard_dir, "merge-by-hand.log")
        r = subprocess.run(["sbatch", "--parsable", "--output=" + log,
                            os.path.join(src, "tools", "slurm", "leadsim_merge.sbatch"), out, "2",
                            "--force"], env=env, capture_output=True, text=True, timeout=30,
                           cwd=work)
        check(r.returncode == 0, f"sbatch of the merge failed: {r.stderr}")
        job = r.stdout.strip().split(";")[0]
        wait_done(cluster, [job], deadline)
        text = read_log(log)
        print("  --- merge-by-hand.log ---\n  " + text.strip().replace("\n", "\n  "))
        check(job_states(cluster, job)[0] == ["COMPLETED"], "the merge submitted by hand failed")
        left = sorted(os.listdir(shard_dir))
        check(not [f for f in left if f.endswith(".h5")], f"shard files not removed: {left}")
        check({"task-0.log", "task-1.log", "merge.log", "merge-by-hand.log"} <= set(left),
              f"logs must be kept: {left}")
        assert_identical(out, ref)
    except Failure:
        show_logs(cluster, shard_dir)
        raise


CASES = {"array_merge": case_array_merge, "array_sensitivity": case_array_sensitivity,
         "requeue": case_requeue,
         "requeue_array_task": case_requeue_array_task, "slurm_requeue": case_slurm_requeue,
         "resubmit": case_resubmit, "same_shard": case_same_shard, "options": case_options}


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
