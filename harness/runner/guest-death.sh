#!/bin/bash
# guest-death.sh: turn a guest that panicked, oopsed or hung into a FAIL of the test that was
# running, and work out which tests a fresh guest still has to run. Sourced by run.sh.
# The harness appends each start and result to record.jsonl as it goes (docs/protocol.md), so
# what it decided before the death is kept; the running test is the record's last start line
# without a result after it (tap.txt's `# splitfail: start test=<name>` for an older harness),
# else inferred from the console (the panicking task's
# Comm) and the case order of `splitfail --list`. Result names are <workload>:<case>[@...][#n].
# A death that configs/known-issues.ini explains becomes KNOWN-FAIL: the harness's own matcher
# decides (`splitfail --known-match`, harness/known.c), given the guest kernel's release
# ($RELEASE, which run.sh reads from the bzImage) and the console excerpt.

# shellcheck source=harness/runner/junit.sh
. "$(dirname "${BASH_SOURCE[0]}")/junit.sh"

# The kernel's own words for "this guest is dying" (console lines worth quoting).
readonly DEATH_PATTERN='Kernel panic|kernel BUG at|BUG:|Oops|general protection fault|WARNING:|'\
'RIP:|Call Trace|sysrq: Trigger a crash|soft lockup|rcu.*stall|hung_task|blocked for more than'
# The lines that open the report of the oops or panic that ended the guest.
readonly FATAL_PATTERN='Kernel panic|kernel BUG at|BUG:|Oops|general protection fault|'\
'sysrq: Trigger a crash'
# Lines of that report the excerpt keeps (an oops with its registers, call trace, the repeat
# after "end trace" and the panic line is 60 to 100 lines).
readonly EXCERPT_MAX=150

# case_of RESULT_NAME: "<workload>:<case>" without the strategy and repeat suffixes.
case_of() { local n=${1%%@*}; echo "${n%%#*}"; }

# run_args RESULT_NAME: the harness options that run just that result again: its case, and
# the strategy its suffix names (@random, @nth=N, @target=F[,nth=N]; none is `off`).
run_args() {
	local c suffix=${1#*@}
	c=$(case_of "$1")
	printf -- '--case %s' "${c#*:}"
	if [ "$suffix" = "$1" ]; then
		printf ' --strategy off\n'
		return 0
	fi
	suffix=${suffix%%#*}
	case $suffix in
	random) printf ' --strategy random' ;;
	nth=*) printf ' --strategy sweep --nth %s' "${suffix#nth=}" ;;
	target=*,nth=*) printf ' --strategy targeted --target %s --nth %s' \
		"$(echo "${suffix#target=}" | cut -d, -f1)" "${suffix##*nth=}" ;;
	target=*) printf ' --strategy targeted --target %s' "${suffix#target=}" ;;
	esac
	echo
}

# decided_names DIR: names of the results tap.txt holds (TAP escapes '#' and '\' with '\').
decided_names() {
	sed -n 's/^\(not \)\{0,1\}ok [0-9]* - \([^ ]*\).*/\2/p' "$1/tap.txt" 2>/dev/null |
		sed 's/\\\(.\)/\1/g'
}

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

# listed_cases HARNESS ARGS...: "<workload>:<case>" in run order, shard applied like the harness.
listed_cases() {
	local harness=$1 shard='' a prev=''
	shift
	for a in "$@"; do
		[ "$prev" = --shard ] && shard=$a
		prev=$a
	done
	"$harness" --list "$@" 2>/dev/null | awk -v shard="$shard" '
		/^[^ :]+:[^ ]+$/ {
			if (shard != "") { split(shard, s, "/"); if (idx++ % s[2] != s[1]) next }
			print
		}'
}

