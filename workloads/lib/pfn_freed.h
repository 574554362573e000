/*
 * pfn_freed.h: the per-PFN "freed after munmap" oracle for cycle workloads (issue 11). When a
 * cycle's region is mapped, the PFN of each folio's first page is recorded; when the region
 * is unmapped (next cycle, or the end of cycle_run) and every process that mapped it is gone,
 * each of those PFNs must be free or reused (hmm_leak.c pfn_leak_check: a PFN still anonymous,
 * mapped by nobody and not free is a folio whose reference was leaked, a leak the vmstat
 * counters do not show because its rmap is gone). PFNs need root (pagemap hides them).
 */
#ifndef SPLITFAIL_PFN_FREED_H
#define SPLITFAIL_PFN_FREED_H

#include <stddef.h>
#include <stdint.h>

#define PFN_WATCH_MAX 16
#define PFN_SETTLE_MS 2000	/* how long a held PFN may take to go (LRU drains between) */

struct thp_region;

struct pfn_watch {
	uint64_t pfn[PFN_WATCH_MAX];	/* first PFN of each folio of the current region */
	long nr;			/* pages per folio */
	size_t n;			/* folios recorded */
	long held;			/* held PFNs found so far, over every check */
	long checked;			/* folios checked so far */
};

/* Records the region's folio PFNs (none when they are not visible). */
void pfn_watch_record(struct pfn_watch *w, const struct thp_region *r);

/*
 * After the recorded region was unmapped: checks its PFNs (settle_ms each), adds the held
 * ones to w->held, forgets them. Returns the held PFNs of this check, or -errno.
 */
long pfn_watch_check(struct pfn_watch *w, const char *test, int settle_ms);

/*
 * At a test's end: the check line thp_pfns_held_after_munmap over every check (or a note
 * that no PFN was visible). Returns the held PFNs (0 when none was checked).
 */
long pfn_watch_report(const struct pfn_watch *w, const char *test);

#endif
