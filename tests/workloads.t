#!/bin/bash
# workloads.t: runs every build/workloads/* binary on the running kernel, one TAP line each:
# ok on exit 0, ok with "# SKIP <reason>" on exit 4 (KSFT_SKIP), not ok otherwise. Prints each
# workload's kselftest totals and the vmstat deltas around it (THP faults, splits, migrations)
# so real splits are evident. For thp_pageout it sets up zram0 as swap when no swap is active,
# and puts zram0 back (swapoff, reset, compression algorithm) on exit, also on INT/TERM.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
build=${SPLITFAIL_BUILD:-$top/build}
timeout_s=${SPLITFAIL_WORKLOAD_TIMEOUT:-900}
logdir=$(mktemp -d /tmp/splitfail-workloads.XXXXXX)
counters='thp_fault_alloc thp_fault_fallback thp_split_pmd thp_split_page thp_split_page_failed
	  thp_deferred_split_page thp_swpout thp_swpout_fallback pswpout pswpin
	  thp_migration_success thp_migration_fail thp_migration_split
	  pgmigrate_success pgmigrate_fail'

# shellcheck source=tests/zram.bash
. "$top/tests/zram.bash"

cleanup() {
	zram_swap_restore
	rm -rf "$logdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

vmstat_values() {
	local c

	for c in $counters; do
		awk -v c="$c" '$1 == c { v = $2 } END { print (v == "" ? "-" : v) }' /proc/vmstat
	done
}

bins=()
for b in "$build"/workloads/*; do
	[[ -f $b && -x $b ]] && bins+=("$b")
done
echo "1..${#bins[@]}"
if ((${#bins[@]} == 0)); then
	echo "# no workloads built in $build/workloads"
	exit 0
fi
for b in "${bins[@]}"; do
	[[ $(basename "$b") == thp_pageout ]] && zram_swap_setup
done

n=0
for b in "${bins[@]}"; do
	n=$((n + 1))
	name=$(basename "$b")
	log=$logdir/$name.log
	read -r -a before <<<"$(vmstat_values | tr '\n' ' ')"
	start=$(date +%s.%N)
	timeout --kill-after=10 "$timeout_s" "$b" >"$log" 2>&1
	rc=$?
	secs=$(echo "$(date +%s.%N) - $start" | bc)
	read -r -a after <<<"$(vmstat_values | tr '\n' ' ')"
	deltas=
	i=0
	for c in $counters; do
		if [[ ${before[i]} != - && ${after[i]} != - ]]; then
			d=$((after[i] - before[i]))
			((d != 0)) && deltas+=" $c=$d"
		fi
		i=$((i + 1))
	done
	totals=$(grep -m1 '^# Totals:' "$log" | sed 's/^# Totals: //')
	skips=$(grep -c '^ok .* # SKIP' "$log")
	silent=$(grep -c '^# splitfail: silent-skip' "$log")
	echo "# $name: exit $rc in ${secs%???????}s; ${totals:-no totals}; SKIP lines $skips;" \
	     "silent-skip lines $silent"
	echo "# $name: vmstat delta${deltas:- (none)}"
	grep -m3 '^# splitfail: silent-skip' "$log" | sed "s/^/# $name: /"
	case $rc in
	0)
		echo "ok $n - $name"
		;;
	4)
		reason=$(grep -m1 -o '# SKIP .*' "$log" | sed 's/^# SKIP //')
		echo "ok $n - $name # SKIP ${reason:-no reason printed}"
		;;
	*)
		echo "not ok $n - $name (exit $rc)"
		grep -E '^not ok|expected .*, got|result=FAIL|# +FAIL' "$log" | head -20 |
			sed 's/^/# /'
		;;
	esac
done
