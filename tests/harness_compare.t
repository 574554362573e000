#!/bin/bash
# harness_compare.t: `splitfail compare [--json] OLD NEW` (harness/record/compare.c). On
# hand-written records (tests/fixtures/records/): the new FAILs are exactly the tests that
# fail in NEW and did not (or did not exist) in OLD, a failure in one repetition (#2) counts,
# exit 1; fixed, still failing, no longer tested, new SILENT-SKIP, flaky, ERROR (the
# interrupted test too), missing and new tests each name their tests; --json says the same;
# a strict NEW fails its SILENT-SKIP; a run against itself: exit 0; usage errors exit 2. On
# real runs of the fake workload: a clean run against a broken one (one shard's cases made to
# fail, merged with the other's) names exactly that shard's cases, exit 1; and back: fixed,
# exit 0. On the running kernel (root): two smoke runs of thp_munmap, nothing newly fails.
. "$(dirname "$0")/fixtures/lib.sh"
BUILD=${SPLITFAIL_BUILD:-$TOP/build}
FIX=$TOP/tests/fixtures/records

cmp_run() {	# cmp_run ARGS...: stdout in $SCRATCH/out, exit code in rc
	"$SF" compare "$@" > "$SCRATCH/out" 2> "$SCRATCH/err"
	rc=$?
}
rows() {	# rows LABEL: the tests of the table's rows with that change, in order
	awk -v l="$1" 'substr($0, 1, 17) == sprintf("%-17s", l) { print $NF }' "$SCRATCH/out" |
		paste -sd' '
}

cmp_run "$FIX/clean" "$FIX/broken"
new=$(rows "new FAIL")
[ $rc -eq 1 ] && [ "$new" = "thp_munmap:thp_munmap.pmd.head thp_munmap:thp_munmap.pmd.head@random thp_move_pages:move.pmd.one" ]
ok $? "clean -> broken: exit 1, new FAIL = the #2 failure, the @random failure and the new failing test (got $rc: $new)" \
	"$(cat "$SCRATCH/out" "$SCRATCH/err")"
check_row() {	# check_row LABEL EXPECTED-TESTS
	local got
	got=$(rows "$1")
	[ "$got" = "$2" ]
	ok $? "clean -> broken: $1 = ${2:-nothing}" "got: $got"
}
check_row "fixed" "thp_numa_balance:numa.pmd.hint"
check_row "still failing" "thp_munmap:thp_munmap.pmd.middle"
check_row "no longer tested" "thp_munmap:thp_munmap.pmd.tail thp_fork_cow:fork.pmd.cow"
check_row "new SILENT-SKIP" "thp_pageout:thp_pageout.pmd.whole"
check_row "flaky" "thp_munmap:thp_munmap.pmd.head"
check_row "ERROR" "thp_munmap:thp_munmap.pmd.tail thp_mprotect:thp_mprotect.pmd.read_middle"
check_row "missing" "thp_race:race.pmd.all"
check_row "new test" "thp_move_pages:move.pmd.one"
grep -q '^new FAIL  *PASSx2  *PASS/FAIL  *thp_munmap:thp_munmap.pmd.head$' "$SCRATCH/out" &&
	grep -q '^3 new FAIL, 1 fixed, 1 still failing, 2 no longer tested, 1 new SILENT-SKIP, 1 flaky, 2 ERROR, 1 missing, 1 new test$' "$SCRATCH/out"
ok $? "the table shows each side's verdicts (PASSx2 -> PASS/FAIL) and the totals" "$(cat "$SCRATCH/out")"

cmp_run --json "$FIX/clean" "$FIX/broken"
j=$SCRATCH/out
[ $rc -eq 1 ] && [ "$(jq -r '.newly_fails' "$j")" = true ] &&
	[ "$(jq -r '[.changes[] | select(.change == "new_fail") | .name] | join(" ")' "$j")" = \
	  "thp_munmap:thp_munmap.pmd.head thp_munmap:thp_munmap.pmd.head@random thp_move_pages:move.pmd.one" ] &&
	[ "$(jq -c '.counts' "$j")" = '{"new_fail":3,"fixed":1,"still_failing":1,"no_longer_tested":2,"new_silent_skip":1,"flaky":1,"error":2,"missing":1,"new_test":1}' ] &&
	[ "$(jq -c '.changes[0].new' "$j")" = '{"PASS":1,"FAIL":1}' ] &&
	[ "$(jq -r '.new.finished' "$j")" = false ]
ok $? "--json: the same changes and counts, verdict counts per side, NEW not finished (got $rc)" \
	"$(cat "$j" "$SCRATCH/err")"

