// SPDX-License-Identifier: GPL-2.0
/*
 * strategy.c - run one test case under each strategy of the profile and record one
 * verdict per run: `off` (baseline), `random` (probability/interval/times, bounded by
 * times), `sweep` (fail-nth N = 1, 2, ... until the window no longer consumes the fault,
 * capped; one verdict per N), `targeted` (stack filter to each kernel function the
 * workload names that /proc/kallsyms has, then random or sweep). Around every run: vmstat
 * and taint before/after, the knobs the workload may write (journalled, put back: needs.c),
 * leak settle loop, kernel log, then the verdict (a FAIL that a known issue explains becomes
 * KNOWN-FAIL, known.c) and the run record (record/live.c). Each run's log is
 * logs/<text_safe_name(result name)>.log.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "strategy.h"
#include "record/live.h"
#include "record/verbs.h"

void strat_vmstat_delta_json(const struct vmstat *a, const struct vmstat *b, char *out,
			      size_t len)
{
	int first = 1;

	snprintf(out, len, "{");
	for (int i = 0; i < b->n; i++) {
		long long before = vmstat_get(a, b->name[i]);

		if (!vmstat_is_tracked(b->name[i]) || before < 0 || b->val[i] == before)
			continue;
		sf_appendf(out, len, "%s\"%s\": %lld", first ? "" : ", ", b->name[i],
			   b->val[i] - before);
		first = 0;
	}
	sf_appendf(out, len, "}");
}

static void make_name(char *out, size_t len, const struct wl_case *c, const struct run_spec *r,
		      int rep)
{
	snprintf(out, len, "%s:%s", c->workload, c->name);
	if (r->strategy == STRAT_RANDOM)
		sf_appendf(out, len, "@random");
	if (r->strategy == STRAT_SWEEP && !r->nth)
		sf_appendf(out, len, "@sweep");
	if (r->strategy == STRAT_TARGETED && !r->target)
		sf_appendf(out, len, "@targeted");
	if (r->target)
		sf_appendf(out, len, "@target=%s%s", r->target, r->nth ? "," : "");
	if (r->nth)
		sf_appendf(out, len, "%snth=%d", r->target ? "" : "@", r->nth);
	if (rep)
		sf_appendf(out, len, "#%d", rep + 1);
}

void strat_now_iso(char *out, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
}

/* What names the run: its result name and the structured fields of the record. */
void strat_result_ids(struct result *res, const struct wl_case *c, const struct run_spec *r,
		       int rep)
{
	memset(res, 0, sizeof(*res));
	make_name(res->name, sizeof(res->name), c, r, rep);
	snprintf(res->workload, sizeof(res->workload), "%s", c->workload);
	snprintf(res->case_name, sizeof(res->case_name), "%s", c->name);
	snprintf(res->strategy, sizeof(res->strategy), "%s", strategy_name(r->strategy));
	snprintf(res->target, sizeof(res->target), "%s", r->target ? r->target : "");
	res->nth = r->nth;
	res->rep = rep;
	strat_now_iso(res->start_time, sizeof(res->start_time));
}

/* A result to the record; a failure stops the run with the reason it gives. */
int strat_record_result(struct suite *s, const struct result *res)
{
	int ret = live_result(res);

	if (ret)
		snprintf(s->stop_why, sizeof(s->stop_why), "error: %s", live_error());
	return ret;
}

void strat_reproduce(struct suite *s, const struct wl_case *c, const struct run_spec *r,
		      const char *name, char *out, size_t len)
{
	struct repro_run rr = { .strategy = r->strategy, .nth = r->nth, .target = r->target };

	make_reproduce(s, c, name, &rr, out, len);
}

/* The leak mode of this suite, decided once and recorded in summary.json. */
int strat_leak_mode(struct suite *s)
{
	const struct options *o = s->o;
	char why[256], json[512];

	if (s->leak_why[0])
		return s->leak_mode;
	s->leak_mode = leak_mode_of(s->root, &o->lp, o->pp.stress_ng[0] || o->pp.memcg_max,
				    why, sizeof(why));
	snprintf(s->leak_why, sizeof(s->leak_why), "%s", why);
	snprintf(json, sizeof(json), "{\"mode\": \"%s\", \"why\": \"%s\", \"residuals\": \"leak.tsv\"}",
		 s->leak_mode == LEAK_EXACT ? "exact" : "busy", why);
	live_extra("leak", json);
	return s->leak_mode;
}

