#!/bin/bash
# harness_follow.t: while a guest runs, run.sh says each finding as it happens from the tap.txt
# the guest's harness writes (harness/runner/follow.sh), instead of streaming the console: a
# "not ok" line appended to tap.txt is said within a few seconds, "ok" lines are not, and on
# SIGTERM the follower takes a last look (a finding written just before the guest ended is
# said) and ends. The test still running, which a live tap.txt shows as an ERROR "interrupted",
# is no finding, and its real verdict is the one counted when it comes.
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

# a live rendering: the running test as "not ok ... # ERROR" with evidence "interrupted"
D2=$SCRATCH/res2
mkdir -p "$D2"
follow_findings "$D2" 2> "$SCRATCH/said2" &
fpid=$!
printf 'TAP version 13\nok 1 - w:a\nnot ok 2 - w:b # ERROR\n#   evidence: interrupted: it had started and has no verdict\nBail out! no end line\n' \
	> "$D2/tap.txt.new" && mv "$D2/tap.txt.new" "$D2/tap.txt"
sleep 1
printf 'TAP version 13\nok 1 - w:a\nok 2 - w:b\nnot ok 3 - w:c # FAIL\n#   evidence: x\n1..3\n' \
	> "$D2/tap.txt.new" && mv "$D2/tap.txt.new" "$D2/tap.txt"
wait_for 5 grep -q 'finding: w:c # FAIL' "$SCRATCH/said2"
kill -TERM $fpid
wait $fpid
! grep -q 'w:b' "$SCRATCH/said2" && [ "$(grep -c 'finding:' "$SCRATCH/said2")" = 1 ]
ok $? "the running test a live tap.txt shows as interrupted is no finding; the next FAIL is" \
	"$(cat "$SCRATCH/said2")"

finish
