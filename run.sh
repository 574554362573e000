#!/bin/bash
# run.sh: run the splitfail suite where fault injection works, and say whether the kernel is good.
# With no arguments it chooses: the running kernel when it has fault injection, otherwise a QEMU
# guest booted with the cached (or freshly built) default kernel. It installs missing Debian
# packages (harness/runner/deps.sh), builds splitfail (make), then runs build/harness/splitfail
# with the chosen profile. A guest that panics, oopses or hangs becomes a FAIL of the test that was
# running, with the console excerpt; a fresh guest then runs the tests not yet decided.
# Exit codes (git bisect run): 0 good, 1 bug found, 125 kernel could not be configured, built or
# booted, 2 usage error, 3 runner or harness error. Manual: docs/runner.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly ROOT
RUNNER=$ROOT/harness/runner
HARNESS=$ROOT/build/harness/splitfail
readonly EXIT_GOOD=0 EXIT_BUG=1 EXIT_USAGE=2 EXIT_ERROR=3 EXIT_SKIP=125
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
ACCEL=${SPLITFAIL_ACCEL:-auto}
QUIET=0
EXTRA=()
WRAP=()

say() { echo "run.sh: $*" >&2; }
die() { local rc=$1; shift; say "$*"; exit "$rc"; }

usage() {
	cat <<EOF
usage: ./run.sh [options] [-- harness options]
       ./run.sh [options] --wrap CMD [ARGS...]
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
  --shard i/n         run only shard i of n
  --seed N            pattern seed
  --accel A           guest accelerator: auto (probe KVM), kvm or tcg
  --quiet             do not stream the guest console
  --wrap CMD ARGS...  run CMD (absolute, or relative to this clone) as the only test case,
                      fault injection armed for all of it; the rest of the line is its own
  -h, --help          this text
Exit: 0 good, 1 bug found, 125 kernel could not be configured/built/booted (git bisect skips
it), 2 usage error, 3 runner or harness error.
Bisect: git bisect run $ROOT/run.sh --kernel-tree . --profile smoke --only thp_munmap
EOF
}

need_value() { [ $# -ge 2 ] && [ -n "$2" ] || { usage >&2; die "$EXIT_USAGE" "$1 needs a value"; }; }

while [ $# -gt 0 ]; do
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
if [ -n "$KERNEL" ]; then
	[ -r "$KERNEL" ] || die "$EXIT_USAGE" "--kernel $KERNEL is not readable"
	KERNEL=$(cd "$(dirname "$KERNEL")" && pwd -P)/$(basename "$KERNEL")
fi
if [ -n "$SHARD" ] && ! [[ $SHARD =~ ^[0-9]+/[0-9]+$ ]]; then
	die "$EXIT_USAGE" "--shard wants i/n, got '$SHARD'"
fi
case $ACCEL in auto|kvm|tcg) ;; *) die "$EXIT_USAGE" "--accel wants auto, kvm or tcg" ;; esac
if [ -n "$TREE" ]; then
	[ -d "$TREE" ] || die "$EXIT_USAGE" "--kernel-tree $TREE is not a directory"
	TREE=$(cd "$TREE" && pwd -P)
fi

case $PROFILE in
*/*|*.ini) PROFILE_PATH=$PROFILE ;;
*) PROFILE_PATH=$ROOT/configs/$PROFILE.ini ;;
esac
[ -r "$PROFILE_PATH" ] || die "$EXIT_USAGE" "no profile $PROFILE_PATH"
PROFILE_PATH=$(cd "$(dirname "$PROFILE_PATH")" && pwd -P)/$(basename "$PROFILE_PATH")
# From here on every path is absolute; the harness and profiles work relative to the clone.
cd "$ROOT"
# The guest sees the host's / at the same paths: a wrapped command is taken from the clone.
if [ ${#WRAP[@]} -gt 0 ]; then
	case ${WRAP[0]} in /*) ;; *) WRAP[0]=$ROOT/${WRAP[0]} ;; esac
	[ -x "${WRAP[0]}" ] || die "$EXIT_USAGE" "--wrap ${WRAP[0]} is not an executable file"
fi

# profile_value SECTION KEY DEFAULT: a value of the INI profile (docs/protocol.md).
profile_value() {
	local v
	v=$(awk -v want="$1" -v key="$2" '
		/^[ \t]*\[/ { gsub(/[][ \t]/, ""); section = $0; next }
		section == want {
			line = $0; sub(/[ \t]*#.*/, "", line)
			split(line, kv, "=")
			k = kv[1]; gsub(/[ \t]/, "", k)
			if (k == key) { v = substr(line, index(line, "=") + 1); gsub(/^[ \t]+|[ \t]+$/, "", v); print v }
		}' "$PROFILE_PATH" | tail -n 1)
	echo "${v:-$3}"
}

