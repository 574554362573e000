#!/bin/bash
# harness_selection.t: a run where nothing was tested is never "good". An unknown --only
# workload, an unknown --case or strategy suffix is a usage error (exit 2) naming it, before
# any results folder exists; --case takes result names back (@random, @nth=N,
# @target=FN,nth=N, #N) and runs exactly that run; every run SKIP, a selection that leaves
# nothing, and injection asked of a kernel without it exit 4 (nothing tested); a kernel log
# that cannot be read makes the runs ERROR (exit 3), never PASS. Fake /proc,/sys tree (--root).
. "$(dirname "$0")/fixtures/lib.sh"

usage_sel() {	# usage_sel EXPECTED-TEXT ARGS...: exit 2 naming it, no results folder
	local want=$1
	shift
	new_tree
	sf "$@"
	local rc=$?
	[ $rc -eq 2 ] && grep -qF -- "$want" "$SCRATCH/err" && [ ! -e "$OUT" ]
	ok $? "usage: $* -> exit 2 naming '$want', no results folder (got $rc)" \
		"$(cat "$SCRATCH/err")"
}
usage_sel "unknown workload 'nosuch'" --only fake_thp,nosuch
usage_sel "no test case 'nosuch.case'" --case nosuch.case
usage_sel "no test case 'fake.head.nosuch'" --case fake.head.munmap,fake.head.nosuch
usage_sel "unknown strategy suffix '@bogus'" --case fake.head.munmap@bogus
usage_sel "unknown strategy suffix '@nth=0'" --case fake.head.munmap@nth=0
usage_sel "items name different strategies (@random, @nth=2)" \
	--case fake.head.munmap@random,fake.tail.remap@nth=2

ran_as() {	# ran_as EXPECTED-RESULT-NAMES ARGS...: exit 0, exactly these results
	local want=$1
	shift
	new_tree
	FAKE_MODE=ok sf "$@"
	local rc=$?
	local got
	got=$(grep -o '^ok [0-9]* - [^ ]*' "$OUT/tap.txt" | cut -d' ' -f4 | paste -sd' ')
	[ $rc -eq 0 ] && [ "$got" = "$want" ]
	ok $? "$*: ran '$want' (got '$got', exit $rc)" "$(cat "$SCRATCH/err")"
}
ran_as "fake_thp:fake.head.munmap@nth=2" --case fake.head.munmap@nth=2
ran_as "fake_thp:fake.head.munmap@random" --case fake_thp:fake.head.munmap@random
ran_as "fake_thp:fake.head.munmap@target=__split_huge_pmd,nth=1" \
	--case 'fake_thp:fake.head.munmap@target=__split_huge_pmd,nth=1'
ran_as "fake_thp:fake.head.munmap" --case 'fake.head.munmap#2'

printf '[run]\nstrategies = off, random\nmax_cases = 1\n' > "$SCRATCH/max1.ini"
ran_as "fake_thp:fake.tail.remap@random" --profile "$SCRATCH/max1.ini" \
	--case fake.tail.remap@random

new_tree
FAKE_MODE=skip sf --case fake.head.munmap
rc=$?
[ $rc -eq 4 ] && grep -q 'nothing was tested: every run was SKIP' "$SCRATCH/err"
ok $? "every run SKIP: exit 4, 'nothing was tested' (got $rc)" "$(cat "$SCRATCH/err")"

new_tree
FAKE_MODE=ok sf --case fake.head.munmap --shard 1/2
rc=$?
[ $rc -eq 4 ] && grep -q 'nothing was tested: no run matched' "$SCRATCH/err"
ok $? "a shard left with no run: exit 4 (got $rc)" "$(cat "$SCRATCH/err")"

new_tree
rm -rf "${TREE:?}/sys/kernel/debug/failslab" "${TREE:?}/sys/kernel/debug/fail_page_alloc"
FAKE_MODE=ok sf --strategy off,random --case fake.head.munmap
rc=$?
[ $rc -eq 4 ] && grep -q 'not tested as asked: injection runs SKIP' "$SCRATCH/err"
ok $? "injection asked, kernel without it: exit 4 (got $rc)" "$(cat "$SCRATCH/err")"

new_tree
rm -f "${TREE:?}/dev/kmsg"
FAKE_MODE=ok sf --case fake.head.munmap
rc=$?
python3 -c 'import json,sys; d = json.load(open(sys.argv[1]))
assert d["counts"]["pass"] == 0 and d["counts"]["error"] == 1, d["counts"]
assert "no kernel log" in d["tests"][0]["evidence"], d["tests"][0]' "$OUT/summary.json" &&
	[ $rc -eq 3 ]
ok $? "unreadable kernel log: the run is ERROR naming it in summary.json, exit 3 (got $rc)" \
	"$(cat "$SCRATCH/err")"

finish
