// SPDX-License-Identifier: GPL-2.0
/*
 * wrap_trace.c - keep a wrapped program (--wrap) traced after arming it, to disarm fault
 * injection at its exit stop (PTRACE_O_TRACEEXIT), before its files are closed.
 *
 * Why: an armed program's exit closes its files, and in the guest the root filesystem is 9p.
 * Seen there: a sweep of /bin/true armed at its entry point failed, at N = 3, the p9_tag_alloc
 * of the Tclunk sent from v9fs_dir_release at exit (task_work_run <- do_exit).
 * p9_client_clunk() then frees the fid on the client although the server never got the
 * clunk; the client hands out the same fid number again and QEMU refuses every later walk to
 * it with EINVAL: no file of the guest's root could be opened any more. That is a 9p client
 * bug (reported in the issue note), but it is not the kernel path splitfail is after, and it
 * kills the rest of the run. Disarming at the exit stop keeps exit-time closes unarmed; the
 * program's own closes while it runs stay armed, and the harness checks afterwards that the
 * root filesystem still opens files (strategy.c).
 *
 * An exec by the program (a wrapper that execs the real test, say) stops it too
 * (PTRACE_O_TRACEEXEC): it is disarmed, run past the new image's dynamic loader
 * (wrap_entry.c) and armed again with what it had. The program's other stops are
 * signal-delivery stops: the signal is passed on. Threads and children are not traced (they
 * inherit make-it-fail); at the exit stop every thread of the program is disarmed.
 * PTRACE_O_EXITKILL kills the program if the harness dies first.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "splitfail.h"

/* Trace pid's exit from now on (it is in a ptrace stop). 0 or -errno. */
int wrap_trace_exit(pid_t pid)
{
	long opts = PTRACE_O_TRACEEXIT | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;

	return ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)opts) ? -errno : 0;
}

/* Write 0 to make-it-fail and fail-nth of every thread of pid (best effort). */
static void disarm_threads(pid_t pid, const char *root)
{
	char rel[96], path[SF_PATH_MAX];
	struct dirent *de;
	DIR *d;

	snprintf(rel, sizeof(rel), "/proc/%d/task", (int)pid);
	sf_path(path, sizeof(path), root, rel);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(rel, sizeof(rel), "/proc/%d/task/%.16s/make-it-fail", (int)pid,
			 de->d_name);
		sf_path(path, sizeof(path), root, rel);
		sf_write_file(path, "0", 1);
		snprintf(rel, sizeof(rel), "/proc/%d/task/%.16s/fail-nth", (int)pid, de->d_name);
		sf_path(path, sizeof(path), root, rel);
		sf_write_file(path, "0", 1);
	}
	closedir(d);
}

/* At an exec stop: unarmed through the new image's loader, then armed as before. */
static int rearm_after_exec(pid_t pid, const char *root)
{
	static const char *const files[] = { "make-it-fail", "fail-nth" };
	char rel[64], path[SF_PATH_MAX], val[2][32], err[256];
	int ret;

	for (int i = 0; i < 2; i++) {
		snprintf(rel, sizeof(rel), "/proc/%d/%s", (int)pid, files[i]);
		sf_path(path, sizeof(path), root, rel);
		if (sf_read_file(path, val[i], sizeof(val[i])) <= 0)
			snprintf(val[i], sizeof(val[i]), "0");
		sf_write_file(path, "0", 1);
	}
	ret = wrap_run_to_entry(pid, err, sizeof(err));
	if (ret <= 0)
		return ret;	/* ended in its loader: nothing to arm */
	for (int i = 0; i < 2; i++) {
		snprintf(rel, sizeof(rel), "/proc/%d/%s", (int)pid, files[i]);
		sf_path(path, sizeof(path), root, rel);
		val[i][strcspn(val[i], "\n")] = '\0';
		sf_write_file(path, val[i], strlen(val[i]));
	}
	return 1;
}

/*
 * pid, a traced wrapped program, reported a stop (status from waitpid): disarm it at its
 * exit stop, pass any other signal on, and let it go on. Returns 1 for the exit stop, 0 for
 * another stop, -errno when it could not be continued.
 */
int wrap_trace_stop(pid_t pid, int status, const char *root)
{
	int sig = WSTOPSIG(status), event = status >> 16, exit_stop = event == PTRACE_EVENT_EXIT;

	if (exit_stop)
		disarm_threads(pid, root);
	if (event == PTRACE_EVENT_EXEC && rearm_after_exec(pid, root) == 0)
		return 0;	/* it ended before its new entry point */
	if (event)
		sig = 0;	/* a ptrace event stop of ours, not the program's signal */
	if (ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig))
		return -errno;
	return exit_stop;
}
