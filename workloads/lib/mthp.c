/*
 * mthp.c: finds the mTHP sizes under /sys/kernel/mm/transparent_hugepage/hugepages-*kB and
 * sets a size's "enabled" knob for a test through knob_undo.c: put back newest first by
 * knob_undo_all() (teardown), at exit, and from a SIGINT/SIGTERM/SIGHUP/SIGQUIT handler.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "knob_undo.h"
#include "mthp.h"
#include "thp_region.h"

#define THP_SYSFS MTHP_SYSFS

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

int mthp_sizes(size_t *sizes, int max)
{
	size_t pmd = thp_pmd_size();
	DIR *d = opendir(THP_SYSFS);
	struct dirent *e;
	unsigned long kb;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		if (sscanf(e->d_name, "hugepages-%lukB", &kb) == 1 && kb * 1024 < pmd)
			sizes[n++] = kb * 1024;
	}
	closedir(d);
	qsort(sizes, (size_t)n, sizeof(sizes[0]), cmp_size);
	return n;
}

/* Sets the knob of size to value if it differs, saving the old value first. */
static int set_knob(size_t size, const char *value, char *why, size_t why_len)
{
	char path[128], old[16];
	int err;

	snprintf(path, sizeof(path), THP_SYSFS "/hugepages-%zukB/enabled", size / 1024);
	err = sysfs_read_selected(path, old, sizeof(old));
	if (err) {
		snprintf(why, why_len, "no mTHP size %zu kB (%s: %s)", size / 1024, path,
			 strerror(-err));
		return 4;
	}
	if (!strcmp(old, value))
		return 0;
	err = knob_undo_set(path, value, old);
	if (err) {
		snprintf(why, why_len, "cannot set %s to %s: %s%s", path, value, strerror(-err),
			 err == -EACCES || err == -EPERM ? " (needs root)" : "");
		return err == -EACCES || err == -EPERM ? 4 : err;
	}
	return 0;
}

int mthp_use_size(size_t size, char *why, size_t why_len)
{
	size_t sizes[MTHP_MAX_SIZES];
	char cur[16], path[128];
	int n = mthp_sizes(sizes, MTHP_MAX_SIZES), i, ret;

	for (i = 0; i < n; i++) {
		if (sizes[i] <= size)
			continue;
		snprintf(path, sizeof(path), THP_SYSFS "/hugepages-%zukB/enabled",
			 sizes[i] / 1024);
		if (sysfs_read_selected(path, cur, sizeof(cur)) || !strcmp(cur, "never"))
			continue;
		ret = set_knob(sizes[i], "never", why, why_len);
		if (ret)
			return ret;
	}
	snprintf(path, sizeof(path), THP_SYSFS "/hugepages-%zukB/enabled", size / 1024);
	if (!sysfs_read_selected(path, cur, sizeof(cur)) &&
	    (!strcmp(cur, "always") || !strcmp(cur, "madvise")))
		return 0;
	return set_knob(size, "madvise", why, why_len);
}
