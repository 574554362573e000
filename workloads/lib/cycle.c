/*
 * cycle.c: repeats a workload's operation cycle on fresh THP regions and reports its rate, so
 * every workload has the same throughput mode (SPLITFAIL_ITERATIONS) and rate line.
 */
#include <stdio.h>
#include <string.h>

#include "cycle.h"
#include "report.h"

int cycle_run(struct thp_region *r, const struct thp_kind *k, enum layout l, cycle_fn fn,
	      void *ctx, const char *test, char *why, size_t why_len)
{
	long i, iterations = splitfail_iterations();
	struct rate_meter m;
	int ret = 0;

	rate_start(&m);
	for (i = 0; i < iterations; i++) {
		thp_region_unmap(r);
		ret = thp_kind_map(r, k, layout_min_folios(l), splitfail_seed(), why, why_len);
		if (ret == THP_REGION_SKIP && i == 0)
			return ret;
		if (ret) {
			size_t used = strlen(why);

			snprintf(why + used, why_len - used, " (cycle %ld)", i);
			return ret < 0 ? ret : -1;
		}
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
