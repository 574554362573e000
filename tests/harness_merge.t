#!/bin/bash
# harness_merge.t: `splitfail merge [--allow-mixed] --out DIR SRC...` (harness/record/merge.c).
# Usage errors (exit 2, nothing written): no --out or source, an --out that exists and is not
# empty, a source without record.jsonl, a source twice, sources of different kernels (unless
# --allow-mixed). Real runs of the fake workload: merging the shards of a --repeat 2 run
# gives the unsharded run's result names and verdict counts, a run line without a shard, a
# "merged" extra naming the sources, an end finished only when every source finished, every
# log copied (renamed when two sources have one of the same name), renderings that parse. On
# the running kernel (root, build/workloads/thp_munmap): the 4 shards of a smoke run of
# thp_munmap merge into the unsharded run's names and verdict counts.
. "$(dirname "$0")/fixtures/lib.sh"
BUILD=${SPLITFAIL_BUILD:-$TOP/build}
FIX=$TOP/tests/fixtures/records

merge() {	# merge ARGS...: exit code in rc, stderr in $SCRATCH/err
	"$SF" merge "$@" > /dev/null 2> "$SCRATCH/err"
	rc=$?
}
refused() {	# refused EXPECTED-TEXT OUT ARGS...: exit 2 naming it, OUT not created
	local want=$1 out=$2
	shift 2
	merge "$@"
	[ $rc -eq 2 ] && grep -qF -- "$want" "$SCRATCH/err" && [ ! -e "$out" ]
	ok $? "merge $*: exit 2 naming '$want', nothing written (got $rc)" "$(cat "$SCRATCH/err")"
}
M=$SCRATCH/m
refused "no results folder to merge" "$M" --out "$M"
refused "--out DIR is needed" "$M" "$FIX/clean"
refused "$SCRATCH/none: not a results folder (no record.jsonl)" "$M" --out "$M" "$FIX/clean" \
	"$SCRATCH/none"
refused "are the same folder" "$M" --out "$M" "$FIX/clean" "$FIX/clean/"
refused "unknown option '--bogus'" "$M" --bogus --out "$M" "$FIX/clean"
mkdir -p "$SCRATCH/full" && touch "$SCRATCH/full/x"
merge --out "$SCRATCH/full" "$FIX/clean"
[ $rc -eq 2 ] && grep -qF "exists and is not empty" "$SCRATCH/err" &&
	[ "$(ls "$SCRATCH/full")" = x ]
ok $? "an --out that exists and is not empty: exit 2, left alone (got $rc)" "$(cat "$SCRATCH/err")"
mkdir -p "$SCRATCH/k2"
sed 's/"kernel": "7.2.13"/"kernel": "6.12.117"/' "$FIX/clean/record.jsonl" > "$SCRATCH/k2/record.jsonl"
refused "different kernels: 7.2.13 ($FIX/clean) and 6.12.117 ($SCRATCH/k2)" "$M" --out "$M" \
	"$FIX/clean" "$SCRATCH/k2"
merge --allow-mixed --out "$M" "$FIX/clean" "$SCRATCH/k2"
[ $rc -eq 0 ] && [ "$(head -n 1 "$M/record.jsonl" | jq -r .kernel)" = "7.2.13,6.12.117" ] &&
	[ "$(jq -r '.counts.fail' "$M/summary.json")" -eq 8 ]
ok $? "--allow-mixed: merged, kernel '7.2.13,6.12.117', the 2 x 4 FAILs (got $rc)" \
	"$(cat "$SCRATCH/err")"

# fixtures: an unfinished source makes an unfinished merge; its running test is an ERROR
M=$SCRATCH/m2
merge --out "$M" "$FIX/clean" "$FIX/broken"
end=$(tail -n 1 "$M/record.jsonl")
[ $rc -eq 0 ] && [ "$(jq -r .finished <<< "$end")" = false ] &&
	jq -r .ended_by <<< "$end" | grep -qF "$FIX/broken: no end line" &&
	[ "$(jq -s 'map(select(.type == "result" and .name == "thp_munmap:thp_munmap.pmd.tail#2"
		and .verdict == "ERROR" and .rep == 1)) | length' "$M/record.jsonl")" = 1 ] &&
	[ "$(jq -r .finished "$M/summary.json")" = false ] && tail -n 1 "$M/tap.txt" | grep -q '^Bail out!'
ok $? "a source without an end line: merged end unfinished naming it, its running test ERROR, TAP Bail out! (got $rc)" \
	"$(cat "$SCRATCH/err"; echo "$end")"

# real runs of the fake workload: 3 shards of a --repeat 2 run, and the unsharded run
fake() {	# fake OUT ARGS...
	local out=$1
	shift
	FAKE_MODE=${MODE:-ok} "$SF" --root "$TREE" --workload-dir "$WDIR" --out "$out" --no-progress \
		--strategy off,sweep --max-cases 1 --repeat 2 "$@" > /dev/null 2>> "$SCRATCH/runs"
}
logs() {	# logs DIR: the distinct logs its results name (a batch's steps share one)
	jq -r 'select(.type == "result") | .log' "$1/record.jsonl" | sort -u
}
names() {	# names DIR: result names and verdicts, sorted
	jq -r 'select(.type == "result") | "\(.name) \(.verdict)"' "$1/record.jsonl" | sort
}
new_tree
fake "$SCRATCH/all"
for k in 1 2 3; do
	fake "$SCRATCH/f$k" --shard "${k}of3"
