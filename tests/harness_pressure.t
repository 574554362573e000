#!/bin/bash
# harness_pressure.t: [pressure] of a profile. A real stress-ng runs in its own process group
# for the whole run and is gone after a normal end, SIGTERM, and (through the journal) after
# a SIGKILLed harness and a new start; it is restarted when it ended at its --timeout (exit
# 0) before a test case, and a stress-ng that failed makes the following runs ERROR.
# The memory cgroup (fake cgroup2 tree): created with memory.max, the workload's pid in its
# cgroup.procs while it runs, removed afterwards, and the memory controller the harness
# enabled in the root's subtree_control disabled again; a cgroup v2 without the memory
# controller is a note in summary.json and the runs go on. Fake /proc,/sys tree (--root).
. "$(dirname "$0")/fixtures/lib.sh"

PROFILE=$SCRATCH/pressure.ini
cat > "$PROFILE" <<INI
[run]
strategies = off
[pressure]
stress_ng = --vm 1 --vm-bytes 8M
stress_seconds = 60
memcg_max = 256M
INI

cg_tree() {	# a fresh fake tree with cgroup2 at /sys/fs/cgroup offering CONTROLLERS
	new_tree
	mkdir -p "$TREE/sys/fs/cgroup"
	echo "$1" > "$TREE/sys/fs/cgroup/cgroup.controllers"
	echo hugetlb > "$TREE/sys/fs/cgroup/cgroup.subtree_control"
	echo "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid 0 0" > "$TREE/proc/mounts"
	CG=$TREE/sys/fs/cgroup
}

stress_pid() {	# stress-ng's pid from summary.json; fails while there is none
	local p
	p=$(sed -n 's/.*"stress_ng": {[^}]*"pid": \([0-9]*\).*/\1/p' "$OUT/summary.json" 2>/dev/null)
	[ -n "$p" ] && echo "$p"
}
group_alive() { pgrep -g "$1" > /dev/null; }	# any process left in process group $1

cg_tree "memory hugetlb"
FAKE_MODE=slow sf --profile "$PROFILE" --case fake.head.munmap
rc=$?
ok $rc "normal end: exit 0" "$(cat "$SCRATCH/err")"
spid=$(stress_pid)
[ -n "$spid" ] && grep -q '"memcg": {"path": "'"$CG"'/splitfail-[0-9]*", "memory.max": 268435456}' \
	"$OUT/summary.json"
ok $? "summary.json records the cgroup, memory.max 256M and stress-ng's pid" \
	"$(grep pressure "$OUT/summary.json")"
grep -q 'dispatching hogs: 1 vm' "$OUT/stress-ng.log"
ok $? "stress-ng really ran (its log)" "$(cat "$OUT/stress-ng.log")"
grep -q 'pressure: stress-ng --vm 1 --vm-bytes 8M running (pid [0-9]*); memcg memory.max=268435456' \
	"$OUT/summary.json"
ok $? "the run's evidence names the pressure it ran under"
! group_alive "$spid"
ok $? "normal end: stress-ng's process group is gone"
[ -z "$(find "$CG" -mindepth 1 -type d)" ]
ok $? "normal end: the cgroup folder is removed" "$(ls -R "$CG")"
[ "$(cat "$CG/cgroup.subtree_control")" = "-memory" ]
ok $? "normal end: the memory controller the harness enabled is disabled again" \
	"$(cat "$CG/cgroup.subtree_control")"
grep -q -- '--profile '"$PROFILE" "$OUT/summary.json"
ok $? "the reproduce line carries the profile, so the pressure comes back with it"

cg_tree "memory"
hang_bg --profile "$PROFILE" --case fake.head.munmap --timeout 60
wpid=$(workload_pid)
sleep 0.5
procs=$(cat "$CG"/splitfail-*/cgroup.procs 2>/dev/null)
[ -n "$wpid" ] && [ "$procs" = "$wpid" ]
ok $? "while it runs, the workload's pid is in the cgroup's cgroup.procs ($procs = $wpid)"
spid=$(stress_pid)
group_alive "$spid"
ok $? "while it runs, stress-ng (pid $spid) is alive in its own process group"
kill -TERM $HPID
wait $HPID
rc=$?
[ $rc -eq 3 ] && ! group_alive "$spid" && [ -z "$(find "$CG" -mindepth 1 -type d)" ]
ok $? "SIGTERM: exit 3, stress-ng gone, cgroup removed (got $rc)" "$(cat "$SCRATCH/err")"

