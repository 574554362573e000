// SPDX-License-Identifier: GPL-2.0
/*
 * thp_deferred_migrate: THPs put on the deferred split list by a partial unmap (munmap of one
 * page, of the head page, or MADV_DONTNEED of the second half), then the rest migrated to
 * another node with move_pages(2) or with mbind(2) MPOL_BIND + MPOL_MF_MOVE | MPOL_MF_STRICT.
 * Oracle: the partial unmap must have queued the folios (thp_deferred_split_page delta), and
 * afterwards every remaining page is on the target node or carries an explicit error (a
 * negative status, a positive move_pages return, an mbind error); mbind returning 0 with a
 * page left behind is a silent skip; the data reads back unchanged; an munmap hole stays
 * unmapped and a DONTNEED'd range reads as zeroes (khugepaged may refill it).
 * Runs on PMD-mapped and PTE-mapped THPs and 64 kB mTHPs. SKIPs when fewer than two nodes
 * have memory.
 *
 * Kernel paths: zap_pte_range / __split_huge_pmd -> deferred_split_folio (partially mapped);
 * do_pages_move or do_mbind -> migrate_pages -> migrate_pages_batch, which splits a folio found
 * on the deferred list (try_split_folio -> split_folio_to_list -> __folio_split) and migrates
 * the pieces (migrate_folio_unmap -> try_to_migrate_one).
 * Guards seed 002 ("mm/migrate: split source folio if it is on deferred split list"): the
 * split pieces were put back on the list being walked, the walk ended early and
 * migrate_misplaced_folio hit BUG_ON(!list_empty(&migratepages)).
 */
#include <errno.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "workload.h"
#include "cycle.h"
#include "migrate_check.h"
#include "thp_stats.h"

#define MPOL_MF_STRICT_FLAG (1 << 0)	/* include/uapi/linux/mempolicy.h */
#define MPOL_MF_MOVE_FLAG (1 << 1)
#define NR_FOLIOS 4

enum hole_kind {
	HOLE_MUNMAP_PAGE,	/* munmap one page in the middle of each folio */
	HOLE_MUNMAP_HEAD,	/* munmap the first page of each folio */
	HOLE_DONTNEED_HALF,	/* MADV_DONTNEED the second half of each folio */
};

enum migrate_kind {
	BY_MOVE_PAGES,
	BY_MBIND,
};

SF_CYCLE_FIXTURE(thp_deferred_migrate, migrate_cycle_setup, "migrate");

FIXTURE_VARIANT_ADD(thp_deferred_migrate, pmd) {
	.kind = { .nr_folios = NR_FOLIOS },
};

FIXTURE_VARIANT_ADD(thp_deferred_migrate, pte_mapped) {
	.kind = { .nr_folios = NR_FOLIOS, .pte_mapped = 1 },
};

FIXTURE_VARIANT_ADD(thp_deferred_migrate, mthp_64k) {
	.kind = { .folio_kb = 64, .nr_folios = NR_FOLIOS },
};

/* The test case's plan and what its cycles found. */
struct deferred_ctx {
	struct window *w;
	const char *test;
	enum hole_kind hole;
	enum migrate_kind by;
	long not_queued;	/* cycles whose partial unmap did not queue every folio */
	long broken;		/* pages whose status broke the promise, bad mbind errno */
	long silent;		/* pages mbind left behind while returning 0 */
	long corrupt;		/* pages whose pattern changed */
	long hole_filled;	/* hole pages mapped again, or not reading as zeroes */
};

/* The hole in folio i: offset and length relative to the region. */
static void hole_of(const struct thp_region *r, enum hole_kind k, size_t i, size_t *off,
		    size_t *len)
{
	size_t fs = r->folio_size;

	*off = i * fs + (k == HOLE_MUNMAP_HEAD ? 0 : fs / 2);
	*len = k == HOLE_DONTNEED_HALF ? fs / 2 : PAGE_SIZE_4K;
}

/* Makes the hole in every folio. Returns 0 or -errno. */
static int make_holes(const struct thp_region *r, enum hole_kind k)
{
	size_t i, off, len;

	for (i = 0; i < r->nr_folios; i++) {
		hole_of(r, k, i, &off, &len);
		if (k == HOLE_DONTNEED_HALF ? madvise(r->base + off, len, MADV_DONTNEED) :
					      munmap(r->base + off, len))
			return -errno;
	}
	return 0;
}

/*
 * The mapped, populated runs around the holes: run j is [starts[j], starts[j] + lens[j]).
 * Returns the number of runs.
 */
static int remaining_runs(const struct thp_region *r, enum hole_kind k, char **starts,
			  size_t *lens)
{
	size_t i, off, len, at = 0;
	int n = 0;

	for (i = 0; i < r->nr_folios; i++) {
		hole_of(r, k, i, &off, &len);
		if (off > at) {
			starts[n] = r->base + at;
			lens[n++] = off - at;
		}
		at = off + len;
	}
	if (at < r->len) {
		starts[n] = r->base + at;
		lens[n++] = r->len - at;
	}
	return n;
}

