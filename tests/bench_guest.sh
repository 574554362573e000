#!/bin/bash
# bench_guest.sh (make bench-guest): what a fault point costs in the guest, and where it goes.
# Boots the default kernel (built once and cached by harness/runner/build-kernel.sh; or
# BENCH_KERNEL=<bzImage>) under QEMU as run.sh does and runs tests/bench_guest_job.sh there:
# a bare fail-nth sweep of fork and of a THP munmap (no checks, tests/bench_bare_sweep.c) and
# the suite's own sweep of one thp_fork_cow and one thp_munmap case with every check on (smoke
# profile): in batches of steps (the profile's [run] batch), a fork-server child per point, and an
# exec per point. Prints fault points per minute of each, the ratio to the bare sweep, and the
# suite's mean time per point split into the phases of <results>/timing.tsv (harness/timing.c).
# A benchmark, not a test: it reports, it does not judge. Knobs: BENCH_SECONDS (30, each bare sweep), BENCH_REPEAT
# (2, the suite's sweeps), BENCH_KERNEL, BENCH_ACCEL (auto), SPLITFAIL_RESULTS (results/).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNNER=$ROOT/harness/runner
SECS=${BENCH_SECONDS:-30}
REPEAT=${BENCH_REPEAT:-2}
KERNEL=${BENCH_KERNEL:-}
say() { echo "bench-guest: $*" >&2; }

[ -x "$ROOT/build/tests/bench_bare_sweep" ] || { say "run make first"; exit 2; }
[ -n "$KERNEL" ] || KERNEL=$("$RUNNER/build-kernel.sh" | tail -n 1)
[ -r "$KERNEL" ] || { say "no kernel: $KERNEL"; exit 2; }
OUT=${SPLITFAIL_RESULTS:-$ROOT/results}/bench-guest-$(date -u +%Y%m%dT%H%M%SZ)-$$
mkdir -p "$OUT"
say "kernel $KERNEL; results $OUT; $SECS s bare sweeps, $REPEAT suite sweeps each"
start=$(date +%s)
rc=0
"$RUNNER/boot-guest.sh" --kernel "$KERNEL" --results "$OUT" --memory 1G --timeout 3600 \
	--idle 600 --accel "${BENCH_ACCEL:-auto}" --quiet -- \
	"$ROOT/tests/bench_guest_job.sh" "$OUT" "$SECS" "$REPEAT" || rc=$?
say "guest ended with $rc after $(( $(date +%s) - start )) s (console: $OUT/console.log)"

# rate FILE: points_per_min of a bare sweep's output line.
rate() { sed -n 's/.*points_per_min=\([0-9.]*\).*/\1/p' "$1" 2>/dev/null; }
{
	printf '%-13s %14s %14s %8s   %s\n' run "bare pts/min" "suite pts/min" ratio \
		"suite ms/point: pre_probes startup setup op checks leak kmsg judge results total"
	for run in fork-batch fork-server fork-exec munmap-batch munmap-server munmap-exec; do
		op=${run%-*}
		tsv=$OUT/$run/timing.tsv
		bare=$(rate "$OUT/bare-$op.txt")
		points=$(grep -vc '^#' "$tsv" 2>/dev/null || echo 0)
		wall=$(cat "$OUT/$run.wall" 2>/dev/null || echo 0)
		suite=$(awk -v p="$points" -v w="$wall" 'BEGIN { if (w > 0) printf "%.0f", p * 60 / w }')
		ratio=$(awk -v a="${bare:-0}" -v b="${suite:-0}" \
			'BEGIN { if (b > 0) printf "%.0fx", a / b; else print "-" }')
		split=$(awk -F'\t' '!/^#/ { for (i = 2; i <= 11; i++) if ($i != "-") { s[i] += $i; n[i]++ } }
			END { for (i = 2; i <= 11; i++) printf " %.1f", n[i] ? s[i] / n[i] * 1000 : -1 }' \
			"$tsv" 2>/dev/null)
		printf '%-13s %14s %14s %8s  %s   (%s points in %s s)\n' "$run" "${bare:--}" \
			"${suite:--}" "$ratio" "$split" "$points" "$wall"
	done
} | tee "$OUT/bench.txt"
exit "$rc"
