/*
 * numa_scan.h: the scan knobs of automatic NUMA balancing (kernel/sched/fair.c
 * task_numa_work), set so that balancing marks a thread's memory within milliseconds of the
 * thread's start instead of after a second of its CPU time, and rescans every few tens of
 * milliseconds. Debugfs sched/numa_balancing/ since Linux 5.13, /proc/sys/kernel/
 * numa_balancing_scan_* before; whichever the running kernel has. Put back by knob_undo.h.
 */
#ifndef SPLITFAIL_NUMA_SCAN_H
#define SPLITFAIL_NUMA_SCAN_H

#include <stddef.h>

/* Prints every path numa_scan_quick() may write, both places, one a line (--needs). */
void numa_scan_needs(void);

/*
 * Sets the scan knobs for quick scanning; a thread created after this, when it is its
 * process's first, starts scanning at once. Returns how many knobs it changed (0: already so),
 * -ENOENT when the kernel has none here (no debugfs, not root), or -errno; note says what.
 */
int numa_scan_quick(char *note, size_t len);

#endif
