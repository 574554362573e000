/*
 * knob_undo.c: the table of knobs a workload changed and their values before, put back newest
 * first by knob_undo_all(), at exit and from a signal handler that then re-raises the signal
 * (write(2) only there). The harness journals the same knobs (--needs), for a workload that
 * dies without running any of these.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "knob_undo.h"

#define KNOB_UNDO_MAX	32

struct knob_undo {
	char path[128];
	char old[32];
};

static struct knob_undo saved[KNOB_UNDO_MAX];
static volatile sig_atomic_t nr_saved;
static int hooks_installed;

/* write(2) only: also used from the signal handler. */
static int write_knob(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t len = (ssize_t)strlen(value), n;

	if (fd < 0)
		return -errno;
	n = write(fd, value, (size_t)len);
	if (n < 0)
		n = -errno;
	close(fd);
	return n == len ? 0 : n < 0 ? (int)n : -EIO;
}

int knob_undo_all(void)
{
	int restored = 0;

	while (nr_saved > 0) {
		nr_saved--;
		if (!write_knob(saved[nr_saved].path, saved[nr_saved].old))
			restored++;
	}
	return restored;
}

static void undo_at_exit(void)
{
	knob_undo_all();
}

static void undo_on_signal(int sig)
{
	knob_undo_all();
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
	atexit(undo_at_exit);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = undo_on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

int knob_undo_set(const char *path, const char *value, const char *old)
{
	struct knob_undo *k;
	int err;

	if (nr_saved >= KNOB_UNDO_MAX)
		return -ENOSPC;
	if (strlen(path) >= sizeof(k->path) || strlen(old) >= sizeof(k->old))
		return -ENAMETOOLONG;
	install_hooks();
	k = &saved[nr_saved];
	snprintf(k->path, sizeof(k->path), "%s", path);
	snprintf(k->old, sizeof(k->old), "%s", old);
	nr_saved++;	/* recorded before the write: a signal in between puts it back */
	err = write_knob(path, value);
	if (err)
		nr_saved--;
	return err;
}
