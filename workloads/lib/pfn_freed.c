/*
 * pfn_freed.c: records the PFNs of a cycle region's folios and checks, after munmap, that
 * each was freed or reused (pfn_freed.h; the per-PFN judgement is hmm_leak.c's).
 */
#include <string.h>

#include "hmm_leak.h"
#include "pagemap.h"
#include "pfn_freed.h"
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

long pfn_watch_check(struct pfn_watch *w, const char *test, int settle_ms)
{
	struct pfn_leak_result res;
	long held = 0, n;

	for (size_t i = 0; i < w->n; i++) {
		n = pfn_leak_check(test, "THP freed after munmap", w->pfn[i], w->nr, settle_ms,
				   &res);
		if (n < 0) {
			w->n = 0;
			return n;
		}
		held += n;
		w->checked++;
	}
	w->n = 0;
	w->held += held;
	return held;
}
