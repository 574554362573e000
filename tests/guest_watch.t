#!/bin/bash
# guest_watch.t: how the runner tells a hung guest from a slow one, without QEMU (TAP, run by
# `make check`; tests/guest.t does it with a real guest).
# 1. harness/runner/guest-watch.sh on made-up results folders: the running test, the progress
#    time, stall lines after a console offset, and the verdict rules: a stall line while the
#    harness progresses is ok, no progress after a case started is a hang, no progress before
#    the first case is stuck.
# 2. boot-guest.sh with tests/fixtures/fake-qemu.sh as QEMU (SPLITFAIL_QEMU): a stall report
#    with progress going on ends as the command's exit 0 and a note, a spinning guest as 101
#    (hang), one still progressing when its --timeout ends as 102 (the time limit while active,
#    not a hang), one stuck in boot or before the first case as 103 (stuck); under TCG the kernel
#    command line raises the stall thresholds, under KVM it does not.
# 3. run.sh with the fake QEMU: a stuck guest is booted again (SPLITFAIL_BOOT_RETRIES) and
#    never becomes a FAIL; after a death the continuation guest gets the run's own selection and
#    --continue-from, and its results join the run's record.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCRATCH=$(mktemp -d /tmp/splitfail-guest-watch.XXXXXX)
RUN_RESULTS=()
# run.sh's results of part 3 are removed afterwards, and results/latest is put back.
LATEST=$(readlink "$ROOT/results/latest" 2>/dev/null)
restore_latest() {
	rm -rf "${RUN_RESULTS[@]}"
	if [ -n "$LATEST" ]; then
		ln -sfn "$LATEST" "$ROOT/results/latest"
	else
		rm -f "$ROOT/results/latest"
	fi
}
trap 'rm -rf "$SCRATCH"; [ ${#RUN_RESULTS[@]} -gt 0 ] && restore_latest' EXIT
# shellcheck source=tests/tap_helpers.bash
. "$ROOT/tests/tap_helpers.bash"
# shellcheck source=harness/runner/guest-watch.sh
. "$ROOT/harness/runner/guest-watch.sh"
echo "TAP version 13"

# --- 1. the functions on made-up folders ---
R=$SCRATCH/res
mkdir -p "$R/.guest" "$R/logs"
[ -z "$(watch_running_test "$R")" ] && [ "$(watch_progress_time "$R")" = 0 ]
ok $? "nothing written yet: no running test, progress time 0"

touch -d @1000 "$R/.guest/started"
printf 'TAP version 13\n' > "$R/tap.txt"
touch -d @1010 "$R/tap.txt"
[ -z "$(watch_running_test "$R")" ] && [ "$(watch_progress_time "$R")" = 1010 ]
ok $? "init started, tap.txt header: no running test, progress = newest file (1010)"

printf '# splitfail: start test=w:a.b@nth=2\nok 1 - w:a.b@nth=2\n# splitfail: start test=w:a.c\n' \
	>> "$R/tap.txt"
touch -d @1020 "$R/tap.txt"
touch -d @1050 "$R/logs/w.a.c.log"
touch -d @1090 "$R/logs/w.a.b.nth-2.log"	# an earlier run's log does not count
[ "$(watch_running_test "$R")" = w:a.c ] && [ "$(watch_progress_time "$R")" = 1050 ]
ok $? "running test from tap.txt's last start line (an older harness); its log's time counts ($(watch_progress_time "$R"))"

# the harness's record: the last start line names the running test, the log has its safe name
printf '{"type": "run", "format": 1}\n{"type": "start", "name": "w:a.b@nth=2", "time": "x"}\n' \
	> "$R/record.jsonl"
printf '{"type": "result", "name": "w:a.b@nth=2"}\n{"type": "start", "name": "w:a.d#2", "time": "x"}\n' \
	>> "$R/record.jsonl"
touch -d @1030 "$R/record.jsonl"
touch -d @1070 "$R/logs/w.a.d-r2.log"
[ "$(watch_running_test "$R")" = 'w:a.d#2' ] && [ "$(watch_progress_time "$R")" = 1070 ]
ok $? "running test from record.jsonl's last start line; its log (logs/w.a.d-r2.log) counts ($(watch_progress_time "$R"))"
touch -d @1095 "$R/record.jsonl"
[ "$(watch_progress_time "$R")" = 1095 ]
ok $? "a line appended to record.jsonl is progress"
rm "$R/record.jsonl"

