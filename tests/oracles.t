#!/bin/bash
# oracles.t: the oracle self-tests. Each build/tests/oracle_{mprotect,pattern,munmap,pageout}
# case builds a real broken state on purpose (an mprotect that was skipped, a byte changed
# behind the pattern, a munmap that was not made, a range never paged out) or a correct one,
# and this script asserts the oracle's count and its printed evidence (expected, actual,
# address) - so a test fails if an oracle stops detecting what it is for. The pageout
# positive control needs swap: zram0 is set up and restored as in workloads.t.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
build=${SPLITFAIL_BUILD:-$top/build}
out=$(mktemp /tmp/splitfail-oracles.XXXXXX)
n=0

# shellcheck source=tests/zram.bash
. "$top/tests/zram.bash"
trap 'zram_swap_restore; rm -f "$out"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# tap <ok 0|1> <description>: one TAP line; on failure the program's output as diagnostics.
tap() {
	n=$((n + 1))
	if (($1)); then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		sed 's/^/#   /' "$out"
	fi
}

# run <program> <case>: runs it into $out, sets rc and the "# expect:" fields as variables.
run() {
	local kv

	"$build/tests/oracle_$1" "$2" >"$out" 2>&1
	rc=$?
	range= pages= addr= expected= actual= first=
	for kv in $(sed -n 's/^# expect: //p' "$out"); do
		declare -g "${kv%%=*}=${kv#*=}"
	done
}

# has <fixed string>: 1 if the output holds it.
has() {
	grep -qF -- "$1" "$out" && echo 1 || echo 0
}

# result_is <oracle> <case> <n>
result_is() {
	has "result: $1 $2 returned $3"
}

no_evidence() {
	grep -q 'expected .*, got' "$out" && echo 0 || echo 1
}

echo "1..11"

run mprotect skipped
ev="($pages of $pages pages differ): expected PROT_READ, got PROT_READ|PROT_WRITE at $range"
tap "$((rc == 0 && $(result_is prot skipped "$pages") && $(has "$ev")))" \
	"mprotect oracle: skipped mprotect(PROT_READ) reports all $pages pages writable at $range"

run mprotect correct
tap "$((rc == 0 && $(result_is prot correct_read 0) && $(result_is prot correct_none 0) &&
	$(result_is pattern correct_after_restore 0) && $(no_evidence)))" \
	"mprotect oracle: positive control (PROT_READ, PROT_NONE, restore) passes"

run mprotect either_broken
tap "$((rc == 0 && $(result_is prot_either either_broken "$pages") &&
	$(has "expected PROT_READ or PROT_READ|PROT_WRITE, got PROT_NONE at $range")))" \
	"mprotect failure oracle: PROT_NONE pages where either old or new was allowed"

run pattern one_byte
tap "$((rc == 0 && $(result_is pattern one_byte 1) &&
	$(has "(1 of 512 pages differ): expected $expected, got $actual at $addr")))" \
	"pattern oracle: one byte changed reports $addr, expected $expected, got $actual, 1 page"

run pattern zero_page
tap "$((rc == 0 && $(result_is pattern zero_page 1) &&
	$(has "(1 of 512 pages differ): expected $expected, got 0x00 at $addr")))" \
	"pattern oracle: a zeroed page reports its first byte $addr and 1 page"

run pattern correct
tap "$((rc == 0 && $(result_is pattern correct 0) && $(no_evidence)))" \
	"pattern oracle: positive control (untouched THP) passes"

run munmap not_unmapped
ev="($pages of $pages pages still mapped): expected unmapped, got mapped PROT_READ|PROT_WRITE"
tap "$((rc == 0 && $(result_is unmapped not_unmapped "$pages") && $(has "$ev at $first")))" \
	"munmap oracle: range never unmapped reports $pages pages still mapped at $first"

run munmap half_unmapped
ev="($pages of $((pages * 2)) pages still mapped): expected unmapped,"
ev+=" got mapped PROT_READ|PROT_WRITE"
tap "$((rc == 0 && $(result_is unmapped half_unmapped "$pages") && $(has "$ev at $first")))" \
	"munmap oracle: half-unmapped range reports the other $pages pages from $first"

run munmap correct
tap "$((rc == 0 && $(result_is unmapped correct 0) && $(result_is pattern correct_rest 0) &&
	$(no_evidence)))" \
	"munmap oracle: positive control (range unmapped, rest intact) passes"

run pageout never_advised
line="# splitfail: silent-skip test=oracle_pageout op=madvise_pageout pages=$pages"
tap "$((rc == 0 && $(result_is paged_out never_advised "$pages") &&
	$(has "$line first=0x${first#0x}") &&
	$(has "expected paged out, got present at $first")))" \
	"pageout oracle: never-advised range is a SILENT-SKIP of $pages pages from $first"

zram_swap_setup
run pageout correct
if ((rc == 4)); then
	n=$((n + 1))
	echo "ok $n - pageout oracle: positive control # SKIP $(sed -n 's/^# SKIP //p' "$out")"
else
	tap "$((rc == 0 && $(result_is paged_out correct 0) &&
		$(result_is pattern correct_after_swapin 0) && $(no_evidence) &&
		! $(has 'silent-skip')))" \
		"pageout oracle: positive control (MADV_PAGEOUT on swap, swapped back in) passes"
fi
