#!/bin/bash
# harness_runsh_vm.t: run.sh's guest path with stand-ins for the kernel builder and the guest
# (tests/fixtures/runner: a "build" of a tree that can fail, a "guest" that runs the harness on
# the fake tree). A good kernel exits 0, a FAIL 1 with the finding said as it happens (the
# console is not streamed, a KVM probe's job message is not shown), a kernel that does not build 125.
# A guest FAIL's reproduce line boots the same kernel (its path; the record keeps its build-cache
# key, or the sha256 of a --kernel) and gives the same FAIL, as printed and through
# ./run.sh --reproduce, which also prints the bisect command and warns when the bzImage was
# rebuilt since. SIGTERM cancels the "guest" and
# its harness restores first (143). A guest the whole-guest time limit stopped while still
# progressing (the stand-in's exit 102) is no verdict: its test runs again in a fresh guest and
# run.sh exits 0 on its PASS, recorded once; stopped twice it is an ERROR (129); a hung guest
# (101) stays a FAIL (1). Then `git bisect run ./run.sh --kernel-tree .` over a repo
# whose commits flip between good, bad and "cannot build" lands on the first bad commit with
# the unbuildable ones skipped, and a commit whose profile is broken (usage error, 128) stops
# the bisect instead of being marked.
. "$(dirname "$0")/fixtures/lib.sh"
export SPLITFAIL_RESULTS=$SCRATCH/results SPLITFAIL_FOLLOW_SECONDS=0.3
export SPLITFAIL_BUILD_KERNEL=$TOP/tests/fixtures/runner/fake-build-kernel.sh
export SPLITFAIL_BOOT_GUEST=$TOP/tests/fixtures/runner/fake-boot-guest.sh
export FAKE_KERNEL_OUT=$SCRATCH REPO=$SCRATCH/linux FAKE_MODE_FILE=$SCRATCH/linux/mode
git init -q "$REPO"
commit() {	# commit MODE BUILD NAME [PROFILE-TEXT]: prints the new commit
	echo "$1" > "$REPO/mode"
	echo "$2" > "$REPO/build"
	printf '%b' "${4:-[run]\nstrategies = off\n[knobs]\n/proc/sys/vm/nr_hugepages = 16\n}" \
		> "$REPO/p.ini"
	echo "$3" > "$REPO/name"
	git -C "$REPO" add mode build p.ini name
	git -C "$REPO" -c user.name=t -c user.email=t@t commit -qm "$3"
	git -C "$REPO" rev-parse HEAD
}
runvm() {	# runvm [harness options]: run.sh --kernel-tree $REPO on the fake tree
	"$TOP/run.sh" --kernel-tree "$REPO" --profile "$REPO/p.ini" -- --root "$TREE" \
		--workload-dir "$WDIR" --no-progress --case fake.head.munmap "$@" \
		> "$SCRATCH/out" 2> "$SCRATCH/err"
}

for m in "ok ok 0" "fail ok 1" "ok fail 125"; do
	set -- $m
	commit "$1" "$2" "$1-$2" > /dev/null
	new_tree
	runvm
	rc=$?
	[ $rc -eq "$3" ]
	ok $? "guest path: workload $1, build $2 -> exit $3 (got $rc)" "$(tail -n 8 "$SCRATCH/err")"
done
commit fail ok said > /dev/null
new_tree
runvm
grep -q 'run.sh: finding: fake_thp:fake.head.munmap # FAIL' "$SCRATCH/err" &&
	grep -q 'guest console: .*/console.log (--console streams it)' "$SCRATCH/err"
ok $? "guest path: the finding is said, the console's place too" "$(cat "$SCRATCH/err")"
grep -q '^boot-guest: KVM probe failed' "$SCRATCH/err" && ! grep -q 'Aborted' "$SCRATCH/err"
ok $? "guest path: the KVM probe's sentence is said, the shell's job message is not" \
	"$(cat "$SCRATCH/err")"

# reproduce: a guest FAIL's line boots the same kernel with the same profile and seed and runs
# that one result: as printed, and through ./run.sh --reproduce, the same FAIL
results_of() { sed -n 's/^run.sh: results: \([^ ]*\).*/\1/p' "$1" | tail -n 1; }
RUN=$(results_of "$SCRATCH/err")
name=$(jq -r '.tests[0].name' "$RUN/summary.json")
line=$(jq -r '.tests[0].reproduce' "$RUN/summary.json")
bash -c "$line" > /dev/null 2> "$SCRATCH/err2"
rc=$?
again=$(results_of "$SCRATCH/err2")
[[ $line == "$TOP/run.sh --kernel $SCRATCH/bzImage --profile $REPO/p.ini --seed 1 -- --only fake_thp --case $name --strategy off "* ]] &&
	[ $rc -eq 1 ] && [ "$again" != "$RUN" ] &&
	[ "$(jq -r '.tests | map(.name + " " + .verdict) | join(",")' "$again/summary.json")" = \
	  "$name FAIL" ]
