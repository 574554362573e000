#!/bin/bash
# harness_continue.t: a guest death and the fresh guest after it, through the harness's own
# verbs (harness/record/death.c, fold.c, continue.c), on the fake tree. A run decides its first
# case's off and random runs and dies in the sweep's first step; `splitfail results death`
# records that FAIL (strategy guest, the console excerpt, the reproduce line the run would
# have printed); `--list --continue-from` still names that case (its sweep can go on) and the
# next; the fresh guest's harness, given the same selection and --continue-from, runs the
# sweep from step 2 and the second case, and nothing that was decided or died; after `splitfail
# results fold`, every name is in the record once, and tap.txt, ktap.txt, junit.xml,
# summary.json and kcidb.json count the same, as `splitfail results status` (exit 1) does.
# Then --list --continue-from is empty once nothing is left, and `results end` finishes a run
# whose last test killed its guest. The whole-guest time limit (`results death --kind timeout`)
# is no verdict the first time it stops a test: a time_limit line, the test undecided and
# listed by --list --continue-from, run again by the fresh guest, its verdict recorded once,
# status 0; stopped a second time it is an ERROR with both guests' consoles.
. "$(dirname "$0")/fixtures/lib.sh"

A=fake_thp:fake.head.munmap
B=fake_thp:fake.head.remap
# shellcheck disable=SC2054 # the commas are the options' own
SEL=(--case fake.head.munmap,fake.head.remap --strategy off,random,sweep --sweep-cap 6)
new_tree
# the first "guest": A under off and random, then the sweep's first step starts and dies
FAKE_MODE=ok sf --case fake.head.munmap --strategy off,random
rc=$?
printf '{"type": "start", "name": "%s@nth=1", "time": "2026-01-01T00:00:00Z"}\n' "$A" \
	>> "$OUT/record.jsonl"
[ "$rc" = 0 ] && [ "$("$SF" results running "$OUT")" = "$A@nth=1" ]
ok $? "results running: the start line without a result ($A@nth=1)" "$(cat "$SCRATCH/err")"

printf 'sysrq: Trigger a crash\nKernel panic - not syncing: sysrq triggered crash\n' \
	> "$SCRATCH/excerpt"
"$SF" results death "$OUT" --name "$A@nth=1" --kind died --console "$OUT/console.log" \
	--evidence-file "$SCRATCH/excerpt" --release 6.12.0-fake -- --root "$TREE" \
	--workload-dir "$WDIR" --reproduce-via "/clone/run.sh --kernel /k/bzImage --profile smoke" \
	"${SEL[@]}" 2> "$SCRATCH/death.err"
rc=$?
dead=$(jq -c --arg n "$A@nth=1" '.tests[] | select(.name == $n)' "$OUT/summary.json")
[ "$rc" = 0 ] && [ "$(jq -r .verdict <<< "$dead")" = FAIL ] &&
	[ "$(jq -r .strategy <<< "$dead")" = guest ] && [ "$(jq -r .guest <<< "$dead")" = died ] &&
	jq -r .evidence <<< "$dead" | grep -q '^Kernel panic - not syncing: sysrq triggered crash'
ok $? "results death: a FAIL with strategy guest and the console excerpt" \
	"$(cat "$SCRATCH/death.err"; echo "$dead")"
want="/clone/run.sh --kernel /k/bzImage --profile smoke --seed 1 -- --only fake_thp --case $A@nth=1"
jq -r .reproduce <<< "$dead" | grep -q "^$want --timeout 120 --workload-dir $WDIR --root $TREE --attrs "
ok $? "results death: the reproduce line boots the same kernel and names the run that died" \
	"$(jq -r .reproduce <<< "$dead")"
"$SF" results status "$OUT" > "$SCRATCH/status"
[ $? = 1 ] && grep -q ' fail=1 ' "$SCRATCH/status"
ok $? "results status: the death fails the run (exit 1)" "$(cat "$SCRATCH/status")"

"$SF" --root "$TREE" --workload-dir "$WDIR" --list --continue-from "$OUT" "${SEL[@]}" \
	> "$SCRATCH/left"
