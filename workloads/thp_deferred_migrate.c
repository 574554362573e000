// SPDX-License-Identifier: GPL-2.0
/*
 * thp_deferred_migrate: THPs put on the deferred split list by a partial unmap (munmap of one
 * page, of the head page, or MADV_DONTNEED of the second half), then the rest migrated to
 * another node with move_pages(2) or with mbind(2) MPOL_BIND + MPOL_MF_MOVE | MPOL_MF_STRICT.
 * Oracle: the partial unmap must have queued the folios (thp_deferred_split_page delta), and
 * afterwards every remaining page is on the target node or carries an explicit error (a
 * negative status, a positive move_pages return, an mbind error); mbind returning 0 with a
 * page left behind is a silent skip; the data reads back unchanged; the hole stays a hole.
 * SKIPs when fewer than two nodes have memory.
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

FIXTURE(deferred) {
	struct window w;
	char id[256];
};

FIXTURE_VARIANT(deferred) {
	enum hole_kind hole;
	enum migrate_kind by;
};

FIXTURE_VARIANT_ADD(deferred, munmap_page_move_pages) {
	.hole = HOLE_MUNMAP_PAGE, .by = BY_MOVE_PAGES,
};

FIXTURE_VARIANT_ADD(deferred, munmap_head_move_pages) {
	.hole = HOLE_MUNMAP_HEAD, .by = BY_MOVE_PAGES,
};

FIXTURE_VARIANT_ADD(deferred, dontneed_half_move_pages) {
	.hole = HOLE_DONTNEED_HALF, .by = BY_MOVE_PAGES,
};

FIXTURE_VARIANT_ADD(deferred, munmap_page_mbind) {
	.hole = HOLE_MUNMAP_PAGE, .by = BY_MBIND,
};

FIXTURE_VARIANT_ADD(deferred, munmap_head_mbind) {
	.hole = HOLE_MUNMAP_HEAD, .by = BY_MBIND,
};

FIXTURE_VARIANT_ADD(deferred, dontneed_half_mbind) {
	.hole = HOLE_DONTNEED_HALF, .by = BY_MBIND,
};

FIXTURE_SETUP(deferred)
{
	char why[256];
	int ret;

	SF_TEST_ID(self->id);
	ret = numa_require_two(why, sizeof(why));
	if (ret == 1)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	ret = window_setup(&self->w, self->id,
			   variant->by == BY_MBIND ? "mbind" : "move_pages", why, sizeof(why));
	if (ret == KSFT_SKIP)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
}

FIXTURE_TEARDOWN(deferred)
{
}

/* The hole in folio i: offset and length relative to the region. */
static void hole_of(const struct thp_region *r, enum hole_kind k, size_t i, size_t *off,
		    size_t *len)
{
	size_t fs = r->folio_size;

	*off = i * fs + (k == HOLE_MUNMAP_PAGE ? fs / 2 : k == HOLE_DONTNEED_HALF ? fs / 2 : 0);
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
static long judge_mbind(const char *id, char *const *starts, const size_t *lens, int runs,
			int target, long ret, int err)
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
	printf("# %s: mbind ret=%ld errno=%s pages_not_on_target=%ld\n", id, ret,
	       err ? strerrorname_np(err) : "0", off_total);
	if (ret == 0 && off_total) {
		report_silent_skip(id, "mbind", off_total, first,
				   "mbind(MPOL_MF_MOVE|MPOL_MF_STRICT) returned 0, page on node %d "
				   "not target %d", first_node, target);
	}
	if (ret != 0 && !strerrorname_np(err)) {
		report_evidence(id, "mbind errno", "an errno", "none", 0);
		return 1;
	}
	return 0;
}

/*
 * Folios the partial unmap put on the deferred split list: thp_deferred_split_page, or the
 * PMD size's stats/split_deferred when /proc/vmstat has no event counters. -1 if neither.
 */
static long long deferred_queued(const struct vmstat_snapshot *s1,
				 const struct vmstat_snapshot *s2, long long stat1, long long stat2)
{
	if (vmstat_snapshot_get(s2, "thp_deferred_split_page") >= 0)
		return vmstat_delta(s1, s2, "thp_deferred_split_page");
	if (stat1 >= 0 && stat2 >= 0)
		return stat2 - stat1;
	return -1;
}

