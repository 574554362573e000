#!/bin/bash
# bench.sh (make bench): split-cycle rate of our thp_munmap throughput mode, all checks on,
# against the kernel's own selftests/mm/transhuge-stress (built here from the same kernel tree
# as the kselftest headers), alternating for a few rounds of a fixed duration on this machine.
# Rates: split cycles per CPU second of each program (its own count: THPs transhuge-stress
# allocated and split, our iterations) decide the ratio, because the machine is shared; the
# thp_split_pmd delta in /proc/vmstat per wall second is printed for both as well. Then perf
# (when present) splits our cycle into operation
# (THP fault-in, mmap/munmap/split) and checks (pattern fill and verify, pagemap/kpageflags/
# smaps/mincore probes) to say what the checks cost.
# Exit: 0 when transhuge-stress is at most 2x faster than us, 1 when slower than that, 2 when
# something needed is missing. Knobs: BENCH_ROUNDS (3), BENCH_SECONDS (4), BENCH_CASE
# (thp_munmap.pmd.all_but_one), BENCH_TS_MIB (2: one THP per loop, the footprint of our
# cycle; larger sizes measure cold-memory zeroing more than the split cycle), BENCH_PERF (1).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=${SPLITFAIL_BUILD:-$ROOT/build}
ROUNDS=${BENCH_ROUNDS:-3}
SECS=${BENCH_SECONDS:-4}
CASE=${BENCH_CASE:-thp_munmap.pmd.all_but_one}
TS_MIB=${BENCH_TS_MIB:-2}
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

# A timed run: "<wall s> <cpu s (user + sys)> <thp_split_pmd delta>" for the command.
# The machine is shared, so rates per CPU second are the fair comparison; wall-clock and
# vmstat figures (which also count other processes' splits) are printed alongside.
timed() {
	local s0 s1 t
	s0=$(splits)
	t=$( { TIMEFORMAT='%R %U %S'; time "$@" > "$WORK/run.out" 2>&1; } 2>&1 ) ||
		{ cat "$WORK/run.out" >&2; return 1; }
	s1=$(splits)
	awk -v t="$t" -v d=$((s1 - s0)) 'BEGIN { split(t, a, " "); print a[1], a[2] + a[3], d }'
}

# transhuge-stress: "<wall s> <cpu s> <vmstat splits> <THPs it allocated and split>"
run_ts() {
	local t
	t=$(timed "$TS" -d "$SECS" "$TS_MIB") || return 1
	# "# 0.032 s/loop, 0.251 ms/page, ... 128 succeed, 0 failed, ..." per loop
	echo "$t $(awk '{ for (i = 2; i <= NF; i++) if ($i == "succeed,") n += $(i - 1) }
		END { print n + 0 }' "$WORK/run.out")"
}

# ours: "<wall s> <cpu s> <vmstat splits> <cycles>" (one munmap split per cycle)
run_ours() {
	local t
	t=$(SPLITFAIL_ITERATIONS=$1 timed "$OURS" -r "$CASE") || return 1
	grep -q "^ok 1 " "$WORK/run.out" || { cat "$WORK/run.out" >&2; return 1; }
	echo "$t $1"
}

# Calibrate our iteration count to about SECS seconds of CPU.
read -r _ cal_cpu _ _ <<< "$(run_ours 300)" || die "$CASE failed"
ITER=$(awk -v c="$cal_cpu" -v s="$SECS" 'BEGIN { n = int(300 * s / (c > 0 ? c : 1));
	print n < 100 ? 100 : n }')
say "kernel $(uname -r); $ROUNDS rounds of ~${SECS}s; ours: $CASE x $ITER cycles;" \
	"transhuge-stress: ${TS_MIB} MiB"

tot="0 0 0 0 0 0 0 0"	# ts wall cpu vmstat cycles, ours wall cpu vmstat cycles
for r in $(seq 1 "$ROUNDS"); do
	read -r tw tc tv tn <<< "$(run_ts)" || die "transhuge-stress failed"
	read -r ow oc ov on <<< "$(run_ours "$ITER")" || die "$CASE failed"
	say "round $r: transhuge-stress $tn THP cycles in ${tw}s wall / ${tc}s CPU" \
		"(vmstat thp_split_pmd +$tv); thp_munmap $on cycles in ${ow}s wall / ${oc}s CPU" \
		"(vmstat +$ov, own rate line: $(sed -nE 's/.*splitfail: rate .* splits_per_sec=([0-9.]+).*/\1/p' \
		"$WORK/run.out") splits/s)"
	tot=$(awk -v t="$tot" -v r="$tw $tc $tv $tn $ow $oc $ov $on" 'BEGIN { split(t, a, " ");
		split(r, b, " "); for (i = 1; i <= 8; i++) printf "%s ", a[i] + b[i] }')
done
read -r tw tc tv tn ow oc ov on <<< "$tot"
ts_cpu=$(calc "$tn / $tc"); ours_cpu=$(calc "$on / $oc")
ts_wall=$(calc "$tv / $tw"); ours_wall=$(calc "$ov / $ow")
ratio=$(awk -v a="$ts_cpu" -v b="$ours_cpu" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 999 }')
wratio=$(awk -v a="$ts_wall" -v b="$ours_wall" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 999 }')
say "split cycles per CPU second: transhuge-stress $ts_cpu, thp_munmap (all checks on)" \
	"$ours_cpu: ratio ${ratio}x (limit 2x)"
say "vmstat thp_split_pmd per wall second: transhuge-stress $ts_wall, thp_munmap" \
	"$ours_wall: ratio ${wratio}x (load average $(cut -d' ' -f1 /proc/loadavg))"

# What the checks cost: classify perf samples of our cycle by call chain.
if [ "${BENCH_PERF:-1}" = 1 ] && command -v perf > /dev/null; then
	if SPLITFAIL_ITERATIONS=$(( ITER / 2 )) perf record -q -F 2000 \
		--call-graph dwarf,16384 -o "$WORK/perf.data" -- "$OURS" -r "$CASE" \
		> /dev/null 2>&1; then
		# a sample is a check when any frame of its call chain is one of these
		checks='pattern_verify|oracle_|probe_|pagemap_|kpageflags|smaps_|maps_|vmstat_'
		checks+='|thp_region_count|folio_is_thp|thp_available|read_selected'
		perf script -i "$WORK/perf.data" -F ip,sym 2> /dev/null | awk -v checks="$checks" '
		BEGIN { RS = ""; FS = "\n" }
		{
			c = "other"
			if ($0 ~ checks)
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
			printf "bench: checks take %.1f%% of our cycle: with them off the rate " \
				"would be about %.2fx higher\n", 100 * chk / total, total / (total - chk)
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