# watch_judge NOW BOOTED PROGRESS CASE_STARTED IDLE BOOT_LIMIT
check_judge() {
	local want=$1 what=$2 got
	shift 2
	got=$(watch_judge "$@")
	[ "$got" = "$want" ]
	ok $? "judge $what: $want" "watch_judge $* -> $got"
}
check_judge ok "a case running, progress 100 s ago, idle 180" 1200 900 1100 1 180 300
check_judge hang "a case running, no progress for 180 s" 1280 900 1100 1 180 300
check_judge ok "before the first case, 200 s after boot, boot limit 300" 1100 900 0 0 180 300
check_judge stuck "before the first case, no progress for 300 s" 1300 900 950 0 180 300
check_judge ok "progress older than QEMU's start counts from the start" 1100 1000 10 1 180 300

C=$SCRATCH/console.log
printf 'Linux version x\n[    1.0] rcu: INFO: rcu_sched self-detected stall on CPU\n' > "$C"
seen=$(watch_console_lines "$C")
printf 'splitfail-guest: running\r\033[K[3] w:a.b PASS\r[    9.0] watchdog: BUG: soft lockup - CPU#1 stuck for 23s! [w:123]\nINFO: task w:1 blocked for more than 122 seconds.\n[   12.0] rcu: INFO: rcu_sched self-det' >> "$C"
total=$(watch_console_lines "$C")
all=$(watch_new_stalls "$C" 1 "$total" | wc -l)
new=$(watch_new_stalls "$C" "$(( seen + 1 ))" "$total")
[ "$seen" = 2 ] && [ "$total" = 4 ] && [ "$all" = 3 ] && [ "$(wc -l <<< "$new")" = 2 ] &&
	grep -q 'soft lockup' <<< "$new" && ! grep -q self-detected <<< "$new"
ok $? "stall lines in new complete console lines (soft lockup behind a \\r progress line, hung task)" \
	"seen=$seen total=$total all=$all new=$new"
printf 'ected stall on CPU\n' >> "$C"
last=$(watch_new_stalls "$C" "$(( total + 1 ))" "$(watch_console_lines "$C")")
[ "$last" = "[   12.0] rcu: INFO: rcu_sched self-detected stall on CPU" ]
ok $? "a stall line written in two pieces is read once it is complete" "got: $last"
noted=$(watch_note_stalls "$R" 1100 1000 "$new")
[ "$noted" = 2 ] && [ "$(wc -l < "$R/guest-stalls.txt")" = 2 ] &&
	grep -q '^stall reported 100s after boot during w:a.c: .*soft lockup' "$R/guest-stalls.txt"
ok $? "stall notes name the time and the running test" "$(cat "$R/guest-stalls.txt")"

# --- 2. boot-guest.sh with the fake QEMU ---
export SPLITFAIL_QEMU=$ROOT/tests/fixtures/fake-qemu.sh FAKE_DIR
# An x86 boot header (run.sh checks for one) and no version string: release "unknown".
head -c 4096 /dev/zero > "$SCRATCH/bzImage"
printf '\125\252' | dd of="$SCRATCH/bzImage" bs=1 seek=510 conv=notrunc status=none
printf 'HdrS' | dd of="$SCRATCH/bzImage" bs=1 seek=514 conv=notrunc status=none
# boot NAME SCENARIO ARGS...: boot-guest.sh with the fake QEMU; sets RC, OUT (results), ERR, SECS.
boot() {
	local name=$1 start
	FAKE_GUEST=$2
	shift 2
	FAKE_DIR=$SCRATCH/fake-$name
	OUT=$SCRATCH/out-$name
	ERR=$SCRATCH/$name.err
	mkdir -p "$FAKE_DIR"
	export FAKE_GUEST
	start=$(date +%s)
	RC=0
	timeout 120 "$ROOT/harness/runner/boot-guest.sh" --kernel "$SCRATCH/bzImage" --results "$OUT" \
		--quiet "$@" -- /bin/true > /dev/null 2> "$ERR" || RC=$?
	SECS=$(( $(date +%s) - start ))
}
boot progress stall_progress --accel tcg --idle 4 --boot-limit 4
[ "$RC" = 0 ] && grep -q '^completed exit=0' "$OUT/.guest/outcome" &&
	[ "$(grep -c 'ok [0-9]* - ' "$OUT/tap.txt")" = 8 ]
