#!/bin/bash
# tap_helpers.bash: the TAP helpers the oracle scripts (oracle_hmm.t, oracle_hwpoison.t,
# oracles_migrate.t) share:
# ok <status> <description> [diagnostic] prints one numbered TAP line (counting failures in
# $fails); has <file> <regex> greps a program's output.
n=0
fails=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fails=$((fails + 1))
		[ -n "$3" ] && printf '%s\n' "$3" | sed 's/^/# /'
	fi
}
has() {
	grep -qE "$2" "$1"
}
