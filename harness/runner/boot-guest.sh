#!/bin/bash
# boot-guest.sh: boot a splitfail kernel in QEMU, run one command inside, and say how it ended.
# The guest gets 2 vCPUs and two NUMA nodes, the host's / read-only over 9p as its root, and the
# results folder as a writable 9p export mounted at the same path. harness/runner/guest-init.sh
# is its init; the serial console goes to <results>/console.log (streamed to stderr unless
# --quiet). KVM is used when a quick probe boots a kernel with it, software emulation otherwise.
# One socket per node (a shared LLC across nodes makes the kernel WARN at boot).
# The kernel runs with oops=panic panic=-1 and QEMU with -no-reboot, so an oops or a panic ends
# QEMU at once. A hang is judged by progress (harness/runner/guest-watch.sh), not by the
# kernel's stall reports: under software emulation those come from a busy host too, so there the
# kernel's stall thresholds are raised (TCG_APPEND) and a stall line is only noted in
# <results>/guest-stalls.txt. How it ended goes to <results>/.guest/outcome.
# Exit: the command's own exit code when it finished; 100 the guest died (panic/oops) while it
# ran; 101 the guest hung: a test case had started and the results export showed no progress
# for --idle seconds; 102 the --timeout limit came while it still progressed; 103 the guest was
# stuck before the first test case (no progress for --boot-limit seconds in boot, init or the
# harness's start-up: an infrastructure problem, retry the boot); 125 the kernel did not boot to
# init (QEMU ended first); 3 runner error.
set -euo pipefail

readonly ME=boot-guest
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly ROOT
readonly EXIT_DIED=100 EXIT_HANG=101 EXIT_BUSY=102 EXIT_STUCK=103 EXIT_NOBOOT=125 EXIT_RUNNER=3
KERNEL=
RESULTS=
SHARE=
MEMORY=1G
TIMEOUT=1800
ACCEL=${SPLITFAIL_ACCEL:-auto}
CONSOLE=
EXTRA_APPEND=
QUIET=0
PROBE_ONLY=0
PROBE_SECONDS=${SPLITFAIL_KVM_PROBE_SECONDS:-8}
IDLE=180
BOOT_LIMIT=${SPLITFAIL_BOOT_LIMIT:-}
# Under software emulation a vCPU thread the host does not schedule looks stalled to the guest
# kernel. Stall reporting stays on (its lines are evidence next to a real hang) but far less
# eager: RCU stalls after 120 s (default 21) and none before init, soft lockups after 120 s
# (2 x watchdog_thresh, default 20), hung tasks after 600 s (default 120); never a panic. Every
# parameter is in Documentation/admin-guide/kernel-parameters.txt of 6.12 and 7.2. KVM guests
# keep the kernel's defaults.
readonly TCG_APPEND='rcupdate.rcu_cpu_stall_timeout=120 rcupdate.rcu_cpu_stall_suppress_at_boot=1'\
' watchdog_thresh=60 softlockup_panic=0 sysctl.kernel.hung_task_timeout_secs=600'
QEMU=${SPLITFAIL_QEMU:-qemu-system-x86_64}

# shellcheck source=harness/runner/guest-watch.sh
. "$ROOT/harness/runner/guest-watch.sh"

say() { echo "$ME: $*" >&2; }
die() { local rc=$1; shift; say "$*"; exit "$rc"; }

