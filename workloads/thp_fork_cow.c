// SPDX-License-Identifier: GPL-2.0
/*
 * thp_fork_cow: fork() with THPs mapped, then copy-on-write writes in the parent, the
 * children or both, and each side must see only its own writes (design.md, "fork").
 *
 * Kernel paths: fork -> dup_mmap -> copy_page_range -> copy_huge_pmd (PMD-mapped THP: the
 * PTE table deposited for the child is allocated here and can fail) or copy_pte_range ->
 * copy_present_ptes (PTE-mapped THP, mTHP); the first write after fork takes
 * do_huge_pmd_wp_page -> __split_huge_pmd (thp_split_pmd) or wp_page_copy.
 * Under injection fork() must fail with ENOMEM, leave no child and the parent's data intact.
 * Guards the error paths of dup_mmap/copy_huge_pmd that the seed 001 series touches (PTE table
 * allocation at split time) and the refcount / mapcount accounting of CoW on large folios.
 *
 * The injection window is the first fork() only; the child disarms itself first thing.
 */
#include <errno.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "workload.h"
#include "cow_check.h"

FIXTURE(fork_cow) {
	struct window w;
	size_t folio_size;
	char id[256];
};

FIXTURE_VARIANT(fork_cow) {
	int nr_folios;
	size_t mthp_kb;		/* 0: PMD-size THP */
	int pte_mapped;		/* split the PMD mappings (folios stay whole) before fork */
	int hole;		/* munmap one page of the first folio before fork */
	enum cow_writers writers;
	int nr_children;
};

FIXTURE_VARIANT_ADD(fork_cow, parent_writes) {
	.nr_folios = 2, .writers = COW_PARENT_WRITES, .nr_children = 1,
};

FIXTURE_VARIANT_ADD(fork_cow, child_writes) {
	.nr_folios = 2, .writers = COW_CHILD_WRITES, .nr_children = 1,
};

FIXTURE_VARIANT_ADD(fork_cow, both_write) {
	.nr_folios = 2, .writers = COW_BOTH_WRITE, .nr_children = 1,
};

FIXTURE_VARIANT_ADD(fork_cow, both_write_pte_mapped) {
	.nr_folios = 2, .pte_mapped = 1, .writers = COW_BOTH_WRITE, .nr_children = 1,
};

FIXTURE_VARIANT_ADD(fork_cow, both_write_after_partial_munmap) {
	.nr_folios = 2, .hole = 1, .writers = COW_BOTH_WRITE, .nr_children = 1,
};

FIXTURE_VARIANT_ADD(fork_cow, several_children_write) {
	.nr_folios = 4, .writers = COW_BOTH_WRITE, .nr_children = 4,
};

FIXTURE_VARIANT_ADD(fork_cow, mthp_64k_both_write) {
	.nr_folios = 8, .mthp_kb = 64, .writers = COW_BOTH_WRITE, .nr_children = 2,
};

FIXTURE_SETUP(fork_cow)
{
	char why[256];
	int ret;

	SF_TEST_ID(self->id);
	ret = window_setup(&self->w, self->id, "fork", why, sizeof(why));
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

FIXTURE_TEARDOWN(fork_cow)
{
	if (variant->mthp_kb)
		mthp_restore();
}

/* The plan for one region: writers cross from the middle of folio 0 into folio 1. */
static void plan_for(struct cow_plan *p, const struct thp_region *r,
		     const FIXTURE_VARIANT(fork_cow) *v, uint64_t seed)
{
	size_t fs = r->folio_size;

	memset(p, 0, sizeof(*p));
	p->base = r->base;
	p->len = r->len;
	p->seed = seed;
	p->write_off = fs / 2;
	p->write_len = r->nr_folios > 1 ? fs : fs / 4;
	if (v->hole) {
		p->hole_off = PAGE_SIZE_4K;
		p->hole_len = PAGE_SIZE_4K;
	}
	p->writers = v->writers;
	p->nr_children = v->nr_children;
}

TEST_F(fork_cow, write_after_fork)
{
	struct vmstat_snapshot *before = malloc(sizeof(*before)), *after = malloc(sizeof(*after));
	long i, iterations = splitfail_iterations();
	uint64_t seed = splitfail_seed();
	struct cow_outcome out;
	struct rate_meter rate;
	struct thp_region r;
	struct cow_plan plan;
	char why[256];
	long bad = 0;
	int ret;

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
		plan_for(&plan, &r, variant, seed);
		if (plan.hole_len)
			ASSERT_EQ(0, munmap(r.base + plan.hole_off, plan.hole_len));

		bad = cow_run(self->id, &plan, &self->w, &out);
		ASSERT_LE(0, bad) TH_LOG("could not run the plan: %s", strerror((int)-bad));
		printf("# %s: fork ret=%ld errno=%s children=%d parent_bad=%ld child_bad=%ld\n",
		       self->id, out.fork_ret, out.fork_errno ? strerrorname_np(out.fork_errno) : "0",
		       out.children, out.parent_bad_pages, out.child_bad_pages);
		thp_region_unmap(&r);
		rate_add_ops(&rate, 1);
	}
	rate_report(&rate, self->id);
	vmstat_snapshot_take(after);
	vmstat_print_thp_deltas(self->id, before, after);
	free(before);
	free(after);
	EXPECT_EQ(0, bad);
}

SPLITFAIL_MAIN("dup_mmap", "copy_page_range", "copy_huge_pmd", "copy_pte_range",
	       "copy_present_ptes", "__split_huge_pmd", "do_huge_pmd_wp_page", "wp_page_copy")
