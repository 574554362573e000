#!/bin/bash
# batch_time_limit.t: under a batch of fail-nth steps a test's kselftest time limit holds for
# each step (workloads/lib/workload.h): tests/batch_time_limit.c's test takes 2 s under a
# 1 s limit; alone the kselftest harness kills it, under SPLITFAIL_INJECT=nth:1-3 (3 s) it
# passes; a malformed batch leaves the limit alone. Runs on the host (nothing is injected:
# the test has no window).
. "$(dirname "$0")/fixtures/lib.sh"
prog=${SPLITFAIL_BUILD:-$TOP/build}/tests/batch_time_limit

"$prog" -r batch.two_seconds > "$SCRATCH/alone" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q 'Test terminated by timeout' "$SCRATCH/alone"
ok $? "alone: 2 s under a 1 s limit is killed by the kselftest harness (exit $rc)" \
	"$(cat "$SCRATCH/alone")"
SPLITFAIL_INJECT=nth:1-3 "$prog" -r batch.two_seconds > "$SCRATCH/batch" 2>&1
rc=$?
[ $rc -eq 0 ] && ! grep -q 'terminated by timeout' "$SCRATCH/batch"
ok $? "batch of 3 steps: the limit is 3 s, the test passes (exit $rc)" "$(cat "$SCRATCH/batch")"
SPLITFAIL_INJECT=nth:3-1 "$prog" -r batch.two_seconds > "$SCRATCH/bad" 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q 'Test terminated by timeout' "$SCRATCH/bad"
ok $? "nth:3-1 is no batch: the 1 s limit stays (exit $rc)" "$(cat "$SCRATCH/bad")"

echo "1..$T"
[ "$FAILED" -eq 0 ]
