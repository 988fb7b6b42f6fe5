#!/bin/sh
# Installs the leadsim Python package the documented way (python/README.md) into a fresh venv
# that sees Debian's packages, offline, and loads a real results file through it.
#   venv_install.sh PYTHON_DIR WORK_DIR RESULTS.h5
set -eu
src=$1 work=$2 file=$3
rm -rf "$work"
mkdir -p "$work"
# pip builds in the source tree (build/, *.egg-info): build from a copy.
cp -R "$src" "$work/pkg"
rm -rf "$work/pkg/build" "$work/pkg/src/leadsim.egg-info"
/usr/bin/python3 -m venv --system-site-packages "$work/venv"
"$work/venv/bin/pip" install --no-build-isolation --no-index --no-deps --quiet \
  --disable-pip-version-check "$work/pkg"
cd "$work"
"$work/venv/bin/python" - "$file" "$work/venv" <<'PY'
import os, sys
import leadsim
path, venv = sys.argv[1], sys.argv[2]
assert os.path.realpath(leadsim.__file__).startswith(os.path.realpath(venv)), leadsim.__file__
r = leadsim.load(path)
assert len(r.summary) == len(r.scenarios) * len(r.modes) * len(r.metrics)
ds = r.to_xarray()
assert float(ds["mean"].sel(mode=r.modes[0], metric=r.metrics[0]).isel({d: 0 for d in ds["mean"].dims[:-2]})) == float(r.summary["mean"].iloc[0])
print("leadsim", leadsim.__version__, "from", os.path.dirname(leadsim.__file__), "read", path)
PY
"$work/venv/bin/python" -m leadsim summary "$file" > "$work/summary.txt"
grep -q "modes:" "$work/summary.txt"
