#!/bin/bash
# harness_kmemleak.t: [leak] kmemleak = yes. One scan after all runs of a group of test cases
# (not one per run: kmemleak's 5 s minimum age made nightly 30x slower; not one per case),
# recorded as each case's own result `<case>@kmemleak` (objects tied to runs by pid): an unreferenced object allocated by the workload's own task is a
# FAIL quoting the report and naming the run that allocated it (by pid), the report kept in
# logs/; an object of another task is only a note; a kernel without
# /sys/kernel/debug/kmemleak is recorded in summary.json and the runs go on; the harness
# clears before the runs and scans after them. Fake /proc,/sys tree (--root).
. "$(dirname "$0")/fixtures/lib.sh"

PROFILE=$SCRATCH/kmemleak.ini
printf '[run]\nstrategies = off\n[leak]\nkmemleak = yes\nkmemleak_age_ms = 300\n' > "$PROFILE"

new_tree
: > "$TREE/sys/kernel/debug/kmemleak"
FAKE_MODE=kmemleak sf --profile "$PROFILE" --case fake.head.munmap
rc=$?
[ $rc -eq 1 ] && grep -q '^ok 1 - fake_thp:fake.head.munmap$' "$OUT/tap.txt" &&
	grep -q '^not ok 2 - fake_thp:fake.head.munmap@kmemleak # FAIL' "$OUT/tap.txt" &&
	grep -q 'kmemleak: expected no unreferenced object allocated by the workload in 1 run(s), actual 1; the first allocated in run fake_thp:fake.head.munmap (pid [0-9]*); first: unreferenced object 0xffff88800a1b2c00 (size 64):' \
	"$OUT/tap.txt" && grep -q 'vm_area_dup+0x27/0xd0' "$OUT/tap.txt"
ok $? "an object leaked by the workload's task: the case's kmemleak result is FAIL naming the run, with the report (got $rc)" \
	"$(cat "$OUT/tap.txt" "$SCRATCH/err")"
grep -q 'comm "kworker/0:1"' "$OUT/logs/fake_thp.fake.head.munmap.kmemleak.kmemleak"
ok $? "the whole report, other tasks' objects too, is kept in logs/"
[ "$(grep -cx 'scan' "$TREE/sys/kernel/debug/kmemleak")" -eq 2 ] &&
	[ "$(grep -cx 'clear' "$TREE/sys/kernel/debug/kmemleak")" -eq 2 ]
ok $? "scan + clear at the start, scan + clear after the case's runs" \
	"$(grep -x 'scan\|clear' "$TREE/sys/kernel/debug/kmemleak")"
new_tree
: > "$TREE/sys/kernel/debug/kmemleak"
printf '[run]\nstrategies = off, sweep\nsweep_cap = 8\nbatch = 1\n[leak]\nkmemleak = yes\nkmemleak_age_ms = 300\n' \
	> "$SCRATCH/batch.ini"
FAKE_MODE=kmemleak FAKE_POINTS=2 sf --profile "$SCRATCH/batch.ini" --case fake.head.munmap
rc=$?
[ $rc -eq 1 ] && [ "$(grep -c '^ok' "$OUT/tap.txt")" -eq 4 ] &&
	grep -q '^not ok 5 - fake_thp:fake.head.munmap@kmemleak # FAIL' "$OUT/tap.txt" &&
	grep -q 'allocated by the workload in 4 run(s), actual 4; the first allocated in run fake_thp:fake.head.munmap (pid' \
	"$OUT/tap.txt" &&
	[ "$(grep -cx 'scan' "$TREE/sys/kernel/debug/kmemleak")" -eq 2 ]
ok $? "off + a 3-step sweep: 4 run verdicts, then one scan and one kmemleak verdict for all 4 (got $rc)" \
	"$(cat "$OUT/tap.txt"; grep -cx scan "$TREE/sys/kernel/debug/kmemleak")"
# the same sweep as one batch of steps: one process for the 3 steps, its objects its own
new_tree
: > "$TREE/sys/kernel/debug/kmemleak"
FAKE_MODE=kmemleak FAKE_POINTS=2 sf --profile "$SCRATCH/batch.ini" --batch 8 --case fake.head.munmap
rc=$?
[ $rc -eq 1 ] && [ "$(grep -c '^ok' "$OUT/tap.txt")" -eq 4 ] &&
	grep -q 'allocated by the workload in 2 run(s), actual [0-9]*; the first allocated in run fake_thp:fake.head.munmap (pid' \
	"$OUT/tap.txt" && [ "$(grep -cx 'scan' "$TREE/sys/kernel/debug/kmemleak")" -eq 2 ]
ok $? "off + the sweep as one batch: 4 verdicts, one kmemleak verdict over 2 processes (got $rc)" \
	"$(cat "$OUT/tap.txt" "$SCRATCH/err")"

# two cases, one scan: each case's result names its own run (objects tied by pid)
new_tree
: > "$TREE/sys/kernel/debug/kmemleak"
FAKE_MODE=kmemleak sf --profile "$PROFILE" --case fake.head.munmap,fake.tail.remap
rc=$?
[ $rc -eq 1 ] && [ "$(grep -cx 'scan' "$TREE/sys/kernel/debug/kmemleak")" -eq 2 ] &&
	grep -q '^not ok .* fake_thp:fake.head.munmap@kmemleak # FAIL' "$OUT/tap.txt" &&
	grep -q '^not ok .* fake_thp:fake.tail.remap@kmemleak # FAIL' "$OUT/tap.txt" &&
	jq -r '.tests[] | select(.name == "fake_thp:fake.head.munmap@kmemleak") | .evidence' \
		"$OUT/summary.json" | grep -q 'in 1 run(s), actual 1; the first allocated in run fake_thp:fake.head.munmap (pid' &&
	jq -r '.tests[] | select(.name == "fake_thp:fake.tail.remap@kmemleak") | .evidence' \
		"$OUT/summary.json" | grep -q 'in 1 run(s), actual 1; the first allocated in run fake_thp:fake.tail.remap (pid' &&
	[ -s "$OUT/logs/fake_thp.fake.tail.remap.kmemleak.kmemleak" ]
ok $? "two cases, one scan after both: each FAILs naming its own run, each keeps the report (got $rc)" \
	"$(cat "$OUT/tap.txt"; grep -cx scan "$TREE/sys/kernel/debug/kmemleak")"

grep -q '"kmemleak": {"enabled": true' "$OUT/summary.json"
ok $? "summary.json: kmemleak enabled"

new_tree
printf 'unreferenced object 0xffff888001 (size 32):\n  comm "swapper/0", pid 1, jiffies 1\n' \
	> "$TREE/sys/kernel/debug/kmemleak"
FAKE_MODE=ok sf --profile "$PROFILE" --case fake.head.munmap
rc=$?
[ $rc -eq 0 ] && grep -q 'kmemleak: 1 unreferenced object(s) of other tasks, not judged' \
	"$OUT/summary.json"
ok $? "objects of other tasks: PASS with a note (got $rc)" "$(cat "$OUT/tap.txt")"

new_tree
FAKE_MODE=kmemleak sf --profile "$PROFILE" --case fake.head.munmap 2> /dev/null
rc=$?
[ $rc -eq 0 ] && grep -q '"kmemleak": {"enabled": false, "note": "no kmemleak' "$OUT/summary.json"
ok $? "no kmemleak in the kernel: noted in summary.json, runs go on (got $rc)" \
	"$(grep kmemleak "$OUT/summary.json")"

finish
