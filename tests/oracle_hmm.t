#!/bin/bash
# oracle_hmm.t: the seed 000 leak oracle reports FAIL with its evidence when handed a real
# leaked-looking folio (tests/oracle_hmm.c): a THP unmapped while a pipe still holds one of
# its pages must be reported held (anon, mapcount 0, not free) with its PFN; the same folio
# after the pipe is closed, and a folio still mapped, must not. The unplaced-page oracle
# (workloads/lib/hmm_other.c) must call a zapped page of pattern (no entry, reads 0) and a page
# whose CPU read never returns (userfaultfd, never served) broken, a present page that reads
# back transient, with the pagemap state in the evidence. Also: without the HMM test device
# the thp_device_migrate workload SKIPs every case with the reason (exit 4).
B=${SPLITFAIL_BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}
# shellcheck source=tests/tap_helpers.bash
. "$(dirname "$0")/tap_helpers.bash"

echo "1..9"
out=$(mktemp)
trap 'rm -f "$out"' EXIT

if [ "$(id -u)" -ne 0 ]; then
	for _ in 1 2 3 4 5 6 7 8; do ok 0 "# SKIP needs root for /proc/kpageflags"; done
else
	"$B/tests/oracle_hmm" > "$out" 2>&1
	ok $? "oracle_hmm: every case's verdict as asserted (exit 0)" "$(grep -E '^(not ok|#.*Expected)' "$out")"
	line=$(grep -m1 '^# folio at pfn ' "$out")
	pfn=$(sed -E 's/^# folio at pfn (0x[0-9a-f]+), .*/\1/' <<< "$line")
	pages=$(sed -E 's/^# folio at pfn 0x[0-9a-f]+, ([0-9]+) pages.*/\1/' <<< "$line")
	has "$out" "^# oracle.held: folio freed after munmap \(PFN\): expected freed \(buddy\) or reused, got held: anon, mapcount 0, kpageflags 0x[0-9a-f]+ \($pages PFNs\) at $pfn\$"
	ok $? "folio held by a pipe after munmap: evidence names PFN $pfn, anon, mapcount 0, $pages PFNs"
	has "$out" "^# splitfail: check test=oracle.held what=pfns_held_after_exit expected=0 actual=$pages result=FAIL"
	ok $? "held folio: check line FAIL with all $pages PFNs"
	has "$out" "^# splitfail: check test=oracle.freed what=pfns_held_after_exit expected=0 actual=0 result=ok" &&
		! has "$out" "^# oracle.freed: .*expected"
	ok $? "same folio after the pipe is closed: freed, no evidence"
	has "$out" "^# oracle.mapped: folio still mapped: $pages PFNs from 0x[0-9a-f]+: freed=0 reused=$pages held=0" &&
		! has "$out" "^# oracle.mapped: .*expected"
	ok $? "mapped folio: in use, not reported as leaked"
	has "$out" "^# oracle.zapped: unplaced page at 0x[0-9a-f]+000: snapshot 0x00; right after the ioctl pagemap 0x0000000000000000: none; .*CPU read 0x00, pattern 0x[0-9a-f]{2} => broken\$" &&
		! grep -q "^# oracle.zapped: .*pattern 0x00 =>" "$out"
	ok $? "zapped page of pattern: no entry in pagemap, CPU read 0x00 against the pattern, broken"
	has "$out" "^# oracle.stuck: unplaced page at 0x[0-9a-f]+000: .*pagemap 0x0000000000000000: none; .*CPU read did not return => broken\$"
	ok $? "page whose CPU read never returns (userfaultfd): stuck, broken"
	has "$out" "^# oracle.present: unplaced page at 0x[0-9a-f]+000: .*pagemap 0x8[0-9a-f]{15}: present, pfn 0x[0-9a-f]+, kpageflags 0x[0-9a-f]+ \[[a-z_ ]*anon[a-z_ ]*\]; .*CPU read 0x[0-9a-f]{2} = pattern => transient\$"
	ok $? "present page: PFN and kpageflags named, reads back the pattern, transient (not broken)"
fi

if [ -e /dev/hmm_dmirror0 ]; then
	ok 0 "# SKIP this machine has /dev/hmm_dmirror0"
else
	"$B/workloads/thp_device_migrate" > "$out" 2>&1
	rc=$?
	skips=$(grep -cE '^ok [0-9]+ thp_device_migrate\..* # SKIP no /dev/hmm_dmirror0: kernel without CONFIG_TEST_HMM' "$out")
	[ "$rc" -eq 4 ] && [ "$skips" -eq 8 ]
	ok $? "thp_device_migrate without the HMM device: exit $rc (want 4), $skips of 8 cases SKIP with the reason"
fi
exit $((fails > 0))
