#!/bin/bash
# run.sh: run the splitfail suite where fault injection works, and say whether the kernel is good.
# With no arguments it chooses: the running kernel when it has fault injection, otherwise a QEMU
# guest booted with the cached (or freshly built) default kernel. It installs missing Debian
# packages (harness/runner/deps.sh), builds splitfail (make), then runs build/harness/splitfail
# with the chosen profile. A guest that panics, oopses or hangs becomes a FAIL of the test that was
# running, with the console excerpt; a fresh guest then runs what is not yet decided (not the
# test that died). A guest stopped by its time limit while still busy is slow, not a bug: the
# test it was running gets no verdict and runs again in the fresh guest (ERROR if stopped twice). `./run.sh --reproduce RESULTS_DIR TEST_NAME` runs a result's reproduce line.
# Exit codes, made for git bisect run (which takes 1..127 but 125 as "bad" and aborts on >= 128):
# 0 good, 1 bug found, 125 this kernel cannot be tested (not configured, built or booted, no
# fault injection, nothing tested), 128 usage error, 129 runner, harness or host error, 130/143
# interrupted by SIGINT/SIGTERM (forwarded to the harness or guest, which restore first).
# Manual: docs/runner.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly ROOT
RUNNER=$ROOT/harness/runner
# The kernel builder and the guest booter; tests put stand-ins here (tests/harness_runsh_vm.t).
BUILD_KERNEL=${SPLITFAIL_BUILD_KERNEL:-$RUNNER/build-kernel.sh}
BOOT_GUEST=${SPLITFAIL_BOOT_GUEST:-$RUNNER/boot-guest.sh}
HARNESS=$ROOT/build/harness/splitfail
RESULTS=${SPLITFAIL_RESULTS:-$ROOT/results}	# where results/<UTC>-<release>/ go
case $RESULTS in /*) ;; *) RESULTS=$PWD/$RESULTS ;; esac
readonly EXIT_GOOD=0 EXIT_BUG=1 EXIT_SKIP=125 EXIT_USAGE=128 EXIT_ERROR=129
readonly MAX_BOOTS=${SPLITFAIL_MAX_BOOTS:-8}
readonly BOOT_RETRIES=${SPLITFAIL_BOOT_RETRIES:-2}

MODE=auto
KERNEL=
TREE=
NEWEST=0
PROFILE=smoke
ONLY=
LIST=0
SHARD=
SEED=
ACCEL=${SPLITFAIL_ACCEL:-}	# empty: the profile's [vm] accel
QUIET=1	# the guest console is streamed only with --console
EXTRA=()
WRAP=()
REPRODUCE=()

say() { echo "run.sh: $*" >&2; }
die() { local rc=$1; shift; say "$*"; exit "$rc"; }
# An unexpected failure must not exit 1 ("bad" to a bisect): it is the runner's error.
trap 'say "unexpected failure (line $LINENO)"; exit "$EXIT_ERROR"' ERR

# Cancel (CI sends SIGTERM, a terminal SIGINT): the child running now (harness, guest, kernel
# build) runs in its own session and process group; the group gets SIGTERM (a kernel build's
# make and compilers too), run.sh waits until the child has restored and ended, then exits
# 128 + signal.
CHILD=
# shellcheck disable=SC2317 # called from the traps
on_cancel() {
	trap '' INT TERM
	say "interrupted by SIG$1: stopping ${CHILD:+pid $CHILD }and waiting for its cleanup"
	if [ -n "$CHILD" ]; then
		kill -TERM -- "-$CHILD" 2>/dev/null || kill -TERM "$CHILD" 2>/dev/null || true
		while kill -0 "$CHILD" 2>/dev/null; do wait "$CHILD" 2>/dev/null || true; done
	fi
	[ -n "${FOLLOW:-}" ] && kill -TERM "$FOLLOW" 2>/dev/null
	exit $(( 128 + $2 ))
}
trap 'on_cancel INT 2' INT
trap 'on_cancel TERM 15' TERM
# run_child CMD...: run CMD as the cancellable child and return its exit code.
run_child() {
	local rc=0
	if command -v setsid > /dev/null; then
		setsid "$@" &	# not a group leader here: setsid execs CMD, so $! is CMD
	else
		"$@" &
	fi
	CHILD=$!
	wait "$CHILD" || rc=$?
	CHILD=
	return "$rc"
}

usage() {
	cat <<EOF
usage: ./run.sh [options] [-- harness options]
       ./run.sh [options] --wrap CMD [ARGS...]
       ./run.sh --reproduce RESULTS_DIR TEST_NAME
Runs the splitfail suite and prints the verdict summary. Without --host/--vm it uses the
running kernel when it has fault injection, else a QEMU guest with the default kernel
(newest linux-source-* package, built once and cached in ${XDG_CACHE_HOME:-~/.cache}/splitfail).
  --host              run on the running kernel
  --vm                run in a QEMU guest (default kernel unless --kernel/--kernel-tree)
  --kernel BZIMAGE    boot this prebuilt kernel (its .config, when beside it, is checked)
  --kernel-tree DIR   build this kernel tree out of tree (cached) and boot it
  --newest-kernel     fetch the newest kernel source Debian ships (harness/runner/kernel-source.sh,
                      cached), build it like --kernel-tree and boot it
  --profile NAME      configs/NAME.ini or a path (default: smoke)
  --only a,b          run only these workloads
  --list              list workloads and test cases, then exit
  --shard i/n|KofN    run one shard of the listed cases: i/n 0-based (0 <= i < n), KofN
                      1-based (1 <= K <= N: --shard \${CI_NODE_INDEX}of\${CI_NODE_TOTAL})
  --seed N            pattern seed
  --accel A           guest accelerator: auto (probe KVM), kvm or tcg
  --console           stream the guest's console (default: findings and progress only;
                      the console is in <results>/console.log); --quiet: the default
  --wrap CMD ARGS...  run CMD (absolute, or relative to this clone) as the only test case,
                      fault injection armed for all of it; the rest of the line is its own
  --reproduce DIR NAME  run the reproduce line of result NAME of results folder DIR (same
                      kernel, profile, seed, case, strategy, step; warns when the bzImage at
                      that path is not the one that ran), then print its bisect command
  -h, --help          this text
Exit (safe for git bisect run): 0 good, 1 bug found, 125 this kernel cannot be tested (not
configured/built/booted, no fault injection, nothing tested: bisect skips it), 128 usage
error, 129 runner, harness or host error (both abort a bisect), 130/143 interrupted.
Every result but PASS has a reproduce line (summary.json, tap.txt); in a guest:
  $ROOT/run.sh --kernel BZIMAGE --profile P --seed S -- --only W --case W:CASE@nth=N ...
Bisect: git bisect run $ROOT/run.sh --kernel-tree . --profile smoke --only thp_munmap
EOF
}

# harness_exit RC: map the harness's exit code (docs/protocol.md) onto run.sh's.
harness_exit() {
	case $1 in
	0) return "$EXIT_GOOD" ;;
	1|5) return "$EXIT_BUG" ;;
	2) return "$EXIT_USAGE" ;;
	4) return "$EXIT_SKIP" ;;
	*) return "$EXIT_ERROR" ;;
	esac
}

need_value() { [ $# -ge 2 ] && [ -n "$2" ] || { usage >&2; die "$EXIT_USAGE" "$1 needs a value"; }; }

ARGS_SEEN=0
while [ $# -gt 0 ]; do
	[ "$1" = --reproduce ] || ARGS_SEEN=1
	case $1 in
	--host) MODE=host; shift ;;
	--vm) MODE=vm; shift ;;
	--kernel) need_value "$@"; KERNEL=$2; MODE=vm; shift 2 ;;
	--kernel-tree) need_value "$@"; TREE=$2; MODE=vm; shift 2 ;;
	--newest-kernel) NEWEST=1; MODE=vm; shift ;;
	--profile) need_value "$@"; PROFILE=$2; shift 2 ;;
	--only) need_value "$@"; ONLY=$2; shift 2 ;;
	--list) LIST=1; shift ;;
	--shard) need_value "$@"; SHARD=$2; shift 2 ;;
	--seed) need_value "$@"; SEED=$2; shift 2 ;;
	--accel) need_value "$@"; ACCEL=$2; shift 2 ;;
	--quiet) QUIET=1; shift ;;
	--console) QUIET=0; shift ;;
	--reproduce)
		[ $# -eq 3 ] && [ "$ARGS_SEEN" = 0 ] || { usage >&2
			die "$EXIT_USAGE" "--reproduce wants RESULTS_DIR TEST_NAME and no other option"; }
		REPRODUCE=("$2" "$3")
		shift 3 ;;
	-h|--help) usage; exit 0 ;;
	--wrap)
		[ $# -ge 2 ] || { usage >&2; die "$EXIT_USAGE" "--wrap needs a command"; }
		shift
		WRAP=("$@")
		break ;;
	--) shift; EXTRA=("$@"); break ;;
	*) usage >&2; die "$EXIT_USAGE" "unknown option '$1'" ;;
	esac
done
[ -n "$KERNEL" ] && [ -n "$TREE" ] && die "$EXIT_USAGE" "--kernel and --kernel-tree exclude each other"
if [ "$NEWEST" = 1 ]; then
	{ [ -n "$KERNEL" ] || [ -n "$TREE" ]; } &&
		die "$EXIT_USAGE" "--newest-kernel excludes --kernel and --kernel-tree"
	TREE=$("$RUNNER/kernel-source.sh" | tail -n 1) ||
		die "$EXIT_SKIP" "the newest kernel source could not be fetched (harness/runner/kernel-source.sh)"
fi
[ "$MODE" = host ] && { [ -n "$KERNEL" ] || [ -n "$TREE" ]; } &&
	die "$EXIT_USAGE" "--host cannot boot --kernel or --kernel-tree"
# is_bzimage FILE: an x86 boot image: 0x55aa at 0x1fe and "HdrS" at 0x202 (boot protocol).
is_bzimage() {
	[ -f "$1" ] && [ -r "$1" ] &&
		[ "$(od -An -tx1 -j $((0x1fe)) -N2 "$1" | tr -d ' \n')" = 55aa ] &&
		[ "$(dd if="$1" bs=1 skip=$((0x202)) count=4 status=none)" = HdrS ]
}
if [ -n "$KERNEL" ]; then
	is_bzimage "$KERNEL" ||
		die "$EXIT_USAGE" "--kernel $KERNEL is not a bzImage (no x86 boot header: 0x55aa at 0x1fe, HdrS at 0x202)"
	KERNEL=$(cd "$(dirname "$KERNEL")" && pwd -P)/$(basename "$KERNEL")
fi
if [ -n "$SHARD" ] && ! [[ $SHARD =~ ^[0-9]+(/|of)[0-9]+$ ]]; then
	die "$EXIT_USAGE" "--shard wants i/n (0-based) or KofN (1-based), got '$SHARD'"
fi
case $ACCEL in ''|auto|kvm|tcg) ;; *) die "$EXIT_USAGE" "--accel wants auto, kvm or tcg" ;; esac
if [ -n "$TREE" ]; then
	[ -d "$TREE" ] || die "$EXIT_USAGE" "--kernel-tree $TREE is not a directory"
	TREE=$(cd "$TREE" && pwd -P)
fi

case $PROFILE in
*/*|*.ini) PROFILE_PATH=$PROFILE ;;
*) PROFILE_PATH=$ROOT/configs/$PROFILE.ini ;;
esac
[ -f "$PROFILE_PATH" ] && [ -r "$PROFILE_PATH" ] ||
	die "$EXIT_USAGE" "no profile $PROFILE_PATH (not a readable file)"
