/*
 * vmstat.c: reads /proc/vmstat into numbers (one counter, or a snapshot of all) and prints the
 * THP-related deltas a workload's report shows as evidence that real splits happened.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vmstat.h"

long long vmstat_read(const char *name)
{
	char key[VMSTAT_NAME_MAX];
	long long value, found = -1;
	FILE *f = fopen("/proc/vmstat", "re");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", key, &value) == 2) {
		if (!strcmp(key, name)) {
			found = value;
			break;
		}
	}
	fclose(f);
	return found;
}

int vmstat_snapshot_take(struct vmstat_snapshot *s)
{
	FILE *f = fopen("/proc/vmstat", "re");

	s->count = 0;
	if (!f)
		return -errno;
	while (s->count < VMSTAT_MAX_COUNTERS &&
	       fscanf(f, "%63s %lld", s->names[s->count], &s->values[s->count]) == 2)
		s->count++;
	fclose(f);
	return s->count;
}

long long vmstat_snapshot_get(const struct vmstat_snapshot *s, const char *name)
{
	int i;

	for (i = 0; i < s->count; i++)
		if (!strcmp(s->names[i], name))
			return s->values[i];
	return -1;
}

long long vmstat_delta(const struct vmstat_snapshot *before,
		       const struct vmstat_snapshot *after, const char *name)
{
	long long b = vmstat_snapshot_get(before, name);
	long long a = vmstat_snapshot_get(after, name);

	if (a < 0 || b < 0)
		return 0;
	return a - b;
}

static int is_thp_counter(const char *name)
{
	static const char *const prefixes[] = {
		"thp_", "pgmigrate_", "nr_anon_transparent", "pswp", "numa_pages_migrated",
		"nr_page_table", NULL,
	};
	int i;

	for (i = 0; prefixes[i]; i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return 1;
	return 0;
}

int vmstat_print_thp_deltas(const char *test, const struct vmstat_snapshot *before,
			    const struct vmstat_snapshot *after)
{
	int i, printed = 0;

	printf("# %s: vmstat delta", test);
	for (i = 0; i < after->count; i++) {
		long long d;

		if (!is_thp_counter(after->names[i]))
			continue;
		d = vmstat_delta(before, after, after->names[i]);
		if (!d)
			continue;
		printf(" %s=%lld", after->names[i], d);
		printed++;
	}
	if (!printed)
		printf(" (no THP counter changed)");
	putchar('\n');
	return printed;
}
