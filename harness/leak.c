// SPDX-License-Identifier: GPL-2.0
/*
 * leak.c - after a workload exits, nr_page_table_pages, nr_anon_transparent_hugepages and
 * nr_anon_pages must come back to their values from before the run.
 *
 * Freed page tables and folios may trail the exit (RCU, deferred split, per-CPU batches),
 * so the counters are polled for up to settle_ms, drained each time (leak_mode.c). The
 * harness's own change of VmPTE and RssAnon over the run is taken out of the residuals. In
 * exact mode a residual that stood still for a few polls is looked up once (leak_set_early:
 * page_owner); when none of it is the workload's, the wait ends there (its verdict is "not a
 * leak" either way: measured, a +1 kernel page table of test_hmm's device memory on 7.2
 * cost the whole settle_ms plus the page_owner read on most thp_device_migrate runs).
 *
 * Exact mode (a quiet guest): every counter must come back within the exact_* tolerances
 * (0 page tables, 0 THPs; measured, docs/protocol.md); a residual above is a leak.
 *
 * Busy mode (anywhere else): other processes move these system-wide counters, so each has
 * a tolerance from the profile. Page tables and anonymous THPs are quiet enough: a residual
 * above tolerance after the settle loop is a leak, unless nr_anon_pages moved beyond its
 * tolerance in the same run (the system is busy, e.g. a compiler on the host); then the
 * excess must repeat on growth_runs consecutive runs. The anonymous page count is noisy
 * wherever anything else runs, so a residual there is only a leak when it repeats on
 * growth_runs consecutive runs of the same workload (each run's residual is measured from
 * its own baseline, so repeats mean growth); a single excess is noted, not judged.
 * Busy mode's "leak" here is the counters' word only: leak_judge.c makes it a verdict when
 * page_owner ties the pages to the workload's pids (leak_attrib.c).
 */
#include <stdlib.h>
#include <string.h>

#include "splitfail.h"

#define SETTLE_STEP_MS	100
#define EARLY_STILL_POLLS	3	/* a residual the same on this many polls has stopped moving */

static const struct leak_early *early;

void leak_set_early(const struct leak_early *e)
{
	early = e;
}

const char *const leak_counter_names[LEAK_COUNTERS] = {
	"nr_page_table_pages", "nr_anon_transparent_hugepages", "nr_anon_pages",
};

/* Residuals of after against before, the harness's own growth (sampled into after) out. */
static void residuals(const char *root, const struct leak_snap *before, struct leak_snap *after,
		      long long *resid)
{
	leak_self(root, &after->self_pte_kb, &after->self_anon_kb);
	for (int i = 0; i < LEAK_COUNTERS; i++) {
		long long b = vmstat_get(&before->vs, leak_counter_names[i]);
		long long a = vmstat_get(&after->vs, leak_counter_names[i]);

		resid[i] = (a < 0 || b < 0) ? 0 : a - b;
	}
	if (after->self_pte_kb >= 0 && before->self_pte_kb >= 0)
		resid[0] -= (after->self_pte_kb - before->self_pte_kb) / 4;
	if (after->self_anon_kb >= 0 && before->self_anon_kb >= 0)
		resid[2] -= (after->self_anon_kb - before->self_anon_kb) / 4;
}

static int exact_check(const struct leak_snap *before, const struct leak_params *lp,
		       const struct leak_resid *res, char *ev, size_t evlen)
{
	const long long tol[LEAK_COUNTERS] = { lp->exact_pgtable_pages, lp->exact_anon_thps,
					       lp->exact_anon_pages };
	int leak = 0;

	for (int i = 0; i < LEAK_COUNTERS; i++) {
		if (res->r[i] <= tol[i])
			continue;
		leak = 1;
		sf_appendf(ev, evlen,
			   "leak: %s expected <= %lld above baseline %lld after %d ms settle, actual %+lld (exact mode: quiet guest, drained); ",
			   leak_counter_names[i], tol[i],
			   vmstat_get(&before->vs, leak_counter_names[i]), res->waited_ms,
			   res->r[i]);
	}
	return leak;
}

