// SPDX-License-Identifier: GPL-2.0
/*
 * leak_judge.c - the leak verdict of one run: the counters against the run's baseline
 * (leak.c, exact or busy mode: leak_mode.c), their trend over the case's runs
 * (leak_trend.c), and, when a counter did not come back, who allocated what is left
 * (page_owner.c). Each run's residuals go to <out>/leak.tsv, one line a run, so the
 * distribution over a clean run can be read off (docs/protocol.md "Leak oracle").
 */
#include <string.h>

#include "splitfail.h"

static void log_tsv(const struct leak_run_in *in, const struct leak_resid *res, int leak,
		    double po_s)
{
	FILE *f;

	if (!in->tsv || !in->tsv[0])
		return;
	f = fopen(in->tsv, "ae");
	if (!f)
		return;
	if (ftell(f) == 0)
		fprintf(f, "name\tmode\twaited_ms\tpgtable\tanon_thps\tanon_pages\tleak\tpage_owner_s\n");
	fprintf(f, "%s\t%s\t%d\t%lld\t%lld\t%lld\t%d\t%.3f\n", in->name,
		in->before->mode == LEAK_EXACT ? "exact" : "busy", res->waited_ms, res->r[0],
		res->r[1], res->r[2], leak, po_s);
	fclose(f);
}

/* 1 = leak (evidence in ev), 0 = none. */
int leak_judge(const struct leak_run_in *in, struct leak_table *t, struct vmstat *settled,
	       char *ev, size_t evlen)
{
	struct leak_entry *wl = leak_table_get(t, in->workload);
	struct leak_entry *cs = leak_table_get(t, in->case_key);
	static struct leak_state spare;
	struct leak_resid res;
	double po_s = 0;
	int leak, grows = 0;

	leak = leak_check(in->root, in->before, in->lp, wl ? &wl->st : &spare, settled, &res, ev,
			  evlen);
	if (cs)
		grows = leak_trend_add(&cs->tr, &res, in->before->mode, in->lp->trend_runs, ev,
				       evlen);
	if ((leak || grows || (res.off && in->before->mode == LEAK_EXACT)) && in->lp->page_owner &&
	    in->pid_lo > 0) {
		long long hi = leak_last_pid(in->root);

		if (hi < in->pid_lo)
			hi = in->pid_lo;
		if (!leak && !grows)
			sf_appendf(ev, evlen,
				   "note (exact mode): counters off by %+lld page tables, %+lld THPs, %+lld anon pages (within tolerance); ",
				   res.r[0], res.r[1], res.r[2]);
		page_owner_scan(in->root, in->pid_lo, hi, ev, evlen, &po_s);
	}
	log_tsv(in, &res, leak || grows, po_s);
	return leak || grows;
}