usage() {
	cat <<EOF
usage: $ME.sh --kernel BZIMAGE --results DIR [options] -- COMMAND [ARGS...]
       $ME.sh --probe --kernel BZIMAGE     print the accelerator to use: kvm or tcg
  --memory SIZE     RAM per NUMA node (two nodes), e.g. 1G (default $MEMORY)
  --timeout S       whole-guest time limit in seconds (default $TIMEOUT)
  --accel A         auto|kvm|tcg (default auto = probe; env SPLITFAIL_ACCEL)
  --console FILE    serial console log (default DIR/console.log)
  --append ARGS     extra kernel command line
  --quiet           do not stream the console to stderr
  --share DIR       DIR read-only at its own path too (the run's folder, for a fresh guest's
                    --continue-from; the host's / shows it already unless it is on a tmpfs)
COMMAND runs in the guest from $ROOT with DIR mounted writable at DIR.
  --idle S          once a test case has started, S seconds without progress in the results
                    folder mean hung (default $IDLE)
  --boot-limit S    before the first test case, S seconds without progress mean stuck
                    (default: the larger of 300 and --idle; env SPLITFAIL_BOOT_LIMIT)
Exit: the command's code; $EXIT_DIED guest died; $EXIT_HANG guest hung; $EXIT_BUSY time limit
reached while it still progressed; $EXIT_STUCK stuck before the first test case (retry);
$EXIT_NOBOOT no boot; $EXIT_RUNNER runner error.
EOF
}

while [ $# -gt 0 ]; do
	case $1 in
	--kernel|--results|--memory|--timeout|--accel|--console|--append|--idle|--boot-limit|--share)
		[ $# -ge 2 ] || { usage >&2; exit 2; } ;;
	esac
	case $1 in
	--kernel) KERNEL=$2; shift 2 ;;
	--results) RESULTS=$2; shift 2 ;;
	--share) SHARE=$(cd "$2" && pwd -P) || die 2 "--share: no folder $2"; shift 2 ;;
	--memory) MEMORY=$2; shift 2 ;;
	--timeout) TIMEOUT=$2; shift 2 ;;
	--accel) ACCEL=$2; shift 2 ;;
	--console) CONSOLE=$2; shift 2 ;;
	--append) EXTRA_APPEND=$2; shift 2 ;;
	--idle) IDLE=$2; shift 2 ;;
	--boot-limit) BOOT_LIMIT=$2; shift 2 ;;
	--quiet) QUIET=1; shift ;;
	--probe) PROBE_ONLY=1; shift ;;
	-h|--help) usage; exit 0 ;;
	--) shift; break ;;
	*) usage >&2; exit 2 ;;
	esac
done

[ -n "$KERNEL" ] && [ -r "$KERNEL" ] || die 2 "--kernel: '$KERNEL' is not a readable bzImage"
command -v "$QEMU" >/dev/null || die "$EXIT_RUNNER" "$QEMU not found (harness/runner/deps.sh vm)"

# Size like 512M or 2G to MiB.
size_mib() {
	local n=${1%[KkMmGgTt]} unit=${1: -1}
	case $n in ''|*[!0-9]*) return 1 ;; esac
	case $unit in
	[Kk]) echo $(( n / 1024 )) ;;
	[Mm]) echo "$n" ;;
	[Gg]) echo $(( n * 1024 )) ;;
	[Tt]) echo $(( n * 1024 * 1024 )) ;;
	*) echo $(( $1 / 1024 / 1024 )) ;;
	esac
}

# KVM works when a guest kernel gets far enough to look for its root device within a few
# seconds; on hosts with a broken nested hypervisor QEMU aborts or hangs instead.
probe_accel() {
	local out rc=0
	if [ ! -w /dev/kvm ]; then
		say "no usable /dev/kvm: software emulation (tcg)"
		echo tcg
		return
	fi
	out=$(mktemp /tmp/splitfail-kvm-probe.XXXXXX)
	timeout -k 2 "$PROBE_SECONDS" "$QEMU" -accel kvm -cpu host -smp 1 -m 256 -nodefaults \
		-display none -no-reboot -serial "file:$out" -kernel "$KERNEL" \
		-append "console=ttyS0 panic=-1 root=/dev/splitfail-kvm-probe" \
		>/dev/null 2>&1 || rc=$?
	if grep -qE 'VFS: (Cannot open|Unable to mount) root|Kernel panic' "$out"; then
		say "KVM probe booted a kernel: using kvm"
		echo kvm
	else
		say "KVM probe failed (qemu exit $rc, $(wc -l < "$out") console lines in" \
			"${PROBE_SECONDS}s): software emulation (tcg, multi-threaded)"
		echo tcg
	fi
	rm -f "$out"
}

if [ "$PROBE_ONLY" = 1 ]; then
	probe_accel
	exit 0
fi

[ $# -gt 0 ] || { usage >&2; exit 2; }
[ -n "$RESULTS" ] || die 2 "--results DIR is required"
mkdir -p "$RESULTS"
RESULTS=$(cd "$RESULTS" && pwd -P)
case "$RESULTS$ROOT$SHARE" in *[[:space:]]*) die 2 "paths with white space cannot go on the kernel cmdline" ;; esac
MEM_MIB=$(size_mib "$MEMORY") || die 2 "--memory: cannot parse '$MEMORY'"
case $TIMEOUT in ''|*[!0-9]*) die 2 "--timeout wants seconds, got '$TIMEOUT'" ;; esac
case $IDLE in ''|*[!0-9]*) die 2 "--idle wants seconds, got '$IDLE'" ;; esac
[ -n "$BOOT_LIMIT" ] || BOOT_LIMIT=$(( IDLE > 300 ? IDLE : 300 ))
case $BOOT_LIMIT in ''|*[!0-9]*) die 2 "--boot-limit wants seconds, got '$BOOT_LIMIT'" ;; esac
CONSOLE=${CONSOLE:-$RESULTS/console.log}
case $ACCEL in
auto) ACCEL=$(probe_accel) ;;
kvm|tcg) ;;
*) die 2 "--accel wants auto, kvm or tcg, got '$ACCEL'" ;;
esac

