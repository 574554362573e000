#!/bin/bash
# harness_known.t: known issues (configs/known-issues.ini, harness/known.c). A malformed file is
# exit 2 naming file, line and bad value; releases compare as numbers within the range; a FAIL
# matching name, release and every signature is KNOWN-FAIL (TAP TODO, counts.known_fail,
# JUnit skipped, exit 0; exit 1 under `known_issues = fail`), one whose signature differs stays
# FAIL - in the harness's own verdicts and in a guest death the runner records
# (`splitfail results death` with guest-death.sh's console excerpt, on a fake results folder).
. "$(dirname "$0")/fixtures/lib.sh"

KI=$SCRATCH/known.ini
EV=$SCRATCH/evidence
NAME='thp_device_migrate:thp_device_migrate.one_thp.to_device@random'

# the repository's own file parses and holds the test_hmm entry
"$SF" --workload-dir "$WDIR" --list > /dev/null 2> "$SCRATCH/err"
ok $? "configs/known-issues.ini parses" "$(cat "$SCRATCH/err")"
grep -q '^\[test-hmm-fallback-null-dpage\]' "$TOP/configs/known-issues.ini"
ok $? "configs/known-issues.ini has test-hmm-fallback-null-dpage"

# --- malformed files: exit 2, FILE:LINE: and the bad value ---
bad_case() {	# bad_case EXPECTED-TEXT FILE-CONTENT
	printf '%b' "$2" > "$KI"
	echo x > "$EV"
	"$SF" --known-match --known-issues-file "$KI" --name n --release 7.2.13 --evidence-file "$EV" \
		> /dev/null 2> "$SCRATCH/err"
	local rc=$?
	[ $rc -eq 2 ] && grep -qF -- "$KI:$1" "$SCRATCH/err"
	ok $? "malformed: rejected with file:$1 (got $rc)" "$(cat "$SCRATCH/err")"
}
GOOD='name = x\nsignature = y\ndescription = d\nreference = r\n'
bad_case "3: bad value '7.x' for min_release" "# c\n[a]\nmin_release = 7.x\n$GOOD"
bad_case "2: bad value '7.2.' for max_release" "[a]\nmax_release = 7.2.\n$GOOD"
bad_case "2: bad value '(unclosed' for signature" "[a]\nsignature = (unclosed\n$GOOD"
bad_case "2: unknown key 'nmae'" "[a]\nnmae = x\n"
bad_case "1: key 'name' outside any [id] section" "name = x\n"
bad_case "1: bad value 'a b' for an id" "[a b]\n"
bad_case "1: [a] has no 'signature'" "[a]\nname = x\ndescription = d\nreference = r\n[b]\n"
bad_case "6: bad value 'a': id given twice" "[a]\n${GOOD}[a]\n$GOOD"
bad_case "1: [a]: bad value '7.3' for min_release (above max_release 7.2.13)" \
	"[a]\nmin_release = 7.3\nmax_release = 7.2.13\n$GOOD"
bad_case "2: bad line 'words only'" "[a]\nwords only\n"
bad_case "2: bad value '' for description" "[a]\ndescription =\n"
printf '[a]\nname = x\n' > "$SCRATCH/p-known.ini"
printf '[run]\nknown_issues_file = %s\n' "$SCRATCH/p-known.ini" > "$SCRATCH/p.ini"
"$SF" --profile "$SCRATCH/p.ini" --workload-dir "$WDIR" --list > /dev/null 2> "$SCRATCH/err"
rc=$?
[ $rc -eq 2 ] && grep -qF "$SCRATCH/p-known.ini:1: [a] has no 'signature'" "$SCRATCH/err"
ok $? "malformed: the harness refuses to start (exit 2) on the profile's bad file (got $rc)" \
	"$(cat "$SCRATCH/err")"
profile_case "2: known_issues: bad value 'maybe' (want one of allow,fail)" \
	"[run]\nknown_issues = maybe\n"

