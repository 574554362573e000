#!/bin/sh
# harness_leak_busy.t: runs build/tests/harness_leak_busy (tests/harness_leak_busy.c): busy
# mode's leak verdict on a fake /proc tree. Counters moved by others (a THP grower, late
# frees, another task) are notes; a growth page_owner ties to the workload's pids is a FAIL.
TOP=$(cd "$(dirname "$0")/.." && pwd)
exec "$TOP/build/tests/harness_leak_busy" "$TOP/tests/fixtures/page_owner-7.2.13-copy_huge_pmd-leak.txt"
