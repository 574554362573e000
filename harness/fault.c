// SPDX-License-Identifier: GPL-2.0
/*
 * fault.c - find the kernel's fault-injection attributes (/sys/kernel/debug/fail*) and
 * configure them for one run, through knob_set() so every value is restored afterwards.
 *
 * Facts this relies on (Documentation/fault-injection/fault-injection.rst, lib/fault-inject.c,
 * mm/fail_page_alloc.c): fail_page_alloc defaults ignore-gfp-wait=Y, ignore-gfp-highmem=Y
 * and min-order=1, which hide page-table and THP allocations; failslab defaults
 * ignore-gfp-wait=Y. task-filter=Y confines faults to tasks with make-it-fail set. fail-nth
 * bypasses probability and times but not the gfp/order/stack filters, and decrements
 * `times` when it fires unless times is -1, so a positive `times` counts injected faults.
 * A stack filter with require-start=0, require-end=1 and a non-zero depth matches no stack:
 * that closes an attribute the profile did not select.
 *
 * A file is written only when its value changes (most runs of a sweep change none): the
 * value each file was last given is kept, and `times`, which the kernel counts down as
 * faults fire, is taken from every read of it. Only the harness writes these files while it
 * runs (the knobs journal puts them back at its end).
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "splitfail.h"

/* The files fault_configure() writes, and what each attribute's hold now. */
static const char *const attr_files[] = {
	"task-filter", "probability", "interval", "times", "space", "verbose", "min-order",
	"ignore-gfp-wait", "ignore-gfp-highmem", "require-start", "require-end", "reject-start",
	"reject-end", "stacktrace-depth",
};
#define ATTR_FILES	(sizeof(attr_files) / sizeof(attr_files[0]))

static struct attr_file {
	signed char exists;		/* 0 not looked at yet, 1 yes, -1 not on this kernel */
	char val[24];			/* the value it holds, "" = not known */
} held[SF_MAX_ATTRS][ATTR_FILES];

static struct attr_file *attr_file(const struct fault_env *fe, const struct fault_attr_dir *a,
				   const char *file)
{
	for (size_t i = 0; i < ATTR_FILES; i++)
		if (!strcmp(attr_files[i], file))
			return &held[a - fe->attr][i];
	return NULL;
}

static int attr_holds(const struct fault_env *fe, const struct fault_attr_dir *a,
		      const char *file, const char *val)
{
	const struct attr_file *h = attr_file(fe, a, file);

	return h && h->val[0] && !strcmp(h->val, val);
}

static int is_mounted(const char *root, const char *mnt)
{
	char path[SF_PATH_MAX], line[1024], dev[256], dir[1024], type[64];
	FILE *f;
	int found = 0;

	sf_path(path, sizeof(path), root, "/proc/mounts");
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s %1023s %63s", dev, dir, type) == 3 && !strcmp(dir, mnt))
			found = 1;
	fclose(f);
	return found;
}

static int cmp_attr(const void *a, const void *b)
{
	return strcmp(((const struct fault_attr_dir *)a)->name,
		      ((const struct fault_attr_dir *)b)->name);
}