ok $? "stall report while the harness progresses for twice --idle: exit 0, all 8 cases ran (${SECS}s)" \
	"exit $RC; $(cat "$ERR")"
grep -q '^stall reported [0-9]*s after boot during .*self-detected stall on CPU' \
	"$OUT/guest-stalls.txt" 2>/dev/null &&
	grep -q 'reports a stall' "$ERR"
ok $? "the stall is a note: guest-stalls.txt and the runner's output" \
	"$(cat "$OUT/guest-stalls.txt" 2>&1; cat "$ERR")"
grep -q 'rcupdate.rcu_cpu_stall_timeout=120 rcupdate.rcu_cpu_stall_suppress_at_boot=1' \
	"$FAKE_DIR/append-1" && grep -q 'watchdog_thresh=60' "$FAKE_DIR/append-1" &&
	grep -q 'oops=panic' "$FAKE_DIR/append-1"
ok $? "tcg: stall thresholds raised on the kernel command line, oops=panic kept" \
	"$(cat "$FAKE_DIR/append-1")"

boot kvm ok --accel kvm
[ "$RC" = 0 ] && ! grep -qE 'rcu_cpu_stall|watchdog_thresh|hung_task' "$FAKE_DIR/append-1"
ok $? "kvm: the kernel's own stall thresholds (exit $RC)" "$(cat "$FAKE_DIR/append-1" "$ERR")"

boot hang hang --accel tcg --idle 4 --boot-limit 30
[ "$RC" = 101 ] && grep -q '^hang ' "$OUT/.guest/outcome" && [ "$SECS" -lt 30 ]
ok $? "a case started, then no progress for --idle: exit 101 hang (${SECS}s)" \
	"exit $RC; $(cat "$ERR")"

boot busy busy --accel tcg --idle 30 --boot-limit 30 --timeout 5
[ "$RC" = 102 ] && grep -q '^busy ' "$OUT/.guest/outcome" &&
	grep -q 'time limit while still progressing' "$ERR" && [ "$SECS" -lt 30 ]
ok $? "progress until the --timeout limit: exit 102, still active, not a hang (${SECS}s)" \
	"exit $RC; $(cat "$ERR")"

boot stuck_boot stuck_boot --accel tcg --idle 30 --boot-limit 4
[ "$RC" = 103 ] && grep -q '^stuck ' "$OUT/.guest/outcome" &&
	grep -q 'during boot, before the first test case' "$OUT/guest-stalls.txt" 2>/dev/null
ok $? "a stall in boot and no init for --boot-limit: exit 103 stuck, not a hang (${SECS}s)" \
	"exit $RC; $(cat "$ERR")"

boot stuck_init stuck_init --accel tcg --idle 30 --boot-limit 4
[ "$RC" = 103 ]
ok $? "init started, no test case for --boot-limit: exit 103 stuck (${SECS}s)" "$(cat "$ERR")"

