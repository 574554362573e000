/*
 * cycle.h: the loop every THP workload runs: map a fresh region of the variant's kind, run one
 * operation cycle (window + operation + oracles) on a layout, repeat SPLITFAIL_ITERATIONS
 * times, then print the rate line. The operation itself stays in the workload file.
 */
#ifndef SPLITFAIL_CYCLE_H
#define SPLITFAIL_CYCLE_H

#include <stddef.h>

#include "layout.h"
#include "pfn_freed.h"
#include "vmstat.h"
#include "window.h"

/* One cycle on a freshly mapped region. Returns 0, or -errno to stop the loop. */
typedef int (*cycle_fn)(struct thp_region *r, enum layout l, void *ctx);

/* What every THP workload's fixture holds. */
struct cycle_fixture {
	struct thp_region r;
	struct window w;
	struct vmstat_snapshot before;
	char test[256];
	int check_pfns;			/* set before cycle_run: per-PFN freed-after-munmap check */
	struct pfn_watch pfns;		/* its PFNs and findings (pfns.held) */
};

/*
 * Fixture setup after SF_TEST_ID(f->test): the injection window for op and the vmstat
 * baseline. Returns 0, 4 (KSFT_SKIP) or -errno, with the reason in why.
 */
int cycle_setup(struct cycle_fixture *f, const char *op, char *why, size_t why_len);

/* Fixture teardown: unmaps the region, puts back the knobs the test set (knob_undo.h). */
void cycle_teardown(struct cycle_fixture *f);

/*
 * Runs fn SPLITFAIL_ITERATIONS times, each on a fresh region of kind k (the previous one
 * unmapped first; the last is left in f->r until teardown, unless f->check_pfns: then it is
 * unmapped at the end and every region's folio PFNs must have been freed, f->pfns.held). Prints the rate line and the
 * vmstat deltas since cycle_setup. Returns 0; THP_REGION_SKIP when the first region could not
 * be made (reason in why); or -errno (reason in why) when mapping or a cycle failed.
 */
int cycle_run(struct cycle_fixture *f, const struct thp_kind *k, enum layout l, cycle_fn fn,
	      void *ctx, char *why, size_t why_len);

#endif
