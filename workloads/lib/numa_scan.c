/*
 * numa_scan.c: quick NUMA-balancing scans for a test (numa_scan.h). Why these values, from
 * task_numa_work / task_tick_numa / init_numa_balancing (kernel/sched/fair.c, 6.12 and 7.2):
 * - scan_delay_ms 0: creating a process's first thread (mm_users 1) sets mm->numa_next_scan to
 *   now + scan_delay and the thread's scan period to scan_delay, so with 0 the thread queues
 *   task_numa_work on its first tick after 2 ticks of CPU time (default: after 1 s of it);
 * - scan_size_mb 64: MB of populated VMAs one scan marks (the region and the thread's stack
 *   are well under it, so one scan covers them), and it sets the floor of the scan period,
 *   1000 ms * size / 2560 = 25 ms (never 0: the kernel divides by it);
 * - scan_period_min_ms 25, scan_period_max_ms 100: the period between rescans (for
 *   migrations that failed, e.g. under fault injection) stays 25..100 ms, not 1..60 s.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "knob_undo.h"
#include "numa_scan.h"
#include "thp_region.h"

static const char *const scan_dirs[] = {
	"/sys/kernel/debug/sched/numa_balancing/",
	"/proc/sys/kernel/numa_balancing_",
};

static const struct {
	const char *name, *value;
} scan_knobs[] = {
	{ "scan_size_mb", "64" },
	{ "scan_period_min_ms", "25" },
	{ "scan_period_max_ms", "100" },
	{ "scan_delay_ms", "0" },
};

#define NR_SCAN_DIRS	(sizeof(scan_dirs) / sizeof(scan_dirs[0]))
#define NR_SCAN_KNOBS	(sizeof(scan_knobs) / sizeof(scan_knobs[0]))

void numa_scan_needs(void)
{
	for (size_t d = 0; d < NR_SCAN_DIRS; d++)
		for (size_t i = 0; i < NR_SCAN_KNOBS; i++)
			printf("%s%s\n", scan_dirs[d], scan_knobs[i].name);
}

/* The place of the knobs on this kernel (the first that reads and is writable), or NULL. */
static const char *scan_dir(void)
{
	char path[128], val[32];

	for (size_t d = 0; d < NR_SCAN_DIRS; d++) {
		snprintf(path, sizeof(path), "%s%s", scan_dirs[d], scan_knobs[0].name);
		if (!sysfs_read_line(path, val, sizeof(val)) && !access(path, W_OK))
			return scan_dirs[d];
	}
	return NULL;
}

int numa_scan_quick(char *note, size_t len)
{
	const char *dir = scan_dir();
	char path[128], old[32];
	size_t used = 0;
	int changed = 0, err;

	if (!dir) {
		snprintf(note, len, "none readable and writable here (%s, %sscan_*): the kernel's "
			 "own scan delay and period", scan_dirs[0], scan_dirs[1]);
		return -ENOENT;
	}
	used = (size_t)snprintf(note, len, "%s*:", dir);
	for (size_t i = 0; i < NR_SCAN_KNOBS && used < len; i++) {
		snprintf(path, sizeof(path), "%s%s", dir, scan_knobs[i].name);
		err = sysfs_read_line(path, old, sizeof(old));
		if (!err && strcmp(old, scan_knobs[i].value))
			err = knob_undo_set(path, scan_knobs[i].value, old);
		if (err) {
			snprintf(note + used, len - used, " %s: %s", scan_knobs[i].name,
				 strerror(-err));
			return err;
		}
		changed += strcmp(old, scan_knobs[i].value) != 0;
		used += (size_t)snprintf(note + used, len - used, " %s %s->%s", scan_knobs[i].name,
					 old, scan_knobs[i].value);
	}
	return changed;
}
