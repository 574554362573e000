#!/bin/bash
# guest.t: the runner end to end in a QEMU guest (TAP, run by `make check`).
# 1. panic_trigger refuses to crash a kernel that is not a splitfail guest (this host).
# 2. The cached default kernel (built when missing) boots and runs the `smoke` profile with
#    injection: faults were injected and consumed, an operation failed by injection was judged
#    by the state checks that followed it (not blindly), the fault attributes and the
#    NUMA-balancing scan knobs read the same after the run as before (thp_numa_balance changed
#    the knobs for its runs and put them back after each one itself: no "was left" evidence),
#    and console.log and summary.json are in the results folder.
#    Every result name appears once (a guest death's continuation reruns nothing).
# 3. A guest that panics (configs/guest-panic.ini) becomes a FAIL with the panic lines, run.sh
#    exits 1 without hanging, and a fresh guest runs what was left (not the case that died),
#    with the run's own --only and --case; a test-only workload FAILs at fail-nth 2 in it.
#    Every rendering has the death and the later results, counted as the exit code says. The
#    reproduce lines of the death and of the injected-fault FAIL, run as printed, and
#    ./run.sh --reproduce, give the same FAIL of the same test.
# 4. `--wrap /bin/true` under a fail-nth sweep: no FAIL (the dynamic loader and the exit are not
#    armed), faults injected, fault attributes unchanged.
# 5. A stall report on a healthy guest's console (configs/guest-stall.ini) while the harness
#    goes on: run.sh exits 0, no FAIL, the stall is a note in guest-stalls.txt.
# SPLITFAIL_GUEST_SMOKE=0 skips part 2 (the long one) when iterating on the others.
# SPLITFAIL_KERNEL=BZIMAGE or a kernel tree (built by build-kernel.sh, cached) replaces the
# default kernel, e.g. SPLITFAIL_KERNEL=~/linux-7.2.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${SPLITFAIL_BUILD:-$ROOT/build}
SCRATCH=$(mktemp -d /tmp/splitfail-guest-t.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT
n=0
failed=0

ok() {
	local rc=$1 what=$2 diag=${3:-}
	n=$(( n + 1 ))
	if [ "$rc" = 0 ]; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what"
		failed=$(( failed + 1 ))
		[ -n "$diag" ] && printf '%s\n' "$diag" | head -n 40 | sed 's/^/#   /'
	fi
}
skip() { n=$(( n + 1 )); echo "ok $n - $1 # SKIP $2"; }
note() { echo "# $*"; }

# run_sh NAME ARGS...: run ./run.sh with a time limit; sets RC, RES (its results folder), SECS.
run_sh() {
	local name=$1 start
	shift
	start=$(date +%s)
	RC=0
	timeout -k 30 "$RUN_LIMIT" "$ROOT/run.sh" --quiet "$@" > "$SCRATCH/$name.out" \
		2> "$SCRATCH/$name.err" || RC=$?
	SECS=$(( $(date +%s) - start ))
	RES=$(sed -n 's/^run.sh: results: \([^ ]*\).*/\1/p' "$SCRATCH/$name.err" | tail -n 1)
	note "$name: ./run.sh $* -> exit $RC in ${SECS}s, results $RES"
	grep -E '^run.sh: (verdicts|FAIL)' "$SCRATCH/$name.err" | sed 's/^/# /'
}

json() { jq -r "$1" "$RES/summary.json" 2>/dev/null; }

echo "TAP version 13"
command -v jq >/dev/null || { echo "1..0 # SKIP jq is needed to read summary.json"; exit 0; }

# --- 1. panic_trigger on the host ---
out=$("$BUILD/tests/panic_trigger" -r global.sysrq_crash 2>&1)
rc=$?
[ "$rc" != 0 ] && grep -q 'REFUSING to crash' <<< "$out"
ok $? "panic_trigger refuses on a host (exit $rc, says REFUSING)" "$out"

# --- the kernel ---
start=$(date +%s)
if [ -n "${SPLITFAIL_KERNEL:-}" ] && [ ! -d "$SPLITFAIL_KERNEL" ]; then
	KERNEL=$SPLITFAIL_KERNEL
	[ -r "$KERNEL" ]
	rc=$?
	what="SPLITFAIL_KERNEL bzImage"
else
	tree=()
	what="default guest kernel"
	[ -n "${SPLITFAIL_KERNEL:-}" ] && tree=(--kernel-tree "$SPLITFAIL_KERNEL") &&
		what="kernel of $SPLITFAIL_KERNEL"
	KERNEL=$("$ROOT/harness/runner/build-kernel.sh" "${tree[@]}" 2> "$SCRATCH/build.err" |
		tail -n 1)
	rc=$?
fi
ok $rc "$what cached or built ($(( $(date +%s) - start ))s): $KERNEL" \
	"$(tail -n 20 "$SCRATCH/build.err" 2>/dev/null)"
grep -E 'reusing|built kernel' "$SCRATCH/build.err" 2>/dev/null | sed 's/^/# /'
# run.sh boots that kernel (--kernel), else its default (--vm)
VM=(--vm)
[ "$rc" = 0 ] && [ -n "$KERNEL" ] && VM=(--kernel "$KERNEL")

# --- 2. smoke with injection ---
if [ "${SPLITFAIL_GUEST_SMOKE:-1}" = 0 ]; then
	skip "smoke run in the guest" "SPLITFAIL_GUEST_SMOKE=0"
else
	# smoke on the workloads whose operations injection makes fail, and thp_numa_balance (its
	# scan knobs): keeps the whole test well under 30 minutes.
	RUN_LIMIT=1500
	ONLY=${SPLITFAIL_GUEST_ONLY:-thp_munmap,thp_mprotect,thp_fork_cow,thp_numa_balance}
	run_sh smoke "${VM[@]}" --profile smoke --only "$ONLY"
	[ "$RC" = 0 ] || [ "$RC" = 1 ]
	ok $? "smoke: run.sh exits 0 or 1 (got $RC)" "$(tail -n 30 "$SCRATCH/smoke.err")"
	[ -n "$RES" ] && [ -s "$RES/summary.json" ] && [ "$(json .finished)" = true ]
	ok $? "smoke: summary.json in the results folder, finished" "results: $RES"
	dups=$(json '[.tests[].name] | group_by(.) | map(select(length > 1) | .[0]) | .[]')
	[ -z "$dups" ]
	ok $? "smoke: every result name once ($(json '.boots // 1') guests)" "twice or more: $dups"
	grep -q '^splitfail-guest: init started' "$RES/console.log" 2>/dev/null &&
		grep -q '^splitfail-guest: job exited' "$RES/console.log"
	ok $? "smoke: console.log in the results folder, from boot to the job's end" \
		"$(tail -n 20 "$RES/console.log" 2>&1)"
	faults=$(json .faults_injected)
	[ "${faults:-0}" -gt 0 ] 2>/dev/null
	ok $? "smoke: faults injected (summary.json faults_injected=$faults)"
	consumed=$(json '[.tests[] | select((.window // "") | test("consumed=1 "))] | length')
	[ "${consumed:-0}" -gt 0 ] 2>/dev/null
	ok $? "smoke: faults consumed inside a window ($consumed results with consumed=1)"

	# An operation that injection made fail (consumed=1, ret=-1) must be judged by its state:
	# PASS only when the workload's checks after the window ran and held, FAIL with evidence.
	jq -c '.tests[] | select((.window // "") | test("consumed=1 .*ret=-1 ")) |
		{name, verdict, evidence, log}' "$RES/summary.json" > "$SCRATCH/failed_ops" 2>/dev/null
	nfailed=$(wc -l < "$SCRATCH/failed_ops")
	[ "$nfailed" -gt 0 ]
	ok $? "smoke: $nfailed results where injection made the operation fail (ret=-1)"
	bad=
	judged=0
	while IFS= read -r t; do
		name=$(jq -r .name <<< "$t")
		verdict=$(jq -r .verdict <<< "$t")
		log="$RES/$(jq -r .log <<< "$t")"
		case $verdict in
		PASS)
			# the workload's own TAP: its checks after the window passed
			if grep -q "^ok " "$log" 2>/dev/null &&
			   grep -q '# splitfail: window .*consumed=1 .*ret=-1 ' "$log" &&
			   grep -q '# splitfail: check .*result=ok' "$log" &&
			   ! grep -q 'result=FAIL' "$log"; then
				judged=$(( judged + 1 ))
			else
				bad+="$name: PASS without passing state checks in $log"$'\n'
			fi ;;
		FAIL|SILENT-SKIP)
			if [ -n "$(jq -r '.evidence // empty' <<< "$t")" ]; then
				judged=$(( judged + 1 ))
			else
				bad+="$name: $verdict without evidence"$'\n'
			fi ;;
		*) bad+="$name: verdict $verdict for an operation that failed"$'\n' ;;
		esac
	done < "$SCRATCH/failed_ops"
	[ -z "$bad" ] && [ "$judged" -gt 0 ]
	ok $? "smoke: each failed operation judged by its state ($judged of $nfailed)" "$bad"
	before=$RES/.guest/fault-attrs-before.txt
	after=$RES/.guest/fault-attrs-after.txt
	[ -s "$before" ] && grep -q '^failslab/probability ' "$before" &&
		diff -u "$before" "$after" > "$SCRATCH/attrs.diff"
	ok $? "smoke: fault attributes and NUMA scan knobs read the same after the run as before" \
		"$(cat "$SCRATCH/attrs.diff" 2>/dev/null)"
	if [[ ",$ONLY," == *,thp_numa_balance,* ]]; then
		set_runs=$(grep -l 'NUMA scan knobs set: .*scan_delay_ms [0-9]*->0' \
			"$RES"/logs/thp_numa_balance.* 2>/dev/null | wc -l)
		left=$(json '[.tests[] | select((.evidence // "") |
			test("numa_balancing[^ ]* was left"))] | length')
		[ "$set_runs" -gt 0 ] && [ "$left" = 0 ] &&
			grep -q '^sched/numa_balancing/scan_delay_ms ' "$before"
		ok $? "smoke: thp_numa_balance set the NUMA scan knobs in $set_runs runs and put them back itself ($left runs left one changed)" \
			"$(json '.tests[] | select((.evidence // "") | test("was left")) | .evidence' | head -n 5)"
	fi
