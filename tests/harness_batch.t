#!/bin/bash
# harness_batch.t: a sweep's steps in batches ([run] batch, docs/protocol.md "Batches"), against
# the fake tree and the fake workload: a clean batch gives each step the result a run of its
# own gives; the record names each step as started before it runs; a batch that shows a leak
# runs its steps alone and blames the step that leaks; what a batch shows and no step alone
# does is a result of the batch's own, which its name reproduces; a test that refuses batches
# costs one refused run per case; a bad batch name is a usage error.
. "$(dirname "$0")/fixtures/lib.sh"

names_verdicts() {	# NAME VERDICT CONSUMED, one line a result, from summary.json
	python3 -c 'import json, sys
for t in json.load(open(sys.argv[1]))["tests"]:
    print(t["name"], t["verdict"], t["consumed"])' "$OUT/summary.json"
}

new_tree
FAKE_MODE=ok FAKE_POINTS=5 sf --strategy sweep --batch 1 --case fake.head.munmap
names_verdicts > "$SCRATCH/alone"
logs_alone=$(ls "$OUT/logs" | wc -l)
new_tree
FAKE_MODE=ok FAKE_POINTS=5 sf --strategy sweep --batch 4 --case fake.head.munmap
rc=$?
names_verdicts > "$SCRATCH/batch"
[ $rc -eq 0 ] && [ "$(wc -l < "$SCRATCH/alone")" -eq 6 ] && diff "$SCRATCH/alone" "$SCRATCH/batch"
ok $? "batch of 4: the same 6 results (names, verdicts, consumed) as a process per step (exit $rc)" \
	"$(diff "$SCRATCH/alone" "$SCRATCH/batch"; cat "$SCRATCH/err")"
ls "$OUT/logs" > "$SCRATCH/logs"
[ "$logs_alone" -eq 6 ] && [ "$(wc -l < "$SCRATCH/logs")" -eq 2 ] &&
	grep -qx 'fake_thp.fake.head.munmap.nth-1-4.log' "$SCRATCH/logs" &&
	grep -qx 'fake_thp.fake.head.munmap.nth-5-8.log' "$SCRATCH/logs"
ok $? "batch of 4: two workload processes (steps 1-4, 5-8) instead of 6" "$(cat "$SCRATCH/logs")"
grep -c '# splitfail: step nth=' "$OUT/logs/fake_thp.fake.head.munmap.nth-5-8.log" |
	grep -qx 2
ok $? "batch: the workload stops after the first step that consumed nothing (5, 6 of 5-8)"
python3 -c 'import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
order = [(l["type"], l.get("name")) for l in lines if l["type"] in ("start", "result")]
for n in range(1, 7):
    name = "fake_thp:fake.head.munmap@nth=%d" % n
    assert order.index(("start", name)) < order.index(("result", name)), (name, order)
# a batch: steps 1..4 all started before the first of their results
assert order.index(("start", "fake_thp:fake.head.munmap@nth=4")) < \
    order.index(("result", "fake_thp:fake.head.munmap@nth=1")), order' "$OUT/record.jsonl"
ok $? "record: each step of a batch has its start line before it runs"

# while step 3 of a batch runs, the record says step 3 is running (a guest death is its)
new_tree
FAKE_MODE=sleep_at FAKE_AT=3 FAKE_SLEEP=4 FAKE_POINTS=5 sf_bg --strategy sweep --batch 4 \
	--case fake.head.munmap
bg=$!
running() { "$SF" results running "$OUT" 2>/dev/null | grep -q 'fake.head.munmap@nth=3$'; }
wait_for 10 running
ok $? "record: while step 3 of a batch sleeps, 'results running' names @nth=3" \
	"$("$SF" results running "$OUT" 2>&1)"
wait "$bg"

# a leak in step 3 (exact leak mode, as in the guest): the batch is not clean, its steps run
# alone, step 3 alone leaks
new_tree
FAKE_MODE=leak_at FAKE_AT=3 FAKE_POINTS=5 sf --strategy sweep --batch 4 --leak-mode exact \
	--case fake.head.munmap
