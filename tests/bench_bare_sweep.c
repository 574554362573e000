// SPDX-License-Identifier: GPL-2.0
/*
 * bench_bare_sweep.c - the floor that make bench-guest compares the suite against: a fail-nth
 * sweep of one operation with no checks at all. Each point: arm /proc/thread-self/fail-nth
 * with N, do the operation, read back whether the fault was consumed, disarm; N goes 1, 2, ...
 * while the fault is consumed, up to a cap, then starts again at 1.
 *   fork    fork() with one PMD-mapped THP in the parent (prepared once); the child exits at
 *           once, the parent waits.
 *   munmap  map 4 MiB, fault in one THP, arm, unmap its first 4 KiB (a PMD split), disarm,
 *           unmap the rest: the same work as a thp_munmap case without its checks.
 * failslab and fail_page_alloc are opened the way the harness opens them (docs/protocol.md:
 * ignore-gfp-wait/highmem N, min-order 0, probability 0: fail-nth alone decides) and put back
 * as they were on exit. Output: one line "points=<n> seconds=<s> points_per_min=<r>
 * consumed=<c> max_nth=<m>". Needs root and a kernel with fault injection; exits 4 otherwise.
 * usage: bench_bare_sweep fork|munmap SECONDS [CAP]
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DBG		"/sys/kernel/debug/"
#define THP_SIZE	(2UL << 20)
#define N_ATTRS		(sizeof(attrs) / sizeof(attrs[0]))

static const struct {
	const char *file, *value;
} attrs[] = {
	{ DBG "failslab/ignore-gfp-wait", "N" },
	{ DBG "failslab/probability", "0" },
	{ DBG "failslab/verbose", "0" },
	{ DBG "fail_page_alloc/ignore-gfp-wait", "N" },
	{ DBG "fail_page_alloc/ignore-gfp-highmem", "N" },
	{ DBG "fail_page_alloc/min-order", "0" },
	{ DBG "fail_page_alloc/probability", "0" },
	{ DBG "fail_page_alloc/verbose", "0" },
};
static char saved[N_ATTRS][64];
static int n_saved;

static int put(const char *file, const char *value)
{
	int fd = open(file, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static void restore(void)
{
	while (n_saved > 0) {
		n_saved--;
		put(attrs[n_saved].file, saved[n_saved]);
	}
}

static void on_signal(int sig)
{
	restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int open_attrs(void)
{
	for (size_t i = 0; i < N_ATTRS; i++) {
		int fd = open(attrs[i].file, O_RDONLY | O_CLOEXEC);
		ssize_t n;

		if (fd < 0)
			return -errno;
		n = read(fd, saved[i], sizeof(saved[i]) - 1);
		close(fd);
		if (n <= 0)
			return -EIO;
		saved[i][strcspn(saved[i], "\n")] = '\0';
		n_saved = i + 1;
		if (put(attrs[i].file, attrs[i].value))
			return -EIO;
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *thp_map(void)
{
	char *raw = mmap(NULL, 2 * THP_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	char *p;

	if (raw == MAP_FAILED)
		return NULL;
	p = (char *)(((unsigned long)raw + THP_SIZE - 1) & ~(THP_SIZE - 1));
	madvise(p, THP_SIZE, MADV_HUGEPAGE);
	p[0] = 1;
	return raw;
}

static void op_fork(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static void op_munmap(int nth_fd, long nth, int *consumed)
{
	char *raw = thp_map(), buf[16];
	char *p;
	ssize_t n;

	if (!raw)
		return;
	p = (char *)(((unsigned long)raw + THP_SIZE - 1) & ~(THP_SIZE - 1));
	n = snprintf(buf, sizeof(buf), "%ld", nth);
	if (pwrite(nth_fd, buf, n, 0) != n)
		return;
	munmap(p, 4096);
	n = pread(nth_fd, buf, sizeof(buf) - 1, 0);
	*consumed = n > 0 && atoi(buf) == 0;
	pwrite(nth_fd, "0", 1, 0);
	munmap(raw, 2 * THP_SIZE);
}

int main(int argc, char **argv)
{
	double seconds = argc > 2 ? atof(argv[2]) : 0, start, end;
	long cap = argc > 3 ? atol(argv[3]) : 64, nth = 1, max_nth = 0, points = 0, hits = 0;
	int is_fork = argc > 1 && !strcmp(argv[1], "fork");
	int nth_fd;

	if (argc < 3 || (!is_fork && strcmp(argv[1], "munmap")) || seconds <= 0 || cap < 1) {
		fprintf(stderr, "usage: %s fork|munmap SECONDS [CAP]\n", argv[0]);
		return 2;
	}
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (nth_fd < 0) {
		printf("# SKIP no /proc/thread-self/fail-nth: %s\n", strerror(errno));
		return 4;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (open_attrs()) {
		restore();
		printf("# SKIP cannot open failslab/fail_page_alloc in debugfs\n");
		return 4;
	}
	if (is_fork && !thp_map()) {
		restore();
		return 1;
	}
	start = now();
	end = start + seconds;
	while (now() < end) {
		int consumed = 0;

		if (is_fork) {
			char buf[16];
			ssize_t n = snprintf(buf, sizeof(buf), "%ld", nth);

			if (pwrite(nth_fd, buf, n, 0) != n)
				break;
			op_fork();
			n = pread(nth_fd, buf, sizeof(buf) - 1, 0);
			consumed = n > 0 && atoi(buf) == 0;
			pwrite(nth_fd, "0", 1, 0);
		} else {
			op_munmap(nth_fd, nth, &consumed);
		}
		points++;
		hits += consumed;
		if (nth > max_nth)
			max_nth = nth;
		nth = consumed && nth < cap ? nth + 1 : 1;
	}
	seconds = now() - start;
	restore();
	printf("points=%ld seconds=%.3f points_per_min=%.0f consumed=%ld max_nth=%ld\n", points,
	       seconds, points * 60 / seconds, hits, max_nth);
	return 0;
}
