// SPDX-License-Identifier: GPL-2.0
/*
 * wrap.c - `splitfail --wrap [--] CMD ARGS...`: any program (a kernel mm selftest, say) run
 * as the single test case `wrap:<basename>:run`, with the harness's probes and checks.
 *
 * A wrapped program does not speak the window protocol, so injection is armed for the whole
 * program: the child asks to be traced (PTRACE_TRACEME) and execs; the exec stops it, the
 * harness runs it to its entry point (wrap_entry.c: past the dynamic loader, whose start-up
 * crashes on ENOMEM), writes 1 to /proc/PID/make-it-fail (random, targeted) or N to
 * /proc/PID/fail-nth (sweep: the program's own Nth allocation) and lets it go, still traced
 * so that wrap_trace.c disarms it at its exit. execve() and ld.so are never failed. make-it-fail is inherited by the program's children (their own
 * exec and loader included); fail-nth is the main thread's only. Consumption comes from the
 * attributes' `times` counters. How a signal under injection is judged: wrap_signal.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <unistd.h>

#include "splitfail.h"

/*
 * Cut argv at the first `--wrap`: what follows (after an optional `--`) is the command.
 * Returns the new argc for the option parser, or -EINVAL when the command is missing.
 */
int wrap_split_argv(int argc, char **argv, struct options *o)
{
	for (int i = 1; i < argc; i++) {
		int first = i + 1;

		if (strcmp(argv[i], "--wrap"))
			continue;
		if (first < argc && !strcmp(argv[first], "--"))
			first++;
		if (first >= argc) {
			fprintf(stderr, "splitfail: --wrap: no command given\n");
			return -EINVAL;
		}
		o->wrap_argv = &argv[first];
		o->wrap_argc = argc - first;
		return i;
	}
	return argc;
}

/*
 * CMD with a slash as given (made absolute, symlinks kept: the kernel names the task after
 * the path execve() gets), else the first executable in $PATH.
 */
static int resolve(const char *cmd, char *out, size_t len)
{
	const char *path = getenv("PATH");
	char cand[SF_PATH_MAX];

	if (strchr(cmd, '/')) {
		if (cmd[0] != '/' && !getcwd(cand, sizeof(cand)))
			return -errno;
		snprintf(out, len, "%s%s%s", cmd[0] == '/' ? "" : cand, cmd[0] == '/' ? "" : "/",
			 cmd);
		return access(out, X_OK) ? -errno : 0;
	}
	for (const char *p = path ? path : "/usr/bin:/bin"; p && *p;
	     p = strchr(p, ':') ? strchr(p, ':') + 1 : NULL) {
		snprintf(cand, sizeof(cand), "%.*s/%s", (int)strcspn(p, ":"), p, cmd);
		if (!access(cand, X_OK)) {
			snprintf(out, len, "%s", cand);
			return 0;
		}
	}
	return -ENOENT;
}

/* The one test case of a wrapped command. 0, or -errno after printing why (usage error). */
int wrap_case(const struct options *o, struct wl_case **cases, int *n)
{
	struct wl_case *c = calloc(1, sizeof(*c));
	const char *base;
	int ret;

	if (!c)
		return -ENOMEM;
	ret = resolve(o->wrap_argv[0], c->path, sizeof(c->path));
	if (ret) {
		fprintf(stderr, "splitfail: --wrap: bad value '%s' (%s)\n", o->wrap_argv[0],
			strerror(-ret));
		free(c);
		return ret;
	}
	base = strrchr(c->path, '/') + 1;
	snprintf(c->workload, sizeof(c->workload), "wrap:%s", base);
	snprintf(c->name, sizeof(c->name), "run");
	c->argv = o->wrap_argv;
	*cases = c;
	*n = 1;
	return 0;
}

/* The comm the kernel gives the wrapped program (kmemleak matches on it). */
const char *wrap_comm(const struct wl_case *c)
{
	return c->argv ? strrchr(c->path, '/') + 1 : c->workload;
}

/* CMD ARGS for a reproduce line, shell-quoted where needed. */
void wrap_quote_argv(char *const *argv, char *out, size_t len)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789_./=:,+-@%";

	for (; *argv; argv++) {
		const char *a = *argv;

		if (*a && strspn(a, plain) == strlen(a)) {
			sf_appendf(out, len, " %s", a);
			continue;
		}
		sf_appendf(out, len, " '");
		for (; *a; a++)
			sf_appendf(out, len, *a == '\'' ? "'\\''" : "%c", *a);
		sf_appendf(out, len, "'");
	}
}

