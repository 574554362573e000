#!/bin/bash
# harness_follow.t: while a guest runs, run.sh says each finding as it happens from the tap.txt
# the guest's harness writes (harness/runner/follow.sh), instead of streaming the console: a
# "not ok" line appended to tap.txt is said within a few seconds, "ok" lines are not, and on
# SIGTERM the follower takes a last look (a finding written just before the guest ended is
# said) and ends.
. "$(dirname "$0")/fixtures/lib.sh"
. "$TOP/harness/runner/follow.sh"
export SPLITFAIL_FOLLOW_SECONDS=0.2
D=$SCRATCH/res
mkdir -p "$D"
follow_findings "$D" 2> "$SCRATCH/said" &
fpid=$!
printf 'TAP version 13\n# splitfail: start test=w:a\nok 1 - w:a\n' >> "$D/tap.txt"
printf 'not ok 2 - w:b@random # FAIL\n#   evidence: x\n' >> "$D/tap.txt"
wait_for 5 grep -q 'finding: w:b@random # FAIL' "$SCRATCH/said"
ok $? "a FAIL appended to tap.txt is said as it happens" "$(cat "$SCRATCH/said")"
! grep -q 'w:a' "$SCRATCH/said"
ok $? "a PASS is not said" "$(cat "$SCRATCH/said")"
kill -STOP $fpid
printf 'not ok 3 - w:c # FAIL\n' >> "$D/tap.txt"
kill -TERM $fpid
kill -CONT $fpid
wait_for 5 eval '! kill -0 $fpid 2> /dev/null'
ok $? "SIGTERM ends the follower"
grep -q 'finding: w:c # FAIL' "$SCRATCH/said" && [ "$(grep -c 'finding:' "$SCRATCH/said")" = 2 ]
ok $? "its last look says the finding written just before the end, each finding once" \
	"$(cat "$SCRATCH/said")"

finish
