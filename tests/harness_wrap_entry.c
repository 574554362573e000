// SPDX-License-Identifier: GPL-2.0
/*
 * harness_wrap_entry.c - wrap_run_to_entry() (harness/wrap_entry.c) on real programs: a
 * dynamically linked one must be stopped at its entry point with its libraries already
 * mapped (the dynamic loader has run), the int3 gone from its text, and must then run to
 * a normal exit once let go; a program whose loader fails before its entry point is
 * reported as ended (0), not as stopped; a program left traced as --wrap leaves it
 * (wrap_trace.c) gets its own signals, is run past the loader of a program it execs, and
 * keeps its exit status. Prints TAP; run by tests/harness_wrap_entry.t.
 *
 * Usage: harness_wrap_entry DYNAMIC_PROGRAM LOADER_FAILS_PROGRAM (both run without
 * arguments; the first must exit 0, the second needs a library that is not there).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../harness/splitfail.h"

static int n_test, n_failed;

static void check(int cond, const char *what, const char *detail)
{
	n_test++;
	printf("%sok %d - %s\n", cond ? "" : "not ", n_test, what);
	if (!cond) {
		printf("#   %s\n", detail);
		n_failed++;
	}
}

/* A child that is traced and stopped at the exec of argv[0]; -1 on failure. */
static pid_t start_traced(char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status)) {
		kill(pid, SIGKILL);
		return -1;
	}
	return pid;
}

/* Does /proc/PID/maps map a file whose name contains name? */
static int maps_has(pid_t pid, const char *name)
{
	char path[64], line[512];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, name) != NULL;
	fclose(f);
	return found;
}

static void test_dynamic(const char *prog)
{
	char *argv[] = { (char *)prog, NULL }, err[256] = "", detail[512];
	unsigned long entry, before, after;
	struct user_regs_struct regs;
	int ret, status;
	pid_t pid = start_traced(argv);

	if (pid < 0) {
		check(0, "dynamic program stopped at its exec", strerror(errno));
		return;
	}
	check(!maps_has(pid, "libc.so"), "at the exec stop the loader has not mapped libc yet",
	      "libc already mapped at the exec stop");
	entry = wrap_entry_address(pid);
	errno = 0;
	before = (unsigned long)ptrace(PTRACE_PEEKTEXT, pid, (void *)entry, NULL);
	check(entry && !errno, "entry point read from /proc/PID/auxv", strerror(errno));

	ret = wrap_run_to_entry(pid, err, sizeof(err));
	snprintf(detail, sizeof(detail), "wrap_run_to_entry returned %d: %s", ret, err);
	check(ret == 1, "wrap_run_to_entry stops the program (returns 1)", detail);
	if (ret != 1) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return;
	}
	memset(&regs, 0, sizeof(regs));
	ptrace(PTRACE_GETREGS, pid, NULL, &regs);
	snprintf(detail, sizeof(detail), "rip %#llx, entry %#lx", (unsigned long long)regs.rip,
		 entry);
	check(regs.rip == entry, "stopped with the instruction pointer at the entry point",
	      detail);
	check(maps_has(pid, "libc.so"), "at the entry point libc is mapped (the loader ran)",
	      "no libc.so in /proc/PID/maps");
	errno = 0;
	after = (unsigned long)ptrace(PTRACE_PEEKTEXT, pid, (void *)entry, NULL);
	snprintf(detail, sizeof(detail), "text at entry before %#lx, after %#lx", before, after);
	check(!errno && after == before, "the entry point's text is restored (no int3 left)",
	      detail);

	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	waitpid(pid, &status, 0);
	snprintf(detail, sizeof(detail), "status %#x", status);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "let go at its entry point, the program runs to exit 0", detail);
}

/* A program whose loader fails (a missing library) ends before its entry point: 0. */
static void test_loader_fails(const char *prog)
{
	char *argv[] = { (char *)prog, NULL }, err[256] = "", detail[512];
	int ret, status = 0;
	pid_t pid = start_traced(argv);

	if (pid < 0) {
		check(0, "program stopped at its exec", strerror(errno));
		return;
	}
	ret = wrap_run_to_entry(pid, err, sizeof(err));
	snprintf(detail, sizeof(detail), "returned %d: %s", ret, err);
	check(ret == 0, "a program whose loader fails: wrap_run_to_entry returns 0 (ended)",
	      detail);
	check(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 127,
	      "its exit status (127 from the loader) is left for the caller's waitpid",
	      "not reaped as exit 127");
}

/*
 * Armed and traced as --wrap leaves it (wrap_trace.c): the program's own signals reach it,
 * an exec of another program is run past its loader again, the exit stop is seen once, and
 * the exit status is the program's.
 */
static void test_traced(const char *what, const char *script, int want_exit, int want_execs)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL }, err[256] = "", detail[512];
	int ret, status = 0, exit_stops = 0, execs = 0, cont_failed = 0;
	pid_t pid = start_traced(argv);

	if (pid < 0 || wrap_run_to_entry(pid, err, sizeof(err)) != 1 || wrap_trace_exit(pid) ||
	    ptrace(PTRACE_CONT, pid, NULL, NULL)) {
		check(0, what, err[0] ? err : strerror(errno));
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
		}
		return;
	}
	while (waitpid(pid, &status, 0) == pid && WIFSTOPPED(status)) {
		execs += status >> 16 == PTRACE_EVENT_EXEC;
		ret = wrap_trace_stop(pid, status, "");
		exit_stops += ret == 1;
		cont_failed += ret < 0;
	}
	snprintf(detail, sizeof(detail), "status %#x, exit stops %d, exec stops %d, failed %d",
		 status, exit_stops, execs, cont_failed);
	check(WIFEXITED(status) && WEXITSTATUS(status) == want_exit && exit_stops == 1 &&
	      execs == want_execs && !cont_failed, what, detail);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s DYNAMIC_PROGRAM LOADER_FAILS_PROGRAM\n", argv[0]);
		return 2;
	}
#if !defined(__x86_64__)
	printf("1..0 # SKIP entry-point stop is x86_64 only\n");
	return 0;
#endif
	printf("1..11\n");
	test_dynamic(argv[1]);
	test_loader_fails(argv[2]);
	test_traced("traced: a signal the program sends itself reaches its handler (exit 7), one exit stop",
		    "trap 'exit 7' USR1; kill -USR1 $$; sleep 5; exit 1", 7, 0);
	test_traced("traced: an exec by the program is run past its loader again, its exit status kept",
		    "exec /bin/sh -c 'exit 5'", 5, 1);
	return n_failed ? 1 : 0;
}
