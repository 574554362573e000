/*
 * hmm_leak.h: the "folio was freed" oracle of seed 000. A workload records the PFNs of a THP
 * before an operation; after munmap and the exit of every process that mapped it, each of
 * those PFNs must be free (buddy or per-cpu free list) or reused by someone else. A PFN that
 * still holds an anonymous page nobody maps is a page whose reference was leaked: exactly
 * the state the missing folio_put() on device migration's split-failure path leaves behind.
 * Read from /proc/kpageflags and /proc/kpagecount (root). kpagecount is the map count, not
 * the reference count: a leaked reference shows as "anon, mapped by nobody, not free".
 */
#ifndef SPLITFAIL_HMM_LEAK_H
#define SPLITFAIL_HMM_LEAK_H

#include <stddef.h>
#include <stdint.h>

/* kpageflags bits not in pagemap.h (Documentation/admin-guide/mm/pagemap.rst) */
#define KPF_LOCKED	0
#define KPF_LRU		5
#define KPF_SLAB	7
#define KPF_BUDDY	10
#define KPF_MMAP	11
#define KPF_ANON	12
#define KPF_SWAPCACHE	13
#define KPF_HWPOISON	19
#define KPF_NOPAGE	20

enum pfn_state {
	PFN_FREE,	/* buddy, or no owner flags left (per-cpu list, kernel use) */
	PFN_REUSED,	/* mapped by some process, or a page-cache/slab page now */
	PFN_HELD,	/* an anonymous page nobody maps and not free: leaked if it stays */
	PFN_MOVING,	/* anonymous and in swap cache or locked: wait and look again */
};

/* Classifies one PFN from its kpageflags word and its map count. */
enum pfn_state pfn_state_of(uint64_t kflags, uint64_t mapcount);

/* "free", "reused", "held", "moving". */
const char *pfn_state_name(enum pfn_state s);

/*
 * The state of entry i of a window of n kpageflags/kpagecount words: pfn_state_of(), except
 * that a page that looks held is in use (PFN_REUSED) when it belongs to a compound folio
 * (its head inside the window) of which some page is mapped: someone else's partly unmapped
 * THP (6.12 reports KPF_MMAP per page, 7.x per folio), not our folio.
 */
enum pfn_state pfn_judge(const uint64_t *flags, const uint64_t *counts, long n, long i);

/*
 * Empties every CPU's LRU batches (they hold page references for a while) through
 * move_pages(2) of one page of our own to its own node, which calls lru_cache_disable().
 * Returns 0 or -errno.
 */
int lru_drain_all_cpus(void);

struct pfn_leak_result {
	long held;		/* PFNs still held after the settle time */
	long freed;
	long reused;
	long moving;		/* still in swap cache or locked then: not judged */
	uint64_t first_held;	/* first held PFN, its flags and map count */
	uint64_t first_flags;
	uint64_t first_mapcount;
	double waited;		/* seconds spent settling */
};

/*
 * Checks nr PFNs starting at first_pfn, draining LRU batches and waiting up to settle_ms for
 * held and moving ones to go (a page still in swap cache or locked after that is someone's
 * swap or migration in progress, counted as moving and not judged). Prints nothing.
 * Returns the number of held PFNs, or -errno when kpageflags cannot be read (not root).
 */
long pfn_leak_settle(uint64_t first_pfn, long nr, int settle_ms, struct pfn_leak_result *res);

/* Adds res to sum (the first held PFN stays the first one found). */
void pfn_leak_add(struct pfn_leak_result *sum, const struct pfn_leak_result *res);

/*
 * Prints "# <test>: <what>: <range>: freed=.. reused=.. held=.. moving=.. after .. s", for a
 * held PFN the evidence line ("# <test>: <what> (PFN): expected freed (buddy) or reused,
 * got held: anon, mapcount 0, kpageflags 0x.. (n PFNs) at 0x<pfn>") and the check line
 * pfns_held_after_exit.
 */
void pfn_leak_print(const char *test, const char *what, const char *range,
		    const struct pfn_leak_result *res);

/* pfn_leak_settle, then pfn_leak_print of "<nr> PFNs from 0x<first_pfn>". Same return. */
long pfn_leak_check(const char *test, const char *what, uint64_t first_pfn, long nr,
		    int settle_ms, struct pfn_leak_result *res);

#endif
