// SPDX-License-Identifier: GPL-2.0
/*
 * leak_trend.c - leak state per exact key, and growth across the runs of one test case.
 *
 * The table maps a key (a workload's name for the consecutive-runs counters of leak.c, or
 * "workload:FIXTURE.VARIANT.TEST" for the trend) to its own entry: no two keys share state.
 *
 * The trend: each run's residual is measured against its own baseline, so the sum of the
 * residuals of a case's runs (repeat and sweep steps) is how far the counter rose over
 * them, with whatever ran between the runs left out. A leak of one page per run gives a
 * cumulative curve of slope 1 although each step is within the per-run tolerance. A
 * counter grows when, over N >= trend_runs runs, the least-squares slope of the cumulative
 * residual is at least TREND_MIN_SLOPE pages per run, at least three quarters of the runs
 * left a positive residual (steady, not one large step), and the mean residual is at least
 * TREND_MIN_T standard errors above zero (a one-sample t statistic: a steady +1 has none, the
 * residuals of a busy machine scatter; a guest without the drain showed +43, 0, +17, +40). After a verdict the window
 * starts again, so a case that keeps leaking FAILs again after N more runs.
 * nr_anon_pages is followed only in exact mode (in busy mode other processes move it).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "splitfail.h"

#define TREND_MIN_SLOPE	0.5
#define TREND_MIN_T	5.0

struct leak_entry *leak_table_get(struct leak_table *t, const char *key)
{
	struct leak_entry *e;

	for (int i = 0; i < t->n; i++)
		if (!strcmp(t->e[i]->key, key))
			return t->e[i];
	if (sf_grow(&t->e, t->n, &t->cap, sizeof(*t->e), 64))
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	snprintf(e->key, sizeof(e->key), "%s", key);
	t->e[t->n++] = e;
	return e;
}

void leak_table_free(struct leak_table *t)
{
	for (int i = 0; i < t->n; i++)
		free(t->e[i]);
	free(t->e);
	memset(t, 0, sizeof(*t));
}

/* Least-squares slope of the cumulative sum of r[0..n-1] against the run index. */
double leak_slope(const long long *r, int n)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, y = 0;

	if (n < 2)
		return 0;
	for (int i = 0; i < n; i++) {
		y += (double)r[i];
		sx += i + 1;
		sy += y;
		sxx += (double)(i + 1) * (i + 1);
		sxy += (double)(i + 1) * y;
	}
	return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

/*
 * Add one run's residuals to a case's window; 1 when a counter grows steadily (evidence in
 * ev), 0 otherwise. min_runs 0 turns the trend off.
 */
int leak_trend_add(struct leak_trend *tr, const struct leak_resid *res, int mode, int min_runs,
		   char *ev, size_t evlen)
{
	int grows = 0, counters = mode == LEAK_EXACT ? LEAK_COUNTERS : 2;

	if (!min_runs)
		return 0;
	if (tr->n == LEAK_TREND_MAX) {	/* keep the newest half */
		for (int i = 0; i < LEAK_COUNTERS; i++)
			memmove(tr->r[i], tr->r[i] + LEAK_TREND_MAX / 2,
				LEAK_TREND_MAX / 2 * sizeof(tr->r[i][0]));
		tr->n = LEAK_TREND_MAX / 2;
	}
	for (int i = 0; i < LEAK_COUNTERS; i++)
		tr->r[i][tr->n] = res->r[i];
	tr->n++;
	if (tr->n < min_runs)
		return 0;
	for (int i = 0; i < counters; i++) {
		long long total = 0;
		int positive = 0;
		double slope = leak_slope(tr->r[i], tr->n);

		double mean, var = 0, t;

		for (int j = 0; j < tr->n; j++) {
			total += tr->r[i][j];
			positive += tr->r[i][j] > 0;
		}
		mean = (double)total / tr->n;
		for (int j = 0; j < tr->n; j++)
			var += (tr->r[i][j] - mean) * (tr->r[i][j] - mean) / (tr->n - 1);
		t = var > 0 ? mean / sqrt(var / tr->n) : (mean > 0 ? INFINITY : 0);
		if (slope < TREND_MIN_SLOPE || positive * 4 < tr->n * 3 || t < TREND_MIN_T)
			continue;
		grows = 1;
		sf_appendf(ev, evlen,
			   "leak (growth): %s rose %+.2f pages/run (least-squares slope of the cumulative residual, >= %.1f needed) over N=%d runs of this case, %d of %d runs positive, total %+lld, t=%.1f (>= %.0f); ",
			   leak_counter_names[i], slope, TREND_MIN_SLOPE, tr->n, positive, tr->n,
			   total, t, TREND_MIN_T);
	}
	if (grows)
		tr->n = 0;
	return grows;
}
