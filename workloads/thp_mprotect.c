/*
 * thp_mprotect: mprotect(PROT_READ) and mprotect(PROT_NONE) of part of THP-backed memory
 * (head, tail, middle, one page, across two adjacent THPs, all but one page), then back to
 * read-write, on PMD-mapped THPs, PTE-mapped THPs, several THPs and mTHP sizes. Reaches the
 * VMA split (__split_vma, vma_modify), the PMD split (__split_huge_pmd, change_huge_pmd) and
 * change_protection; guards seed 001 (a fallible PMD split must not leave part of the range
 * with its old protection while mprotect returns 0).
 * Oracle, page by page: mprotect returns 0 => every page in the range has the new protection
 * (a write to a PROT_READ page faults, a read of a PROT_NONE page faults) and every page
 * outside stays read-write; mprotect fails => each page has either protection. After the
 * restore to read-write (outside the window) the whole region is read-write with its pattern.
 */
#include <errno.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "cycle.h"
#include "layout.h"
#include "workload.h"

SF_CYCLE_FIXTURE(thp_mprotect, cycle_setup, "mprotect");

SF_THP_KIND_VARIANTS(thp_mprotect);

/* What one test case's cycles found, reported once at its end. */
struct mprotect_ctx {
	struct window *w;
	const char *test;
	int prot;		/* protection under test */
	long failed_calls;	/* mprotect returned an error */
	long inside_bad;	/* pages in the range without the promised protection */
	long outside_bad;	/* pages outside the range no longer read-write */
	long restore_failed;	/* mprotect back to read-write failed (outside the window) */
	long after_restore_bad;	/* pages not read-write after the restore */
	long corrupt;		/* pages whose pattern changed */
};

static int mprotect_cycle(struct thp_region *r, enum layout l, void *arg)
{
	struct mprotect_ctx *c = arg;
	char *start, *end, *region_end = r->base + r->len;
	const int rw = PROT_READ | PROT_WRITE;
	size_t len;
	int ret, err;

	if (layout_range(r, l, &start, &len))
		return -EINVAL;
	end = start + len;
	ret = window_arm(c->w);
	if (ret)
		return ret;
	ret = mprotect(start, len, c->prot);
	err = ret ? errno : 0;
	window_disarm(c->w, ret, err);
	if (ret) {
		c->failed_calls++;
		c->inside_bad += oracle_prot_either(c->test, start, len, c->prot, rw);
	} else {
		c->inside_bad += oracle_prot(c->test, start, len, c->prot);
	}
	c->outside_bad += oracle_prot(c->test, r->base, (size_t)(start - r->base), rw);
	c->outside_bad += oracle_prot(c->test, end, (size_t)(region_end - end), rw);
	if (mprotect(start, len, rw)) {
		c->restore_failed++;
		report_evidence(c->test, "mprotect back to read-write", "0", strerror(errno),
				(uintptr_t)start);
		return 0;
	}
	c->after_restore_bad += oracle_prot(c->test, r->base, r->len, rw);
	c->corrupt += oracle_pattern(c->test, "after mprotect and restore", r->base, r->len,
				     r->seed);
	return 0;
}

static void run_mprotect(struct __test_metadata *_metadata, FIXTURE_DATA(thp_mprotect) *self,
			 const FIXTURE_VARIANT(thp_mprotect) *variant, enum layout l, int prot)
{
	struct mprotect_ctx c = { .w = &self->f.w, .test = self->f.test, .prot = prot };
	char why[256];
	int ret;

	printf("# %s: mprotect(%s) of %s, then back to PROT_READ|PROT_WRITE\n", self->f.test,
	       prot_name(prot), layout_name(l));
	self->f.check_pfns = 1;	/* every folio freed after munmap (pfn_freed.h) */
	ret = cycle_run(&self->f, &variant->kind, l, mprotect_cycle, &c, why, sizeof(why));
	if (ret == THP_REGION_SKIP)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	/* an error return is allowed (the state checks above judged it), so not a check line */
	printf("# %s: mprotect returned an error in %ld of %ld cycles\n", self->f.test,
	       c.failed_calls, splitfail_iterations());
	EXPECT_EQ(0, report_check_zero(self->f.test, "pages_inside_wrong_prot", c.inside_bad));
	EXPECT_EQ(0, report_check_zero(self->f.test, "pages_outside_not_rw", c.outside_bad));
	EXPECT_EQ(0, report_check_zero(self->f.test, "restore_failed", c.restore_failed));
	EXPECT_EQ(0, report_check_zero(self->f.test, "pages_not_rw_after_restore",
				       c.after_restore_bad));
	EXPECT_EQ(0, report_check_zero(self->f.test, "pages_corrupted", c.corrupt));
	EXPECT_EQ(0, pfn_watch_report(&self->f.pfns, self->f.test));
}

#define MPROTECT_TEST(name, layout, prot) \
	TEST_F(thp_mprotect, name) { run_mprotect(_metadata, self, variant, layout, prot); }

MPROTECT_TEST(read_head, LAYOUT_HEAD, PROT_READ)
MPROTECT_TEST(read_tail, LAYOUT_TAIL, PROT_READ)
MPROTECT_TEST(read_middle, LAYOUT_MIDDLE, PROT_READ)
MPROTECT_TEST(read_one_page, LAYOUT_ONE_PAGE, PROT_READ)
MPROTECT_TEST(read_across_two, LAYOUT_ACROSS_TWO, PROT_READ)
MPROTECT_TEST(read_all_but_one, LAYOUT_ALL_BUT_ONE, PROT_READ)
MPROTECT_TEST(none_head, LAYOUT_HEAD, PROT_NONE)
MPROTECT_TEST(none_tail, LAYOUT_TAIL, PROT_NONE)
MPROTECT_TEST(none_middle, LAYOUT_MIDDLE, PROT_NONE)
MPROTECT_TEST(none_one_page, LAYOUT_ONE_PAGE, PROT_NONE)
MPROTECT_TEST(none_across_two, LAYOUT_ACROSS_TWO, PROT_NONE)
MPROTECT_TEST(none_all_but_one, LAYOUT_ALL_BUT_ONE, PROT_NONE)

SPLITFAIL_MAIN("__split_vma", "vma_modify", "__split_huge_pmd", "change_huge_pmd",
	       "change_protection", "mas_store_gfp");
