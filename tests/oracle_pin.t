#!/bin/bash
# oracle_pin.t: the pin oracle's self-tests (build/tests/oracle_pin). Each broken case builds
# a real state where the kernel's view of a pinned THP and userspace's view differ (a fixed
# buffer or vmsplice'd range whose pages were replaced, written, or a file changed behind
# io_uring's back) and this script asserts the oracle's page count and its printed evidence
# (what, expected, actual, address); the correct cases (munmap + mprotect on the pinned
# region) must report nothing. A case that cannot pin (io_uring disabled) is a TAP SKIP.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
build=${SPLITFAIL_BUILD:-$top/build}
out=$(mktemp /tmp/splitfail-oracle-pin.XXXXXX)
trap 'rm -f "$out"' EXIT
n=0

# run <case>: runs it into $out, sets rc and the "# expect:" fields as variables.
run() {
	local kv

	"$build/tests/oracle_pin" "$1" >"$out" 2>&1
	rc=$?
	pages= first= expected= actual=
	for kv in $(sed -n 's/^# expect: //p' "$out"); do
		declare -g "${kv%%=*}=${kv#*=}"
	done
}

has() {
	grep -qF -- "$1" "$out" && echo 1 || echo 0
}

result_is() {
	has "result: pin $1 returned $2"
}

# in_first_page: evidence names an address in the first page of $first. Two seeds' patterns can
# agree on a byte by chance, so the first differing byte need not be the page's first byte.
in_first_page() {
	grep -q -- "at ${first%???}[0-9a-f]\{3\}\$" "$out" && echo 1 || echo 0
}

no_evidence() {
	grep -q 'expected .*, got' "$out" && echo 0 || echo 1
}

# tap <case> <ok 0|1> <description>
tap() {
	n=$((n + 1))
	if ((rc == 4)); then
		echo "ok $n - $3 # SKIP $(sed -n 's/^# SKIP //p' "$out")"
	elif (($2)); then
		echo "ok $n - $3"
	else
		echo "not ok $n - $3"
		sed 's/^/#   /' "$out"
	fi
}

echo "1..7"

run fixed_replaced
tap fixed_replaced "$((rc == 0 && $(result_is fixed_replaced_stale "$pages") &&
	$(result_is fixed_replaced_lost "$pages") &&
	$(has "kernel view vs userspace ($pages of $pages pages differ): expected") &&
	$(has "READ_FIXED data vs userspace ($pages of $pages pages differ): expected") &&
	$(grep -c "got 0x[0-9a-f]* at ${first%???}[0-9a-f]\{3\}\$" "$out") == 2))" \
	"fixed buffer with replaced pages: $pages pages stale and $pages lost from $first"

run fixed_unmapped_changed
tap fixed_unmapped_changed "$((rc == 0 && $(result_is fixed_unmapped_changed_stale 1) &&
	$(result_is fixed_unmapped_changed_lost 0) &&
	$(has "unmapped: kernel view vs data pinned (1 of 128 pages differ): expected $expected, got $actual at $first")))" \
	"fixed buffer, unmapped part changed after pinning: 1 page, $expected vs $actual at $first"

run fixed_file_behind
tap fixed_file_behind "$((rc == 0 && $(result_is fixed_file_behind_stale 1) &&
	$(has "kernel view vs userspace (1 of 512 pages differ): expected $expected, got $actual at $first")))" \
	"file changed behind io_uring: 1 page, $expected vs $actual at $first"

run fixed_correct
tap fixed_correct "$((rc == 0 && $(result_is fixed_correct_stale 0) &&
	$(result_is fixed_correct_lost 0) && $(no_evidence)))" \
	"fixed buffer positive control (munmap + mprotect while pinned) passes"

run pipe_replaced
tap pipe_replaced "$((rc == 0 && $(result_is pipe_replaced_stale "$pages") &&
	$(has "pipe vs userspace ($pages of $pages pages differ): expected") &&
	$(in_first_page) && ! $(has "pipe vs data at vmsplice")))" \
	"vmsplice'd range with replaced pages: $pages pages differ from userspace at $first"

run pipe_changed
tap pipe_changed "$((rc == 0 && $(result_is pipe_changed_stale "$pages") &&
	$(has "pipe vs data at vmsplice ($pages of 512 pages differ): expected") &&
	$(in_first_page) && ! $(has "pipe vs userspace")))" \
	"vmsplice'd range written afterwards: $pages pages differ from the spliced data at $first"

run pipe_correct
tap pipe_correct "$((rc == 0 && $(result_is pipe_correct_stale 0) && $(no_evidence)))" \
	"vmsplice positive control (munmap + mprotect while referenced) passes"
