#!/bin/bash
# harness_record.t: the real harness on a fake tree (--root) writes its run record and renders
# it truthfully on every exit path: a SIGTERM mid-run ends the record unfinished (ended_by
# SIGTERM), tap.txt bails out instead of claiming a plan, the test that was running is ERROR
# "interrupted by SIGTERM" everywhere; an error names the file it concerns; a workload and a
# kernel log line with invalid UTF-8 and control bytes leave every file parseable by strict
# parsers; log files have safe names; `splitfail results render DIR` renders the same files
# again from the record alone.
. "$(dirname "$0")/fixtures/lib.sh"

json_ok() {	# json_ok FILE PYTHON-ASSERTIONS: strict UTF-8, json.load, then the assertions on d
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8", errors="strict"))
exec(sys.argv[2])' "$1" "${2:-}"
}
record_ok() {	# record_ok DIR: every line of DIR/record.jsonl is one JSON object
	python3 -c 'import json, sys
for l in open(sys.argv[1], encoding="utf-8", errors="strict"):
    assert isinstance(json.loads(l), dict)' "$1/record.jsonl"
}
tap_ok() {	# tap_ok FILE: TAP::Parser reads its text without a parse error
	perl -MTAP::Parser -e 'open(my $f, "<", $ARGV[0]) or exit 1; local $/;
		my $p = TAP::Parser->new({ tap => scalar(<$f>) });
		while (defined(my $r = $p->next)) { }
		print STDERR "$_\n" for $p->parse_errors; exit($p->parse_errors ? 1 : 0)' "$1"
}

# --- SIGTERM while the second case runs ---
new_tree
# each run takes 4 s: the first passes, the harness is stopped while the second runs
FAKE_MODE=slow FAKE_SLEEP=4 sf_bg --strategy off --case fake.head.munmap,fake.tail.remap,fake.tail.protect
pid=$!
wait_for 30 grep -qs '"type": "start", "name": "fake_thp:fake.tail.remap"' "$OUT/record.jsonl"
kill -TERM "$pid"
wait "$pid"
rc=$?
[ $rc -eq 3 ] && tail -n 1 "$OUT/record.jsonl" |
	grep -qx '{"type": "end", "finished": false, "ended_by": "SIGTERM"}'
ok $? "SIGTERM: exit 3, the record's last line ends it unfinished, ended_by SIGTERM (got $rc)" \
	"$(cat "$OUT/record.jsonl" "$SCRATCH/err")"
grep -q '^ok 1 - fake_thp:fake.head.munmap$' "$OUT/tap.txt" &&
	grep -q '^not ok 2 - fake_thp:fake.tail.remap # ERROR$' "$OUT/tap.txt" &&
	grep -q '^#   evidence: interrupted by SIGTERM' "$OUT/tap.txt" &&
	[ "$(tail -n 1 "$OUT/tap.txt")" = 'Bail out! SIGTERM' ] && ! grep -q '^1\.\.' "$OUT/tap.txt" &&
	! grep -q fake.tail.protect "$OUT/tap.txt"
ok $? "SIGTERM: tap.txt has the running test as ERROR, interrupted, and ends in Bail out! (no plan)" \
	"$(cat "$OUT/tap.txt")"
json_ok "$OUT/summary.json" 'assert d["finished"] is False and d["ended_by"] == "SIGTERM"
t = d["tests"][-1]
assert t["name"] == "fake_thp:fake.tail.remap" and t["verdict"] == "ERROR", t
assert t["evidence"].startswith("interrupted by SIGTERM") and t["guest"] == "interrupted", t
assert t["log"] == "logs/fake_thp.fake.tail.remap.log" and d["counts"]["error"] == 1, t'
ok $? "SIGTERM: summary.json finished false, ended_by SIGTERM, the running test ERROR with its log" \
	"$(cat "$OUT/summary.json")"
xmllint --noout "$OUT/junit.xml" && grep -q '<error message="ERROR">interrupted by SIGTERM' "$OUT/junit.xml" &&
	grep -q '<property name="ended_by" value="SIGTERM"/>' "$OUT/junit.xml"
