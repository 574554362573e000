/*
 * probe.c: page probes that survive the fault they look for. A read or write runs after
 * sigsetjmp with SIGSEGV/SIGBUS handlers installed for the duration of the probe only; the
 * handler siglongjmps back and the probe answers 0. mincore tells mapped from unmapped.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>

#include "probe.h"
#include "thp_region.h"

static __thread sigjmp_buf probe_env;
static __thread volatile sig_atomic_t probe_active;
static __thread int probe_depth;

static void probe_handler(int sig)
{
	if (probe_active)
		siglongjmp(probe_env, sig);
	/* not ours: fall back to the default action */
	signal(sig, SIG_DFL);
	raise(sig);
}

struct probe_saved {
	struct sigaction segv;
	struct sigaction bus;
};

static __thread struct probe_saved probe_saved_actions;

static void probe_install(struct probe_saved *saved)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = probe_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, &saved->segv);
	sigaction(SIGBUS, &sa, &saved->bus);
}

static void probe_uninstall(const struct probe_saved *saved)
{
	sigaction(SIGSEGV, &saved->segv, NULL);
	sigaction(SIGBUS, &saved->bus, NULL);
}

void probe_batch_begin(void)
{
	if (probe_depth++ == 0)
		probe_install(&probe_saved_actions);
}

void probe_batch_end(void)
{
	if (--probe_depth == 0)
		probe_uninstall(&probe_saved_actions);
}

int probe_range_mapped(const void *p, size_t len)
{
	uintptr_t start = (uintptr_t)p & ~(PAGE_SIZE_4K - 1);
	uintptr_t end = ((uintptr_t)p + len + PAGE_SIZE_4K - 1) & ~(PAGE_SIZE_4K - 1);
	unsigned char vec[512];

	/* mincore fails with ENOMEM as soon as any page of the range has no VMA */
	for (; start < end; start += sizeof(vec) * PAGE_SIZE_4K) {
		size_t chunk = end - start;

		if (chunk > sizeof(vec) * PAGE_SIZE_4K)
			chunk = sizeof(vec) * PAGE_SIZE_4K;
		if (mincore((void *)start, chunk, vec) && errno == ENOMEM)
			return 0;
	}
	return 1;
}

int probe_range_hole(const void *p, size_t len)
{
	void *got = mmap((void *)p, len, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (got == MAP_FAILED)
		return errno == EEXIST ? 0 : -errno;
	munmap(got, len);
	/* a kernel without MAP_FIXED_NOREPLACE places the mapping elsewhere: cannot tell */
	return got == p ? 1 : -EOPNOTSUPP;
}

int probe_mapped(const void *addr)
{
	uintptr_t page = (uintptr_t)addr & ~(PAGE_SIZE_4K - 1);
	unsigned char vec;

	if (mincore((void *)page, PAGE_SIZE_4K, &vec) == 0)
		return 1;
	return errno == ENOMEM ? 0 : 1;
}

/* Returns 1 when the access completed, 0 when it faulted. */
static int probe_access(volatile uint8_t *p, int write)
{
	volatile int ok = 0;

	probe_batch_begin();
	/* SA_NODEFER leaves the mask alone, so no mask save: no syscall per probe */
	if (sigsetjmp(probe_env, 0) == 0) {
		uint8_t v;

		probe_active = 1;
		v = *p;
		if (write)
			*p = v;
		ok = 1;
	}
	probe_active = 0;
	probe_batch_end();
	return ok;
}

int probe_readable(const void *addr)
{
	return probe_access((volatile uint8_t *)addr, 0);
}

int probe_writable(void *addr)
{
	return probe_access((volatile uint8_t *)addr, 1);
}

int probe_prot(void *addr)
{
	return probe_prot_mapped(addr, 0);
}

int probe_prot_mapped(void *addr, int known_mapped)
{
	if (!known_mapped && !probe_mapped(addr))
		return -1;
	if (!probe_readable(addr))
		return PROT_NONE;
	if (!probe_writable(addr))
		return PROT_READ;
	return PROT_READ | PROT_WRITE;
}

const char *prot_name(int prot)
{
	switch (prot) {
	case -1:
		return "unmapped";
	case PROT_NONE:
		return "PROT_NONE";
	case PROT_READ:
		return "PROT_READ";
	case PROT_READ | PROT_WRITE:
		return "PROT_READ|PROT_WRITE";
	default:
		return "PROT_other";
	}
}
