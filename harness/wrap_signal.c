// SPDX-License-Identifier: GPL-2.0
/*
 * wrap_signal.c - is a wrapped program's death by a signal, under fault injection, its own
 * reaction to a failed allocation (a note), or a finding (FAIL)? A pure function of the
 * signal and the kernel's own report of it, so tests/harness_units.c can replay it.
 *
 * Why: splitfail's workloads check their own operations; a wrapped program (--wrap) is not
 * ours, and a program that does not check for ENOMEM crashes on it. Seen in the guest:
 * ld.so's start-up malloc mmap()s 8 KiB, gets ENOMEM from an injected failslab fault in
 * vm_area_alloc, and dereferences NULL ("true[151]: segfault at 0 ip ... in
 * ld-linux-x86-64.so.2"). Judging that FAIL would cry wolf; the harness now arms after the
 * loader (wrap_entry.c), but the program's own code can do the same.
 *
 * Rule, only with injected faults (without them any signal is FAIL):
 *  - SIGABRT: the program chose to abort (the kernel never sends it): a reaction;
 *  - SIGSEGV whose kernel line (x86 show_signal_msg: "comm[pid]: segfault at ADDR ip IP
 *    sp SP error E ...") puts ADDR in the NULL page: an unchecked failed allocation;
 *  - SIGSEGV with ADDR at most STACK_REACH below SP (or within a page above): a stack that
 *    could not grow (expand_stack()'s ENOMEM is a SIGSEGV by design);
 *  - anything else (SIGBUS, SIGILL, SIGKILL, a wild SIGSEGV, a SIGSEGV the kernel did not
 *    report): FAIL, with the kernel's line as evidence.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "splitfail.h"

#define NULL_PAGE	4096UL
#define STACK_REACH	(1UL << 20)	/* farther than any single frame or probe */

int wrap_signal_is_reaction(int sig, long long faults, const char *segv_line, char *why,
			    size_t len)
{
	unsigned long addr, ip, sp;
	const char *at;

	why[0] = '\0';
	if (faults <= 0)
		return 0;
	if (sig == SIGABRT) {
		snprintf(why, len, "the program aborted itself after %lld injected fault(s)",
			 faults);
		return 1;
	}
	if (sig != SIGSEGV)
		return 0;
	at = segv_line ? strstr(segv_line, "segfault at ") : NULL;
	if (!at || sscanf(at, "segfault at %lx ip %lx sp %lx", &addr, &ip, &sp) != 3)
		return 0;
	if (addr < NULL_PAGE) {
		snprintf(why, len, "a NULL dereference (segfault at %#lx, ip %#lx) after %lld injected fault(s): the program did not check a failed allocation",
			 addr, ip, faults);
		return 1;
	}
	if (addr < sp + NULL_PAGE && sp - addr <= STACK_REACH) {
		snprintf(why, len, "a stack that could not grow (segfault at %#lx, sp %#lx) after %lld injected fault(s)",
			 addr, sp, faults);
		return 1;
	}
	return 0;
}

/*
 * The kernel's "segfault at" line for task pid in the kernel-log text kmsg, without its
 * log prefix, into out ("" when there is none).
 */
void wrap_segv_line(const char *kmsg, int pid, char *out, size_t len)
{
	char key[32];
	const char *p, *end, *start;

	out[0] = '\0';
	if (!kmsg || pid <= 0)
		return;
	snprintf(key, sizeof(key), "[%d]: segfault at ", pid);
	p = strstr(kmsg, key);
	if (!p)
		return;
	for (start = p; start > kmsg && start[-1] != '\n' && start[-1] != ']' &&
	     start[-1] != ' ';)
		start--;
	end = strchr(p, '\n');
	snprintf(out, len, "%.*s", (int)(end ? end - start : (long)strlen(start)), start);
}