rc=$?
names_verdicts > "$SCRATCH/leak"
grep -qx 'fake_thp:fake.head.munmap@nth=3 FAIL 1' "$SCRATCH/leak" &&
	[ "$(grep -c ' FAIL ' "$SCRATCH/leak")" -eq 1 ] && ! grep -q 'nth=1-' "$SCRATCH/leak" &&
	[ "$(wc -l < "$SCRATCH/leak")" -eq 6 ] && [ $rc -eq 1 ]
ok $? "leak in step 3 of a batch: steps run alone, @nth=3 FAIL, no batch result (exit $rc)" \
	"$(cat "$SCRATCH/leak" "$SCRATCH/err")"
python3 -c 'import json, sys
t = {t["name"]: t for t in json.load(open(sys.argv[1]))["tests"]}["fake_thp:fake.head.munmap@nth=3"]
assert "nr_page_table_pages" in t["evidence"] and t["log"].endswith("nth-3.log"), t' \
	"$OUT/summary.json"
ok $? "leak in step 3: its evidence names the counter, its log is its own run's"

# a kernel-log bug line only in a batch: the batch is a result of its own, reproduced by name
new_tree
FAKE_MODE=kmsg_batch FAKE_POINTS=5 sf --strategy sweep --batch 4 --case fake.head.munmap
rc=$?
names_verdicts > "$SCRATCH/kmsg"
grep -qx 'fake_thp:fake.head.munmap@nth=1-4 FAIL 1' "$SCRATCH/kmsg" &&
	[ "$(grep -c ' PASS ' "$SCRATCH/kmsg")" -ge 4 ] && [ $rc -eq 1 ]
ok $? "a bug line only a batch shows: result @nth=1-4 FAIL, its steps alone PASS (exit $rc)" \
	"$(cat "$SCRATCH/kmsg")"
repro=$(python3 -c 'import json, sys
print({t["name"]: t for t in json.load(open(sys.argv[1]))["tests"]}["fake_thp:fake.head.munmap@nth=1-4"]["reproduce"])' \
	"$OUT/summary.json")
case $repro in *"--case fake_thp:fake.head.munmap@nth=1-4 "*) r=0 ;; *) r=1 ;; esac
ok $r "the batch's reproduce line selects it by name" "$repro"
new_tree
FAKE_MODE=kmsg_batch FAKE_POINTS=5 sf --strategy sweep --case 'fake_thp:fake.head.munmap@nth=1-4'
rc=$?
names_verdicts > "$SCRATCH/again"
grep -qx 'fake_thp:fake.head.munmap@nth=1-4 FAIL 1' "$SCRATCH/again" && [ $rc -eq 1 ]
ok $? "--case W:C@nth=1-4 runs that batch again: FAIL again (exit $rc)" \
	"$(cat "$SCRATCH/again" "$SCRATCH/err")"

# a test that refuses batches: one refused run for the case, then a process per step
new_tree
FAKE_BATCH=no FAKE_MODE=ok FAKE_POINTS=5 sf --strategy sweep --batch 4 --case fake.head.munmap
rc=$?
names_verdicts > "$SCRATCH/refused"
diff "$SCRATCH/alone" "$SCRATCH/refused" > /dev/null && [ $rc -eq 0 ] &&
	[ "$(ls "$OUT/logs" | grep -c 'nth-[0-9]*-[0-9]*\.log')" -eq 1 ]
ok $? "a test refusing batches: same results as a process per step, one refused batch (exit $rc)" \
	"$(ls "$OUT/logs"; cat "$SCRATCH/refused")"

new_tree
sf --strategy sweep --case 'fake_thp:fake.head.munmap@nth=4-2'
rc=$?
[ $rc -eq 2 ] && grep -qF "unknown strategy suffix '@nth=4-2'" "$SCRATCH/err"
ok $? "usage: @nth=4-2 (B < A) is a usage error naming it (got $rc)" "$(cat "$SCRATCH/err")"
sf --batch 33 --list
rc=$?
[ $rc -eq 2 ] && grep -qF -- "--batch: bad value '33'" "$SCRATCH/err"
ok $? "usage: --batch 33 (over 32) is a usage error naming it (got $rc)" "$(cat "$SCRATCH/err")"

echo "1..$T"
[ "$FAILED" -eq 0 ]
