/*
 * cycle.c: repeats a workload's operation cycle on fresh THP regions and reports its rate, so
 * every workload has the same throughput mode (SPLITFAIL_ITERATIONS) and rate line; with
 * check_pfns, each region's folio PFNs must be freed after its munmap (pfn_freed.h). Under a
 * batch of fail-nth steps (SPLITFAIL_INJECT=nth:<A>-<B>) each cycle is one step, and the
 * batch ends after the first step whose windows consumed no fault (where a sweep ends).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cycle.h"
#include "knob_undo.h"
#include "report.h"
#include "thp_stats.h"

/* Per-size counters (hugepages-<size>kB/stats) printed next to the vmstat deltas. */
static const char *const size_stats[] = {
	"anon_fault_alloc", "split", "split_deferred", "split_failed", "swpout", NULL,
};

int cycle_setup(struct cycle_fixture *f, const char *op, char *why, size_t why_len)
{
	int ret = window_setup_steps(&f->w, f->test, op, why, why_len);

	if (ret)
		return ret;
	if (vmstat_snapshot_take(&f->before) < 0) {
		snprintf(why, why_len, "cannot read /proc/vmstat");
		return -EIO;
	}
	return 0;
}

void cycle_teardown(struct cycle_fixture *f)
{
	thp_region_unmap(&f->r);
	knob_undo_all();
}

static int cycle_loop(struct cycle_fixture *f, const struct thp_kind *k, enum layout l,
		      cycle_fn fn, void *ctx, char *why, size_t why_len)
{
	struct thp_region *r = &f->r;
	const char *test = f->test;
	long i, iterations = splitfail_iterations();
	const long first = f->w.nth;
	struct rate_meter m;
	int ret = 0;

	if (f->w.nth_last)	/* a batch: one cycle per fail-nth step */
		iterations = f->w.nth_last - first + 1;
	rate_start(&m);
	for (i = 0; i < iterations; i++) {
		if (f->w.nth_last && i && !f->w.consumed_in_step)
			break;	/* the step before consumed nothing: the sweep ends there */
		ret = f->w.nth_last ? window_step(&f->w, first + i) : 0;
		if (ret > 0)
			break;	/* the harness stopped the batch before this step */
		if (ret < 0) {
			snprintf(why, why_len, "step nth=%ld: the harness is gone", first + i);
			return ret;
		}
		thp_region_unmap(r);
		if (f->check_pfns && pfn_watch_check(&f->pfns, test, PFN_SETTLE_MS) < 0)
			f->check_pfns = 0;	/* PFNs not readable here (not root) */
		ret = thp_kind_map(r, k, layout_min_folios(l), splitfail_seed(), why, why_len);
		if (ret == THP_REGION_SKIP && i == 0)
			return ret;
		if (ret) {
			size_t used = strlen(why);

			snprintf(why + used, why_len - used, " (cycle %ld)", i);
			return ret < 0 ? ret : -1;
		}
		if (f->check_pfns)
			pfn_watch_record(&f->pfns, r);
		ret = fn(r, l, ctx);
		if (ret) {
			snprintf(why, why_len, "cycle %ld: %s", i, strerror(-ret));
			return ret;
		}
		rate_add_ops(&m, 1);
	}
	rate_report(&m, test);
	return 0;
}

int cycle_run(struct cycle_fixture *f, const struct thp_kind *k, enum layout l, cycle_fn fn,
	      void *ctx, char *why, size_t why_len)
{
	size_t size = k->folio_kb ? k->folio_kb * 1024 : thp_pmd_size();
	long long stats_before[sizeof(size_stats) / sizeof(size_stats[0])], v;
	struct vmstat_snapshot *after;
	int i, ret;

	for (i = 0; size_stats[i]; i++)
		stats_before[i] = thp_size_stat(size, size_stats[i]);
	ret = cycle_loop(f, k, l, fn, ctx, why, why_len);
	if (ret == THP_REGION_SKIP)
		return ret;
	if (f->check_pfns) {
		thp_region_unmap(&f->r);
		pfn_watch_check(&f->pfns, f->test, PFN_SETTLE_MS);
	}
	after = malloc(sizeof(*after));
	if (after && vmstat_snapshot_take(after) > 0)
		vmstat_print_thp_deltas(f->test, &f->before, after);
	free(after);
	printf("# %s: hugepages-%zukB/stats delta", f->test, size / 1024);
	for (i = 0; size_stats[i]; i++) {
		v = thp_size_stat(size, size_stats[i]);
		if (v >= 0 && stats_before[i] >= 0)
			printf(" %s=%lld", size_stats[i], v - stats_before[i]);
	}
	putchar('\n');
	return ret;
}