[ "$(paste -sd' ' "$SCRATCH/left")" = "$A $B" ]
ok $? "--list --continue-from: the case that died in its sweep, and the next" \
	"$(cat "$SCRATCH/left")"

# the fresh guest: same selection, --continue-from the run's folder, into boot-2
mkdir "$OUT/boot-2"
FAKE_MODE=ok "$SF" --root "$TREE" --workload-dir "$WDIR" --out "$OUT/boot-2" --no-progress \
	--continue-from "$OUT" "${SEL[@]}" > /dev/null 2> "$SCRATCH/err"
jq -r '.tests[].name' "$OUT/boot-2/summary.json" > "$SCRATCH/boot2"
printf '%s\n' "$A@nth=2" "$A@nth=3" "$A@nth=4" "$B" "$B@random" "$B@nth=1" "$B@nth=2" \
	"$B@nth=3" "$B@nth=4" | diff - "$SCRATCH/boot2" > "$SCRATCH/diff"
ok $? "the fresh guest runs the dead case's sweep from step 2 and the next case, nothing again" \
	"$(cat "$SCRATCH/diff" "$SCRATCH/err")"

"$SF" results fold "$OUT" --from "$OUT/boot-2" 2> "$SCRATCH/err"
rc=$?
names=$(jq -r '.tests[].name' "$OUT/summary.json")
boots=$(jq -r '[.tests[] | .boot] | join(" ")' "$OUT/summary.json")
[ "$rc" = 0 ] && [ "$(sort <<< "$names" | uniq -d)" = "" ] && [ "$(wc -l <<< "$names")" = 12 ] &&
	[ "$(jq .boots "$OUT/summary.json")" = 2 ] && [ "$boots" = "1 1 1 2 2 2 2 2 2 2 2 2" ]
ok $? "results fold: 12 results, each name once, two boots, each result its guest's ($boots)" \
	"$(cat "$SCRATCH/err"; echo "$names")"
logs_ok=1
for log in $(jq -r '.tests[] | select(.log != "" and .log != null) | .log' "$OUT/summary.json"); do
	[ -s "$OUT/$log" ] || { logs_ok=0; echo "missing $log"; }
done > "$SCRATCH/logs"
[ "$logs_ok" = 1 ] && [ -n "$(ls "$OUT/logs")" ]
ok $? "results fold: every result's log is in the run's logs/" "$(cat "$SCRATCH/logs")"