# --- matching: name, release range, every signature ---
cat > "$KI" <<'EOF'
# the shape of configs/known-issues.ini's entry
[hmm-null]
name = thp_device_migrate:*
min_release = 6.13
max_release = 7.2.13
signature = BUG: kernel NULL pointer dereference
signature = dmirror_migrate_(alloc_and_copy|to_device)
description = test_hmm NULL device page
reference = docs/found-bugs.md#test-hmm-fallback-null-dpage
EOF
cat > "$EV" <<'EOF'
guest died while thp_device_migrate:thp_device_migrate.one_thp.to_device@random was running
[   61.20] BUG: kernel NULL pointer dereference, address: 0000000000000008
[   61.21] RIP: 0010:dmirror_migrate_to_device+0x1c2/0x4e0
EOF
match() {	# match WANT-RC RELEASE [NAME] [EVIDENCE-FILE]
	"$SF" --known-match --known-issues-file "$KI" --name "${3:-$NAME}" --release "$2" \
		--evidence-file "${4:-$EV}" > "$SCRATCH/out" 2> "$SCRATCH/err"
	local rc=$?
	[ $rc -eq "$1" ]
	ok $? "match: release $2${3:+, name $3}${4:+, $(basename "$4")} -> exit $1 (got $rc)" \
		"$(cat "$SCRATCH/out" "$SCRATCH/err")"
}
match 0 7.2.13
grep -qx 'id=hmm-null' "$SCRATCH/out" && grep -qx 'fails_run=no' "$SCRATCH/out" &&
	grep -q '^note=known issue hmm-null (docs/found-bugs.md#test-hmm-fallback-null-dpage' \
		"$SCRATCH/out"
ok $? "match: prints id, fails_run and the note" "$(cat "$SCRATCH/out")"
match 0 6.13
match 0 7.2.13-splitfail+
match 0 7.0
match 1 7.2.14
match 1 7.10
match 1 6.12.117
match 1 unknown
match 1 7.2.13 'thp_munmap:thp_munmap.pmd.head@random'
grep -v RIP "$EV" > "$SCRATCH/ev-no-rip"
match 1 7.2.13 "$NAME" "$SCRATCH/ev-no-rip"
sed 's/dmirror_migrate_to_device/copy_huge_pmd/' "$EV" > "$SCRATCH/ev-other"
match 1 7.2.13 "$NAME" "$SCRATCH/ev-other"
printf '[run]\nknown_issues = fail\nknown_issues_file = %s\n' "$KI" > "$SCRATCH/strict.ini"
"$SF" --known-match --profile "$SCRATCH/strict.ini" --name "$NAME" --release 7.2.13 \
	--evidence-file "$EV" > "$SCRATCH/out" 2>&1
grep -qx 'fails_run=yes' "$SCRATCH/out"
ok $? "match: known_issues = fail in the profile says fails_run=yes" "$(cat "$SCRATCH/out")"

# --- the harness's own verdicts (fake tree: release 6.12.0-fake, a Bad page state splat) ---
cat > "$SCRATCH/fake-known.ini" <<'EOF'
[fake-bad-page]
name = fake_thp:fake.head.*
min_release = 6.12
max_release = 6.12.0
signature = BUG: Bad page state in process fake_thp
description = the fake workload's splat
reference = docs/found-bugs.md#fake
EOF
harness_case() {	# harness_case WANT-RC SIGNATURE KNOWN_ISSUES TAP-REGEX
	sed -i "s/^signature = .*/signature = $2/" "$SCRATCH/fake-known.ini"
	printf '[run]\nknown_issues = %s\nknown_issues_file = %s\n' "$3" \
		"$SCRATCH/fake-known.ini" > "$SCRATCH/h.ini"
	new_tree
	FAKE_MODE=kmsg sf --profile "$SCRATCH/h.ini" --strategy off --case fake.head.munmap
	local rc=$?
	[ $rc -eq "$1" ] && grep -Eq -- "$4" "$OUT/tap.txt"
	ok $? "harness: signature '$2', known_issues = $3 -> exit $1, tap '${4//#/}' (got $rc)" \
		"$(cat "$OUT/tap.txt" "$SCRATCH/err")"
}
harness_case 0 'Bad page state in process fake_thp' allow \
	'^not ok 1 - fake_thp:fake.head.munmap # TODO known issue: fake-bad-page$'