done
MODE=fail fake "$SCRATCH/f3-fail" --shard 3of3
M=$SCRATCH/merged
merge --out "$M" "$SCRATCH/f1" "$SCRATCH/f2" "$SCRATCH/f3"
n=$(names "$SCRATCH/all" | wc -l)
[ $rc -eq 0 ] && [ "$n" -gt 14 ] && diff <(names "$SCRATCH/all") <(names "$M") > "$SCRATCH/diff"
ok $? "3 shards merged: the unsharded run's $n result names and verdicts (got $rc)" \
	"$(cat "$SCRATCH/err" "$SCRATCH/diff")"
want=$(for v in pass fail silent_skip skip error known_fail; do
	jq -r ".counts.$v" "$SCRATCH/all/summary.json"; done | paste -sd' ')
got=$(for v in pass fail silent_skip skip error known_fail; do
	jq -r ".counts.$v" "$M/summary.json"; done | paste -sd' ')
[ "$want" = "$got" ]
ok $? "merged summary.json counts = unsharded ($got)"
hdr=$(head -n 1 "$M/record.jsonl")
[ "$(jq -r .shard <<< "$hdr")" = "" ] && [ "$(jq -r .finished "$M/summary.json")" = true ] &&
	[ "$(jq -r '.merged.sources | map(.shard) | join(" ")' "$M/summary.json")" = "0/3 1/3 2/3" ] &&
	[ "$(jq -r '.merged.sources | map(.dir) | join(" ")' "$M/summary.json")" = \
	  "$SCRATCH/f1 $SCRATCH/f2 $SCRATCH/f3" ]
ok $? "all 3 of 3 shards: run line without a shard, finished, 'merged' names the sources in order" \
	"$hdr"
bad=0
while read -r log src; do
	[ -n "$log" ] && [ -f "$M/$log" ] && cmp -s "$M/$log" "$src/$log" || bad=$((bad + 1))
done < <(for k in 1 2 3; do
	jq -r --arg s "$SCRATCH/f$k" 'select(.type == "result") | "\(.log) \($s)"' \
		"$SCRATCH/f$k/record.jsonl"; done)
[ $bad -eq 0 ] && [ "$(logs "$M" | wc -l)" -eq "$(for k in 1 2 3; do logs "$SCRATCH/f$k"; done |
	wc -l)" ]
ok $? "every result's log copied: same path, same bytes ($bad bad), as many logs as the shards'"
python3 "$TOP/tests/render_lib.py" "$M" "$SCRATCH/m2" > "$SCRATCH/py" 2>&1 &&
	! grep -q '^not ok' "$SCRATCH/py" &&
	grep -q "^1\.\.$n\$" "$M/tap.txt" && head -n 3 "$M/ktap.txt" | grep -q "^1\.\.$n\$"
ok $? "renderings of the merges through their strict parsers and schemas (tests/render_lib.py), TAP and KTAP plan $n" \
	"$(cat "$SCRATCH/py")"

# two runs of the same cases (two machines): every log kept, the second's renamed
M=$SCRATCH/twice
merge --out "$M" "$SCRATCH/all" "$SCRATCH/f3-fail" "$SCRATCH/f1"
t1=$(jq -r 'select(.type == "result") | .log' "$SCRATCH/f3-fail/record.jsonl" | head -n 1)
t2=$(jq -r 'select(.type == "result") | .log' "$M/record.jsonl" | sed -n "$((n + 1))p")
[ $rc -eq 0 ] && [ "$t2" = "logs/s2-${t1#logs/}" ] && cmp -s "$M/$t2" "$SCRATCH/f3-fail/$t1" &&
	cmp -s "$M/$t1" "$SCRATCH/all/$t1" &&
	[ "$(logs "$M" | wc -l)" -eq "$(for d in all f3-fail f1; do logs "$SCRATCH/$d"; done |
	  wc -l)" ] &&
	[ "$(jq -r .shard <<< "$(head -n 1 "$M/record.jsonl")")" = "2/3,0/3" ]
ok $? "sources with the same tests: the second's logs become logs/s2-NAME ($t2), no log shared, shard '2/3,0/3' (got $rc)" \
	"$(cat "$SCRATCH/err")"

# the running kernel: off runs PASS, injection runs SKIP (no fault injection here); leak
# tolerances wide open, the machine is shared and its THP counters move
if [ "$(id -u)" != 0 ] || [ ! -x "$BUILD/workloads/thp_munmap" ]; then
	echo "# SKIP real host runs: need root and $BUILD/workloads/thp_munmap"
	finish
	exit
fi
host_smoke "$SCRATCH/host-all"
for k in 1 2 3 4; do
	host_smoke "$SCRATCH/host$k" --shard "${k}of4"
done
M=$SCRATCH/host-merged
merge --out "$M" "$SCRATCH"/host{1,2,3,4}
n=$(names "$SCRATCH/host-all" | wc -l)
[ $rc -eq 0 ] && [ "$n" -gt 40 ] && diff <(names "$SCRATCH/host-all") <(names "$M") > "$SCRATCH/diff"
ok $? "host: the 4 shards of a smoke run of thp_munmap merge into the unsharded run's $n names and verdicts (got $rc)" \
	"$(cat "$SCRATCH/err" "$SCRATCH/diff")"

finish
