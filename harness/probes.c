// SPDX-License-Identifier: GPL-2.0
/*
 * probes.c - system counters read around each run: /proc/vmstat (the THP, split,
 * migration, swap and page-table counters are the ones reported as deltas),
 * /proc/meminfo lines, the taint mask, and a workload's smaps_rollup.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "splitfail.h"

int vmstat_read(const char *root, struct vmstat *vs)
{
	char path[SF_PATH_MAX], line[256];
	FILE *f;

	vs->n = 0;
	sf_path(path, sizeof(path), root, "/proc/vmstat");
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f) && vs->n < 256) {
		if (sscanf(line, "%47s %lld", vs->name[vs->n], &vs->val[vs->n]) == 2)
			vs->n++;
	}
	fclose(f);
	return vs->n ? 0 : -EINVAL;
}

/* A counter's value, or -1 when this kernel has no such counter. */
long long vmstat_get(const struct vmstat *vs, const char *name)
{
	for (int i = 0; i < vs->n; i++)
		if (!strcmp(vs->name[i], name))
			return vs->val[i];
	return -1;
}

/* The counters whose deltas go into results: THP, split, migration, swap, page tables. */
int vmstat_is_tracked(const char *name)
{
	static const char *const keys[] = { "thp", "split", "migrat", "page_table",
					    "nr_anon", "pswp", "swap", "numa_pages_migrated",
					    "compact_fail", "zone_reclaim_failed", NULL };

	for (int i = 0; keys[i]; i++)
		if (strstr(name, keys[i]))
			return 1;
	return 0;
}

/* /proc/sys/kernel/tainted, or -1 when unreadable. */
long long taint_read(const char *root)
{
	char path[SF_PATH_MAX];
	long long v;

	sf_path(path, sizeof(path), root, "/proc/sys/kernel/tainted");
	return sf_read_ll(path, &v) ? -1 : v;
}

/* One /proc/meminfo value in kB. */
int meminfo_line(const char *root, const char *key, long long *kb)
{
	char path[SF_PATH_MAX], line[256], name[64];
	long long v;
	FILE *f;
	int ret = -ENOENT;

	sf_path(path, sizeof(path), root, "/proc/meminfo");
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63[^:]: %lld", name, &v) == 2 && !strcmp(name, key)) {
			*kb = v;
			ret = 0;
			break;
		}
	fclose(f);
	return ret;
}

/* "Rss=.. AnonHugePages=.. Swap=.." (kB) of a live process; 0 on success. */
int smaps_rollup_sample(const char *root, pid_t pid, char *out, size_t len)
{
	static const char *const keys[] = { "Rss", "AnonHugePages", "Swap", NULL };
	char path[SF_PATH_MAX], p[64], line[256], name[64];
	long long v;
	FILE *f;

	snprintf(p, sizeof(p), "/proc/%d/smaps_rollup", (int)pid);
	sf_path(path, sizeof(path), root, p);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	out[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63[^:]: %lld", name, &v) != 2)
			continue;
		for (int i = 0; keys[i]; i++)
			if (!strcmp(name, keys[i]))
				sf_appendf(out, len, "%s%s=%lldkB", out[0] ? " " : "", name, v);
	}
	fclose(f);
	return out[0] ? 0 : -ENODATA;
}
