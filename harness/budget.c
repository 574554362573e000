// SPDX-License-Identifier: GPL-2.0
/*
 * budget.c - the run's time budget ([run] budget): a nightly has a fixed slot, so once the
 * budget is spent no further test case, strategy of one or step of a sweep starts (the run
 * overruns by at most one run, bounded by [run] timeout), and what was not reached
 * is reported instead of overrunning: summary.json member "budget" with the budget, the time
 * used, and the test cases not reached (and the one cut short). Not a verdict: the results
 * recorded are complete, the run simply covered less.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "splitfail.h"
#include "record/live.h"

#define BUDGET_NAMES_MAX	64	/* names listed; the count is always complete */

static struct {
	double start;
	int seconds;
	int not_reached;
	char cut[SF_NAME_MAX * 2];
	char names[BUDGET_NAMES_MAX][SF_NAME_MAX * 2];
} budget;

void budget_start(struct suite *s, int seconds)
{
	memset(&budget, 0, sizeof(budget));
	budget.start = sf_now();
	budget.seconds = seconds;
	s->budget_end = seconds ? budget.start + seconds : 0;
}

/* Before a case: 1 when the budget is spent (the case is then noted as not reached). */
int budget_spent(struct suite *s, const struct wl_case *c, int rep)
{
	char name[SF_NAME_MAX * 2];

	if (!s->budget_end || sf_now() < s->budget_end)
		return 0;
	snprintf(name, sizeof(name), "%s:%s", c->workload, c->name);
	if (rep)
		sf_appendf(name, sizeof(name), "#%d", rep + 1);
	if (budget.not_reached < BUDGET_NAMES_MAX)
		snprintf(budget.names[budget.not_reached], sizeof(budget.names[0]), "%s", name);
	budget.not_reached++;
	return 1;
}

/* After a case ran: remember it when the budget cut its strategies short. */
void budget_case_done(struct suite *s, const struct wl_case *c)
{
	if (s->cut_short && !budget.cut[0])
		snprintf(budget.cut, sizeof(budget.cut), "%s:%s", c->workload, c->name);
	s->cut_short = 0;
}

/* The "budget" member of summary.json, when a budget was set; 0 or -errno. */
int budget_report(void)
{
	char *json = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	if (!budget.seconds)
		return 0;
	f = open_memstream(&json, &len);
	if (!f)
		return -ENOMEM;
	fprintf(f, "{\"seconds\": %d, \"used\": %.0f, \"not_reached\": %d, \"cut_short\": ",
		budget.seconds, sf_now() - budget.start, budget.not_reached);
	text_json(f, budget.cut);
	fprintf(f, ", \"cases_not_reached\": [");
	for (int i = 0; i < budget.not_reached && i < BUDGET_NAMES_MAX; i++) {
		fputs(i ? ", " : "", f);
		text_json(f, budget.names[i]);
	}
	fprintf(f, "]}");
	if (fclose(f)) {
		free(json);
		return -ENOMEM;
	}
	if (budget.not_reached || budget.cut[0])
		fprintf(stderr, "splitfail: time budget of %d s spent: %d test case(s) not reached%s%s (summary.json \"budget\")\n",
			budget.seconds, budget.not_reached, budget.cut[0] ? ", cut short: " : "",
			budget.cut);
	ret = live_extra("budget", json);
	free(json);
	return ret;
}