GUEST=$RESULTS/.guest
rm -rf "$GUEST"
mkdir -p "$GUEST"
{
	echo "# written by boot-guest.sh; sourced by guest-init.sh"
	printf 'JOB_CWD=%q\n' "$ROOT"
	printf 'JOB_CMD=('
	printf ' %q' "$@"
	printf ' )\n'
} > "$GUEST/job.sh"

if [ "$ACCEL" = kvm ]; then
	ACCEL_ARGS=(-accel kvm -cpu host)
else
	ACCEL_ARGS=(-accel 'tcg,thread=multi')
fi
NINEP=trans=virtio,version=9p2000.L,msize=262144
APPEND="console=ttyS0 loglevel=5 oops=panic panic=-1 root=/dev/root rootfstype=9p"
APPEND+=" rootflags=$NINEP,cache=loose ro init=$ROOT/harness/runner/guest-init.sh"
# no_timer_check: a TCG guest on a loaded host can fail the IO-APIC timer check and panic at boot
APPEND+=" no_timer_check page_owner=on splitfail.guest=1 splitfail.accel=$ACCEL"
APPEND+=" splitfail.top=$ROOT splitfail.results=$RESULTS"
[ -n "$SHARE" ] && APPEND+=" splitfail.share=$SHARE"
[ "$ACCEL" = tcg ] && APPEND+=" $TCG_APPEND"
APPEND+=" $EXTRA_APPEND"
QEMU_ARGS=("${ACCEL_ARGS[@]}" -smp "2,sockets=2,cores=1,threads=1" -m "$(( MEM_MIB * 2 ))M"
	-object "memory-backend-ram,id=m0,size=${MEM_MIB}M"
	-object "memory-backend-ram,id=m1,size=${MEM_MIB}M"
	-numa "node,nodeid=0,cpus=0,memdev=m0" -numa "node,nodeid=1,cpus=1,memdev=m1"
	-nodefaults -display none -no-reboot -serial "file:$CONSOLE"
	-fsdev "local,id=root,path=/,security_model=none,readonly=on,multidevs=remap"
	-device "virtio-9p-pci,fsdev=root,mount_tag=/dev/root"
	-fsdev "local,id=top,path=$ROOT,security_model=none,readonly=on,multidevs=remap"
	-device "virtio-9p-pci,fsdev=top,mount_tag=splitfail-top"
	-fsdev "local,id=res,path=$RESULTS,security_model=none,multidevs=remap"
	-device "virtio-9p-pci,fsdev=res,mount_tag=splitfail-results"
	-kernel "$KERNEL" -append "$APPEND")
[ -n "$SHARE" ] && QEMU_ARGS+=(
	-fsdev "local,id=share,path=$SHARE,security_model=none,readonly=on,multidevs=remap"
	-device "virtio-9p-pci,fsdev=share,mount_tag=splitfail-share")
printf '%q ' "$QEMU" "${QEMU_ARGS[@]}" > "$GUEST/qemu-cmdline"
echo >> "$GUEST/qemu-cmdline"

say "booting $KERNEL with $ACCEL: 2 vCPUs, 2 nodes x ${MEM_MIB} MiB, timeout ${TIMEOUT}s," \
	"console $CONSOLE"
: > "$CONSOLE"
start=$(date +%s)
timeout -k 10 "$TIMEOUT" "$QEMU" "${QEMU_ARGS[@]}" > "$GUEST/qemu.log" 2>&1 &
qemu_pid=$!
tail_pid=
if [ "$QUIET" = 0 ]; then
	tail -n +1 -F "$CONSOLE" >&2 2>/dev/null &
	tail_pid=$!
fi
trap 'kill -TERM $qemu_pid 2>/dev/null; [ -n "$tail_pid" ] && kill $tail_pid 2>/dev/null; exit 130' \
	INT TERM
