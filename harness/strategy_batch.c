// SPDX-License-Identifier: GPL-2.0
/*
 * strategy_batch.c - a sweep's fail-nth steps in batches: up to [run] batch consecutive steps
 * run in one workload process (SPLITFAIL_INJECT=nth:<A>-<B>, one cycle per step: workloads/
 * lib/cycle.c), so its start-up and the harness's probes (leak baseline and check, kernel log,
 * taint, root filesystem) are paid once a batch instead of once a step (docs/protocol.md
 * "Batches"). A step's own lines (its windows, FAIL and silent-skip lines) are its own; the
 * probes are the batch's. The steps are recorded from the batch only when the whole batch is
 * clean: judged PASS (exit 0, no kernel-log hit, no new taint, no leak, no silent skip) and
 * the root filesystem still opens files. Otherwise every step of it runs again alone
 * (strat_run_one) and those runs are its results; when none of them shows what the batch
 * showed, the batch is one more result of its own, named W:C@nth=A-B (that name reproduces
 * it), so nothing a batch showed is lost. Each step's start is in the record before the step
 * runs (the workload waits for the harness at each step line), so a guest death is blamed on
 * the step that was running, as for a run of its own.
 */
#include <errno.h>
#include <string.h>

#include "strategy.h"
#include "record/live.h"
#include "record/verbs.h"

#define BATCH_ALONE	(-1000)	/* run the first step alone: this case does not batch */
#define NO_BATCH_MAX	256

/* Cases whose batch came back without step lines (their tests arm windows of their own). */
static char no_batch[NO_BATCH_MAX][SF_NAME_MAX * 2];
static int n_no_batch;

/* "W:C": a case's key in no_batch. */
static const char *case_key(const struct wl_case *c)
{
	static char key[SF_NAME_MAX * 2];

	snprintf(key, sizeof(key), "%s:%s", c->workload, c->name);
	return key;
}

static int batches(const struct wl_case *c)
{
	const char *key = case_key(c);

	for (int i = 0; i < n_no_batch; i++)
		if (!strcmp(no_batch[i], key))
			return 0;
	return 1;
}

static void never_batch(const struct wl_case *c)
{
	if (n_no_batch < NO_BATCH_MAX)
		snprintf(no_batch[n_no_batch++], sizeof(no_batch[0]), "%s", case_key(c));
}

struct batch {
	struct suite *s;
	const struct wl_case *c;
	const struct run_spec *r;
	int rep;
	int from, to;
	int sweep_first;		/* the sweep's first step: it starts even after the budget */
	char name[SF_NAME_MAX * 2];	/* W:C@nth=A-B */
	int live_failed;
};

/*
 * The record gets the step's start line before the step may run; no step starts once the
 * budget is spent (but the sweep's first) or the harness is stopping.
 */
static int step_started(void *ctx, int nth)
{
	struct batch *b = ctx;
	struct run_spec rs = *b->r;
	static struct result res;

	if (*b->s->stop)
		return 0;
	if (nth > b->sweep_first && b->s->budget_end && sf_now() >= b->s->budget_end) {
		b->s->cut_short = 1;
		return 0;
	}
	rs.nth = nth;
	strat_result_ids(&res, b->c, &rs, b->rep);
	if (live_start(&res))
		b->live_failed = 1;
	return !b->live_failed;
}

/* "...nth=A[#N]" of step A's name as "...nth=A-B[#N]". */
static void batch_name(struct batch *b)
{
	struct run_spec rs = *b->r;
	static struct result res;
	char *at, *digits_end;

	rs.nth = b->from;
	strat_result_ids(&res, b->c, &rs, b->rep);
	at = strstr(res.name, "nth=");
	digits_end = at ? at + 4 + strspn(at + 4, "0123456789") : NULL;
	if (!digits_end) {
		snprintf(b->name, sizeof(b->name), "%s", res.name);
		return;
	}
	snprintf(b->name, sizeof(b->name), "%.*s-%d%s", (int)(digits_end - res.name), res.name,
		 b->to, digits_end);
}

/* The steps came in order from the batch's first, one after the other. */
static int steps_in_order(const struct run_obs *ro, int from)
{
	for (int i = 0; i < ro->steps; i++)
		if (ro->step[i].nth != from + i)
			return 0;
	return ro->steps > 0;
}

