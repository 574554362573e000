#!/bin/bash
# harness_needs.t: knobs a workload writes itself (its --needs answer) go through the
# harness's journal. A workload killed at its time limit leaves the fake mTHP knob changed:
# the harness puts it back after that run and says so in the evidence; a SIGKILLed harness
# (and its workload) leaves a journal naming the knob, and the next start restores it byte for
# byte; a workload dies with its harness (PR_SET_PDEATHSIG). Fake /proc,/sys tree (--root).
. "$(dirname "$0")/fixtures/lib.sh"
KNOB=sys/kernel/mm/transparent_hugepage/hugepages-16kB/enabled

new_tree
FAKE_MTHP=1 FAKE_MODE=hang sf --strategy off --timeout 2 --case fake.head.munmap
rc=$?
[ $rc -eq 1 ] && python3 -c 'import json,sys; d = json.load(open(sys.argv[1]))
ev = d["tests"][0]["evidence"]
assert "hugepages-16kB/enabled was left '"'"'madvise'"'"' (before the run '"'"'never'"'"')" in ev, ev
assert "put back" in ev, ev' "$OUT/summary.json"
ok $? "timed-out workload: the mTHP knob it left changed is put back after the run, in the evidence (got $rc)" \
	"$(cat "$SCRATCH/err")"
knobs_same
ok $? "timed-out workload: knobs byte for byte as before" "$(cat "$SCRATCH/diff")"

new_tree
FAKE_MTHP=1 hang_bg --strategy off --timeout 60
wait_for 5 grep -qx madvise "$TREE/$KNOB"
kill9_harness
grep -qx madvise "$TREE/$KNOB" &&
	grep -q "^K $(printf '%s' "$TREE/$KNOB" | od -An -tx1 | tr -d ' \n') " \
		"$TREE/run/splitfail/journal"
ok $? "SIGKILL of harness and workload: knob left madvise, the journal names it" \
	"$(cat "$TREE/$KNOB" "$TREE/run/splitfail/journal" 2>&1)"
FAKE_MODE=ok sf --strategy off --case fake.head.munmap
rc=$?
[ $rc -eq 0 ] && grep -q 'journal restored' "$SCRATCH/err"
ok $? "SIGKILL: the next start restores from the journal (got $rc)" "$(cat "$SCRATCH/err")"
knobs_same
ok $? "SIGKILL: the mTHP knob is byte for byte as before" "$(cat "$SCRATCH/diff")"

new_tree
FAKE_MTHP=1 hang_bg --strategy off --timeout 60
wpid=$(workload_pid)
kill -KILL "$HPID"
wait "$HPID" 2> /dev/null
wait_for 3 eval '! kill -0 '"$wpid"' 2> /dev/null'
ok $? "SIGKILL of the harness alone: its workload (pid $wpid) gets SIGTERM and ends"
kill -KILL -- "-$wpid" 2> /dev/null

finish
