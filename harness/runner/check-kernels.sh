#!/bin/bash
# check-kernels.sh: the kernel matrix of the development loop (`make check-kernels`).
# Every change to a workload, an oracle or the runner is checked on at least two kernels: the
# default (the newest linux-source-* of the machine's release, harness/runner/build-kernel.sh)
# and the newest kernel Debian ships (harness/runner/kernel-source.sh, built with --kernel-tree).
# Each kernel is built once and cached; each gets one ./run.sh of the same profile and
# workloads, and the verdict counts are printed as one table (also written to
# results/kernels-<UTC time>.txt), so a note can quote it as it is.
#   check-kernels.sh [--profile NAME] [--only a,b] [--kernel-tree DIR]... [-- run.sh options]
# Exit (run.sh's codes): 0 every kernel good, 1 a FAIL on some kernel, 125 a kernel could not be
# fetched, built or booted, 128 usage error, 129 runner error.
set -uo pipefail
readonly EXIT_USAGE=128 EXIT_ERROR=129

readonly ME=check-kernels
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly ROOT
PROFILE=${SPLITFAIL_CHECK_PROFILE:-smoke}
ONLY=${SPLITFAIL_CHECK_ONLY:-}
NEWEST_TREE=${SPLITFAIL_NEWEST_TREE:-}
TREES=()
EXTRA=()

say() { echo "$ME: $*" >&2; }
die() { local rc=$1; shift; say "$*"; exit "$rc"; }

usage() {
	cat <<EOF
usage: $ME.sh [--profile NAME] [--only a,b] [--newest-tree DIR] [--kernel-tree DIR]...
             [-- run.sh options]
Runs ./run.sh --profile NAME on the default kernel, the newest Debian kernel and each extra
--kernel-tree, and prints their verdict counts side by side.
  --profile NAME     profile for every kernel (default: $PROFILE; env SPLITFAIL_CHECK_PROFILE)
  --only a,b         workloads (default: all; env SPLITFAIL_CHECK_ONLY)
  --newest-tree DIR  take this tree as the newest kernel instead of fetching it (offline
                     machines, or a git checkout of it; env SPLITFAIL_NEWEST_TREE)
  --kernel-tree DIR  one more kernel tree in the matrix (repeatable)
Exit: 0 all good, 1 a FAIL somewhere, 125 a kernel could not be had, 128 usage error,
129 runner error.
EOF
}

while [ $# -gt 0 ]; do
	case $1 in
	--profile) [ $# -ge 2 ] && [ -n "$2" ] || die "$EXIT_USAGE" "--profile needs a value"; PROFILE=$2; shift 2 ;;
	--only) [ $# -ge 2 ] && [ -n "$2" ] || die "$EXIT_USAGE" "--only needs a value"; ONLY=$2; shift 2 ;;
	--newest-tree)
		[ $# -ge 2 ] && [ -d "$2" ] || die "$EXIT_USAGE" "--newest-tree needs a directory"
		NEWEST_TREE=$2; shift 2 ;;
	--kernel-tree)
		[ $# -ge 2 ] && [ -d "$2" ] || die "$EXIT_USAGE" "--kernel-tree needs a directory"
		TREES+=("$2"); shift 2 ;;
	-h|--help) usage; exit 0 ;;
	--) shift; EXTRA=("$@"); break ;;
	*) usage >&2; die "$EXIT_USAGE" "unknown option '$1'" ;;
	esac
done

# kernel_for LABEL [TREE]: build (or reuse) a kernel; prints its bzImage path.
kernel_for() {
	local label=$1 tree=${2:-} args=() k
	[ -n "$tree" ] && args=(--kernel-tree "$tree")
	say "$label: building or reusing the kernel${tree:+ of $tree}"
	k=$("$ROOT/harness/runner/build-kernel.sh" "${args[@]}" | tail -n 1) || return 125
	[ -s "$k" ] || return 125
	echo "$k"
}

labels=()
kernels=()
if k=$(kernel_for default); then
	labels+=(default); kernels+=("$k")
else
	die 125 "the default kernel could not be built"
fi
newest_tree=$NEWEST_TREE
if [ -z "$newest_tree" ]; then
	newest_tree=$("$ROOT/harness/runner/kernel-source.sh" | tail -n 1) ||
		die 125 "the newest Debian kernel source could not be fetched"
fi
if k=$(kernel_for newest "$newest_tree"); then
	labels+=(newest); kernels+=("$k")
else
	die 125 "the newest kernel ($newest_tree) could not be built"
fi
for t in "${TREES[@]}"; do
	k=$(kernel_for "tree" "$t") || die 125 "the kernel of $t could not be built"
	labels+=("$(basename "$t")"); kernels+=("$k")
done

mkdir -p "$ROOT/results"
table=$ROOT/results/kernels-$(date -u +%Y%m%dT%H%M%SZ).txt
run_args=(--profile "$PROFILE" --quiet)
[ -n "$ONLY" ] && run_args+=(--only "$ONLY")
final=0
{
	echo "# kernel matrix: ./run.sh ${run_args[*]} ${EXTRA[*]}"
	printf '%-8s %-22s %-6s %6s %6s %10s %11s %6s %6s %8s  %s\n' kernel release exit PASS FAIL \
		KNOWN-FAIL SILENT-SKIP SKIP ERROR seconds results
} > "$table"
for i in "${!kernels[@]}"; do
	start=$(date +%s)
	rc=0
	"$ROOT/run.sh" --kernel "${kernels[$i]}" "${run_args[@]}" -- "${EXTRA[@]}" \
		2> "$table.${labels[$i]}.err" || rc=$?
	secs=$(( $(date +%s) - start ))
	res=$(sed -n 's/^run.sh: results: \([^ ]*\).*/\1/p' "$table.${labels[$i]}.err" | tail -n 1)
	count() { jq -r ".counts[\"$1\"] // 0" "$res/summary.json" 2>/dev/null || echo '?'; }
	release=$(jq -r '.kernel // "?"' "$res/summary.json" 2>/dev/null)
	printf '%-8s %-22s %-6s %6s %6s %10s %11s %6s %6s %8s  %s\n' "${labels[$i]}" \
		"${release:-?}" "$rc" "$(count pass)" "$(count fail)" "$(count known_fail)" \
		"$(count silent_skip)" "$(count skip)" "$(count error)" "$secs" "$res" >> "$table"
	case $rc in
	0) ;;
	1) final=1 ;;
	125) [ "$final" = 0 ] && final=125 ;;
	*) [ "$final" = 0 ] && final=$EXIT_ERROR ;;
	esac
done
cat "$table"
say "table: $table"
exit "$final"
