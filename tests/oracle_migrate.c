// SPDX-License-Identifier: GPL-2.0
/*
 * oracle_migrate: self-test of the migration oracle (workloads/lib/migrate_check.c).
 * Each case hands move_check_status() or pages_off_node() a real page in a state made on
 * purpose (a status array that claims node X for a page really on node Y, a status that is no
 * errno, a status slot left unwritten, a page that is not mapped at all) and asserts the
 * verdict; honest statuses and a real move_pages call must pass. Runs on one node: a page on
 * node 0 claimed to be on node 1 is exactly the lie the oracle exists to catch.
 * tests/oracles_migrate.t checks the evidence lines this prints.
 */
#include <errno.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "pagemap.h"
#include "pattern.h"
#include "thp_region.h"
#include "migrate_check.h"

#define NR_PAGES 8

struct pages {
	char *base;
	void *addr[NR_PAGES];
	int status[NR_PAGES];
	int real;	/* the node the pages are really on */
	int other;	/* a node they are not on: another node with memory, or real + 1 */
};

/* Maps and touches NR_PAGES pages; finds their node and one they are not on. */
static int pages_setup(struct pages *p)
{
	int i;

	memset(p, 0, sizeof(*p));
	p->base = mmap(NULL, NR_PAGES * PAGE_SIZE_4K, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p->base == MAP_FAILED)
		return -errno;
	pattern_fill(p->base, NR_PAGES * PAGE_SIZE_4K, 1);
	for (i = 0; i < NR_PAGES; i++)
		p->addr[i] = p->base + i * PAGE_SIZE_4K;
	p->real = page_node(p->base);
	if (p->real < 0)
		return p->real;
	p->other = numa_other_node(p->real);
	if (p->other < 0)
		p->other = p->real + 1;
	printf("# pages at 0x%lx real=%d claimed=%d\n", (unsigned long)p->base, p->real,
	       p->other);
	return 0;
}

static void fill_status(struct pages *p, int value)
{
	int i;

	for (i = 0; i < NR_PAGES; i++)
		p->status[i] = value;
}

TEST(claims_moved_page_that_stayed)
{
	struct move_check res;
	struct pages p;

	ASSERT_EQ(0, pages_setup(&p));
	fill_status(&p, p.other);
	/* move_pages "returned 0" and claims every page reached p.other */
	EXPECT_EQ(NR_PAGES, move_check_status("oracle.claims_moved", p.addr, p.status, NR_PAGES,
					      p.other, 0, &res));
	EXPECT_EQ(NR_PAGES, res.claims_moved);
	EXPECT_EQ(0, res.moved);
}

TEST(claims_moved_page_that_is_gone)
{
	struct move_check res;
	struct pages p;

	ASSERT_EQ(0, pages_setup(&p));
	ASSERT_EQ(0, munmap(p.base + 3 * PAGE_SIZE_4K, PAGE_SIZE_4K));
	fill_status(&p, p.real);
	EXPECT_EQ(1, move_check_status("oracle.claims_gone", p.addr, p.status, NR_PAGES, p.real,
				       0, &res));
	EXPECT_EQ(1, res.claims_moved);
	EXPECT_EQ(NR_PAGES - 1, res.moved);
}

/* Under MOVE_CHECK_UNSTABLE (thp_race) a contradicted claim is unverifiable, a bad status is not. */
TEST(unstable_claims_unverifiable_bad_status_still_counted)
{
	struct move_check res;
	struct pages p;

	ASSERT_EQ(0, pages_setup(&p));
	fill_status(&p, p.other);
	p.status[1] = -4000;
	EXPECT_EQ(1, move_check_status_flags("oracle.unstable", p.addr, p.status, NR_PAGES,
					     p.other, 0, MOVE_CHECK_UNSTABLE, &res));
	EXPECT_EQ(0, res.claims_moved);
	EXPECT_EQ(NR_PAGES - 1, res.unverifiable);
	EXPECT_EQ(1, res.bad_status);
}

TEST(status_that_is_no_errno)
{
	struct move_check res;
	struct pages p;

	ASSERT_EQ(0, pages_setup(&p));
	fill_status(&p, p.real);
	p.status[2] = -4000;	/* beyond MAX_ERRNO's named range: no errno */
	p.status[5] = -512;	/* ERESTARTSYS: kernel-internal, must never reach userspace */
	EXPECT_EQ(2, move_check_status("oracle.no_errno", p.addr, p.status, NR_PAGES, p.real, 0,
				       &res));
	EXPECT_EQ(2, res.bad_status);
}

TEST(status_naming_a_wrong_node)
{
	struct move_check res;
	struct pages p;

	ASSERT_EQ(0, pages_setup(&p));
	fill_status(&p, p.real);
	/* target other, status names a third node where the page is not */
	p.status[0] = p.other + p.real + 2;
	EXPECT_EQ(1, move_check_status("oracle.wrong_node", p.addr, p.status, NR_PAGES, p.other,
				       0, &res));
	EXPECT_EQ(1, res.bad_status);
}

TEST(unwritten_status_after_success)
{
	struct move_check res;
	struct pages p;

	ASSERT_EQ(0, pages_setup(&p));
	fill_status(&p, p.real);
	p.status[7] = MOVE_STATUS_UNSET;
	EXPECT_EQ(1, move_check_status("oracle.unwritten", p.addr, p.status, NR_PAGES, p.real, 0,
				       &res));
	EXPECT_EQ(1, res.bad_status);
	/* the same slot is allowed when the call said pages were not migrated */
	EXPECT_EQ(0, move_check_status("oracle.unwritten_ret", p.addr, p.status, NR_PAGES,
				       p.real, 1, &res));
	EXPECT_EQ(1, res.unreported);
}

TEST(honest_statuses_pass)
{
	struct move_check res;
	struct pages p;

	ASSERT_EQ(0, pages_setup(&p));
	fill_status(&p, p.real);
	p.status[1] = -EBUSY;
	p.status[4] = -ENOMEM;
	EXPECT_EQ(0, move_check_status("oracle.honest", p.addr, p.status, NR_PAGES, p.real, 0,
				       &res));
	EXPECT_EQ(NR_PAGES - 2, res.moved);
	EXPECT_EQ(2, res.errors);
}

TEST(real_move_pages_to_own_node_passes)
{
	struct move_check res;
	struct pages p;
	long ret;

	ASSERT_EQ(0, pages_setup(&p));
	ret = move_pages_to(p.addr, NR_PAGES, p.real, p.status, 0);
	ASSERT_EQ(0, ret) TH_LOG("move_pages: %s", strerror(errno));
	EXPECT_EQ(0, move_check_status("oracle.real_call", p.addr, p.status, NR_PAGES, p.real,
				       ret, &res));
	EXPECT_EQ(NR_PAGES, res.moved);
}

TEST(pages_off_node_counts_pages_elsewhere)
{
	uintptr_t first = 0;
	int first_node = -1;
	struct pages p;

	ASSERT_EQ(0, pages_setup(&p));
	EXPECT_EQ(NR_PAGES, pages_off_node(p.base, NR_PAGES * PAGE_SIZE_4K, p.other, &first,
					   &first_node));
	EXPECT_EQ((uintptr_t)p.base, first);
	EXPECT_EQ(p.real, first_node);
	EXPECT_EQ(0, pages_off_node(p.base, NR_PAGES * PAGE_SIZE_4K, p.real, &first,
				    &first_node));
}

TEST_HARNESS_MAIN
