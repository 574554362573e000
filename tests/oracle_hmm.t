#!/bin/bash
# oracle_hmm.t: the seed 000 leak oracle reports FAIL with its evidence when handed a real
# leaked-looking folio (tests/oracle_hmm.c): a THP unmapped while a pipe still holds one of
# its pages must be reported held (anon, mapcount 0, not free) with its PFN; the same folio
# after the pipe is closed, and a folio still mapped, must not. The unplaced-page oracle
# (workloads/lib/hmm_other.c) must call a zapped page of pattern (no entry, reads 0) and a page
# whose CPU read never returns (userfaultfd, never served) broken, a present page that reads
# back transient, with the pagemap state in the evidence. The MIGRATE_TO_SYS cpages oracle
# (workloads/lib/hmm_entries.c) must accept each kernel's counting and refuse the other's:
# 6.12 (512 single device pages, one entry each) and 7.x (one PMD-sized device folio, one
# entry; split on the way home, 512), on snapshot bytes as each kernel writes them. Pagemap
# swap types must decode with the layout of the kernel at hand (6.12: device-private write 27,
# 7.2: 28), and the other layout must name other entries. Also: without the HMM test device
# the thp_device_migrate workload SKIPs every case with the reason (exit 4).
B=${SPLITFAIL_BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}
# shellcheck source=tests/tap_helpers.bash
. "$(dirname "$0")/tap_helpers.bash"

echo "1..14"
out=$(mktemp)
trap 'rm -f "$out"' EXIT

if [ "$(id -u)" -ne 0 ]; then
	for _ in $(seq 13); do ok 0 "# SKIP needs root for /proc/kpageflags"; done
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
	chk() { has "$out" "^# splitfail: check test=oracle\.$1 what=to_sys_cpages_entries_moved expected=$2 actual=$3 result=$4\$"; }
	chk per_page 512 512 ok && chk per_page_counted_once 512 1 FAIL &&
		chk per_page_one_stayed 511 512 FAIL && chk per_page_one_stayed_ok 511 511 ok
	ok $? "6.12 per-page cpages: 512 single device pages home = 512 ok; 1 FAIL; one page left on the device = 511, 512 FAIL"
	chk compound 1 1 ok && chk compound_counted_per_page 1 512 FAIL &&
		chk compound_stayed 0 1 FAIL && chk compound_stayed_ok 0 0 ok &&
		has "$out" "^# oracle\.compound: to_sys_cpages_entries_moved: device held 1 PMD folios and 0 single pages; 512 pages left: 1 PMD folios whole"
	ok $? "7.x compound cpages: one PMD device folio home whole = 1 ok; 512 FAIL; stayed on the device = 0, 1 FAIL"
	chk compound_split 512 512 ok && chk compound_split_counted_once 512 1 FAIL &&
		chk unaligned 512 512 ok
	ok $? "7.x PMD device folio split on the way home (base pages): 512 ok, 1 FAIL; no PMD folio in an unaligned range"
	chk mixed 257 257 ok && chk mixed_per_page 257 768 FAIL && chk unresolved_one 258..769 258 ok &&
		chk unresolved_all 258..769 769 ok && chk unresolved_other 258..769 300 FAIL
	ok $? "mixed range (whole folio home, folio stayed, half of 512 single pages home) = 257; a folio with an unplaced page counts 1 or 512, nothing between"
	has "$out" "^# oracle\.layout_6_12: swap types: marker 31, device 27-30 \(write 27, read 28\), migration 24-26, hwpoison 23, files 0-22\$" &&
		has "$out" "^# oracle\.layout_7_2: swap types: marker 31, device 28-30 \(write 28, read 29\), migration 25-27, hwpoison 24, files 0-23\$" &&
		! grep -qE "^# oracle\.layout_(6_12|7_2): swap type [0-9]" "$out" &&
		has "$out" "^# oracle\.layout_6_12_on_7_2: swap type 27 decodes as device-private \(write\), the table says migration \(write\)\$" &&
		has "$out" "^# oracle\.layout_7_2_on_6_12: swap type 23 decodes as swap, the table says hwpoison\$"
	ok $? "pagemap swap types: 6.12 and 7.2 layouts from SWP_DEVICE_WRITE 27 and 28 decode their own kernel's types; each misnames the other's (a 7.2 migration entry read as device-private)"
fi

if [ -e /dev/hmm_dmirror0 ]; then
	ok 0 "# SKIP this machine has /dev/hmm_dmirror0"
else
	"$B/workloads/thp_device_migrate" > "$out" 2>&1
	rc=$?
	skips=$(grep -cE '^ok [0-9]+ thp_device_migrate\..* # SKIP no /dev/hmm_dmirror0: kernel without CONFIG_TEST_HMM' "$out")
	cases=$("$B/harness/splitfail" --workload-dir "$B/workloads" --list --only thp_device_migrate |
		grep -c '^thp_device_migrate:')
	[ "$rc" -eq 4 ] && [ "$skips" -eq "$cases" ] && [ "$cases" -ge 20 ]
	ok $? "thp_device_migrate without the HMM device: exit $rc (want 4), $skips of $cases cases SKIP with the reason"
fi
exit $((fails > 0))