void strat_progress(struct suite *s, const char *name, int verdict)
{
	s->done++;
	if (!s->o->progress || !isatty(2))
		return;
	fprintf(stderr, "\r\033[K[%d] %-.70s %s", s->done, name, verdict_name(verdict));
	if (verdict != V_PASS && verdict != V_SKIP)
		fputc('\n', stderr);
}

static int record_skip(struct suite *s, const struct wl_case *c, const struct run_spec *r,
		       int rep, const char *reason)
{
	static struct result res;

	strat_result_ids(&res, c, r, rep);
	if (continue_decided(res.name, NULL))
		return 0;	/* an earlier guest of this run has it (--continue-from) */
	res.verdict = V_SKIP;
	snprintf(res.evidence, sizeof(res.evidence), "%s", reason);
	strat_reproduce(s, c, r, res.name, res.reproduce, sizeof(res.reproduce));
	strat_progress(s, res.name, V_SKIP);
	return strat_record_result(s, &res);
}

/*
 * After an injection run: can files of the root filesystem still be opened? In the guest the
 * root is 9p, and an injected failure in a 9p clunk leaks a fid on the server that the client
 * then reuses: every later open fails with EINVAL (see wrap_trace.c). 0, or -errno.
 */
int strat_root_fs_check(const struct suite *s)
{
	int fd = open(s->self, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

void strat_judge_leak(struct suite *s, const struct wl_case *c, const char *name,
		      const struct leak_snap *before, struct vmstat *settled, struct judge_in *in)
{
	char key[SF_NAME_MAX * 2], tsv[SF_PATH_MAX + 16];
	struct leak_run_in lin;

	snprintf(key, sizeof(key), "%s:%s", c->workload, c->name);
	snprintf(tsv, sizeof(tsv), "%s/../leak.tsv", s->log_dir);
	lin = (struct leak_run_in){ .root = s->root, .lp = &s->o->lp, .before = before,
				    .workload = c->workload, .case_key = key, .pid_lo = in->ro.pid,
				    .tsv = tsv, .name = name };
	in->leak = leak_judge(&lin, &s->leak, settled, in->leak_ev, sizeof(in->leak_ev));
}

int strat_before_run(struct suite *s, const struct wl_case *c, const struct run_spec *r,
		     const char *inject, struct judge_in *in, char *pressure, size_t plen)
{
	in->injecting = r->strategy != STRAT_OFF;
	if (in->injecting &&
	    fault_configure(s->fe, r->nth ? STRAT_SWEEP : STRAT_RANDOM, &s->o->fp, r->start,
			    r->end))
		snprintf(in->harness_error, sizeof(in->harness_error),
			 "could not configure the fault attributes (see stderr)");
	if (s->no_kmsg[0])
		snprintf(in->harness_error, sizeof(in->harness_error), "%s", s->no_kmsg);
	else if (pressure_before_run(pressure, plen)) {
		snprintf(in->harness_error, sizeof(in->harness_error), "[pressure] %s", pressure);
		pressure[0] = '\0';
	}
	if (!in->harness_error[0] &&
	    needs_before_run(c, s->root, in->harness_error, sizeof(in->harness_error))) {
		fprintf(stderr, "\nsplitfail: %s (%s)\n", in->harness_error, inject);
		snprintf(s->stop_why, sizeof(s->stop_why), "error: %s", in->harness_error);
		return -EIO;	/* the journal is broken: nothing may run */
	}
	return 0;
}

/* One run; returns 1 when the window consumed a fault, 0 when not, -errno on error. */
int strat_run_one(struct suite *s, const struct wl_case *c, const struct run_spec *r, int rep)
{
	static struct judge_in in;
	static char kmsg_all[1 << 16];
	static struct vmstat settled;
	static struct leak_snap lsnap;
	char inject[32], log_path[SF_PATH_MAX * 2], pressure[512] = "";
	char knobs[1024] = "", safe[SF_NAME_MAX * 2];
	long long times_before[SF_MAX_ATTRS];
	static struct result res;
	struct run_stamps st = { .begin = sf_now() };
	double ended;
	int ret;

	memset(&in, 0, sizeof(in));
	s->last_verdict = V_PASS;	/* until this run is judged */
	strat_result_ids(&res, c, r, rep);
	if (continue_decided(res.name, &ret))
		return ret;	/* decided (or died) in an earlier guest: a sweep goes on after it */
	strat_reproduce(s, c, r, res.name, res.reproduce, sizeof(res.reproduce));
	if (r->nth)
		snprintf(inject, sizeof(inject), "nth:%d", r->nth);
	else
		snprintf(inject, sizeof(inject), "%s", r->strategy != STRAT_OFF ? "task" : "off");
	if (strat_before_run(s, c, r, inject, &in, pressure, sizeof(pressure)))
		return -EIO;
	if (fsrv_prepare(c))	/* before the baseline: its pages are not the run's */
		fprintf(stderr, "\nsplitfail: %s; the run execs the workload\n", fsrv_note());
	fault_times_read(s->fe, times_before);
	leak_before(s->root, strat_leak_mode(s), &lsnap);
	in.taint_before = taint_read(s->root);
	text_safe_name(res.name, safe, sizeof(safe));
	snprintf(log_path, sizeof(log_path), "%s/%s.log", s->log_dir, safe);
	snprintf(res.log, sizeof(res.log), "logs/%s.log", safe);
	strat_now_iso(res.start_time, sizeof(res.start_time));
	ret = live_start(&res);
	if (ret) {
		snprintf(s->stop_why, sizeof(s->stop_why), "error: %s", live_error());
		return ret;
	}
	ret = in.harness_error[0] ? 0 : run_case(c, inject, s->o->seed, s->o->timeout_s,
						  s->root, log_path, s->stop, &in.ro, NULL);
	if (ret)
		snprintf(in.harness_error, sizeof(in.harness_error), "cannot run %s: %s",
			 c->path, strerror(-ret));
	else if (in.ro.arm_error[0])
		snprintf(in.harness_error, sizeof(in.harness_error), "%s", in.ro.arm_error);
	in.wrapped = c->argv != NULL;
	if (in.wrapped)
		wrap_log_tail(log_path, in.tail, sizeof(in.tail));
	ended = sf_now();
	if (needs_after_run(knobs, sizeof(knobs)))
		fprintf(stderr, "\nsplitfail: %s: %s\n", res.name, knobs);
	if (*s->stop)
		return -EINTR;
	if (in.injecting)
		in.faults_injected = fault_times_consumed(s->fe, times_before);
	strat_judge_leak(s, c, res.name, &lsnap, &settled, &in);
	st.leak = sf_now();
	if (s->o->kmemleak)	/* scanned once for a group of cases (kmemleak_batch.c) */
		kmemleak_batch_note(res.name, res.reproduce, in.ro.pid, ended);
	kmsg_collect(kmsg_all, sizeof(kmsg_all), in.kmsg_hits, sizeof(in.kmsg_hits));
	st.kmsg = sf_now();
	if (live_kmsg(res.name, kmsg_all))
		fprintf(stderr, "\nsplitfail: %s\n", live_error());
	if (in.wrapped && in.ro.signaled)
		wrap_segv_line(kmsg_all, in.ro.pid, in.segv_line, sizeof(in.segv_line));
	in.taint_after = taint_read(s->root);
	res.verdict = judge(&in, res.evidence, sizeof(res.evidence));
	s->last_verdict = res.verdict;
	if (kmsg_stall_notes()[0])
		sf_appendf(res.evidence, sizeof(res.evidence),
			   "note: the kernel reported a stall during this run on an emulated CPU (splitfail.accel=tcg): a vCPU the host did not schedule looks like this; not a verdict, the run %s: %s; ",
			   in.ro.timed_out ? "did NOT finish within its time limit (judged as a hang)" :
					     "finished within its time limit", kmsg_stall_notes());
	ret = in.injecting ? strat_root_fs_check(s) : 0;
	if (ret) {
		sf_appendf(res.evidence, sizeof(res.evidence),
			   "system damaged: after this run open(%s) fails: %s (expected the root filesystem to open files; in a guest with a 9p root a failed p9 clunk does this, see the kernel log); the harness stops, the remaining cases need a fresh system; ",
			   s->self, strerror(-ret));
		res.verdict = V_FAIL;
		s->damaged = 1;
	}
	if (knobs[0])
		sf_appendf(res.evidence, sizeof(res.evidence), "knobs: %s", knobs);
	pressure_after_run(pressure, sizeof(pressure));
	if (pressure[0])
		sf_appendf(res.evidence, sizeof(res.evidence), "pressure: %s", pressure);
	known_apply(&res, s->release, kmsg_all);
	res.faults_injected = in.faults_injected;
	res.consumed = r->nth && !c->argv ? in.ro.win.consumed > 0 : in.faults_injected > 0;
	res.seconds = in.ro.seconds;
	snprintf(res.window, sizeof(res.window),
		 "inject=%s windows=%d consumed=%d unknown=%d ret=%d errno=%s", inject,
		 in.ro.win.windows, in.ro.win.consumed, in.ro.win.unknown, in.ro.win.last_ret,
		 in.ro.win.last_errno[0] ? in.ro.win.last_errno : "0");
	strat_vmstat_delta_json(&lsnap.vs, &settled, res.vmstat_delta, sizeof(res.vmstat_delta));
	strat_progress(s, res.name, res.verdict);
	st.judged = sf_now();
	ret = strat_record_result(s, &res);
	st.recorded = sf_now();
	timing_row(s->o->out_dir, res.name, &in.ro, &st);
	if (ret)
		return ret;
	if (s->damaged)
		return -EIO;
	if (in.ro.exited && in.ro.exit_code == 4)
		return 0;	/* a skipped case has no window to sweep further */
	/* a wrapped program has no window: its fail-nth fired when `times` dropped */
	return r->nth && !c->argv ? in.ro.win.consumed > 0 : in.faults_injected > 0;
}

static int sweep(struct suite *s, const struct wl_case *c, struct run_spec *r, int rep)
{
	int cap = r->target && s->o->targeted_cap ? s->o->targeted_cap : s->o->sweep_cap;
	int first = s->o->nth ? s->o->nth : 1, last = s->o->nth ? s->o->nth : cap;
	int ret = 0;

	if (!s->fe->have_nth)
		return record_skip(s, c, r, rep, "kernel has no /proc/self/fail-nth");
	if (s->o->nth_last)	/* @nth=A-B: that batch, reproduced */
		last = s->o->nth_last;
	ret = batch_sweep(s, c, r, rep, first, last);
	if (ret > 0 && !s->o->nth)
		fprintf(stderr, "\nsplitfail: %s:%s%s%s: sweep cap %d reached with faults still consumed\n",
			c->workload, c->name, r->target ? "@target=" : "", r->target ? r->target : "",
			cap);
	r->nth = 0;
	return ret < 0 ? ret : 0;
}

/* Targets of a workload: --target from the command line/profile, else its --targets. */
static int targets_of(struct suite *s, const struct wl_case *c, char names[][SF_NAME_MAX])
{
	int n = 0;

	if (s->o->targets[0]) {
		for (const char *p = s->o->targets; p && n < SF_MAX_TARGETS;
		     p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
			snprintf(names[n++], SF_NAME_MAX, "%.*s", (int)strcspn(p, ","), p);
		return n;
	}
	if (c->argv)
		return 0;	/* a wrapped program does not answer --targets */
	return workload_answer(c, "--targets", names);
}

static int targeted(struct suite *s, const struct wl_case *c, struct run_spec *r, int rep)
{
	char names[SF_MAX_TARGETS][SF_NAME_MAX], path[SF_PATH_MAX], err[512];
	int n = targets_of(s, c, names), ret = 0;

	if (!s->fe->have_stack_filter)
		return record_skip(s, c, r, rep,
				   "kernel has no stack filter (FAULT_INJECTION_STACKTRACE_FILTER)");
	if (!n)
		return record_skip(s, c, r, rep, c->argv ?
				   "a wrapped program names no kernel functions: give --target" :
				   "workload names no kernel functions (--targets)");
	sf_path(path, sizeof(path), s->root, "/proc/kallsyms");
	for (int i = 0; i < n && ret >= 0; i++) {
		r->target = names[i];
		if (kallsyms_lookup(path, names[i], &r->start, &r->end, err, sizeof(err))) {
			ret = record_skip(s, c, r, rep, err);
			continue;
		}
		if (s->o->targeted_sweep || s->o->nth)
			ret = sweep(s, c, r, rep);
		else
			ret = strat_run_one(s, c, r, rep);
	}
	r->target = NULL;
	r->start = r->end = 0;
	return ret < 0 ? ret : 0;
}

/* A case's kmemleak result from its group's scan, to the record (kmemleak_batch.c). */
static int record_kmemleak(void *ctx, const struct km_case *kc, struct result *res)
{
	struct suite *s = ctx;

	if (continue_decided(res->name, NULL))
		return 0;
	snprintf(res->workload, sizeof(res->workload), "%s", kc->workload);
	snprintf(res->case_name, sizeof(res->case_name), "%s", kc->case_name);
	res->rep = kc->rep;
	strat_now_iso(res->start_time, sizeof(res->start_time));
	snprintf(res->log, sizeof(res->log), "%s", kc->log);
	known_apply(res, s->release, NULL);
	strat_progress(s, res->name, res->verdict);
	return strat_record_result(s, res);
}

int suite_kmemleak_flush(struct suite *s)
{
	return s->o->kmemleak ? kmemleak_batch_flush(s->o->kmemleak_age_ms, record_kmemleak, s) : 0;
}

/* The case's runs wait for their group's scan; the group is scanned when it is due. */
static int kmemleak_case_end(struct suite *s, const struct wl_case *c, int rep)
{
	static struct km_case kc;
	char safe[SF_NAME_MAX * 2], name[SF_NAME_MAX * 2 + 16];

	memset(&kc, 0, sizeof(kc));
	snprintf(kc.label, sizeof(kc.label), "%s:%s", c->workload, c->name);
	if (rep)
		sf_appendf(kc.label, sizeof(kc.label), "#%d", rep + 1);
	snprintf(kc.comm, sizeof(kc.comm), "%s", wrap_comm(c));
	snprintf(name, sizeof(name), "%s@kmemleak", kc.label);
	text_safe_name(name, safe, sizeof(safe));
	snprintf(kc.report_path, sizeof(kc.report_path), "%s/%s.kmemleak", s->log_dir, safe);
	snprintf(kc.log, sizeof(kc.log), "logs/%s.kmemleak", safe);
	snprintf(kc.workload, sizeof(kc.workload), "%s", c->workload);
	snprintf(kc.case_name, sizeof(kc.case_name), "%s", c->name);
	kc.rep = rep;
	kmemleak_batch_case_end(&kc);
	return kmemleak_batch_due() ? suite_kmemleak_flush(s) : 0;
}

/* All strategies for one case; case_rank limits injection runs (max_cases). */
int suite_run_case(struct suite *s, const struct wl_case *c, int case_rank, int rep)
{
	int ret = 0, km;

	for (int st = 0; st < STRAT_COUNT && ret >= 0 && !*s->stop; st++) {
		struct run_spec r = { .strategy = st };

		if (!s->o->strategies[st])
			continue;
		if (s->budget_end && sf_now() >= s->budget_end) {
			s->cut_short = 1;	/* reported with the cases not reached */
			break;
		}
		if (st != STRAT_OFF && s->o->max_cases && case_rank >= s->o->max_cases)
			continue;
		if (st != STRAT_OFF && !s->fe->available) {
			ret = record_skip(s, c, &r, rep, s->fe->reason);
			continue;
		}
		switch (st) {
		case STRAT_OFF:
		case STRAT_RANDOM:
			if (st == STRAT_RANDOM && s->o->nth)
				continue;
			ret = strat_run_one(s, c, &r, rep);
			break;
		case STRAT_SWEEP:
			ret = sweep(s, c, &r, rep);
			break;
		case STRAT_TARGETED:
			ret = targeted(s, c, &r, rep);
			break;
		}
		if (kmemleak_batch_full() && ret >= 0)
			ret = suite_kmemleak_flush(s);
	}
	if (*s->stop)
		return ret < 0 ? ret : 0;
	km = s->o->kmemleak ? kmemleak_case_end(s, c, rep) : 0;
	return ret < 0 ? ret : km;
}
