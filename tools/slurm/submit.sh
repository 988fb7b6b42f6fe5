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
#                       requeues itself (default 120; allow a few blocks plus the checkpoint;
#                       must be shorter than the time limit: --time, a --time in --sbatch or
#                       SBATCH_TIMELIMIT here, a partition's default in each task when it
#                       starts). Not with a --signal in --sbatch.
#   --checkpoint S      seconds between periodic checkpoints (default 300)
#   --max-running N     at most N tasks at once (array throttle %N)
#   --partition P, --account A, --qos Q
#   --merge-time T      time limit of the merge job (default 1:00:00)
#   --sbatch "ARGS"     extra sbatch options for both jobs (word-split); a --signal there
#                       replaces the array's --signal=B:USR1@<warn>
#   --merge-args "ARGS" options for `leadsim merge` (word-split), e.g. "--force" to overwrite
#                       an existing OUT.h5 or "--allow-partial" to merge what exists
#   --leadsim PATH      leadsim binary (default: leadsim on PATH, else build/mpi/apps/leadsim,
#                       else build/release/apps/leadsim of this repository)
#   --remove-shards     delete the shard files after a successful merge (logs are kept)
#   --dry-run           print the two sbatch commands instead of running them
# Prints "array=<job id> merge=<job id>" on stdout. Logs: OUT.shards/task-<K>.log, merge.log.
# Exit status: 0 submitted; 2 bad options (nothing submitted); other: sbatch failed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
die() { echo "submit.sh: $*" >&2; exit 2; }

shards='' time_limit='' cpus=1 mem='' warn=120 interval=300 max_running='' partition='' account=''
qos='' merge_time=1:00:00 extra='' merge_args='' leadsim='' remove=0 dry=0 warn_given=0
positional=()
while (($#)); do
  case $1 in
    --shards) shards=${2:?}; shift 2 ;;
    --time) time_limit=${2:?}; shift 2 ;;
    --cpus) cpus=${2:?}; shift 2 ;;
    --mem) mem=${2:?}; shift 2 ;;
    --warn) warn=${2:?}; warn_given=1; shift 2 ;;
    --checkpoint) interval=${2:?}; shift 2 ;;
    --max-running) max_running=${2:?}; shift 2 ;;
    --partition) partition=${2:?}; shift 2 ;;
    --account) account=${2:?}; shift 2 ;;
    --qos) qos=${2:?}; shift 2 ;;
    --merge-time) merge_time=${2:?}; shift 2 ;;
    --sbatch) extra=${2?}; shift 2 ;;
    --merge-args) merge_args=${2?}; shift 2 ;;
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