fi

# --- 3. a guest that panics, an injected-fault FAIL, the fresh guest, the reproduce lines ---
# One run: panic_trigger's sysrq_crash kills the guest; a fresh guest runs what is left (the
# case that died is not run again); fail_at_nth's nth2 case FAILs under fail-nth 2 (the @nth=2
# suffix puts every named case under that one step). The run's own --only and --case must
# reach the fresh guest unchanged (it skips what the record has, --continue-from).
RUN_LIMIT=900
P=panic_trigger:global.sysrq_crash@nth=2
A=panic_trigger:global.guest_alive@nth=2
F=fail_at_nth:fail_at.nth2.pipe@nth=2
run_sh panic "${VM[@]}" --profile guest-panic --only panic_trigger,fail_at_nth -- \
	--case "panic_trigger:global.sysrq_crash,panic_trigger:global.guest_alive,$F"
PANIC=$RES
[ "$RC" = 1 ]
ok $? "panic: run.sh exits 1 (got $RC)" "$(tail -n 30 "$SCRATCH/panic.err")"
[ "$SECS" -lt 600 ]
ok $? "panic: no hang (${SECS}s)"
fail_name=$(json '.tests[] | select(.strategy == "guest") | .name' | head -n 1)
[ "$fail_name" = "$P" ] && [ "$(json ".tests[] | select(.name == \"$P\") | .verdict")" = FAIL ]
ok $? "panic: the running test is the FAIL (got '$fail_name')"
ev=$(json ".tests[] | select(.name == \"$P\") | .evidence")
grep -q 'Kernel panic - not syncing: sysrq triggered crash' <<< "$ev" &&
	grep -q 'Comm: panic_trigger' <<< "$ev"
ok $? "panic: the FAIL's evidence has the panic lines" "$ev"
verdicts=$(json '[.tests[] | "\(.name)=\(.verdict)"] | sort | join(" ")')
[ "$verdicts" = "$F=FAIL $A=PASS $P=FAIL" ] && [ -s "$RES/boot-2/console.log" ] &&
	[ ! -e "$RES/boot-3" ]
ok $? "panic: a fresh guest ran what was left, each result once, two guests ($verdicts)"
inj=$(json ".tests[] | select(.name == \"$F\") | .window")
grep -q 'consumed=1' <<< "$inj"
ok $? "panic: $F failed with its injected fault consumed ($inj)"
# every rendering has the death (with its console excerpt) and the later guest's results, and
# counts as run.sh's exit code says
tap_fail=$(grep -c '^not ok [0-9]* - ' "$RES/tap.txt")
junit=$(python3 -c 'import sys, xml.dom.minidom as m
d = m.parse(sys.argv[1]); t = d.getElementsByTagName("testcase")
print(len(t), len(d.getElementsByTagName("failure")))' "$RES/junit.xml" 2>&1)
kcidb=$(jq -r '[.tests[] | select(.status == "FAIL" and (.path | startswith("splitfail.")))] | length' "$RES/kcidb.json" 2>&1)
[ "$(grep -cE '^(not )?ok [0-9]+ - ' "$RES/tap.txt")" = 3 ] && [ "$tap_fail" = 2 ] &&
	[ "$junit" = "3 2" ] && [ "$kcidb" = 2 ] && [ "$(json .counts.fail)" = 2 ] &&
	[ "$(json .counts.pass)" = 1 ] && [ "$(grep -c '^not ok [0-9]* ' "$RES/ktap.txt")" = 2 ] &&
	[ "$(grep -c '^ok [0-9]* ' "$RES/ktap.txt")" = 1 ]
ok $? "panic: tap, ktap, junit, summary and kcidb: 3 results, 2 FAIL, as exit 1 says" \
	"tap $tap_fail junit $junit kcidb $kcidb; $(cat "$RES/tap.txt" | head -n 20)"
missing=
for f in tap.txt ktap.txt junit.xml summary.json kcidb.json; do
	grep -q 'sysrq triggered crash' "$RES/$f" || missing+=" $f"
done
[ -z "$missing" ]
ok $? "panic: the console excerpt is in every rendering" "missing in:$missing"

# The reproduce lines of both FAILs, run exactly as printed, and ./run.sh --reproduce: the same
# verdict for the same test name, each in one guest (nothing is left after the one result).
# run_line NAME LINE: like run_sh, for a line as printed.
run_line() {
	local name=$1 start
	start=$(date +%s)
	RC=0
	timeout -k 30 "$RUN_LIMIT" bash -c "$2" > "$SCRATCH/$name.out" 2> "$SCRATCH/$name.err" ||
		RC=$?
	SECS=$(( $(date +%s) - start ))
	RES=$(sed -n 's/^run.sh: results: \([^ ]*\).*/\1/p' "$SCRATCH/$name.err" | tail -n 1)
	note "$name: $2 -> exit $RC in ${SECS}s, results $RES"
}
same_verdict() {	# same_verdict WHAT NAME: exit 1 and the one result NAME FAIL, one guest
	local got
	got=$(json '[.tests[] | "\(.name)=\(.verdict)"] | join(" ")')
	[ "$RC" = 1 ] && [ "$got" = "$2=FAIL" ] && [ ! -e "$RES/boot-2" ]
	ok $? "$1: exit $RC, $got, one guest (${SECS}s)" "$(tail -n 20 "$SCRATCH/$1.err")"
}
RUN_LIMIT=600
for t in "death $P" "injected $F"; do
	set -- $t
	line=$(jq -r --arg n "$2" '.tests[] | select(.name == $n) | .reproduce' \
		"$PANIC/summary.json")
	case $line in
	"$ROOT/run.sh --kernel "*" --profile guest-panic --seed 1 -- --only "*" --case $2 "*) ;;
	*) line="(not a run.sh line for $2) $line" ;;
	esac
	run_line "reproduce-$1" "$line"
	same_verdict "reproduce-$1" "$2"
	run_line "reproduce-dir-$1" "$(printf '%q ' "$ROOT/run.sh" --reproduce "$PANIC" "$2")"
	same_verdict "reproduce-dir-$1" "$2"
