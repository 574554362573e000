// SPDX-License-Identifier: GPL-2.0
/*
 * thp_fork_cow: fork() with THPs mapped, then copy-on-write writes in the parent, the
 * children or both (across two folios), with several children, and after a partial munmap
 * before fork, on PMD-mapped and PTE-mapped THPs, several THPs and mTHP sizes (layout.h).
 * Oracle (docs/protocol.md "Operation oracles", workloads/lib/cow_check.c): each side sees only its own writes, or fork
 * fails with ENOMEM/EAGAIN, leaves no child and the parent's data intact.
 *
 * Kernel paths: fork -> dup_mmap -> copy_page_range -> copy_huge_pmd (PMD-mapped THP: the
 * PTE table deposited for the child is allocated here and can fail) or copy_pte_range ->
 * copy_present_ptes (PTE-mapped THP, mTHP); the first write after fork takes
 * do_huge_pmd_wp_page -> __split_huge_pmd (thp_split_pmd) or wp_page_copy.
 * Guards the error paths of dup_mmap/copy_huge_pmd that the seed 001 series touches (PTE table
 * allocation at split time) and the refcount / mapcount accounting of CoW on large folios.
 *
 * The injection window is the first fork() only; the child disarms itself first thing.
 */
#include <errno.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "workload.h"
#include "cycle.h"
#include "cow_check.h"

#define SEVERAL_CHILDREN 4

SF_CYCLE_FIXTURE(thp_fork_cow, cycle_setup, "fork");

SF_THP_KIND_VARIANTS(thp_fork_cow);

/* The test case's plan and what its cycles found. */
struct fork_ctx {
	struct window *w;
	const char *test;
	enum cow_writers writers;
	int nr_children;
	int hole;		/* munmap one page (LAYOUT_ONE_PAGE) before fork */
	long forks, failed_forks;
	long broken;		/* cow_run's broken promises */
};

/* One fork under the window and the CoW oracle. Returns 0 or -errno to stop the test. */
static int fork_cycle(struct thp_region *r, enum layout l, void *arg)
{
	struct fork_ctx *c = arg;
	struct cow_outcome out;
	struct cow_plan p = {
		.base = r->base, .len = r->len, .seed = r->seed,
		.writers = c->writers, .nr_children = c->nr_children,
	};
	char *start;
	size_t len;
	long bad;

	if (layout_range(r, l, &start, &len))
		return -EINVAL;
	p.write_off = (size_t)(start - r->base);
	p.write_len = len;
	if (c->hole) {
		/* the hole is the layout's page; the writers take everything after it */
		p.hole_off = p.write_off;
		p.hole_len = PAGE_SIZE_4K;
		p.write_off = p.hole_off + p.hole_len;
		p.write_len = r->len - p.write_off;
		if (munmap(r->base + p.hole_off, p.hole_len))
			return -errno;
	}
	bad = cow_run(c->test, &p, c->w, &out);
	if (bad < 0)
		return (int)bad;
	printf("# %s: fork ret=%ld errno=%s children=%d parent_bad=%ld child_bad=%ld\n",
	       c->test, out.fork_ret, out.fork_errno ? strerrorname_np(out.fork_errno) : "0",
	       out.children, out.parent_bad_pages, out.child_bad_pages);
	c->forks++;
	c->failed_forks += out.fork_ret < 0;
	c->broken += bad;
	return 0;
}

static void run_fork(struct __test_metadata *_metadata, FIXTURE_DATA(thp_fork_cow) *self,
		     const FIXTURE_VARIANT(thp_fork_cow) *variant, enum layout l,
		     enum cow_writers writers, int nr_children, int hole)
{
	struct fork_ctx c = {
		.w = &self->f.w, .test = self->f.test, .writers = writers,
		.nr_children = nr_children, .hole = hole,
	};
	char why[256];
	int ret;

	self->f.check_pfns = 1;	/* every folio freed after munmap (pfn_freed.h) */
	ret = cycle_run(&self->f, &variant->kind, l, fork_cycle, &c, why, sizeof(why));
	if (ret == THP_REGION_SKIP)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	printf("# %s: forks=%ld failed=%ld\n", self->f.test, c.forks, c.failed_forks);
	EXPECT_EQ(0, report_check_zero(self->f.test, "cow_promises_broken", c.broken));
	EXPECT_EQ(0, pfn_watch_report(&self->f.pfns, self->f.test));
}

TEST_F(thp_fork_cow, parent_writes)
{
	run_fork(_metadata, self, variant, LAYOUT_ACROSS_TWO, COW_PARENT_WRITES, 1, 0);
}

TEST_F(thp_fork_cow, child_writes)
{
	run_fork(_metadata, self, variant, LAYOUT_ACROSS_TWO, COW_CHILD_WRITES, 1, 0);
}

TEST_F(thp_fork_cow, both_write)
{
	run_fork(_metadata, self, variant, LAYOUT_ACROSS_TWO, COW_BOTH_WRITE, 1, 0);
}

TEST_F(thp_fork_cow, several_children)
{
	run_fork(_metadata, self, variant, LAYOUT_ACROSS_TWO, COW_BOTH_WRITE, SEVERAL_CHILDREN, 0);
}

TEST_F(thp_fork_cow, after_partial_munmap)
{
	run_fork(_metadata, self, variant, LAYOUT_ONE_PAGE, COW_BOTH_WRITE, 1, 1);
}

SPLITFAIL_MAIN("dup_mmap", "copy_page_range", "copy_huge_pmd", "copy_pte_range",
	       "copy_present_ptes", "__split_huge_pmd", "do_huge_pmd_wp_page", "wp_page_copy")
