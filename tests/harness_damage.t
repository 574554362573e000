#!/bin/bash
# harness_damage.t: after every injection run the harness checks that the root filesystem still
# opens files (its own binary): in the guest an injected failure in a 9p clunk leaves every later
# open failing with EINVAL (harness/wrap_trace.c). Such a run is FAIL with "system damaged", the
# harness stops (no case after it runs) and exits 5, so run.sh runs the rest in a fresh guest.
# Here the fake workload removes a copy of the harness binary during a random-injection run.
. "$(dirname "$0")/fixtures/lib.sh"

SF_BUILT=$SF
cp "$SF_BUILT" "$SCRATCH/sf-copy"
SF=$SCRATCH/sf-copy
PROFILE=$SCRATCH/damage.ini
printf '[run]\nstrategies = off, random\n' > "$PROFILE"

new_tree
FAKE_MODE=damage FAKE_DAMAGE=$SCRATCH/sf-copy sf --profile "$PROFILE" \
	--case fake.head.munmap,fake.tail.remap
rc=$?
[ $rc -eq 5 ] && grep -q '^ok 1 - fake_thp:fake.head.munmap$' "$OUT/tap.txt" &&
	grep -q '^not ok 2 - fake_thp:fake.head.munmap@random # FAIL' "$OUT/tap.txt" &&
	grep -q "system damaged: after this run open($SCRATCH/sf-copy) fails: No such file or directory" \
		"$OUT/tap.txt"
ok $? "the run after which the root filesystem cannot open files is FAIL, exit 5 (got $rc)" \
	"$(cat "$OUT/tap.txt" "$SCRATCH/err")"
! grep -q 'fake.tail.remap' "$OUT/tap.txt"
ok $? "the harness stopped: the next case did not run" "$(grep tail "$OUT/tap.txt")"
knobs_same
ok $? "knobs restored byte for byte after the stop" "$(cat "$SCRATCH/diff")"

cp "$SF_BUILT" "$SCRATCH/sf-copy"
new_tree
FAKE_MODE=damage FAKE_DAMAGE=$SCRATCH/not-the-harness sf --profile "$PROFILE" \
	--case fake.head.munmap
rc=$?
[ $rc -eq 0 ] && ! grep -q 'system damaged' "$OUT/tap.txt"
ok $? "a root filesystem that still opens files: no damage reported, exit 0 (got $rc)" \
	"$(cat "$OUT/tap.txt")"

finish
