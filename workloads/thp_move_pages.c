// SPDX-License-Identifier: GPL-2.0
/*
 * thp_move_pages: move_pages(2) of THP-backed memory to another NUMA node: every page of a
 * whole folio, one page, half a folio, across two folios, and scattered single pages, on
 * PMD-mapped and PTE-mapped THPs, several THPs and mTHP sizes (layout.h kinds).
 * Oracle (docs/protocol.md "Operation oracles", workloads/lib/migrate_check.c): every status is the target node or a
 * negative errno the kernel defines; a page whose status names the target node is really
 * there (move_pages with nodes = NULL) and present in pagemap; a status naming another node
 * tells the truth; the data reads back unchanged everywhere. SKIPs when fewer than two nodes
 * have memory.
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
#include "cycle.h"
#include "migrate_check.h"

#define MPOL_MF_MOVE_FLAG (1 << 1)	/* MPOL_MF_MOVE, include/uapi/linux/mempolicy.h */
#define SCATTER_STRIDE 37		/* pages between two scattered pages */

SF_CYCLE_FIXTURE(thp_move_pages, migrate_cycle_setup, "move_pages");

SF_THP_KIND_VARIANTS(thp_move_pages);

/* What one test case's cycles found, reported once at its end. */
struct move_ctx {
	struct window *w;
	const char *test;
	size_t stride;		/* 0: every page of the layout, else every stride-th of the region */
	long asked, moved, errors, unreported;
	long broken;		/* pages whose status broke the promise */
	long corrupt;		/* pages whose pattern changed */
};

/* One move_pages under the window and its oracles. Returns 0 or -errno to stop the test. */
static int move_cycle(struct thp_region *r, enum layout l, void *arg)
{
	struct move_ctx *c = arg;
	size_t len, off, step = PAGE_SIZE_4K * (c->stride ? c->stride : 1);
	int src, target, err, *status, *nodes;
	struct move_check res;
	long nr = 0, ret, bad;
	void **pages;
	char *start;

	if (c->stride) {
		start = r->base + PAGE_SIZE_4K;
		len = r->len - PAGE_SIZE_4K;
	} else if (layout_range(r, l, &start, &len)) {
		return -EINVAL;
	}
	pages = calloc(len / step + 1, sizeof(*pages));
	status = calloc(len / step + 1, sizeof(*status));
	if (!pages || !status) {
		free(pages);
		free(status);
		return -ENOMEM;
	}
	for (off = 0; off < len; off += step)
		pages[nr++] = start + off;
	src = page_node(r->base);
	target = numa_other_node(src);

	nodes = move_pages_nodes(nr, target, status);	/* written before the window */
	if (!nodes) {
		free(pages);
		free(status);
		return -ENOMEM;
	}
	window_arm(c->w);
	ret = move_pages_call(pages, nr, nodes, status, MPOL_MF_MOVE_FLAG);
	err = ret < 0 ? errno : 0;
	window_disarm(c->w, ret, err);
	free(nodes);

	printf("# %s: %ld pages node %d -> %d: ret=%ld errno=%s\n", c->test, nr, src, target,
	       ret, err ? strerrorname_np(err) : "0");
	bad = move_check_status(c->test, pages, status, nr, target, ret, &res);
	free(pages);
	free(status);
	if (bad < 0)
		return (int)bad;
	c->asked += nr;
	c->moved += res.moved;
	c->errors += res.errors;
	c->unreported += res.unreported;
	c->broken += bad;
	c->corrupt += oracle_pattern(c->test, "after move_pages", r->base, r->len, r->seed);
	printf("# %s: folios still whole THPs after the move: %ld of %zu\n", c->test,
	       thp_region_count_thp(r), r->nr_folios);
	return 0;
}

static void run_move(struct __test_metadata *_metadata, FIXTURE_DATA(thp_move_pages) *self,
		     const FIXTURE_VARIANT(thp_move_pages) *variant, enum layout l,
		     size_t stride)
{
	struct move_ctx c = { .w = &self->f.w, .test = self->f.test, .stride = stride };
	char why[256];
	int ret;

	self->f.check_pfns = 1;	/* every folio freed after munmap (pfn_freed.h) */
	ret = cycle_run(&self->f, &variant->kind, l, move_cycle, &c, why, sizeof(why));
	if (ret == THP_REGION_SKIP)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	printf("# %s: pages asked=%ld moved=%ld errors=%ld unreported=%ld\n", self->f.test,
	       c.asked, c.moved, c.errors, c.unreported);
	EXPECT_EQ(0, report_check_zero(self->f.test, "pages_status_broken", c.broken));
	EXPECT_EQ(0, report_check_zero(self->f.test, "pages_corrupted", c.corrupt));
	EXPECT_EQ(0, pfn_watch_report(&self->f.pfns, self->f.test));
}

TEST_F(thp_move_pages, whole) { run_move(_metadata, self, variant, LAYOUT_WHOLE, 0); }
TEST_F(thp_move_pages, one_page) { run_move(_metadata, self, variant, LAYOUT_ONE_PAGE, 0); }
TEST_F(thp_move_pages, half) { run_move(_metadata, self, variant, LAYOUT_HEAD, 0); }
TEST_F(thp_move_pages, across_two) { run_move(_metadata, self, variant, LAYOUT_ACROSS_TWO, 0); }
TEST_F(thp_move_pages, scattered)
{
	run_move(_metadata, self, variant, LAYOUT_ACROSS_TWO, SCATTER_STRIDE);
}

SPLITFAIL_MAIN("do_pages_move", "migrate_pages", "migrate_pages_batch", "migrate_folio_unmap",
	       "try_to_migrate_one", "set_pmd_migration_entry", "move_to_new_folio",
	       "split_folio_to_list", "__folio_split", "split_huge_page_to_list_to_order")
