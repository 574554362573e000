// SPDX-License-Identifier: GPL-2.0
/*
 * thp_move_pages: move_pages(2) of THP-backed memory to another NUMA node: every page of a
 * whole THP, half a THP, scattered single pages, several THPs, PTE-mapped THPs and mTHPs.
 * Oracle (design.md): every status is the target node or a negative errno the kernel
 * defines; a page whose status names the target node is really there (move_pages with
 * nodes = NULL) and present in pagemap; a status naming another node tells the truth; the
 * data reads back unchanged everywhere. SKIPs when fewer than two nodes have memory.
 *
 * Kernel paths: do_pages_move -> add_folio_for_migration -> do_move_pages_to_node ->
 * migrate_pages -> migrate_pages_batch -> migrate_folio_unmap -> try_to_migrate ->
 * try_to_migrate_one (PMD: set_pmd_migration_entry) -> move_to_new_folio; when the target
 * THP cannot be allocated, migrate_pages_batch splits the folio (split_folio_to_list ->
 * __folio_split, thp_migration_split) and migrates the pieces.
 * Guards: seed 001 (split at migration time becomes fallible: try_to_migrate_one must report,
 * not skip), seed 002 (split inside migrate_pages_batch corrupting the list walk).
 */
#include <errno.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "workload.h"
#include "migrate_check.h"

#define MPOL_MF_MOVE_FLAG (1 << 1)	/* MPOL_MF_MOVE, include/uapi/linux/mempolicy.h */

FIXTURE(move_pages) {
	struct window w;
	size_t folio_size;
	char id[256];
};

FIXTURE_VARIANT(move_pages) {
	int nr_folios;
	size_t mthp_kb;		/* 0: PMD-size THP */
	int pte_mapped;
	size_t first_page;	/* first page index asked to move */
	size_t nr_pages;	/* pages asked to move (0: to the end of the region) */
	size_t stride;		/* in pages */
};

FIXTURE_VARIANT_ADD(move_pages, whole_thp) {
	.nr_folios = 1, .stride = 1,
};

FIXTURE_VARIANT_ADD(move_pages, whole_thp_head_only) {
	.nr_folios = 1, .nr_pages = 1, .stride = 1,
};

FIXTURE_VARIANT_ADD(move_pages, half_thp) {
	.nr_folios = 1, .first_page = 256, .nr_pages = 256, .stride = 1,
};

FIXTURE_VARIANT_ADD(move_pages, scattered_pages) {
	.nr_folios = 4, .first_page = 3, .stride = 37,
};

FIXTURE_VARIANT_ADD(move_pages, several_thps) {
	.nr_folios = 4, .stride = 1,
};

FIXTURE_VARIANT_ADD(move_pages, pte_mapped_whole) {
	.nr_folios = 2, .pte_mapped = 1, .stride = 1,
};

FIXTURE_VARIANT_ADD(move_pages, pte_mapped_half) {
	.nr_folios = 2, .pte_mapped = 1, .first_page = 128, .nr_pages = 256, .stride = 1,
};

FIXTURE_VARIANT_ADD(move_pages, mthp_64k) {
	.nr_folios = 16, .mthp_kb = 64, .first_page = 5, .stride = 3,
};

FIXTURE_SETUP(move_pages)
{
	char why[256];
	int ret;

	SF_TEST_ID(self->id);
	ret = numa_require_two(why, sizeof(why));
	if (ret == 1)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	ret = window_setup(&self->w, self->id, "move_pages", why, sizeof(why));
	if (ret == KSFT_SKIP)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	self->folio_size = variant->mthp_kb ? variant->mthp_kb * 1024 : thp_pmd_size();
	if (!self->folio_size)
		SKIP(return, "no THP: /sys/kernel/mm/transparent_hugepage/hpage_pmd_size missing");
	if (variant->mthp_kb) {
		ret = mthp_use_size(self->folio_size, why, sizeof(why));
		if (ret == KSFT_SKIP)
			SKIP(return, "%s", why);
		ASSERT_EQ(0, ret) TH_LOG("%s", why);
	}
}

