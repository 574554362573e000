/*
 * thp_munmap: partial munmap of THP-backed memory (head, tail, middle, one page, across two
 * adjacent THPs, all but one page) on PMD-mapped THPs, PTE-mapped THPs, several THPs and
 * mTHP sizes. Reaches the VMA split (__split_vma), the PMD split (__split_huge_pmd) and the
 * deferred split queue of partially unmapped folios; guards seed 001 (fallible PMD split:
 * munmap must not skip part of its range) and seed 002 (partially unmapped THPs are what the
 * deferred-split/migration crash starts from).
 * Oracle: munmap returns 0 => every page of the range is gone (access faults, no VMA in
 * /proc/self/maps), every other page is still read-write and reads back its pattern;
 * munmap fails => the whole region is still mapped read-write and intact.
 * Under SPLITFAIL_ITERATIONS=n it repeats map + munmap + check n times (throughput mode).
 */
#include <errno.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "cycle.h"
#include "layout.h"
#include "workload.h"

SF_CYCLE_FIXTURE(thp_munmap, cycle_setup, "munmap");

SF_THP_KIND_VARIANTS(thp_munmap);

/* What one test case's cycles found, reported once at its end. */
struct munmap_ctx {
	struct window *w;
	const char *test;
	long failed_calls;	/* munmap returned an error */
	long still_mapped;	/* pages of the range still mapped after success */
	long rest_bad_prot;	/* pages outside the range no longer read-write */
	long corrupt;		/* pages whose pattern changed */
};

/* One munmap under the window and its oracle. Returns 0 or -errno to stop the test. */
static int munmap_cycle(struct thp_region *r, enum layout l, void *arg)
{
	struct munmap_ctx *c = arg;
	char *start, *end, *region_end = r->base + r->len;
	size_t len;
	int ret, err;

	if (layout_range(r, l, &start, &len))
		return -EINVAL;
	end = start + len;
	ret = window_arm(c->w);
	if (ret)
		return ret;
	ret = munmap(start, len);
	err = ret ? errno : 0;
	window_disarm(c->w, ret, err);
	if (ret) {
		c->failed_calls++;
		c->rest_bad_prot += oracle_prot(c->test, r->base, r->len, PROT_READ | PROT_WRITE);
		c->corrupt += oracle_pattern(c->test, "after failed munmap", r->base, r->len,
					     r->seed);
		return 0;
	}
	c->still_mapped += oracle_unmapped(c->test, start, len);
	c->rest_bad_prot += oracle_prot(c->test, r->base, (size_t)(start - r->base),
					PROT_READ | PROT_WRITE);
	c->rest_bad_prot += oracle_prot(c->test, end, (size_t)(region_end - end),
					PROT_READ | PROT_WRITE);
	c->corrupt += oracle_pattern(c->test, "before the hole", r->base,
				     (size_t)(start - r->base), r->seed);
	c->corrupt += oracle_pattern(c->test, "after the hole", end, (size_t)(region_end - end),
				     r->seed);
	return 0;
}

static void run_munmap(struct __test_metadata *_metadata, FIXTURE_DATA(thp_munmap) *self,
		       const FIXTURE_VARIANT(thp_munmap) *variant, enum layout l)
{
	struct munmap_ctx c = { .w = &self->f.w, .test = self->f.test };
	char why[256];
	int ret;

	self->f.check_pfns = 1;	/* every folio freed after munmap (pfn_freed.h) */
	ret = cycle_run(&self->f, &variant->kind, l, munmap_cycle, &c, why, sizeof(why));
	if (ret == THP_REGION_SKIP)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	/* an error return is allowed (the state checks above judged it), so not a check line */
	printf("# %s: munmap returned an error in %ld of %ld cycles\n", self->f.test,
	       c.failed_calls, splitfail_iterations());
	EXPECT_EQ(0, report_check_zero(self->f.test, "pages_still_mapped", c.still_mapped));
	EXPECT_EQ(0, report_check_zero(self->f.test, "pages_outside_not_rw", c.rest_bad_prot));
	EXPECT_EQ(0, report_check_zero(self->f.test, "pages_corrupted", c.corrupt));
	EXPECT_EQ(0, pfn_watch_report(&self->f.pfns, self->f.test));
}

TEST_F(thp_munmap, head) { run_munmap(_metadata, self, variant, LAYOUT_HEAD); }
TEST_F(thp_munmap, tail) { run_munmap(_metadata, self, variant, LAYOUT_TAIL); }
TEST_F(thp_munmap, middle) { run_munmap(_metadata, self, variant, LAYOUT_MIDDLE); }
TEST_F(thp_munmap, one_page) { run_munmap(_metadata, self, variant, LAYOUT_ONE_PAGE); }
TEST_F(thp_munmap, across_two) { run_munmap(_metadata, self, variant, LAYOUT_ACROSS_TWO); }
TEST_F(thp_munmap, all_but_one) { run_munmap(_metadata, self, variant, LAYOUT_ALL_BUT_ONE); }

SPLITFAIL_MAIN("__split_vma", "__split_huge_pmd", "vms_gather_munmap_vmas",
	       "deferred_split_folio", "mas_store_gfp", "zap_pmd_range");
