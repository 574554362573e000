// SPDX-License-Identifier: GPL-2.0
/*
 * kmemleak_batch.c - one kmemleak scan for a group of test cases (all their strategies, sweep
 * steps and repetitions) instead of one per run or per case, with each leaked object still
 * tied to the run, and so the case, that allocated it; every case keeps its own result.
 *
 * Why: kmemleak reports an object only once it is 5 s old (MSECS_MIN_AGE), so a scan after
 * every run costs 5 s plus the scan per run. Under TCG a nightly sweep run takes about 0.2 s;
 * measured in the guest, nightly ran 6.7 s per run, 71 runs in 8 minutes. One scan per case
 * still cost 1037 s of the first 2170 s of a nightly (154 cases, 6.7 s each): the cases of a
 * group of KM_GROUP_S seconds now share one wait and one scan.
 *
 * Attribution: a report names the allocating task ("comm "thp_munmap", pid 1234, jiffies
 * ..."). Each run's workload is a fresh process, and pids grow, so an object belongs to the
 * run with the largest first pid not above the object's pid (a worker or child the workload
 * forked has a larger pid than the workload itself), when that run's workload has the
 * object's comm; an object of a workload's comm that no run of it owns goes to the group's
 * first case of that comm. The case's result (`<case>@kmemleak`) names the run and gives
 * its reproduce line; `--case C --nth N` reproduces one run, whose group is that run alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "splitfail.h"

#define KM_BATCH_MAX	1024	/* runs of a group */
#define KM_CASES_MAX	256	/* cases of a group */
#define KM_GROUP_S	120.0	/* a group is scanned once its first case ended this long ago */

struct km_run {
	char name[SF_NAME_MAX * 2];
	char reproduce[1024];
	int pid;
	int kcase;		/* index of its case in the group */
};

static struct {
	struct km_run *runs;
	int n;
	struct km_case *cases;
	int nc;
	int case_first;		/* the first run of the case still running */
	double last_end, first_case_end;
} batch;

int kmemleak_batch_full(void)
{
	return batch.n >= KM_BATCH_MAX;
}

void kmemleak_batch_note(const char *name, const char *reproduce, int pid, double ended)
{
	struct km_run *r;

	if (!batch.runs)
		batch.runs = calloc(KM_BATCH_MAX, sizeof(*batch.runs));
	if (!batch.runs || batch.n >= KM_BATCH_MAX)
		return;
	r = &batch.runs[batch.n++];
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->reproduce, sizeof(r->reproduce), "%s", reproduce);
	r->pid = pid;
	r->kcase = batch.nc;
	batch.last_end = ended;
}

void kmemleak_batch_case_end(const struct km_case *id)
{
	if (!batch.cases)
		batch.cases = calloc(KM_CASES_MAX, sizeof(*batch.cases));
	if (!batch.cases || batch.n == batch.case_first || batch.nc >= KM_CASES_MAX)
		return;	/* no run of its own: nothing to judge */
	batch.cases[batch.nc] = *id;
	batch.cases[batch.nc].first = batch.case_first;
	batch.cases[batch.nc].n = batch.n - batch.case_first;
	if (!batch.nc++)
		batch.first_case_end = sf_now();
	batch.case_first = batch.n;
}

int kmemleak_batch_due(void)
{
	return batch.nc && (batch.n >= KM_BATCH_MAX / 2 || batch.nc >= KM_CASES_MAX ||
			    sf_now() - batch.first_case_end >= KM_GROUP_S);
}

/*
 * Index of the run (of n, first pids in run order) that owns an object of pid: the one with
 * the largest first pid <= pid; -1 when none (pid numbers wrapped, or another task). Pure.
 */
int kmemleak_owner_run(const int *pids, int n, int pid)
{
	int best = -1;

	for (int i = 0; i < n; i++)
		if (pids[i] > 0 && pids[i] <= pid && (best < 0 || pids[i] > pids[best]))
			best = i;
	return best;
}

/* The pid in the first "comm "...", pid N" line of an object excerpt; 0 when absent. */
static int object_pid(const char *excerpt)
{
	const char *p = strstr(excerpt, "\", pid ");
	int pid = 0;

	if (p)
		sscanf(p, "\", pid %d", &pid);
	return pid;
}

