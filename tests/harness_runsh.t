#!/bin/bash
# harness_runsh.t: run.sh's exit codes are the ones git bisect run and CI can act on, and a
# cancel cancels. On the host (--host) against the fake tree: good 0, bug 1, nothing tested
# 125, an ERROR 129, usage errors 128 before any results folder (unknown workload or case, a
# --kernel that is not a bzImage); SIGTERM to run.sh stops the harness, which restores its
# knobs and releases its lock before run.sh exits 143. A results folder is made only when the
# run really starts (the harness's lock held: no folder, results/latest unchanged) and has a
# name of its own when another run started in the same second. A host FAIL's reproduce line,
# run as printed, and `./run.sh --reproduce`, give the same FAIL alone. Then `git bisect run ./run.sh` over a
# small repository whose commits flip the fake workload between ok, fail and skip lands on
# the first failing commit, skipping the untestable one, and a usage error in the middle
# stops the bisect instead of marking a commit.
. "$(dirname "$0")/fixtures/lib.sh"
export SPLITFAIL_RESULTS=$SCRATCH/results

runsh() {	# runsh [run.sh options] -- [harness options]: host run against $TREE
	local pre=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do pre+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	"$TOP/run.sh" --host --profile "$SCRATCH/p.ini" "${pre[@]}" -- --root "$TREE" \
		--workload-dir "$WDIR" --no-progress "$@" > "$SCRATCH/out" 2> "$SCRATCH/err"
}
printf '[run]\nstrategies = off\n[knobs]\n/proc/sys/vm/nr_hugepages = 16\n' > "$SCRATCH/p.ini"

code_case() {	# code_case WANT FAKE_MODE DESCRIPTION [harness options]
	local want=$1 mode=$2 what=$3
	shift 3
	new_tree
	FAKE_MODE=$mode runsh -- --case fake.head.munmap "$@"
	local rc=$?
	[ $rc -eq "$want" ]
	ok $? "run.sh: $what -> exit $want (got $rc)" "$(tail -5 "$SCRATCH/err")"
}
code_case 0 ok "good"
code_case 1 fail "a FAIL"
code_case 125 skip "every run SKIP (nothing tested)"
new_tree
rm -f "${TREE:?}/dev/kmsg"
FAKE_MODE=ok runsh -- --case fake.head.munmap
rc=$?
[ $rc -eq 129 ]
ok $? "run.sh: an unreadable kernel log (runs ERROR) -> exit 129 (got $rc)" "$(tail -5 "$SCRATCH/err")"

usage_runsh() {	# usage_runsh TEXT ARGS...: exit 128 naming it, no results folder
	local want=$1
	shift
	new_tree
	rm -rf "$SPLITFAIL_RESULTS"
	runsh "$@"
	local rc=$?
	[ $rc -eq 128 ] && grep -qF -- "$want" "$SCRATCH/err" && [ ! -e "$SPLITFAIL_RESULTS" ]
	ok $? "run.sh $*: usage error 128 naming '$want', no results folder (got $rc)" \
		"$(cat "$SCRATCH/err")"
}
usage_runsh "unknown workload 'nosuch'" -- --only fake_thp,nosuch
usage_runsh "no test case 'nosuch.case'" -- --case nosuch.case
usage_runsh "unknown option '--frobnicate'" --frobnicate --
"$TOP/run.sh" --kernel "$TOP/README.md" > /dev/null 2> "$SCRATCH/err"
rc=$?
[ $rc -eq 128 ] && grep -q 'is not a bzImage' "$SCRATCH/err"
ok $? "run.sh --kernel README.md: usage error 128 before QEMU (got $rc)" "$(cat "$SCRATCH/err")"

# results folders: made when the run really starts, never on a refused start; unique names
R=$SPLITFAIL_RESULTS
rm -rf "$R"
new_tree
FAKE_MODE=ok runsh -- --case fake.head.munmap
first=$(readlink "$R/latest")
mkdir -p "$TREE/run/splitfail"
flock --no-fork "$TREE/run/splitfail/lock" sleep 30 &	# killing it frees the lock
holder=$!
wait_for 5 sh -c '! flock -n "$0" true' "$TREE/run/splitfail/lock"	# it holds the lock
ls -a "$R" > "$SCRATCH/before"
FAKE_MODE=ok runsh -- --case fake.head.munmap
rc=$?
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
ls -a "$R" | diff "$SCRATCH/before" - > "$SCRATCH/diff" &&
	[ "$(readlink "$R/latest")" = "$first" ] && [ $rc -eq 129 ] &&
	grep -q 'another run holds the lock' "$SCRATCH/err"
ok $? "run.sh --host with the harness's lock held: exit 129, no results folder, results/latest unchanged" \
	"exit $rc; $(cat "$SCRATCH/diff" "$SCRATCH/err")"
