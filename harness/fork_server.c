// SPDX-License-Identifier: GPL-2.0
/*
 * fork_server.c - the harness side of the fork server (docs/protocol.md "Fork server";
 * the workload side is workloads/lib/serve.c). Each workload binary the run uses is kept
 * running as `WORKLOAD --serve`, with a SOCK_SEQPACKET socket to the harness (one server per
 * binary, kept until the run ends: the run order changes workload at nearly every case, and a
 * server started again at each change cost more than the exec it saves). For each run the
 * harness sends "run TEST INJECT SEED ITERATIONS" with the write end of the run's output pipe
 * (and, for a batch of fail-nth steps, the read end of its step pipe: SPLITFAIL_STEP_FD), and the server answers "pid N" once it forked the run's child and "exit N STATUS" when that
 * child ended. Exec, dynamic loading and start-up are then paid once per workload, not per
 * point. A server is started before a run's probes (fsrv_prepare), so its own pages are in the
 * baseline and never counted against a run; it dies with the harness (PR_SET_PDEATHSIG), and
 * its children die with it. Any failure to start or talk to one is only a note: the run then
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
#define SERVERS_MAX	32	/* more binaries than that: the least recently used one stops */

struct server {
	char path[SF_PATH_MAX];
	pid_t pid;		/* 0 = not running */
	int sock;
	int no_serve;		/* did not answer "ready": not ours (a test's stand-in script) */
	unsigned long used;	/* when it last served, in requests */
};

static struct {
	int enabled;
	struct server s[SERVERS_MAX];
	int n;
	struct server *cur;	/* the one serving the run in progress */
	unsigned long clock;
	char note[256];		/* why the last start or request failed */
} fs;

void fsrv_enable(int on)
{
	fs.enabled = on;
}

pid_t fsrv_pid(void)
{
	return fs.cur ? fs.cur->pid : 0;
}

const char *fsrv_note(void)
{
	return fs.note;
}

/* Close the socket (EOF: the server returns from its loop) and reap it; kill it if it stays. */
static void stop_one(struct server *sv)
{
	int status;

	if (sv->sock >= 0)
		close(sv->sock);
	sv->sock = -1;
	if (!sv->pid)
		return;
	for (int i = 0; i < 200; i++) {
		if (waitpid(sv->pid, &status, WNOHANG) == sv->pid)
			goto out;
		sf_sleep_ms(10);
	}
	kill(-sv->pid, SIGKILL);
	waitpid(sv->pid, &status, 0);
out:
	sv->pid = 0;
}

void fsrv_stop(void)
{
	for (int i = 0; i < fs.n; i++)
		stop_one(&fs.s[i]);
	fs.cur = NULL;
}