/* In the forked child: ask to be stopped at the exec when injection is to be armed. */
void wrap_child_prepare(const char *inject)
{
	if (strcmp(inject, "off") && ptrace(PTRACE_TRACEME, 0, NULL, NULL))
		fprintf(stderr, "splitfail: PTRACE_TRACEME: %s\n", strerror(errno));
}

/*
 * In the harness: wait for the child's exec stop, arm it, let it go. A child that exited
 * instead (exec failed) is left to the caller's waitpid. 1 when armed, 0 when not (off, or
 * no exec), -errno with err filled (the child is then killed: a run without the injection
 * it was meant to have means nothing).
 */
int wrap_arm(pid_t pid, const char *inject, const char *root, char *err, size_t len,
	     char *note, size_t note_len)
{
	char path[SF_PATH_MAX], rel[64], val[32];
	const char *file = "make-it-fail";
	int status, ret;

	if (!strcmp(inject, "off"))
		return 0;
	ret = wrap_wait_stop(pid, &status);
	if (ret <= 0)
		return ret;	/* exited or killed before the exec stop */
	/* Past the dynamic loader first (wrap_entry.c); elsewhere than x86_64, armed here. */
	ret = wrap_run_to_entry(pid, err, len);
	if (ret == 0)
		return 0;	/* ended before its entry point: the caller reaps it */
	if (ret < 0 && ret != -EOPNOTSUPP) {
		char why[160];

		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, len, "cannot arm the wrapped program: %s", why);
		kill(pid, SIGKILL);
		return ret;
	}
	snprintf(note, note_len, "%s", ret > 0 ?
		 "at the program's entry point, after the dynamic loader" :
		 "at the exec (the dynamic loader included: no entry-point stop on this architecture)");
	err[0] = '\0';
	snprintf(val, sizeof(val), "1");
	if (!strncmp(inject, "nth:", 4)) {
		file = "fail-nth";
		snprintf(val, sizeof(val), "%s", inject + 4);
	}
	/* A real child, but a fake tree (--root) has no such file: that is reported. */
	snprintf(rel, sizeof(rel), "/proc/%d/%s", (int)pid, file);
	sf_path(path, sizeof(path), root, rel);
	ret = sf_write_file(path, val, strlen(val));
	if (ret) {
		snprintf(err, len, "cannot arm the wrapped program: write %s to %s: %s", val, path,
			 strerror(-ret));
		kill(pid, SIGKILL);
	}
	/* Still traced, to be disarmed at its exit stop (wrap_trace.c). */
	if (!ret && (wrap_trace_exit(pid) || ptrace(PTRACE_CONT, pid, NULL, NULL))) {
		ret = -errno;
		snprintf(err, len, "PTRACE_CONT %d: %s", (int)pid, strerror(errno));
		kill(pid, SIGKILL);
	}
	return ret ? ret : 1;
}

/* The last lines the wrapped program printed (the end of its log, without the harness line). */
void wrap_log_tail(const char *log_path, char *out, size_t len)
{
	char buf[2048], *end, *start;
	size_t total;
	int fd = open(log_path, O_RDONLY | O_CLOEXEC);
	off_t size;
	ssize_t n;

	out[0] = '\0';
	if (fd < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	n = pread(fd, buf, sizeof(buf) - 1, size > (off_t)sizeof(buf) - 1 ?
		  size - (off_t)sizeof(buf) + 1 : 0);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	end = strstr(buf, "\n# splitfail-harness:");
	if (end)
		*end = '\0';
	total = strlen(buf);
	start = buf + total;
	for (int lines = 0; start > buf && lines < 6 && (size_t)(buf + total - start) < len - 1;)
		if (*--start == '\n')
			lines++;
	if (*start == '\n')
		start++;
	while (total && buf[total - 1] == '\n')
		buf[--total] = '\0';
	snprintf(out, len, "%s", start);
	for (char *p = out; (p = strchr(p, '\n'));)
		*p = '|';	/* one evidence line */
}
