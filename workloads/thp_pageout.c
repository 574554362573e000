/*
 * thp_pageout: MADV_PAGEOUT of whole and partial THPs (head, tail, middle, one page, across
 * two adjacent THPs, all but one page) on PMD-mapped THPs, PTE-mapped THPs, several THPs and
 * mTHP sizes. Reaches madvise_cold_or_pageout_pte_range, which splits a THP the range covers
 * only in part (split_folio, __split_huge_pmd) and skips the range when that fails, then
 * reclaim through the swap path (shrink_folio_list, add_to_swap). Guards seed 001's concern:
 * a split failure that makes madvise return 0 and leave pages resident.
 * Oracle: madvise returns 0 => every page of the range is gone from pagemap (swapped, not
 * present); pages still present are a silent skip, counted and reported with the
 * silent-skip line. Everywhere, the pattern reads back unchanged (swapping pages back in).
 * Needs swap (zram is enough); SKIPs with the reason when /proc/swaps has none.
 */
#include <errno.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "cycle.h"
#include "layout.h"
#include "swap.h"
#include "workload.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

/* MADV_PAGEOUT of anonymous memory needs somewhere to put it: SKIP without swap. */
static int pageout_cycle_setup(struct cycle_fixture *f, const char *op, char *why, size_t why_len)
{
	if (swap_free_kb(why, why_len) <= 0)
		return KSFT_SKIP;
	return cycle_setup(f, op, why, why_len);
}

SF_CYCLE_FIXTURE(thp_pageout, pageout_cycle_setup, "madvise_pageout");

SF_THP_KIND_VARIANTS(thp_pageout);

/* What one test case's cycles found, reported once at its end. */
struct pageout_ctx {
	struct window *w;
	const char *test;
	long failed_calls;	/* madvise returned an error */
	long pages_advised;	/* pages in the ranges advised */
	long still_resident;	/* pages present after a successful MADV_PAGEOUT */
	long swapped;		/* pages pagemap shows swapped out right after */
	long corrupt;		/* pages whose pattern changed */
};

static int pageout_cycle(struct thp_region *r, enum layout l, void *arg)
{
	struct pageout_ctx *c = arg;
	size_t len;
	char *start;
	int ret, err;

	if (layout_range(r, l, &start, &len))
		return -EINVAL;
	ret = window_arm(c->w);
	if (ret)
		return ret;
	ret = madvise(start, len, MADV_PAGEOUT);
	err = ret ? errno : 0;
	window_disarm(c->w, ret, err);
	c->pages_advised += (long)(len / PAGE_SIZE_4K);
	if (ret) {
		c->failed_calls++;
	} else {
		long left = oracle_paged_out(c->test, "madvise_pageout", start, len);

		if (left < 0)
			return (int)left;
		c->still_resident += left;
		c->swapped += pagemap_count_swapped((uintptr_t)start, len);
	}
	c->corrupt += oracle_pattern(c->test, "after MADV_PAGEOUT", r->base, r->len, r->seed);
	return 0;
}

static void run_pageout(struct __test_metadata *_metadata, FIXTURE_DATA(thp_pageout) *self,
			const FIXTURE_VARIANT(thp_pageout) *variant, enum layout l)
{
	struct pageout_ctx c = { .w = &self->f.w, .test = self->f.test };
	char why[256];
	int ret;

	self->f.check_pfns = 1;	/* every folio freed after munmap (pfn_freed.h) */
	ret = cycle_run(&self->f, &variant->kind, l, pageout_cycle, &c, why, sizeof(why));
	if (ret == THP_REGION_SKIP)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	printf("# %s: MADV_PAGEOUT of %s: %ld pages advised, %ld swapped out, %ld still resident\n",
	       self->f.test, layout_name(l), c.pages_advised, c.swapped, c.still_resident);
	/*
	 * An error return is allowed, and pages left resident are a silent skip (the
	 * silent-skip line above), not a failed check: neither is a check line.
	 */
	printf("# %s: madvise returned an error in %ld of %ld cycles\n", self->f.test,
	       c.failed_calls, splitfail_iterations());
	EXPECT_EQ(0, report_check_zero(self->f.test, "pages_corrupted", c.corrupt));
	EXPECT_EQ(0, pfn_watch_report(&self->f.pfns, self->f.test));
}

TEST_F(thp_pageout, whole) { run_pageout(_metadata, self, variant, LAYOUT_WHOLE); }
TEST_F(thp_pageout, head) { run_pageout(_metadata, self, variant, LAYOUT_HEAD); }
TEST_F(thp_pageout, tail) { run_pageout(_metadata, self, variant, LAYOUT_TAIL); }
TEST_F(thp_pageout, middle) { run_pageout(_metadata, self, variant, LAYOUT_MIDDLE); }
TEST_F(thp_pageout, one_page) { run_pageout(_metadata, self, variant, LAYOUT_ONE_PAGE); }
TEST_F(thp_pageout, across_two) { run_pageout(_metadata, self, variant, LAYOUT_ACROSS_TWO); }
TEST_F(thp_pageout, all_but_one) { run_pageout(_metadata, self, variant, LAYOUT_ALL_BUT_ONE); }

SPLITFAIL_MAIN("madvise_cold_or_pageout_pte_range", "split_folio_to_list", "__split_huge_pmd",
	       "shrink_folio_list", "add_to_swap", "folio_alloc_swap");
