#!/bin/bash
# bench.sh (make bench): split-cycle rate of our thp_munmap throughput mode, all checks on,
# against the kernel's own selftests/mm/transhuge-stress (built here from the same kernel tree
# as the kselftest headers), alternating for a few rounds of a fixed duration on this machine.
# Both rates come from the thp_split_pmd delta in /proc/vmstat per wall second; each program's
# own figures are printed too. Then perf (when present) splits our cycle into operation
# (THP fault-in, mmap/munmap/split) and checks (pattern fill and verify, pagemap/kpageflags/
# smaps/mincore probes) to say what the checks cost.
# Exit: 0 when transhuge-stress is at most 2x faster than us, 1 when slower than that, 2 when
# something needed is missing. Knobs: BENCH_ROUNDS (3), BENCH_SECONDS (4), BENCH_CASE
# (thp_munmap.pmd.all_but_one), BENCH_TS_MIB (256), BENCH_PERF (1).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=${SPLITFAIL_BUILD:-$ROOT/build}
ROUNDS=${BENCH_ROUNDS:-3}
SECS=${BENCH_SECONDS:-4}
CASE=${BENCH_CASE:-thp_munmap.pmd.all_but_one}
TS_MIB=${BENCH_TS_MIB:-256}
OURS=$B/workloads/thp_munmap
TS=$B/bench/transhuge-stress
WORK=$(mktemp -d /tmp/splitfail-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

say() { echo "bench: $*"; }
die() { echo "bench: $*" >&2; exit 2; }
now() { date +%s.%N; }
splits() { awk '$1 == "thp_split_pmd" { print $2 }' /proc/vmstat; }
calc() { awk "BEGIN { printf \"%.1f\", $1 }"; }

[ -x "$OURS" ] || die "$OURS missing: run make first"
[ -n "$(splits)" ] || die "/proc/vmstat has no thp_split_pmd (kernel without VM event counters)"
SEL=$B/kselftest
[ -f "$SEL/mm/transhuge-stress.c" ] || die "$SEL/mm/transhuge-stress.c missing: run make first"

# transhuge-stress as the selftest Makefile builds it: with vm_util.c and thp_settings.c.
# vm_util.c needs a uapi linux/fs.h newer than Debian 12's (PAGEMAP_SCAN): take the tree's.
build_ts() {
	local src inc=$B/bench/include
	src=$(cat "$SEL/.stamp")
	mkdir -p "$inc/linux"
	if [ -d "$src" ]; then
		cp "$src/include/uapi/linux/fs.h" "$inc/linux/fs.h" || return 1
	else
		say "extracting include/uapi/linux/fs.h from $src"
		tar -xJf "$src" -C "$WORK" --wildcards '*/include/uapi/linux/fs.h' || return 1
		cp "$WORK"/*/include/uapi/linux/fs.h "$inc/linux/fs.h" || return 1
	fi
	(cd "$SEL/mm" && ${CC:-cc} -Wall -O2 -U_FORTIFY_SOURCE -isystem "$inc" \
		transhuge-stress.c vm_util.c thp_settings.c -lrt -lpthread -lm -o "$TS")
}
if [ ! -x "$TS" ] || [ "$SEL/.stamp" -nt "$TS" ]; then
	say "building $TS from $(cat "$SEL/.stamp")"
	build_ts || die "could not build transhuge-stress"
fi

# One timed run of transhuge-stress: prints "<vmstat splits/s> <its own THP/s>".
run_ts() {
	local s0 s1 t0 t1 msp
	s0=$(splits); t0=$(now)
	"$TS" -d "$SECS" "$TS_MIB" > "$WORK/ts.out" 2>&1 || { cat "$WORK/ts.out" >&2; return 1; }
	t1=$(now); s1=$(splits)
	# "# 0.032 s/loop, 0.251 ms/page, ..." : the last loop's time per THP
	msp=$(awk '/ms\/page/ { v = $4 } END { print v }' "$WORK/ts.out")
	echo "$(calc "($s1 - $s0) / ($t1 - $t0)") $(calc "1000 / $msp")"
}

# One run of ours with n iterations: prints "<vmstat splits/s> <its splits_per_sec> <seconds>".
run_ours() {
	local n=$1 s0 s1 t0 t1 own
	s0=$(splits); t0=$(now)
	SPLITFAIL_ITERATIONS=$n "$OURS" -r "$CASE" > "$WORK/ours.out" 2>&1 ||
		{ cat "$WORK/ours.out" >&2; return 1; }
	t1=$(now); s1=$(splits)
	own=$(sed -nE 's/.*splitfail: rate .*splits_per_sec=([0-9.]+).*/\1/p' "$WORK/ours.out")
	echo "$(calc "($s1 - $s0) / ($t1 - $t0)") $own $(calc "$t1 - $t0")"
}

# Calibrate our iteration count to about SECS seconds.
read -r _ cal_rate _ <<< "$(run_ours 300)" || die "$CASE failed"
ITER=$(awk -v r="$cal_rate" -v s="$SECS" 'BEGIN { n = int(r * s); print n < 100 ? 100 : n }')
say "kernel $(uname -r); $ROUNDS rounds of ${SECS}s; ours: $CASE x $ITER iterations;" \
	"transhuge-stress: ${TS_MIB} MiB"

ts_sum=0 ours_sum=0
for r in $(seq 1 "$ROUNDS"); do
	read -r ts_vm ts_own <<< "$(run_ts)" || die "transhuge-stress failed"
	read -r o_vm o_own o_secs <<< "$(run_ours "$ITER")" || die "$CASE failed"
	say "round $r: transhuge-stress $ts_vm splits/s (own: $ts_own THP/s);" \
		"thp_munmap $o_vm splits/s (own rate line: $o_own splits/s over ${o_secs}s)"
	ts_sum=$(calc "$ts_sum + $ts_vm")
	ours_sum=$(calc "$ours_sum + $o_vm")
done
ts_avg=$(calc "$ts_sum / $ROUNDS")
ours_avg=$(calc "$ours_sum / $ROUNDS")
ratio=$(awk -v a="$ts_avg" -v b="$ours_avg" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 999 }')
say "mean split-cycle rate: transhuge-stress $ts_avg/s, thp_munmap (all checks on)" \
	"$ours_avg/s, ratio ${ratio}x (limit 2x)"

# What the checks cost: classify perf samples of our cycle by call chain.
if [ "${BENCH_PERF:-1}" = 1 ] && command -v perf > /dev/null; then
	if SPLITFAIL_ITERATIONS=$(( ITER / 2 )) perf record -q -F 2000 \
		--call-graph dwarf,16384 -o "$WORK/perf.data" -- "$OURS" -r "$CASE" \
		> /dev/null 2>&1; then
		perf script -i "$WORK/perf.data" -F ip,sym 2> /dev/null | awk '
		BEGIN { RS = ""; FS = "\n" }
		{
			c = "other"
			if ($0 ~ /(pattern_verify|oracle_|probe_|pagemap_|kpageflags|smaps_|maps_|vmstat_|thp_region_count|folio_is_thp|thp_available|read_selected)/)
				c = "checks (verify, pagemap/kpageflags/smaps/mincore probes)"
			else if ($0 ~ /asm_exc_page_fault/)
				c = "operation: THP fault-in (zeroing 2 MiB)"
			else if ($0 ~ /pattern_fill/)
				c = "checks: pattern fill (user)"
			else if ($0 ~ /(munmap|mmap|madvise|sys_)/)
				c = "operation: mmap/madvise/munmap+split syscalls"
			n[c]++; total++
		}
		END {
			for (c in n) {
				printf "bench: perf share %5.1f%%  %s\n", 100 * n[c] / total, c
				if (c ~ /^checks/) chk += n[c]
			}
			printf "bench: checks take %.1f%% of our cycle: with them off the rate would be about %.2fx higher\n", \
				100 * chk / total, total / (total - chk)
		}' | sort -t' ' -k1,1 -s
	else
		say "perf record failed: no check-cost breakdown"
	fi
else
	say "perf not available (or BENCH_PERF=0): no check-cost breakdown"
fi

if awk -v r="$ratio" 'BEGIN { exit !(r <= 2) }'; then
	say "PASS: within 2x of transhuge-stress"
	exit 0
fi
say "FAIL: more than 2x slower than transhuge-stress"
exit 1
