#!/bin/sh
# harness_units.t: runs build/tests/harness_units (tests/harness_units.c), the harness's
# verdict, leak, listing and protocol-line unit tests on recorded inputs.
TOP=$(cd "$(dirname "$0")/.." && pwd)
exec "$TOP/build/tests/harness_units"
