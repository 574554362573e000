/*
 * vmstat.h: /proc/vmstat counters as numbers, with snapshots and deltas, so a workload (and
 * its report) shows that real THP faults, splits and migrations happened.
 */
#ifndef SPLITFAIL_VMSTAT_H
#define SPLITFAIL_VMSTAT_H

#define VMSTAT_NAME_MAX 64
#define VMSTAT_MAX_COUNTERS 512
#define VMSTAT_TEXT_MAX 32768	/* /proc/vmstat is some 4 kB */

/* Value of one counter, -1 if this kernel has no counter of that name. */
long long vmstat_read(const char *name);

/*
 * Values of n counters from one read of /proc/vmstat (-1 for a counter this kernel lacks).
 * Returns how many were found, or -errno.
 */
int vmstat_read_many(const char *const *names, long long *values, int n);

struct vmstat_snapshot {
	int count;
	char names[VMSTAT_MAX_COUNTERS][VMSTAT_NAME_MAX];
	long long values[VMSTAT_MAX_COUNTERS];
};

/* Reads every counter. Returns the number read or -errno. */
int vmstat_snapshot_take(struct vmstat_snapshot *s);

/* Value of name in a snapshot, -1 if absent. */
long long vmstat_snapshot_get(const struct vmstat_snapshot *s, const char *name);

/* after - before for name, or 0 when either lacks the counter. */
long long vmstat_delta(const struct vmstat_snapshot *before,
		       const struct vmstat_snapshot *after, const char *name);

/*
 * Prints "# <test>: vmstat delta name=<d> ..." for the THP, split and migration counters
 * that exist. Returns the number of counters printed.
 */
int vmstat_print_thp_deltas(const char *test, const struct vmstat_snapshot *before,
			    const struct vmstat_snapshot *after);

#endif