PROFILE_PATH=$(cd "$(dirname "$PROFILE_PATH")" && pwd -P)/$(basename "$PROFILE_PATH")
# From here on every path is absolute; the harness and profiles work relative to the clone.
cd "$ROOT"
# The guest sees the host's / at the same paths: a wrapped command is taken from the clone.
if [ ${#WRAP[@]} -gt 0 ]; then
	case ${WRAP[0]} in /*) ;; *) WRAP[0]=$ROOT/${WRAP[0]} ;; esac
	[ -x "${WRAP[0]}" ] || die "$EXIT_USAGE" "--wrap ${WRAP[0]} is not an executable file"
fi

# The harness options every run gets, on the host and in the guest. They come last on the
# harness's command line: --wrap takes the rest of it as the wrapped command.
HARNESS_ARGS=(--profile "$PROFILE_PATH")
[ -n "$ONLY" ] && HARNESS_ARGS+=(--only "$ONLY")
[ -n "$SHARD" ] && HARNESS_ARGS+=(--shard "$SHARD")
[ -n "$SEED" ] && HARNESS_ARGS+=(--seed "$SEED")
HARNESS_ARGS+=("${EXTRA[@]}")
[ ${#WRAP[@]} -gt 0 ] && HARNESS_ARGS+=(--wrap -- "${WRAP[@]}")

# --reproduce: the harness reads the record; the line runs as a child (harness/runner/reproduce.sh).
if [ ${#REPRODUCE[@]} -gt 0 ]; then
	[ -x "$RUNNER/deps.sh" ] && { "$RUNNER/deps.sh" build >&2 ||
		die "$EXIT_ERROR" "harness/runner/deps.sh build failed"; }
	make -C "$ROOT" -s -j2 >&2 || die "$EXIT_ERROR" "building splitfail failed (make)"
	# shellcheck source=harness/runner/reproduce.sh
	. "$RUNNER/reproduce.sh"
	rc=0
	reproduce_main "${REPRODUCE[@]}" || rc=$?
	exit "$rc"
fi

host_has_fault_injection() {
	[ -e /proc/self/make-it-fail ] && return 0
	if mountpoint -q /sys/kernel/debug 2>/dev/null; then
		[ -d /sys/kernel/debug/failslab ]
		return
	fi
	return 1
}

if [ "$MODE" = auto ] && [ "$LIST" = 0 ]; then
	if host_has_fault_injection; then
		MODE=host
		say "the running kernel $(uname -r) has fault injection: running on the host"
	else
		MODE=vm
		say "the running kernel $(uname -r) has no fault injection: running in a QEMU guest"
	fi
fi

# --- packages and build ---
if [ -x "$RUNNER/deps.sh" ]; then
	deps_kind=build
	[ "$MODE" = vm ] && deps_kind=vm
	"$RUNNER/deps.sh" "$deps_kind" >&2 || die "$EXIT_ERROR" "harness/runner/deps.sh $deps_kind failed"
fi
make -C "$ROOT" -s -j2 >&2 || die "$EXIT_ERROR" "building splitfail failed (make)"
[ -x "$HARNESS" ] || die "$EXIT_ERROR" "make did not produce $HARNESS"

if [ "$LIST" = 1 ]; then
	rc=0
	"$HARNESS" --list "${HARNESS_ARGS[@]}" || rc=$?
	harness_exit "$rc" || exit $?
	exit 0
fi
# The harness checks the profile and the selection (--only, --case, ...) before any results
# folder exists or any kernel is built: a bad one is a usage error now, not after the build.
rc=0
"$HARNESS" --list "${HARNESS_ARGS[@]}" > /dev/null || rc=$?
[ "$rc" = 0 ] || { harness_exit "$rc" || die $? "the harness refused its arguments (above)"; }

# --- results folder ---
# bzimage_release FILE: the version string in a bzImage's setup header (boot protocol 2.0+).
bzimage_release() {
	local off
	off=$(od -An -tu2 -j $((0x20e)) -N2 "$1" | tr -d ' ') || return 1
	dd if="$1" bs=1 skip=$(( off + 0x200 )) count=128 status=none | tr '\0' '\n' |
		head -n 1 | cut -d' ' -f1
}

if [ "$MODE" = host ]; then
	# The harness makes the results folder (and moves results/latest) once the run really
	# starts: a refused start (its lock held, say) leaves neither. It names the folder.
	rc=0
	run_child "$HARNESS" --results "$RESULTS" "${HARNESS_ARGS[@]}" || rc=$?
	[ "$rc" = 4 ] && say "nothing was tested as asked (exit 125: this kernel cannot be tested)"
	harness_exit "$rc" || exit $?
	exit 0
fi

# --- the guest ---
# shellcheck source=harness/runner/kconfig-check.sh
. "$RUNNER/kconfig-check.sh"
CONFIG_CHECKED=0
if [ -z "$KERNEL" ]; then
	build_args=()
	[ -n "$TREE" ] && build_args=(--kernel-tree "$TREE")
	rc=0
	built=$(mktemp)
	run_child "$BUILD_KERNEL" "${build_args[@]}" > "$built" || rc=$?
	KERNEL=$(tail -n 1 "$built")
	rm -f "$built"
	case $rc in
	0) ;;
	125) die "$EXIT_SKIP" "the kernel could not be configured or built (exit 125 for bisect)" ;;
	2) die "$EXIT_USAGE" "build-kernel.sh: usage error" ;;
	*) die "$EXIT_ERROR" "build-kernel.sh failed (exit $rc)" ;;
	esac
	CONFIG_CHECKED=1
	KERNEL_KEY=$(basename "$(dirname "$KERNEL")")	# the build cache's folder is its key
else
	KERNEL_KEY=sha256:$(sha256sum < "$KERNEL" | cut -d' ' -f1)
	for cfg in "$(dirname "$KERNEL")/.config" "$(dirname "$KERNEL")/config"; do
		[ -r "$cfg" ] || continue
		kconfig_check "$ROOT/configs/kernel/splitfail.config" "$cfg" ||
			die "$EXIT_SKIP" "$KERNEL lacks options splitfail needs (from $cfg)"
		say "$cfg has every option splitfail needs"
		CONFIG_CHECKED=1
		break
	done
fi

RELEASE=$(bzimage_release "$KERNEL") || RELEASE=
# The folder is made now that the run really starts (everything above could still refuse it),
# by the harness: a unique name, results/latest moved (harness/record/folder.c).
RES=$("$HARNESS" results new "$RESULTS" "${RELEASE:-unknown}") ||
	die "$EXIT_ERROR" "cannot make a results folder under $RESULTS"
mkdir -p "$RES/.runner"
# profile values come from the harness, which parsed and checked the profile above
MEMORY=$("$HARNESS" --print vm.memory "${HARNESS_ARGS[@]}")
TIMEOUT=$("$HARNESS" --print vm.timeout "${HARNESS_ARGS[@]}")
[ -n "$ACCEL" ] || ACCEL=$("$HARNESS" --print vm.accel "${HARNESS_ARGS[@]}")
if [ "$ACCEL" = auto ]; then
	# The probe's own sentence is kept; a shell's job message about the aborted QEMU is not
	# (it reads like a crash of run.sh): both stay in .runner/kvm-probe.log.
	ACCEL=$("$BOOT_GUEST" --probe --kernel "$KERNEL" 2> "$RES/.runner/kvm-probe.log") ||
		die "$EXIT_ERROR" "KVM probe failed: $(tail -n 3 "$RES/.runner/kvm-probe.log")"
	grep -h '^boot-guest: ' "$RES/.runner/kvm-probe.log" >&2 || true
fi
say "results: $RES (kernel $RELEASE, $KERNEL)"
# shellcheck source=harness/runner/guest-death.sh
. "$RUNNER/guest-death.sh"
# shellcheck source=harness/runner/follow.sh
. "$RUNNER/follow.sh"
# stop_follow: end the findings follower of the guest that just ended, after its last look.
stop_follow() {
	[ -n "${FOLLOW:-}" ] || return 0
	kill -TERM "$FOLLOW" 2>/dev/null || true
	wait "$FOLLOW" 2>/dev/null || true
	FOLLOW=
	[ -t 2 ] && echo >&2
	return 0
}

# The run's context for the harness in the guest: its record says which kernel ran, and every
# reproduce line boots that kernel again with this profile (harness/reproduce.c).
case $PROFILE in */*|*.ini) profile_word=$PROFILE_PATH ;; *) profile_word=$PROFILE ;; esac
VIA=$(printf '%q --kernel %q --profile %q' "$ROOT/run.sh" "$KERNEL" "$profile_word")
CONTEXT=(--kernel-path "$KERNEL" --kernel-key "$KERNEL_KEY" --reproduce-via "$VIA")