/* Every 4K page of the runs into pages[]; returns how many. */
static long run_pages(char *const *starts, const size_t *lens, int runs, void **pages)
{
	long n = 0;
	size_t off;
	int j;

	for (j = 0; j < runs; j++)
		for (off = 0; off < lens[j]; off += PAGE_SIZE_4K)
			pages[n++] = starts[j] + off;
	return n;
}

/* mbind each run (the munmap holes split the VMAs; mbind rejects a range with a hole). */
static long mbind_runs(char *const *starts, const size_t *lens, int runs, int target, int *err)
{
	int j;

	*err = 0;
	for (j = 0; j < runs; j++) {
		if (mbind_to(starts[j], lens[j], target, MPOL_MF_MOVE_FLAG | MPOL_MF_STRICT_FLAG)) {
			*err = errno;
			return -1;
		}
	}
	return 0;
}

/* After mbind: a 0 return promised every page moved; otherwise report where they are. */
static long judge_mbind(struct deferred_ctx *c, char *const *starts, const size_t *lens,
			int runs, int target, long ret, int err)
{
	long off_total = 0, off;
	uintptr_t first = 0, f;
	int first_node = -1, fn, j;

	for (j = 0; j < runs; j++) {
		off = pages_off_node(starts[j], lens[j], target, &f, &fn);
		if (off < 0)
			return off;
		if (off && !off_total) {
			first = f;
			first_node = fn;
		}
		off_total += off;
	}
	printf("# %s: mbind ret=%ld errno=%s pages_not_on_target=%ld\n", c->test, ret,
	       err ? strerrorname_np(err) : "0", off_total);
	if (ret == 0 && off_total) {
		report_silent_skip(c->test, "mbind", off_total, first,
				   "mbind(MPOL_MF_MOVE|MPOL_MF_STRICT) returned 0, page on node %d "
				   "not target %d", first_node, target);
		c->silent += off_total;
	}
	if (ret != 0 && !strerrorname_np(err)) {
		report_evidence(c->test, "mbind errno", "an errno", "none", 0);
		return 1;
	}
	return 0;
}

/*
 * A DONTNEED'd range may be refilled (khugepaged collapses it with zero-filled pages under
 * max_ptes_none), but must read as zeroes: counts the present pages of [p, p + len) that do not.
 */
static long dontneed_pages_nonzero(const char *test, char *p, size_t len)
{
	static const char zero[PAGE_SIZE_4K];
	size_t off, nr = (len + PAGE_SIZE_4K - 1) / PAGE_SIZE_4K;
	uint64_t *entries = calloc(nr ? nr : 1, sizeof(*entries));
	struct page_info pi;
	long bad = 0;

	if (!entries || pagemap_entries((uintptr_t)p, nr, entries)) {
		free(entries);
		return 0;	/* as before: a page pagemap cannot show is not judged */
	}
	for (off = 0; off < len; off += PAGE_SIZE_4K) {
		page_info_from_entry(entries[off / PAGE_SIZE_4K], &pi);
		if (!pi.present)
			continue;
		if (!memcmp(p + off, zero, PAGE_SIZE_4K))
			continue;
		if (!bad++)
			report_evidence(test, "page dropped by MADV_DONTNEED", "zeroes",
					"old data", (uintptr_t)p + off);
	}
	free(entries);
	return bad;
}

/* The holes are still holes: munmapped pages unmapped, DONTNEED'd pages absent or zero. */
static long holes_intact(const struct deferred_ctx *c, const struct thp_region *r)
{
	size_t i, off, len;
	long bad = 0;

	for (i = 0; i < r->nr_folios; i++) {
		hole_of(r, c->hole, i, &off, &len);
		if (c->hole == HOLE_DONTNEED_HALF)
			bad += dontneed_pages_nonzero(c->test, r->base + off, len);
		else
			bad += oracle_unmapped(c->test, r->base + off, len);
	}
	return bad;
}

/*
 * Folios the partial unmap put on the deferred split list: the folio size's
 * stats/split_deferred, or thp_deferred_split_page for the PMD size on kernels without
 * per-size stats. -1 if neither exists.
 */
static long long deferred_count(const struct thp_region *r)
{
	long long v = thp_size_stat(r->folio_size, "split_deferred");

	if (v < 0 && r->folio_size == thp_pmd_size())
		v = vmstat_read("thp_deferred_split_page");
	return v;
}

