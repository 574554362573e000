// SPDX-License-Identifier: GPL-2.0
/*
 * leak_judge.c - the leak verdict of one run: the counters against the run's baseline
 * (leak.c, exact or busy mode: leak_mode.c), their trend over the case's runs
 * (leak_trend.c), and, when a counter did not come back, who allocated what is left
 * (page_owner.c), which in busy mode decides whether it is the workload's (leak_attrib.c).
 * Each run's residuals go to <out>/leak.tsv, one line a run (with the seconds the page_owner
 * read and the whole check took), so the distribution over a clean run can be read off
 * (docs/protocol.md "Leak oracle").
 */
#include <string.h>

#include "splitfail.h"

/* leak.tsv stays open from run to run (one write a line, not an open and a close). */
static void log_tsv(const struct leak_run_in *in, const struct leak_resid *res, int leak,
		    double po_s, double judge_s)
{
	static char path[SF_PATH_MAX + 16];
	static FILE *f;

	if (!in->tsv || !in->tsv[0])
		return;
	if (f && strcmp(path, in->tsv)) {
		fclose(f);
		f = NULL;
	}
	if (!f) {
		f = fopen(in->tsv, "ae");
		if (!f)
			return;
		snprintf(path, sizeof(path), "%s", in->tsv);
		if (ftell(f) == 0)
			fprintf(f, "name\tmode\twaited_ms\tpgtable\tanon_thps\tanon_pages\tleak\tpage_owner_s\tleak_check_s\tbaseline\n");
	}
	fprintf(f, "%s\t%s\t%d\t%lld\t%lld\t%lld\t%d\t%.3f\t%.3f\t%s\n", in->name,
		in->before->mode == LEAK_EXACT ? "exact" : "busy", res->waited_ms, res->r[0],
		res->r[1], res->r[2], leak, po_s, judge_s, in->before->kept ? "kept" : "drained");
	fflush(f);
}

/* The last pid handed out, at least lo. */
static long long last_pid_from(const char *root, long long lo)
{
	long long hi = leak_last_pid(root);

	return hi < lo ? lo : hi;
}

/* The early look of leak.c's settle loop: page_owner read once, its findings kept for after. */
struct early_look {
	const struct leak_run_in *in;
	int po;			/* page_owner_scan's return, -1 = not looked */
	long long user_pages;
	double po_s;
	char ev[1024];
};

static int early_kernel_only(void *ctx)
{
	struct early_look *e = ctx;

	e->ev[0] = '\0';
	e->po = page_owner_scan(e->in->root, e->in->pid_lo, last_pid_from(e->in->root, e->in->pid_lo),
				e->ev, sizeof(e->ev), &e->po_s, &e->user_pages);
	return e->po == 0 && !e->user_pages;
}

/*
 * 1 = leak (evidence in ev), 0 = none. In exact mode with page_owner, a counter that did
 * not come back is a leak when page_owner still holds a user page table or anonymous folio
 * of the workload's pids (the stacks name who allocated it); when it holds none, the
 * residual is the kernel's own (page tables of vmalloc and of device memory's vmemmap that
 * test_hmm grows, another task): noted, and kept out of the growth trend, where it would
 * add up (seen: thp_device_migrate, +1 kernel page table on most runs of 7.2.13).
 * In busy mode an excess or a growth is a leak only when page_owner holds such pages of the
 * run's pids (of the growth window's pids for a growth); otherwise it is a note and, for a
 * run, kept out of the trend (leak_attrib.c).
 */
int leak_judge(const struct leak_run_in *in, struct leak_table *t, struct vmstat *settled,
	       char *ev, size_t evlen)
{
	static struct leak_snap after;
	struct leak_entry *wl = leak_table_get(t, in->workload);
	struct leak_entry *cs = leak_table_get(t, in->case_key);
	const int exact = in->before->mode == LEAK_EXACT;
	static struct leak_state spare;
	struct leak_resid res, trend_in;
	long long user_pages = 0;
	double po_s = 0, t0 = sf_now();
	int leak, grows = 0, po = -1;

	static struct early_look look;
	const int lookup = in->lp->page_owner && in->pid_lo > 0;
	const struct leak_early hook = { early_kernel_only, &look };

	look = (struct early_look){ .in = in, .po = -1 };
	leak_set_early(exact && lookup ? &hook : NULL);
	leak = leak_check(in->root, in->before, in->lp, wl ? &wl->st : &spare, &after, &res, ev,
			  evlen);
	leak_set_early(NULL);
	*settled = after.vs;
	if ((leak || (res.off && exact)) && lookup) {
		long long hi = last_pid_from(in->root, in->pid_lo);

		if (!leak)
			sf_appendf(ev, evlen,
				   "note (exact mode): counters off by %+lld page tables, %+lld THPs, %+lld anon pages (within tolerance); ",
				   res.r[0], res.r[1], res.r[2]);
		if (look.po == 0 && !look.user_pages) {	/* the early look ended the wait */
			po = look.po;
			po_s = look.po_s;
			sf_appendf(ev, evlen, "%s", look.ev);
		} else {
			po = page_owner_scan(in->root, in->pid_lo, hi, ev, evlen, &po_s, &user_pages);
		}
	}
	trend_in = res;
	if (res.off && exact && po == 0 && !user_pages) {
		leak_unattribute(ev, evlen);
		sf_appendf(ev, evlen,
			   "not judged a leak: page_owner holds no user page table or anonymous folio of the workload's pids; not counted in the growth trend; ");
		leak = 0;
		memset(trend_in.r, 0, sizeof(trend_in.r));
	}
	if (leak && !exact &&
	    !leak_busy_owned(po, user_pages, in->lp->page_owner, "this run's", ev, evlen)) {
		leak = 0;
		memset(trend_in.r, 0, sizeof(trend_in.r));
	}
	if (cs) {
		long long first;

		if (!cs->tr.n)
			cs->tr.first_pid = in->pid_lo;
		first = cs->tr.first_pid;
		grows = leak_trend_add(&cs->tr, &trend_in, in->before->mode, in->lp->trend_runs, ev,
				       evlen);
		/* growth over the window's runs: who allocated what they left, from its first pid */
		if (grows && in->lp->page_owner && first > 0 && (po < 0 || (!exact && !user_pages)))
			po = page_owner_scan(in->root, first, last_pid_from(in->root, first), ev,
					     evlen, &po_s, &user_pages);
		if (grows && !exact)
			grows = leak_busy_owned(po, user_pages, in->lp->page_owner,
						"the growth window's", ev, evlen);
	}
	/* a clean check's reading is the next run's baseline (leak_base.c) */
	if (!leak && !grows && po < 0 && !res.off)
		leak_base_keep(&after);
	else
		leak_base_forget();
	log_tsv(in, &res, leak || grows, po_s, sf_now() - t0);
	return leak || grows;
}
