/*
 * hugetlb_poison.h: what a memory-failure workload needs besides the pool: the guard that
 * refuses to poison anything outside a splitfail guest, the SIGBUS it must receive (caught
 * with its siginfo, never fatal), the siginfo oracle (si_code BUS_MCEERR_AR, si_addr_lsb the
 * huge page shift, si_addr inside the huge page) and unpoisoning through debugfs.
 */
#ifndef SPLITFAIL_HUGETLB_POISON_H
#define SPLITFAIL_HUGETLB_POISON_H

#include <stddef.h>
#include <stdint.h>

#define HWPOISON_UNPOISON "/sys/kernel/debug/hwpoison/unpoison-pfn"

/*
 * 0 when poisoning is allowed here: the kernel command line carries splitfail.guest=1 (the
 * runner's guest) or SPLITFAIL_ALLOW_HWPOISON=1 is set. Otherwise 1 with the reason in why.
 */
int hwpoison_allowed(char *why, size_t why_len);

/* One SIGBUS as the process saw it. */
struct sigbus_seen {
	int count;		/* SIGBUS deliveries recorded (0: none) */
	int code;		/* si_code of the first */
	uintptr_t addr;		/* si_addr */
	int addr_lsb;		/* si_addr_lsb */
};

/*
 * Installs the SIGBUS handler. Between sigbus_async_begin() and sigbus_async_end() a SIGBUS
 * sent by the kernel (memory_failure's kill of the current task) is recorded and the task
 * continues; a SIGBUS anywhere else outside sigbus_read() ends the process with exit code
 * SIGBUS_EXIT_CODE.
 */
#define SIGBUS_EXIT_CODE 5
int sigbus_install(void);
void sigbus_async_begin(void);
/* Ends the async window; returns what arrived in it. */
struct sigbus_seen sigbus_async_end(void);

/* Reads the byte at p. Returns 1 and fills *seen when the read raised SIGBUS, 0 if not. */
int sigbus_read(const volatile char *p, struct sigbus_seen *seen);

/*
 * The siginfo oracle: seen must be one SIGBUS with si_code BUS_MCEERR_AR, si_addr_lsb lsb and
 * si_addr inside [base, base + size). One check line per field (what_code, what_lsb,
 * what_addr_in_page) and evidence for each mismatch. Returns the number of mismatches (a
 * missing signal counts for every field).
 */
long sigbus_check(const char *test, const char *what, const struct sigbus_seen *seen, int lsb,
		  uintptr_t base, size_t size);

/* "BUS_MCEERR_AR", "BUS_ADRERR", ... for a SIGBUS si_code. */
const char *sigbus_code_name(int code);

/* Writes pfn to debugfs unpoison-pfn. Returns 0 or -errno. */
int hwpoison_unpoison(uint64_t pfn);

/* 1 when kpageflags shows pfn hardware-poisoned, 0 if not, -errno. */
int pfn_hwpoisoned(uint64_t pfn);

/* 1 when pfn belongs to a hugetlb folio (KPF_HUGE), 0 if not, -errno. */
int pfn_hugetlb(uint64_t pfn);

/*
 * The poisoned pages of the huge page at head_pfn (nr base pages), up to max of them into
 * pfns. While it is still a hugetlb folio kpageflags shows the folio's flag on every page, so
 * a poisoned folio counts once, as head_pfn: the PFN unpoison_memory() takes for it (it
 * tests PageHWPoison of the page it is given, and the folio's flag is on the head; it then
 * frees the folio's raw-page records); once dissolved, each raw page flagged counts
 * (memory_failure may flag the head instead of the target when it cannot record the raw
 * page: HUGETLB_RAW_HWP_UNRELIABLE). Returns the count, or -errno.
 */
long hugetlb_poisoned_pfns(uint64_t head_pfn, long nr, uint64_t *pfns, long max);

#endif