# The harness options every run gets, on the host and in the guest. They come last on the
# harness's command line: --wrap takes the rest of it as the wrapped command.
HARNESS_ARGS=(--profile "$PROFILE_PATH")
[ -n "$ONLY" ] && HARNESS_ARGS+=(--only "$ONLY")
[ -n "$SHARD" ] && HARNESS_ARGS+=(--shard "$SHARD")
[ -n "$SEED" ] && HARNESS_ARGS+=(--seed "$SEED")
HARNESS_ARGS+=("${EXTRA[@]}")
[ ${#WRAP[@]} -gt 0 ] && HARNESS_ARGS+=(--wrap -- "${WRAP[@]}")

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
	exec "$HARNESS" --list "${HARNESS_ARGS[@]}"
fi

# --- results folder ---
# bzimage_release FILE: the version string in a bzImage's setup header (boot protocol 2.0+).
bzimage_release() {
	local off
	off=$(od -An -tu2 -j $((0x20e)) -N2 "$1" | tr -d ' ') || return 1
	dd if="$1" bs=1 skip=$(( off + 0x200 )) count=128 status=none | tr '\0' '\n' |
		head -n 1 | cut -d' ' -f1
}

new_results_dir() {
	local dir
	dir=$ROOT/results/$(date -u +%Y%m%dT%H%M%SZ)-$1
	mkdir -p "$dir"
	ln -sfn "$(basename "$dir")" "$ROOT/results/latest"
	echo "$dir"
}

# summary_line DIR: the verdict counts of summary.json in one line.
summary_line() {
	local flat counts faults
	[ -s "$1/summary.json" ] || { echo "no summary.json in $1"; return; }
	flat=$(tr -d '\n' < "$1/summary.json")
	counts=$(grep -o '"counts": *{[^}]*}' <<< "$flat" |
		sed 's/"counts": *{//; s/[}" ]//g; s/:/=/g; s/,/ /g') || counts="no counts"
	# the first match is the top-level count (sed reads all: no SIGPIPE under pipefail)
	faults=$(grep -o '"faults_injected": *[0-9-]*' <<< "$flat" | sed -n '1s/.*: *//p')
	echo "$counts faults_injected=${faults:-?}"
}

# harness_exit RC: map the harness's exit code onto run.sh's.
harness_exit() {
	case $1 in
	0) return "$EXIT_GOOD" ;;
	1) return "$EXIT_BUG" ;;
	2) return "$EXIT_USAGE" ;;
	*) return "$EXIT_ERROR" ;;
	esac
}

if [ "$MODE" = host ]; then
	RES=$(new_results_dir "$(uname -r)")
	say "results: $RES"
	rc=0
	"$HARNESS" --out "$RES" "${HARNESS_ARGS[@]}" || rc=$?
	say "verdicts: $(summary_line "$RES")"
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
	KERNEL=$("$RUNNER/build-kernel.sh" "${build_args[@]}" | tail -n 1) || rc=$?
	case $rc in
	0) ;;
	125) die "$EXIT_SKIP" "the kernel could not be configured or built (exit 125 for bisect)" ;;
	2) die "$EXIT_USAGE" "build-kernel.sh: usage error" ;;
	*) die "$EXIT_ERROR" "build-kernel.sh failed (exit $rc)" ;;
	esac
	CONFIG_CHECKED=1
else
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
RES=$(new_results_dir "${RELEASE:-unknown}")
mkdir -p "$RES/.runner"
MEMORY=$(profile_value vm memory 1G)
TIMEOUT=$(profile_value vm timeout 1800)
[ "$ACCEL" = auto ] && ACCEL=$("$RUNNER/boot-guest.sh" --probe --kernel "$KERNEL")
say "results: $RES (kernel $RELEASE, $KERNEL)"
# shellcheck source=harness/runner/guest-death.sh
. "$RUNNER/guest-death.sh"

# Continuation guests run without --shard, --only and --case: the remaining cases are already
# this selection's, and a later --only or --case on the harness's command line would replace
# the continuation's own (a whole rerun of the user's --only, whose duplicate results kept the
# first guest's logs).
CONT_ARGS=()
skip_next=0
for a in "${HARNESS_ARGS[@]}"; do
	if [ "$skip_next" = 1 ]; then skip_next=0; continue; fi
	case $a in
	--shard|--only|--case) skip_next=1; continue ;;
	--shard=*|--only=*|--case=*) continue ;;
	esac
	CONT_ARGS+=("$a")
done

