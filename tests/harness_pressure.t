#!/bin/bash
# harness_pressure.t: [pressure] of a profile. A real stress-ng runs in its own process group
# for the whole run and is gone after a normal end, SIGTERM, and (through the journal) after
# a SIGKILLed harness and a new start; it is restarted when it ended at its --timeout (exit
# 0) before a test case, and a stress-ng that failed makes the following runs ERROR.
# The memory cgroup (fake cgroup2 tree): created with memory.max, the workload's pid in its
# cgroup.procs while it runs, removed afterwards, and the memory controller the harness
# enabled in the root's subtree_control disabled again; a cgroup v2 without the memory
# controller is a note in summary.json and the runs go on. Fake /proc,/sys tree (--root).
# The memcg filler (memcg_fill): a process of its own group in the cgroup holding the memory
# (no memory.current in the fake tree: exactly memcg_fill bytes), gone after a normal end and
# after a SIGKILLed harness (dies with it; the next start's journal names it); not started
# without swap (noted); a filler that dies makes the following runs ERROR. Each run's evidence
# says "pressed" when memory.events max moved during it and "NOT pressed" when not, and
# summary.json's pressure.memcg_runs counts them. Sizes that contradict each other are a
# usage error.
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


FILL_PROFILE=$SCRATCH/fill.ini
cat > "$FILL_PROFILE" <<INI
[run]
strategies = off
[pressure]
memcg_max = 64M
memcg_fill = 8M
INI
swaps() { printf 'Filename\tType\tSize\tUsed\tPriority\n/dev/zram0 partition 524284 0 100\n' \
	> "$TREE/proc/swaps"; }
fill_pid() { pgrep -x sf-memcg-fill -P "$1"; }	# the filler child of harness $1
rss_kb() { awk '/^RssAnon:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
alive() {	# a process that is not gone and not a zombie waiting for its new parent
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2> /dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ]
}

cg_tree "memory"
swaps
hang_bg --profile "$FILL_PROFILE" --case fake.head.munmap --timeout 60
fpid=$(fill_pid $HPID)
rss=$(rss_kb "$fpid")
[ -n "$fpid" ] && [ "$(ps -o pgid= -p "$fpid" | tr -d ' ')" = "$fpid" ] &&
	[ "${rss:-0}" -ge 8192 ] && [ "${rss:-0}" -lt 16384 ]
ok $? "filler: its own process group, holding memcg_fill = 8M (RssAnon $rss kB)"
grep -q '"filler": {"target": 8388608, "pid": '"$fpid"'}' "$OUT/summary.json"
ok $? "filler: summary.json names its target and pid" "$(grep pressure "$OUT/summary.json")"
kill -TERM $HPID
wait $HPID
sleep 0.2
[ -n "$fpid" ] && ! alive "$fpid" && [ -z "$(find "$CG" -mindepth 1 -type d)" ]
ok $? "filler: SIGTERM ends it and removes the cgroup" "$(cat "$SCRATCH/err")"

cg_tree "memory"
swaps
hang_bg --profile "$FILL_PROFILE" --case fake.head.munmap --timeout 60
fpid=$(fill_pid $HPID)
kill9_harness
sleep 0.3
[ -n "$fpid" ] && ! alive "$fpid" &&
	grep -q "^P $(printf '%s' "$fpid" | od -An -tx1 | tr -d ' \n') " "$TREE/run/splitfail/journal"
ok $? "filler: dies with a SIGKILLed harness (pid $fpid), left in the journal" \
	"$(cat "$TREE/run/splitfail/journal" 2> /dev/null)"
FAKE_MODE=ok sf --strategy off --case fake.head.munmap
rc=$?
[ $rc -eq 0 ] && grep -q "kill-process-group $fpid <- sf-memcg-fill" "$SCRATCH/err" &&
	[ -z "$(find "$CG" -mindepth 1 -type d)" ]
ok $? "filler: the next start names it and removes the cgroup (got $rc)" "$(cat "$SCRATCH/err")"

cg_tree "memory"
FAKE_MODE=ok sf --profile "$FILL_PROFILE" --case fake.head.munmap
rc=$?
[ $rc -eq 0 ] && grep -q '"filler": {"target": 8388608, "applied": false, "reason": "no swap active' \
	"$OUT/summary.json" && grep -q '"verdict": "PASS"' "$OUT/summary.json"
