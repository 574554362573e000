// SPDX-License-Identifier: GPL-2.0
/*
 * runner.c - run one workload test case: a child of the workload's fork server
 * (fork_server.c) or, without one, fork and exec; its own process group, environment from
 * docs/protocol.md (SPLITFAIL_SEED/INJECT/ITERATIONS), output to a log file and parsed on
 * the fly for `# splitfail:` lines and skip reasons, smaps_rollup sampled while it lives,
 * a time limit after which every process of the group has its state, wchan and
 * /proc/PID/stack recorded before the group is killed. A workload gets SIGTERM when the
 * harness dies (PR_SET_PDEATHSIG), so a SIGKILLed harness leaves no workload running.
 * Per-process files always come from the real /proc (the children are real even when --root points at a fake tree).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "splitfail.h"

#define SAMPLE_MS	50

/* Value of key=... in a `# splitfail:` line, copied up to the next space. */
static int token(const char *line, const char *key, char *out, size_t len)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(line, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	snprintf(out, len, "%.*s", (int)strcspn(p, " \n"), p);
	return 0;
}

/* A window line into w (the run's, or its step's in a batch). */
static void window_line(const char *sf, struct window_obs *w, struct run_obs *ro, int timing)
{
	char v[256], v1[32];

	w->windows++;
	if (timing && !token(sf, "t0", v, sizeof(v)) && !token(sf, "t1", v1, sizeof(v1))) {
		double t0 = atoll(v) / 1e9, t1 = atoll(v1) / 1e9;

		if (!ro->t_op_first)
			ro->t_op_first = t0;
		ro->t_op_last = t1;
		ro->op_s += t1 - t0;
	}
	if (!token(sf, "consumed", v, sizeof(v))) {
		if (!strcmp(v, "1"))
			w->consumed++;
		else if (!strcmp(v, "?"))
			w->unknown++;
	}
	if (!token(sf, "ret", v, sizeof(v)))
		w->last_ret = atoi(v);
	token(sf, "errno", w->last_errno, sizeof(w->last_errno));
	if (!token(sf, "op", v, sizeof(v)) && !strstr(w->ops, v))
		sf_appendf(w->ops, sizeof(w->ops), "%s%s", w->ops[0] ? "," : "", v);
}

/* The step of a batch the lines now belong to, or NULL outside a batch. */
static struct step_obs *cur_step(struct run_obs *ro)
{
	return ro->steps ? &ro->step[ro->steps - 1] : NULL;
}

void run_parse_line(const char *line, struct run_obs *ro)
{
	const char *sf = strstr(line, "splitfail: ");
	struct step_obs *st = cur_step(ro);
	char v[256];

	if (sf && line[0] == '#') {
		sf += strlen("splitfail:");
		if (!strncmp(sf, " started ", 9)) {
			if (!token(sf, "t", v, sizeof(v)))
				ro->t_started = atoll(v) / 1e9;
		} else if (!strncmp(sf, " step ", 6)) {
			if (ro->steps < SF_BATCH_MAX && !token(sf, "nth", v, sizeof(v))) {
				st = &ro->step[ro->steps++];
				*st = (struct step_obs){ .nth = atoi(v) };
				if (!token(sf, "t", v, sizeof(v)))
					st->t = atoll(v) / 1e9;
			}
		} else if (!strncmp(sf, " window ", 8)) {
			window_line(sf, &ro->win, ro, 1);
			if (st && !st->win.windows && !token(sf, "t0", v, sizeof(v)))
				st->t_op_first = atoll(v) / 1e9;
			if (st)
				window_line(sf, &st->win, ro, 0);
		} else if (!strncmp(sf, " silent-skip ", 13)) {
			ro->silent_skips++;
			if (st)
				st->silent_skips++;
			if (!token(sf, "pages", v, sizeof(v)))
				ro->silent_pages += atoll(v);
			sf_appendf(ro->silent_detail, sizeof(ro->silent_detail), "%s\n", line);
		} else if (!strncmp(sf, " rate ", 6)) {
			snprintf(ro->rate, sizeof(ro->rate), "%s", sf + 6);
		} else if (!strncmp(sf, " check ", 7) && strstr(sf, "result=FAIL")) {
			sf_appendf(ro->fail_lines, sizeof(ro->fail_lines), "%s\n", line);
			if (st)
				st->fail_lines++;
		}
		return;
	}
	sf = strstr(line, "# SKIP");
	if (sf && !ro->skip_reason[0]) {
		sf += 6;
		while (*sf == ' ')
			sf++;
		snprintf(ro->skip_reason, sizeof(ro->skip_reason), "%s", sf);
		return;
	}
	/* kselftest failure evidence: "# name: what: expected x, got y" and EXPECT lines */
	if (line[0] == '#' && (strstr(line, "expected") || strstr(line, "Expected") ||
			       strstr(line, "FAIL"))) {
		sf_appendf(ro->fail_lines, sizeof(ro->fail_lines), "%s\n", line);
		if (st)
			st->fail_lines++;
	}
}

