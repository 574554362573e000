#!/bin/sh
# harness_kallsyms.t: runs build/tests/harness_kallsyms (tests/harness_kallsyms.c), the
# kernel-function lookup of targeted runs on recorded /proc/kallsyms text.
TOP=$(cd "$(dirname "$0")/.." && pwd)
exec "${SPLITFAIL_BUILD:-$TOP/build}/tests/harness_kallsyms"