done
grep -q "^run.sh: bisect, .*: git bisect run $ROOT/run.sh --kernel-tree \. --profile guest-panic " \
	"$SCRATCH/reproduce-dir-injected.err"
ok $? "panic: --reproduce prints the bisect command" "$(tail -n 3 "$SCRATCH/reproduce-dir-injected.err")"

# --- 4. --wrap in the guest: armed after the loader, disarmed at the exit ---
# A fail-nth sweep of /bin/true under the smoke profile. Armed at its exec, ld.so crashed with a
# NULL dereference at N = 5 and 7-10 (FAIL); armed at its entry but not disarmed at its exit, N = 3
# failed the 9p clunk at exit and no file of the guest's root could be opened again (FAIL
# "system damaged"). Both would make this run exit 1.
RUN_LIMIT=600
run_sh wrap "${VM[@]}" --profile smoke --wrap /bin/true
[ "$RC" = 0 ]
ok $? "wrap: run.sh --wrap /bin/true exits 0 (got $RC)" "$(tail -n 30 "$SCRATCH/wrap.err")"
nbad=$(json '[.tests[] | select(.verdict == "FAIL" or .verdict == "ERROR")] | length')
faults=$(json .faults_injected)
[ "${nbad:-1}" = 0 ] && [ "${faults:-0}" -gt 0 ] 2>/dev/null
ok $? "wrap: faults injected ($faults), no FAIL or ERROR ($nbad)" \
	"$(json '.tests[] | "\(.name) \(.verdict) \(.evidence)"' | head -n 20)"
