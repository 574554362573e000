#!/bin/bash
# harness_cli.t: usage errors exit 2 naming the bad value; profile and kallsyms parsing
# reject bad input naming file and line; verdicts from the fake workload's behaviours
# (kernel-log bug line, check failure, skip, silent skip, leak, no fault injection) come
# out right in tap.txt, summary.json and the exit code; a sweep stops at the first N whose
# fault is not consumed. All against a fake /proc,/sys tree (--root).
. "$(dirname "$0")/fixtures/lib.sh"

usage_case() {	# usage_case EXPECTED-TEXT ARGS...
	local want=$1
	shift
	"$SF" --workload-dir "$WDIR" "$@" > /dev/null 2> "$SCRATCH/err"
	local rc=$?
	[ $rc -eq 2 ] && grep -qF -- "$want" "$SCRATCH/err"
	ok $? "usage: $* -> exit 2 naming '$want' (got $rc)" "$(cat "$SCRATCH/err")"
}
usage_case "--seed: bad value 'abc'" --seed abc
usage_case "--shard: bad value '2/2'" --shard 2/2
usage_case "unknown strategy 'bogus'" --strategy off,bogus
usage_case "--timeout: bad value '0'" --timeout 0
usage_case "--ignore-gfp-wait: bad value 'maybe'" --ignore-gfp-wait maybe
usage_case "unknown option" --frobnicate
usage_case "--profile: bad value 'no_such_profile'" --profile no_such_profile

profile_case "2: seed: bad value 'abc'" "[run]\nseed = abc\n"
profile_case "1: unknown section [bogus]" "[bogus]\n"
profile_case "3: expected 'key = value'" "# c\n[run]\njust words\n"
profile_case "2: unknown key 'nope' in section [run]" "[run]\nnope = 1\n"
profile_case "1: key 'seed' outside any [section]" "seed = 1\n"
profile_case "2: strategies: unknown strategy 'fast'" "[run]\nstrategies = off, fast\n"
profile_case "2: malformed section header" "[run]\n[fault\n"
for p in smoke nightly strict pressure; do
	"$SF" --profile "$TOP/configs/$p.ini" --workload-dir "$WDIR" --list > /dev/null 2>&1
	ok $? "profile: configs/$p.ini parses"
done

new_tree
printf 'ffffffff81000000 T _stext\nzzzz T broken\n' > "$TREE/proc/kallsyms"
sf --strategy targeted --target __split_huge_pmd
rc=$?
[ $rc -eq 2 ] && grep -qF "$TREE/proc/kallsyms:2: malformed line" "$SCRATCH/err"
ok $? "kallsyms: malformed line rejected naming file:line (got $rc)" "$(cat "$SCRATCH/err")"
new_tree
sf --strategy targeted --target no_such_fn
rc=$?
[ $rc -eq 2 ] && grep -qF "no function named 'no_such_fn'" "$SCRATCH/err"
ok $? "kallsyms: unknown --target is a usage error (got $rc)" "$(cat "$SCRATCH/err")"
new_tree
FAKE_MODE=ok sf --strategy targeted --case fake.head.munmap
grep -q '"fake_thp:fake.head.munmap@target=__split_huge_pmd", "verdict": "PASS"' \
	"$OUT/summary.json" && grep -qx '0x0000000000000000' \
	"$TREE/sys/kernel/debug/failslab/require-start"
ok $? "targeted: runs the workload's target found in kallsyms, restores the filter"
grep -q "@target=no_such_function # SKIP .*no function named 'no_such_function'" \
	"$OUT/tap.txt"
ok $? "targeted: a workload target missing from kallsyms is SKIP with the reason"

