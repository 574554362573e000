#!/bin/bash
# bench_guest_job.sh DIR SECONDS REPEAT: the guest side of make bench-guest (tests/bench_guest.sh
# boots the guest with this as its job). For fork and munmap: the bare fail-nth sweep
# (tests/bench_bare_sweep.c, no checks) for SECONDS, then the suite's own sweep of one case of
# thp_fork_cow and thp_munmap, every check on (the smoke profile), REPEAT times: as the profile
# runs it (batch: [run] batch steps in one child of the fork server), with a child of the fork
# server per point (server: --batch 1) and with an exec per point (exec); each leaves
# DIR/bare-<op>.txt, DIR/<op>-<mode>/ (a results folder with timing.tsv) and
# DIR/<op>-<mode>.wall (seconds), mode batch, server or exec.
set -u
DIR=$1
SECS=${2:-30}
REPEAT=${3:-2}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$ROOT/build
# The host judges a guest by the files it writes (harness/runner/guest-watch.sh): the bare
# sweeps write nothing while they run, so the init's marker is kept fresh, by a loop that forks
# nothing (bash builtins only, a FIFO read as the timer): in exact leak mode a process started
# inside a run's pid range would be counted against the run (docs/protocol.md, Leak oracle).
mkfifo /tmp/bench-keepalive
( exec 9<> /tmp/bench-keepalive
  while ! read -r -t 20 -u 9; do printf '%(%s)T\n' -1 >> "$DIR/.guest/started"; done ) &
keepalive=$!
trap 'kill $keepalive 2>/dev/null' EXIT

now() { date +%s.%N; }
declare -A CASE=([fork]=thp_fork_cow:thp_fork_cow.pmd.parent_writes
		 [munmap]=thp_munmap:thp_munmap.pmd.head)
rc=0
for op in fork munmap; do
	"$B/tests/bench_bare_sweep" "$op" "$SECS" 64 > "$DIR/bare-$op.txt" || rc=1
	for mode in batch server exec; do
		case $mode in
		batch)	how=() ;;	# the profile's own: fork server, [run] batch steps a process
		server)	how=(--batch 1) ;;
		exec)	how=(--batch 1 --fork-server no) ;;
		esac
		start=$(now)
		"$B/harness/splitfail" --out "$DIR/$op-$mode" --profile "$ROOT/configs/smoke.ini" \
			--case "${CASE[$op]}" --strategy sweep --sweep-cap 64 --repeat "$REPEAT" \
			"${how[@]}" --no-progress > "$DIR/$op-$mode.harness.txt" 2>&1 || rc=1
		awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.3f\n", b - a }' \
			> "$DIR/$op-$mode.wall"
	done
done
exit "$rc"