ok $? "guest path: the reproduce line of $name, run as printed: the same kernel, the same FAIL (exit $rc)" \
	"$line; $(tail -n 5 "$SCRATCH/err2")"
[ "$("$SF" results kernel "$RUN" | paste -sd' ')" = "$SCRATCH/bzImage $(basename "$SCRATCH")" ]
ok $? "guest path: the record names the kernel and its build-cache key" \
	"$("$SF" results kernel "$RUN")"
"$TOP/run.sh" --reproduce "$RUN" "$name" > /dev/null 2> "$SCRATCH/err2"
rc=$?
again=$(results_of "$SCRATCH/err2")
[ $rc -eq 1 ] && [ "$(jq -r '.tests[0].name + " " + .tests[0].verdict' "$again/summary.json")" = \
	"$name FAIL" ] && ! grep -q WARNING "$SCRATCH/err2" &&
	grep -q "^run.sh: bisect, .*: git bisect run $TOP/run.sh --kernel-tree \. --profile $REPO/p.ini --seed 1 -- --only fake_thp --case $name " \
		"$SCRATCH/err2"
ok $? "guest path: ./run.sh --reproduce: the same FAIL (exit $rc) and the bisect command" \
	"$(cat "$SCRATCH/err2")"
# a prebuilt --kernel is known by its sha256: rebuilt, the same path warns
"$TOP/run.sh" --kernel "$SCRATCH/bzImage" --profile "$REPO/p.ini" -- --root "$TREE" \
	--workload-dir "$WDIR" --no-progress --case fake.head.munmap > /dev/null 2> "$SCRATCH/err2"
RUN=$(results_of "$SCRATCH/err2")
printf 'rebuilt' >> "$SCRATCH/bzImage"
"$TOP/run.sh" --reproduce "$RUN" "$name" > /dev/null 2> "$SCRATCH/err2"
rc=$?
[ $rc -eq 1 ] && "$SF" results kernel "$RUN" | grep -q '^sha256:[0-9a-f]\{64\}$' &&
	grep -q "WARNING: $SCRATCH/bzImage is not the kernel that ran" "$SCRATCH/err2"
ok $? "guest path: --reproduce with a bzImage rebuilt since: said loudly, run anyway (exit $rc)" \
	"$(cat "$SCRATCH/err2")"

commit hang ok hang > /dev/null
new_tree
"$TOP/run.sh" --kernel-tree "$REPO" --profile "$REPO/p.ini" -- --root "$TREE" \
	--workload-dir "$WDIR" --no-progress --case fake.head.munmap --timeout 60 \
	> "$SCRATCH/out" 2> "$SCRATCH/err" &
rpid=$!
wait_for 30 workload_pid > /dev/null
kill -TERM $rpid
wait $rpid
rc=$?
[ $rc -eq 143 ] && ! workload_pid > /dev/null && [ ! -e "$TREE/run/splitfail/journal" ] &&
	knobs_same
ok $? "guest path: SIGTERM to run.sh stops the guest, restored first, exit 143 (got $rc)" \
	"$(cat "$SCRATCH/err" "$SCRATCH/diff")"

# the whole-guest time limit: FAKE_BOOTS plays the stand-in guest's end per boot
commit ok ok limit > /dev/null
limit_run() {	# limit_run NAME PLANS: runvm with those guest ends; sets RC, RUN, X (its test's results)
	new_tree
	FAKE_BOOTS=$2 FAKE_BOOTS_CALLS=$SCRATCH/calls-$1 runvm
	RC=$?
	RUN=$(results_of "$SCRATCH/err")
	X=$(jq -c '[.tests[] | select(.name == "fake_thp:fake.head.munmap")]' "$RUN/summary.json")
}
limit_run once limit,ok
[ "$RC" = 0 ] && [ "$(jq -r '[.[] | "\(.verdict) \(.boot)"] | join(",")' <<< "$X")" = "PASS 2" ] &&
	[ "$(jq -r '.time_limit | map("\(.name) \(.boot)") | join(",")' "$RUN/summary.json")" = \
	  "fake_thp:fake.head.munmap 1" ] && [ "$(cat "$SCRATCH/calls-once")" = 2 ] &&
	grep -q 'fake.head.munmap: guest 1 reached its time limit while still active .*runs again in a fresh guest' \
		"$SCRATCH/err" && knobs_same
