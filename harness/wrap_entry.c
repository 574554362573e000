// SPDX-License-Identifier: GPL-2.0
/*
 * wrap_entry.c - let a traced, exec-stopped program run to its entry point (AT_ENTRY) and
 * stop it there, so that `--wrap` arms fault injection after the dynamic loader has mapped
 * and relocated the program's libraries, not during it.
 *
 * Why: a fault injected into ld.so's start-up (its mmap, mprotect and page faults) kills the
 * program before main() with a crash that says nothing about the kernel (seen in the guest:
 * ld.so SIGSEGV under a fail-nth sweep of /bin/true), and a fail-nth N counted from the exec
 * spends its first N on the loader. Counted from the entry point, N is the program's own.
 *
 * How: the entry address comes from /proc/PID/auxv; an int3 replaces its first byte
 * (PTRACE_POKETEXT), the program runs (signals it gets before are passed on), and when it
 * traps there the byte is put back and the instruction pointer rewound. The program then
 * sits at its first instruction, still stopped, for the caller to arm and detach. A static
 * program traps at once; its libc start-up runs armed, as its own code.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <sys/user.h>
#endif

#include "splitfail.h"

#define AUXV_AT_ENTRY	9	/* include/uapi/linux/auxvec.h */

/* The program's entry point from /proc/PID/auxv; 0 and errno set when it cannot be read. */
unsigned long wrap_entry_address(pid_t pid)
{
	unsigned long pair[2], entry = 0;
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/auxv", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while (read(fd, pair, sizeof(pair)) == (ssize_t)sizeof(pair) && pair[0])
		if (pair[0] == AUXV_AT_ENTRY)
			entry = pair[1];
	close(fd);
	if (!entry)
		errno = ENOENT;
	return entry;
}

/*
 * Wait for the traced child PID's next stop or its end. 1 = stopped (status in *status,
 * consumed), 0 = ended (not reaped: the caller's waitpid gets its status), -errno.
 */
int wrap_wait_stop(pid_t pid, int *status)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	while (waitid(P_PID, pid, &si, WEXITED | WSTOPPED | WNOWAIT))
		if (errno != EINTR)
			return -errno;
	if (si.si_code != CLD_TRAPPED && si.si_code != CLD_STOPPED)
		return 0;
	while (waitpid(pid, status, WUNTRACED) < 0)
		if (errno != EINTR)
			return -errno;
	return 1;
}

#if defined(__x86_64__)
/* Continue the stopped tracee PID, passing on signal sig, until its next stop or its end. */
static int cont_until_stop(pid_t pid, int sig, int *status)
{
	if (ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig))
		return -errno;
	return wrap_wait_stop(pid, status);
}

int wrap_run_to_entry(pid_t pid, char *err, size_t len)
{
	unsigned long entry = wrap_entry_address(pid), word, trap;
	struct user_regs_struct regs;
	int status = 0, sig = 0, ret;

	if (!entry) {
		ret = -errno;
		snprintf(err, len, "no entry point in /proc/%d/auxv: %s", (int)pid, strerror(errno));
		return ret;
	}
	errno = 0;
	word = (unsigned long)ptrace(PTRACE_PEEKTEXT, pid, (void *)entry, NULL);
	if (errno) {
		ret = -errno;
		snprintf(err, len, "PTRACE_PEEKTEXT %#lx: %s", entry, strerror(errno));
		return ret;
	}
	trap = (word & ~0xffUL) | 0xcc;	/* int3 */
	if (ptrace(PTRACE_POKETEXT, pid, (void *)entry, (void *)trap)) {
		ret = -errno;
		snprintf(err, len, "PTRACE_POKETEXT %#lx: %s", entry, strerror(errno));
		return ret;
	}
	for (;;) {
		ret = cont_until_stop(pid, sig, &status);
		if (ret <= 0) {
			if (ret)
				snprintf(err, len, "running to the entry point: %s", strerror(-ret));
			return ret;
		}
		sig = WIFSTOPPED(status) ? WSTOPSIG(status) : 0;
		if (sig != SIGTRAP)
			continue;	/* the program's own signal: pass it on */
		if (ptrace(PTRACE_GETREGS, pid, NULL, &regs)) {
			ret = -errno;
			snprintf(err, len, "PTRACE_GETREGS: %s", strerror(errno));
			return ret;
		}
		if (regs.rip != entry + 1)
			continue;
		regs.rip = entry;
		if (ptrace(PTRACE_POKETEXT, pid, (void *)entry, (void *)word) ||
		    ptrace(PTRACE_SETREGS, pid, NULL, &regs)) {
			ret = -errno;
			snprintf(err, len, "restoring the entry point %#lx: %s", entry,
				 strerror(errno));
			return ret;
		}
		return 1;
	}
}
#else
int wrap_run_to_entry(pid_t pid, char *err, size_t len)
{
	snprintf(err, len, "running pid %d to its entry point is implemented for x86_64 only",
		 (int)pid);
	return -EOPNOTSUPP;
}
#endif
