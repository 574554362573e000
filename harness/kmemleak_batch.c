// SPDX-License-Identifier: GPL-2.0
/*
 * kmemleak_batch.c - one kmemleak scan per test case and repetition (all its strategies and
 * sweep steps) instead of one per run, with each leaked object still tied to the run that
 * allocated it.
 *
 * Why: kmemleak reports an object only once it is 5 s old (MSECS_MIN_AGE), so a scan after
 * every run costs 5 s plus the scan per run. Under TCG a nightly sweep run takes about 0.2 s;
 * measured in the guest, nightly ran 6.7 s per run, 71 runs in 8 minutes, and the whole
 * nightly matrix would have taken days. One scan after the case's runs costs the same 5 s once.
 *
 * Attribution: a report names the allocating task ("comm "thp_munmap", pid 1234, jiffies
 * ..."). Each run's workload is a fresh process, and pids grow, so an object of the
 * workload's comm belongs to the run with the largest first pid not above the object's pid
 * (a worker or child the workload forked has a larger pid than the workload itself). The
 * case's result for the batch (`<case>@kmemleak`) names that run and gives its reproduce
 * line; `--case C --nth N` reproduces one run, whose batch is that run alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "splitfail.h"

#define KM_BATCH_MAX	1024

struct km_run {
	char name[SF_NAME_MAX * 2];
	char reproduce[1024];
	int pid;
};

static struct {
	struct km_run *runs;
	int n;
	double last_end;
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
	batch.last_end = ended;
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

/*
 * Close the batch: wait out kmemleak's minimum age after the last run, scan, and judge the
 * workload's objects (comm) into res (name and reproduce from label and the owning run).
 * Returns 1 when res was filled, 0 when the batch was empty (nothing to record).
 */
int kmemleak_batch_close(const char *label, const char *comm, int age_ms,
			 const char *report_path, struct result *res)
{
	char ev[1600];
	int pids[KM_BATCH_MAX], mine, owner;

	if (!batch.n)
		return 0;
	if (!kmemleak_available()) {
		batch.n = 0;
		return 0;
	}
	memset(res, 0, sizeof(*res));
	snprintf(res->name, sizeof(res->name), "%s@kmemleak", label);
	snprintf(res->strategy, sizeof(res->strategy), "kmemleak");
	mine = kmemleak_check(comm, batch.last_end, age_ms, report_path, ev, sizeof(ev));
	for (int i = 0; i < batch.n; i++)
		pids[i] = batch.runs[i].pid;
	owner = mine > 0 ? kmemleak_owner_run(pids, batch.n, object_pid(ev)) : -1;
	snprintf(res->reproduce, sizeof(res->reproduce), "%s",
		 batch.runs[owner >= 0 ? owner : 0].reproduce);
	if (mine > 0) {
		res->verdict = V_FAIL;
		snprintf(res->evidence, sizeof(res->evidence),
			 "kmemleak: expected no unreferenced object allocated by the workload in %d run(s), actual %d; the first allocated in run %s (pid %d); first: %s; report: %s",
			 batch.n, mine, owner >= 0 ? batch.runs[owner].name : "(not found)",
			 object_pid(ev), ev, report_path);
	} else if (mine < 0) {
		res->verdict = V_ERROR;
		snprintf(res->evidence, sizeof(res->evidence),
			 "harness error: kmemleak scan after %d run(s) failed: %s", batch.n,
			 strerror(-mine));
	} else {
		res->verdict = V_PASS;
		snprintf(res->evidence, sizeof(res->evidence),
			 "kmemleak: no unreferenced object of the workload after %d run(s) (%s to %s); %s",
			 batch.n, batch.runs[0].name, batch.runs[batch.n - 1].name, ev);
	}
	batch.n = 0;
	return 1;
}
