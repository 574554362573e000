#!/bin/bash
# guest-init.sh: PID 1 of the splitfail QEMU guest (booted by harness/runner/boot-guest.sh).
# The root filesystem is the host's / shared read-only over 9p; the run's results folder is a
# second, writable 9p export mounted at the same absolute path as on the host, so every path the
# harness records is valid on both sides. This script mounts the pseudo filesystems, sets up zram
# swap, dumps the fault attributes, runs the job boot-guest.sh wrote
# (<results>/.guest/job.sh), dumps the attributes again and powers the guest off. It must never
# exit: PID 1 exiting panics the kernel. Markers in <results>/.guest/ tell the host how far it got.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8
umask 022

log() { echo "splitfail-guest: $*"; }

power_off() {
	sync
	[ -n "${RESULTS:-}" ] && umount "$RESULTS" 2>/dev/null
	echo o > /proc/sysrq-trigger
	sleep 30
	log "power-off did not happen"
	while :; do sleep 3600; done
}

cmdline_value() {
	local word
	for word in $(cat /proc/cmdline); do
		case $word in "$1="*) echo "${word#*=}"; return 0 ;; esac
	done
	return 1
}

# Every readable attribute of every fault-injection directory, and the NUMA-balancing scan
# knobs thp_numa_balance sets for its runs (workloads/lib/numa_scan.c), "dir/attr value" per
# line: the harness and the workloads must leave them all as they found them.
dump_fault_attrs() {
	local d f
	for d in /sys/kernel/debug/fail*/ /sys/kernel/debug/sched/numa_balancing/; do
		[ -d "$d" ] || continue
		for f in "$d"*; do
			[ -f "$f" ] && [ -r "$f" ] || continue
			printf '%s %s\n' "${f#/sys/kernel/debug/}" "$(tr '\n' ' ' < "$f" 2>&1)"
		done
	done
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /dev/hugepages
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null || log "no cgroup2"
mount -t hugetlbfs hugetlbfs /dev/hugepages 2>/dev/null || log "no hugetlbfs"
log "init started on $(uname -r), $(nproc) CPUs"

# mount_back PATH TAG WHAT: a host folder under /tmp, /run or /dev/shm is hidden by the guest's
# own tmpfs mounts above: mount its read-only export TAG back at PATH.
mount_back() {
	case $1 in
	/tmp/*|/run/*|/dev/shm/*)
		mkdir -p "$1" &&
			mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro "$2" "$1" ||
			log "cannot mount $3 at $1"
		;;
	esac
}
# the clone, so that the harness and workloads are found
TOP=$(cmdline_value splitfail.top) || TOP=
mount_back "$TOP" splitfail-top "the clone's export"
# the run's folder (a fresh guest's --continue-from reads its record), before the results
# export that lies inside it
SHARE=$(cmdline_value splitfail.share) || SHARE=
mount_back "$SHARE" splitfail-share "the run's folder"

RESULTS=$(cmdline_value splitfail.results) || { log "no splitfail.results= on cmdline"; power_off; }
mkdir -p "$RESULTS" 2>/dev/null	# a results folder under /tmp or /run is on the guest's tmpfs
if ! mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 splitfail-results "$RESULTS"; then
	log "cannot mount the results export at $RESULTS"
	power_off
fi
GUEST=$RESULTS/.guest
date -u '+%FT%TZ' > "$GUEST/started"

# Swap on zram (MADV_PAGEOUT needs somewhere to put pages). The hugetlb pool is the profile's
# [knobs] /proc/sys/vm/nr_hugepages: the harness sets it and restores it.
ZRAM_SIZE=$(cmdline_value splitfail.zram) || ZRAM_SIZE=512M
if [ -e /sys/block/zram0/disksize ] && echo "$ZRAM_SIZE" > /sys/block/zram0/disksize &&
   mkswap /dev/zram0 >/dev/null && swapon /dev/zram0; then
	log "swap on zram0 ($ZRAM_SIZE)"
else
	log "zram swap could not be set up"
fi
log "hugetlb pool: $(cat /proc/sys/vm/nr_hugepages 2>/dev/null) pages," \
    "nodes: $(find /sys/devices/system/node -maxdepth 1 -name 'node[0-9]*' | wc -l)," \
    "fault attributes: $(cd /sys/kernel/debug && echo fail*)"

dump_fault_attrs > "$GUEST/fault-attrs-before.txt"
[ -r /proc/config.gz ] && cp /proc/config.gz "$GUEST/config.gz"

rc=127
if [ -r "$GUEST/job.sh" ]; then
	# job.sh sets JOB_CWD and the JOB_CMD array (quoted with printf %q by boot-guest.sh).
	# shellcheck source=/dev/null
	. "$GUEST/job.sh"
	cd "$JOB_CWD" || log "cannot cd to $JOB_CWD"
	log "running: ${JOB_CMD[*]}"
	"${JOB_CMD[@]}" < /dev/null
	rc=$?
	cd /
else
	log "no job file $GUEST/job.sh"
fi
log "job exited with $rc"

dump_fault_attrs > "$GUEST/fault-attrs-after.txt"
echo "$rc" > "$GUEST/exit-code"
power_off
