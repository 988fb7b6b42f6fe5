#!/usr/bin/env bash
# Static analysis of the engine: clang-tidy (checks in .clang-tidy) and cppcheck on
# engine/leadsim/**/*.cpp, using the compile database of the release preset.
#   tools/lint.sh                    fail (exit 1) on any finding not in tools/lint-baseline.txt
#   tools/lint.sh --update-baseline  rewrite the baseline from the current findings
# Findings are normalized to "FILE:TOOL-CHECK" (no line numbers, so edits elsewhere in a file
# do not churn the baseline; LINT_FILES=REGEX restricts the files); each finding is one line, so a second finding of the same check
# in the same file is new. Environment: LINT_BUILD (default build/release), LINT_JOBS (2).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${LINT_BUILD:-build/release}
jobs=${LINT_JOBS:-2}
baseline=tools/lint-baseline.txt
update=0
[[ "${1:-}" == --update-baseline ]] && update=1

tidy=$(command -v clang-tidy-14 || command -v clang-tidy || true)
[[ -n "$tidy" ]] || { echo "lint: clang-tidy not found (apt-get install clang-tidy-14)" >&2; exit 2; }
command -v cppcheck >/dev/null || { echo "lint: cppcheck not found (apt-get install cppcheck)" >&2; exit 2; }
[[ -f "$build/compile_commands.json" ]] ||
  { echo "lint: $build/compile_commands.json missing (cmake --preset release first)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The engine's translation units that the compile database knows (a file added since the last
# configure is linted after the next one).
mapfile -t sources < <(/usr/bin/python3 -c '
import json, os, sys
for e in json.load(open(sys.argv[1])):
    f = os.path.relpath(os.path.join(e["directory"], e["file"]), sys.argv[2])
    if f.startswith("engine/leadsim/") and f.endswith(".cpp"):
        print(f)' "$build/compile_commands.json" "$root" | sort -u |
  grep -E "${LINT_FILES:-.}")

t0=$(date +%s)
# clang-tidy: "FILE:LINE:COL: warning: TEXT [CHECK]"; a header finding repeats once per
# translation unit, hence the dedupe on (file, line, col, check) before lines are dropped.
printf '%s\n' "${sources[@]}" |
  xargs -P "$jobs" -n 1 "$tidy" -p "$build" --quiet 2>/dev/null >"$work/tidy.txt" || true
sed -nE 's#^([^: ]+):([0-9]+):([0-9]+): (warning|error): .* \[([^]]+)\]$#\1 \2 \3 \5#p' \
  "$work/tidy.txt" | sort -u | { grep . || true; } |
  # Headers are included through each module's staged include root (build/include/<module>,
  # symbolic links): report them under their real path in the tree.
  /usr/bin/python3 -c '
import os, sys
for line in sys.stdin:
    f, _, _, check = line.split()
    print(os.path.relpath(os.path.realpath(f), sys.argv[1]) + ":tidy-" + check)' "$root" \
  >"$work/found.txt"
t1=$(date +%s)

# cppcheck over the same translation units (its own parser; the engine's include paths).
cppcheck --language=c++ --std=c++20 -I engine -I "$build/generated" \
  --enable=warning,performance,portability --inline-suppr --quiet -j "$jobs" \
  --suppress=missingIncludeSystem --suppress=missingInclude --suppress=unmatchedSuppression \
  --template='{file}:{line}:{column}:{id}' "${sources[@]}" 2>"$work/cppcheck.txt" >/dev/null || true
{ grep -E '^[^:]+:[0-9]+:[0-9]+:[A-Za-z_]+$' "$work/cppcheck.txt" || true; } | sort -u |
  awk -F: -v root="$root/" '{f=$1; sub("^" root, "", f); print f ":cppcheck-" $4}' \
  >>"$work/found.txt"
t2=$(date +%s)
sort -o "$work/found.txt" "$work/found.txt"
echo "lint: clang-tidy $((t1 - t0)) s, cppcheck $((t2 - t1)) s, $(wc -l <"$work/found.txt") findings" >&2

if ((update)); then
  {
    echo "# Known lint findings (tools/lint.sh --update-baseline): FILE:TOOL-CHECK, one per finding."
    echo "# CI fails on findings not listed here. Shrink it; never grow it to silence a new one."
    cat "$work/found.txt"
  } >"$baseline"
  echo "lint: wrote $baseline" >&2
  exit 0
fi
grep -v '^#' "$baseline" | sort >"$work/base.txt" || true
# comm on sorted lists treats repeated lines as a multiset: one more of a kind is new.
comm -13 "$work/base.txt" "$work/found.txt" >"$work/new.txt"
comm -23 "$work/base.txt" "$work/found.txt" >"$work/gone.txt"
if [[ -s "$work/gone.txt" ]]; then
  echo "lint: $(wc -l <"$work/gone.txt") baseline findings are fixed; remove them from $baseline:" >&2
  sed 's/^/  /' "$work/gone.txt" >&2
fi
if [[ -s "$work/new.txt" ]]; then
  echo "lint: NEW findings (not in $baseline):" >&2
  sed 's/^/  /' "$work/new.txt" >&2
  echo "details:" >&2
  while IFS=: read -r file check; do
    grep -F "$file" "$work/tidy.txt" "$work/cppcheck.txt" | grep -F "${check#*-}" | head -3 >&2 || true
  done <"$work/new.txt"
  exit 1
fi
echo "lint: no new findings" >&2