/* A clean batch: each step's result from its own lines and the batch's clean probes. */
static int record_steps(struct batch *b, const struct judge_in *in, const char *log_rel,
			const char *vmstat_delta, const char *start_time,
			const struct run_stamps *st, int *next)
{
	struct run_spec rs = *b->r;
	static struct judge_in one;
	static struct result res;
	int n = in->ro.steps, ret;

	for (int i = 0; i < n; i++) {
		const struct step_obs *so = &in->ro.step[i];

		rs.nth = so->nth;
		strat_result_ids(&res, b->c, &rs, b->rep);
		strat_reproduce(b->s, b->c, &rs, res.name, res.reproduce, sizeof(res.reproduce));
		one = *in;
		one.ro.win = so->win;
		res.verdict = judge(&one, res.evidence, sizeof(res.evidence));
		sf_appendf(res.evidence, sizeof(res.evidence),
			   "batch: step %d of %s (pid %d), its leak, kernel-log and taint checks clean; ",
			   i + 1, b->name, in->ro.pid);
		res.faults_injected = so->win.consumed;
		res.consumed = so->win.consumed > 0;
		res.seconds = in->ro.seconds / n;
		snprintf(res.window, sizeof(res.window),
			 "inject=nth:%d windows=%d consumed=%d unknown=%d ret=%d errno=%s", so->nth,
			 so->win.windows, so->win.consumed, so->win.unknown, so->win.last_ret,
			 so->win.last_errno[0] ? so->win.last_errno : "0");
		/* the batch's counters moved once: they go with its last step */
		snprintf(res.vmstat_delta, sizeof(res.vmstat_delta), "%s",
			 i == n - 1 ? vmstat_delta : "{}");
		snprintf(res.log, sizeof(res.log), "%s", log_rel);
		snprintf(res.start_time, sizeof(res.start_time), "%s", start_time);
		known_apply(&res, b->s->release, NULL);
		strat_progress(b->s, res.name, res.verdict);
		ret = strat_record_result(b->s, &res);
		timing_row_share(b->s->o->out_dir, res.name, &in->ro, st, n);
		if (ret)
			return ret;
		if (!res.consumed)
			return 0;	/* where the sweep ends */
		*next = so->nth + 1;
	}
	return 1;
}

/*
 * Each step from..to alone, until one consumes nothing; *shown when one of them is not PASS
 * or SKIP. Returns as strat_run_one for the last step run.
 */
static int steps_alone(struct batch *b, int *shown, int *next)
{
	struct run_spec rs = *b->r;
	int ret = 0;

	*shown = 0;
	for (int nth = b->from; nth <= b->to; nth++) {
		rs.nth = nth;
		ret = strat_run_one(b->s, b->c, &rs, b->rep);
		if (b->s->last_verdict != V_PASS && b->s->last_verdict != V_SKIP)
			*shown = 1;
		*next = nth + 1;
		if (ret <= 0)
			break;
	}
	return ret;
}

/* The batch as a result of its own: what it showed and its steps alone did not. */
static int record_batch(struct batch *b, int verdict, const char *evidence, const char *log_rel,
			const char *kmsg_all, const struct judge_in *in)
{
	static struct result res;
	struct run_spec rs = *b->r;

	rs.nth = b->from;
	strat_result_ids(&res, b->c, &rs, b->rep);
	snprintf(res.name, sizeof(res.name), "%s", b->name);
	strat_reproduce(b->s, b->c, &rs, res.name, res.reproduce, sizeof(res.reproduce));
	res.verdict = verdict;
	snprintf(res.evidence, sizeof(res.evidence),
		 "%snote: steps %d-%d in one process showed this; each step run alone afterwards did not (their own results); ",
		 evidence, b->from, b->to);
	res.faults_injected = in->faults_injected;
	res.consumed = in->ro.win.consumed > 0;
	res.seconds = in->ro.seconds;
	snprintf(res.window, sizeof(res.window),
		 "inject=nth:%d-%d windows=%d consumed=%d unknown=%d ret=%d errno=%s", b->from,
		 b->to, in->ro.win.windows, in->ro.win.consumed, in->ro.win.unknown,
		 in->ro.win.last_ret, in->ro.win.last_errno[0] ? in->ro.win.last_errno : "0");
	snprintf(res.log, sizeof(res.log), "%s", log_rel);
	known_apply(&res, b->s->release, kmsg_all);
	strat_progress(b->s, res.name, res.verdict);
	return strat_record_result(b->s, &res);
}

/*
 * Steps from..to in one process. 1 with *next the step to go on with, 0 when the sweep ended,
 * BATCH_ALONE when step from must run alone, -errno on error.
 */