/* State, wchan and kernel stack of every process in the group, for a hang verdict. */
static void record_hang(const char *root, pid_t pgid, char *out, size_t len)
{
	char path[SF_PATH_MAX], rel[96], buf[2048], *rp;
	struct dirent *de;
	DIR *d;

	sf_path(path, sizeof(path), root, "/proc");
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		int pid = atoi(de->d_name), pgrp = 0;
		char state = '?';

		if (pid <= 0)
			continue;
		snprintf(rel, sizeof(rel), "/proc/%d/stat", pid);
		sf_path(path, sizeof(path), root, rel);
		if (sf_read_file(path, buf, sizeof(buf)) <= 0)
			continue;
		rp = strrchr(buf, ')');
		if (!rp || sscanf(rp + 1, " %c %*d %d", &state, &pgrp) != 2 || pgrp != pgid)
			continue;
		sf_appendf(out, len, "pid %d state %c", pid, state);
		snprintf(rel, sizeof(rel), "/proc/%d/wchan", pid);
		sf_path(path, sizeof(path), root, rel);
		if (sf_read_file(path, buf, sizeof(buf)) > 0)
			sf_appendf(out, len, " wchan %s", buf);
		snprintf(rel, sizeof(rel), "/proc/%d/stack", pid);
		sf_path(path, sizeof(path), root, rel);
		if (sf_read_file(path, buf, sizeof(buf)) > 0)
			sf_appendf(out, len, "\n%s", buf);
		else
			sf_appendf(out, len, "\n(no /proc/%d/stack)\n", pid);
	}
	closedir(d);
}

static void child_exec(const struct wl_case *c, const char *inject, unsigned long long seed,
		       int out_fd, int step_fd)
{
	char seed_s[32], step_s[16];

	setpgid(0, 0);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	dup2(out_fd, 1);
	dup2(out_fd, 2);
	close(out_fd);
	if (pressure_child_enter()) {
		fprintf(stderr, "splitfail: cannot join the workloads' memory cgroup: %s\n",
			strerror(errno));
		_exit(127);
	}
	snprintf(seed_s, sizeof(seed_s), "%llu", seed);
	setenv("SPLITFAIL_SEED", seed_s, 1);
	setenv("SPLITFAIL_INJECT", inject, 1);
	setenv("SPLITFAIL_ITERATIONS", "1", 1);
	if (step_fd >= 0) {
		snprintf(step_s, sizeof(step_s), "%d", step_fd);
		setenv("SPLITFAIL_STEP_FD", step_s, 1);
	}
	if (c->argv) {
		wrap_child_prepare(inject);
		execv(c->path, c->argv);
	} else {
		execl(c->path, c->path, "-r", c->name, (char *)NULL);
	}
	fprintf(stderr, "splitfail: exec %s: %s\n", c->path, strerror(errno));
	_exit(127);
}

