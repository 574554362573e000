#!/bin/sh
# harness_probe_units.t: runs build/tests/harness_probe_units (tests/harness_probe_units.c),
# the incremental per-run probes on a fake tree: fault attributes written when they change,
# the knobs a workload declares read while they hold, the record's fsync decision.
TOP=$(cd "$(dirname "$0")/.." && pwd)
exec "${SPLITFAIL_BUILD:-$TOP/build}/tests/harness_probe_units" "$TOP/tests/fixtures/workloads/fake_thp"
