// SPDX-License-Identifier: GPL-2.0
/*
 * leak.c - after a workload exits, nr_page_table_pages, nr_anon_transparent_hugepages and
 * nr_anon_pages must come back to their values from before the run.
 *
 * Freed page tables and folios may trail the exit (RCU, deferred split, per-CPU batches),
 * so the counters are polled for up to settle_ms. Other processes move these system-wide
 * counters too, so each has a tolerance from the profile. Page tables and anonymous THPs
 * are quiet in a guest: a residual above tolerance after the settle loop is a leak, unless
 * nr_anon_pages moved beyond its tolerance in the same run (the system is busy, e.g. a
 * compiler on the host); then the excess must repeat on growth_runs consecutive runs. The
 * anonymous page count is noisy wherever anything else runs, so a residual there is only
 * a leak when it repeats on growth_runs consecutive runs of the same workload (each run's
 * residual is measured from its own baseline, so repeats mean growth); a single excess is
 * noted in the evidence, not judged.
 */
#include <stdlib.h>
#include <string.h>

#include "splitfail.h"

#define SETTLE_STEP_MS	100

struct counter_rule {
	const char *name;
	long long tol;
};

int leak_check(const char *root, const struct vmstat *before, const struct leak_params *lp,
	       struct leak_state *ls, struct vmstat *settled, char *ev, size_t evlen)
{
	struct counter_rule rules[3] = {
		{ "nr_page_table_pages", lp->pgtable_pages },
		{ "nr_anon_transparent_hugepages", lp->anon_thps },
		{ "nr_anon_pages", lp->anon_pages },
	};
	long long resid[3] = { 0, 0, 0 };
	int waited = 0, leak = 0, over, noisy, quiet_over;

	ev[0] = '\0';
	for (;;) {
		over = 0;
		if (vmstat_read(root, settled))
			return 0;
		for (int i = 0; i < 3; i++) {
			long long b = vmstat_get(before, rules[i].name);
			long long a = vmstat_get(settled, rules[i].name);

			resid[i] = (a < 0 || b < 0) ? 0 : a - b;
			if (resid[i] > rules[i].tol)
				over = 1;
		}
		if (!over || waited >= lp->settle_ms)
			break;
		sf_sleep_ms(SETTLE_STEP_MS);
		waited += SETTLE_STEP_MS;
	}
	noisy = llabs(resid[2]) > rules[2].tol;
	quiet_over = 0;
	for (int i = 0; i < 2; i++)
		if (resid[i] > rules[i].tol) {
			quiet_over = 1;
			sf_appendf(ev, evlen,
				   "%s: %s expected <= %lld above baseline %lld after %d ms settle, actual +%lld; ",
				   noisy ? "suspect" : "leak", rules[i].name, rules[i].tol,
				   vmstat_get(before, rules[i].name), waited, resid[i]);
		}
	if (quiet_over && !noisy)
		leak = 1;
	ls->n_quiet_excess = quiet_over ? ls->n_quiet_excess + 1 : 0;
	if (quiet_over && noisy) {
		sf_appendf(ev, evlen,
			   "system busy (nr_anon_pages moved %+lld, tolerance %lld): page-table/THP excess on %d of %d consecutive runs needed; ",
			   resid[2], rules[2].tol, ls->n_quiet_excess, lp->growth_runs);
		if (ls->n_quiet_excess >= lp->growth_runs) {
			leak = 1;
			sf_appendf(ev, evlen, "leak: excess repeated on %d consecutive runs; ",
				   ls->n_quiet_excess);
		}
	}
	if (resid[2] > rules[2].tol) {
		ls->excess_anon[ls->n_excess % 8] = resid[2];
		ls->n_excess++;
		sf_appendf(ev, evlen,
			   "nr_anon_pages +%lld above baseline after %d ms (tolerance %lld, noisy counter: excess %d of %d consecutive runs needed); ",
			   resid[2], waited, rules[2].tol, ls->n_excess, lp->growth_runs);
		if (ls->n_excess >= lp->growth_runs) {
			leak = 1;
			sf_appendf(ev, evlen, "leak: nr_anon_pages stayed above baseline on %d consecutive runs; ",
				   ls->n_excess);
		}
	} else {
		ls->n_excess = 0;
	}
	return leak;
}
