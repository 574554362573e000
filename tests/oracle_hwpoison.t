#!/bin/bash
# oracle_hwpoison.t: the seed 003 oracles report FAIL with their evidence when handed broken
# states (tests/oracle_hwpoison.c): a real SIGBUS of the wrong kind (BUS_ADRERR, lsb 0), a
# siginfo with BUS_MCEERR_AO, with the base page shift instead of the huge page shift, with an
# address outside the huge page, no signal, a poisoned huge page that /proc/meminfo does
# not account for, a poisoned hugetlb folio counted free, a dissolved one left in the total;
# correct states pass. Also: on a machine without splitfail.guest=1 the
# hugetlb_hwpoison workload refuses to poison (every case SKIPs with the reason, exit 4) and
# HardwareCorrupted does not move.
B=${SPLITFAIL_BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}
# shellcheck source=tests/tap_helpers.bash
. "$(dirname "$0")/tap_helpers.bash"

echo "1..11"
out=$(mktemp)
trap 'rm -f "$out"' EXIT

"$B/tests/oracle_hwpoison" > "$out" 2>&1
ok $? "oracle_hwpoison: every case's verdict as asserted (exit 0)" "$(grep -E '^(not ok|#.*Expected)' "$out")"
addr=$(sed -nE 's/^# real SIGBUS at (0x[0-9a-f]+): .*/\1/p' "$out")
has "$out" "^# oracle.real_adrerr: access_code: expected BUS_MCEERR_AR, got BUS_ADRERR \(2\) at $addr\$" &&
	has "$out" "^# oracle.real_adrerr: access_addr_lsb: expected 21, got 0 at $addr\$"
ok $? "real BUS_ADRERR SIGBUS at $addr: wrong si_code and si_addr_lsb quoted with the address"
has "$out" "^# oracle.code_ao: access_code: expected BUS_MCEERR_AR, got BUS_MCEERR_AO \(5\) at 0x40005000\$"
ok $? "BUS_MCEERR_AO instead of _AR: evidence"
has "$out" "^# oracle.lsb_12: access_addr_lsb: expected 21, got 12 at 0x40005000\$" &&
	has "$out" "^# splitfail: check test=oracle.lsb_12 what=access_addr_lsb expected=21 actual=12 result=FAIL"
ok $? "base page granularity (lsb 12) for a huge page: evidence and FAIL check line"
has "$out" "^# oracle.addr_out: access_addr_in_page: expected 0x40000000..0x40200000, got outside at 0x40200000\$"
ok $? "si_addr outside the huge page: evidence names the range"
has "$out" "^# oracle.no_signal: access: expected SIGBUS, got no signal at 0x40000000\$"
ok $? "no SIGBUS at all: evidence"
[ "$(grep -cE '^# splitfail: check test=oracle.unaccounted what=after_exit_(hugepages_total|hugepages_free|hardware_corrupted_kb)_delta expected=(-1|4) actual=0 result=FAIL' "$out")" -eq 3 ]
ok $? "poisoned huge page not accounted: Total, Free and HardwareCorrupted deltas FAIL"
[ "$(grep -cE '^# splitfail: check test=oracle.(poisoned_free what=after_exit_hugepages_free_delta expected=-1 actual=0|dissolved_uncounted what=after_exit_hugepages_total_delta expected=-1 actual=0|unpoisoned_changed what=after_exit_(hugepages_free_delta expected=0 actual=-1|hardware_corrupted_kb_delta expected=0 actual=4)) result=FAIL' "$out")" -eq 4 ] &&
	! has "$out" "test=oracle.poisoned_held .*result=FAIL"
ok $? "poisoned folio counted free, dissolved page still in the total, change without poison: FAIL; held poisoned folio passes"
! has "$out" "^# oracle\.(good|accounted|real_meminfo): " &&
	! has "$out" "test=oracle\.(good|accounted|real_meminfo) .*result=FAIL"
ok $? "correct siginfo and accounting: no evidence, no FAIL"

if grep -qw 'splitfail.guest=1' /proc/cmdline; then
	ok 0 "# SKIP running in a splitfail guest: the refusal is for other machines"
	ok 0 "# SKIP running in a splitfail guest"
else
	hw_before=$(awk '/^HardwareCorrupted:/ {print $2}' /proc/meminfo)
	env -u SPLITFAIL_ALLOW_HWPOISON "$B/workloads/hugetlb_hwpoison" > "$out" 2>&1
	rc=$?
	skips=$(grep -cE '^ok [0-9]+ hugetlb_hwpoison\..* # SKIP refusing to poison memory outside a splitfail guest' "$out")
	cases=$(grep -cE '^(not )?ok [0-9]+ hugetlb_hwpoison\.' "$out")
	[ "$rc" -eq 4 ] && [ "$skips" -eq "$cases" ] && [ "$cases" -ge 9 ] && ! has "$out" 'op=madvise_'
	ok $? "hugetlb_hwpoison on this machine: exit $rc (want 4), $skips of $cases cases refused, no window opened" "$(tail -5 "$out")"
	hw_after=$(awk '/^HardwareCorrupted:/ {print $2}' /proc/meminfo)
	[ "$hw_before" = "$hw_after" ]
	ok $? "HardwareCorrupted unchanged: ${hw_before:-none} -> ${hw_after:-none} kB"
fi
exit $((fails > 0))