# Watch the guest's progress (guest-watch.sh): a stall line is noted, no progress ends it.
rm -f "$RESULTS/guest-stalls.txt"
verdict=ok
stalls=0
console_seen=0
while kill -0 "$qemu_pid" 2>/dev/null; do
	sleep 2
	now=$(date +%s)
	console_lines=$(watch_console_lines "$CONSOLE")
	if [ "$console_lines" -gt "$console_seen" ]; then
		lines=$(watch_new_stalls "$CONSOLE" "$(( console_seen + 1 ))" "$console_lines")
		console_seen=$console_lines
		if [ -n "$lines" ]; then
			stalls=$(( stalls + $(watch_note_stalls "$RESULTS" "$now" "$start" "$lines") ))
			say "the guest's kernel reports a stall (noted in $RESULTS/guest-stalls.txt):" \
				"$(head -n 1 <<< "$lines")"
			say "not a hang while the guest progresses; hung after ${IDLE}s without progress"
		fi
	fi
	case_started=0
	[ -n "$(watch_running_test "$RESULTS")" ] && case_started=1
	verdict=$(watch_judge "$now" "$start" "$(watch_progress_time "$RESULTS")" "$case_started" \
		"$IDLE" "$BOOT_LIMIT")
	if [ "$verdict" != ok ]; then
		kill -TERM "$qemu_pid" 2>/dev/null || true
		break
	fi
done
qemu_rc=0
wait "$qemu_pid" || qemu_rc=$?
trap - INT TERM
if [ -n "$tail_pid" ]; then
	sleep 0.5
	kill "$tail_pid" 2>/dev/null || true
	wait "$tail_pid" 2>/dev/null || true
fi
elapsed=$(( $(date +%s) - start ))

outcome() { echo "$1 accel=$ACCEL seconds=$elapsed qemu_exit=$qemu_rc" > "$GUEST/outcome"; }
if [ -s "$GUEST/exit-code" ]; then
	rc=$(cat "$GUEST/exit-code")
	outcome "completed exit=$rc"
	say "guest finished in ${elapsed}s; command exited $rc"
	exit "$rc"
fi
# quiet_for: seconds since the results folder last showed progress.
quiet_for() {
	local p
	p=$(watch_progress_time "$RESULTS")
	echo $(( $(date +%s) - (p > start ? p : start) ))
}
# At the time limit (qemu_rc 124/137) the watch loop's rules still say how it went.
if [ "$verdict" = ok ] && { [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; }; then
	if [ -z "$(watch_running_test "$RESULTS")" ]; then
		verdict=stuck
	elif [ "$(quiet_for)" -ge "$IDLE" ]; then
		verdict=hang
	else
		verdict=busy
	fi
fi
case $verdict in
stuck)
	outcome "stuck quiet_for=$(quiet_for) stalls=$stalls"
	say "guest stuck before the first test case: no progress for $(quiet_for)s (boot," \
		"init or the harness's start-up; ${elapsed}s after QEMU's start): not a test result," \
		"the boot is worth retrying; console tail:"
	tail -n 15 "$CONSOLE" | sed 's/^/  | /' >&2
	exit "$EXIT_STUCK" ;;
hang)
	outcome "hang quiet_for=$(quiet_for) stalls=$stalls"
	say "guest hung: no progress for $(quiet_for)s while $(watch_running_test "$RESULTS")" \
		"ran (--idle ${IDLE}s; $stalls stall reports)"
	exit "$EXIT_HANG" ;;
busy)
	outcome "busy quiet_for=$(quiet_for) stalls=$stalls"
	say "guest reached the ${TIMEOUT}s time limit while still progressing (last progress" \
		"$(quiet_for)s before): not a hang; the running test has no verdict (run.sh runs" \
		"it again in a fresh guest)"
	exit "$EXIT_BUSY" ;;
esac
if [ ! -e "$GUEST/started" ]; then
	outcome noboot
	say "kernel did not boot to init (qemu exit $qemu_rc after ${elapsed}s); console tail:"
	tail -n 15 "$CONSOLE" | sed 's/^/  | /' >&2
	[ -s "$GUEST/qemu.log" ] && sed 's/^/  qemu: /' "$GUEST/qemu.log" >&2
	exit "$EXIT_NOBOOT"
fi
outcome died
say "guest died after ${elapsed}s (qemu exit $qemu_rc) before the command finished"
exit "$EXIT_DIED"