verdict_case() {	# verdict_case MODE WANT-RC TAP-REGEX [harness args]
	local mode=$1 want=$2 re=$3
	shift 3
	new_tree
	FAKE_MODE=$mode sf --case fake.head.munmap "$@"
	local rc=$?
	[ $rc -eq "$want" ] && grep -Eq -- "$re" "$OUT/tap.txt" &&
		python3 -c 'import json,sys; d = json.load(open(sys.argv[1]));
assert d["tests"] and all(k in d["tests"][0] for k in
    ("name", "verdict", "faults_injected", "evidence", "reproduce", "vmstat_delta"))
assert all(k in d for k in ("kernel", "profile", "seed", "strategy", "counts",
    "faults_injected"))' "$OUT/summary.json" &&
		[ -s "$OUT/junit.xml" ] && [ -e "$OUT/kmsg.txt" ] && ls "$OUT/logs/"*.log > /dev/null
	ok $? "verdict: FAKE_MODE=$mode $* -> exit $want, tap matches '${re//#/}' (got $rc)" \
		"$(cat "$OUT/tap.txt" "$SCRATCH/err")"
}
verdict_case ok 0 '^ok 1 - fake_thp:fake.head.munmap$'
verdict_case kmsg 1 'evidence: kernel log: expected no bug messages, actual: BUG: Bad page state'
verdict_case fail 1 'workload check failed: expected exit 0, actual 1; # fake.head.munmap: pattern: expected 0x5a5a, got 0x0000'
verdict_case skip 4 '^ok 1 - fake_thp:fake.head.munmap # SKIP no swap configured'
verdict_case silent 0 '^ok 1 - fake_thp:fake.head.munmap # SILENT-SKIP'
verdict_case silent 1 '^not ok 1 - fake_thp:fake.head.munmap # SILENT-SKIP' --strict
verdict_case leak 1 'leak: nr_page_table_pages expected <= 0 above baseline 800 after 2000 ms settle, actual \+100 \(exact mode' \
	--leak-mode exact
# busy mode: +100 system-wide page tables that no page_owner ties to the workload are a note
verdict_case leak 0 '^ok 1 - fake_thp:fake.head.munmap$' --leak-mode busy
grep -q 'residual (unattributed): nr_page_table_pages expected <= 64 above baseline 800 after 2000 ms settle, actual +100.*not judged a leak (busy mode)' \
	"$OUT/summary.json"
ok $? "leak: busy mode without page_owner notes the +100 page tables in the evidence, no FAIL" \
	"$(grep -o '"evidence": "[^"]*' "$OUT/summary.json")"
verdict_case ok 0 '^ok 1 - fake_thp:fake.head.munmap@nth=2$' --strategy sweep --seed 7 --nth 2
grep -q '"reproduce": ".* --only fake_thp --case fake_thp:fake.head.munmap@nth=2 --seed 7 --timeout ' \
	"$OUT/summary.json"
ok $? "reproduce: the recorded command names the run (case@nth=2: that step alone) and the seed"

# the runner's start line: written before each run, named like its result line
new_tree
FAKE_MODE=hang sf --strategy off --timeout 2 --case fake.head.munmap,fake.tail.remap
[ "$(grep -A1 '^# splitfail: start test=' "$OUT/tap.txt" | grep -v '^#   ' | paste -sd'|')" = \
  "# splitfail: start test=fake_thp:fake.head.munmap|not ok 1 - fake_thp:fake.head.munmap # FAIL|--|# splitfail: start test=fake_thp:fake.tail.remap|not ok 2 - fake_thp:fake.tail.remap # FAIL" ]
ok $? "tap.txt: '# splitfail: start test=<name>' precedes each run's result" "$(cat "$OUT/tap.txt")"

new_tree
echo 1 > "$TREE/proc/sys/kernel/tainted"
FAKE_MODE=ok sf --case fake.head.munmap
ok $? "taint: bits set before the run are not blamed on it"

# sweep: N = 1, 2, ... until the window reports consumed=0
new_tree
FAKE_MODE=ok FAKE_POINTS=2 sf --strategy sweep --case fake.head.munmap
rc=$?
names=$(grep '^ok' "$OUT/tap.txt" | grep -o 'fake.head.munmap@nth=[0-9]*' | paste -sd' ')
[ $rc -eq 0 ] && [ "$names" = "fake.head.munmap@nth=1 fake.head.munmap@nth=2 fake.head.munmap@nth=3" ]
ok $? "sweep: stops at the first unconsumed N (got: $names)"
python3 -c 'import json,sys; d = json.load(open(sys.argv[1]))
assert [t["consumed"] for t in d["tests"]] == [1, 1, 0], d["tests"]' "$OUT/summary.json"
ok $? "sweep: consumed per N is 1, 1, 0 in summary.json"
new_tree
FAKE_MODE=ok FAKE_POINTS=100 sf --strategy sweep --sweep-cap 5 --case fake.head.munmap
[ "$(grep -c '^ok .*@nth=' "$OUT/tap.txt")" -eq 5 ] && grep -q 'sweep cap 5 reached' "$SCRATCH/err"
ok $? "sweep: stops at the cap and says so"

# targeted_cap: a targeted sweep has its own, smaller cap; the prefix sweep keeps sweep_cap
new_tree
FAKE_MODE=ok FAKE_POINTS=100 sf --strategy targeted --targeted-sweep yes --targeted-cap 2 \
	--sweep-cap 5 --target __split_huge_pmd --case fake.head.munmap
[ "$(grep -c '^ok .*@target=__split_huge_pmd,nth=' "$OUT/tap.txt")" -eq 2 ] &&
	grep -q 'fake.head.munmap@target=__split_huge_pmd: sweep cap 2 reached' "$SCRATCH/err"
ok $? "targeted sweep: stops at targeted_cap (2), not sweep_cap (5)" "$(cat "$SCRATCH/err")"

# budget: no case starts once it is spent; the ones not reached are listed, not run
new_tree
FAKE_MODE=slow FAKE_SLEEP=1.2 sf --strategy off --repeat 3 --budget 1 --case fake.head.munmap
rc=$?
python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); b = d["budget"]
assert len(d["tests"]) == 1 and d["tests"][0]["verdict"] == "PASS", d["tests"]
assert b["seconds"] == 1 and b["not_reached"] == 2, b
assert b["cases_not_reached"] == ["fake_thp:fake.head.munmap#2", "fake_thp:fake.head.munmap#3"], b' \
	"$OUT/summary.json" && [ $rc -eq 0 ] && grep -q 'time budget of 1 s spent: 2 test case' "$SCRATCH/err"