/* The case of the group an object of pid with its comm is charged to; -1 none. */
static int owner_case(const char *obj, size_t len, const int *pids)
{
	int run = kmemleak_owner_run(pids, batch.n, object_pid(obj));

	if (run >= 0 &&
	    kmemleak_object_comm_is(obj, len, batch.cases[batch.runs[run].kcase].comm))
		return batch.runs[run].kcase;
	for (int k = 0; k < batch.nc; k++)
		if (kmemleak_object_comm_is(obj, len, batch.cases[k].comm))
			return k;
	return -1;
}

/* Case k's result from the group's report: its objects, the first quoted; others counted. */
static void judge_case(int k, const char *report, const int *pids, struct result *res)
{
	const struct km_case *kc = &batch.cases[k];
	const char *p = report, *first = NULL;
	int mine = 0, others = 0, first_run = -1;
	size_t first_len = 0, blen;

	for (; (p = kmemleak_next_object(p, &blen)); p += blen) {
		if (owner_case(p, blen, pids) == k) {
			if (!mine++) {
				first = p;
				first_len = blen > 1500 ? 1500 : blen;
				first_run = kmemleak_owner_run(pids, batch.n, object_pid(p));
			}
		} else {
			others++;
		}
	}
	if (first_run >= 0 && batch.runs[first_run].kcase != k)
		first_run = -1;
	snprintf(res->reproduce, sizeof(res->reproduce), "%s",
		 batch.runs[first_run >= 0 ? first_run : kc->first].reproduce);
	if (mine) {
		res->verdict = V_FAIL;
		snprintf(res->evidence, sizeof(res->evidence),
			 "kmemleak: expected no unreferenced object allocated by the workload in %d run(s), actual %d; the first allocated in run %s (pid %d); first: %.*s; report: %s",
			 kc->n, mine, first_run >= 0 ? batch.runs[first_run].name : "(not found)",
			 object_pid(first), (int)first_len, first, kc->report_path);
		return;
	}
	res->verdict = V_PASS;
	snprintf(res->evidence, sizeof(res->evidence),
		 "kmemleak: no unreferenced object of the workload after %d run(s) (%s to %s), one scan for %d case(s); ",
		 kc->n, batch.runs[kc->first].name, batch.runs[kc->first + kc->n - 1].name,
		 batch.nc);
	if (others)
		sf_appendf(res->evidence, sizeof(res->evidence),
			   "kmemleak: %d unreferenced object(s) of other tasks, not judged (or of the scan's other cases: theirs; %s); ",
			   others, kc->report_path);
}

int kmemleak_batch_flush(int age_ms, kmemleak_record_fn record, void *ctx)
{
	static int pids[KM_BATCH_MAX];
	static struct result res;
	const char *report;
	ssize_t n;
	int ret = 0;

	if (!batch.nc || !kmemleak_available()) {
		batch.n = batch.nc = batch.case_first = 0;
		return 0;
	}
	n = kmemleak_scan(batch.last_end, age_ms, &report);
	for (int i = 0; i < batch.n; i++)
		pids[i] = batch.runs[i].pid;
	for (int k = 0; k < batch.nc && !ret; k++) {
		const struct km_case *kc = &batch.cases[k];

		memset(&res, 0, sizeof(res));
		snprintf(res.name, sizeof(res.name), "%s@kmemleak", kc->label);
		snprintf(res.strategy, sizeof(res.strategy), "kmemleak");
		if (n < 0) {
			res.verdict = V_ERROR;
			snprintf(res.evidence, sizeof(res.evidence),
				 "harness error: kmemleak scan after %d run(s) failed: %s", kc->n,
				 strerror((int)-n));
			snprintf(res.reproduce, sizeof(res.reproduce), "%s",
				 batch.runs[kc->first].reproduce);
		} else {
			if (n > 0)
				kmemleak_save(kc->report_path, report, (size_t)n);
			judge_case(k, report, pids, &res);
		}
		ret = record(ctx, kc, &res);
	}
	/* the running case (a full group mid-case) keeps its runs for its own result */
	memmove(batch.runs, batch.runs + batch.case_first,
		(size_t)(batch.n - batch.case_first) * sizeof(*batch.runs));
	batch.n -= batch.case_first;
	for (int i = 0; i < batch.n; i++)
		batch.runs[i].kcase = 0;
	batch.nc = batch.case_first = 0;
	return ret;
}