# two runs in the same second: the second name gets -2 (folders of this second and the next
# few exist already: as if other runs had just made them)
now=$(date +%s)
for t in 0 1 2 3 4 5; do
	mkdir "$R/$(date -u -d "@$(( now + t ))" +%Y%m%dT%H%M%SZ)-6.12.0-fake" 2>/dev/null
done
ls "$R" > "$SCRATCH/before"
FAKE_MODE=ok runsh -- --case fake.head.munmap
new=$(readlink "$R/latest")
ls "$R" > "$SCRATCH/after"
[ -s "$R/$new/record.jsonl" ] && [[ $new == *-6.12.0-fake-2 ]] &&
	[ "$(grep -vxF -f "$SCRATCH/before" "$SCRATCH/after")" = "$new" ] &&
	[ -z "$(ls -A "$R/${new%-2}")" ]
ok $? "a second run in the same second: its own folder ($new), the other left alone" \
	"$(ls "$R")"
"$SF" results new "$R" 6.12.0-fake > "$SCRATCH/new1" && "$SF" results new "$R" 6.12.0-fake \
	> "$SCRATCH/new2"
[ -d "$(cat "$SCRATCH/new1")" ] && [ -d "$(cat "$SCRATCH/new2")" ] &&
	[ "$(cat "$SCRATCH/new1")" != "$(cat "$SCRATCH/new2")" ] &&
	[ "$R/$(readlink "$R/latest")" = "$(cat "$SCRATCH/new2")" ]
ok $? "splitfail results new twice: two folders, latest at the second" \
	"$(cat "$SCRATCH/new1" "$SCRATCH/new2")"

# reproduce: a host FAIL's line, run as printed, and ./run.sh --reproduce, give the same FAIL
LATEST0=$(readlink "$TOP/results/latest" 2>/dev/null)
made=()
restore_latest() {	# the host lines write into the clone's results/: put it back
	rm -rf "${made[@]}"
	if [ -n "$LATEST0" ]; then ln -sfn "$LATEST0" "$TOP/results/latest"
	else rm -f "$TOP/results/latest"; fi
}
new_tree
printf '[run]\nstrategies = off, random\nmax_cases = 1\n[knobs]\n/proc/sys/vm/nr_hugepages = 16\n' \
	> "$SCRATCH/p2.ini"
FAKE_MODE=fail "$TOP/run.sh" --host --profile "$SCRATCH/p2.ini" -- --root "$TREE" \
	--workload-dir "$WDIR" --no-progress --case fake.head.munmap > /dev/null 2> "$SCRATCH/err"
RUN=$R/$(readlink "$R/latest")
name=$(jq -r '.tests[] | select(.name | endswith("@random")) | .name' "$RUN/summary.json")
line=$(jq -r --arg n "$name" '.tests[] | select(.name == $n) | .reproduce' "$RUN/summary.json")
FAKE_MODE=fail bash -c "$line" > /dev/null 2> "$SCRATCH/err"
rc=$?
again=$(sed -n 's/^splitfail: results: //p' "$SCRATCH/err")
[ -n "$again" ] && made+=("$again")
[ "$name" = fake_thp:fake.head.munmap@random ] && [ $rc -eq 1 ] &&
	[ "$(jq -r '.tests | map("\(.name) \(.verdict)") | join(",")' "$again/summary.json")" = \
	  "$name FAIL" ]
ok $? "host: the reproduce line of $name, run as printed: the same FAIL, alone (exit $rc)" \
	"$line; $(cat "$SCRATCH/err")"
FAKE_MODE=fail "$TOP/run.sh" --reproduce "$RUN" "$name" > /dev/null 2> "$SCRATCH/err"
rc=$?
again=$(sed -n 's/^splitfail: results: //p' "$SCRATCH/err")
[ -n "$again" ] && made+=("$again")
[ $rc -eq 1 ] && [ "$(jq -r '.tests[0].name + " " + .tests[0].verdict' "$again/summary.json")" = \
	"$name FAIL" ] && grep -q "^run.sh: bisect, .*git bisect run $TOP/run.sh --kernel-tree . -- " \
	"$SCRATCH/err"
ok $? "host: ./run.sh --reproduce RUN $name: the same FAIL (exit $rc), and a bisect command" \
	"$(cat "$SCRATCH/err")"
restore_latest
"$TOP/run.sh" --reproduce "$RUN" fake_thp:no.such.test > /dev/null 2> "$SCRATCH/err"
rc=$?
[ $rc -eq 128 ] && grep -q "no result 'fake_thp:no.such.test'" "$SCRATCH/err"
ok $? "./run.sh --reproduce of a name the folder does not have: usage error 128 (got $rc)" \
	"$(cat "$SCRATCH/err")"

# cancel: SIGTERM to run.sh reaches the harness, which restores before run.sh exits
new_tree
FAKE_MODE=hang "$TOP/run.sh" --host --profile "$SCRATCH/p.ini" -- --root "$TREE" \
	--workload-dir "$WDIR" --no-progress --case fake.head.munmap --timeout 60 \
	> "$SCRATCH/out" 2> "$SCRATCH/err" &