boot=1
out=$RES
args=("${HARNESS_ARGS[@]}")
deaths=0
bug=0
error=0
decided_before=0
IDLE=$(( $(profile_value run timeout 120) + 60 ))
while :; do
	boot_args=(--kernel "$KERNEL" --results "$out" --memory "$MEMORY" --timeout "$TIMEOUT"
		   --accel "$ACCEL" --idle "$IDLE")
	[ "$QUIET" = 1 ] && boot_args+=(--quiet)
	# A guest stuck before its first test case (exit 103: boot, init or the harness's start-up
	# made no progress, e.g. a vCPU starved by a busy host) is no result: boot it again.
	for try in $(seq 0 "$BOOT_RETRIES"); do
		rc=0
		"$RUNNER/boot-guest.sh" "${boot_args[@]}" -- "$HARNESS" --out "$out" "${args[@]}" ||
			rc=$?
		[ "$rc" = 103 ] || break
		mv "$out/console.log" "$out/console-stuck-$(( try + 1 )).log" 2>/dev/null || true
		say "ERROR: guest $boot stuck before its first test case (console:" \
			"$out/console-stuck-$(( try + 1 )).log); $([ "$try" -lt "$BOOT_RETRIES" ] &&
			echo "booting it again" || echo "no retries left (SPLITFAIL_BOOT_RETRIES)")"
	done
	case $rc in
	0) ;;
	1) bug=1 ;;
	2|3) error=$rc ;;
	103)
		# Stuck in every try: a kernel that never reached init could not be booted (bisect
		# skips it); one whose harness never started a case is a runner problem.
		[ -e "$out/.guest/started" ] || rc=125
		[ "$rc" = 125 ] && [ "$bug" = 0 ] && die "$EXIT_SKIP" "the kernel did not boot to init"
		say "guest run failed: stuck before the first test case in every boot"
		error=$EXIT_ERROR
		break ;;
	125)
		# A kernel that booted once and not a second time still failed to boot.
		[ "$bug" = 1 ] && die "$EXIT_BUG" "a bug was found; then the kernel did not boot again"
		die "$EXIT_SKIP" "the kernel did not boot (console: $out/console.log)" ;;
	5)
		# The harness recorded a FAIL that left the guest unusable (its root filesystem no
		# longer opens files): the cases not yet run go to a fresh guest, as after a death.
		bug=1
		deaths=$(( deaths + 1 )) ;;
	100|101|102)
		deaths=$(( deaths + 1 ))
		DEATH_FAILS=1
		record_guest_death "$out" "$rc" "$PROFILE" "$KERNEL" "$HARNESS" \
			"${HARNESS_ARGS[@]}" || true
		# a KNOWN-FAIL death (configs/known-issues.ini) is not a bug unless the profile says so
		if [ "$rc" = 102 ]; then error=$EXIT_ERROR; elif [ "$DEATH_FAILS" = 1 ]; then bug=1; fi ;;
	*)
		say "guest run failed: boot-guest.sh exit $rc"
		error=$EXIT_ERROR
		break ;;
	esac
	# A guest that ran to its end and follows no death is the last one.
	[ "$deaths" = 0 ] && break
	[ "$rc" = 2 ] && break
	if [ "$deaths" -ge "$MAX_BOOTS" ]; then
		say "giving up after $deaths guest deaths (SPLITFAIL_MAX_BOOTS)"
		break
	fi
	left=$RES/.runner/remaining
	remaining_cases "$HARNESS" "$RES" "${HARNESS_ARGS[@]}" > "$left" || {
		say "cannot tell which tests are left: not continuing"
		break
	}
	decided=$(wc -l < "$RES/.runner/decided")
	if [ ! -s "$left" ]; then
		[ "$boot" -gt 1 ] || say "no tests left after the guest death"
		break
	fi
	if [ "$boot" -gt 1 ] && [ "$decided" -le "$decided_before" ]; then
		say "the last guest decided nothing: not continuing"
		error=$EXIT_ERROR
		break
	fi
	decided_before=$decided
	mapfile -t next < <(next_harness_args "$RES/.runner/listed" "$left")
	args=("${next[@]}" "${CONT_ARGS[@]}")
	boot=$(( boot + 1 ))
	out=$RES/boot-$boot
	mkdir -p "$out"
	say "booting a fresh guest ($boot) for $(wc -l < "$left") test cases not yet run:" \
		"${next[*]}"
done
final=$EXIT_GOOD
[ "$error" != 0 ] && final=$error
[ "$bug" = 1 ] && final=$EXIT_BUG

# A prebuilt kernel without a .config beside it is checked from its /proc/config.gz: results from
# a kernel that lacks the options (no fault injection: every injection run SKIP) mean nothing.
if [ "$CONFIG_CHECKED" = 0 ] && [ -s "$RES/.guest/config.gz" ]; then
	kconfig_check "$ROOT/configs/kernel/splitfail.config" "$RES/.guest/config.gz" ||
		die "$EXIT_SKIP" "$KERNEL lacks options splitfail needs (from its /proc/config.gz)"
	say "the guest's /proc/config.gz has every option splitfail needs"
fi
[ "$boot" -gt 1 ] && merge_boot_results "$RES" "$boot"
# Stall reports of guests that kept progressing are notes (boot-guest.sh), never verdicts.
stall_notes=$(cat "$RES/guest-stalls.txt" "$RES"/boot-*/guest-stalls.txt 2>/dev/null | wc -l) ||
	true
[ "$stall_notes" -gt 0 ] && say "note: the guest kernel reported $stall_notes stall(s) while" \
	"the guests progressed (a busy host under software emulation; not a verdict):" \
	"$RES/guest-stalls.txt, $RES/boot-*/guest-stalls.txt"
say "verdicts: $(summary_line "$RES")"
say "results: $RES (console: $RES/console.log)"
exit "$final"
