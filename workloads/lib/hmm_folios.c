/*
 * hmm_folios.c: per-folio outcome of a device migration (hmm_folios.h), from the HMM
 * snapshot bytes, pagemap and kpageflags.
 */
#include <stdio.h>

#include "hmm_dmirror.h"
#include "hmm_folios.h"
#include "pagemap.h"
#include "thp_region.h"

#define HEAD_BIT (1ULL << KPF_COMPOUND_HEAD)

/* The folio at base still maps the PFN it had (pfn) as a compound head. */
static int same_whole_folio(const char *base, uint64_t pfn)
{
	struct page_info pi;

	if (!pfn || pagemap_read((uintptr_t)base, &pi) || pi.pfn != pfn)
		return 0;
	return pi.kflags_valid && (pi.kflags & HEAD_BIT);
}

void hmm_folio_outcome(const struct thp_region *r, const unsigned char *perm,
		       const uint64_t *pfn, size_t nr_pfn, struct hmm_folio_outcome *o)
{
	size_t pages = r->folio_size / PAGE_SIZE_4K;

	o->on_device = o->system_whole = o->system_split = o->partly = o->unplaced = 0;
	for (size_t f = 0; f < r->nr_folios; f++) {
		long dev = 0, sys = 0;

		for (size_t i = f * pages; i < (f + 1) * pages; i++) {
			enum hmm_place p = hmm_place_of(perm[i]);

			dev += p == HMM_PLACE_DEVICE;
			sys += p == HMM_PLACE_SYSTEM;
		}
		if (dev == (long)pages)
			o->on_device++;
		else if (dev)
			o->partly++;
		else if (sys != (long)pages)
			o->unplaced++;
		else if (f < nr_pfn &&
			 same_whole_folio(r->base + f * r->folio_size, pfn[f]))
			o->system_whole++;
		else
			o->system_split++;
	}
}

void hmm_folio_outcome_print(const char *test, const char *when, const struct thp_region *r,
			     const struct hmm_folio_outcome *o)
{
	printf("# %s: %s: %zu folio(s) of %zu kB: on device %ld, in system whole %ld, in system "
	       "split or moved %ld, partly on device %ld, with unplaced pages %ld\n", test, when,
	       r->nr_folios, r->folio_size >> 10, o->on_device, o->system_whole, o->system_split,
	       o->partly, o->unplaced);
}