# Every guest gets the run's own selection. A fresh guest after a death also gets
# --continue-from RES: its harness skips every result RES's record has (decided, or died), so
# it runs exactly what is left, result by result, into RES/boot-N; that folder is then folded
# into RES (`splitfail results fold`). The death itself is recorded by the harness
# (`splitfail results death`, harness/runner/guest-death.sh).
boot=1
out=$RES
cont=()
deaths=0
error=0
IDLE=$(( $("$HARNESS" --print run.timeout "${HARNESS_ARGS[@]}") + 60 ))
while :; do
	boot_args=(--kernel "$KERNEL" --results "$out" --memory "$MEMORY" --timeout "$TIMEOUT"
		   --accel "$ACCEL" --idle "$IDLE")
	[ "$boot" -gt 1 ] && boot_args+=(--share "$RES")
	FOLLOW=
	if [ "$QUIET" = 1 ]; then
		boot_args+=(--quiet)
		say "guest console: $out/console.log (--console streams it)"
		follow_findings "$out" &
		FOLLOW=$!
	fi
	# A guest stuck before its first test case (exit 103: boot, init or the harness's start-up
	# made no progress, e.g. a vCPU starved by a busy host) is no result: boot it again. What
	# its harness began (a record without a test) is set aside in .runner/.
	for try in $(seq 0 "$BOOT_RETRIES"); do
		rc=0
		run_child "$BOOT_GUEST" "${boot_args[@]}" -- "$HARNESS" --out "$out" "${CONTEXT[@]}" \
			"${cont[@]}" "${HARNESS_ARGS[@]}" || rc=$?
		[ "$rc" = 103 ] || break
		mv "$out/console.log" "$out/console-stuck-$(( try + 1 )).log" 2>/dev/null || true
		mv "$out/record.jsonl" "$out/.runner/record-stuck-$(( try + 1 )).jsonl" 2>/dev/null ||
			true
		say "ERROR: guest $boot stuck before its first test case (console:" \
			"$out/console-stuck-$(( try + 1 )).log); $([ "$try" -lt "$BOOT_RETRIES" ] &&
			echo "booting it again" || echo "no retries left (SPLITFAIL_BOOT_RETRIES)")"
	done
	stop_follow
	# a fresh guest's results join the run's record before anything else looks at it
	if [ "$boot" -gt 1 ] && [ -s "$out/record.jsonl" ]; then
		"$HARNESS" results fold "$RES" --from "$out" ||
			{ say "could not fold $out into $RES (above)"; error=$EXIT_ERROR; break; }
	fi
	died=0
	case $rc in
	0|1|4) ;;
	2|3) harness_exit "$rc" || error=$? ;;
	103)
		# Stuck in every try: a kernel that never reached init could not be booted (bisect
		# skips it); one whose harness never started a case is a runner problem.
		if [ "$boot" = 1 ] && [ ! -e "$out/.guest/started" ]; then
			die "$EXIT_SKIP" "the kernel did not boot to init"
		fi
		say "guest run failed: stuck before the first test case in every boot"
		error=$EXIT_ERROR ;;
	125)
		# A kernel that booted once and not a second time still failed to boot.
		[ "$boot" = 1 ] && die "$EXIT_SKIP" "the kernel did not boot (console: $out/console.log)"
		say "the kernel did not boot again (console: $out/console.log)"
		error=$EXIT_ERROR ;;
	5)
		# The harness recorded a FAIL that left the guest unusable (its root filesystem no
		# longer opens files): what is left goes to a fresh guest, as after a death.
		died=1 ;;
	100|101|102)
		died=1
		record_guest_death "$RES" "$out" "$rc" || { error=$EXIT_ERROR; break; } ;;
	*)
		say "guest run failed: boot-guest.sh exit $rc"
		error=$EXIT_ERROR ;;
	esac
	[ "$died" = 1 ] || break
	deaths=$(( deaths + 1 ))
	if [ "$deaths" -ge "$MAX_BOOTS" ]; then
		say "giving up after $deaths guest deaths (SPLITFAIL_MAX_BOOTS)"
		break
	fi
	# What is left: the cases with a result not yet decided (`--list --continue-from`).
	left=$("$HARNESS" --list --continue-from "$RES" "${HARNESS_ARGS[@]}") ||
		{ say "cannot tell what is left (above): not continuing"; error=$EXIT_ERROR; break; }
	if [ -z "$left" ]; then	# the death was in the last run: every test has its verdict
		"$HARNESS" results end "$RES" || error=$EXIT_ERROR
		break
	fi
	boot=$(( boot + 1 ))
	out=$RES/boot-$boot
	mkdir "$out" "$out/.runner"
	cont=(--continue-from "$RES")
	say "booting a fresh guest ($boot) for what is not yet decided in $(wc -l <<< "$left")" \
		"test case(s), from $(head -n 1 <<< "$left")"
