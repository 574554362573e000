/*
 * layout.c: maps a region of a given kind (see layout.h) and computes the range a layout
 * covers, so every THP workload runs the same matrix of memory kinds and ranges.
 */
#include <errno.h>
#include <stdio.h>

#include "layout.h"
#include "mthp.h"

const char *layout_name(enum layout l)
{
	static const char *const names[] = {
		[LAYOUT_HEAD] = "head", [LAYOUT_TAIL] = "tail", [LAYOUT_MIDDLE] = "middle",
		[LAYOUT_ONE_PAGE] = "one_page", [LAYOUT_ACROSS_TWO] = "across_two",
		[LAYOUT_ALL_BUT_ONE] = "all_but_one", [LAYOUT_WHOLE] = "whole",
	};

	return (unsigned int)l < sizeof(names) / sizeof(names[0]) ? names[l] : "?";
}

size_t layout_min_folios(enum layout l)
{
	return l == LAYOUT_ACROSS_TWO ? 2 : 1;
}

int thp_kind_map(struct thp_region *r, const struct thp_kind *k, size_t min_folios,
		 uint64_t seed, char *why, size_t why_len)
{
	size_t pmd = thp_pmd_size(), size = k->folio_kb ? k->folio_kb * 1024 : pmd;
	size_t nr = k->nr_folios;
	long ptemapped;
	int ret;

	if (!pmd) {
		snprintf(why, why_len, "THP not available: no hpage_pmd_size");
		return THP_REGION_SKIP;
	}
	if (size < pmd) {
		if (!nr)
			nr = pmd / size < 4 ? pmd / size : 4;
		ret = mthp_use_size(size, why, why_len);
		if (ret)
			return ret;
	}
	if (nr < min_folios)
		nr = min_folios;
	ret = thp_region_map(r, nr, size, seed, why, why_len);
	if (ret || !k->pte_mapped)
		return ret;
	ptemapped = thp_region_pte_map(r);
	if (ptemapped != (long)nr) {
		snprintf(why, why_len, "PTE-mapping THPs: %ld of %zu folios PTE-mapped and whole",
			 ptemapped, nr);
		thp_region_unmap(r);
		return ptemapped < 0 ? (int)ptemapped : THP_REGION_SKIP;
	}
	return 0;
}

int layout_range(const struct thp_region *r, enum layout l, char **start, size_t *len)
{
	size_t n = r->folio_size / PAGE_SIZE_4K, first = 0, count = 0;
	size_t folio = r->nr_folios >= 3 ? 1 : 0;

	switch (l) {
	case LAYOUT_HEAD:
		count = n / 2;
		break;
	case LAYOUT_TAIL:
		first = n / 2;
		count = n - n / 2;
		break;
	case LAYOUT_MIDDLE:
		first = n / 4;
		count = n / 2;
		break;
	case LAYOUT_ONE_PAGE:
		first = n / 2 + 1 < n ? n / 2 + 1 : n / 2;
		count = 1;
		break;
	case LAYOUT_ACROSS_TWO:
		if (folio + 1 >= r->nr_folios)
			return THP_REGION_SKIP;
		first = n / 2;
		count = n;
		break;
	case LAYOUT_ALL_BUT_ONE:
		count = n - 1;
		break;
	case LAYOUT_WHOLE:
		count = n;
		break;
	}
	*start = r->base + folio * r->folio_size + first * PAGE_SIZE_4K;
	*len = count * PAGE_SIZE_4K;
	return 0;
}
