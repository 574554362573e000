// SPDX-License-Identifier: GPL-2.0
/*
 * needs.c - knobs a workload writes itself. A workload declares them (its --needs answer:
 * the mTHP sizes' `enabled` files, nr_hugepages; docs/protocol.md). Before each of its runs
 * every one the kernel has is saved in the knobs journal (knob_save: written back when the
 * harness ends, and by the next start after a SIGKILL) and its value is read; after the run,
 * one that differs is put back to that value at once, so a workload killed at its time
 * limit, by a signal or a crash before its own restore does not change the next runs. The
 * workloads still restore their knobs themselves (run alone by hand, nothing else would).
 * A knob's value is read once and then known: after a run that left it as it was (every run
 * reads back all the knobs its workload declares, and every workload declares the same mTHP
 * sizes and nr_hugepages), it still holds that value for the next run, of any workload: only
 * the harness writes these files between runs. One that a run changed (and that was put
 * back) is read again before the next run; one the kernel lacks is looked for once. A knob
 * the kernel refuses to let us read (debugfs under lockdown or in a container: EPERM) is left
 * out like a missing one: a workload reads every knob before it writes it
 * (workloads/lib/knob_undo.h), so it cannot change that one either.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "splitfail.h"

#define NEEDS_MAX	SF_MAX_TARGETS
#define NEEDS_KNOWN	(2 * NEEDS_MAX)
#define NEED_VAL_MAX	512

struct need {
	char path[SF_PATH_MAX];
	char val[NEED_VAL_MAX];
	ssize_t len;
	int held;			/* val is what the knob holds now */
	int absent;			/* not on this kernel, or not readable by us */
};

static struct need known[NEEDS_KNOWN];	/* every knob a workload declared so far */
static int n_known;
static struct need *run_knobs[NEEDS_MAX];	/* the running workload's */
static int n_run;

/* Only knobs: under /sys/ or /proc/sys/, no "..". */
static int need_ok(const char *path)
{
	return (!strncmp(path, "/sys/", 5) || !strncmp(path, "/proc/sys/", 10)) &&
	       !strstr(path, "/..");
}

/* The entry of path (under root), looked for on this kernel and journalled the first time. */
static struct need *need_of(const char *path, int *ret)
{
	struct need *nd;
	struct stat st;

	*ret = 0;
	for (int i = 0; i < n_known; i++)
		if (!strcmp(known[i].path, path))
			return &known[i];
	if (n_known == NEEDS_KNOWN) {
		*ret = -ENOSPC;
		return NULL;
	}
	nd = &known[n_known];
	memset(nd, 0, sizeof(*nd));
	snprintf(nd->path, sizeof(nd->path), "%s", path);
	nd->absent = stat(path, &st) != 0;
	if (!nd->absent)
		*ret = knob_save(path);
	if (*ret == -EPERM || *ret == -EACCES) {
		nd->absent = 1;	/* unreadable: no workload writes it (header) */
		*ret = 0;
	}
	if (!*ret)
		n_known++;
	return *ret ? NULL : nd;
}

/* Journal and read every knob c's workload may write. 0, or -errno with err. */
int needs_before_run(const struct wl_case *c, const char *root, char *err, size_t len)
{
	static char paths[NEEDS_MAX][SF_NAME_MAX];
	char path[SF_PATH_MAX];
	int n, ret;

	n_run = 0;
	if (c->argv)
		return 0;	/* a wrapped program declares nothing */
	n = workload_answer(c, "--needs", paths);
	for (int i = 0; i < n; i++) {
		struct need *nd;

		if (!need_ok(paths[i]))
			continue;
		sf_path(path, sizeof(path), root, paths[i]);
		nd = need_of(path, &ret);
		if (nd && nd->absent)
			continue;	/* not on this kernel */
		if (nd && !nd->held) {
			nd->len = sf_read_file(nd->path, nd->val, sizeof(nd->val));
			ret = nd->len < 0 ? (int)nd->len : 0;
			nd->held = !ret;
			if (ret == -EPERM || ret == -EACCES) {
				nd->absent = 1;	/* unreadable: no workload writes it */
				continue;
			}
		}
		if (ret) {
			snprintf(err, len, "cannot journal %s, a knob %s may write: %s", path,
				 c->workload, strerror(-ret));
			return ret;
		}
		run_knobs[n_run++] = nd;
	}
	return 0;
}

/* The bytes to write for a value as read: the [token] of a sysfs choice, else all of it. */
static void writable(const struct need *nd, const char **v, size_t *len)
{
	const char *open = memchr(nd->val, '[', nd->len);
	const char *close = open ? memchr(open, ']', nd->len - (open - nd->val)) : NULL;

	*v = nd->val;
	*len = nd->len;
	if (open && close && strncmp(nd->path, "/proc/", 6)) {
		*v = open + 1;
		*len = close - open - 1;
	}
}

/*
 * Put back every knob the run left changed; note says which (for the evidence). Returns how
 * many could not be put back.
 */
int needs_after_run(char *note, size_t len)
{
	char now[NEED_VAL_MAX];
	int failed = 0;

	note[0] = '\0';
	for (int i = 0; i < n_run; i++) {
		struct need *nd = run_knobs[i];
		ssize_t n = sf_read_file(nd->path, now, sizeof(now));
		const char *v;
		size_t vl;
		int ret;

		if (n == nd->len && !memcmp(now, nd->val, (size_t)n))
			continue;
		writable(nd, &v, &vl);
		ret = sf_write_file(nd->path, v, vl);
		nd->held = 0;	/* put back, or not: read it again before the next run */
		failed += ret != 0;
		sf_appendf(note, len, "%s was left '%.*s' (before the run '%.*s'): %s%s; ", nd->path,
			   n > 0 ? (int)strcspn(now, "\n") : 0, now, (int)strcspn(nd->val, "\n"),
			   nd->val, ret ? "cannot put it back: " : "put back",
			   ret ? strerror(-ret) : "");
	}
	return failed;
}
