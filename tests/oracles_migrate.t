#!/bin/bash
# oracles_migrate.t: the migration and fork/CoW oracles report FAIL with their evidence when
# handed a real broken state (tests/oracle_migrate.c, tests/oracle_fork_cow.c): a page on node
# Y claimed moved to node X, a status that is no errno, an unwritten status, a MAP_SHARED
# region standing in for a broken CoW, a failed fork with the wrong errno, a leftover child or
# changed data. Each C case asserts the oracle's counts; this script also checks that the
# evidence line names the address, the claimed and the actual value.
B=${SPLITFAIL_BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}
# shellcheck source=tests/tap_helpers.bash
. "$(dirname "$0")/tap_helpers.bash"

echo "1..12"
out=$(mktemp)
trap 'rm -f "$out"' EXIT

"$B/tests/oracle_migrate" > "$out" 2>&1
ok $? "oracle_migrate: every case's verdict as asserted (exit 0)" "$(grep -E '^(not ok|#.*(FAIL|Expected))' "$out")"
line=$(grep -m1 '^# pages at ' "$out")
addr=$(sed -E 's/.* at (0x[0-9a-f]+) .*/\1/' <<< "$line")
real=$(sed -E 's/.* real=([0-9]+) .*/\1/' <<< "$line")
claimed=$(sed -E 's/.* claimed=([0-9]+).*/\1/' <<< "$line")
has "$out" "^# oracle.claims_moved: move_pages claims moved: expected page on claimed node $claimed, got page on node $real at $addr\$"
ok $? "claims moved: evidence names address $addr, claimed node $claimed, actual node $real"
has "$out" "^# splitfail: check test=oracle.claims_moved what=move_pages_claims_moved expected=0 actual=8 result=FAIL"
ok $? "claims moved: check line says FAIL for all 8 pages"
has "$out" "^# oracle.claims_gone: move_pages claims moved: .*got page on no node \((EFAULT|ENOENT)\) at 0x"
ok $? "claims moved for an unmapped page: evidence says no node"
has "$out" "^# oracle.no_errno: move_pages status is no errno: .*got -512 at 0x"
ok $? "status -512 (ERESTARTSYS) is no errno: evidence quotes it"
has "$out" "^# oracle.unwritten: move_pages returned 0 but left status unwritten"
ok $? "unwritten status after a 0 return: evidence"
! has "$out" "^# oracle\.(honest|real_call): .*: expected "
ok $? "honest statuses and a real move_pages call: no evidence printed"

"$B/tests/oracle_fork_cow" > "$out" 2>&1
ok $? "oracle_fork_cow: every case's verdict as asserted (exit 0)" "$(grep -E '^(not ok|#.*(FAIL|Expected))' "$out")"
has "$out" "^# oracle.shared_parent_writes: child 0 view after fork \(512 pages differ\): expected 0x[0-9a-f]{2}, got 0x[0-9a-f]{2} from the parent's write at 0x[0-9a-f]+\$"
ok $? "broken CoW (MAP_SHARED): child seeing the parent's write is reported with address and bytes"
has "$out" "^# oracle.shared_child_writes: parent view after fork \(512 pages differ\): .* from child 0's write at 0x"
ok $? "broken CoW (MAP_SHARED): parent seeing the child's write is reported"
has "$out" "^# oracle.fork_eperm: failed fork errno: expected ENOMEM or EAGAIN, got EPERM" &&
	has "$out" "^# oracle.fork_stray: children after failed fork: expected none \(ECHILD\)"
ok $? "failed fork: wrong errno and a leftover child are reported"
has "$out" "^# oracle.fork_corrupt: parent \(fork failed\) view after fork \(1 pages differ\)"
ok $? "failed fork: one byte changed behind the pattern is reported"
exit $((fails > 0))
