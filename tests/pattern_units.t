#!/bin/sh
# pattern_units.t: runs build/tests/pattern_units (tests/pattern_units.c), the unit tests of
# workloads/lib/pattern.c against a byte-by-byte reference.
TOP=$(cd "$(dirname "$0")/.." && pwd)
exec "${SPLITFAIL_BUILD:-$TOP/build}/tests/pattern_units"