static int spawn(struct server *sv)
{
	pid_t parent = getpid(), pid;
	char fd_s[16];
	int sp[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(sp[0]);
		close(sp[1]);
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
		fcntl(sp[1], F_SETFD, 0);
		snprintf(fd_s, sizeof(fd_s), "%d", sp[1]);
		setenv("SPLITFAIL_SERVE_FD", fd_s, 1);
		execl(sv->path, sv->path, "--serve", (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);
	close(sp[1]);
	sv->pid = pid;
	sv->sock = sp[0];
	return 0;
}

/* Reads one answer into buf; 1, 0 when none came within ms, -EPIPE when the server is gone. */
static int answer(struct server *sv, char *buf, size_t len, int ms)
{
	struct pollfd p = { sv->sock, POLLIN, 0 };
	ssize_t n;

	if (ms && poll(&p, 1, ms) <= 0)
		return 0;
	n = recv(sv->sock, buf, len - 1, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0)
		return -EPIPE;
	buf[n] = '\0';
	return 1;
}

/* The server is unusable: kill it (its running child dies with it) and reap it. */
static int lost(struct server *sv, const char *what)
{
	int status = 0;

	snprintf(fs.note, sizeof(fs.note), "fork server %s %s", sv->path, what);
	if (sv->pid) {
		kill(-sv->pid, SIGKILL);
		waitpid(sv->pid, &status, 0);
		sv->pid = 0;
	}
	if (sv->sock >= 0)
		close(sv->sock);
	sv->sock = -1;
	return -EPIPE;
}

static struct server *server_of(const char *path)
{
	for (int i = 0; i < fs.n; i++)
		if (!strcmp(fs.s[i].path, path))
			return &fs.s[i];
	return NULL;
}

/* A slot for path: a free one, else the least recently used server's (stopped). */
static struct server *slot_for(const char *path)
{
	struct server *sv = &fs.s[0];

	if (fs.n < SERVERS_MAX) {
		sv = &fs.s[fs.n++];
	} else {
		for (int i = 1; i < fs.n; i++)
			if (fs.s[i].used < sv->used)
				sv = &fs.s[i];
		stop_one(sv);
	}
	memset(sv, 0, sizeof(*sv));
	sv->sock = -1;
	snprintf(sv->path, sizeof(sv->path), "%s", path);
	return sv;
}

int fsrv_prepare(const struct wl_case *c)
{
	struct server *sv;
	char ans[64];
	int ret;

	if (!fs.enabled || c->argv)
		return 0;
	sv = server_of(c->path);
	if (sv && sv->no_serve)
		return 0;	/* it execs, as found before */
	if (sv && sv->pid) {
		pid_t w = waitpid(sv->pid, NULL, WNOHANG);

		if (!w)
			return 0;	/* alive */
		sv->pid = 0;	/* it died (reaped): start a new one */
		stop_one(sv);
	}
	if (!sv)
		sv = slot_for(c->path);
	ret = spawn(sv);
	if (ret) {
		snprintf(fs.note, sizeof(fs.note), "cannot start %s --serve: %s", c->path,
			 strerror(-ret));
		return ret;
	}
	if (answer(sv, ans, sizeof(ans), ANSWER_MS) <= 0 || strncmp(ans, "ready\t", 6)) {
		/* a program that does not speak the protocol (a test's stand-in script) */
		sv->no_serve = 1;
		lost(sv, "did not answer ready");
	}
	return 0;
}

int fsrv_start_run(const struct wl_case *c, const char *inject, unsigned long long seed,
		   int out_fd, int step_fd, pid_t *pid)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(2 * sizeof(int))];
	} ctl;
	const int fds[2] = { out_fd, step_fd };
	const size_t nfd = step_fd >= 0 ? 2 : 1;
	char req[SF_NAME_MAX + 128], ans[64];
	struct iovec iov = { req, 0 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.space,
			    .msg_controllen = CMSG_SPACE(nfd * sizeof(int)) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	struct server *sv;
	long a = 0, b = 0;
	int ret;

	fs.cur = NULL;
	sv = fs.enabled && !c->argv ? server_of(c->path) : NULL;
	if (!sv || !sv->pid)
		return -ENOENT;
	sv->used = ++fs.clock;
	iov.iov_len = (size_t)snprintf(req, sizeof(req), "run\t%s\t%s\t%llu\t1", c->name, inject,
				       seed);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(nfd * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, nfd * sizeof(int));	/* a batch's step fd second */
	if (sendmsg(sv->sock, &m, MSG_NOSIGNAL) < 0)
		return lost(sv, "does not take requests");
	ret = answer(sv, ans, sizeof(ans), ANSWER_MS);
	if (ret <= 0)
		return lost(sv, ret ? "died before forking" : "did not answer");
	if (sscanf(ans, "pid\t%ld\t%ld", &a, &b) != 2 || a <= 0) {
		sscanf(ans, "error\t%ld", &a);
		snprintf(fs.note, sizeof(fs.note), "fork server %s could not fork: %s", sv->path,
			 strerror((int)a));
		return a > 0 ? -(int)a : -EIO;
	}
	*pid = (pid_t)a;
	fs.cur = sv;
	return 0;
}

int fsrv_reap(pid_t pid, int *status, int ms)
{
	struct server *sv = fs.cur;
	char ans[64];
	long a, b;
	int ret;

	if (!sv)
		return -EPIPE;
	ret = answer(sv, ans, sizeof(ans), ms);
	if (ret < 0)
		return lost(sv, "died during the run");
	if (!ret)
		return 0;
	if (sscanf(ans, "exit\t%ld\t%ld", &a, &b) != 2 || a != pid)
		return lost(sv, "answered out of turn");
	*status = (int)b;
	return 1;
}
