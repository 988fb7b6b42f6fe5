#!/usr/bin/env bash
# CI beyond the release tests (docs/RELIABILITY.md): run by `tools/bootstrap.sh test` after
# ctest --preset mpi. Each step prints its wall time; any failure fails CI.
#   1. asan:  ASan+UBSan build (preset asan), every test but the slow statistical ones
#   2. tsan:  ThreadSanitizer build (preset tsan), the tests that run threads (labels run, cli)
#   3. lint:  tools/lint.sh (clang-tidy + cppcheck against tools/lint-baseline.txt)
#   4. fuzz:  libFuzzer targets (clang-14) for the config parser and the results reader, each
#             FUZZ_SECONDS (default 45) from the committed corpus tests/fuzz/corpus/
# Usage: tools/ci_extra.sh [asan|tsan|lint|fuzz ...]   (default: all four, in that order)
# Environment: CI_JOBS (default: nproc), FUZZ_SECONDS, FUZZ_BUILD (default build/fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=${CI_JOBS:-$(nproc)}
fuzz_seconds=${FUZZ_SECONDS:-45}
steps=("$@")
((${#steps[@]})) || steps=(asan tsan lint fuzz)

declare -A took
run_step() {
  local name=$1 t0
  shift
  t0=$(date +%s)
  echo "=== ci_extra: $name" >&2
  "$@"
  took[$name]=$(($(date +%s) - t0))
  echo "=== ci_extra: $name passed in ${took[$name]} s" >&2
}

# Benchmarks are not tests: leave them out of the sanitizer builds.
configure() { cmake --preset "$1" -DLEADSIM_BUILD_BENCH=OFF >/dev/null; }

step_asan() {
  configure asan
  cmake --build --preset asan -j "$jobs"
  # Excluded: the statistical suites (GoogleTest suites named Statistical*, label
  # "statistical" where set): 10^6-draw goodness-of-fit checks that take minutes under ASan
  # and test numbers, not memory; the release preset runs them. Everything else runs.
  ctest --preset asan -j "$jobs" -LE statistical -E '^Statistical' --timeout 900
}

step_tsan() {
  configure tsan
  cmake --build --preset tsan -j "$jobs" --target leadsim leadsim_run_unit_test
  # The runner's unit tests and the CLI (multi-threaded runs, interrupts); the bad-input
  # cases (label reliability) are single-threaded and already run under ASan.
  ctest --preset tsan -j "$jobs" -L "^(run|cli)$" -LE reliability --timeout 900
}

step_lint() {
  # The MPI build's compile database when the test command made one (it has mpi_run.cpp).
  if [[ -f build/mpi/compile_commands.json ]]; then
    LINT_BUILD=build/mpi tools/lint.sh
  else
    [[ -f build/release/compile_commands.json ]] || cmake --preset release >/dev/null
    tools/lint.sh
  fi
}

step_fuzz() {
  local b=${FUZZ_BUILD:-build/fuzz} t
  cmake -S . -B "$b" -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLEADSIM_SANITIZE=address -DLEADSIM_FUZZ=ON \
    -DLEADSIM_WERROR=OFF -DLEADSIM_BUILD_BENCH=OFF \
    -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link -DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link \
    >/dev/null
  cmake --build "$b" -j "$jobs" --target fuzz_config fuzz_results
  for t in config results; do
    # New inputs go to a scratch corpus; the committed seeds stay as they are. Crashes are
    # written to $b/artifacts/. fuzz_results runs in fork mode and keeps going after a crash,
    # because Debian's libhdf5 1.10 has memory bugs of its own on malformed files (see
    # docs/RELIABILITY.md); each crash is then classified below.
    rm -rf "$b/scratch-$t" "$b/artifacts" && mkdir -p "$b/scratch-$t" "$b/artifacts"
    local fork=()
    [[ $t == results ]] && fork=(-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)
    echo "fuzz_$t: ${fuzz_seconds} s" >&2
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      LSAN_OPTIONS=suppressions="$root/tools/lsan.supp" \
      TMPDIR="$root/$b" "$b/tests/fuzz/fuzz_$t" -max_total_time="$fuzz_seconds" -timeout=20 \
      -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 "${fork[@]}" \
      -artifact_prefix="$root/$b/artifacts/$t-" "$b/scratch-$t" "tests/fuzz/corpus/$t" \
      >"$b/fuzz-$t.log" 2>&1 || true
    grep -E "stat::number_of_executed_units|stat::new_units_added" "$b/fuzz-$t.log" >&2 || true
    local a bad=0 known=0
    for a in "$b"/artifacts/"$t"-*; do
      [[ -e "$a" ]] || continue
      # Re-run the one input (crash, leak, hang). If the first frame that is not libFuzzer's,
      # the sanitizers' or libc's lies in libhdf5, it is a library bug leadsim cannot fix:
      # counted, kept, not fatal. Anything else fails CI: add the input to
      # tests/fuzz/corpus/$t/ plus a unit test, and fix it.
      ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions="$root/tools/lsan.supp" \
        TMPDIR="$root/$b" timeout 120 "$b/tests/fuzz/fuzz_$t" -timeout=10 "$a" >"$a.log" 2>&1 &&
        continue
      local site
      site=$(grep -E '^ +#[0-9]+ ' "$a.log" |
        grep -vE 'fuzzer::|__sanitizer|__interceptor|__asan|__ubsan|libc\.so|libstdc\+\+| nptl/| stdlib/| signal/' |
        head -1 || true)
      if [[ $t == results && $site == *libhdf5* ]]; then
        known=$((known + 1))
      else
        bad=$((bad + 1))
        echo "fuzz_$t: crash on $a" >&2
        grep -E '^ +#[0-9]+ |ERROR|what\(\)' "$a.log" | head -20 >&2
      fi
    done
    ((known == 0)) || echo "fuzz_$t: $known crashes inside libhdf5 (known; $b/artifacts)" >&2
    ((bad == 0)) || return 1
  done
}

total0=$(date +%s)
for s in "${steps[@]}"; do
  case "$s" in
    asan | tsan | lint | fuzz) run_step "$s" "step_$s" ;;
    *) echo "ci_extra: unknown step '$s' (asan, tsan, lint, fuzz)" >&2; exit 2 ;;
  esac
done
summary="ci_extra: all passed in $(($(date +%s) - total0)) s:"
for s in "${steps[@]}"; do summary+=" $s ${took[$s]} s;"; done
echo "$summary" >&2
