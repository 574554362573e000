#!/bin/bash
# follow.sh: sourced by run.sh. follow_findings DIR says, while a guest runs, each finding as it
# happens (a "not ok" line of DIR/tap.txt, which the harness in the guest writes into the shared
# results folder) and, on a terminal, how many runs are decided. It looks every
# SPLITFAIL_FOLLOW_SECONDS (2) until SIGTERM, then takes a last look and ends, so the guest's
# console does not have to be streamed for a user to see what is found.

# follow_scan DIR: say the findings after the first $seen decided runs; updates seen, findings.
# A live tap.txt ends with the test still running as "not ok ... # ERROR" whose evidence says
# "interrupted" (and "Bail out!"): not decided yet, so neither said nor counted.
follow_scan() {
	local line total=0 pending=
	[ -r "$1/tap.txt" ] || return 0
	while IFS= read -r line; do
		if [ -n "$pending" ]; then
			case $line in "#   evidence: interrupted:"*) pending=; continue ;; esac
			follow_decided "$pending"
			pending=
		fi
		case $line in "ok "*|"not ok "*) pending=$line ;; esac
	done < "$1/tap.txt"
	[ -n "$pending" ] && follow_decided "$pending"
	seen=$total
	if [ -t 2 ]; then
		printf '\r\033[K[%d runs decided, %d findings]' "$seen" "$findings" >&2
	fi
	return 0
}

# follow_decided LINE: one decided run's result line (follow_scan's); a finding is said once.
follow_decided() {
	total=$((total + 1))
	[ "$total" -le "$seen" ] && return 0
	case $1 in
	"not ok "*)
		findings=$((findings + 1))
		if [ -t 2 ]; then printf '\r\033[K' >&2; fi
		echo "run.sh: finding: ${1#not ok * - }" >&2 ;;
	esac
	return 0
}

follow_findings() {
	local seen=0 findings=0 last=0
	trap 'last=1' TERM
	while [ "$last" = 0 ]; do
		sleep "${SPLITFAIL_FOLLOW_SECONDS:-2}" &
		wait $! || true
		follow_scan "$1"
	done
	exit 0
}