# running_test OUT HARNESS ARGS...: the test that had started and not ended, and how we know.
running_test() {
	local out=$1 harness=$2 started comm last w
	shift 2
	# the record (fsync'ed per line) first: a start line with no result line after it
	started=$(sed -n 's/^{"type": "\(start\|result\)", "name": "\([^"]*\)".*/\1 \2/p' \
		"$out/record.jsonl" 2>/dev/null | tail -n 1)
	if [ "${started%% *}" = start ]; then
		echo "${started#start } (from record.jsonl)"
		return 0
	fi
	started=$(sed -n 's/^# splitfail: start test=\([^ ]*\).*/\1/p' "$out/tap.txt" 2>/dev/null |
		tail -n 1)
	if [ ! -e "$out/record.jsonl" ] && [ -n "$started" ] &&
	   ! decided_names "$out" | grep -qxF -- "$started"; then
		echo "$started (from tap.txt)"
		return 0
	fi
	last=$(decided_names "$out" | tail -n 1)
	comm=$(grep -oE 'Comm: [^ ]+' "$out/console.log" 2>/dev/null | head -n 1 | cut -d' ' -f2)
	if [ -n "$comm" ]; then
		w=$(listed_cases "$harness" "$@" | cut -d: -f1 | sort -u |
			awk -v c="$comm" 'index($0, c) == 1 { print; exit }')
		if [ -n "$w" ]; then
			if [ "${last%%:*}" = "$w" ]; then
				echo "$(case_of "$last") (inferred: the panicking task was $comm)"
			else
				echo "$(listed_cases "$harness" "$@" | grep -m1 "^$w:") (inferred:" \
					"the panicking task was $comm)"
			fi
			return 0
		fi
	fi
	if [ -n "$last" ]; then
		echo "$(case_of "$last") (inferred: the case of the last decided result)"
	else
		echo "$(listed_cases "$harness" "$@" | head -n 1) (inferred: the first listed case)"
	fi
}

# json_string TEXT: TEXT as a JSON string.
json_string() {
	printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/\t/\\t/g' -e 's/\r//g' |
		tr -d '\000-\010\013-\037' | awk 'BEGIN { printf "\"" } NR > 1 { printf "\\n" }
			{ printf "%s", $0 } END { printf "\"" }'
}

# known_issue OUT NAME EVIDENCE HARNESS ARGS...: does configs/known-issues.ini (or the one the
# profile among ARGS names) explain this death? The harness's matcher answers (harness/known.c);
# its `id=`, `fails_run=` and `note=` lines go to OUT/.runner/known. Status 0 when an entry
# matches. The release is $RELEASE, else the console's "Linux version" line.
known_issue() {
	local out=$1 name=$2 evidence=$3 harness=$4 release=${RELEASE:-} profile='' a prev='' rc=0
	shift 4
	for a in "$@"; do
		[ "$prev" = --profile ] && profile=$a
		prev=$a
	done
	[ -n "$release" ] || release=$(sed -n 's/.*Linux version \([^ ]*\).*/\1/p' \
		"$out/console.log" 2>/dev/null | head -n 1)
	[ -n "$release" ] || return 1
	mkdir -p "$out/.runner"
	printf '%s\n' "$evidence" > "$out/.runner/death-evidence"
	"$harness" --known-match --name "$name" --release "$release" \
		--evidence-file "$out/.runner/death-evidence" ${profile:+--profile "$profile"} \
		> "$out/.runner/known" || rc=$?
	[ "$rc" = 2 ] && echo "run.sh: known issues could not be read (above): the death stays a FAIL" >&2
	return "$rc"
}

