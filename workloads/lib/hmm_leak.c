/*
 * hmm_leak.c: judges whether the PFNs of a folio that no process maps any more were freed,
 * for the device-migration leak of seed 000. Free pages show KPF_BUDDY (also inside a larger
 * free block, fs/proc/page.c) or no owner flags at all (per-cpu free lists); a page still
 * marked anonymous with map count 0 is held by a reference nobody will drop, unless it is a
 * page of someone else's folio that is still mapped in part (the PFN was reused for a THP
 * later partly unmapped). LRU batches and RCU-deferred frees make that state briefly normal,
 * so when a PFN looks held the check drains the batches and looks again until settle_ms has
 * passed; swap cache and locked pages (someone's reclaim or migration) are waited for too,
 * then left unjudged.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "hmm_leak.h"
#include "kpage.h"
#include "pagemap.h"
#include "report.h"
#include "thp_region.h"

#define BIT(n) (1ULL << (n))
#define SETTLE_STEP_MS 20	/* between drained passes while something is held */

enum pfn_state pfn_state_of(uint64_t kflags, uint64_t mapcount)
{
	if (kflags & (BIT(KPF_BUDDY) | BIT(KPF_NOPAGE)))
		return PFN_FREE;
	if (mapcount || (kflags & BIT(KPF_MMAP)))
		return PFN_REUSED;
	if (!(kflags & BIT(KPF_ANON))) {
		/* page cache, slab, page table or nothing: not our anonymous folio */
		if (kflags & (BIT(KPF_LRU) | BIT(KPF_SLAB) | BIT(KPF_COMPOUND_HEAD) |
			      BIT(KPF_COMPOUND_TAIL)))
			return PFN_REUSED;
		return PFN_FREE;
	}
	if (kflags & (BIT(KPF_SWAPCACHE) | BIT(KPF_LOCKED)))
		return PFN_MOVING;
	return PFN_HELD;
}

const char *pfn_state_name(enum pfn_state s)
{
	static const char *const names[] = { "free", "reused", "held", "moving" };

	return s <= PFN_MOVING ? names[s] : "?";
}