ok $? "filler: no swap, no filler (noted), the run goes on (got $rc)" \
	"$(grep pressure "$OUT/summary.json"; cat "$SCRATCH/err")"

# a filler killed (as the OOM killer would) during the first of two cases: the second is ERROR
cg_tree "memory"
swaps
FAKE_MODE=slow FAKE_SLEEP=2 sf_bg --profile "$FILL_PROFILE" --case fake.head.munmap,fake.tail.remap
HPID=$!
wait_for 10 fill_pid $HPID > /dev/null
fpid=$(fill_pid $HPID)
[ -n "$fpid" ] && kill -KILL "$fpid"
wait $HPID
rc=$?
[ $rc -eq 3 ] && grep -q '^not ok 2 - fake_thp:fake.tail.remap # ERROR' "$OUT/tap.txt" &&
	grep -q "harness error: \\[pressure\\] memcg filler pid $fpid failed (signal 9; " "$OUT/tap.txt"
ok $? "filler killed: the following runs ERROR naming it, exit 3 (got $rc)" "$(cat "$OUT/tap.txt")"

# pressed or not: the harness runs under a pid known in advance (exec), so the test can give
# its cgroup a memory.events; a wrapped program raises max as a charge hitting the limit would
press_run() {	# press_run WRAPPED-COMMAND...: one run in a cgroup whose memory.events starts at 0
	sh -c 'cg=$1/splitfail-$$; shift; mkdir -p "$cg" &&
		printf "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n" > "$cg/memory.events" &&
		echo 266000000 > "$cg/memory.current" && exec "$@"' sh "$CG" \
		"$SF" --root "$TREE" --workload-dir "$WDIR" --out "$OUT" --no-progress \
		--profile "$FILL_PROFILE" --strategy off --wrap -- "$@" > "$SCRATCH/out" 2> "$SCRATCH/err"
}
cg_tree "memory"
swaps
press_run sh -c 'f=$(echo "$FAKE_ROOT"/sys/fs/cgroup/splitfail-*/memory.events);
	printf "low 0\nhigh 2\nmax 5\noom 0\noom_kill 0\n" > "$f"'
rc=$?
[ $rc -eq 0 ] && grep -q 'usage at start=266000000 events: max+5 high+2 oom+0 oom_kill+0, pressed; ' \
	"$OUT/summary.json" &&
	grep -q '"memcg_runs": {"pressed": 1, "not_pressed": 0, "unmeasured": 0, "events": {"max": 5, "high": 2, "oom": 0, "oom_kill": 0}}' \
		"$OUT/summary.json"
ok $? "a run whose charges reached memory.max: 'pressed' in its evidence and counted (got $rc)" \
	"$(cat "$OUT/summary.json" "$SCRATCH/err")"
[ -z "$(find "$CG" -mindepth 1 -type d)" ]
ok $? "pressed run: the cgroup (with the counters the test put there) is removed"
cg_tree "memory"
swaps
press_run /bin/true
rc=$?
[ $rc -eq 0 ] && grep -q 'events: max+0 high+0 oom+0 oom_kill+0, NOT pressed (memory.max never reached); ' \
	"$OUT/summary.json" &&
	grep -q '"memcg_runs": {"pressed": 0, "not_pressed": 1, "unmeasured": 0,' "$OUT/summary.json"
ok $? "a run that never reached memory.max: 'NOT pressed' in its evidence and counted (got $rc)" \
	"$(cat "$OUT/summary.json" "$SCRATCH/err")"

profile_case ' [pressure] memcg_fill (67108864) must be below memcg_max (67108864)' \
	'[pressure]\nmemcg_max = 64M\nmemcg_fill = 64M\n'
profile_case ' [pressure] memcg_fill (66060288) must be below memcg_high (65011712)' \
	'[pressure]\nmemcg_max = 64M\nmemcg_high = 62M\nmemcg_fill = 63M\n'
profile_case ' [pressure] memcg_high and memcg_fill need memcg_max' \
	'[pressure]\nmemcg_fill = 8M\n'

finish