FIXTURE_TEARDOWN(move_pages)
{
	if (variant->mthp_kb)
		mthp_restore();
}

/* Fills pages[] with the variant's page addresses; returns how many. */
static long pick_pages(const struct thp_region *r, const FIXTURE_VARIANT(move_pages) *v,
		       void **pages)
{
	size_t total = r->len / PAGE_SIZE_4K, end = total, i;
	long n = 0;

	if (v->nr_pages && v->first_page + v->nr_pages < total)
		end = v->first_page + v->nr_pages;
	for (i = v->first_page; i < end; i += v->stride)
		pages[n++] = r->base + i * PAGE_SIZE_4K;
	return n;
}

TEST_F(move_pages, move_to_other_node)
{
	struct vmstat_snapshot *before = malloc(sizeof(*before)), *after = malloc(sizeof(*after));
	long i, nr, ret, bad = 0, iterations = splitfail_iterations();
	uint64_t seed = splitfail_seed();
	void **pages = NULL;
	int *status = NULL;
	struct move_check res;
	struct rate_meter rate;
	struct thp_region r;
	int err, src, target;
	char why[256];

	ASSERT_NE(NULL, before);
	ASSERT_NE(NULL, after);
	vmstat_snapshot_take(before);
	rate_start(&rate);
	for (i = 0; i < iterations && !bad; i++) {
		ret = thp_region_map(&r, (size_t)variant->nr_folios, self->folio_size, seed, why,
				     sizeof(why));
		if (ret == THP_REGION_SKIP)
			SKIP(return, "%s", why);
		ASSERT_EQ(0, ret) TH_LOG("%s", why);
		if (variant->pte_mapped)
			ASSERT_EQ(variant->nr_folios, thp_region_pte_map(&r))
				TH_LOG("folios still THP after splitting their PMD mappings");
		src = page_node(r.base);
		target = numa_other_node(src);
		ASSERT_LE(0, target) TH_LOG("no node besides %d", src);
		if (!pages) {
			pages = calloc(r.len / PAGE_SIZE_4K, sizeof(*pages));
			status = calloc(r.len / PAGE_SIZE_4K, sizeof(*status));
			ASSERT_NE(NULL, pages);
			ASSERT_NE(NULL, status);
		}
		nr = pick_pages(&r, variant, pages);

		window_arm(&self->w);
		ret = move_pages_to(pages, nr, target, status, MPOL_MF_MOVE_FLAG);
		err = ret < 0 ? errno : 0;
		window_disarm(&self->w, ret, err);

		printf("# %s: moved %ld pages from node %d to node %d: ret=%ld %s\n", self->id,
		       nr, src, target, ret, err ? strerrorname_np(err) : "");
		bad = move_check_status(self->id, pages, status, nr, target, ret, &res);
		ASSERT_LE(0, bad) TH_LOG("could not read page nodes: %s", strerror((int)-bad));
		bad += oracle_pattern(self->id, "after move_pages", r.base, r.len, seed);
		printf("# %s: folios still THP after move: %ld of %d\n", self->id,
		       thp_region_count_thp(&r), variant->nr_folios);
		thp_region_unmap(&r);
		rate_add_ops(&rate, 1);
	}
	rate_report(&rate, self->id);
	vmstat_snapshot_take(after);
	vmstat_print_thp_deltas(self->id, before, after);
	free(before);
	free(after);
	free(pages);
	free(status);
	EXPECT_EQ(0, bad);
}

SPLITFAIL_MAIN("do_pages_move", "migrate_pages", "migrate_pages_batch", "migrate_folio_unmap",
	       "try_to_migrate_one", "set_pmd_migration_entry", "move_to_new_folio",
	       "split_folio_to_list", "__folio_split", "split_huge_page_to_list_to_order")