/* attrs: comma list of attribute names, or "all". Returns 0 (see fe->available). */
int fault_discover(const char *root, const char *attrs, struct fault_env *fe)
{
	char dbg[SF_PATH_MAX], p[SF_PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;

	memset(fe, 0, sizeof(*fe));
	memset(held, 0, sizeof(held));
	sf_path(dbg, sizeof(dbg), root, "/sys/kernel/debug");
	if (!root[0] && !is_mounted(root, "/sys/kernel/debug")) {
		if (mount("none", dbg, "debugfs", 0, NULL)) {
			snprintf(fe->reason, sizeof(fe->reason), "cannot mount debugfs: %s",
				 strerror(errno));
			return 0;
		}
		fe->mounted_debugfs = 1;
		knob_note_mount(dbg);
	}
	sf_path(p, sizeof(p), root, "/proc/self/fail-nth");
	fe->have_nth = !stat(p, &st);
	d = opendir(dbg);
	if (!d) {
		snprintf(fe->reason, sizeof(fe->reason), "no %s", dbg);
		return 0;
	}
	while ((de = readdir(d)) && fe->n_attrs < SF_MAX_ATTRS) {
		struct fault_attr_dir *a = &fe->attr[fe->n_attrs];

		if (strncmp(de->d_name, "fail", 4))
			continue;
		snprintf(p, sizeof(p), "%s/%s/probability", dbg, de->d_name);
		if (stat(p, &st))
			continue;
		snprintf(a->name, sizeof(a->name), "%s", de->d_name);
		snprintf(a->path, sizeof(a->path), "%s/%s", dbg, de->d_name);
		a->selected = !strcmp(attrs, "all") || sf_list_has(attrs, a->name);
		fe->n_attrs++;
	}
	closedir(d);
	qsort(fe->attr, fe->n_attrs, sizeof(fe->attr[0]), cmp_attr);
	for (int i = 0; i < fe->n_attrs; i++) {
		if (!strcmp(fe->attr[i].name, "failslab") ||
		    !strcmp(fe->attr[i].name, "fail_page_alloc"))
			fe->available = 1;
		snprintf(p, sizeof(p), "%s/require-start", fe->attr[i].path);
		if (!stat(p, &st))
			fe->have_stack_filter = 1;
	}
	if (!fe->available)
		snprintf(fe->reason, sizeof(fe->reason),
			 "kernel has no fault injection (no %s/failslab)", dbg);
	return 0;
}

/* Write one attribute file if the kernel has it and its value differs; a missing file is not an error. */
static int attr_set(const struct fault_env *fe, const struct fault_attr_dir *a, const char *file,
		    const char *val)
{
	struct attr_file *h = attr_file(fe, a, file);
	char p[SF_PATH_MAX];
	struct stat st;
	int ret;

	snprintf(p, sizeof(p), "%s/%s", a->path, file);
	if (h && !h->exists)
		h->exists = stat(p, &st) ? -1 : 1;
	if (h ? h->exists < 0 : stat(p, &st) != 0)
		return 0;
	if (attr_holds(fe, a, file, val))
		return 0;
	ret = knob_set(p, val);
	if (ret)
		fprintf(stderr, "splitfail: cannot set %s = %s: %s\n", p, val, strerror(-ret));
	if (h)
		snprintf(h->val, sizeof(h->val), "%s", ret ? "" : val);
	return ret;
}

static int attr_set_ll(const struct fault_env *fe, const struct fault_attr_dir *a,
		       const char *file, long long v)
{
	char buf[32];

	if (v < 0 && strcmp(file, "times"))
		return 0;
	snprintf(buf, sizeof(buf), "%lld", v);
	return attr_set(fe, a, file, buf);
}

static int attr_set_filter(const struct fault_env *fe, const struct fault_attr_dir *a,
			   unsigned long start, unsigned long end)
{
	char s[32], e[32];
	int ret = 0;

	snprintf(s, sizeof(s), "0x%lx", start);
	snprintf(e, sizeof(e), "0x%lx", end);
	/* Widen first so that the range is never inverted in between. */
	if (!attr_holds(fe, a, "require-start", s) || !attr_holds(fe, a, "require-end", e))
		ret = attr_set(fe, a, "require-end", "0xffffffffffffffff") ||
		      attr_set(fe, a, "require-start", s) || attr_set(fe, a, "require-end", e);
	return ret || attr_set(fe, a, "reject-start", "0") || attr_set(fe, a, "reject-end", "0") ||
	       attr_set(fe, a, "stacktrace-depth", "32");
}

/*
 * Configure every attribute for one run. strategy STRAT_RANDOM: probability/interval/times
 * from fp; STRAT_SWEEP: probability 0 (fail-nth decides) and times = fp->sweep_times.
 * start/end != 0 installs a stack filter (targeted runs). Unselected attributes are closed.
 */
int fault_configure(struct fault_env *fe, int strategy, const struct fault_params *fp,
		    unsigned long start, unsigned long end)
{
	int ret = 0;

	for (int i = 0; i < fe->n_attrs; i++) {
		const struct fault_attr_dir *a = &fe->attr[i];

		ret |= attr_set(fe, a, "task-filter", "Y");
		if (!a->selected) {
			ret |= attr_set(fe, a, "probability", "0");
			ret |= attr_set_filter(fe, a, 0, 1);
			continue;
		}
		ret |= attr_set_filter(fe, a, start ? start : 0, start ? end : ~0UL);
		if (strategy == STRAT_SWEEP) {
			ret |= attr_set(fe, a, "probability", "0");
			ret |= attr_set_ll(fe, a, "times", fp->sweep_times);
		} else {
			ret |= attr_set_ll(fe, a, "probability", fp->probability);
			ret |= attr_set_ll(fe, a, "interval", fp->interval);
			ret |= attr_set_ll(fe, a, "times", fp->times);
		}
		ret |= attr_set_ll(fe, a, "space", fp->space);
		ret |= attr_set_ll(fe, a, "verbose", fp->verbose);
		ret |= attr_set_ll(fe, a, "min-order", fp->min_order);
		if (fp->ignore_gfp_wait >= 0)
			ret |= attr_set(fe, a, "ignore-gfp-wait", fp->ignore_gfp_wait ? "Y" : "N");
		if (fp->ignore_gfp_highmem >= 0)
			ret |= attr_set(fe, a, "ignore-gfp-highmem",
					fp->ignore_gfp_highmem ? "Y" : "N");
	}
	return ret ? -EIO : 0;
}

/* Read `times` of every attribute (-1 where absent); what it holds now. */
int fault_times_read(struct fault_env *fe, long long *times)
{
	char p[SF_PATH_MAX];

	for (int i = 0; i < fe->n_attrs; i++) {
		struct attr_file *h = attr_file(fe, &fe->attr[i], "times");

		snprintf(p, sizeof(p), "%s/times", fe->attr[i].path);
		if (sf_read_ll(p, &times[i])) {
			times[i] = -1;
			h->val[0] = '\0';
		} else {
			snprintf(h->val, sizeof(h->val), "%lld", times[i]);
		}
	}
	return 0;
}

/* Faults injected since `before`: the drop of every positive `times` counter. */
long long fault_times_consumed(struct fault_env *fe, const long long *before)
{
	long long after[SF_MAX_ATTRS], sum = 0;

	fault_times_read(fe, after);
	for (int i = 0; i < fe->n_attrs; i++)
		if (before[i] > 0 && after[i] >= 0 && after[i] < before[i])
			sum += before[i] - after[i];
	return sum;
}