done

# A prebuilt kernel without a .config beside it is checked from its /proc/config.gz: results from
# a kernel that lacks the options (no fault injection: every injection run SKIP) mean nothing.
if [ "$CONFIG_CHECKED" = 0 ] && [ -s "$RES/.guest/config.gz" ]; then
	kconfig_check "$ROOT/configs/kernel/splitfail.config" "$RES/.guest/config.gz" ||
		die "$EXIT_SKIP" "$KERNEL lacks options splitfail needs (from its /proc/config.gz)"
	say "the guest's /proc/config.gz has every option splitfail needs"
fi
# Stall reports of guests that kept progressing are notes (boot-guest.sh), never verdicts.
stall_notes=$(cat "$RES/guest-stalls.txt" "$RES"/boot-*/guest-stalls.txt 2>/dev/null | wc -l) ||
	true
[ "$stall_notes" -gt 0 ] && say "note: the guest kernel reported $stall_notes stall(s) while" \
	"the guests progressed (a busy host under software emulation; not a verdict):" \
	"$RES/guest-stalls.txt, $RES/boot-*/guest-stalls.txt"
# The exit code is the record's, by the harness's own rules (as every rendering of it), unless
# the runner itself failed and no bug was found.
status=0
verdicts=$("$HARNESS" results status "$RES") || status=$?
say "verdicts: $verdicts"
say "results: $RES (console: $RES/console.log)"
final=$EXIT_GOOD
harness_exit "$status" || final=$?
[ "$error" != 0 ] && [ "$final" != "$EXIT_BUG" ] && final=$error
exit "$final"
