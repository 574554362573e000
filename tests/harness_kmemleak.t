#!/bin/bash
# harness_kmemleak.t: [leak] kmemleak = yes. An unreferenced object allocated by the
# workload's own task (kmemleak report after the harness's scan) is a FAIL quoting the
# report, which is also kept in logs/; an object of another task is only a note; a kernel
# without /sys/kernel/debug/kmemleak is recorded in summary.json and the runs go on; the
# harness clears before the run and scans after it. Fake /proc,/sys tree (--root).
. "$(dirname "$0")/fixtures/lib.sh"

PROFILE=$SCRATCH/kmemleak.ini
printf '[run]\nstrategies = off\n[leak]\nkmemleak = yes\nkmemleak_age_ms = 300\n' > "$PROFILE"

new_tree
: > "$TREE/sys/kernel/debug/kmemleak"
FAKE_MODE=kmemleak sf --profile "$PROFILE" --case fake.head.munmap
rc=$?
[ $rc -eq 1 ] && grep -q 'not ok 1 - fake_thp:fake.head.munmap # FAIL' "$OUT/tap.txt" &&
	grep -q 'kmemleak: expected no unreferenced object allocated by the workload, actual 1; first: unreferenced object 0xffff88800a1b2c00 (size 64):' \
	"$OUT/tap.txt" && grep -q 'vm_area_dup+0x27/0xd0' "$OUT/tap.txt"
ok $? "an object leaked by the workload's task is FAIL with the report (got $rc)" \
	"$(cat "$OUT/tap.txt" "$SCRATCH/err")"
grep -q 'comm "kworker/0:1"' "$OUT/logs/fake_thp:fake.head.munmap.kmemleak"
ok $? "the whole report, other tasks' objects too, is kept in logs/"
[ "$(grep -cx 'scan' "$TREE/sys/kernel/debug/kmemleak")" -eq 2 ] &&
	[ "$(grep -cx 'clear' "$TREE/sys/kernel/debug/kmemleak")" -eq 2 ]
ok $? "scan + clear at the start, scan + clear after the run" \
	"$(grep -x 'scan\|clear' "$TREE/sys/kernel/debug/kmemleak")"
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
