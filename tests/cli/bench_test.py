#!/usr/bin/python3
"""Tests of `leadsim bench` (the standard benchmark workload).

usage: bench_test.py LEADSIM SOURCE_DIR CASE   (CASE: a `case_*` function name without
                                                prefix, or "all")

The checksum of the workload's fixed organizations must not depend on the thread count: it
is the end-to-end determinism proof of the runner (exact statistics, in-order reduction).
Each case keeps `leadsim bench` to about 1 s of timed work. Runs on /usr/bin/python3 with
the standard library only.
"""

import json
import re
import subprocess
import sys

import clitest
from clitest import Failure, check, describe

LEADSIM = SOURCE = ""  # set by clitest.main


def leadsim(*args, timeout=60):
    return subprocess.run([LEADSIM, *args], capture_output=True, text=True, timeout=timeout)


def bench_json(threads):
    p = leadsim("bench", "--seconds", "1", "--threads", str(threads), "--json")
    check(p.returncode == 0, "expected exit 0", describe(p))
    try:
        return json.loads(p.stdout)
    except ValueError as e:
        raise Failure("stdout is not one JSON document: %s" % e, describe(p))


def check_phase(ph, threads, what):
    for key in ("threads", "runs", "orgs", "events", "rng_blocks", "wall_s", "orgs_per_s",
                "events_per_s", "events_per_s_per_thread"):
        check(key in ph, "%s lacks %r" % (what, key), json.dumps(ph))
    check(ph["threads"] == threads, "%s: threads %r != %d" % (what, ph["threads"], threads))
    check(ph["orgs"] > 0 and ph["events"] > ph["orgs"] and ph["rng_blocks"] > 0,
          "%s: nothing simulated" % what, json.dumps(ph))
    # Rates are totals over the wall time (relative tolerance for the rounding of wall_s).
    rate = ph["events"] / ph["wall_s"]
    check(abs(ph["events_per_s"] - rate) <= 1e-9 * rate, "%s: events_per_s inconsistent" % what)
    check(abs(ph["events_per_s_per_thread"] * threads - ph["events_per_s"])
          <= 1e-9 * ph["events_per_s"], "%s: events_per_s_per_thread inconsistent" % what)


def case_json_fields():
    d = bench_json(1)
    for key in ("format", "workload", "workload_ini", "resolved_config", "checksum",
                "checksum_orgs", "threads", "orgs_per_s", "events_per_s", "efficiency",
                "timed", "single_thread", "rng", "peak_rss_kib", "machine", "date_utc"):
        check(key in d, "JSON lacks %r" % key, json.dumps(d)[:2000])
    check(d["format"] == "leadsim-bench" and d["workload"] == "std-v1", "format/workload")
    check(re.fullmatch(r"[0-9a-f]{16}", d["checksum"]) is not None,
          "checksum is not 16 hex digits: %r" % d["checksum"])
    check("seed = 20261127" in d["resolved_config"], "workload seed missing from the config")
    check(d["threads"] == 1, "threads %r != 1" % d["threads"])
    # One thread: no reference run, so no efficiency.
    check(d["efficiency"] is None and d["single_thread"] is None, "T=1 has no reference run")
    check_phase(d["timed"], 1, "timed")
    # The clock stops the phase: at least the requested second, not absurdly more.
    check(1.0 <= d["timed"]["wall_s"] < 30.0, "timed wall_s %r" % d["timed"]["wall_s"])
    rng = d["rng"]
    check(rng["ns_per_block"] > 0 and rng["blocks"] == d["timed"]["rng_blocks"]
          and rng["floor_s"] > 0 and rng["run_over_floor"] > 1.0,
          "RNG floor: the run cannot be faster than its Philox blocks alone", json.dumps(rng))
    check(0 < d["peak_rss_kib"] < 4 * 1024 * 1024, "peak_rss_kib %r" % d["peak_rss_kib"])
    m = d["machine"]
    check(m["logical_cores"] >= 1 and m["cpu_model"] and m["compiler"] and m["leadsim_version"],
          "machine fields", json.dumps(m))


def case_checksum_thread_independent():
    one = bench_json(1)
    two = bench_json(2)
    check(one["checksum"] == two["checksum"],
          "checksum differs between --threads 1 (%s) and --threads 2 (%s)"
          % (one["checksum"], two["checksum"]))
    check_phase(two["timed"], 2, "timed (T=2)")
    check_phase(two["single_thread"], 1, "single_thread (T=2)")
    check(two["efficiency"] is not None and two["efficiency"] > 0, "T=2 reports an efficiency")


def case_table_and_errors():
    p = leadsim("bench", "--seconds", "0.2", "--threads", "1")
    check(p.returncode == 0, "expected exit 0", describe(p))
    for word in ("checksum:", "events/s", "RNG floor:", "peak memory:", "machine:"):
        check(word in p.stdout, "table lacks %r" % word, describe(p))
    for args, word in ((["--workload", "std-v2x"], "std-v1"), (["--seconds", "0"], "--seconds"),
                       (["--seconds", "abc"], "--seconds"), (["--threads", "-1"], "--threads")):
        p = leadsim("bench", *args)
        check(p.returncode == 2, "expected exit 2 for %s" % args, describe(p))
        check(p.stderr.startswith("leadsim: error: ") and word in p.stderr,
              "error message lacks %r" % word, describe(p))
        check(p.stdout == "", "stdout must stay empty on an error", describe(p))


if __name__ == "__main__":
    sys.exit(clitest.main(globals()))