# record_guest_death OUT RC PROFILE KERNEL HARNESS ARGS...: a verdict for the running test in
# OUT/tap.txt and OUT/summary.json, OUT/guest-death.txt for people. RC 100 died (FAIL), 101 hung
# (FAIL), 102 the whole-guest time limit came while it was still busy (ERROR: not a kernel bug).
# A FAIL that a known issue explains is KNOWN-FAIL. Also a <testcase> in OUT/junit.xml
# (failure, error, or skipped for a KNOWN-FAIL that does not fail the run).
# Sets DEAD_CASE, and DEATH_FAILS: 1 when the
# verdict fails the run (FAIL; KNOWN-FAIL under `known_issues = fail`), else 0.
# shellcheck disable=SC2034 # DEATH_FAILS is run.sh's
record_guest_death() {
	local out=$1 rc=$2 profile=$3 kernel=$4 harness=$5 kind=died verdict=FAIL found name how
	local excerpt evidence repro n count=fail known='' directive tag
	shift 5
	DEATH_FAILS=1
	case $rc in
	101) kind=hung ;;
	102) kind="reached its time limit while still active" verdict=ERROR count=error DEATH_FAILS=0 ;;
	esac
	found=$(running_test "$out" "$harness" "$@")
	name=${found%% (*}
	how=${found#"$name"}
	excerpt=$(console_excerpt "$out/console.log" "$([ "$kind" = died ] && echo died || echo hang)")
	evidence="guest $kind while $name was running$how; console ($out/console.log):"
	evidence+=$'\n'"$excerpt"
	directive="# $verdict"
	if [ "$verdict" = FAIL ] && known_issue "$out" "$name" "$evidence" "$harness" "$@"; then
		known=$(sed -n 's/^id=//p' "$out/.runner/known")
		verdict=KNOWN-FAIL count=known_fail directive="# TODO known issue: $known"
		if grep -qx 'fails_run=yes' "$out/.runner/known"; then
			directive="# KNOWN-FAIL known issue: $known"
		else
			DEATH_FAILS=0
		fi
		evidence="$(sed -n 's/^note=//p' "$out/.runner/known"); $evidence"
	fi
	repro="./run.sh --kernel $kernel --profile $profile --only ${name%%:*} -- $(run_args "$name")"
	{
		echo "$verdict $name: guest $kind$how${known:+ (known issue $known)}"
		echo "reproduce: $repro"
		echo "--- console excerpt ---"
		echo "$excerpt"
	} > "$out/guest-death.txt"
	n=$(decided_names "$out" | wc -l)
	{
		echo "not ok $(( n + 1 )) - $name $directive"
		printf '%s\n' "$evidence" | sed 's/^/#   evidence: /'
		echo "#   reproduce: $repro"
	} >> "$out/tap.txt"
	if command -v jq >/dev/null && [ -s "$out/summary.json" ]; then
		jq --arg name "$name" --arg ev "$evidence" --arg repro "$repro" --arg kind "$kind" \
			--arg verdict "$verdict" --arg count "$count" --arg known "$known" '
			.counts[$count] += 1 | .guest_deaths = ((.guest_deaths // 0) + 1) |
			.tests += [{name: $name, verdict: $verdict, strategy: "guest", faults_injected: 0,
				    evidence: $ev, reproduce: $repro, vmstat_delta: {},
				    guest: $kind} + (if $known == "" then {} else {known_issue: $known} end)]' \
			"$out/summary.json" > "$out/summary.json.tmp" &&
			mv "$out/summary.json.tmp" "$out/summary.json"
	else
		echo "{\"name\": \"$name\", \"verdict\": \"$verdict\", \"evidence\":" \
			"$(json_string "$evidence")}" > "$out/guest-death.json"
		echo "run.sh: no jq (or no summary.json): the death is in $out/guest-death.json" >&2
	fi
	case $verdict in
	FAIL) tag=failure ;;
	ERROR) tag=error ;;
	*) tag=skipped; [ "$DEATH_FAILS" = 1 ] && tag=failure ;;
	esac
	junit_add_death "$out" "$name" "$tag" "$verdict${known:+ known issue: $known}" \
		"$evidence"$'\n'"reproduce: $repro"
	echo "run.sh: $verdict $name: guest $kind$how${known:+ (known issue $known)}" >&2
	printf '%s\n' "$excerpt" | head -n 20 | sed 's/^/  | /' >&2
	DEAD_CASE=$name
}

