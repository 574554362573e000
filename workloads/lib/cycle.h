/*
 * cycle.h: the loop every THP workload runs: map a fresh region of the variant's kind, run one
 * operation cycle (window + operation + oracles) on a layout, repeat SPLITFAIL_ITERATIONS
 * times, then print the rate line. The operation itself stays in the workload file.
 */
#ifndef SPLITFAIL_CYCLE_H
#define SPLITFAIL_CYCLE_H

#include <stddef.h>

#include "layout.h"

/* One cycle on a freshly mapped region. Returns 0, or -errno to stop the loop. */
typedef int (*cycle_fn)(struct thp_region *r, enum layout l, void *ctx);

/*
 * Runs fn SPLITFAIL_ITERATIONS times, each on a fresh region of kind k (the previous one
 * unmapped first; the last is left in *r for the caller to unmap). Prints the rate line for
 * test. Returns 0; THP_REGION_SKIP when the first region could not be made (reason in why);
 * or -errno (reason in why) when mapping or a cycle failed.
 */
int cycle_run(struct thp_region *r, const struct thp_kind *k, enum layout l, cycle_fn fn,
	      void *ctx, const char *test, char *why, size_t why_len);

#endif