TEST_F(deferred, migrate_partially_unmapped)
{
	struct vmstat_snapshot *s0 = malloc(sizeof(*s0)), *s1 = malloc(sizeof(*s1));
	struct vmstat_snapshot *s2 = malloc(sizeof(*s2));
	long i, nr, ret, bad = 0, iterations = splitfail_iterations();
	uint64_t seed = splitfail_seed();
	char *starts[NR_FOLIOS + 1];
	size_t lens[NR_FOLIOS + 1], off, len;
	long long queued, st1, st2, split1;
	void **pages = NULL;
	int *status = NULL;
	struct move_check res;
	struct rate_meter rate;
	struct thp_region r;
	int err, src, target, runs, j;
	char why[256];

	ASSERT_NE(NULL, s0);
	ASSERT_NE(NULL, s1);
	ASSERT_NE(NULL, s2);
	vmstat_snapshot_take(s0);
	rate_start(&rate);
	for (i = 0; i < iterations && !bad; i++) {
		ret = thp_region_map(&r, NR_FOLIOS, thp_pmd_size(), seed, why, sizeof(why));
		if (ret == THP_REGION_SKIP)
			SKIP(return, "%s", why);
		ASSERT_EQ(0, ret) TH_LOG("%s", why);
		src = page_node(r.base);
		target = numa_other_node(src);
		ASSERT_LE(0, target) TH_LOG("no node besides %d", src);
		if (!pages) {
			pages = calloc(r.len / PAGE_SIZE_4K, sizeof(*pages));
			status = calloc(r.len / PAGE_SIZE_4K, sizeof(*status));
			ASSERT_NE(NULL, pages);
			ASSERT_NE(NULL, status);
		}

		vmstat_snapshot_take(s1);
		st1 = thp_size_stat(r.folio_size, "split_deferred");
		ASSERT_EQ(0, make_holes(&r, variant->hole));
		st2 = thp_size_stat(r.folio_size, "split_deferred");
		vmstat_snapshot_take(s2);
		queued = deferred_queued(s1, s2, st1, st2);
		printf("# splitfail: check test=%s what=deferred_split_queued expected=>=%d "
		       "actual=%lld result=%s\n", self->id, NR_FOLIOS, queued,
		       queued < 0 ? "unknown" : queued >= NR_FOLIOS ? "ok" : "FAIL");
		ASSERT_TRUE(queued < 0 || queued >= NR_FOLIOS)
			TH_LOG("partial unmap put %lld of %d folios on the deferred list", queued,
			       NR_FOLIOS);
		split1 = thp_size_stat(r.folio_size, "split");
		runs = remaining_runs(&r, variant->hole, starts, lens);
		nr = run_pages(starts, lens, runs, pages);

		window_arm(&self->w);
		if (variant->by == BY_MOVE_PAGES) {
			ret = move_pages_to(pages, nr, target, status, MPOL_MF_MOVE_FLAG);
			err = ret < 0 ? errno : 0;
		} else {
			ret = mbind_runs(starts, lens, runs, target, &err);
		}
		window_disarm(&self->w, ret, err);

		printf("# %s: %ld remaining pages node %d -> %d, deferred queued %lld, "
		       "PMD-size folios split during migration %lld\n", self->id, nr, src, target,
		       queued, split1 < 0 ? -1 : thp_size_stat(r.folio_size, "split") - split1);
		if (variant->by == BY_MOVE_PAGES)
			bad = move_check_status(self->id, pages, status, nr, target, ret, &res);
		else
			bad = judge_mbind(self->id, starts, lens, runs, target, ret, err);
		ASSERT_LE(0, bad) TH_LOG("could not read page nodes: %s", strerror((int)-bad));
		for (j = 0; j < runs; j++)
			bad += oracle_pattern(self->id, "after migration", starts[j], lens[j], seed);
		for (j = 0; j < NR_FOLIOS; j++) {
			hole_of(&r, variant->hole, (size_t)j, &off, &len);
			if (variant->hole == HOLE_DONTNEED_HALF)
				bad += report_check_long(self->id, "dontneed_hole_present_pages", 0,
					pagemap_count_present((uintptr_t)r.base + off, len, NULL));
			else
				bad += oracle_unmapped(self->id, r.base + off, len);
		}
		thp_region_unmap(&r);
		rate_add_ops(&rate, 1);
	}
	rate_report(&rate, self->id);
	vmstat_snapshot_take(s1);
	vmstat_print_thp_deltas(self->id, s0, s1);
	free(s0);
	free(s1);
	free(s2);
	free(pages);
	free(status);
	EXPECT_EQ(0, bad);
}

SPLITFAIL_MAIN("deferred_split_folio", "migrate_pages", "migrate_pages_batch", "try_split_folio",
	       "split_folio_to_list", "__folio_split", "split_huge_page_to_list_to_order",
	       "migrate_folio_unmap", "try_to_migrate_one", "do_mbind")