# Seconds of a Slurm time limit: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S; empty if not one of them.
time_seconds() {
  local t=$1 d=0 h=0 m=0 s=0
  if [[ $t =~ ^([0-9]+)-([0-9]+)(:([0-9]+))?(:([0-9]+))?$ ]]; then
    d=${BASH_REMATCH[1]} h=${BASH_REMATCH[2]} m=${BASH_REMATCH[4]:-0} s=${BASH_REMATCH[6]:-0}
  elif [[ $t =~ ^([0-9]+)$ ]]; then
    m=${BASH_REMATCH[1]}
  elif [[ $t =~ ^([0-9]+):([0-9]+)$ ]]; then
    m=${BASH_REMATCH[1]} s=${BASH_REMATCH[2]}
  elif [[ $t =~ ^([0-9]+):([0-9]+):([0-9]+)$ ]]; then
    h=${BASH_REMATCH[1]} m=${BASH_REMATCH[2]} s=${BASH_REMATCH[3]}
  else
    return 0
  fi
  echo $((((10#$d * 24 + 10#$h) * 60 + 10#$m) * 60 + 10#$s))
}
# A --signal among the --sbatch options is the user's choice: the script does not add its own.
user_signal=0
[[ " $extra " =~ [[:space:]]--signal[=[:space:]] ]] && user_signal=1
((user_signal && warn_given)) && die "--warn and a --signal in --sbatch both set the warning signal: give one of them"
# The tasks' time limit: --time, else a --time/-t among the --sbatch options, else
# SBATCH_TIMELIMIT. (A partition's default limit is checked by each task when it starts.)
limit_text=$time_limit limit_from="--time $time_limit"
if [[ -z $limit_text ]]; then
  read -ra extra_words <<< "$extra"
  for ((i = 0; i < ${#extra_words[@]}; i++)); do
    case ${extra_words[i]} in
      --time=*) limit_text=${extra_words[i]#--time=} limit_from="--sbatch ${extra_words[i]}" ;;
      --time|-t) limit_text=${extra_words[i + 1]:-} limit_from="--sbatch ${extra_words[i]} $limit_text" ;;
      -t?*) limit_text=${extra_words[i]#-t} limit_from="--sbatch ${extra_words[i]}" ;;
    esac
  done
fi
if [[ -z $limit_text && -n ${SBATCH_TIMELIMIT:-} ]]; then
  limit_text=$SBATCH_TIMELIMIT limit_from="SBATCH_TIMELIMIT=$SBATCH_TIMELIMIT"
fi
# The warning's lead: --warn, or the @N of the user's --signal (Slurm's default 60). The
# tasks check it against their time limit too (LEADSIM_WARN), which covers a partition's
# default limit.
task_warn=$warn warn_from="--warn $warn$( ((warn_given)) || echo ' (the default)')"
if ((user_signal)); then
  task_warn=60 warn_from="the --signal in --sbatch (60 s before the limit, Slurm's default)"
  if [[ " $extra " =~ --signal[=[:space:]][^[:space:]]*@([0-9]+) ]]; then
    task_warn=${BASH_REMATCH[1]} warn_from="the --signal in --sbatch (@${BASH_REMATCH[1]})"
  fi
fi
if [[ -n $limit_text && ! ${limit_text,,} =~ ^(unlimited|infinite)$ ]]; then
  limit_s=$(time_seconds "$limit_text")
  [[ -n $limit_s ]] || die "${limit_from%% *}: a Slurm time limit expected (M, M:S, H:M:S, D-H, D-H:M, D-H:M:S), got $limit_text"
  ((task_warn < limit_s)) || die "$warn_from is not shorter than $limit_from ($limit_s s): the warning would come at or before the start; choose a smaller --warn or a longer --time"
fi
config=$(realpath -e -- "${positional[0]}") || die "config not found: ${positional[0]}"
out=$(realpath -m -- "${positional[1]}")
[[ $out == *.h5 ]] || die "OUT must end in .h5: $out"
[[ -d $(dirname "$out") ]] || die "output directory does not exist: $(dirname "$out")"

if [[ -z $leadsim ]]; then
  leadsim=$(command -v leadsim || true)
  [[ -n $leadsim ]] || leadsim=$here/../../build/mpi/apps/leadsim
  [[ -x $leadsim ]] || leadsim=$here/../../build/release/apps/leadsim
fi
[[ -x $leadsim ]] || die "leadsim binary not found or not executable: $leadsim (use --leadsim)"
leadsim=$(realpath -e -- "$leadsim")

dir=${out%.h5}.shards
common=(--parsable "--export=ALL,LEADSIM=$leadsim,LEADSIM_SHARDS=$shards,LEADSIM_WARN=$task_warn")
[[ -n $partition ]] && common+=(--partition="$partition")
[[ -n $account ]] && common+=(--account="$account")
[[ -n $qos ]] && common+=(--qos="$qos")
# shellcheck disable=SC2206  # word splitting of --sbatch is intended
[[ -n $extra ]] && common+=($extra)

array=(sbatch "${common[@]}" --job-name="leadsim-$(basename "${out%.h5}")"
  --array="0-$((shards - 1))${max_running:+%$max_running}" --cpus-per-task="$cpus"
  --requeue --open-mode=append --output="$dir/task-%a.log")
((user_signal)) || array+=(--signal="B:USR1@$warn")
[[ -n $time_limit ]] && array+=(--time="$time_limit")
[[ -n $mem ]] && array+=(--mem="$mem")
array+=("$here/leadsim_array.sbatch" "$config" "$out" "$@")
merge_env=()
((remove)) && merge_env=("--export=ALL,LEADSIM=$leadsim,LEADSIM_SHARDS=$shards,LEADSIM_WARN=$task_warn,LEADSIM_REMOVE_SHARDS=1")
# shellcheck disable=SC2206  # word splitting of --merge-args is intended
merge_opts=($merge_args)
merge=(sbatch "${common[@]}" "${merge_env[@]}" --job-name="leadsim-merge-$(basename "${out%.h5}")"
  --time="$merge_time" --open-mode=append --output="$dir/merge.log" --kill-on-invalid-dep=yes)

if ((dry)); then
  printf '%q ' env LEADSIM_CHECKPOINT_INTERVAL="$interval" "${array[@]}"; echo
  printf '%q ' "${merge[@]}" --dependency=afterok:'<array job id>' \
    "$here/leadsim_merge.sbatch" "$out" "$shards" "${merge_opts[@]}"; echo
  exit 0
fi

mkdir -p "$dir"  # Slurm does not create the directory of --output
array_id=$(LEADSIM_CHECKPOINT_INTERVAL=$interval "${array[@]}")
array_id=${array_id%%;*}
merge_id=$("${merge[@]}" --dependency="afterok:$array_id" "$here/leadsim_merge.sbatch" \
  "$out" "$shards" "${merge_opts[@]}") || { scancel "$array_id"; die "merge submission failed; array $array_id cancelled"; }
merge_id=${merge_id%%;*}
echo "submitted array job $array_id ($shards tasks) and merge job $merge_id -> $out" >&2
echo "logs: $dir/task-<K>.log, $dir/merge.log; watch: squeue -j $array_id,$merge_id" >&2
echo "array=$array_id merge=$merge_id"