static int run_batch(struct suite *s, const struct wl_case *c, struct run_spec *r, int rep,
		     int from, int to, int first, int *next)
{
	static struct judge_in in;
	static struct leak_snap lsnap;
	static struct vmstat settled;
	static char kmsg_all[1 << 16];
	static char evidence[SF_EVIDENCE_MAX], vmstat_delta[2048];
	struct batch b = { .s = s, .c = c, .r = r, .rep = rep, .from = from, .to = to,
			   .sweep_first = first };
	struct step_hook hook = { step_started, &b };
	char inject[32], pressure[512] = "", knobs[1024] = "", safe[SF_NAME_MAX * 2];
	char log_path[SF_PATH_MAX * 2], log_rel[SF_NAME_MAX * 2 + 16], start_time[32];
	long long times_before[SF_MAX_ATTRS];
	struct run_stamps st = { .begin = sf_now() };
	int ret, verdict, shown;

	memset(&in, 0, sizeof(in));
	snprintf(inject, sizeof(inject), "nth:%d-%d", from, to);
	r->nth = from;
	batch_name(&b);
	if (strat_before_run(s, c, r, inject, &in, pressure, sizeof(pressure)))
		return -EIO;
	if (in.harness_error[0])
		return BATCH_ALONE;	/* the run of its own says so, as ERROR */
	if (fsrv_prepare(c))
		fprintf(stderr, "\nsplitfail: %s; the run execs the workload\n", fsrv_note());
	fault_times_read(s->fe, times_before);
	leak_before(s->root, strat_leak_mode(s), &lsnap);
	in.taint_before = taint_read(s->root);
	text_safe_name(b.name, safe, sizeof(safe));
	snprintf(log_path, sizeof(log_path), "%s/%s.log", s->log_dir, safe);
	snprintf(log_rel, sizeof(log_rel), "logs/%s.log", safe);
	strat_now_iso(start_time, sizeof(start_time));
	ret = run_case(c, inject, s->o->seed, s->o->timeout_s, s->root, log_path, s->stop, &in.ro,
		       &hook);
	if (ret)
		return BATCH_ALONE;
	if (b.live_failed) {
		snprintf(s->stop_why, sizeof(s->stop_why), "error: %s", live_error());
		return -EIO;
	}
	if (needs_after_run(knobs, sizeof(knobs)))
		fprintf(stderr, "\nsplitfail: %s: %s\n", b.name, knobs);
	if (*s->stop)
		return -EINTR;
	in.faults_injected = fault_times_consumed(s->fe, times_before);
	strat_judge_leak(s, c, b.name, &lsnap, &settled, &in);
	st.leak = sf_now();
	kmsg_collect(kmsg_all, sizeof(kmsg_all), in.kmsg_hits, sizeof(in.kmsg_hits));
	st.kmsg = sf_now();
	if (live_kmsg(b.name, kmsg_all))
		fprintf(stderr, "\nsplitfail: %s\n", live_error());
	in.taint_after = taint_read(s->root);
	verdict = judge(&in, evidence, sizeof(evidence));
	if (strat_root_fs_check(s)) {
		sf_appendf(evidence, sizeof(evidence),
			   "system damaged: after this batch files of the root filesystem no longer open; ");
		verdict = V_FAIL;
	}
	if (knobs[0])
		sf_appendf(evidence, sizeof(evidence), "knobs: %s; ", knobs);
	pressure_after_run(pressure, sizeof(pressure));
	if (s->o->kmemleak) {	/* an object of the batch's process is the batch's */
		static char repro[1024];

		strat_reproduce(s, c, r, b.name, repro, sizeof(repro));
		kmemleak_batch_note(b.name, repro, in.ro.pid, sf_now());
	}
	if (!in.ro.steps) {	/* its test arms windows of its own: it runs steps alone */
		never_batch(c);
		if (verdict == V_PASS || verdict == V_SKIP)
			return BATCH_ALONE;
	}
	strat_vmstat_delta_json(&lsnap.vs, &settled, vmstat_delta, sizeof(vmstat_delta));
	st.judged = sf_now();
	st.recorded = st.judged;
	if (verdict == V_PASS && !knobs[0] && steps_in_order(&in.ro, from))
		return record_steps(&b, &in, log_rel, vmstat_delta, start_time, &st, next);
	/* something showed: each step alone decides, and the batch if they do not show it */
	ret = steps_alone(&b, &shown, next);
	if (ret < 0 || shown || verdict == V_PASS || verdict == V_SKIP)
		return ret;
	b.to = *next - 1;
	batch_name(&b);
	if (record_batch(&b, verdict, evidence, log_rel, kmsg_all, &in))
		return -EIO;
	return ret;
}

int batch_sweep(struct suite *s, const struct wl_case *c, struct run_spec *r, int rep,
		int first, int last)
{
	int size = s->o->nth_last ? last - first + 1 : s->o->batch;
	int nth = first, ret = 0, next, to, decided;

	while (nth <= last) {
		if (nth > first && s->budget_end && sf_now() >= s->budget_end) {
			s->cut_short = 1;	/* no sweep step starts after the budget */
			return 0;
		}
		/* the steps no earlier guest decided (--continue-from), at most a batch */
		for (to = nth; to <= last && to - nth < size && to - nth < SF_BATCH_MAX; to++) {
			struct run_spec rs = *r;
			static struct result res;

			rs.nth = to;
			strat_result_ids(&res, c, &rs, rep);
			decided = continue_decided(res.name, NULL);
			if (decided)
				break;
		}
		to--;
		ret = BATCH_ALONE;
		next = nth + 1;
		if (to > nth && !c->argv && batches(c))
			ret = run_batch(s, c, r, rep, nth, to, first, &next);
		if (ret == BATCH_ALONE) {
			r->nth = nth;
			ret = strat_run_one(s, c, r, rep);
			next = nth + 1;
		}
		if (ret <= 0)
			return ret;
		nth = next;
	}
	return ret;
}
