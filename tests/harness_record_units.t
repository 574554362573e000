#!/bin/bash
# harness_record_units.t: runs build/tests/harness_record_units (tests/harness_record_units.c),
# the run record's unit tests, with the names to check safe file names against: every case of
# the fixture and real workloads as --list prints it, under every result-name suffix the
# harness makes (strategies, fail-nth, targets, repetitions, kmemleak).
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${SPLITFAIL_BUILD:-$TOP/build}
SCRATCH=$(mktemp -d /tmp/splitfail-record.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT
{
	"$B/harness/splitfail" --list --workload-dir "$TOP/tests/fixtures/workloads"
	"$B/harness/splitfail" --list --workload-dir "$B/workloads"
} 2> /dev/null | sort -u | while IFS= read -r c; do
	for s in '' @random @sweep @targeted @nth=1 @nth=12 @target=__split_huge_pmd \
		 @target=__split_huge_pmd,nth=2 @target=__folio_split,nth=12 @kmemleak; do
		printf '%s%s\n%s%s#2\n%s%s#12\n' "$c" "$s" "$c" "$s" "$c" "$s"
	done
done > "$SCRATCH/names"
printf 'wrap:echo:run\nwrap:my prog.sh:run\nwrap:a_3a:run\n' >> "$SCRATCH/names"
"$B/tests/harness_record_units" "$SCRATCH/names" "$SCRATCH"
