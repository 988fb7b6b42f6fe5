#!/usr/bin/python3
"""MPI tests (label "mpi", only in builds with -DLEADSIM_MPI=ON).

  mpi_test.py LEADSIM_BINARY SOURCE_DIR CASE
    ranks_N    `mpirun -n N leadsim run` (N = 1, 2, 3) writes a file whose every dataset is
               byte-identical to a plain single-process `leadsim run` of the same binary
               (which, not started by mpirun, does not initialise MPI); rank 0 alone prints
               the summary and announces N ranks (N = 1 runs as an ordinary process).
    bad_output an output in a missing directory: every rank exits with status 1 (no hang).

mpirun runs with --oversubscribe --bind-to none (Open MPI binds 1-2 ranks to one core each
by default, which would starve oneTBB's threads) and --allow-run-as-root.
"""

import os
import subprocess
import sys
import tempfile

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


def run(cmd, timeout=120):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env())


def main():
    leadsim, src, case = sys.argv[1], sys.argv[2], sys.argv[3]
    config = os.path.join(src, "configs", "quick.ini")
    with tempfile.TemporaryDirectory(prefix="leadsim-mpi-") as work:
        if case.startswith("ranks_"):
            n = int(case.split("_")[1])
            ref = os.path.join(work, "single.h5")
            r = run([leadsim, "run", config, "-o", ref, "--threads", "2"] + ARGS)
            if r.returncode != 0:
                print("single-process run failed:", r.stderr)
                return 1
            out = os.path.join(work, f"mpi{n}.h5")
            r = run(MPIRUN + ["-n", str(n), leadsim, "run", config, "-o", out, "--threads", "1"]
                    + ARGS)
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
            leftovers = [f for f in os.listdir(work) if f not in ("single.h5", f"mpi{n}.h5")]
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
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
