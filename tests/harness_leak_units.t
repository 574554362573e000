#!/bin/sh
# harness_leak_units.t: runs build/tests/harness_leak_units (tests/harness_leak_units.c), the
# exact leak oracle's unit tests: mode, exact/busy residuals, per-key state, growth trend,
# the page_owner parser on text captured in the guest (tests/fixtures/page_owner-*.txt) and the
# live tasks of a range left out of it.
TOP=$(cd "$(dirname "$0")/.." && pwd)
exec "$TOP/build/tests/harness_leak_units" "$TOP/tests/fixtures/page_owner-7.2.13-copy_huge_pmd-leak.txt" \
	"$TOP/tests/fixtures/page_owner-7.2.13-live-sleep.txt"
