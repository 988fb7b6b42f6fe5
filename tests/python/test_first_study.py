#!/usr/bin/python3
"""Checks README.md's first study: configs/regime.ini's file, the README's Python lines run
as written, and its plot command.

    /usr/bin/python3 tests/python/test_first_study.py REGIME.h5

REGIME.h5: `leadsim run configs/regime.ini` (any --orgs; CMake runs it with few).
"""

import contextlib
import io
import os
import re
import subprocess
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
SRC = os.path.join(ROOT, "python", "src")
# LEADSIM_TEST_INSTALLED=1: test the package as installed (CMake runs these tests with the
# python of a venv the package was pip-installed into, python_package_venv_install); else the
# source tree's.
INSTALLED = os.environ.get("LEADSIM_TEST_INSTALLED") == "1"
if not INSTALLED:
    sys.path.insert(0, SRC)
import leadsim  # noqa: E402
if INSTALLED and os.path.realpath(leadsim.__file__).startswith(os.path.realpath(SRC)):
    sys.exit(f"leadsim was imported from the source tree ({leadsim.__file__}), not installed")

REGIME = ""
ENV = dict(os.environ, MPLBACKEND="Agg", **({} if INSTALLED else {"PYTHONPATH": SRC}))


def first_study() -> str:
    """README.md's section 'A first study' (up to the next heading of its level or above)."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    start = text.index("## A first study\n")
    end = text.find("\n### ", start)
    return text[start:end]


class FirstStudyTest(unittest.TestCase):
    def test_regime_of_the_file(self):
        with leadsim.load(REGIME) as r:
            self.assertEqual(r.params, ["info_reach", "manager_capacity"])
            self.assertEqual(r.modes, ["centralized", "delegated", "distributed"])
            self.assertTrue(r.has_records)  # P(best) needs them
            d = r.regime("value", x="info_reach", y="manager_capacity")
            self.assertEqual(len(d), 24)
            np.testing.assert_allclose(sorted(set(d["info_reach"])),
                                       [0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
            self.assertEqual(sorted(set(d["manager_capacity"])), [5.0, 10.0, 20.0, 40.0])
            self.assertTrue(d["p_best"].between(0, 1).all())
            self.assertEqual(set(d["orgs"]), {int(r.meta["orgs_per_scenario"])})

    def test_readme_python_lines_run(self):
        blocks = re.findall(r"```python\n(.*?)```", first_study(), re.S)
        self.assertEqual(len(blocks), 1, "one Python block in 'A first study'")
        code = blocks[0]
        self.assertIn("import leadsim", code)
        self.assertIn('leadsim.load("regime.h5")', code)
        with tempfile.TemporaryDirectory() as d:
            os.symlink(os.path.abspath(REGIME), os.path.join(d, "regime.h5"))
            out = io.StringIO()
            cwd = os.getcwd()
            os.chdir(d)
            try:
                with contextlib.redirect_stdout(out):
                    exec(compile(code, "README.md", "exec"), {})
            finally:
                os.chdir(cwd)
        lines = out.getvalue().splitlines()
        # The P(best) table: a header, the index name, one row per manager_capacity.
        self.assertTrue(lines[0].startswith("info_reach"), lines)
        self.assertEqual([ln.split()[0] for ln in lines[2:]], ["5.0", "10.0", "20.0", "40.0"])

    def test_readme_plot_command(self):
        cmds = re.findall(r"^\$ venv/bin/python (-m leadsim plot .*)$", first_study(), re.M)
        self.assertEqual(len(cmds), 1, "one plot command in 'A first study'")
        args = cmds[0].split()
        self.assertEqual(args[3], "regime.h5")
        out = args[args.index("-o") + 1]
        with tempfile.TemporaryDirectory() as d:
            os.symlink(os.path.abspath(REGIME), os.path.join(d, "regime.h5"))
            os.makedirs(os.path.join(d, os.path.dirname(out)), exist_ok=True)
            res = subprocess.run([sys.executable, *args], cwd=d, capture_output=True, text=True,
                                 timeout=300, env=ENV)
            self.assertEqual(res.returncode, 0, res.stderr)
            self.assertEqual(res.stdout, f"wrote {out}\n")
            with open(os.path.join(d, out), "rb") as png:
                self.assertEqual(png.read(8), b"\x89PNG\r\n\x1a\n")

    def test_committed_map(self):
        path = os.path.join(ROOT, "docs", "regime-map.png")
        self.assertLess(os.path.getsize(path), 300_000)
        self.assertIn("(docs/regime-map.png)", first_study())


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print("usage: test_first_study.py REGIME.h5", file=sys.stderr)
        sys.exit(2)
    REGIME = sys.argv.pop(1)
    unittest.main(verbosity=2)
