#!/bin/bash
# harness_order.t: the run order (harness/order.c, docs/protocol.md "Run order"). The first
# cases `splitfail --list` prints are the split operations' first cases (munmap, mprotect,
# pageout, fork + CoW), device migration comes last; the harness runs the cases in exactly
# the --list order, with and without --shard and --case (the runner's continuation after a
# guest death asks --list --continue-from what is left); `max_cases` still means
# the first cases of each workload.
. "$(dirname "$0")/fixtures/lib.sh"

BUILD=${SPLITFAIL_BUILD:-$TOP/build}
"$SF" --workload-dir "$BUILD/workloads" --list > "$SCRATCH/list" 2> "$SCRATCH/err"
ok $? "--list of the real workloads" "$(cat "$SCRATCH/err")"
first=$(head -n 8 "$SCRATCH/list" | cut -d: -f1 | paste -sd' ')
want="thp_munmap thp_mprotect thp_pageout thp_fork_cow thp_munmap thp_mprotect thp_pageout thp_fork_cow"
[ "$first" = "$want" ]
ok $? "the first 8 listed cases are the first two of munmap, mprotect, pageout, fork (got: $first)"
split_last=$(grep -nE '^thp_(munmap|mprotect|pageout|fork_cow):' "$SCRATCH/list" | tail -n 1 |
	cut -d: -f1)
other_first=$(grep -nvE '^thp_(munmap|mprotect|pageout|fork_cow):' "$SCRATCH/list" | head -n 1 |
	cut -d: -f1)
[ -n "$split_last" ] && [ "$split_last" -lt "$other_first" ]
ok $? "every split-operation case comes before any other (last at $split_last, next at $other_first)"
device_first=$(grep -n '^thp_device_migrate:' "$SCRATCH/list" | head -n 1 | cut -d: -f1)
others_before=$(head -n "$device_first" "$SCRATCH/list" | grep -cvE '^(thp_device_migrate|hugetlb_hwpoison):')
[ "$others_before" -eq "$(grep -cvE '^(thp_device_migrate|hugetlb_hwpoison):' "$SCRATCH/list")" ]
ok $? "device migration and hugetlb poisoning come after every other workload"
[ "$(sort -u "$SCRATCH/list" | wc -l)" -eq "$(wc -l < "$SCRATCH/list")" ]
ok $? "no case listed twice"

# run order = --list order, also per shard; fake workloads under the real workloads' names
FW=$SCRATCH/wl
mkdir -p "$FW"
for w in thp_device_migrate zz_unnamed thp_pageout thp_munmap; do
	ln -s "$WDIR/fake_thp" "$FW/$w"
done
new_tree
"$SF" --root "$TREE" --workload-dir "$FW" --list > "$SCRATCH/fake-list"
want="$(for _ in 1 2 3 4 5 6 7; do printf 'thp_munmap thp_pageout '; done)"	# 7 cases each
[ "$(cut -d: -f1 "$SCRATCH/fake-list" | uniq | paste -sd' ')" = \
  "${want}zz_unnamed thp_device_migrate" ]
ok $? "order: within tier 0 the cases alternate by index, then an unnamed workload (tier 1), device migration last" \
	"$(cut -d: -f1 "$SCRATCH/fake-list" | uniq -c)"
FAKE_MODE=ok "$SF" --root "$TREE" --workload-dir "$FW" --out "$OUT" --no-progress \
	--strategy off > /dev/null 2>&1
diff <(sed -n 's/^# splitfail: start test=//p' "$OUT/tap.txt") "$SCRATCH/fake-list" > "$SCRATCH/diff"
ok $? "the harness runs the cases in --list order" "$(cat "$SCRATCH/diff")"
"$SF" --root "$TREE" --workload-dir "$FW" --list --shard 1/3 > "$SCRATCH/shard-list"
new_tree
FAKE_MODE=ok "$SF" --root "$TREE" --workload-dir "$FW" --out "$OUT" --no-progress \
	--strategy off --shard 1/3 > /dev/null 2>&1
diff <(sed -n 's/^# splitfail: start test=//p' "$OUT/tap.txt") "$SCRATCH/shard-list" \
	> "$SCRATCH/diff" && [ -s "$SCRATCH/shard-list" ]
ok $? "--shard 1/3 runs what --list --shard 1/3 says, in that order" "$(cat "$SCRATCH/diff")"
new_tree
sel=thp_device_migrate:fake.head.munmap,fake.tail.remap,thp_munmap:plain.only
"$SF" --root "$TREE" --workload-dir "$FW" --list --case "$sel" > "$SCRATCH/case-list"
FAKE_MODE=ok "$SF" --root "$TREE" --workload-dir "$FW" --out "$OUT" --no-progress \
	--strategy off --case "$sel" --shard 1/2 > /dev/null 2>&1
diff <(sed -n 's/^# splitfail: start test=//p' "$OUT/tap.txt") \
	<(awk 'NR % 2 == 0' "$SCRATCH/case-list") > "$SCRATCH/diff" &&
	[ "$(wc -l < "$SCRATCH/case-list")" -eq 6 ]
ok $? "--list applies --case (6 cases), and --shard 1/2 of a --case run is every second of them" \
	"$(cat "$SCRATCH/case-list" "$SCRATCH/diff")"
new_tree
FAKE_MODE=ok FAKE_POINTS=1 "$SF" --root "$TREE" --workload-dir "$FW" --out "$OUT" \
	--no-progress --strategy off,sweep --max-cases 1 > /dev/null 2>&1
swept=$(grep -o '^ok [0-9]* - [^ ]*@nth=1' "$OUT/tap.txt" | sed 's/.* - //; s/@nth=1//' |
	paste -sd' ')
[ "$swept" = "thp_munmap:fake.head.munmap thp_pageout:fake.head.munmap zz_unnamed:fake.head.munmap thp_device_migrate:fake.head.munmap" ]
ok $? "max_cases 1: the sweep runs on the first case of each workload only (got: $swept)"

finish