# remaining_cases HARNESS RES ARGS...: the listed "<workload>:<case>" no boot decided and none
# died in, in run order.
remaining_cases() {
	local harness=$1 res=$2 d
	shift 2
	mkdir -p "$res/.runner"
	listed_cases "$harness" "$@" > "$res/.runner/listed" || return 1
	[ -s "$res/.runner/listed" ] || return 1
	{
		for d in "$res" "$res"/boot-*; do
			[ -d "$d" ] && decided_names "$d"
		done | while read -r n; do case_of "$n"; done
		[ -n "${DEAD_CASE:-}" ] && case_of "$DEAD_CASE"
	} | sort -u > "$res/.runner/decided"
	grep -vxF -f "$res/.runner/decided" "$res/.runner/listed" || true
}

# next_harness_args LISTED REMAINING: the harness options (one per line) for the next guest.
# Workloads with every case left go whole (--only a,b); a workload with some cases left goes
# alone with --case, at most CASE_LIST_MAX characters of it (the harness's limit is 1024): the
# next guest takes the rest.
readonly CASE_LIST_MAX=1000
next_harness_args() {
	local listed=$1 remaining=$2 w partial='' whole='' cases=''
	for w in $(cut -d: -f1 "$remaining" | awk '!seen[$0]++'); do
		if [ "$(grep -c "^$w:" "$listed")" = "$(grep -c "^$w:" "$remaining")" ]; then
			whole+=${whole:+,}$w
		elif [ -z "$partial" ]; then
			partial=$w
		fi
	done
	if [ -n "$partial" ]; then
		cases=$(grep "^$partial:" "$remaining" | cut -d: -f2- |
			awk -v max="$CASE_LIST_MAX" '{ if (length(l) + length($0) + 1 > max) exit
						       l = l (l == "" ? "" : ",") $0 } END { print l }')
		printf '%s\n' --only "$partial" --case "$cases"
	else
		printf '%s\n' --only "$whole"
	fi
}

# merge_boot_results RES N: fold boot-2..N's tap.txt, summary.json, junit.xml and logs into RES's.
merge_boot_results() {
	local res=$1 last=$2 k n line
	for k in $(seq 2 "$last"); do
		local d=$res/boot-$k
		[ -s "$d/tap.txt" ] || continue
		[ -d "$d/logs" ] && mkdir -p "$res/logs" && cp -n "$d/logs/"* "$res/logs/" 2>/dev/null
		junit_merge "$res" "$d"
		n=$(decided_names "$res" | wc -l)
		echo "# splitfail: boot $k (fresh guest after a guest death)" >> "$res/tap.txt"
		while IFS= read -r line; do
			if [[ $line =~ ^(not\ )?ok\ [0-9]+\ -\ (.*)$ ]]; then
				n=$(( n + 1 ))
				echo "${BASH_REMATCH[1]}ok $n - ${BASH_REMATCH[2]}"
			elif [[ $line == '#'* ]]; then
				echo "$line"
			fi
		done < "$d/tap.txt" >> "$res/tap.txt"
		if command -v jq >/dev/null && [ -s "$d/summary.json" ]; then
			jq -s '.[0] as $a | .[1] as $b | $a
				| .tests += $b.tests
				| .counts |= with_entries(.value += ($b.counts[.key] // 0))
				| .faults_injected += $b.faults_injected
				| .guest_deaths = (($a.guest_deaths // 0) + ($b.guest_deaths // 0))
				| .finished = $b.finished | .boots = '"$k" \
				"$res/summary.json" "$d/summary.json" > "$res/summary.json.tmp" &&
				mv "$res/summary.json.tmp" "$res/summary.json"
		fi
	done
	echo "1..$(decided_names "$res" | wc -l)" >> "$res/tap.txt"
}
