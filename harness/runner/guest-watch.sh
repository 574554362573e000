#!/bin/bash
# guest-watch.sh: is a running guest hung, or only slow? Sourced by boot-guest.sh; its functions
# read nothing but files, so tests/guest_watch.t checks them on made-up results folders.
# A guest is judged by its progress, never by what its kernel says about stalls: under software
# emulation on a busy host a vCPU thread that is not scheduled makes the kernel report an RCU
# stall, a soft lockup or a hung task (even in boot initcalls, task swapper/0) although nothing is
# wrong. Progress is what the harness writes into the results export as it goes
# (docs/protocol.md): record.jsonl (a start line before each run, a result after it, fsync'ed),
# the renderings (tap.txt, summary.json, ...), kmsg.txt, the running test's log, and the
# init's markers in .guest/.
# A stall line while that progress goes on is a note; no progress for --idle seconds is a hang.

# The kernel's reports of a stalled CPU or task (console lines).
readonly STALL_PATTERN='soft lockup - CPU|rcu: INFO: .*detected stalls|self-detected stall|'\
'blocked for more than [0-9]+ seconds'

# watch_running_test RESULTS: the test the harness started last (the record's last start line;
# tap.txt's for results of an older harness), or nothing before the first one.
watch_running_test() {
	if [ -e "$1/record.jsonl" ]; then
		sed -n 's/^{"type": "start", "name": "\([^"]*\)".*/\1/p' "$1/record.jsonl" | tail -n 1
		return
	fi
	sed -n 's/^# splitfail: start test=\([^ ]*\).*/\1/p' "$1/tap.txt" 2>/dev/null | tail -n 1
}

# watch_log_name NAME: the file name of a test's log, logs/<NAME>.log with the harness's
# text_safe_name mapping (docs/protocol.md, "File names") of the characters our names hold.
watch_log_name() {
	printf '%s\n' "$1" | sed -e 's/[:@,]/./g' -e 's/=/-/g' -e 's/#/-r/g'
}

# watch_progress_time RESULTS: the newest modification time (epoch seconds) of the files the
# guest writes as it goes, 0 when there is none yet.
watch_progress_time() {
	local res=$1 name f files=()
	name=$(watch_running_test "$res")
	[ -n "$name" ] && name=$(watch_log_name "$name")
	for f in "$res/.guest/started" "$res/.guest/exit-code" "$res/record.jsonl" "$res/tap.txt" \
		 "$res/kmsg.txt" "$res/summary.json" ${name:+"$res/logs/$name.log"}; do
		[ -e "$f" ] && files+=("$f")
	done
	[ ${#files[@]} -gt 0 ] || { echo 0; return; }
	stat -c %Y "${files[@]}" | sort -n | tail -n 1
}

# watch_judge NOW BOOTED PROGRESS CASE_STARTED IDLE BOOT_LIMIT: how the guest is doing, from
# times in epoch seconds: QEMU's start (BOOTED) and the last progress (PROGRESS, 0 for none).
# CASE_STARTED is 1 once the harness has started a test case. Prints one word:
#   ok      progress within the limit that applies
#   hang    a test case had started and nothing progressed for IDLE seconds: the kernel's fault
#   stuck   no test case started yet and nothing progressed for BOOT_LIMIT seconds (boot, init,
#           the harness's start-up): an infrastructure problem, the boot is worth retrying
watch_judge() {
	local now=$1 booted=$2 progress=$3 started=$4 idle=$5 boot_limit=$6 last
	last=$(( progress > booted ? progress : booted ))
	if [ "$started" = 1 ]; then
		[ $(( now - last )) -ge "$idle" ] && { echo hang; return; }
	else
		[ $(( now - last )) -ge "$boot_limit" ] && { echo stuck; return; }
	fi
	echo ok
}

# watch_console_lines CONSOLE: how many complete lines the console has (a line still being
# written is not one yet: a stall line read half-written would be missed).
watch_console_lines() {
	{ wc -l < "$1"; } 2>/dev/null || echo 0
}

# watch_new_stalls CONSOLE FIRST LAST: the stall lines among console lines FIRST..LAST (a line
# that a progress line rewrote with \r counts once).
watch_new_stalls() {
	sed -n "$2,$3p" "$1" 2>/dev/null | tr '\r' '\n' | grep -aE "$STALL_PATTERN" |
		sed 's/\x1b\[K//g' || true
}

# watch_note_stalls RESULTS NOW BOOTED LINES: append one note per stall line to
# RESULTS/guest-stalls.txt (seconds after QEMU's start, the running test or "before the first
# test case", the line) and print how many. A note, not a verdict: the guest is judged by
# watch_judge.
watch_note_stalls() {
	local res=$1 now=$2 booted=$3 lines=$4 name line count=0
	name=$(watch_running_test "$res")
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		printf 'stall reported %ss after boot during %s: %s\n' "$(( now - booted ))" \
			"${name:-boot, before the first test case}" "$line" >> "$res/guest-stalls.txt"
		count=$(( count + 1 ))
	done <<< "$lines"
	echo "$count"
}
