#!/bin/bash
# render_targets.t: summary.json's "targets" and "blind_spots" (harness/record/render_targets.c)
# from a run built by hand (tests/harness_render.c targets): per workload and kernel function,
# the targeted runs, those that consumed a fault and the SKIPs; a function that ran and never
# consumed one is a blind spot; a run without targeted results has neither member.
. "$(dirname "$0")/fixtures/lib.sh"
R=$TOP/build/tests/harness_render

mkdir -p "$SCRATCH/t" "$SCRATCH/i"
"$R" targets "$SCRATCH/t" 2> "$SCRATCH/err"
ok $? "harness_render targets" "$(cat "$SCRATCH/err")"
python3 - "$SCRATCH/t/summary.json" > "$SCRATCH/out" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
want = {"v": {"fa": {"runs": 1, "consumed": 1, "skipped": 0}},
        "w": {"fa": {"runs": 2, "consumed": 1, "skipped": 0},
              "fb": {"runs": 1, "consumed": 0, "skipped": 0},
              "gone": {"runs": 0, "consumed": 0, "skipped": 1}}}
assert d["targets"] == want, d["targets"]
assert d["blind_spots"] == ["w:fb"], d["blind_spots"]
PY
ok $? "targets per workload and function; the one blind spot is w:fb" "$(cat "$SCRATCH/out")"

"$R" interrupted "$SCRATCH/i" 2> "$SCRATCH/err"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
assert "targets" not in d and "blind_spots" not in d, d.keys()' "$SCRATCH/i/summary.json"
ok $? "no targeted result: no targets member"
finish