jq -e '.counts.known_fail == 1 and .counts.fail == 0 and .known_issues == "allow" and
	.tests[0].verdict == "KNOWN-FAIL" and .tests[0].known_issue == "fake-bad-page" and
	(.tests[0].evidence | startswith("known issue fake-bad-page (docs/found-bugs.md#fake"))' \
	"$OUT/summary.json" > /dev/null
ok $? "harness: summary.json counts known_fail, names the issue, evidence starts with it" \
	"$(cat "$OUT/summary.json")"
grep -q '<skipped message="KNOWN-FAIL known issue: fake-bad-page">' "$OUT/junit.xml" &&
	grep -q 'failures="0"' "$OUT/junit.xml"
ok $? "harness: junit.xml has it as skipped, no failure" "$(cat "$OUT/junit.xml")"
grep -q '1 known-fail' "$SCRATCH/err"
ok $? "harness: the summary line counts it" "$(cat "$SCRATCH/err")"
printf 'TAP version 13\n%s\n1..1\n' "$(grep '^not ok' "$OUT/tap.txt")" > "$SCRATCH/todo.tap"
prove --exec cat "$SCRATCH/todo.tap" > /dev/null 2>&1
ok $? "harness: prove passes a TAP stream whose only failure is the KNOWN-FAIL"
harness_case 1 'Bad page state in process fake_thp' fail \
	'^not ok 1 - fake_thp:fake.head.munmap # KNOWN-FAIL known issue: fake-bad-page$'
printf 'TAP version 13\n%s\n1..1\n' "$(grep '^not ok' "$OUT/tap.txt")" > "$SCRATCH/strict.tap"
! prove --exec cat "$SCRATCH/strict.tap" > /dev/null 2>&1
ok $? "harness: known_issues = fail: prove fails that TAP stream"
grep -q '<failure message="KNOWN-FAIL known issue: fake-bad-page">' "$OUT/junit.xml"
ok $? "harness: known_issues = fail: junit.xml has it as a failure"
harness_case 1 'Bad page state in process other_task' allow \
	'^not ok 1 - fake_thp:fake.head.munmap # FAIL$'
jq -e '.counts.fail == 1 and .counts.known_fail == 0 and (.tests[0] | has("known_issue") | not)' \
	"$OUT/summary.json" > /dev/null
ok $? "harness: a different signature stays FAIL" "$(cat "$OUT/summary.json")"

