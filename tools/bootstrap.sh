#!/usr/bin/env bash
# leadsim's quick start on a fresh Debian 12 machine: installs what is missing, builds the
# release preset, then either runs the default study or runs every test.
#   tools/bootstrap.sh run  [extra leadsim run arguments]   -> results/default.h5
#   tools/bootstrap.sh test    -> the mpi preset's build and ctest (all labels, Python, MPI
#                                 and Slurm checks included), then the
#                                 asan/tsan/lint/fuzz steps of tools/ci_extra.sh
# Needs root for apt-get; as another user it prints the apt-get line to run and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
case "$mode" in
  run|test) shift ;;
  *) echo "usage: tools/bootstrap.sh run|test" >&2; exit 2 ;;
esac

# What building and running need (`run`: the release preset, MPI off, target leadsim only):
#   cmake, make, g++            the build (CMake presets, C++20)
#   git                         `git describe` in every results file's provenance
#   pkg-config                  Debian's TBB CMake package names PkgConfig targets (hwloc)
#   libtbb-dev                  oneTBB: the parallel runner
#   libboost-program-options-dev  the command line (apps/leadsim)
#   libboost-dev                the Boost headers: Boost.Math's normal and Student t quantiles
#                               (stats/inference.cpp; header-only, also pulled in by the above)
#   libhdf5-dev                 the results file (HDF5 C/C++/HL)
#   librandom123-dev            Philox4x64-10, the random streams
packages=(cmake make g++ git pkg-config libtbb-dev libboost-program-options-dev libboost-dev
  libhdf5-dev librandom123-dev)
# The test command adds what the tests need:
#   libgtest-dev, libbenchmark-dev        the C++ tests; bench/ targets
#   python3 + h5py numpy pandas matplotlib xarray h5netcdf   the CLI and Python tests
#   python3-venv, python3-setuptools, python3-pip   installing the Python package (python/)
#                                         offline into a venv (python_package_venv_install)
#   clang-14, libclang-rt-14-dev          sanitizer builds and fuzzing (tools/ci_extra.sh)
#   clang-tidy-14, cppcheck               lint against tools/lint-baseline.txt
#   clang-format                          house.format
#   slurm-wlm, munge                      the private single-node Slurm cluster (tests/slurm)
#   openmpi-bin, libopenmpi-dev           the mpi preset and tests/mpi
#   strace                                reliability.result_durable_before_cleanup
if [[ "$mode" == test ]]; then
  packages+=(libgtest-dev libbenchmark-dev python3 python3-h5py python3-numpy
    python3-pandas python3-matplotlib python3-xarray python3-h5netcdf python3-venv
    python3-setuptools python3-pip
    clang-14 libclang-rt-14-dev clang-tidy-14 cppcheck clang-format
    slurm-wlm munge openmpi-bin libopenmpi-dev strace)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "leadsim needs these Debian packages; run as root:" >&2
    echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "installing: ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

jobs=$(nproc)

if [[ "$mode" == run ]]; then
  cmake --preset release >&2
  cmake --build --preset release -j "$jobs" --target leadsim >&2
  mkdir -p results
  exec build/release/apps/leadsim run configs/default.ini -o results/default.h5 --force "$@"
fi

# The tests run on the release build with MPI support (preset mpi), so the MPI tests run too.
cmake --preset mpi >&2
cmake --build --preset mpi -j "$jobs" >&2
ctest --preset mpi -j "$jobs" --timeout 900
# Sanitizer builds (ASan+UBSan, TSan), static analysis and fuzzing: docs/RELIABILITY.md.
tools/ci_extra.sh
