#!/bin/bash
# Submits a leadsim study to Slurm: an array of M shard tasks (leadsim_array.sbatch) and a
# merge job (leadsim_merge.sbatch) that starts when all of them have succeeded
# (docs/CLUSTER.md, "Slurm").
#
#   tools/slurm/submit.sh --shards M [options] CONFIG.ini OUT.h5 [-- leadsim run options...]
#
# Options (anything sbatch accepts can also go in SBATCH_* environment variables):
#   --shards M          array tasks = shards (required)
#   --time T            time limit of each task (sbatch --time, e.g. 2:00:00)
#   --cpus C            CPUs (leadsim threads) per task (default 1)
#   --mem MEM           memory per task (sbatch --mem)
#   --warn S            seconds before the time limit at which a task checkpoints and
#                       requeues itself (default 120; allow a few blocks plus the checkpoint)
#   --checkpoint S      seconds between periodic checkpoints (default 300)
#   --max-running N     at most N tasks at once (array throttle %N)
#   --partition P, --account A, --qos Q
#   --merge-time T      time limit of the merge job (default 1:00:00)
#   --sbatch "ARGS"     extra sbatch options for both jobs (word-split)
#   --leadsim PATH      leadsim binary (default: leadsim on PATH, else build/release/apps/leadsim)
#   --remove-shards     delete OUT.shards/ after a successful merge
#   --dry-run           print the two sbatch commands instead of running them
# Prints "array=<job id> merge=<job id>" on stdout. Logs: OUT.shards/task-<K>.log, merge.log.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
die() { echo "submit.sh: $*" >&2; exit 2; }

shards='' time_limit='' cpus=1 mem='' warn=120 interval=300 max_running='' partition='' account=''
qos='' merge_time=1:00:00 extra='' leadsim='' remove=0 dry=0
positional=()
while (($#)); do
  case $1 in
    --shards) shards=${2:?}; shift 2 ;;
    --time) time_limit=${2:?}; shift 2 ;;
    --cpus) cpus=${2:?}; shift 2 ;;
    --mem) mem=${2:?}; shift 2 ;;
    --warn) warn=${2:?}; shift 2 ;;
    --checkpoint) interval=${2:?}; shift 2 ;;
    --max-running) max_running=${2:?}; shift 2 ;;
    --partition) partition=${2:?}; shift 2 ;;
    --account) account=${2:?}; shift 2 ;;
    --qos) qos=${2:?}; shift 2 ;;
    --merge-time) merge_time=${2:?}; shift 2 ;;
    --sbatch) extra=${2?}; shift 2 ;;
    --leadsim) leadsim=${2:?}; shift 2 ;;
    --remove-shards) remove=1; shift ;;
    --dry-run) dry=1; shift ;;
    -h|--help) usage ;;
    --) shift; break ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) positional+=("$1"); shift ;;
  esac
done
((${#positional[@]} == 2)) || usage
[[ $shards =~ ^[1-9][0-9]*$ ]] || die "--shards M (a positive number) is required"
[[ $warn =~ ^[0-9]+$ ]] || die "--warn: seconds expected, got $warn"
config=$(realpath -e -- "${positional[0]}") || die "config not found: ${positional[0]}"
out=$(realpath -m -- "${positional[1]}")
[[ $out == *.h5 ]] || die "OUT must end in .h5: $out"
[[ -d $(dirname "$out") ]] || die "output directory does not exist: $(dirname "$out")"

if [[ -z $leadsim ]]; then
  leadsim=$(command -v leadsim || true)
  [[ -n $leadsim ]] || leadsim=$here/../../build/release/apps/leadsim
fi
[[ -x $leadsim ]] || die "leadsim binary not found or not executable: $leadsim (use --leadsim)"
leadsim=$(realpath -e -- "$leadsim")

dir=${out%.h5}.shards
common=(--parsable "--export=ALL,LEADSIM=$leadsim,LEADSIM_SHARDS=$shards")
[[ -n $partition ]] && common+=(--partition="$partition")
[[ -n $account ]] && common+=(--account="$account")
[[ -n $qos ]] && common+=(--qos="$qos")
# shellcheck disable=SC2206  # word splitting of --sbatch is intended
[[ -n $extra ]] && common+=($extra)

array=(sbatch "${common[@]}" --job-name="leadsim-$(basename "${out%.h5}")"
  --array="0-$((shards - 1))${max_running:+%$max_running}" --cpus-per-task="$cpus"
  --requeue --open-mode=append --signal="B:USR1@$warn" --output="$dir/task-%a.log")
[[ -n $time_limit ]] && array+=(--time="$time_limit")
[[ -n $mem ]] && array+=(--mem="$mem")
array+=("$here/leadsim_array.sbatch" "$config" "$out" "$@")
merge_env=()
((remove)) && merge_env=("--export=ALL,LEADSIM=$leadsim,LEADSIM_REMOVE_SHARDS=1")
merge=(sbatch "${common[@]}" "${merge_env[@]}" --job-name="leadsim-merge-$(basename "${out%.h5}")"
  --time="$merge_time" --open-mode=append --output="$dir/merge.log" --kill-on-invalid-dep=yes)

if ((dry)); then
  printf '%q ' env LEADSIM_CHECKPOINT_INTERVAL="$interval" "${array[@]}"; echo
  printf '%q ' "${merge[@]}" --dependency=afterok:'<array job id>' \
    "$here/leadsim_merge.sbatch" "$out" "$shards"; echo
  exit 0
fi

mkdir -p "$dir"  # Slurm does not create the directory of --output
array_id=$(LEADSIM_CHECKPOINT_INTERVAL=$interval "${array[@]}")
array_id=${array_id%%;*}
merge_id=$("${merge[@]}" --dependency="afterok:$array_id" "$here/leadsim_merge.sbatch" \
  "$out" "$shards") || { scancel "$array_id"; die "merge submission failed; array $array_id cancelled"; }
merge_id=${merge_id%%;*}
echo "submitted array job $array_id ($shards tasks) and merge job $merge_id -> $out" >&2
echo "logs: $dir/task-<K>.log, $dir/merge.log; watch: squeue -j $array_id,$merge_id" >&2
echo "array=$array_id merge=$merge_id"