cg_tree "memory"
hang_bg --profile "$PROFILE" --case fake.head.munmap --timeout 60
spid=$(stress_pid)
kill9_harness
group_alive "$spid" && grep -q '^P ' "$TREE/run/splitfail/journal"
ok $? "SIGKILL: stress-ng left running and journalled"
FAKE_MODE=ok sf --strategy off --case fake.head.munmap
rc=$?
[ $rc -eq 0 ] && grep -q "kill-process-group $spid <- stress-ng" "$SCRATCH/err" &&
	grep -q 'remove .*/sys/fs/cgroup/splitfail-' "$SCRATCH/err"
ok $? "SIGKILL: the next start kills stress-ng and removes the cgroup, saying so" \
	"$(cat "$SCRATCH/err")"
sleep 0.2
! group_alive "$spid" && [ -z "$(find "$CG" -mindepth 1 -type d)" ]
ok $? "SIGKILL: nothing left after the new start"

cg_tree "hugetlb"
FAKE_MODE=ok sf --profile "$PROFILE" --case fake.head.munmap
rc=$?
[ $rc -eq 0 ] && grep -q '"memcg": {"requested": 268435456, "applied": false, "reason": "cgroup v2 at .* offers no memory controller' \
	"$OUT/summary.json" && grep -q '"verdict": "PASS"' "$OUT/summary.json"
ok $? "no memory controller in cgroup v2: noted in summary.json, the run goes on (got $rc)" \
	"$(cat "$SCRATCH/err")"
[ "$(cat "$CG/cgroup.subtree_control")" = hugetlb ] && [ -z "$(find "$CG" -mindepth 1 -type d)" ]
ok $? "no memory controller: nothing created or changed"

# stress-ng ending on its own (SIGTERM by its pid: it exits 0 as at its --timeout) before the
# second of two 3 s cases starts: that case restarts it
cg_tree "memory"
FAKE_MODE=slow FAKE_SLEEP=3 sf_bg --profile "$PROFILE" --case fake.head.munmap,fake.tail.remap
HPID=$!
wait_for 10 stress_pid > /dev/null
spid=$(stress_pid)
sleep 1
[ -n "$spid" ] && kill -TERM "$spid"
wait $HPID
rc=$?
[ $rc -eq 0 ] && grep -q "stress-ng pid $spid ended (exit 0, its --timeout), restarted" \
	"$OUT/summary.json"
ok $? "stress-ng that ended at its timeout is restarted and the evidence says so (got $rc)" \
	"$(grep evidence "$OUT/summary.json")"
[ -n "$spid" ] && ! group_alive "$spid" && ! group_alive "$(stress_pid)"
ok $? "both the ended and the restarted stress-ng are gone at the end"

# stress-ng failing (SIGKILL by its pid): the runs after it are ERROR, exit 3
cg_tree "memory"
FAKE_MODE=slow FAKE_SLEEP=3 sf_bg --profile "$PROFILE" --case fake.head.munmap,fake.tail.remap
HPID=$!
wait_for 10 stress_pid > /dev/null
spid=$(stress_pid)
[ -n "$spid" ] && kill -KILL "$spid"
wait $HPID
rc=$?
[ $rc -eq 3 ] && grep -q '^not ok 2 - fake_thp:fake.tail.remap # ERROR' "$OUT/tap.txt" &&
	grep -q "evidence: harness error: \\[pressure\\] stress-ng pid $spid failed (signal 9; see .*stress-ng.log)" \
		"$OUT/tap.txt"
ok $? "stress-ng that failed makes the following runs ERROR, exit 3 (got $rc)" \
	"$(cat "$OUT/tap.txt")"

finish
