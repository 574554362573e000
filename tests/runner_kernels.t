#!/bin/bash
# runner_kernels.t: the kernel matrix's front ends refuse bad input with a usage error naming
# it, and kernel-source.sh finds the newest linux-source package of Debian unstable through the
# machine's own apt sources without touching the system's apt state (TAP, run by `make check`).
# The full matrix (two kernel builds, two guest runs) is `make check-kernels`, not a test.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCRATCH=$(mktemp -d /tmp/splitfail-kernels-t.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT
# shellcheck source=tests/tap_helpers.bash
. "$ROOT/tests/tap_helpers.bash"

# usage_error WHAT CODE EXPECTED_WORD CMD...: exit CODE and the bad value named on stderr.
usage_error() {
	local what=$1 code=$2 word=$3 rc=0
	shift 3
	"$@" > "$SCRATCH/out" 2> "$SCRATCH/err" || rc=$?
	[ "$rc" = "$code" ] && grep -qF -- "$word" "$SCRATCH/err"
	ok $? "$what: exit $code naming '$word' (got exit $rc)" "$(cat "$SCRATCH/err")"
}

echo "TAP version 13"
KS=$ROOT/harness/runner/kernel-source.sh
CK=$ROOT/harness/runner/check-kernels.sh
# run.sh and check-kernels.sh use the bisect-safe usage code of run.sh; kernel-source.sh is a
# helper like build-kernel.sh (2 usage, 3 could not fetch).
RUN_USAGE=$(sed -n 's/.*EXIT_USAGE=\([0-9]*\).*/\1/p' "$ROOT/run.sh" | head -n 1)
usage_error "kernel-source.sh --suite with a space" 2 "a b" "$KS" --suite "a b"
usage_error "kernel-source.sh --package not a linux-source" 2 "linux-image-7.2" \
	"$KS" --package linux-image-7.2
usage_error "kernel-source.sh unknown option" 2 "--frobnicate" "$KS" --frobnicate
usage_error "check-kernels.sh unknown option" "$RUN_USAGE" "--frobnicate" "$CK" --frobnicate
usage_error "check-kernels.sh --newest-tree not a directory" "$RUN_USAGE" "--newest-tree" \
	"$CK" --newest-tree /nonexistent
usage_error "run.sh --newest-kernel with --kernel" "$RUN_USAGE" "--newest-kernel" \
	"$ROOT/run.sh" --newest-kernel --kernel /etc/hostname

# --print-version asks the archive (the machine's own apt sources) and changes nothing of the
# system's apt state.
if ! compgen -G "/etc/apt/sources.list.d/*.sources" >/dev/null && [ ! -r /etc/apt/sources.list ]; then
	echo "ok $(( n += 1 )) - kernel-source.sh --print-version # SKIP no apt sources here"
else
	before=$(stat -c '%n %Y' /var/lib/apt/lists/* 2>/dev/null | sha256sum)
	rc=0
	out=$(XDG_CACHE_HOME=$SCRATCH/cache "$KS" --print-version 2> "$SCRATCH/err") || rc=$?
	if [ "$rc" = 3 ] && grep -q 'update of unstable failed' "$SCRATCH/err"; then
		echo "ok $(( n += 1 )) - kernel-source.sh --print-version # SKIP archive not reachable"
	else
		[ "$rc" = 0 ] && [[ $out =~ ^linux-source-[0-9]+\.[0-9]+\ [0-9][^\ ]*$ ]]
		ok $? "kernel-source.sh --print-version: '$out' (exit $rc)" "$(cat "$SCRATCH/err")"
		[ -s "$SCRATCH/cache/splitfail/newest-src/apt-unstable/sources.list" ]
		ok $? "kernel-source.sh keeps its apt state in its own cache"
		after=$(stat -c '%n %Y' /var/lib/apt/lists/* 2>/dev/null | sha256sum)
		[ "$before" = "$after" ]
		ok $? "kernel-source.sh left the system's apt lists alone"
	fi
fi

echo "1..$n"
[ "$fails" = 0 ]