rpid=$!
wait_for 30 workload_pid > /dev/null
changed=$(cat "$TREE/proc/sys/vm/nr_hugepages")
kill -TERM $rpid
wait $rpid
rc=$?
[ $rc -eq 143 ] && [ "$changed" = 16 ]
ok $? "SIGTERM to run.sh: exit 143 (got $rc; nr_hugepages was $changed while it ran)" \
	"$(cat "$SCRATCH/err")"
! workload_pid > /dev/null && [ ! -s "$TREE/run/splitfail/lock" ] &&
	[ ! -e "$TREE/run/splitfail/journal" ] && grep -q 'interrupted by signal 15' "$SCRATCH/err"
ok $? "SIGTERM to run.sh: when it exits, the harness has ended, lock released, no journal" \
	"$(cat "$SCRATCH/err")"
knobs_same
ok $? "SIGTERM to run.sh: knobs restored byte for byte" "$(cat "$SCRATCH/diff")"

# git bisect run: commit 1 ok, 2-4 untestable (every run SKIP), 5 ok, 6-7 fail: first bad 6,
# and every commit bisect ran is marked as its mode says (skip, never good)
REPO=$SCRATCH/repo
git init -q "$REPO"
commit() {	# commit MODE NAME: prints the new commit
	echo "$1" > "$REPO/mode"
	echo "$2" > "$REPO/name"
	git -C "$REPO" add mode name
	git -C "$REPO" -c user.name=t -c user.email=t@t commit -qm "$2"
	git -C "$REPO" rev-parse HEAD
}
bisect_run() {	# bisect_run GOOD BAD: git bisect run ./run.sh, output in $SCRATCH/bisect
	(
		cd "$REPO" && git bisect start "$2" "$1" &&
			FAKE_MODE_FILE=$REPO/mode git bisect run "$TOP/run.sh" --host \
				--profile "$SCRATCH/p.ini" -- --root "$TREE" --workload-dir "$WDIR" \
				--no-progress --case fake.head.munmap
	) > "$SCRATCH/bisect" 2>&1
}
marks_right() {	# every "# good/bad/skip: [sha]" of the bisect log matches that commit's mode
	local mark sha want
	git -C "$REPO" bisect log | sed -n 's/^# \(good\|bad\|skip\): \[\([0-9a-f]*\)\].*/\1 \2/p' |
		while read -r mark sha; do
			case $(git -C "$REPO" show "$sha:mode") in
			ok) want=good ;; fail) want=bad ;; skip) want=skip ;; *) want=? ;;
			esac
			[ "$mark" = "$want" ] || { echo "$sha marked $mark"; return 1; }
		done
}
c1=$(commit ok c1)
for i in 2 3 4; do commit skip "c$i" > /dev/null; done
commit ok c5 > /dev/null
c6=$(commit fail c6); c7=$(commit fail c7)
new_tree
bisect_run "$c1" "$c7"
grep -q "^$c6 is the first bad commit" "$SCRATCH/bisect"
ok $? "git bisect run ./run.sh: lands on the first failing commit" "$(cat "$SCRATCH/bisect")"
marks_right > "$SCRATCH/marks" && git -C "$REPO" bisect log | grep -q '^# skip: '
ok $? "git bisect run ./run.sh: untestable commits skipped (125), none marked good or bad" \
	"$(cat "$SCRATCH/marks"; git -C "$REPO" bisect log)"
git -C "$REPO" bisect reset -q 2> /dev/null
# a usage error in the middle (a profile the harness refuses) must stop the bisect
git -C "$REPO" checkout -q "$c7"
c7=$(commit ok c7b); c8=$(commit usage c8); c9=$(commit fail c9)
printf '[run]\nstrategies = off\n[knobs]\n/proc/sys/vm/nr_hugepages = 16\n' > "$SCRATCH/p.ini"
new_tree
(
	cd "$REPO" && git bisect start "$c9" "$c7" &&
		git bisect run sh -c 'if [ "$(cat mode)" = usage ]; then p=/nonexistent.ini;
			else p=$0; fi; exec "$1" --host --profile "$p" -- --root "$2" \
			--workload-dir "$3" --no-progress --case fake.head.munmap' \
			"$SCRATCH/p.ini" "$TOP/run.sh" "$TREE" "$WDIR"
) > "$SCRATCH/bisect" 2>&1
brc=$?
log=$(git -C "$REPO" bisect log 2>&1)
[ $brc -ne 0 ] && grep -q 'exit code 128' "$SCRATCH/bisect" &&
	! grep -q "^# bad: \[$c8\]" <<< "$log" && ! grep -q "^# good: \[$c8\]" <<< "$log" &&
	! grep -q 'is the first bad commit' "$SCRATCH/bisect"
ok $? "git bisect run: a usage error (exit 128) stops the bisect, no commit marked by it" \
	"$(cat "$SCRATCH/bisect"; echo "$log")"
git -C "$REPO" bisect reset -q 2> /dev/null

finish