# --- 3. run.sh with the fake QEMU ---
# run.sh's own exit code for a runner error and for a kernel that could not be booted
RUNSH_ERROR=$(sed -n 's/.*EXIT_ERROR=\([0-9]*\).*/\1/p' "$ROOT/run.sh" | head -n 1)
RUNSH_SKIP=$(sed -n 's/.*EXIT_SKIP=\([0-9]*\).*/\1/p' "$ROOT/run.sh" | head -n 1)
# run_fake NAME SCENARIOS ARGS...: run.sh --vm with the fake kernel; sets RC, RES, ERR.
run_fake() {
	local name=$1
	FAKE_GUEST=$2
	shift 2
	FAKE_DIR=$SCRATCH/run-$name
	ERR=$SCRATCH/run-$name.err
	mkdir -p "$FAKE_DIR"
	export FAKE_GUEST
	RC=0
	SPLITFAIL_BOOT_LIMIT=4 timeout 300 "$ROOT/run.sh" --vm --kernel "$SCRATCH/bzImage" \
		--accel tcg --quiet "$@" > /dev/null 2> "$ERR" || RC=$?
	RES=$(sed -n 's/^run.sh: results: \([^ ]*\).*/\1/p' "$ERR" | tail -n 1)
	[ -n "$RES" ] && RUN_RESULTS+=("$RES")
}
run_fake retry stuck_boot,stuck_init,ok --profile guest-stall
[ "$RC" = 0 ] && [ -s "$RES/console-stuck-1.log" ] && [ -s "$RES/console-stuck-2.log" ] &&
	[ "$(cat "$FAKE_DIR/calls")" = 3 ] && ! grep -qw FAIL "$ERR" "$RES/tap.txt"
ok $? "run.sh: two stuck guests are booted again, the third runs: exit 0, no FAIL" \
	"exit $RC; $(cat "$ERR")"

SPLITFAIL_BOOT_RETRIES=1 run_fake noboot stuck_boot --profile guest-stall
[ "$RC" = "$RUNSH_SKIP" ] && [ "$(cat "$FAKE_DIR/calls")" = 2 ]
ok $? "run.sh: stuck in boot in every try: exit $RUNSH_SKIP (the kernel could not be booted)" \
	"exit $RC; $(cat "$ERR")"

SPLITFAIL_BOOT_RETRIES=1 run_fake noharness stuck_init --profile guest-stall
[ "$RC" = "$RUNSH_ERROR" ] && [ "$(cat "$FAKE_DIR/calls")" = 2 ] && ! grep -qw FAIL "$ERR"
ok $? "run.sh: init up but no test case in every try: exit $RUNSH_ERROR (runner error), no FAIL" \
	"exit $RC; $(cat "$ERR")"

# A death in the first of two cases: the death is recorded by the harness, and the fresh guest
# gets the run's own selection (one --only, one --case: the user's) and --continue-from the
# run's folder, whose record has the death; its results are folded into the run's record.
FAKE_DEAD_TEST=panic_trigger:global.sysrq_crash FAKE_PASS_TEST=panic_trigger:global.guest_alive \
	run_fake cont die,ok --profile guest-panic --only panic_trigger -- \
	--case global.sysrq_crash,global.guest_alive
job2=$FAKE_DIR/job-2
[ "$(grep -cx -- --only "$job2" 2>/dev/null)" = 1 ] && [ "$(grep -cx -- --case "$job2")" = 1 ] &&
	[ "$(grep -A1 -x -- --case "$job2" | tail -n 1)" = global.sysrq_crash,global.guest_alive ] &&
	[ "$(grep -A1 -x -- --continue-from "$job2" | tail -n 1)" = "$RES" ] &&
	[ "$(grep -A1 -x -- --out "$job2" | tail -n 1)" = "$RES/boot-2" ]
ok $? "run.sh: the continuation guest gets the run's selection and --continue-from its folder" \
	"exit $RC; job: $(tr '\n' ' ' < "$job2" 2>&1); $(tail -n 5 "$ERR")"
verdicts=$(jq -r '[.tests[] | "\(.name)=\(.verdict)"] | join(" ")' "$RES/summary.json" 2>&1)
[ "$RC" = 1 ] && [ "$verdicts" = \
  "panic_trigger:global.sysrq_crash=FAIL panic_trigger:global.guest_alive=PASS" ] &&
	[ "$(jq -r '.tests[0].strategy' "$RES/summary.json")" = guest ] &&
	grep -q '^not ok 1 - panic_trigger:global.sysrq_crash # FAIL' "$RES/tap.txt" &&
	[ "$(tail -n 1 "$RES/tap.txt")" = 1..2 ] &&
	grep -q 'tests="2" failures="1"' "$RES/junit.xml"
ok $? "run.sh: the death and the fresh guest's result in one record, rendered; exit 1" \
	"exit $RC; $verdicts; $(cat "$RES/tap.txt"; tail -n 5 "$ERR")"

echo "1..$n"
[ "$fails" = 0 ]