ok $? "time limit while active: the test runs again in a fresh guest, one PASS, exit 0 (got $RC)" \
	"$X; $(cat "$SCRATCH/err")"
limit_run twice limit,limit
ev=$(jq -r '.[0].evidence' <<< "$X")
[ "$RC" = 129 ] && [ "$(jq -r '[.[] | "\(.verdict) \(.guest) \(.boot)"] | join(",")' <<< "$X")" = \
	"ERROR timeout 2" ] && grep -q 'fake guest: limit in call 2' <<< "$ev" &&
	grep -q 'fake guest: limit in call 1' <<< "$ev" && [ "$(cat "$SCRATCH/calls-twice")" = 2 ]
ok $? "time limit twice on the same test: one ERROR with both consoles, exit 129 (got $RC)" \
	"$X; $(cat "$SCRATCH/err")"
limit_run hang hang
[ "$RC" = 1 ] && [ "$(jq -r '[.[] | "\(.verdict) \(.guest)"] | join(",")' <<< "$X")" = "FAIL hung" ] &&
	[ "$(jq '.time_limit' "$RUN/summary.json")" = null ]
ok $? "a hung guest (no progress) stays a FAIL, exit 1 (got $RC)" "$X; $(cat "$SCRATCH/err")"

marks_right() {	# every "# good/bad/skip: [sha]" of the bisect log matches that commit's files
	local mark sha want
	git -C "$REPO" bisect log | sed -n 's/^# \(good\|bad\|skip\): \[\([0-9a-f]*\)\].*/\1 \2/p' |
		while read -r mark sha; do
			if [ "$(git -C "$REPO" show "$sha:build")" = fail ]; then want=skip
			elif [ "$(git -C "$REPO" show "$sha:mode")" = fail ]; then want=bad
			else want=good; fi
			[ "$mark" = "$want" ] || { echo "$sha marked $mark, want $want"; return 1; }
		done
}
git -C "$REPO" checkout -q --detach
g=$(commit ok ok g1)
for i in 2 3 4; do commit ok fail "nobuild$i" > /dev/null; done
commit ok ok g5 > /dev/null
b=$(commit fail ok b6); last=$(commit fail ok b7)
new_tree
(
	cd "$REPO" && git bisect start "$last" "$g" &&
		git bisect run "$TOP/run.sh" --kernel-tree . --profile p.ini -- --root "$TREE" \
			--workload-dir "$WDIR" --no-progress --case fake.head.munmap
) > "$SCRATCH/bisect" 2>&1
grep -q "^$b is the first bad commit" "$SCRATCH/bisect"
ok $? "git bisect run ./run.sh --kernel-tree .: lands on the first bad commit" \
	"$(cat "$SCRATCH/bisect")"
marks_right > "$SCRATCH/marks" && git -C "$REPO" bisect log | grep -q '^# skip: '
ok $? "git bisect run: commits that do not build are skipped (125), none marked good or bad" \
	"$(cat "$SCRATCH/marks"; git -C "$REPO" bisect log)"
git -C "$REPO" bisect reset -q > /dev/null 2>&1

git -C "$REPO" checkout -q --detach "$last"
g=$(commit ok ok g8)
u=$(commit ok ok u9 '[vm]\nmemroy = 2G\n')
last=$(commit fail ok b10)
new_tree
(
	cd "$REPO" && git bisect start "$last" "$g" &&
		git bisect run "$TOP/run.sh" --kernel-tree . --profile p.ini -- --root "$TREE" \
			--workload-dir "$WDIR" --no-progress --case fake.head.munmap
) > "$SCRATCH/bisect" 2>&1
brc=$?
log=$(git -C "$REPO" bisect log 2>&1)
[ $brc -ne 0 ] && grep -q 'exit code 128' "$SCRATCH/bisect" &&
	! grep -q "^# \(good\|bad\|skip\): \[$u\]" <<< "$log" &&
	! grep -q 'is the first bad commit' "$SCRATCH/bisect"
ok $? "git bisect run: a broken profile (usage error, 128) stops the bisect, no commit marked" \
	"$(cat "$SCRATCH/bisect"; echo "$log")"
git -C "$REPO" bisect reset -q > /dev/null 2>&1

finish
