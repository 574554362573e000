#!/bin/bash
# bench_record.sh (make bench): the harness's results writing, time per result at 100, 1,000
# and 10,000 results (build/tests/harness_bench_record: the live record layer with result texts
# of a nightly's size, in a fresh folder under ${TMPDIR:-/tmp}). Linear writing keeps the time
# per result flat; the whole-file rewrite per result it replaced grew with the count
# (docs/protocol.md, "The run record"). A benchmark, not a test: it prints, it does not judge.
# Exit: 0, or 2 when the program is missing or fails.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=${SPLITFAIL_BUILD:-$ROOT/build}
PROG=$B/tests/harness_bench_record
[ -x "$PROG" ] || { echo "bench: $PROG missing: run make first" >&2; exit 2; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/splitfail-bench-record.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
echo "bench: results writing, time per result (fsync'ed record line per start and result)"
for n in ${BENCH_RECORD_COUNTS:-100 1000 10000}; do
	out=$("$PROG" "$WORK/$n" "$n") || { echo "bench: $PROG failed at $n" >&2; exit 2; }
	read -r _ us <<< "$out"
	printf 'bench: %6d results: %8.1f us per result (record.jsonl %s bytes)\n' "$n" "$us" \
		"$(stat -c %s "$WORK/$n/record.jsonl")"
	rm -rf "${WORK:?}/$n"
done
