#!/bin/bash
# harness_fork_server.t: on the running kernel, the fork server (harness/fork_server.c,
# workloads/lib/serve.c) runs what an exec per run runs. thp_munmap without injection, with
# [run] fork_server yes and no: (1) the same result names and verdicts; (2) every served run is
# a child of one server (its log's trailer: via=fork-server:PID, the same PID for all) and not
# that server itself, and with two workloads in alternation each keeps its one server; (3)
# with no, every run says via=exec; (4) no server is left running after
# the harness ends; (5) a server SIGKILLed while the harness runs costs at most the run it was
# serving (ERROR naming the fork server) and the runs after it go on with a new server.
# Leak verdicts are left out of the comparisons (see verdicts()).
. "$(dirname "$0")/fixtures/lib.sh"
BUILD=${SPLITFAIL_BUILD:-$TOP/build}
W=$BUILD/workloads/thp_munmap
if [ "$(id -u)" != 0 ] || [ ! -x "$W" ] ||
   [ ! -e /sys/kernel/mm/transparent_hugepage/enabled ]; then
	echo "1..0 # SKIP needs root, THP and build/workloads/thp_munmap"
	exit 0
fi

run() {	# run OUT FORK_SERVER [ARGS...]
	local out=$1 fs=$2
	shift 2
	"$SF" --only thp_munmap --strategy off --no-progress --workload-dir "$BUILD/workloads" \
		--state-dir "$SCRATCH/state" --fork-server "$fs" --out "$out" "$@" \
		> /dev/null 2> "$out.err"
}

# name and verdict of every result of a record, sorted. A leak FAIL on this host is shown as
# LEAK: the host is shared (other processes, DAMON) and its counters move under busy-mode
# tolerances; leak verdicts are judged in the guest's exact mode, not here.
verdicts() {
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r.get("type") == "result":
        leak = r["verdict"] == "FAIL" and r["evidence"].startswith("leak")
        print(r["name"], "LEAK" if leak else r["verdict"])' "$1/record.jsonl" | sort
}

same() {	# same A B: equal names, equal verdicts wherever neither side is LEAK
	join "$1" "$2" | awk 'NF != 3 || ($2 != $3 && $2 != "LEAK" && $3 != "LEAK") { bad++ }
		END { exit bad > 0 }' &&
		[ "$(cut -d' ' -f1 "$1")" = "$(cut -d' ' -f1 "$2")" ]
}

servers() { grep -ho 'via=[^ ]*' "$1"/logs/*.log | sort | uniq -c; }

run "$SCRATCH/yes" yes
rc_yes=$?
run "$SCRATCH/no" no
rc_no=$?
verdicts "$SCRATCH/yes" > "$SCRATCH/v.yes"
verdicts "$SCRATCH/no" > "$SCRATCH/v.no"
n=$(wc -l < "$SCRATCH/v.yes")
[ "$rc_yes" -le 1 ] && [ "$rc_no" -le 1 ] && [ "$n" -gt 10 ] && same "$SCRATCH/v.yes" "$SCRATCH/v.no"
ok $? "same $n result names and verdicts with and without the fork server (exit $rc_yes, $rc_no)" \
	"$(diff "$SCRATCH/v.yes" "$SCRATCH/v.no" | head; tail -3 "$SCRATCH/yes.err")"

servers "$SCRATCH/yes" > "$SCRATCH/s.yes"
spid=$(sed -n 's/.*via=fork-server:\([0-9]*\)$/\1/p' "$SCRATCH/s.yes")
own=$(grep -ho 'pid=[0-9]* via' "$SCRATCH"/yes/logs/*.log | grep -c "pid=$spid via")
[ "$(wc -l < "$SCRATCH/s.yes")" = 1 ] && [ -n "$spid" ] && [ "$own" = 0 ] &&
	grep -q "^ *$n via=fork-server:$spid$" "$SCRATCH/s.yes"
ok $? "all $n runs are children of one fork server ($spid), none is the server itself" \
	"$(cat "$SCRATCH/s.yes")"

servers "$SCRATCH/no" > "$SCRATCH/s.no"
grep -q "^ *$n via=exec$" "$SCRATCH/s.no" && [ "$(wc -l < "$SCRATCH/s.no")" = 1 ]
ok $? "fork_server no: all $n runs exec the workload" "$(cat "$SCRATCH/s.no")"

! pgrep -f "^$BUILD/workloads/thp_munmap --serve" > /dev/null
ok $? "no fork server left running after the harness ended" "$(pgrep -af -- '--serve')"

# one server per workload binary for the whole run, while the run order alternates between them
"$SF" --only thp_munmap,thp_mprotect --strategy off --no-progress \
	--workload-dir "$BUILD/workloads" --state-dir "$SCRATCH/state" --out "$SCRATCH/two" \
	> /dev/null 2> "$SCRATCH/two.err"
pairs=$(for f in "$SCRATCH"/two/logs/*.log; do
	printf '%s %s\n' "$(basename "$f" | cut -d. -f1)" "$(grep -o 'via=[^ ]*' "$f")"
done | sort -u)
[ "$(echo "$pairs" | wc -l)" = 2 ] && [ "$(echo "$pairs" | cut -d' ' -f2 | sort -u | wc -l)" = 2 ] &&
	! echo "$pairs" | grep -q 'via=exec'
ok $? "two workloads in alternation: one fork server each for the whole run" "$pairs"

# (5) kill the server while a longer run goes on
run "$SCRATCH/kill" yes --repeat 4 &
harness=$!
wait_for 60 pgrep -f "^$BUILD/workloads/thp_munmap --serve" > /dev/null
sleep 1
first=$(pgrep -f "^$BUILD/workloads/thp_munmap --serve" | head -n 1)
# while it serves a run (a run lasts milliseconds: pgrep is polled without a pause)
end=$((SECONDS + 30))
while [ -n "$first" ] && ! pgrep -P "$first" > /dev/null && [ $SECONDS -lt $end ]; do :; done
[ -n "$first" ] && kill -KILL "$first"
wait "$harness"
rc=$?
verdicts "$SCRATCH/kill" > "$SCRATCH/v.kill"
errors=$(grep -c ' ERROR$' "$SCRATCH/v.kill")
total=$(wc -l < "$SCRATCH/v.kill")
nserv=$(servers "$SCRATCH/kill" | grep -c fork-server)
why=$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r.get("verdict") == "ERROR":
        print(r.get("evidence", ""))' "$SCRATCH/kill/record.jsonl")
[ -n "$first" ] && [ "$total" = $((4 * n)) ] && [ "$errors" -le 1 ] && [ "$nserv" -ge 2 ] &&
	{ [ "$errors" = 0 ] || echo "$why" | grep -q "fork server"; } &&
	[ "$(grep -cv ' PASS$\| LEAK$\| SKIP$\| ERROR$' "$SCRATCH/v.kill")" = 0 ]
ok $? "a killed server ($first) costs at most its run ($errors ERROR of $total, exit $rc), then $nserv servers" \
	"$why$(servers "$SCRATCH/kill"; grep -v ' PASS$' "$SCRATCH/v.kill")"
! pgrep -f "^$BUILD/workloads/thp_munmap --serve" > /dev/null
ok $? "no fork server left after the killed one's run"

echo "1..$T"
[ "$FAILED" = 0 ]