static int busy_check(const struct leak_snap *before, const struct leak_params *lp,
		      struct leak_state *ls, const struct leak_resid *res, char *ev, size_t evlen)
{
	const long long tol[LEAK_COUNTERS] = { lp->pgtable_pages, lp->anon_thps, lp->anon_pages };
	const long long *resid = res->r;
	int leak = 0, noisy = llabs(resid[2]) > tol[2], quiet_over = 0;

	for (int i = 0; i < 2; i++)
		if (resid[i] > tol[i]) {
			quiet_over = 1;
			sf_appendf(ev, evlen,
				   "%s: %s expected <= %lld above baseline %lld after %d ms settle, actual +%lld (busy mode tolerance); ",
				   noisy ? "suspect" : "leak", leak_counter_names[i], tol[i],
				   vmstat_get(&before->vs, leak_counter_names[i]), res->waited_ms,
				   resid[i]);
		}
	if (quiet_over && !noisy)
		leak = 1;
	ls->n_quiet_excess = quiet_over ? ls->n_quiet_excess + 1 : 0;
	if (quiet_over && noisy) {
		sf_appendf(ev, evlen,
			   "system busy (nr_anon_pages moved %+lld, tolerance %lld): page-table/THP excess on %d of %d consecutive runs needed; ",
			   resid[2], tol[2], ls->n_quiet_excess, lp->growth_runs);
		if (ls->n_quiet_excess >= lp->growth_runs) {
			leak = 1;
			sf_appendf(ev, evlen, "leak: excess repeated on %d consecutive runs; ",
				   ls->n_quiet_excess);
		}
	}
	if (resid[2] > tol[2]) {
		ls->excess_anon[ls->n_excess % 8] = resid[2];
		ls->n_excess++;
		sf_appendf(ev, evlen,
			   "nr_anon_pages +%lld above baseline after %d ms (busy mode, tolerance %lld, noisy counter: excess %d of %d consecutive runs needed); ",
			   resid[2], res->waited_ms, tol[2], ls->n_excess, lp->growth_runs);
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

/*
 * Poll until the counters are back (exact: to the page; busy: within tolerance) or
 * settle_ms passed, then judge. 1 = leak; res gets the residuals, after the settled reading
 * (a baseline for the next run: leak_base.c; its last_pid is read before the first reading).
 */
int leak_check(const char *root, const struct leak_snap *before, const struct leak_params *lp,
	       struct leak_state *ls, struct leak_snap *after, struct leak_resid *res, char *ev,
	       size_t evlen)
{
	const int exact = before->mode == LEAK_EXACT;
	const long long tol[LEAK_COUNTERS] = {
		exact ? lp->exact_pgtable_pages : lp->pgtable_pages,
		exact ? lp->exact_anon_thps : lp->anon_thps,
		exact ? lp->exact_anon_pages : lp->anon_pages,
	};
	long long last[LEAK_COUNTERS] = { 0 };
	int over, still = 0, looked = 0;

	memset(res, 0, sizeof(*res));
	ev[0] = '\0';
	after->mode = before->mode;
	after->kept = 0;
	after->taken = 0;	/* no reading yet: not a baseline */
	after->last_pid = leak_last_pid(root);
	for (;;) {
		leak_drain(root, before->mode);
		if (vmstat_read(root, &after->vs)) {
			after->taken = 0;
			return 0;
		}
		after->taken = sf_now();
		residuals(root, before, after, res->r);
		over = 0;
		for (int i = 0; i < LEAK_COUNTERS; i++)
			/* busy mode waits for page tables and THPs only, as before */
			if ((exact || i < 2) && res->r[i] > tol[i])
				over = 1;
		if (!over || res->waited_ms >= lp->settle_ms)
			break;
		still = memcmp(last, res->r, sizeof(last)) ? 0 : still + 1;
		memcpy(last, res->r, sizeof(last));
		if (exact && early && !looked && still >= EARLY_STILL_POLLS) {
			looked = 1;	/* once: the look itself drains and reads page_owner */
			if (early->kernel_only(early->ctx))
				break;
		}
		sf_sleep_ms(SETTLE_STEP_MS);
		res->waited_ms += SETTLE_STEP_MS;
	}
	res->off = res->r[0] > 0 || res->r[1] > 0 || (exact && res->r[2] > tol[2]);
	if (exact)
		return exact_check(before, lp, res, ev, evlen);
	return busy_check(before, lp, ls, res, ev, evlen);
}