# --- the runner's path: a guest death recorded by `splitfail results death` ---
# A harness run that decided one case and had started the next when the "guest" died.
oops_console() {	# oops_console FILE FUNCTION: a stall first, then an oops in FUNCTION
	{
		echo "splitfail-guest: running: $SF ..."
		echo "[   30.00] rcu: INFO: rcu_sched self-detected stall on CPU"
		for i in $(seq 1 50); do echo "[   30.$i] stall trace line $i"; done
		echo "[   61.20] BUG: kernel NULL pointer dereference, address: 0000000000000008"
		echo "[   61.20] #PF: supervisor read access in kernel mode"
		echo "[   61.20] Oops: Oops: 0000 [#1] SMP NOPTI"
		echo "[   61.20] CPU: 1 UID: 0 PID: 312 Comm: thp_device_migr Not tainted 7.2.13 #1"
		for i in $(seq 1 70); do echo "[   61.21] register or frame line $i"; done
		echo "[   61.22] Call Trace:"
		echo "[   61.22]  $2+0x1c2/0x4e0"
		echo "[   61.22]  dmirror_fops_unlocked_ioctl+0x2b1/0x3a0"
		echo "[   61.23] Kernel panic - not syncing: Fatal exception"
		echo "[   61.23] ---[ end Kernel panic - not syncing: Fatal exception ]---"
		echo "after the end"
	} > "$1"
}
# runner_death CONSOLE RELEASE HARNESS-OPTIONS...: the running test's death, as run.sh records
# it: guest-death.sh's excerpt of the console, then `splitfail results death`.
runner_death() {
	local console=$1 release=$2
	shift 2
	cp "$console" "$OUT/console.log"
	(. "$TOP/harness/runner/guest-death.sh"; console_excerpt "$OUT/console.log" died) \
		> "$SCRATCH/excerpt"
	"$SF" results death "$OUT" --name "$("$SF" results running "$OUT")" --kind died \
		--console "$OUT/console.log" --evidence-file "$SCRATCH/excerpt" --release "$release" \
		-- --workload-dir "$WDIR" "$@" 2> "$SCRATCH/err"
}
started() {	# started NAME [OPTIONS]: a run decided one case, then NAME started (a start line)
	local name=$1
	shift
	new_tree
	FAKE_MODE=ok sf --strategy off --case fake.head.munmap "$@"
	printf '{"type": "start", "name": "%s", "time": "2026-01-01T00:00:00Z"}\n' "$name" \
		>> "$OUT/record.jsonl"
}
death_case() {	# death_case FUNCTION KNOWN_ISSUES WANT-VERDICT WANT-EXIT WANT-DIRECTIVE
	printf '[run]\nknown_issues = %s\nknown_issues_file = %s\n' "$2" "$SCRATCH/runner-known.ini" \
		> "$SCRATCH/r.ini"
	started fake_thp:fake.tail.remap@random --profile "$SCRATCH/r.ini"
	oops_console "$SCRATCH/oops.log" "$1"
	runner_death "$SCRATCH/oops.log" 7.2.13 --profile "$SCRATCH/r.ini"
	local status=0
	"$SF" results status "$OUT" > /dev/null || status=$?
	jq -e --arg v "$3" '.tests[-1].verdict == $v and .tests[-1].strategy == "guest" and
		.tests[-1].guest == "died"' "$OUT/summary.json" > /dev/null &&
		[ "$status" = "$4" ] &&
		grep -qx "not ok 2 - fake_thp:fake.tail.remap@random $5" "$OUT/tap.txt"
	ok $? "runner: oops in $1, known_issues = $2 -> $3, status exit $4, tap '${5//#/}'" \
		"$(cat "$OUT/tap.txt" "$SCRATCH/err")"
}
sed -e 's/^name = .*/name = fake_thp:*/' "$KI" > "$SCRATCH/runner-known.ini"
death_case dmirror_migrate_to_device allow KNOWN-FAIL 0 '# TODO known issue: hmm-null'
jq -e '.counts.known_fail == 1 and .counts.fail == 0 and .tests[-1].known_issue == "hmm-null" and
	(.tests[-1].evidence | startswith("known issue hmm-null"))' "$OUT/summary.json" > /dev/null &&
	grep -q '^splitfail: KNOWN-FAIL fake_thp:fake.tail.remap@random: guest died (from the record) (known issue hmm-null)' \
		"$SCRATCH/err"
ok $? "runner: summary.json counts and names it, and it is said" \
	"$(jq '.counts, .tests[-1]' "$OUT/summary.json"; head -n 3 "$SCRATCH/err")"
grep -q '#   reproduce: .*/splitfail --only fake_thp --case fake_thp:fake.tail.remap@random --seed 1 ' \
	"$OUT/tap.txt"
ok $? "runner: the reproduce line runs that case under that strategy" \
	"$(grep reproduce: "$OUT/tap.txt")"
grep -q '#.*dmirror_migrate_to_device+0x1c2' "$OUT/tap.txt" &&
	grep -q '#.*end Kernel panic' "$OUT/tap.txt" &&
	grep -q '#.*rcu_sched self-detected stall' "$OUT/tap.txt" &&
	! grep -q 'after the end' "$OUT/tap.txt"
ok $? "runner: the excerpt holds the stall's start and the whole oops to the end of the panic" \
	"$(grep '^#' "$OUT/tap.txt" | head -n 40)"
