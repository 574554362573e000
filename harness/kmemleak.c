// SPDX-License-Identifier: GPL-2.0
/*
 * kmemleak.c - kmemleak scans for groups of test cases (kmemleak_batch.c) where the kernel
 * has kmemleak (/sys/kernel/debug/kmemleak, CONFIG_DEBUG_KMEMLEAK) and the profile asks for
 * it ([leak] kmemleak = yes): unreferenced objects allocated by the workload's own task are a
 * leak (FAIL, with the kmemleak report of the first ones: address, size, comm, backtrace).
 * This file scans and parses; kmemleak_batch.c ties the objects to runs and cases.
 *
 * Facts from Documentation/dev-tools/kmemleak.rst and mm/kmemleak.c: writing "scan" scans
 * memory now, reading the file lists the objects reported since the last "clear", and
 * "clear" stops listing those; an object is only reported once it is older than 5 s
 * (MSECS_MIN_AGE), so the scan waits until that long after the workload ended
 * ([leak] kmemleak_age_ms). kmemleak has false positives (pointers it cannot see) and a scan
 * is slow under TCG: it is a profile option (nightly), objects of other tasks are only
 * noted, and the whole report stays in the run's log folder.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "splitfail.h"

#define KMEMLEAK_READ_MAX	(256 * 1024)

static char km_path[SF_PATH_MAX];
static int km_ready;

static int km_cmd(const char *cmd)
{
	/* O_APPEND: a fake tree's regular file keeps what a test put there */
	int fd = open(km_path, O_WRONLY | O_APPEND | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, cmd, strlen(cmd)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * Finds kmemleak and clears what earlier activity left (scan, then clear). Returns 0, or 1
 * with the reason in note when there is no usable kmemleak.
 */
int kmemleak_setup(const char *root, char *note, size_t len)
{
	int ret;

	km_ready = 0;
	sf_path(km_path, sizeof(km_path), root, "/sys/kernel/debug/kmemleak");
	if (access(km_path, R_OK | W_OK)) {
		snprintf(note, len, "no kmemleak (%s: %s)", km_path, strerror(errno));
		return 1;
	}
	ret = km_cmd("scan\n");
	if (!ret)
		ret = km_cmd("clear\n");
	if (ret) {
		snprintf(note, len, "kmemleak refuses commands (%s: %s; disabled at boot?)", km_path,
			 strerror(-ret));
		return 1;
	}
	km_ready = 1;
	snprintf(note, len, "kmemleak scans for groups of test cases, a result per case (%s)", km_path);
	return 0;
}

/* Did kmemleak_setup() find kmemleak? (Nothing is scanned or judged without it.) */
int kmemleak_available(void)
{
	return km_ready;
}

/* The report's next object at or after p, its length in *len; NULL when none is left. */
const char *kmemleak_next_object(const char *p, size_t *len)
{
	const char *obj = strstr(p, "unreferenced object "), *next;

	if (!obj)
		return NULL;
	next = strstr(obj + 1, "unreferenced object ");
	*len = next ? (size_t)(next - obj) : strlen(obj);
	return obj;
}

/* Was the object (len bytes) allocated by a task named comm (15 characters, as kept)? */
int kmemleak_object_comm_is(const char *obj, size_t len, const char *comm)
{
	const char *c = strstr(obj, "comm \"");
	char want[64];

	snprintf(want, sizeof(want), "comm \"%.15s\"", comm);
	return c && (size_t)(c - obj) < len && !strncmp(c, want, strlen(want));
}

/*
 * Counts the report's objects whose comm is comm, copying the first of them into ev; others
 * counts the rest. Pure, for tests.
 */
int kmemleak_parse(const char *report, const char *comm, char *ev, size_t len, int *others)
{
	const char *p = report;
	size_t blen;
	int mine = 0;

	*others = 0;
	ev[0] = '\0';
	for (; (p = kmemleak_next_object(p, &blen)); p += blen) {
		if (!kmemleak_object_comm_is(p, blen, comm))
			(*others)++;
		else if (!mine++)
			sf_appendf(ev, len, "%.*s", (int)(blen > 1500 ? 1500 : blen), p);
	}
	return mine;
}

/*
 * After runs whose last workload ended at ended (sf_now()): wait out the minimum age, scan,
 * read the report into *report (a static buffer) and clear. Returns its length, or -errno
 * when the scan failed; 0 without kmemleak.
 */
ssize_t kmemleak_scan(double ended, int age_ms, const char **report)
{
	static char buf[KMEMLEAK_READ_MAX];
	double wait = ended + age_ms / 1000.0 - sf_now();
	ssize_t n;
	int ret;

	*report = buf;
	buf[0] = '\0';
	if (!km_ready)
		return 0;
	if (wait > 0)
		sf_sleep_ms((int)(wait * 1000) + 1);
	ret = km_cmd("scan\n");
	if (ret)
		return ret;
	n = sf_read_file(km_path, buf, sizeof(buf));
	if (n < 0)
		return n;
	km_cmd("clear\n");
	return n;
}

/* The whole report, kept for the reader of a result (a file that cannot be written: noted). */
void kmemleak_save(const char *path, const char *report, size_t n)
{
	FILE *f = fopen(path, "we");

	if (!f || fwrite(report, 1, n, f) != n)
		fprintf(stderr, "splitfail: cannot write %s: %s\n", path, strerror(errno));
	if (f)
		fclose(f);
}
