#!/bin/bash
# Throughput of a sensitivity study's evaluations against an ordinary run of the same work.
#
# usage: bench/sensitivity_throughput.sh [LEADSIM] [ROUNDS]
#
# Alternates, ROUNDS times (default 5), configs/sensitivity.ini at 512 base samples (512 x 19 =
# 9,728 organizations) and the same configuration without [sensitivity] at 9,728 organizations
# with every record kept, both on 2 threads, and prints each run's problem-mode events/s, the
# medians and their ratio (sensitivity / ordinary). docs/PERFORMANCE.md gives a run.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
leadsim=${1:-$here/build/release/apps/leadsim}
rounds=${2:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
grep -v '^\[sensitivity\]\|^method\|^base_samples\|^outputs\|^bootstrap\|^confidence' \
  "$here/configs/sensitivity.ini" > "$work/plain.ini"
printf '\n[output]\nsamples = all\n' >> "$work/plain.ini"
rate() { awk '/^events:/ { gsub(/[,(]/, "", $5); print $5 }'; }
for i in $(seq "$rounds"); do
  s=$("$leadsim" run "$here/configs/sensitivity.ini" --set sensitivity.base_samples=512 \
        -o "$work/s.h5" --force --threads 2 | rate)
  p=$("$leadsim" run "$work/plain.ini" --orgs 9728 -o "$work/p.h5" --force --threads 2 | rate)
  echo "sensitivity $s"
  echo "ordinary $p"
done | tee "$work/rates.txt"
/usr/bin/python3 - "$work/rates.txt" <<'PY'
import statistics, sys
d = {}
for line in open(sys.argv[1]):
    k, v = line.split()
    d.setdefault(k, []).append(float(v))
s, o = statistics.median(d["sensitivity"]), statistics.median(d["ordinary"])
print("median events/s: sensitivity %.4g, ordinary %.4g, ratio %.3f" % (s, o, s / o))
PY