python3 -c 'import sys, xml.dom.minidom as m
d = m.parse(sys.argv[1]); s = d.getElementsByTagName("skipped")
sys.exit(not (len(d.getElementsByTagName("testcase")) == 2 and len(s) == 1 and
	"hmm-null" in s[0].getAttribute("message")))' "$OUT/junit.xml"
ok $? "runner: junit.xml has the death as a skipped test case, well-formed" \
	"$(cat "$OUT/junit.xml")"
death_case dmirror_migrate_to_device fail KNOWN-FAIL 1 '# KNOWN-FAIL known issue: hmm-null'
grep -q '<failure message="KNOWN-FAIL known issue: hmm-null' "$OUT/junit.xml"
ok $? "runner: known_issues = fail: junit.xml has the death as a failure" "$(cat "$OUT/junit.xml")"
death_case copy_huge_pmd allow FAIL 1 '# FAIL'
jq -e '.counts.fail == 1 and .counts.known_fail == 0' "$OUT/summary.json" > /dev/null
ok $? "runner: a death with another signature stays FAIL, counts as one"

# a panic without an oops (sysrq c, as tests/guest.t's panic profile does): all of it
printf '%s\n' 'splitfail-guest: running: x' 'sysrq: Trigger a crash' \
	'Kernel panic - not syncing: sysrq triggered crash' \
	'CPU: 0 UID: 0 PID: 99 Comm: panic_trigger Not tainted 7.2.13+ #1' 'Call Trace:' \
	' <TASK>' ' panic+0x30/0x2d0' ' </TASK>' \
	'---[ end Kernel panic - not syncing: sysrq triggered crash ]---' > "$SCRATCH/panic.log"
ex=$(. "$TOP/harness/runner/guest-death.sh"; console_excerpt "$SCRATCH/panic.log" died)
[ "$(head -n 1 <<< "$ex")" = 'sysrq: Trigger a crash' ] && grep -q 'Comm: panic_trigger' <<< "$ex" &&
	[ "$(tail -n 1 <<< "$ex")" = \
	  '---[ end Kernel panic - not syncing: sysrq triggered crash ]---' ]
ok $? "runner: a sysrq panic's excerpt runs from the trigger to the end of the panic" "$ex"

# the real thing: configs/known-issues.ini against the console of a 7.2.13 guest that died in
# thp_device_migrate (tests/fixtures/console-7.2.13-test-hmm-null.log, docs/found-bugs.md)
REAL=$TOP/tests/fixtures/console-7.2.13-test-hmm-null.log
started "$NAME"
runner_death "$REAL" 7.2.13+ --profile "$TOP/configs/smoke.ini"
jq -e '.tests[-1].verdict == "KNOWN-FAIL" and .tests[-1].known_issue == "test-hmm-fallback-null-dpage"' \
	"$OUT/summary.json" > /dev/null
ok $? "real: the 7.2.13 guest's test_hmm oops is KNOWN-FAIL under configs/known-issues.ini" \
	"$(cat "$SCRATCH/err"; jq '.tests[-1]' "$OUT/summary.json")"
[ "$(head -n 1 "$SCRATCH/excerpt")" = 'BUG: kernel NULL pointer dereference, address: 0000000000000008' ]
ok $? "real: the excerpt starts at the BUG line, not behind the harness's progress line" \
	"$(head -n 1 "$SCRATCH/excerpt")"
started "$NAME"
runner_death "$REAL" 6.12.117 --profile "$TOP/configs/smoke.ini"
jq -e '.tests[-1].verdict == "FAIL"' "$OUT/summary.json" > /dev/null
ok $? "real: the same console from a 6.12.117 kernel stays FAIL"
sed 's/is_device_private_page+0x0/folio_is_zone_device+0x0/' "$REAL" > "$SCRATCH/other.log"
started "$NAME"
runner_death "$SCRATCH/other.log" 7.2.13+ --profile "$TOP/configs/smoke.ini"
jq -e '.tests[-1].verdict == "FAIL"' "$OUT/summary.json" > /dev/null
ok $? "real: a NULL dereference faulting elsewhere stays FAIL"

finish
