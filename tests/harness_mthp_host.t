#!/bin/bash
# harness_mthp_host.t: on the running kernel (root, mTHP sizes), a knob a workload writes is
# safe whatever kills the run. thp_munmap's mTHP cases set hugepages-16kB/enabled to madvise;
# (1) the harness, the workload and its kselftest child are frozen (freezer cgroup) and SIGKILLed while it reads [madvise]: the knob
# stays changed and the journal names it, and the next start puts every knob back byte for
# byte (a snapshot of /sys/kernel/mm/transparent_hugepage/**, nr_hugepages, swaps, mounts and
# the root cgroup's subtree_control); (2) the harness alone is SIGKILLed: its workload gets
# SIGTERM (not SIGPIPE on its next write), restores its own knobs and ends.
. "$(dirname "$0")/fixtures/lib.sh"
BUILD=${SPLITFAIL_BUILD:-$TOP/build}
THP=/sys/kernel/mm/transparent_hugepage
KNOB=$THP/hugepages-16kB/enabled
if [ "$(id -u)" != 0 ] || [ ! -w "$KNOB" ] || [ ! -x "$BUILD/workloads/thp_munmap" ] ||
   ! grep -q '\[never\]' "$KNOB"; then
	echo "1..0 # SKIP needs root, $KNOB reading [never] and build/workloads/thp_munmap"
	exit 0
fi
STATE=$SCRATCH/state
CASES=$("$SF" --list --only thp_munmap --workload-dir "$BUILD/workloads" | grep mthp_16k |
	paste -sd,)

snapshot() {	# every settable THP knob, the hugetlb pool, swaps, mounts, cgroup controllers
	local f
	find "$THP" -type f -perm -u+w | sort | while read -r f; do
		printf '%s: %s\n' "$f" "$(cat "$f" 2>&1)"
	done
	echo "nr_hugepages: $(cat /proc/sys/vm/nr_hugepages)"
	cat /proc/swaps
	cut -d' ' -f1-4 /proc/self/mounts | sort
	cat /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
}

start_mthp_run() {	# harness on the mTHP cases in the background (in cgroup $1 if given): HPID
	(
		[ -n "$2" ] && echo "$BASHPID" > "$2/cgroup.procs"
		exec "$SF" --only thp_munmap --case "$CASES" --repeat 50 --strategy off \
			--no-progress --workload-dir "$BUILD/workloads" --state-dir "$STATE" \
			--out "$SCRATCH/out.$1" 2> "$SCRATCH/err.$1" > /dev/null
	) &
	HPID=$!
}

# A freezer cgroup (v1 freezer.state or v2 cgroup.freeze) stops the harness, the workload and
# its kselftest child at once, at a moment the knob reads [madvise].
FRZ=
if [ -d /sys/fs/cgroup/freezer ]; then
	FRZ=/sys/fs/cgroup/freezer/splitfail-test.$$
elif [ -e /sys/fs/cgroup/cgroup.subtree_control ]; then
	FRZ=/sys/fs/cgroup/splitfail-test.$$
fi
[ -n "$FRZ" ] && mkdir "$FRZ" || { echo "1..0 # SKIP no freezer cgroup"; exit 0; }
trap 'rmdir "$FRZ" 2> /dev/null; rm -rf "$SCRATCH"' EXIT
freeze() {	# freeze 1|0
	if [ -e "$FRZ/freezer.state" ]; then
		echo "$([ "$1" = 1 ] && echo FROZEN || echo THAWED)" > "$FRZ/freezer.state"
	else
		echo "$1" > "$FRZ/cgroup.freeze"
	fi
}

snapshot > "$SCRATCH/before"

# (1) everything SIGKILLed with the knob changed: only the journal can put it back
start_mthp_run kill "$FRZ"
hit=0
SECONDS=0
while [ $SECONDS -lt 60 ] && [ $hit = 0 ]; do
	read -r v < "$KNOB"
	[[ $v == *"[madvise]"* ]] || continue
	freeze 1
	sleep 0.2
	grep -q '\[madvise\]' "$KNOB" && hit=1 && break
	freeze 0
done
procs=$(paste -sd' ' "$FRZ/cgroup.procs")
# shellcheck disable=SC2086
kill -KILL $procs
freeze 0
wait "$HPID" 2> /dev/null
wait_for 10 eval '[ ! -s "$FRZ/cgroup.procs" ]'
sleep 0.5
hex=$(printf '%s' "$KNOB" | od -An -tx1 | tr -d ' \n')
grep -q '\[madvise\]' "$KNOB" && grep -q "^K $hex " "$STATE/journal"
ok $? "SIGKILL of harness and workload (pids ${procs:-?}, frozen at [madvise]: $hit): $KNOB left [madvise], the journal names it" \
	"$(cat "$KNOB" "$SCRATCH/err.kill" "$STATE/journal" 2>&1)"
"$SF" --only thp_munmap --case thp_munmap.pmd.head --strategy off --no-progress \
	--workload-dir "$BUILD/workloads" --state-dir "$STATE" --out "$SCRATCH/out.again" \
	> /dev/null 2> "$SCRATCH/err.again"
rc=$?
[ $rc -eq 0 ] && grep -q 'journal restored' "$SCRATCH/err.again"
ok $? "the next start restores from the journal (exit $rc)" "$(cat "$SCRATCH/err.again")"
snapshot > "$SCRATCH/after"
diff "$SCRATCH/before" "$SCRATCH/after" > "$SCRATCH/diff"
ok $? "every knob, swap, mount and cgroup controller as before" "$(cat "$SCRATCH/diff")"

# (2) the harness alone SIGKILLed: the workload must not die of SIGPIPE with the knob changed
start_mthp_run alone ""
SECONDS=0
while [ $SECONDS -lt 60 ]; do	# a workload running, the knob set
	wpid=$(pgrep -P "$HPID") && grep -q '\[madvise\]' "$KNOB" && break
done
kill -KILL "$HPID"
wait "$HPID" 2> /dev/null
wait_for 10 eval '[ -z "$wpid" ] || ! kill -0 "$wpid" 2> /dev/null'
ok $? "SIGKILL of the harness alone: its workload (pid ${wpid:-?}) ends"
wait_for 5 eval '! grep -q "\[madvise\]" "$KNOB"'
snapshot > "$SCRATCH/after"
diff <(grep "^$THP" "$SCRATCH/before") <(grep "^$THP" "$SCRATCH/after") > "$SCRATCH/diff"
ok $? "SIGKILL of the harness alone: the workload restored its THP knobs before the next start" \
	"$(cat "$SCRATCH/diff")"
"$SF" --only thp_munmap --case thp_munmap.pmd.head --strategy off --no-progress \
	--workload-dir "$BUILD/workloads" --state-dir "$STATE" --out "$SCRATCH/out.clean" \
	> /dev/null 2>&1
snapshot > "$SCRATCH/after"
diff "$SCRATCH/before" "$SCRATCH/after" > "$SCRATCH/diff" && [ ! -e "$STATE/journal" ]
ok $? "after the next start: every knob as before, no journal left" "$(cat "$SCRATCH/diff")"

finish