mkdir -p "$SCRATCH/strict"
sed '1s/"strict": false/"strict": true/' "$FIX/broken/record.jsonl" > "$SCRATCH/strict/record.jsonl"
cmp_run "$FIX/clean" "$SCRATCH/strict"
[ $rc -eq 1 ] && rows "new FAIL" | grep -qw 'thp_pageout:thp_pageout.pmd.whole'
ok $? "a strict NEW: its new SILENT-SKIP is a new FAIL" "$(cat "$SCRATCH/out")"
cmp_run "$FIX/broken" "$FIX/clean"
[ $rc -eq 1 ] &&
	[ "$(rows fixed)" = "thp_munmap:thp_munmap.pmd.head thp_munmap:thp_munmap.pmd.head@random" ] &&
	[ "$(rows "new FAIL")" = "thp_munmap:thp_munmap.pmd.tail thp_fork_cow:fork.pmd.cow thp_numa_balance:numa.pmd.hint" ]
ok $? "broken -> clean: the two fixed; a FAIL after PASS/ERROR, SKIP or PASS is new (got $rc)" \
	"$(cat "$SCRATCH/out")"
cmp_run "$FIX/clean" "$FIX/clean"
[ $rc -eq 0 ] && grep -q '^0 new FAIL, 0 fixed, 4 still failing' "$SCRATCH/out"
ok $? "a run against itself: exit 0, only still failing (got $rc)" "$(cat "$SCRATCH/out")"

usage() {	# usage EXPECTED-TEXT ARGS...
	local want=$1
	shift
	cmp_run "$@"
	[ $rc -eq 2 ] && grep -qF -- "$want" "$SCRATCH/err"
	ok $? "compare $*: exit 2 naming '$want' (got $rc)" "$(cat "$SCRATCH/err")"
}
usage "two results folders are needed" "$FIX/clean"
usage "unexpected argument '$FIX/clean'" "$FIX/clean" "$FIX/broken" "$FIX/clean"
usage "unexpected argument '--frobnicate'" --frobnicate "$FIX/clean" "$FIX/broken"
usage "$SCRATCH/none: not a results folder (no record.jsonl)" "$FIX/clean" "$SCRATCH/none"

# real runs of the fake workload: clean, and broken = shard 1of2 clean + shard 2of2 failing
fake() {	# fake OUT ARGS...
	local out=$1
	shift
	FAKE_MODE=${MODE:-ok} "$SF" --root "$TREE" --workload-dir "$WDIR" --out "$out" --no-progress \
		--strategy off "$@" > /dev/null 2>> "$SCRATCH/runs"
}
new_tree
fake "$SCRATCH/clean"
fake "$SCRATCH/half" --shard 1of2
MODE=fail fake "$SCRATCH/half-fail" --shard 2of2
"$SF" merge --out "$SCRATCH/broken" "$SCRATCH/half" "$SCRATCH/half-fail" 2>> "$SCRATCH/runs"
want=$("$SF" --root "$TREE" --workload-dir "$WDIR" --list --shard 2of2 | paste -sd' ')
cmp_run "$SCRATCH/clean" "$SCRATCH/broken"
[ $rc -eq 1 ] && [ -n "$want" ] && [ "$(rows "new FAIL")" = "$want" ] &&
	grep -q "^$(wc -w <<< "$want") new FAIL, 0 fixed, 0 still failing, 0 no longer tested, 0 new SILENT-SKIP, 0 flaky, 0 ERROR, 0 missing, 0 new test\$" "$SCRATCH/out"
ok $? "real runs: clean -> broken names exactly the failing shard's cases ($want) and nothing else, exit 1 (got $rc)" \
	"$(cat "$SCRATCH/out" "$SCRATCH/err" "$SCRATCH/runs")"
cmp_run "$SCRATCH/broken" "$SCRATCH/clean"
[ $rc -eq 0 ] && [ "$(rows fixed)" = "$want" ]
ok $? "real runs: broken -> clean: those cases fixed, exit 0 (got $rc)" "$(cat "$SCRATCH/out")"

if [ "$(id -u)" != 0 ] || [ ! -x "$BUILD/workloads/thp_munmap" ]; then
	echo "# SKIP real host runs: need root and $BUILD/workloads/thp_munmap"
	finish
	exit
fi
host_smoke "$SCRATCH/night1"
host_smoke "$SCRATCH/night2"
cmp_run "$SCRATCH/night1" "$SCRATCH/night2"
[ $rc -eq 0 ] && grep -q '^0 new FAIL, 0 fixed, 0 still failing, 0 no longer tested, 0 new SILENT-SKIP, 0 flaky, 0 ERROR, 0 missing, 0 new test$' "$SCRATCH/out"
ok $? "host: two smoke runs of thp_munmap, nothing changed, exit 0 (got $rc)" "$(cat "$SCRATCH/out")"

finish
