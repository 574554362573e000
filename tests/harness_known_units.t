#!/bin/sh
# harness_known_units.t: runs build/tests/harness_known_units (tests/harness_known_units.c),
# the unit tests of harness/known.c: release comparison and known_apply() on recorded results.
TOP=$(cd "$(dirname "$0")/.." && pwd)
exec "${SPLITFAIL_BUILD:-$TOP/build}/tests/harness_known_units"