ok $? "budget: the first case runs, the 2 not reached are listed in summary.json (exit $rc)" \
	"$(cat "$SCRATCH/err")"

# budget: a sweep running when it is spent stops between steps (one run over, not the cap)
new_tree
FAKE_MODE=slow FAKE_SLEEP=1.2 FAKE_POINTS=100 sf --strategy sweep --sweep-cap 50 --budget 1 \
	--case fake.head.munmap
rc=$?
python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); b = d["budget"]
assert [t["name"] for t in d["tests"]] == ["fake_thp:fake.head.munmap@nth=1"], d["tests"]
assert b["cut_short"] == "fake_thp:fake.head.munmap", b' "$OUT/summary.json" && [ $rc -eq 0 ]
ok $? "budget: a sweep stops at its next step once it is spent, the case is cut short (exit $rc)" \
	"$(cat "$SCRATCH/err"; grep -o '"name": "[^"]*"' "$OUT/summary.json")"

# a kernel without fault injection: baseline runs count, injection runs SKIP with the reason
new_tree
rm -rf "${TREE:?}/sys/kernel/debug/failslab" "${TREE:?}/sys/kernel/debug/fail_page_alloc"
FAKE_MODE=ok sf --strategy off,random,sweep --case fake.head.munmap
rc=$?
[ $rc -eq 4 ] && grep -q '^ok 1 - fake_thp:fake.head.munmap$' "$OUT/tap.txt" &&
	[ "$(grep -c '# SKIP kernel has no fault injection (no .*/sys/kernel/debug/failslab)' \
		"$OUT/tap.txt")" -eq 2 ]
ok $? "no fault injection: off runs, random and sweep SKIP with the reason, exit 4 (got $rc)" \
	"$(cat "$OUT/tap.txt")"

# shards split the cases without overlap
new_tree
sf --shard 0/2
a=$(grep -c '^ok' "$OUT/tap.txt")
OUT=$OUT.b sf --shard 1/2
b=$(grep -c '^ok' "$OUT.b/tap.txt")
[ "$a" -eq 4 ] && [ "$b" -eq 3 ]
ok $? "shard: 0/2 and 1/2 run 4 + 3 of the 7 cases (got $a + $b)"

finish