# every rendering counts 12 results, 1 FAIL, as status does
status=0
"$SF" results status "$OUT" > "$SCRATCH/status" || status=$?
tap_n=$(grep -cE '^(not )?ok [0-9]+ ' "$OUT/tap.txt")
tap_fail=$(grep -c '^not ok .* # FAIL' "$OUT/tap.txt")
ktap_fail=$(grep -c '^not ok .*' "$OUT/ktap.txt")
junit=$(python3 -c 'import sys, xml.dom.minidom as m
d = m.parse(sys.argv[1]); t = d.getElementsByTagName("testcase")
print(len(t), len(d.getElementsByTagName("failure")))' "$OUT/junit.xml")
kcidb_fail=$(jq '[.tests[] | select(.status == "FAIL" and (.path | startswith("splitfail.")))] | length' "$OUT/kcidb.json")
[ "$status" = 1 ] && [ "$tap_n" = 12 ] && [ "$tap_fail" = 1 ] && [ "$ktap_fail" -ge 1 ] &&
	[ "$junit" = "12 1" ] && [ "$(jq .counts.fail "$OUT/summary.json")" = 1 ] &&
	[ "$kcidb_fail" = 1 ] && grep -q '^pass=11 fail=1 ' "$SCRATCH/status"
ok $? "tap, ktap, junit, summary and kcidb agree with status (exit $status): 12 results, 1 FAIL" \
	"tap $tap_n/$tap_fail ktap $ktap_fail junit $junit kcidb $kcidb_fail; $(cat "$SCRATCH/status")"
[ "$(tail -n 1 "$OUT/tap.txt")" = "1..12" ] && [ "$(jq .finished "$OUT/summary.json")" = true ]
ok $? "the last guest finished: a plan, finished" "$(tail -n 3 "$OUT/tap.txt")"

"$SF" --root "$TREE" --workload-dir "$WDIR" --list --continue-from "$OUT" "${SEL[@]}" \
	> "$SCRATCH/left"
[ ! -s "$SCRATCH/left" ]
ok $? "--list --continue-from: nothing left after the fresh guest" "$(cat "$SCRATCH/left")"

# a death in the last run of a case whose strategies are all done leaves nothing of it
new_tree
FAKE_MODE=ok sf --case fake.head.munmap --strategy off
printf '{"type": "start", "name": "%s", "time": "2026-01-01T00:00:00Z"}\n' "$B" >> "$OUT/record.jsonl"
"$SF" results death "$OUT" --name "$B" --kind hung --evidence-file "$SCRATCH/excerpt" -- \
	--root "$TREE" --workload-dir "$WDIR" --case fake.head.munmap,fake.head.remap \
	--strategy off 2> "$SCRATCH/err"
"$SF" --root "$TREE" --workload-dir "$WDIR" --list --continue-from "$OUT" \
	--case fake.head.munmap,fake.head.remap --strategy off > "$SCRATCH/left"
[ ! -s "$SCRATCH/left" ] && [ "$(jq -r '.tests[-1].guest' "$OUT/summary.json")" = hung ]
ok $? "a hang in a case's only run: nothing left, no fresh guest for nothing" \
	"$(cat "$SCRATCH/left" "$SCRATCH/err")"
grep -q '^Bail out! guest hung while' "$OUT/tap.txt" && "$SF" results end "$OUT" &&
	[ "$(tail -n 1 "$OUT/tap.txt")" = 1..2 ] && [ "$(jq .finished "$OUT/summary.json")" = true ]
ok $? "results end: the run whose last test hung is finished: a plan instead of Bail out!" \
	"$(tail -n 3 "$OUT/tap.txt")"

# the run used the clone's own workloads: the death's reproduce line does not name them
new_tree
FAKE_MODE=ok sf --case fake.head.munmap --strategy off
printf '{"type": "start", "name": "%s", "time": "2026-01-01T00:00:00Z"}\n' "$B" >> "$OUT/record.jsonl"
"$SF" results death "$OUT" --name "$B" --kind died --evidence-file "$SCRATCH/excerpt" -- \
	--root "$TREE" --reproduce-via "/clone/run.sh --kernel /k --profile smoke" --strategy off \
	2> "$SCRATCH/err"
line=$(jq -r '.tests[-1].reproduce' "$OUT/summary.json")
[ "$line" = "/clone/run.sh --kernel /k --profile smoke --seed 1 -- --only fake_thp --case $B --strategy off --timeout 120 --root $TREE" ]
ok $? "results death: the default workload folder is left out of the guest's reproduce line" \
	"$line; $(cat "$SCRATCH/err")"

# the time limit stopped the first guest while A@nth=1 ran: no verdict, it runs again
limit_death() {	# limit_death NAME EXCERPT-TEXT: results death --kind timeout of NAME in $OUT
	printf '%s\n' "$2" > "$SCRATCH/limit"
	"$SF" results death "$OUT" --name "$1" --kind timeout --console "$OUT/console.log" \
		--evidence-file "$SCRATCH/limit" -- --root "$TREE" --workload-dir "$WDIR" \
		"${SEL[@]}" 2> "$SCRATCH/death.err"
}
new_tree
FAKE_MODE=ok sf --case fake.head.munmap --strategy off,random
printf '{"type": "start", "name": "%s@nth=1", "time": "2026-01-01T00:00:00Z"}\n' "$A" \
	>> "$OUT/record.jsonl"
limit_death "$A@nth=1" 'guest one still busy'
rc=$?
lim=$(jq -c 'select(.type == "time_limit")' "$OUT/record.jsonl")
[ "$rc" = 0 ] && [ -z "$(jq -c --arg n "$A@nth=1" 'select(.type == "result" and .name == $n)' \
	"$OUT/record.jsonl")" ] && [ "$(jq -r .name <<< "$lim")" = "$A@nth=1" ] &&
	[ "$(jq -r .boot <<< "$lim")" = 1 ] && jq -r .evidence <<< "$lim" | grep -q 'guest one still busy' &&
	[ "$(jq -r '.time_limit[0].name' "$OUT/summary.json")" = "$A@nth=1" ] &&
	grep -q "^# splitfail: time limit: guest 1 stopped $A@nth=1 while still active" "$OUT/tap.txt"
ok $? "time limit, the first time: a time_limit line with the console, no result" \
	"$(cat "$SCRATCH/death.err" "$OUT/record.jsonl")"
left=$("$SF" --root "$TREE" --workload-dir "$WDIR" --list --continue-from "$OUT" "${SEL[@]}" |
	paste -sd' ')
! "$SF" results running "$OUT" > /dev/null && [ "$left" = "$A $B" ]
ok $? "time limit: not running in a later guest, its case is left (--list: $left)"
mkdir "$OUT/boot-2"
FAKE_MODE=ok "$SF" --root "$TREE" --workload-dir "$WDIR" --out "$OUT/boot-2" --no-progress \
	--continue-from "$OUT" "${SEL[@]}" > /dev/null 2> "$SCRATCH/err"
"$SF" results fold "$OUT" --from "$OUT/boot-2" 2> "$SCRATCH/err"
status=0
"$SF" results status "$OUT" > "$SCRATCH/status" || status=$?
again=$(jq -r --arg n "$A@nth=1" '[.tests[] | select(.name == $n) | "\(.verdict) \(.boot)"] |
	join(",")' "$OUT/summary.json")
[ "$again" = "PASS 2" ] && [ "$status" = 0 ] && grep -q '^pass=12 fail=0 .* error=0 ' \
	"$SCRATCH/status" && [ "$(jq .finished "$OUT/summary.json")" = true ] &&
	[ "$(tail -n 1 "$OUT/tap.txt")" = 1..12 ]
ok $? "time limit: the fresh guest runs it again, one verdict (PASS in boot 2), status 0" \
	"$again; status $status: $(cat "$SCRATCH/status" "$SCRATCH/err")"

# stopped again in the fresh guest: an ERROR with both consoles
new_tree
FAKE_MODE=ok sf --case fake.head.munmap --strategy off,random
printf '{"type": "start", "name": "%s@nth=1", "time": "2026-01-01T00:00:00Z"}\n' "$A" \
	>> "$OUT/record.jsonl"
limit_death "$A@nth=1" 'guest one still busy'
mkdir "$OUT/boot-2"
FAKE_MODE=hang "$SF" --root "$TREE" --workload-dir "$WDIR" --out "$OUT/boot-2" --no-progress \
	--continue-from "$OUT" "${SEL[@]}" > /dev/null 2> "$SCRATCH/err" &
# shellcheck disable=SC2034 # kill9_harness (fixtures/lib.sh) reads it
HPID=$!
wait_for 10 workload_pid > /dev/null
kill9_harness
"$SF" results fold "$OUT" --from "$OUT/boot-2" 2> "$SCRATCH/err"
[ "$("$SF" results running "$OUT")" = "$A@nth=1" ]
ok $? "time limit: the fresh guest started it again (results running)" \
	"$(cat "$OUT/boot-2/record.jsonl" "$SCRATCH/err")"
limit_death "$A@nth=1" 'guest two still busy'
status=0
"$SF" results status "$OUT" > "$SCRATCH/status" || status=$?
twice=$(jq -c --arg n "$A@nth=1" '[.tests[] | select(.name == $n)]' "$OUT/summary.json")
[ "$(jq -r '[.[] | "\(.verdict) \(.guest) \(.boot)"] | join(",")' <<< "$twice")" = \
	"ERROR timeout 2" ] && jq -r '.[0].evidence' <<< "$twice" | grep -q 'the second time (guest 1, then guest 2)' &&
	jq -r '.[0].evidence' <<< "$twice" | grep -q 'guest two still busy' &&
	jq -r '.[0].evidence' <<< "$twice" | grep -q 'guest one still busy' && [ "$status" = 3 ]
ok $? "time limit, the second time: one ERROR with both consoles, status 3 (error)" \
	"status $status; $twice; $(cat "$SCRATCH/death.err")"

finish
