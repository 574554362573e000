/*
 * mthp.c: finds the mTHP sizes under /sys/kernel/mm/transparent_hugepage/hugepages-*kB and
 * sets a size's "enabled" knob for a test. Each knob written is recorded with the value read
 * before it and restored newest first: by mthp_restore() (teardown), at exit, and from a
 * SIGINT/SIGTERM/SIGHUP/SIGQUIT handler that then re-raises the signal.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mthp.h"
#include "thp_region.h"

#define THP_SYSFS MTHP_SYSFS
#define MTHP_MAX_SAVED (MTHP_MAX_SIZES + 1)

struct mthp_saved {
	char path[128];
	char value[16];
};

static struct mthp_saved saved[MTHP_MAX_SAVED];
static volatile sig_atomic_t nr_saved;
static int hooks_installed;

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

/* write(2) only: also used from the signal handler. */
static int write_knob(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t len = (ssize_t)strlen(value), n;

	if (fd < 0)
		return -errno;
	n = write(fd, value, (size_t)len);
	close(fd);
	return n == len ? 0 : -EIO;
}

int mthp_restore(void)
{
	int restored = 0;

	while (nr_saved > 0) {
		nr_saved--;
		if (!write_knob(saved[nr_saved].path, saved[nr_saved].value))
			restored++;
	}
	return restored;
}

static void restore_at_exit(void)
{
	mthp_restore();
}

static void restore_on_signal(int sig)
{
	mthp_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_hooks(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa;
	size_t i;

	if (hooks_installed)
		return;
	hooks_installed = 1;
	atexit(restore_at_exit);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = restore_on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
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
	if (nr_saved >= MTHP_MAX_SAVED) {
		snprintf(why, why_len, "too many mTHP knobs changed");
		return -ENOSPC;
	}
	install_hooks();
	snprintf(saved[nr_saved].path, sizeof(saved[0].path), "%s", path);
	snprintf(saved[nr_saved].value, sizeof(saved[0].value), "%s", old);
	nr_saved++;
	err = write_knob(path, value);
	if (err) {
		nr_saved--;
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