int lru_drain_all_cpus(void)
{
	char *page = mmap(NULL, PAGE_SIZE_4K, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int node, status = -1, ret = 0;
	void *pages[1];

	if (page == MAP_FAILED)
		return -errno;
	page[0] = 1;
	pages[0] = page;
	node = page_node(page);
	if (node < 0)
		ret = node;
	else if (syscall(SYS_move_pages, 0, 1UL, pages, &node, &status, 0) < 0)
		ret = -errno;
	munmap(page, PAGE_SIZE_4K);
	return ret;
}

/* Largest folio looked for around a held PFN: the PMD size in pages. */
static long folio_max_pages(void)
{
	size_t pmd = thp_pmd_size();

	return pmd ? (long)(pmd / PAGE_SIZE_4K) : 512;
}

enum pfn_state pfn_judge(const uint64_t *flags, const uint64_t *counts, long n, long i)
{
	enum pfn_state s = pfn_state_of(flags[i], counts[i]);
	long head = i, end;

	if (s != PFN_HELD || !(flags[i] & (BIT(KPF_COMPOUND_HEAD) | BIT(KPF_COMPOUND_TAIL))))
		return s;
	while (head > 0 && (flags[head] & BIT(KPF_COMPOUND_TAIL)))
		head--;
	if (!(flags[head] & BIT(KPF_COMPOUND_HEAD)))
		return s;	/* its head is outside the window: judged on the page alone */
	for (end = head + 1; end < n && (flags[end] & BIT(KPF_COMPOUND_TAIL)); end++)
		;
	for (long j = head; j < end; j++)
		if (counts[j] || (flags[j] & BIT(KPF_MMAP)))
			return PFN_REUSED;	/* a folio someone still maps in part */
	return s;
}

/*
 * One pass over the PFNs: kpageflags and kpagecount of the range and of a folio's size on
 * either side (to find the whole folio of a page that looks held), two reads each. Returns
 * 0 or -errno; fills the counts.
 */
static int pfn_pass(uint64_t first_pfn, long nr, struct pfn_leak_result *res)
{
	long pad = folio_max_pages() - 1, off, n, i;
	uint64_t lo, *flags, *counts;
	int err;

	lo = first_pfn > (uint64_t)pad ? first_pfn - (uint64_t)pad : 0;
	off = (long)(first_pfn - lo);
	n = off + nr + pad;
	flags = calloc((size_t)n, sizeof(*flags));
	counts = calloc((size_t)n, sizeof(*counts));
	err = flags && counts ? 0 : -ENOMEM;
	if (!err)
		err = kpageflags_range(lo, n, flags);
	if (!err)
		err = kpagecount_range(lo, n, counts);
	res->held = res->freed = res->reused = res->moving = 0;
	for (i = off; !err && i < off + nr; i++) {
		enum pfn_state s = pfn_judge(flags, counts, n, i);

		if (s == PFN_FREE) {
			res->freed++;
		} else if (s == PFN_REUSED) {
			res->reused++;
		} else if (s == PFN_MOVING) {
			res->moving++;
		} else {
			if (!res->held) {
				res->first_held = lo + (uint64_t)i;
				res->first_flags = flags[i];
				res->first_mapcount = counts[i];
			}
			res->held++;
		}
	}
	free(flags);
	free(counts);
	return err;
}

long pfn_leak_settle(uint64_t first_pfn, long nr, int settle_ms, struct pfn_leak_result *res)
{
	double start = monotonic_seconds();
	struct timespec step = { 0, SETTLE_STEP_MS * 1000000L };
	int drained = 0, err;

	/*
	 * Look first: a folio freed at once (the usual case) needs no drain, which costs an
	 * RCU grace period and work on every CPU. Anything that looks held or moving is
	 * judged only on a pass made after a drain.
	 */
	for (;;) {
		err = pfn_pass(first_pfn, nr, res);
		if (err)
			return err;
		res->waited = monotonic_seconds() - start;
		if (!res->held && !res->moving)
			return 0;
		if (drained && res->waited * 1000 >= settle_ms)
			return res->held;
		if (drained)
			nanosleep(&step, NULL);
		lru_drain_all_cpus();
		drained = 1;
	}
}

void pfn_leak_add(struct pfn_leak_result *sum, const struct pfn_leak_result *res)
{
	if (!sum->held && res->held) {
		sum->first_held = res->first_held;
		sum->first_flags = res->first_flags;
		sum->first_mapcount = res->first_mapcount;
	}
	sum->held += res->held;
	sum->freed += res->freed;
	sum->reused += res->reused;
	sum->moving += res->moving;
	sum->waited += res->waited;
}

void pfn_leak_print(const char *test, const char *what, const char *range,
		    const struct pfn_leak_result *res)
{
	char what_pfn[128], actual[160];

	printf("# %s: %s: %s: freed=%ld reused=%ld held=%ld moving=%ld after %.2f s\n", test,
	       what, range, res->freed, res->reused, res->held, res->moving, res->waited);
	if (res->held) {
		snprintf(what_pfn, sizeof(what_pfn), "%s (PFN)", what);
		snprintf(actual, sizeof(actual),
			 "held: %s, mapcount %" PRIu64 ", kpageflags 0x%" PRIx64 " (%ld PFNs)",
			 res->first_flags & BIT(KPF_ANON) ? "anon" : "not anon",
			 res->first_mapcount, res->first_flags, res->held);
		report_evidence(test, what_pfn, "freed (buddy) or reused", actual,
				(uintptr_t)res->first_held);
	}
	report_check_zero(test, "pfns_held_after_exit", res->held);
}

long pfn_leak_check(const char *test, const char *what, uint64_t first_pfn, long nr,
		    int settle_ms, struct pfn_leak_result *res)
{
	long held = pfn_leak_settle(first_pfn, nr, settle_ms, res);
	char range[64];

	if (held < 0)
		return held;
	snprintf(range, sizeof(range), "%ld PFNs from 0x%" PRIx64, nr, first_pfn);
	pfn_leak_print(test, what, range, res);
	return held;
}
