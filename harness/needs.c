// SPDX-License-Identifier: GPL-2.0
/*
 * needs.c - knobs a workload writes itself. A workload declares them (its --needs answer:
 * the mTHP sizes' `enabled` files, nr_hugepages; docs/protocol.md). Before each of its runs
 * every one the kernel has is saved in the knobs journal (knob_save: written back when the
 * harness ends, and by the next start after a SIGKILL) and its value is read; after the run,
 * one that differs is put back to that value at once, so a workload killed at its time
 * limit, by a signal or a crash before its own restore does not change the next runs. The
 * workloads still restore their knobs themselves (run alone by hand, nothing else would).
 * The values read before a run hold for the next run of the same workload when every knob
 * read back unchanged after it (nothing else writes them while the harness runs): they are
 * read again only after a run that changed one, or for another workload.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "splitfail.h"

#define NEEDS_MAX	SF_MAX_TARGETS
#define NEED_VAL_MAX	512

struct need {
	char path[SF_PATH_MAX];
	char val[NEED_VAL_MAX];
	ssize_t len;
};

static struct need before[NEEDS_MAX];
static int n_before;
static char held_for[SF_PATH_MAX];	/* the workload whose values before[] holds, "" = none */

/* Only knobs: under /sys/ or /proc/sys/, no "..". */
static int need_ok(const char *path)
{
	return (!strncmp(path, "/sys/", 5) || !strncmp(path, "/proc/sys/", 10)) &&
	       !strstr(path, "/..");
}

/* Journal and read every knob c's workload may write. 0, or -errno with err. */
int needs_before_run(const struct wl_case *c, const char *root, char *err, size_t len)
{
	static char paths[NEEDS_MAX][SF_NAME_MAX];
	struct stat st;
	int n, ret;

	if (c->argv) {
		n_before = 0;
		held_for[0] = '\0';
		return 0;	/* a wrapped program declares nothing */
	}
	if (held_for[0] && !strcmp(held_for, c->path))
		return 0;	/* as the last run of this workload left them */
	n_before = 0;
	held_for[0] = '\0';
	n = workload_answer(c, "--needs", paths);
	for (int i = 0; i < n; i++) {
		struct need *nd = &before[n_before];

		if (!need_ok(paths[i]))
			continue;
		sf_path(nd->path, sizeof(nd->path), root, paths[i]);
		if (stat(nd->path, &st))
			continue;	/* not on this kernel */
		ret = knob_save(nd->path);
		nd->len = ret ? ret : sf_read_file(nd->path, nd->val, sizeof(nd->val));
		if (nd->len < 0) {
			snprintf(err, len, "cannot journal %s, a knob %s may write: %s", nd->path,
				 c->workload, strerror((int)-nd->len));
			return (int)nd->len;
		}
		n_before++;
	}
	snprintf(held_for, sizeof(held_for), "%s", c->path);
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
	for (int i = 0; i < n_before; i++) {
		const struct need *nd = &before[i];
		ssize_t n = sf_read_file(nd->path, now, sizeof(now));
		const char *v;
		size_t vl;
		int ret;

		if (n == nd->len && !memcmp(now, nd->val, (size_t)n))
			continue;
		writable(nd, &v, &vl);
		ret = sf_write_file(nd->path, v, vl);
		failed += ret != 0;
		sf_appendf(note, len, "%s was left '%.*s' (before the run '%.*s'): %s%s; ", nd->path,
			   n > 0 ? (int)strcspn(now, "\n") : 0, now, (int)strcspn(nd->val, "\n"),
			   nd->val, ret ? "cannot put it back: " : "put back",
			   ret ? strerror(-ret) : "");
	}
	if (note[0])
		held_for[0] = '\0';	/* one was put back (or could not be): read them again */
	return failed;
}