/*
 * Has the run ended? pid with its wait status, 0 not yet (waits up to ms for a served run), -1
 * when a served run's fork server died (fork_server.c) or waitpid failed.
 */
static pid_t reap(int served, pid_t pid, int *status, int ms)
{
	int ret;

	if (!served)
		return waitpid(pid, status, ms ? 0 : WNOHANG);
	ret = fsrv_reap(pid, status, ms);
	return ret > 0 ? pid : ret;
}

/* Split the pipe's bytes into lines for the parser; keeps a partial line in acc. */
static void feed(char *acc, size_t *acc_len, size_t cap, const char *data, size_t n,
		 struct run_obs *ro)
{
	for (size_t i = 0; i < n; i++) {
		if (data[i] == '\n' || *acc_len == cap - 1) {
			acc[*acc_len] = '\0';
			run_parse_line(acc, ro);
			*acc_len = 0;
			continue;
		}
		acc[(*acc_len)++] = data[i];
	}
}

/*
 * Each step line of a batch seen so far goes to the hook, then the workload may go on ('s')
 * or stops before that step ('q': the step is dropped, and so is any later one).
 */
static void ack_steps(const struct step_hook *hook, int ack_fd, struct run_obs *ro, int *acked)
{
	for (; *acked < ro->steps; (*acked)++) {
		int go = *acked < SF_BATCH_MAX && hook->fn(hook->ctx, ro->step[*acked].nth);

		if (write(ack_fd, go ? "s" : "q", 1) != 1)
			perror("splitfail: step acknowledgement");
		if (!go) {
			ro->steps = *acked;
			ro->steps_stopped = 1;
			return;
		}
	}
}