armed=$(json '[.tests[] | select(.evidence | test("armed at the program.s entry point, after the dynamic loader"))] | length')
[ "${armed:-0}" -gt 0 ] 2>/dev/null
ok $? "wrap: armed at the program's entry point, after the dynamic loader ($armed results)"
diff -u "$RES/.guest/fault-attrs-before.txt" "$RES/.guest/fault-attrs-after.txt" \
	> "$SCRATCH/wrap-attrs.diff" 2>&1
ok $? "wrap: fault attributes read the same after the run as before" \
	"$(cat "$SCRATCH/wrap-attrs.diff")"

# --- 5. a stall report on a healthy guest's console ---
# stall_trigger writes an RCU stall report to /dev/console and runs on for 20 s. The runner
# judges the guest by its progress: a note, no FAIL. SPLITFAIL_STALL_GRACE=5 would have made
# the old runner (stop a guest that long after a stall line) kill it and record a FAIL.
RUN_LIMIT=600
SPLITFAIL_STALL_GRACE=5 run_sh stall "${VM[@]}" --profile guest-stall
[ "$RC" = 0 ]
ok $? "stall: run.sh exits 0 (got $RC)" "$(tail -n 30 "$SCRATCH/stall.err")"
verdicts=$(json '[.tests[] | "\(.name)=\(.verdict)"] | join(" ")')
[ "$verdicts" = "stall_trigger:global.console_stall=PASS" ] && [ ! -e "$RES/boot-2" ]
ok $? "stall: the case PASSes in the one guest, no FAIL ($verdicts)" \
	"$(json '.tests[] | "\(.name) \(.verdict) \(.evidence)"')"
grep -q 'rcu: INFO: rcu_sched self-detected stall on CPU' "$RES/console.log" 2>/dev/null &&
	grep -q 'during stall_trigger:global.console_stall: .*self-detected stall' \
		"$RES/guest-stalls.txt" 2>/dev/null &&
	grep -q '^run.sh: note: the guest kernel reported 1 stall' "$SCRATCH/stall.err"
ok $? "stall: on the console, noted in guest-stalls.txt and by run.sh" \
	"$(cat "$RES/guest-stalls.txt" 2>&1; grep -E 'stall|note' "$SCRATCH/stall.err")"

echo "1..$n"
[ "$failed" = 0 ]
