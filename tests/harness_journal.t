#!/bin/bash
# harness_journal.t: a journal never blocks the machine. A [knobs] file that cannot be written
# (a read-only sysctl) is refused before any knob is changed, naming path and errno, and no
# journal is left; a journal entry that cannot be restored, or a journal that cannot be read,
# is reported and kept aside as journal.unrestored.<time>, and this run and the next go on.
# Fake /proc,/sys tree (--root); the read-only file is the real /proc/sys/kernel/osrelease.
. "$(dirname "$0")/fixtures/lib.sh"
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }

new_tree
ln -s /proc/sys/kernel/osrelease "$TREE/proc/sys/kernel/ro_knob"
cp -a "$TREE/proc/sys/kernel/ro_knob" "$SNAP/proc/sys/kernel/ro_knob"
printf '[knobs]\n/proc/sys/kernel/numa_balancing = 1\n/proc/sys/kernel/ro_knob = 1\n' \
	> "$SCRATCH/ro.ini"
FAKE_MODE=ok sf --profile "$SCRATCH/ro.ini" --case fake.head.munmap
rc=$?
[ $rc -eq 3 ] && grep -q "knob /proc/sys/kernel/ro_knob ($SCRATCH/ro.ini:3): cannot be written: Permission denied" \
	"$SCRATCH/err"
ok $? "read-only knob: refused naming path, line and errno, exit 3 (got $rc)" "$(cat "$SCRATCH/err")"
[ ! -e "$TREE/run/splitfail/journal" ] && ! ls "$TREE/run/splitfail/" | grep -q unrestored
ok $? "read-only knob: no journal left, nothing set aside" "$(ls -l "$TREE/run/splitfail/")"
knobs_same
ok $? "read-only knob: no other knob was changed" "$(cat "$SCRATCH/diff")"
FAKE_MODE=ok sf --case fake.head.munmap
rc=$?
[ $rc -eq 0 ] && ! grep -q 'journal' "$SCRATCH/err"
ok $? "read-only knob: the next run starts clean (got $rc)" "$(cat "$SCRATCH/err")"

# a journal naming a file that cannot be restored (left by an older harness)
new_tree
ln -s /proc/sys/kernel/osrelease "$TREE/proc/sys/kernel/ro_knob"
mkdir -p "$TREE/run/splitfail"
{
	echo "# splitfail journal pid=1 started=1"
	echo "K $(hex "$TREE/proc/sys/kernel/numa_balancing") $(hex 0)"
	echo "K $(hex "$TREE/proc/sys/kernel/ro_knob") $(hex 1)"
} > "$TREE/run/splitfail/journal"
echo 1 > "$TREE/proc/sys/kernel/numa_balancing"
FAKE_MODE=ok sf --case fake.head.munmap
rc=$?
[ $rc -eq 0 ] && grep -q "cannot restore $TREE/proc/sys/kernel/ro_knob" "$SCRATCH/err" &&
	grep -q 'kept as .*/journal.unrestored\.[0-9]*' "$SCRATCH/err" &&
	ls "$TREE/run/splitfail/"journal.unrestored.* > /dev/null &&
	[ ! -e "$TREE/run/splitfail/journal" ] &&
	[ "$(cat "$TREE/proc/sys/kernel/numa_balancing")" = 0 ]
ok $? "unrestorable entry: said, kept aside, the rest restored, the run goes on (got $rc)" \
	"$(cat "$SCRATCH/err")"
FAKE_MODE=ok sf --case fake.head.munmap
rc=$?
[ $rc -eq 0 ] && ! grep -q 'journal' "$SCRATCH/err"
ok $? "unrestorable entry: the next run is not blocked (got $rc)" "$(cat "$SCRATCH/err")"

new_tree
mkdir -p "$TREE/run/splitfail"
printf '# splitfail journal pid=1 started=1\nthis is not a journal line\n' \
	> "$TREE/run/splitfail/journal"
FAKE_MODE=ok sf --case fake.head.munmap
rc=$?
[ $rc -eq 0 ] && grep -q 'malformed journal line' "$SCRATCH/err" &&
	[ ! -e "$TREE/run/splitfail/journal" ] && ls "$TREE/run/splitfail/"journal.unrestored.* > /dev/null
ok $? "malformed journal: said and kept aside, the run goes on (got $rc)" "$(cat "$SCRATCH/err")"

finish
