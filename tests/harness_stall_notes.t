#!/bin/bash
# harness_stall_notes.t: a stall report in the kernel log during a run is a FAIL on a real or
# KVM machine, and only a note in a guest under software emulation (splitfail.accel=tcg on
# /proc/cmdline, as boot-guest.sh boots TCG guests) when the run finished in time: a vCPU the
# busy host did not schedule prints the same line without any kernel bug. A real splat stays a
# FAIL there (TAP, run by `make check`; fake /proc tree, fixtures/workloads/fake_thp).
. "$(dirname "$0")/fixtures/lib.sh"
echo "TAP version 13"

verdict() { jq -r '.tests[0].verdict' "$OUT/summary.json" 2>/dev/null; }
evidence() { jq -r '.tests[0].evidence' "$OUT/summary.json" 2>/dev/null; }

# stall_case CMDLINE MODE WANT-VERDICT WANT-EVIDENCE-REGEX DESCRIPTION
stall_case() {
	new_tree
	printf '%s\n' "$1" > "$TREE/proc/cmdline"
	FAKE_MODE=$2 sf --strategy off --case fake.head.munmap
	[ "$(verdict)" = "$3" ] && evidence | grep -Eq -- "$4"
	ok $? "$5: $3 (got $(verdict))" "$(evidence; cat "$SCRATCH/err")"
}

stall_case "console=ttyS0 splitfail.guest=1 splitfail.accel=kvm" stall FAIL \
	'kernel log: .*self-detected stall' "stall line under KVM"
stall_case "BOOT_IMAGE=/vmlinuz root=/dev/sda1" stall FAIL \
	'kernel log: .*self-detected stall' "stall line on a machine that is no guest"
stall_case "console=ttyS0 splitfail.guest=1 splitfail.accel=tcg" stall PASS \
	'note: the kernel reported a stall .*finished within its time limit: rcu: INFO' \
	"stall line under TCG, run finished"
stall_case "console=ttyS0 splitfail.guest=1 splitfail.accel=tcg" kmsg FAIL \
	'kernel log: .*Bad page state' "a real splat under TCG"
stall_case "console=ttyS0 splitfail.guest=1 splitfail.accelx=tcg" stall FAIL \
	'kernel log: .*self-detected stall' "a look-alike cmdline word is not TCG"

echo "1..$T"
[ "$FAILED" -eq 0 ]
