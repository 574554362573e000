/*
 * window.c: arms and disarms fault injection around one operation as docs/protocol.md
 * specifies (SPLITFAIL_INJECT=off|task|nth:<N>|nth:<A>-<B>) and prints the window line. The
 * /proc file is opened before arming; between arm and disarm only the operation itself runs.
 * A batch (nth:<A>-<B>) is stepped by the cycle loop (window_step), one step per cycle.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "window.h"

#define MAKE_IT_FAIL "/proc/thread-self/make-it-fail"
#define FAIL_NTH "/proc/thread-self/fail-nth"

static int setup(struct window *w, const char *test, const char *op, char *why,
		 size_t why_len, int steps_ok)
{
	const char *env = getenv("SPLITFAIL_INJECT");
	const char *path = NULL;
	char *end;

	memset(w, 0, sizeof(*w));
	w->fd = -1;
	snprintf(w->test, sizeof(w->test), "%s", test);
	snprintf(w->op, sizeof(w->op), "%s", op);
	if (!env || !*env || !strcmp(env, "off")) {
		w->mode = WINDOW_OFF;
	} else if (!strcmp(env, "task")) {
		w->mode = WINDOW_TASK;
		path = MAKE_IT_FAIL;
	} else if (!strncmp(env, "nth:", 4)) {
		w->mode = WINDOW_NTH;
		w->nth = strtol(env + 4, &end, 10);
		if (*end == '-' && end[1] >= '0' && end[1] <= '9')
			w->nth_last = strtol(end + 1, &end, 10);
		if (*end || w->nth < 1 || (w->nth_last && w->nth_last < w->nth)) {
			snprintf(why, why_len,
				 "bad SPLITFAIL_INJECT=%s (nth:<N> or nth:<A>-<B>, 1 <= A <= B)",
				 env);
			return -EINVAL;
		}
		if (w->nth_last && !steps_ok) {
			snprintf(why, why_len,
				 "SPLITFAIL_INJECT=%s: this test runs one fail-nth step per process",
				 env);
			return 4;
		}
		path = FAIL_NTH;
	} else {
		snprintf(why, why_len, "bad SPLITFAIL_INJECT=%s (off, task or nth:<N>)", env);
		return -EINVAL;
	}
	if (path && access(path, F_OK)) {
		snprintf(why, why_len, "SPLITFAIL_INJECT=%s needs %s: no fault injection",
			 env, path);
		return 4;
	}
	return 0;
}

int window_setup(struct window *w, const char *test, const char *op, char *why,
		 size_t why_len)
{
	return setup(w, test, op, why, why_len, 0);
}

int window_setup_steps(struct window *w, const char *test, const char *op, char *why,
		       size_t why_len)
{
	return setup(w, test, op, why, why_len, 1);
}

int window_step(struct window *w, long nth)
{
	const char *env = getenv("SPLITFAIL_STEP_FD");
	char ack;
	ssize_t n;

	w->nth = nth;
	w->consumed_in_step = 0;
	printf("# splitfail: step nth=%ld t=%lld\n", nth, window_now_ns());
	fflush(stdout);
	if (!env || !*env)
		return 0;
	do
		n = read(atoi(env), &ack, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return -EPIPE;
	return ack == 'q';	/* the harness stops the batch before this step */
}

static int write_number(int fd, long n)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%ld", n);

	if (pwrite(fd, buf, (size_t)len, 0) != len)
		return -errno;
	return 0;
}

int window_arm(struct window *w)
{
	const char *path = w->mode == WINDOW_TASK ? MAKE_IT_FAIL : FAIL_NTH;
	int err;

	if (w->mode == WINDOW_OFF) {
		w->armed = 1;
		w->t0_ns = window_now_ns();
		return 0;
	}
	/* buffered output must not be written (and allocate) while faults are injected */
	fflush(NULL);
	w->fd = open(path, O_RDWR | O_CLOEXEC);
	if (w->fd < 0)
		return -errno;
	err = write_number(w->fd, w->mode == WINDOW_TASK ? 1 : w->nth);
	if (err) {
		close(w->fd);
		w->fd = -1;
		return err;
	}
	w->armed = 1;
	w->t0_ns = window_now_ns();
	return 0;
}

long long window_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int window_disarm(struct window *w, long ret, int err)
{
	const char *modes[] = { "off", "task", "nth" };
	long long t1_ns = window_now_ns();
	char buf[32], mode[40];
	int consumed = -1;
	ssize_t n;

	if (w->mode == WINDOW_TASK && w->fd >= 0) {
		write_number(w->fd, 0);
	} else if (w->mode == WINDOW_NTH && w->fd >= 0) {
		n = pread(w->fd, buf, sizeof(buf) - 1, 0);
		if (n > 0) {
			buf[n] = '\0';
			consumed = strtol(buf, NULL, 10) == 0;
		}
		w->consumed_in_step += consumed > 0;
		write_number(w->fd, 0);
	}
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	w->armed = 0;
	if (w->mode == WINDOW_NTH)
		snprintf(mode, sizeof(mode), "nth:%ld", w->nth);
	else
		snprintf(mode, sizeof(mode), "%s", modes[w->mode]);
	printf("# splitfail: window test=%s op=%s inject=%s consumed=%s ret=%ld errno=%s t0=%lld t1=%lld\n",
	       w->test, w->op, mode, consumed < 0 ? "?" : consumed ? "1" : "0", ret,
	       err ? (strerrorname_np(err) ?: "?") : "0", w->t0_ns, t1_ns);
	if (w->mode != WINDOW_OFF)
		fflush(stdout);
	return consumed;
}

/* Writes "0" to a /proc injection file, retrying: the open itself may meet an injected fault. */
static void write_zero_retrying(const char *path)
{
	int tries, fd;

	for (tries = 0; tries < 100; tries++) {
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ENOENT)
				return;
			continue;
		}
		if (write(fd, "0", 1) == 1) {
			close(fd);
			return;
		}
		close(fd);
	}
}

void window_child_disarm(void)
{
	write_zero_retrying(MAKE_IT_FAIL);
	write_zero_retrying(FAIL_NTH);
}