/* Partial unmap, then one migration under the window and its oracles. */
static int deferred_cycle(struct thp_region *r, enum layout l, void *arg)
{
	struct deferred_ctx *c = arg;
	char *starts[NR_FOLIOS + 1];
	size_t lens[NR_FOLIOS + 1];
	long long q0, queued, split0;
	int runs, j, src, target, err, *status = NULL, *nodes = NULL;
	void **pages = NULL;
	struct move_check res;
	long nr, ret, bad;

	(void)l;
	src = page_node(r->base);
	target = numa_other_node(src);
	q0 = deferred_count(r);
	ret = make_holes(r, c->hole);
	if (ret)
		return (int)ret;
	queued = q0 < 0 ? -1 : deferred_count(r) - q0;
	printf("# splitfail: check test=%s what=folios_queued_for_deferred_split expected=>=%zu "
	       "actual=%lld result=%s\n", c->test, r->nr_folios, queued,
	       queued < 0 ? "unknown" : queued >= (long long)r->nr_folios ? "ok" : "FAIL");
	c->not_queued += queued >= 0 && queued < (long long)r->nr_folios;
	runs = remaining_runs(r, c->hole, starts, lens);
	pages = calloc(r->len / PAGE_SIZE_4K, sizeof(*pages));
	status = calloc(r->len / PAGE_SIZE_4K, sizeof(*status));
	if (!pages || !status) {
		free(pages);
		free(status);
		return -ENOMEM;
	}
	nr = run_pages(starts, lens, runs, pages);
	split0 = thp_size_stat(r->folio_size, "split");
	if (c->by == BY_MOVE_PAGES) {
		nodes = move_pages_nodes(nr, target, status);	/* written before the window */
		if (!nodes) {
			free(pages);
			free(status);
			return -ENOMEM;
		}
	}

	window_arm(c->w);
	if (c->by == BY_MOVE_PAGES) {
		ret = move_pages_call(pages, nr, nodes, status, MPOL_MF_MOVE_FLAG);
		err = ret < 0 ? errno : 0;
	} else {
		ret = mbind_runs(starts, lens, runs, target, &err);
	}
	window_disarm(c->w, ret, err);
	free(nodes);

	printf("# %s: %ld remaining pages node %d -> %d; folios split during migration %lld\n",
	       c->test, nr, src, target,
	       split0 < 0 ? -1 : thp_size_stat(r->folio_size, "split") - split0);
	if (c->by == BY_MOVE_PAGES)
		bad = move_check_status(c->test, pages, status, nr, target, ret, &res);
	else
		bad = judge_mbind(c, starts, lens, runs, target, ret, err);
	free(pages);
	free(status);
	if (bad < 0)
		return (int)bad;
	c->broken += bad;
	for (j = 0; j < runs; j++)
		c->corrupt += oracle_pattern(c->test, "after migration", starts[j], lens[j],
					     r->seed);
	c->hole_filled += holes_intact(c, r);
	return 0;
}

static void run_deferred(struct __test_metadata *_metadata,
			 FIXTURE_DATA(thp_deferred_migrate) *self,
			 const FIXTURE_VARIANT(thp_deferred_migrate) *variant, enum hole_kind hole,
			 enum migrate_kind by)
{
	struct deferred_ctx c = { .w = &self->f.w, .test = self->f.test, .hole = hole, .by = by };
	char why[256];
	int ret;

	self->f.check_pfns = 1;	/* every folio freed after migration and munmap (pfn_freed.h) */
	ret = cycle_run(&self->f, &variant->kind, LAYOUT_WHOLE, deferred_cycle, &c, why,
			sizeof(why));
	if (ret == THP_REGION_SKIP)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	report_check_zero(self->f.test, "pages_left_behind_by_successful_mbind", c.silent);
	EXPECT_EQ(0, report_check_zero(self->f.test, "cycles_folios_not_queued", c.not_queued));
	EXPECT_EQ(0, report_check_zero(self->f.test, "pages_status_broken", c.broken));
	EXPECT_EQ(0, report_check_zero(self->f.test, "pages_corrupted", c.corrupt));
	EXPECT_EQ(0, report_check_zero(self->f.test, "hole_pages_with_data", c.hole_filled));
	EXPECT_EQ(0, pfn_watch_report(&self->f.pfns, self->f.test));
}

TEST_F(thp_deferred_migrate, munmap_page_move_pages)
{
	run_deferred(_metadata, self, variant, HOLE_MUNMAP_PAGE, BY_MOVE_PAGES);
}

TEST_F(thp_deferred_migrate, munmap_head_move_pages)
{
	run_deferred(_metadata, self, variant, HOLE_MUNMAP_HEAD, BY_MOVE_PAGES);
}

TEST_F(thp_deferred_migrate, dontneed_half_move_pages)
{
	run_deferred(_metadata, self, variant, HOLE_DONTNEED_HALF, BY_MOVE_PAGES);
}

TEST_F(thp_deferred_migrate, munmap_page_mbind)
{
	run_deferred(_metadata, self, variant, HOLE_MUNMAP_PAGE, BY_MBIND);
}

TEST_F(thp_deferred_migrate, munmap_head_mbind)
{
	run_deferred(_metadata, self, variant, HOLE_MUNMAP_HEAD, BY_MBIND);
}

TEST_F(thp_deferred_migrate, dontneed_half_mbind)
{
	run_deferred(_metadata, self, variant, HOLE_DONTNEED_HALF, BY_MBIND);
}

SPLITFAIL_MAIN("deferred_split_folio", "migrate_pages", "migrate_pages_batch", "try_split_folio",
	       "split_folio_to_list", "__folio_split", "split_huge_page_to_list_to_order",
	       "migrate_folio_unmap", "try_to_migrate_one", "do_mbind")
