#!/bin/bash
# harness_shard.t: --shard (harness/shard.c). The n shards' `--list` outputs are disjoint,
# each is every n-th listed case from its place, and together they are the unsharded list;
# the 1-based KofN form names the same shard as the 0-based (K-1)/N; bad values are usage
# errors naming the value (harness exit 2, run.sh 128) before any results folder exists. On
# the running kernel (root, build/workloads/thp_munmap): each shard of a real `--repeat 2`
# run runs exactly its listed cases, and the same ones in both passes, each as many times.
. "$(dirname "$0")/fixtures/lib.sh"
BUILD=${SPLITFAIL_BUILD:-$TOP/build}

new_tree
list() {	# list ARGS...: the fake workloads' cases, as --list prints them
	"$SF" --root "$TREE" --workload-dir "$WDIR" --list "$@" 2> "$SCRATCH/err"
}

for bad in 4/4 -1/4 1/0 0of4 5of4 3of 1/2x ' 1/2' 1of2of3 3by4 100001of100002; do
	new_tree
	sf --shard "$bad"
	rc=$?
	[ $rc -eq 2 ] && grep -qF -- "--shard: bad value '$bad'" "$SCRATCH/err" && [ ! -e "$OUT" ]
	ok $? "--shard '$bad': exit 2 naming it, no results folder (got $rc)" "$(cat "$SCRATCH/err")"
done
"$TOP/run.sh" --list --shard 3by4 > /dev/null 2> "$SCRATCH/err"
rc=$?
[ $rc -eq 128 ] && grep -qF "got '3by4'" "$SCRATCH/err"
ok $? "run.sh --shard 3by4: exit 128 naming it (got $rc)" "$(cat "$SCRATCH/err")"
"$TOP/run.sh" --list --shard 3of4 -- --root "$TREE" --workload-dir "$WDIR" \
	> "$SCRATCH/runsh" 2> "$SCRATCH/err"
rc=$?
list --shard 2/4 > "$SCRATCH/want"
[ $rc -eq 0 ] && [ -s "$SCRATCH/want" ] && diff "$SCRATCH/want" "$SCRATCH/runsh" > "$SCRATCH/diff"
ok $? "run.sh --list --shard 3of4 lists the harness's shard 2/4 (got $rc)" \
	"$(cat "$SCRATCH/err" "$SCRATCH/diff")"

list > "$SCRATCH/all"
all=$(wc -l < "$SCRATCH/all")
for n in 1 2 3 4 7 9; do
	: > "$SCRATCH/union"
	same=0 every=0
	for ((i = 0; i < n; i++)); do
		list --shard "$i/$n" > "$SCRATCH/s0"
		list --shard "$((i + 1))of$n" > "$SCRATCH/s1"
		cmp -s "$SCRATCH/s0" "$SCRATCH/s1" || same=1
		awk -v i="$i" -v n="$n" '(NR - 1) % n == i' "$SCRATCH/all" |
			cmp -s - "$SCRATCH/s0" || every=1
		cat "$SCRATCH/s0" >> "$SCRATCH/union"
	done
	[ "$all" -gt 0 ] && [ $same -eq 0 ] && [ $every -eq 0 ] &&
		[ "$(wc -l < "$SCRATCH/union")" -eq "$all" ] &&
		diff <(sort "$SCRATCH/all") <(sort "$SCRATCH/union") > "$SCRATCH/diff"
	ok $? "n=$n: i/n = (i+1)of$n, shard i is listed cases i, i+n, ..., the $n shards are the $all cases once each" \
		"same=$same every=$every $(cat "$SCRATCH/diff" 2>/dev/null)"
done
sel=fake.tail.remap,fake.head.munmap,plain.only
list --case "$sel" > "$SCRATCH/sel"
list --case "$sel" --shard 2of2 > "$SCRATCH/sel2"
[ "$(wc -l < "$SCRATCH/sel")" -eq 3 ] && sed -n 2p "$SCRATCH/sel" | cmp -s - "$SCRATCH/sel2"
ok $? "--case then --shard: 2of2 of the 3 selected cases is the second of them" \
	"$(cat "$SCRATCH/sel" "$SCRATCH/sel2")"

# a real run on the running kernel: off runs PASS, injection runs SKIP (no fault injection)
if [ "$(id -u)" != 0 ] || [ ! -x "$BUILD/workloads/thp_munmap" ]; then
	echo "# SKIP real host runs: need root and $BUILD/workloads/thp_munmap"
	echo "1..$T"
	exit $((FAILED > 0))
fi
# per_case DIR REP: "<workload>:<case> <results>" of pass REP (0, 1) in DIR's run record, sorted
per_case() {
	jq -r --argjson rep "$2" 'select(.type == "result" and .rep == $rep) |
		"\(.workload):\(.case)"' "$1/record.jsonl" | sort | uniq -c | awk '{ print $2, $1 }'
}
"$SF" --only thp_munmap --workload-dir "$BUILD/workloads" --list > "$SCRATCH/host-all"
: > "$SCRATCH/host-union"
for k in 1 2 3 4; do
	host_smoke "$SCRATCH/shard$k" --shard "${k}of4" --repeat 2
	"$SF" --only thp_munmap --workload-dir "$BUILD/workloads" --list --shard "${k}of4" \
		> "$SCRATCH/listed$k"
	per_case "$SCRATCH/shard$k" 0 > "$SCRATCH/p1"
	per_case "$SCRATCH/shard$k" 1 > "$SCRATCH/p2"
	cut -d' ' -f1 "$SCRATCH/p1" >> "$SCRATCH/host-union"
	{ [ $rc -le 1 ] || [ $rc -eq 4 ]; } && [ -s "$SCRATCH/p1" ] &&
		diff "$SCRATCH/p1" "$SCRATCH/p2" > "$SCRATCH/diff" &&
		diff <(sort "$SCRATCH/listed$k") <(cut -d' ' -f1 "$SCRATCH/p1") >> "$SCRATCH/diff"
	ok $? "host --shard ${k}of4 --repeat 2: both passes run the shard's $(wc -l < "$SCRATCH/listed$k") listed cases, each as often (exit $rc)" \
		"$(cat "$SCRATCH/runs" "$SCRATCH/diff")"
done
[ "$(wc -l < "$SCRATCH/host-union")" -eq "$(wc -l < "$SCRATCH/host-all")" ] &&
	diff <(sort "$SCRATCH/host-all") <(sort "$SCRATCH/host-union") > "$SCRATCH/diff"
ok $? "host: the 4 shards ran the $(wc -l < "$SCRATCH/host-all") listed cases once each" \
	"$(cat "$SCRATCH/diff")"

finish
