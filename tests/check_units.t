#!/bin/sh
# check_units.t: runs build/tests/check_units (tests/check_units.c), the unit tests of the
# range readers behind the oracles (pagemap, page nodes, kpageflags, vmstat, meminfo deltas).
TOP=$(cd "$(dirname "$0")/.." && pwd)
exec "${SPLITFAIL_BUILD:-$TOP/build}/tests/check_units"
