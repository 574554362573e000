/*
 * hugetlb_poison.c: the guard, SIGBUS capture, siginfo oracle and unpoisoning for the
 * memory-failure workloads. Facts used (Documentation/mm/hwpoison.rst, mm/memory-failure.c,
 * arch/x86/mm/fault.c): MADV_HWPOISON on a page of a mapped hugetlb page poisons it as
 * memory_failure(MF_ACTION_REQUIRED) would, which may send the current task SIGBUS at once
 * (kill_proc); a later access to the unmapped huge page faults with VM_FAULT_HWPOISON_LARGE
 * and SIGBUS BUS_MCEERR_AR whose si_addr_lsb is the huge page shift. debugfs
 * hwpoison/unpoison-pfn (CONFIG_HWPOISON_INJECT) takes the poisoned PFN back.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hugetlb_poison.h"
#include "hmm_leak.h"
#include "pagemap.h"
#include "report.h"

static sigjmp_buf sigbus_jump;
static volatile sig_atomic_t sigbus_jump_armed, sigbus_async;
static struct sigbus_seen sigbus_last;

int hwpoison_allowed(char *why, size_t why_len)
{
	const char *env = getenv("SPLITFAIL_ALLOW_HWPOISON");
	char cmdline[4096], *tok, *save;
	FILE *f;

	if (env && !strcmp(env, "1"))
		return 0;
	f = fopen("/proc/cmdline", "re");
	if (f) {
		if (!fgets(cmdline, sizeof(cmdline), f))
			cmdline[0] = '\0';
		fclose(f);
		for (tok = strtok_r(cmdline, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
			if (!strcmp(tok, "splitfail.guest=1"))
				return 0;
	}
	snprintf(why, why_len, "refusing to poison memory outside a splitfail guest "
		 "(no splitfail.guest=1 on the kernel command line, SPLITFAIL_ALLOW_HWPOISON "
		 "not 1)");
	return 1;
}

static void sigbus_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (!sigbus_last.count) {
		sigbus_last.code = si->si_code;
		sigbus_last.addr = (uintptr_t)si->si_addr;
		sigbus_last.addr_lsb = si->si_addr_lsb;
	}
	sigbus_last.count++;
	if (sigbus_jump_armed) {
		sigbus_jump_armed = 0;
		siglongjmp(sigbus_jump, 1);
	}
	if (!sigbus_async)
		_exit(SIGBUS_EXIT_CODE);
}

int sigbus_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sigbus_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	return sigaction(SIGBUS, &sa, NULL) ? -errno : 0;
}

void sigbus_async_begin(void)
{
	memset(&sigbus_last, 0, sizeof(sigbus_last));
	sigbus_async = 1;
}

struct sigbus_seen sigbus_async_end(void)
{
	sigbus_async = 0;
	return sigbus_last;
}

int sigbus_read(const volatile char *p, struct sigbus_seen *seen)
{
	memset(&sigbus_last, 0, sizeof(sigbus_last));
	if (sigsetjmp(sigbus_jump, 1)) {
		*seen = sigbus_last;
		return 1;
	}
	sigbus_jump_armed = 1;
	(void)*p;
	sigbus_jump_armed = 0;
	memset(seen, 0, sizeof(*seen));
	return 0;
}

const char *sigbus_code_name(int code)
{
	switch (code) {
	case BUS_ADRALN: return "BUS_ADRALN";
	case BUS_ADRERR: return "BUS_ADRERR";
	case BUS_OBJERR: return "BUS_OBJERR";
	case BUS_MCEERR_AR: return "BUS_MCEERR_AR";
	case BUS_MCEERR_AO: return "BUS_MCEERR_AO";
	default: return "other";
	}
}

long sigbus_check(const char *test, const char *what, const struct sigbus_seen *seen, int lsb,
		  uintptr_t base, size_t size)
{
	int in_page = seen->count && seen->addr >= base && seen->addr - base < size;
	char name[96], exp[64], act[64];
	long bad = 0;

	if (!seen->count) {
		report_evidence(test, what, "SIGBUS", "no signal", base);
		snprintf(name, sizeof(name), "%s_sigbus", what);
		report_check_long(test, name, 1, 0);
		return 3;
	}
	snprintf(name, sizeof(name), "%s_code", what);
	if (report_check_long(test, name, BUS_MCEERR_AR, seen->code)) {
		snprintf(act, sizeof(act), "%s (%d)", sigbus_code_name(seen->code), seen->code);
		report_evidence(test, name, "BUS_MCEERR_AR", act, seen->addr);
		bad++;
	}
	snprintf(name, sizeof(name), "%s_addr_lsb", what);
	if (report_check_long(test, name, lsb, seen->addr_lsb)) {
		snprintf(exp, sizeof(exp), "%d", lsb);
		snprintf(act, sizeof(act), "%d", seen->addr_lsb);
		report_evidence(test, name, exp, act, seen->addr);
		bad++;
	}
	snprintf(name, sizeof(name), "%s_addr_in_page", what);
	if (report_check_long(test, name, 1, in_page)) {
		snprintf(exp, sizeof(exp), "0x%" PRIxPTR "..0x%" PRIxPTR, base, base + size);
		report_evidence(test, name, exp, "outside", seen->addr);
		bad++;
	}
	return bad;
}

int hwpoison_unpoison(uint64_t pfn)
{
	char buf[32];
	int fd = open(HWPOISON_UNPOISON, O_WRONLY | O_CLOEXEC);
	int len = snprintf(buf, sizeof(buf), "%" PRIu64 "\n", pfn), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, buf, (size_t)len) != len)
		err = -errno;
	close(fd);
	return err;
}

static int pfn_flag(uint64_t pfn, int bit)
{
	uint64_t flags;
	int err = kpageflags_read(pfn, &flags);

	return err ? err : !!(flags & (1ULL << bit));
}

int pfn_hwpoisoned(uint64_t pfn)
{
	return pfn_flag(pfn, KPF_HWPOISON);
}

int pfn_hugetlb(uint64_t pfn)
{
	return pfn_flag(pfn, KPF_HUGE);
}

long hugetlb_poisoned_pfns(uint64_t head_pfn, long nr, uint64_t *pfns, long max)
{
	long i, count = 0;
	uint64_t *flags;
	int ret = pfn_hugetlb(head_pfn);

	if (ret < 0)
		return ret;
	if (ret) {
		ret = pfn_hwpoisoned(head_pfn);
		if (ret > 0 && max > 0)
			pfns[0] = head_pfn;
		return ret;
	}
	flags = malloc((size_t)(nr > 0 ? nr : 1) * sizeof(*flags));
	if (!flags)
		return -ENOMEM;
	ret = nr > 0 ? kpageflags_range(head_pfn, nr, flags) : 0;
	for (i = 0; !ret && i < nr; i++) {
		if (!(flags[i] & (1ULL << KPF_HWPOISON)))
			continue;
		if (count < max)
			pfns[count] = head_pfn + (uint64_t)i;
		count++;
	}
	free(flags);
	return ret ? ret : count;
}
