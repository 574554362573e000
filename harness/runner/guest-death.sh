#!/bin/bash
# guest-death.sh: a guest that panicked, oopsed or hung becomes a verdict of the test that was
# running (one the time limit stopped while still busy runs again instead: death.c), recorded
# by the harness (`splitfail results death`: a result line with strategy
# "guest", the console excerpt as evidence, the known-issue match of harness/known.c and the
# reproduce line; every rendering rewritten). Sourced by run.sh, which has already folded the
# guest's folder into the run's (so the record is the whole run's). The running test is the
# record's start line without a result (`splitfail results running`); for a record without
# one it is inferred from the console (the panicking task's Comm) and the cases not yet
# decided (`splitfail --list --continue-from`). The shell only reads the console.

# The kernel's own words for "this guest is dying" (console lines worth quoting).
readonly DEATH_PATTERN='Kernel panic|kernel BUG at|BUG:|Oops|general protection fault|WARNING:|'\
'RIP:|Call Trace|sysrq: Trigger a crash|soft lockup|rcu.*stall|hung_task|blocked for more than'
# The lines that open the report of the oops or panic that ended the guest.
readonly FATAL_PATTERN='Kernel panic|kernel BUG at|BUG:|Oops|general protection fault|'\
'sysrq: Trigger a crash'
# Lines of that report the excerpt keeps (an oops with its registers, call trace, the repeat
# after "end trace" and the panic line is 60 to 100 lines).
readonly EXCERPT_MAX=150

# console_text: console lines as text (the harness's progress line rewrites itself with \r and
# ESC[K on a terminal) without the line-ending \r. A progress line `[N] NAME PASS|SKIP` has no
# newline: what the kernel printed after it goes on a line of its own.
console_text() {
	sed -e 's/\x1b\[K//g' -e 's/\r$//' | tr '\r' '\n' |
		sed 's/^\(\[[0-9][0-9]*\] [^ ]* \(PASS\|SKIP\)\)\(..*\)$/\1\n\3/'
}

# console_excerpt CONSOLE KIND: the lines that show how the guest died (died) or what it was
# doing when it stopped (hang). A death's excerpt is the whole report of the oops or panic that
# ended it (from its first line to the "end Kernel panic" line, at most EXCERPT_MAX lines), so
# that known issues can match the faulting function and the call trace; when a warning or a
# stall came before it, the first 20 lines of that come first.
console_excerpt() {
	local console=$1 kind=$2 first fatal job
	console_text < "$console" > "$console.text"
	job=$(grep -n -m1 '^splitfail-guest: running:' "$console.text" | cut -d: -f1)
	first=$(first_line "$console.text" "${job:-1}" "$DEATH_PATTERN")
	fatal=$(first_line "$console.text" "${job:-1}" "$FATAL_PATTERN")
	if [ "$kind" = died ] && [ -n "$first" ]; then
		if [ -n "$fatal" ] && [ "$fatal" -gt "$first" ]; then
			sed -n "${first},\$p" "$console.text" | head -n "$(( fatal - first < 20 ?
				fatal - first : 20 ))"
			if [ $(( fatal - first )) -gt 20 ]; then
				echo "[... $(( fatal - first - 20 )) console lines ...]"
			fi
		fi
		awk -v from="${fatal:-$first}" -v max="$EXCERPT_MAX" 'NR >= from { print; n++
			if (/---\[ end Kernel panic/ || n >= max) exit }' "$console.text"
	else
		tail -n 40 "$console.text"
	fi
	rm -f "$console.text"
}

# first_line FILE FROM PATTERN: the number of the first line at or after FROM that matches
# PATTERN and is not the guest init's own.
first_line() {
	local n
	n=$(tail -n +"$2" "$1" | grep -nE "$3" | grep -v 'splitfail-guest:' | head -n 1 |
		cut -d: -f1) || true
	if [ -n "$n" ]; then echo $(( n + $2 - 1 )); fi
}

# infer_running RES OUT: "<name> (inferred: ...)" for a record without a start line: the first
# case not yet decided of the workload the panicking task names, else the first one left.
infer_running() {
	local left comm w name
	left=$("$HARNESS" --list --continue-from "$1" "${HARNESS_ARGS[@]}" 2>/dev/null) || left=
	comm=$(grep -oE 'Comm: [^ ]+' "$2/console.log" 2>/dev/null | head -n 1 | cut -d' ' -f2) ||
		comm=
	if [ -n "$comm" ]; then
		for w in $(cut -d: -f1 <<< "$left" | sort -u); do
			case $w in "$comm"*)
				name=$(grep -m1 "^$w:" <<< "$left")
				echo "$name (inferred: the panicking task was $comm)"
				return 0 ;;
			esac
		done
	fi
	name=$(head -n 1 <<< "$left")
	[ -n "$name" ] || return 1
	echo "$name (inferred: the first test case not yet decided)"
}

# record_guest_death RES OUT RC: the death of the guest that ran into OUT (RC 100 died, 101
# hung: FAIL; 102 the whole-guest time limit came while it was still busy: not a kernel bug,
# no verdict the first time, the test runs again in the fresh guest; an ERROR the second time)
# recorded in RES's record by the harness, which also says it on stderr.
record_guest_death() {
	local res=$1 out=$2 kind=died found name how
	case $3 in
	101) kind=hung ;;
	102) kind=timeout ;;
	esac
	if found=$("$HARNESS" results running "$res" | head -n 1) && [ -n "$found" ]; then
		name=$found
		how="from the record"
	elif found=$(infer_running "$res" "$out"); then
		name=${found%% (*}
		how=${found#"$name" (}
		how=${how%)}
	else
		say "the guest $kind and no test case is left to blame (console: $out/console.log)"
		return 1
	fi
	console_excerpt "$out/console.log" "$([ "$kind" = died ] && echo died || echo hang)" \
		> "$out/.runner/death-evidence"
	"$HARNESS" results death "$res" --name "$name" --kind "$kind" --how "$how" \
		--console "$out/console.log" --evidence-file "$out/.runner/death-evidence" \
		--release "${RELEASE:-}" -- "${CONTEXT[@]}" "${HARNESS_ARGS[@]}"
}
