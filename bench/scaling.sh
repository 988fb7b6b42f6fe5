#!/usr/bin/env bash
# Thread-scaling harness for `leadsim bench` (docs/PERFORMANCE.md, targets 1 and 2).
#
# usage: bench/scaling.sh [-l LEADSIM] [-t 1,2,4,8,16] [-s SECONDS] [-r REPS] [-o OUT.csv]
#   -l  the leadsim binary (default: $LEADSIM, else build/release/apps/leadsim); may be a
#       wrapper script
#   -t  thread counts (default 1,2,4,8,16, capped at nproc; nproc itself is added)
#   -s  timed seconds per run (default 5)      -r  runs per thread count (default 5)
#   -o  CSV of medians (default scaling.csv); the raw JSON of every run goes to OUT.d/
#
# For each thread count T it runs `leadsim bench --threads T --seconds S --json` REPS times,
# in rounds (1,2,4,..,1,2,4,..) so that slow drifts of a shared machine spread over all T,
# and writes one CSV row per T: the medians of events/s, orgs/s, peak RSS and of bench's own
# in-process efficiency, plus speedup and efficiency against the median at T=1.
# Then the two-process test: one single-thread bench alone, then two at once, REPS times;
# ratio = (sum of the two concurrent events/s) / (alone). About 2 means two independent
# physical cores; about 1 to 1.3 means SMT siblings or a CPU quota of one core.
# Needs bash, awk and coreutils only (runs on bare machines too).
set -euo pipefail

leadsim="${LEADSIM:-build/release/apps/leadsim}"
threads="1,2,4,8,16"
seconds=5
reps=5
out="scaling.csv"
while getopts "l:t:s:r:o:h" opt; do
  case "$opt" in
    l) leadsim="$OPTARG" ;;
    t) threads="$OPTARG" ;;
    s) seconds="$OPTARG" ;;
    r) reps="$OPTARG" ;;
    o) out="$OPTARG" ;;
    *) sed -n '2,19p' "$0"; exit 2 ;;
  esac
done
[[ -x "$leadsim" ]] || { echo "scaling.sh: $leadsim is not executable (-l)" >&2; exit 2; }
ncpu=$(nproc)
raw="${out%.csv}.d"
mkdir -p "$raw"

# Thread list: given counts <= nproc, plus nproc; sorted, unique.
tlist=$( (tr ',' '\n' <<<"$threads"; echo "$ncpu") | awk -v n="$ncpu" '$1>=1 && $1<=n' |
  sort -n | uniq | tr '\n' ' ')

# The value of top-level key $2 in the one-line JSON document $1 (numbers and strings).
field() {
  grep -o "\"$2\":[^,}]*" "$1" | head -n 1 | cut -d: -f2- | tr -d '"'
}
median() { sort -g | awk '{v[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print v[(NR+1)/2]; else printf "%.17g\n", (v[NR/2]+v[NR/2+1])/2}'; }

run_one() {  # threads rep
  local f="$raw/t$1_r$2.json"
  "$leadsim" bench --threads "$1" --seconds "$seconds" --json >"$f"
  echo "  T=$1 run $2: $(field "$f" events_per_s) events/s" >&2
}

echo "scaling: $leadsim, threads {$tlist}, ${seconds}s x $reps runs, $ncpu cpus" >&2
for ((r = 1; r <= reps; r++)); do
  for t in $tlist; do run_one "$t" "$r"; done
done

base=""
{
  echo "threads,runs,events_per_s,orgs_per_s,speedup,efficiency,bench_efficiency,peak_rss_kib,checksum"
  for t in $tlist; do
    ev=$(for f in "$raw"/t${t}_r*.json; do field "$f" events_per_s; done | median)
    og=$(for f in "$raw"/t${t}_r*.json; do field "$f" orgs_per_s; done | median)
    rss=$(for f in "$raw"/t${t}_r*.json; do field "$f" peak_rss_kib; done | median)
    be=$(for f in "$raw"/t${t}_r*.json; do field "$f" efficiency; done | { grep -v null || true; } | median)
    sums=$(for f in "$raw"/t${t}_r*.json; do field "$f" checksum; done | sort -u | xargs)
    [[ -z "$base" ]] && base="$ev"
    awk -v t="$t" -v r="$reps" -v ev="$ev" -v og="$og" -v b="$base" -v be="$be" -v rss="$rss" \
      -v cs="$sums" 'BEGIN {s = ev / b; printf "%d,%d,%.6g,%.6g,%.4f,%.4f,%s,%.0f,%s\n",
                     t, r, ev, og, s, s / t, be, rss, cs}'
  done
} >"$out"

# Two-process test.
alone=() pair=()
for ((r = 1; r <= reps; r++)); do
  "$leadsim" bench --threads 1 --seconds "$seconds" --json >"$raw/alone_r$r.json"
  "$leadsim" bench --threads 1 --seconds "$seconds" --json >"$raw/pair_a_r$r.json" &
  pa=$!
  "$leadsim" bench --threads 1 --seconds "$seconds" --json >"$raw/pair_b_r$r.json" &
  pb=$!
  wait "$pa" "$pb"
  alone+=("$(field "$raw/alone_r$r.json" events_per_s)")
  pair+=("$(awk -v a="$(field "$raw/pair_a_r$r.json" events_per_s)" \
    -v b="$(field "$raw/pair_b_r$r.json" events_per_s)" 'BEGIN {printf "%.17g", a + b}')")
done
ma=$(printf '%s\n' "${alone[@]}" | median)
mp=$(printf '%s\n' "${pair[@]}" | median)
ratio=$(awk -v a="$ma" -v p="$mp" 'BEGIN {printf "%.3f", p / a}')
{
  echo "# two-process test: alone $ma events/s, two concurrent single-thread processes $mp events/s in total, ratio $ratio"
  echo "# machine: $(field "$raw/t1_r1.json" cpu_model), $ncpu logical cpus; $(field "$raw/t1_r1.json" compiler); leadsim $(field "$raw/t1_r1.json" leadsim_version) ($(field "$raw/t1_r1.json" git)); $(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >>"$out"
cat "$out"
if awk -v x="$ratio" 'BEGIN {exit !(x >= 1.8)}'; then
  echo "two-process ratio $ratio: cores behave as independent physical cores" >&2
else
  echo "two-process ratio $ratio < 1.8: SMT siblings, a CPU quota or a busy machine" >&2
fi
