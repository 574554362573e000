/*
 * layout.h: the mapping kinds and range layouts the THP workloads share, as data.
 * A kind says what memory the operation meets (PMD-mapped THP, PTE-mapped THP, several THPs,
 * an mTHP size); a layout says which part of it the operation covers (head, tail, middle,
 * one page, across two adjacent folios, all but one page, the whole folio).
 * SF_THP_KIND_VARIANTS(fixture) adds one kselftest variant per kind to a fixture whose
 * FIXTURE_VARIANT has a "struct thp_kind kind" member.
 */
#ifndef SPLITFAIL_LAYOUT_H
#define SPLITFAIL_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "thp_region.h"

struct thp_kind {
	size_t folio_kb;	/* 0: the PMD size, else an mTHP size in kB */
	size_t nr_folios;	/* 0: as few as the layout needs (mTHP: 4 within a PMD size) */
	int pte_mapped;		/* split the PMD mappings first, keeping the folios whole */
};

enum layout {
	LAYOUT_HEAD,		/* first half of a folio */
	LAYOUT_TAIL,		/* second half */
	LAYOUT_MIDDLE,		/* the middle half, neither first nor last page */
	LAYOUT_ONE_PAGE,	/* one page inside the folio */
	LAYOUT_ACROSS_TWO,	/* second half of one folio and first half of the next */
	LAYOUT_ALL_BUT_ONE,	/* every page but the last */
	LAYOUT_WHOLE,		/* the whole folio */
};

/* "head", "tail", ... for reports. */
const char *layout_name(enum layout l);

/* Folios layout l needs in a region: 2 for LAYOUT_ACROSS_TWO, else 1. */
size_t layout_min_folios(enum layout l);

/*
 * Maps a region of the given kind with at least min_folios folios (setting and recording the
 * mTHP knob it needs; call knob_undo_all() in teardown). Returns 0, THP_REGION_SKIP with the
 * reason, or -errno.
 */
int thp_kind_map(struct thp_region *r, const struct thp_kind *k, size_t min_folios,
		 uint64_t seed, char *why, size_t why_len);

/*
 * The range of layout l in region r: on the second folio when there are three or more (so
 * there are neighbours on both sides), else on the first. Returns 0, or THP_REGION_SKIP when
 * the region has fewer folios than layout_min_folios(l).
 */
int layout_range(const struct thp_region *r, enum layout l, char **start, size_t *len);

#define SF_THP_KIND_VARIANTS(fixture) \
	FIXTURE_VARIANT_ADD(fixture, pmd) { .kind = { .nr_folios = 0 } }; \
	FIXTURE_VARIANT_ADD(fixture, pte_mapped) { .kind = { .pte_mapped = 1 } }; \
	FIXTURE_VARIANT_ADD(fixture, several) { .kind = { .nr_folios = 4 } }; \
	FIXTURE_VARIANT_ADD(fixture, mthp_16k) { .kind = { .folio_kb = 16 } }; \
	FIXTURE_VARIANT_ADD(fixture, mthp_64k) { .kind = { .folio_kb = 64 } }; \
	FIXTURE_VARIANT_ADD(fixture, mthp_256k) { .kind = { .folio_kb = 256 } }; \
	FIXTURE_VARIANT_ADD(fixture, mthp_1024k) { .kind = { .folio_kb = 1024 } }

#endif
