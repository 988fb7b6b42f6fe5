"""Shared harness of the command-line tests (cli_test.py, scaleout_test.py, bench_test.py,
reliability_test.py): running leadsim, checks with readable failures, and the case runner.

A test script defines `case_*` functions and ends with `sys.exit(clitest.main(globals()))`.
It is run as `SCRIPT LEADSIM SOURCE_DIR CASE` (CASE: a case name without the prefix, or
"all"); each case runs in a fresh temporary directory that is removed afterwards. Runs on
/usr/bin/python3 with the standard library.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

LEADSIM = ""
SOURCE = ""


class Failure(AssertionError):
    pass


def check(cond, what, detail=""):
    if not cond:
        raise Failure(what + (("\n" + detail) if detail else ""))


def quick_ini():
    return os.path.join(SOURCE, "configs", "quick.ini")


def leadsim(*args, timeout=300, preexec_fn=None):
    return subprocess.run([LEADSIM, *args], capture_output=True, text=True, timeout=timeout,
                          preexec_fn=preexec_fn, errors="replace")


def sanitized():
    """True when the binary under test was built with a sanitizer (its --version names the
    flags): ASan and TSan reserve terabytes of address space, so RLIMIT_AS cannot be applied."""
    return "-fsanitize=" in leadsim("--version").stdout


def describe(p):
    return "command: %s\nexit: %d\nstdout:\n%s\nstderr:\n%s" % (
        " ".join(str(a) for a in p.args), p.returncode, p.stdout[-3000:], p.stderr[-3000:])


def ok(*args, timeout=300):
    p = leadsim(*args, timeout=timeout)
    check(p.returncode == 0, "expected exit 0", describe(p))
    return p


def listing(root="."):
    out = set()
    for d, dirs, files in os.walk(root):
        for name in dirs + files:
            out.add(os.path.relpath(os.path.join(d, name), root))
    return out


def expect_error(args, code, words, quiet_stdout=True, root=".", preexec_fn=None):
    """Runs leadsim with args; asserts exit code, one error line containing every word
    (case-insensitive; a tuple of words: any one of them), nothing on stdout (unless
    quiet_stdout is False), and no new or removed file under `root`. Returns the process."""
    before = listing(root)
    p = leadsim(*args, preexec_fn=preexec_fn)
    after = listing(root)
    check(p.returncode == code, "expected exit %d" % code, describe(p))
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    check(len(lines) == 1 and lines[0].startswith("leadsim: error: "),
          "expected exactly one line 'leadsim: error: ...' on stderr", describe(p))
    for w in words:
        alts = w if isinstance(w, tuple) else (w,)
        check(any(a.lower() in lines[0].lower() for a in alts), "error message lacks %r" % (w,),
              describe(p))
    check(p.stdout == "" or not quiet_stdout, "stdout must stay empty on an error", describe(p))
    check(after == before, "files appeared or vanished: +%s -%s" %
          (sorted(after - before), sorted(before - after)), describe(p))
    return p


def main(script_globals):
    """Runs the script's case_* functions named on the command line; returns the exit code."""
    global LEADSIM, SOURCE
    if len(sys.argv) != 4:
        print(script_globals.get("__doc__") or "usage: SCRIPT LEADSIM SOURCE_DIR CASE|all",
              file=sys.stderr)
        return 2
    LEADSIM = os.path.abspath(sys.argv[1])
    SOURCE = os.path.abspath(sys.argv[2])
    script_globals["LEADSIM"], script_globals["SOURCE"] = LEADSIM, SOURCE
    cases = {n[5:]: f for n, f in script_globals.items() if n.startswith("case_")}
    names = sorted(cases) if sys.argv[3] == "all" else [sys.argv[3]]
    failed = []
    for name in names:
        if name not in cases:
            print("unknown case %r" % name, file=sys.stderr)
            return 2
        old = os.getcwd()
        work = tempfile.mkdtemp(prefix="leadsim-test-", dir=old)
        os.chdir(work)
        t0 = time.time()
        try:
            cases[name]()
            print("ok    %-40s %.1f s" % (name, time.time() - t0))
        except Failure as e:
            print("FAIL  %-40s %s" % (name, e))
            failed.append(name)
        except (subprocess.TimeoutExpired, OSError, ValueError, KeyError) as e:
            print("FAIL  %-40s %s: %s\n%s" % (name, type(e).__name__, e, traceback.format_exc()))
            failed.append(name)
        finally:
            os.chdir(old)
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0
