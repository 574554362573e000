/*
 * serve.c: the fork server's loop (serve.h). One request at a time: receive it with the
 * output pipe's fd (SCM_RIGHTS; a batch's step pipe second: SPLITFAIL_STEP_FD), fork,
 * answer "pid", wait for the child, answer "exit". The server itself touches no THP and arms
 * no fault: every run happens in a child.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lifetime.h"
#include "serve.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23	/* include/uapi/asm-generic/mman-common.h, Linux 5.14 */
#endif

#define REQ_FIELDS	5	/* run, test, inject, seed, iterations */

int serve_requested(int argc, char **argv)
{
	return argc == 2 && !strcmp(argv[1], "--serve");
}

/*
 * Write-fault every private writable mapping the child inherited, so that the copy-on-write
 * of the server's pages happens now and not at a first write inside an injection window
 * (where it would consume the injected fault). Kernels without MADV_POPULATE_WRITE skip it.
 */
static void unshare_writable(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		char perms[5];

		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) != 3 || strcmp(perms, "rw-p"))
			continue;
		madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
	}
	fclose(f);
}

static void answer(int sock, const char *fmt, long a, long b)
{
	char msg[64];
	int len = snprintf(msg, sizeof(msg), fmt, a, b);

	if (send(sock, msg, (size_t)len, MSG_NOSIGNAL) != len)
		_exit(0);	/* the harness is gone: so is the server */
}

/*
 * One request: its text split at tabs into f[], its output fd in fd[0] and a batch's step fd
 * in fd[1] (-1 when none). 1, 0 at EOF, -1 bad.
 */
static int receive(int sock, char *buf, size_t len, char **f, int *fd)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(2 * sizeof(int))];
	} ctl;
	struct iovec iov = { buf, len - 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.space,
			    .msg_controllen = sizeof(ctl.space) };
	struct cmsghdr *c;
	ssize_t n;
	int i = 0;

	do
		n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	fd[0] = fd[1] = -1;
	c = CMSG_FIRSTHDR(&m);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(c), c->cmsg_len >= CMSG_LEN(2 * sizeof(int)) ?
		       2 * sizeof(int) : sizeof(int));
	for (char *p = buf; p && i < REQ_FIELDS; i++) {
		f[i] = p;
		p = strchr(p, '\t');
		if (p)
			*p++ = '\0';
	}
	return i == REQ_FIELDS && !strcmp(f[0], "run") && fd[0] >= 0 ? 1 : -1;
}

static void close_fds(const int *fd)
{
	for (int i = 0; i < 2; i++)
		if (fd[i] >= 0)
			close(fd[i]);
}

static void child(const char *argv0, serve_run_fn run, int sock, char **f, const int *fd)
{
	char *av[] = { (char *)argv0, "-r", f[1], NULL }, step[16];

	close(sock);
	setpgid(0, 0);
	if (dup2(fd[0], 1) < 0 || dup2(fd[0], 2) < 0)
		_exit(127);
	close(fd[0]);
	if (fd[1] >= 0) {
		snprintf(step, sizeof(step), "%d", fd[1]);
		setenv("SPLITFAIL_STEP_FD", step, 1);
	}
	setenv("SPLITFAIL_INJECT", f[2], 1);
	setenv("SPLITFAIL_SEED", f[3], 1);
	setenv("SPLITFAIL_ITERATIONS", f[4], 1);
	unshare_writable();
	exit(run(3, av));
}

int serve_loop(const char *argv0, serve_run_fn run)
{
	const char *env = getenv("SPLITFAIL_SERVE_FD");
	char buf[1024], *f[REQ_FIELDS], *end;
	int sock, out[2], ret;

	sock = env ? (int)strtol(env, &end, 10) : -1;
	if (!env || *end || sock < 0 || fcntl(sock, F_GETFD) < 0) {
		fprintf(stderr, "%s --serve: SPLITFAIL_SERVE_FD=%s is not an open socket\n",
			argv0, env ? env : "(unset)");
		return 2;
	}
	fcntl(sock, F_SETFD, FD_CLOEXEC);
	lifetime_tie_children();	/* each run's child gets SIGTERM when the server dies */
	answer(sock, "ready\t%ld\t%ld", getpid(), 0);
	while ((ret = receive(sock, buf, sizeof(buf), f, out))) {
		pid_t pid;
		int status;

		if (ret < 0) {
			close_fds(out);
			answer(sock, "error\t%ld\t%ld", EINVAL, 0);
			continue;
		}
		fflush(NULL);
		pid = fork();
		if (!pid)
			child(argv0, run, sock, f, out);
		close_fds(out);
		if (pid < 0) {
			answer(sock, "error\t%ld\t%ld", errno, 0);
			continue;
		}
		setpgid(pid, pid);	/* before the harness may signal the group */
		answer(sock, "pid\t%ld\t%ld", pid, 0);
		while (waitpid(pid, &status, 0) < 0)
			if (errno != EINTR)
				_exit(1);
		answer(sock, "exit\t%ld\t%ld", pid, status);
	}
	return 0;
}
