// SPDX-License-Identifier: GPL-2.0
/*
 * fork_server.c - the harness side of the fork server (docs/protocol.md "Fork server";
 * the workload side is workloads/lib/serve.c). One workload binary at a time is kept running
 * as `WORKLOAD --serve`, with a SOCK_SEQPACKET socket to the harness; for each run the harness
 * sends "run TEST INJECT SEED ITERATIONS" with the write end of the run's output pipe, and the
 * server answers "pid N" once it forked the run's child and "exit N STATUS" when that child
 * ended. Exec, dynamic loading and start-up are then paid once per workload, not per point.
 * The server is started before a run's probes (fsrv_prepare), so its own pages are in the
 * baseline and never counted against a run; it dies with the harness (PR_SET_PDEATHSIG), and
 * its children die with it. Any failure to start or talk to it is only a note: the run then
 * execs the workload as before.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "splitfail.h"

#define ANSWER_MS	60000	/* a forked child's pid comes back within this, even under TCG */

static struct {
	int enabled;
	pid_t pid;		/* the server, 0 = none */
	int sock;
	char path[SF_PATH_MAX];
	char note[256];		/* why the last start or request failed */
	char no_serve[SF_PATH_MAX];	/* a binary that did not answer "ready" (not ours) */
} srv = { .sock = -1 };

void fsrv_enable(int on)
{
	srv.enabled = on;
}

pid_t fsrv_pid(void)
{
	return srv.pid;
}

const char *fsrv_note(void)
{
	return srv.note;
}

void fsrv_stop(void)
{
	int status;

	if (srv.sock >= 0)
		close(srv.sock);	/* EOF: the server returns from its loop */
	srv.sock = -1;
	if (!srv.pid)
		return;
	for (int i = 0; i < 200; i++) {
		if (waitpid(srv.pid, &status, WNOHANG) == srv.pid)
			goto out;
		sf_sleep_ms(10);
	}
	kill(-srv.pid, SIGKILL);
	waitpid(srv.pid, &status, 0);
out:
	srv.pid = 0;
}

static int spawn(const char *path)
{
	pid_t parent = getpid(), pid;
	char fd_s[16];
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -errno;
	}
	if (!pid) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != parent)
			_exit(127);
		setpgid(0, 0);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		if (null >= 0)
			dup2(null, 0);
		dup2(2, 1);	/* a server prints only errors */
		if (pressure_child_enter())
			_exit(127);
		fcntl(sv[1], F_SETFD, 0);
		snprintf(fd_s, sizeof(fd_s), "%d", sv[1]);
		setenv("SPLITFAIL_SERVE_FD", fd_s, 1);
		execl(path, path, "--serve", (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);
	close(sv[1]);
	srv.pid = pid;
	srv.sock = sv[0];
	snprintf(srv.path, sizeof(srv.path), "%s", path);
	return 0;
}

/* Reads one answer into buf; 1, 0 when none came within ms, -EPIPE when the server is gone. */
static int answer(char *buf, size_t len, int ms)
{
	struct pollfd p = { srv.sock, POLLIN, 0 };
	ssize_t n;

	if (ms && poll(&p, 1, ms) <= 0)
		return 0;
	n = recv(srv.sock, buf, len - 1, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0)
		return -EPIPE;
	buf[n] = '\0';
	return 1;
}

/* The server is unusable: kill it (its running child dies with it) and reap it. */
static int lost(const char *what)
{
	int status = 0;

	snprintf(srv.note, sizeof(srv.note), "fork server %s %s", srv.path, what);
	if (srv.pid) {
		kill(-srv.pid, SIGKILL);
		waitpid(srv.pid, &status, 0);
		srv.pid = 0;
	}
	close(srv.sock);
	srv.sock = -1;
	return -EPIPE;
}

int fsrv_start_run(const struct wl_case *c, const char *inject, unsigned long long seed,
		   int out_fd, pid_t *pid)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} ctl;
	char req[SF_NAME_MAX + 128], ans[64];
	struct iovec iov = { req, 0 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.space,
			    .msg_controllen = sizeof(ctl.space) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	long a = 0, b = 0;
	int ret;

	if (!srv.enabled || c->argv || !srv.pid || strcmp(srv.path, c->path))
		return -ENOENT;
	iov.iov_len = (size_t)snprintf(req, sizeof(req), "run\t%s\t%s\t%llu\t1", c->name, inject,
				       seed);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &out_fd, sizeof(int));
	if (sendmsg(srv.sock, &m, MSG_NOSIGNAL) < 0)
		return lost("does not take requests");
	ret = answer(ans, sizeof(ans), ANSWER_MS);
	if (ret <= 0)
		return lost(ret ? "died before forking" : "did not answer");
	if (sscanf(ans, "pid\t%ld\t%ld", &a, &b) != 2 || a <= 0) {
		sscanf(ans, "error\t%ld", &a);
		snprintf(srv.note, sizeof(srv.note), "fork server %s could not fork: %s",
			 srv.path, strerror((int)a));
		return a > 0 ? -(int)a : -EIO;
	}
	*pid = (pid_t)a;
	return 0;
}

int fsrv_reap(pid_t pid, int *status, int ms)
{
	char ans[64];
	long a, b;
	int ret = answer(ans, sizeof(ans), ms);

	if (ret < 0)
		return lost("died during the run");
	if (!ret)
		return 0;
	if (sscanf(ans, "exit\t%ld\t%ld", &a, &b) != 2 || a != pid)
		return lost("answered out of turn");
	*status = (int)b;
	return 1;
}

int fsrv_prepare(const struct wl_case *c)
{
	char ans[64];
	int ret;

	if (!srv.enabled || c->argv)
		return 0;
	if (srv.pid) {
		pid_t w = waitpid(srv.pid, NULL, WNOHANG);

		if (!w && !strcmp(srv.path, c->path))
			return 0;	/* alive, the right binary */
		if (w == srv.pid)
			srv.pid = 0;	/* it died: reaped, start a new one */
	}
	fsrv_stop();
	if (!strcmp(srv.no_serve, c->path))
		return 0;	/* it execs, as asked before */
	ret = spawn(c->path);
	if (ret) {
		snprintf(srv.note, sizeof(srv.note), "cannot start %s --serve: %s", c->path,
			 strerror(-ret));
		return ret;
	}
	if (answer(ans, sizeof(ans), ANSWER_MS) <= 0 || strncmp(ans, "ready\t", 6)) {
		/* a program that does not speak the protocol (a test's stand-in script) */
		snprintf(srv.no_serve, sizeof(srv.no_serve), "%s", c->path);
		lost("did not answer ready");
	}
	return 0;
}