ok $? "SIGTERM: junit.xml well-formed, the running test an <error>, ended_by a property" \
	"$(cat "$OUT/junit.xml")"
[ -s "$OUT/logs/fake_thp.fake.tail.remap.log" ] &&
	[ -z "$(find "$OUT/logs" -mindepth 1 -name '*[^A-Za-z0-9_.-]*')" ]
ok $? "log files have safe names (logs/fake_thp.fake.tail.remap.log)" "$(ls "$OUT/logs")"
knobs_same
ok $? "SIGTERM: knobs restored" "$(cat "$SCRATCH/diff")"

# --- an error names the file it concerns ---
new_tree
mkdir -p "$OUT"
(
	trap '' XFSZ	# a write past the file size limit fails with EFBIG instead of killing
	ulimit -f 2	# 1 KiB: the record's run line and a start or two fit, not much more
	FAKE_MODE=ok sf --strategy off
)
rc=$?
[ $rc -eq 3 ] && grep -q "splitfail: stopped on error: File too large ($OUT/record.jsonl)" \
	"$SCRATCH/err"
ok $? "an error stops the run naming the file: 'error: File too large (<out>/record.jsonl)' (got $rc)" \
	"$(cat "$SCRATCH/err")"

# --- hostile bytes from a workload and the kernel log ---
new_tree
FAKE_MODE=hostile sf --strategy off --case fake.head.munmap
rc=$?
[ $rc -eq 1 ] && grep -q $'\xef\xbf\xbd' "$OUT/summary.json"
ok $? "hostile bytes: the FAIL is recorded, invalid bytes as U+FFFD (got $rc)" "$(cat "$SCRATCH/err")"
json_ok "$OUT/summary.json" 'assert "pattern" in d["tests"][0]["evidence"], d' &&
	json_ok "$OUT/kcidb.json" && record_ok "$OUT"
ok $? "hostile bytes: summary.json, kcidb.json and every record line load with python3 (strict UTF-8)" \
	"$(cat "$OUT/summary.json")"
xmllint --noout "$OUT/junit.xml"
ok $? "hostile bytes: junit.xml is well-formed" "$(xmllint --noout "$OUT/junit.xml" 2>&1)"
tap_ok "$OUT/tap.txt" && iconv -f UTF-8 -t UTF-8 "$OUT/tap.txt" "$OUT/ktap.txt" > /dev/null
ok $? "hostile bytes: tap.txt parses as TAP; tap.txt and ktap.txt are valid UTF-8" \
	"$(cat "$OUT/tap.txt")"

# --- re-rendering from the record alone ---
cp "$OUT/tap.txt" "$OUT/summary.json" "$OUT/junit.xml" "$SCRATCH/"
rm "$OUT/tap.txt" "$OUT/summary.json" "$OUT/junit.xml" "$OUT/ktap.txt" "$OUT/kcidb.json"
"$SF" results render "$OUT" 2> "$SCRATCH/err"
rc=$?
[ $rc -eq 0 ] && cmp -s "$OUT/tap.txt" "$SCRATCH/tap.txt" &&
	cmp -s "$OUT/summary.json" "$SCRATCH/summary.json" &&
	cmp -s "$OUT/junit.xml" "$SCRATCH/junit.xml" && [ -s "$OUT/ktap.txt" ] && [ -s "$OUT/kcidb.json" ]
ok $? "results render: every file again from record.jsonl, identical (got $rc)" "$(cat "$SCRATCH/err")"
"$SF" results render "$SCRATCH/nothing-here" 2> "$SCRATCH/err"
rc=$?
[ $rc -eq 3 ] && grep -q "nothing-here/record.jsonl: No such file" "$SCRATCH/err"
ok $? "results render: a folder without a record is an error naming the file (got $rc)" \
	"$(cat "$SCRATCH/err")"
"$SF" results frobnicate 2> "$SCRATCH/err"
rc=$?
[ $rc -eq 2 ] && grep -q "unknown verb 'frobnicate'" "$SCRATCH/err" && grep -q 'results render' "$SCRATCH/err"
ok $? "results: an unknown verb is a usage error listing the verbs (got $rc)" "$(cat "$SCRATCH/err")"

finish
