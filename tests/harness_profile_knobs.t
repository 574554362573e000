#!/bin/bash
# harness_profile_knobs.t: a profile's [knobs] lines (sysctl and sysfs files) are written for
# the run and come back byte for byte after a normal end, SIGTERM, and a SIGKILLed harness
# followed by a new start (journal); a knob the kernel lacks is a note, not an error; a
# value the file refuses is a harness error that still restores what was already written;
# paths outside /proc/sys and /sys are rejected naming file and line. Fake tree (--root).
. "$(dirname "$0")/fixtures/lib.sh"

PROFILE=$SCRATCH/knobs.ini
cat > "$PROFILE" <<INI
[run]
strategies = off
[knobs]
/proc/sys/vm/nr_hugepages = 16
/proc/sys/kernel/numa_balancing = 1
/sys/kernel/mm/transparent_hugepage/use_zero_page = 0
/proc/sys/vm/not_on_this_kernel = 3
INI

# value of a knob file in the fake tree
kv() { cat "$TREE$1"; }

new_tree
FAKE_MODE=ok sf --profile "$PROFILE" --case fake.head.munmap
rc=$?
ok $rc "normal end: exit 0" "$(cat "$SCRATCH/err")"
grep -q '"path": "/proc/sys/vm/nr_hugepages", "set": "16", "before": "0", "after": "16"' \
	"$OUT/summary.json"
ok $? "summary.json records nr_hugepages before 0, set 16, read back 16" \
	"$(grep knobs "$OUT/summary.json")"
grep -q '"path": "/proc/sys/vm/not_on_this_kernel", "set": "3", "missing": true' \
	"$OUT/summary.json" && grep -q 'not_on_this_kernel .*knobs.ini:7): not on this kernel' \
	"$SCRATCH/err"
ok $? "a knob the kernel lacks is noted with file:line, not an error" "$(cat "$SCRATCH/err")"
knobs_same
ok $? "normal end: knobs restored byte for byte" "$(cat "$SCRATCH/diff")"

new_tree
hang_bg --profile "$PROFILE" --case fake.head.munmap --timeout 60
during="$(kv /proc/sys/vm/nr_hugepages) $(kv /proc/sys/kernel/numa_balancing) $(kv /sys/kernel/mm/transparent_hugepage/use_zero_page)"
[ "$during" = "16 1 0" ]
ok $? "while the workload runs the knobs hold the profile's values (got '$during')"
kill -TERM $HPID
wait $HPID
rc=$?
[ $rc -eq 3 ]
ok $? "SIGTERM: exit 3 (got $rc)"
knobs_same
ok $? "SIGTERM: knobs restored byte for byte" "$(cat "$SCRATCH/diff")"

new_tree
hang_bg --profile "$PROFILE" --case fake.head.munmap --timeout 60
kill9_harness
[ "$(kv /proc/sys/vm/nr_hugepages)" = 16 ] && grep -q '^K ' "$TREE/run/splitfail/journal"
ok $? "SIGKILL: nr_hugepages left at 16 and journalled"
FAKE_MODE=ok sf --strategy off --case fake.head.munmap
rc=$?
[ $rc -eq 0 ] && grep -q 'restore .*/proc/sys/vm/nr_hugepages <- 0' "$SCRATCH/err"
ok $? "SIGKILL: the next start restores nr_hugepages from the journal and says so" \
	"$(cat "$SCRATCH/err")"
knobs_same
ok $? "SIGKILL: knobs restored byte for byte after the new start" "$(cat "$SCRATCH/diff")"

# a value the file refuses: a folder where a file should be makes the write fail
new_tree
rm "$TREE/proc/sys/kernel/numa_balancing"
mkdir "$TREE/proc/sys/kernel/numa_balancing"
rm "$SNAP/proc/sys/kernel/numa_balancing" && mkdir "$SNAP/proc/sys/kernel/numa_balancing"
FAKE_MODE=ok sf --profile "$PROFILE" --case fake.head.munmap
rc=$?
[ $rc -eq 3 ] && grep -q 'numa_balancing (.*knobs.ini:5): cannot ' "$SCRATCH/err" &&
	! grep -q '"verdict"' "$OUT/summary.json"
ok $? "a refused knob: exit 3 naming file:line, no test run (got $rc)" "$(cat "$SCRATCH/err")"
knobs_same
ok $? "a refused knob: the knobs written before it are restored" "$(cat "$SCRATCH/diff")"

K="[run]\nstrategies = off\n[knobs]\n"
profile_case "4: knob '/etc/passwd': only paths under /proc/sys/ or /sys/" "$K/etc/passwd = x\n"
profile_case "4: knob 'vm/nr_hugepages': only paths under" "${K}vm/nr_hugepages = 1\n"
profile_case "4: knob '/proc/sys/../../etc/shadow': empty, '.' or '..'" \
	"$K/proc/sys/../../etc/shadow = 1\n"
profile_case "4: knob '/sys//kernel': empty, '.' or '..'" "$K/sys//kernel = 1\n"
profile_case "5: knob '/proc/sys/vm/x' set twice (first at $SCRATCH/p.ini:4)" \
	"$K/proc/sys/vm/x = 1\n/proc/sys/vm/x = 2\n"

finish
