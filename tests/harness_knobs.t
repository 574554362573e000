#!/bin/bash
# harness_knobs.t: every knob the harness writes comes back byte for byte, whatever ends the
# run: a normal end, SIGINT, SIGTERM, SIGHUP, a crashing workload, a hung workload, and a
# SIGKILLed harness followed by a new start that restores from the journal and says so.
# The lock refuses a second run. All against a fake /proc,/sys tree (--root).
. "$(dirname "$0")/fixtures/lib.sh"

# normal end, with every strategy writing the fault attributes
new_tree
FAKE_MODE=ok sf --strategy off,random,sweep,targeted
rc=$?
ok $rc "normal end: exit 0" "$(cat "$SCRATCH/err")"
grep -q '"faults_injected": [1-9]' "$OUT/summary.json"
ok $? "normal end: the fake kernel's times counter showed injected faults"
knobs_same
ok $? "normal end: knobs restored byte for byte" "$(cat "$SCRATCH/diff")"
[ ! -e "$TREE/run/splitfail/journal" ]
ok $? "normal end: journal removed"

for sig in INT TERM HUP; do
	new_tree
	FAKE_MODE=hang sf_bg --strategy random --timeout 60
	hpid=$!
	wait_for 10 workload_pid > /dev/null
	# knobs are written before the workload starts: the tree differs now
	knobs_same
	differs=$?
	kill -$sig $hpid
	wait $hpid
	rc=$?
	[ $differs -ne 0 ]
	ok $? "SIG$sig: knobs were changed while the workload ran"
	[ $rc -eq 3 ]
	ok $? "SIG$sig: harness exits 3 (interrupted), got $rc" "$(cat "$SCRATCH/err")"
	knobs_same
	ok $? "SIG$sig: knobs restored byte for byte" "$(cat "$SCRATCH/diff")"
	! workload_pid > /dev/null
	ok $? "SIG$sig: the hung workload's process group was killed"
done

new_tree
FAKE_MODE=crash sf --strategy random
rc=$?
[ $rc -eq 1 ] && grep -q 'not ok 1 - fake_thp:fake.head.munmap@random # FAIL' "$OUT/tap.txt" &&
	grep -q 'killed by signal 11' "$OUT/tap.txt"
ok $? "crashing workload: FAIL with the signal, exit 1 (got $rc)" "$(head -5 "$OUT/tap.txt")"
knobs_same
ok $? "crashing workload: knobs restored" "$(cat "$SCRATCH/diff")"

new_tree
start=$(date +%s)
FAKE_MODE=hang sf --strategy random --timeout 2 --case fake.head.munmap
rc=$?
took=$(( $(date +%s) - start ))
[ $rc -eq 1 ] && grep -q 'hang: expected exit within the time limit' "$OUT/tap.txt" &&
	grep -q 'pid [0-9]* state S' "$OUT/tap.txt"
ok $? "hung workload: FAIL with process states after the time limit (${took}s)" \
	"$(cat "$OUT/tap.txt")"
[ "$took" -lt 10 ]
ok $? "hung workload: killed within the time limit plus settle (${took}s)"
knobs_same
ok $? "hung workload: knobs restored" "$(cat "$SCRATCH/diff")"
! workload_pid > /dev/null
ok $? "hung workload: no process left behind"

# SIGKILL: nothing runs in the harness; the journal is all that is left
new_tree
hang_bg --strategy random --timeout 60
kill9_harness
knobs_same
differs=$?
[ $differs -ne 0 ] && [ -s "$TREE/run/splitfail/journal" ]
ok $? "SIGKILL: knobs left changed and a journal left behind"
FAKE_MODE=ok sf --strategy off
rc=$?
[ $rc -eq 0 ] && grep -q 'found journal .* of an interrupted run' "$SCRATCH/err" &&
	grep -q 'journal restored' "$SCRATCH/err"
ok $? "SIGKILL: the next start restores from the journal and says so" "$(cat "$SCRATCH/err")"
knobs_same
ok $? "SIGKILL: knobs restored byte for byte after the new start" "$(cat "$SCRATCH/diff")"
[ ! -e "$TREE/run/splitfail/journal" ]
ok $? "SIGKILL: journal removed after recovery"

# the lock
new_tree
FAKE_MODE=hang sf_bg --strategy off --timeout 60
hpid=$!
wait_for 10 workload_pid > /dev/null
first_err=$(cat "$SCRATCH/err")
"$SF" --root "$TREE" --workload-dir "$WDIR" --out "$OUT.2" --no-progress --strategy off \
	> /dev/null 2> "$SCRATCH/err2"
rc=$?
[ $rc -eq 3 ] && grep -q "another run holds the lock .* (pid $hpid)" "$SCRATCH/err2"
ok $? "lock: a second run is refused with exit 3, naming the holder" "$(cat "$SCRATCH/err2")"
kill -TERM $hpid
wait $hpid
FAKE_MODE=ok sf --strategy off
ok $? "lock: released when the first run ends" "$first_err"

finish