int run_case(const struct wl_case *c, const char *inject, unsigned long long seed, int timeout_s,
	     const char *root, const char *log_path, volatile int *stop, struct run_obs *ro,
	     const struct step_hook *hook)
{
	char buf[4096], acc[4096], sample[512], via[48] = "exec";
	size_t acc_len = 0;
	double start = sf_now(), next_sample = 0;
	int pfd[2], ack[2] = { -1, -1 }, status = 0, log_fd, open_pipe = 1, armed = 0, served;
	int acked = 0;
	double limit_from = start;	/* a batch's time limit counts from its latest step */
	pid_t pid, parent;

	memset(ro, 0, sizeof(*ro));
	log_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (log_fd < 0)
		return -errno;
	if (pipe2(pfd, O_CLOEXEC)) {
		close(log_fd);
		return -errno;
	}
	if (hook && pipe2(ack, O_CLOEXEC)) {
		close(log_fd);
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
	}
	ro->t_fork = sf_now();
	served = !fsrv_start_run(c, inject, seed, pfd[1], ack[0], &pid);
	if (served)
		snprintf(via, sizeof(via), "fork-server:%d", (int)fsrv_pid());
	else {
		fflush(NULL);
		parent = getpid();
		pid = fork();
		if (pid < 0) {
			close(log_fd);
			return -errno;
		}
		if (!pid) {
			close(pfd[0]);
			/*
			 * A workload dies with the harness (SIGTERM: it restores its own knobs);
			 * a wrapped program is traced and is detached instead.
			 */
			if (!c->argv && (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != parent))
				_exit(127);
			child_exec(c, inject, seed, dup(pfd[1]), ack[0] >= 0 ? dup(ack[0]) : -1);
		}
		setpgid(pid, pid);
	}
	ro->pid = pid;
	close(pfd[1]);
	if (ack[0] >= 0)
		close(ack[0]);
	if (c->argv)
		armed = wrap_arm(pid, inject, root, ro->arm_error, sizeof(ro->arm_error),
				 ro->arm_note, sizeof(ro->arm_note)) > 0;
	for (;;) {
		struct pollfd p = { pfd[0], POLLIN, 0 };
		pid_t w;
		ssize_t n;

		if (open_pipe && poll(&p, 1, SAMPLE_MS) > 0) {
			n = read(pfd[0], buf, sizeof(buf));
			if (n > 0) {
				if (write(log_fd, buf, n) != n)
					perror("splitfail: write log");
				feed(acc, &acc_len, sizeof(acc), buf, (size_t)n, ro);
				if (hook && acked < ro->steps && !ro->steps_stopped) {
					ack_steps(hook, ack[1], ro, &acked);
					limit_from = sf_now();
				}
			} else if (n == 0) {
				open_pipe = 0;
			}
		} else if (!open_pipe && !served) {
			sf_sleep_ms(10);
		}
		if (sf_now() >= next_sample) {
			if (!smaps_rollup_sample("", pid, sample, sizeof(sample)))
				snprintf(ro->smaps, sizeof(ro->smaps), "%s", sample);
			next_sample = sf_now() + SAMPLE_MS / 1000.0;
		}
		/* output done: a served run's end is the server's answer, waited for, not polled */
		w = reap(served, pid, &status, served && !open_pipe ? 10 : 0);
		if (w < 0 && served) {	/* the fork server died: its child died with it */
			kill(-pid, SIGKILL);
			snprintf(ro->arm_error, sizeof(ro->arm_error), "%s", fsrv_note());
			break;
		}
		if (w == pid && WIFSTOPPED(status)) {	/* a traced wrapped program */
			if (wrap_trace_stop(pid, status, root) < 0)
				kill(-pid, SIGKILL);
			continue;
		}
		if (w == pid && !open_pipe)
			break;
		if (w == pid) {
			/* Drain what is left; grandchildren may still hold the pipe. */
			while ((n = read(pfd[0], buf, sizeof(buf))) > 0) {
				if (write(log_fd, buf, n) != n)
					perror("splitfail: write log");
				feed(acc, &acc_len, sizeof(acc), buf, (size_t)n, ro);
				if (poll(&(struct pollfd){ pfd[0], POLLIN, 0 }, 1, 200) <= 0)
					break;
			}
			kill(-pid, SIGKILL);
			break;
		}
		if (*stop || sf_now() - limit_from > timeout_s) {
			if (!*stop) {
				ro->timed_out = 1;
				record_hang("", pid, ro->hang, sizeof(ro->hang));
			}
			kill(-pid, SIGKILL);
			while ((w = reap(served, pid, &status, 1000)) != pid || WIFSTOPPED(status))
				if (w < 0 && (served || errno != EINTR))
					break;
			break;
		}
	}
	if (acc_len)
		feed(acc, &acc_len, sizeof(acc), "\n", 1, ro);
	close(pfd[0]);
	if (ack[1] >= 0)
		close(ack[1]);
	ro->t_exit = sf_now();
	ro->seconds = ro->t_exit - start;
	if (WIFEXITED(status)) {
		ro->exited = 1;
		ro->exit_code = WEXITSTATUS(status);
		ro->exec_failed = ro->exit_code == 127 && !armed;	/* armed: exec worked */
	} else if (WIFSIGNALED(status)) {
		ro->signaled = 1;
		ro->sig = WTERMSIG(status);
	}
	if (ro->timed_out) {
		ro->signaled = 0;
		ro->exited = 0;
	}
	snprintf(buf, sizeof(buf),
		 "\n# splitfail-harness: exit=%d signal=%d timed_out=%d seconds=%.3f pid=%d via=%s smaps_rollup: %s\n",
		 ro->exited ? ro->exit_code : -1, ro->signaled ? ro->sig : 0, ro->timed_out,
		 ro->seconds, (int)pid, via, ro->smaps[0] ? ro->smaps : "(not sampled)");
	if (write(log_fd, buf, strlen(buf)) < 0)
		perror("splitfail: write log");
	if (ro->hang[0] && write(log_fd, ro->hang, strlen(ro->hang)) < 0)
		perror("splitfail: write log");
	close(log_fd);
	return 0;
}
