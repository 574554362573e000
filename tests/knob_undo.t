#!/bin/bash
# knob_undo.t: a knob a workload writes (workloads/lib/knob_undo.c) is put back to the value it
# had, newest first (old -> mid -> new ends as old, not mid), by knob_undo_all(), at exit and on
# SIGTERM; a SIGKILL leaves it (the harness's --needs journal puts it back: harness_needs.t).
# Then the real NUMA-balancing scan knobs (numa_scan.c, as root where the kernel has them):
# set to the quick values while the program lives, byte for byte as before after SIGTERM.
. "$(dirname "$0")/fixtures/lib.sh"
prog=${SPLITFAIL_BUILD:-$TOP/build}/tests/knob_undo
# start_wait ARGS...: the program in the background until it printed "set"; sets PID
start_wait() {
	: > "$SCRATCH/out"	# not the last program's "set": the background redirect may come late
	"$prog" "$@" wait > "$SCRATCH/out" 2>&1 &
	PID=$!
	for _ in $(seq 50); do
		grep -q '^set\|^# SKIP' "$SCRATCH/out" && return 0
		sleep 0.1
	done
	return 1
}
knob=$SCRATCH/knob
echo old > "$knob"
"$prog" "$knob" all > "$SCRATCH/out" 2>&1
[ "$(cat "$knob")" = old ] && grep -q '^restored 2$' "$SCRATCH/out"
ok $? "knob_undo_all: old -> mid -> new put back newest first to 'old' ($(cat "$knob"))" \
	"$(cat "$SCRATCH/out")"

echo old > "$knob"
"$prog" "$knob" exit > "$SCRATCH/out" 2>&1
[ "$(cat "$knob")" = old ]
ok $? "exit without knob_undo_all: put back at exit ($(cat "$knob"))" "$(cat "$SCRATCH/out")"

echo old > "$knob"
start_wait "$knob" && [ "$(cat "$knob")" = new ] && kill -TERM "$PID"
wait "$PID"
rc=$?
[ "$(cat "$knob")" = old ] && [ "$rc" = $((128 + 15)) ]
ok $? "SIGTERM: put back ($(cat "$knob")), then the signal ends it (exit $rc)" \
	"$(cat "$SCRATCH/out")"

echo old > "$knob"
start_wait "$knob" && kill -KILL "$PID"
wait "$PID" 2> /dev/null
[ "$(cat "$knob")" = new ]
ok $? "SIGKILL: left 'new' ($(cat "$knob")): the harness journal's job"

dir=/sys/kernel/debug/sched/numa_balancing
cat "$dir/scan_delay_ms" > /dev/null 2>&1 || dir=/proc/sys/kernel/numa_balancing_
[ "${dir%_}" != "$dir" ] && sep= || sep=/
names="scan_delay_ms scan_period_min_ms scan_period_max_ms scan_size_mb"
snap() { for k in $names; do printf '%s %s\n' "$k" "$(cat "$dir$sep$k" 2>&1)"; done; }
if [ "$(id -u)" != 0 ] || ! cat "$dir${sep}scan_delay_ms" > /dev/null 2>&1; then
	ok 0 "numa_scan_quick # SKIP needs root and readable NUMA-balancing scan knobs"
	ok 0 "numa_scan_quick then SIGTERM # SKIP needs root and readable NUMA-balancing scan knobs"
	finish
	exit
fi
snap > "$SCRATCH/before"
start_wait numa
snap > "$SCRATCH/during"
printf 'scan_delay_ms 0\nscan_period_min_ms 25\nscan_period_max_ms 100\nscan_size_mb 64\n' |
	diff - "$SCRATCH/during" > "$SCRATCH/diff"
ok $? "numa_scan_quick: the scan knobs in $dir$sep are the quick values while it runs" \
	"$(cat "$SCRATCH/diff" "$SCRATCH/out")"
kill -TERM "$PID"
wait "$PID" 2> /dev/null
snap | diff "$SCRATCH/before" - > "$SCRATCH/diff"
ok $? "numa_scan_quick then SIGTERM: every scan knob byte for byte as before" \
	"$(cat "$SCRATCH/diff")"
finish
