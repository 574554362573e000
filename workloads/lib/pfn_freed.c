/*
 * pfn_freed.c: records the PFNs of a cycle region's folios and checks, after munmap, that
 * each was freed or reused (pfn_freed.h; the per-PFN judgement is hmm_leak.c's).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hmm_leak.h"
#include "pagemap.h"
#include "pfn_freed.h"
#include "report.h"
#include "thp_region.h"

void pfn_watch_record(struct pfn_watch *w, const struct thp_region *r)
{
	struct page_info pi;

	w->n = 0;
	w->nr = (long)(r->folio_size / PAGE_SIZE_4K);
	for (size_t i = 0; r->base && i < r->nr_folios && w->n < PFN_WATCH_MAX; i++) {
		if (pagemap_read((uintptr_t)(r->base + i * r->folio_size), &pi) || !pi.pfn)
			continue;
		w->pfn[w->n++] = pi.pfn;
	}
}

long pfn_watch_report(const struct pfn_watch *w, const char *test)
{
	if (!w->checked) {
		printf("# %s: THP PFNs not checked after munmap (pagemap showed none: needs root)\n",
		       test);
		return 0;
	}
	return report_check_zero(test, "thp_pfns_held_after_munmap", w->held);
}

long pfn_watch_check(struct pfn_watch *w, const char *test, int settle_ms)
{
	double start = monotonic_seconds(), spent;
	struct pfn_leak_result res, sum;
	char range[96];
	long n;

	if (!w->n)
		return 0;
	memset(&sum, 0, sizeof(sum));
	for (size_t i = 0; i < w->n; i++) {
		/* one settle time for the whole region, not per folio */
		spent = (monotonic_seconds() - start) * 1000;
		n = pfn_leak_settle(w->pfn[i], w->nr, spent < settle_ms ? settle_ms - (int)spent : 0,
				    &res);
		if (n < 0) {
			w->n = 0;
			return n;
		}
			pfn_leak_add(&sum, &res);
	}
	sum.waited = monotonic_seconds() - start;
	snprintf(range, sizeof(range), "%zu folio(s) of %ld PFNs from 0x%" PRIx64, w->n, w->nr,
		 w->pfn[0]);
	pfn_leak_print(test, "THP freed after munmap", range, &sum);
	w->checked += (long)w->n;
	w->n = 0;
	w->held += sum.held;
	return sum.held;
}
