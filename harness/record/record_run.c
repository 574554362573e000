// SPDX-License-Identifier: GPL-2.0
/*
 * record_run.c - a run record in memory (struct rec_run, record.h): results and extras added
 * by deep copy, counts, which verdicts fail the run, and how a run that did not finish is
 * told (the test that was running shown as ERROR, the reason it ended), and the tests the
 * whole-guest time limit stopped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../splitfail.h"
#include "record.h"
#include "record_fields.h"

int record_add_result(struct rec_run *run, const struct rec_result *r)
{
	if (sf_grow(&run->r, run->n, &run->cap, sizeof(*run->r), 64))
		return -ENOMEM;
	if (fields_copy(result_fields, &run->r[run->n], r, sizeof(*r))) {
		fields_free(result_fields, &run->r[run->n]);
		return -ENOMEM;
	}
	run->n++;
	return 0;
}

int record_set_extra(struct rec_run *run, const char *key, const char *json)
{
	char *copy = strdup(json);
	struct rec_extra *grown;
	int i;

	if (!copy)
		return -ENOMEM;
	for (i = 0; i < run->nx; i++)
		if (!strcmp(run->x[i].key, key))
			break;
	if (i == run->nx) {
		grown = realloc(run->x, (run->nx + 1) * sizeof(*grown));
		if (grown)
			run->x = grown;
		if (!grown || !(run->x[i].key = strdup(key))) {
			free(copy);
			return -ENOMEM;
		}
		run->x[i].json = NULL;
		run->nx++;
	}
	free(run->x[i].json);
	run->x[i].json = copy;
	return 0;
}

int record_count(const struct rec_run *run, int verdict)
{
	int n = 0;

	for (int i = 0; i < run->n; i++)
		n += run->r[i].verdict == verdict;
	return n;
}

long long record_faults(const struct rec_run *run)
{
	long long n = 0;

	for (int i = 0; i < run->n; i++)
		n += run->r[i].faults_injected;
	return n;
}

int record_fails(const struct rec_run *run, int verdict)
{
	return verdict == V_FAIL || (verdict == V_SILENT_SKIP && run->strict) ||
	       (verdict == V_KNOWN_FAIL && run->known_fail);
}

const char *record_ended_by(const struct rec_run *run)
{
	if (run->finished)
		return "";
	if (!run->ended)
		return "no end line: the harness or its guest stopped before the run ended";
	return run->ended_by && run->ended_by[0] ? run->ended_by : "ended unfinished";
}

/* The strategy a result name's suffix says (docs/protocol.md, result names). */
static const char *strategy_of(const char *name)
{
	const char *at = strchr(name, '@');

	if (!at)
		return "off";
	if (!strncmp(at, "@random", 7))
		return "random";
	if (!strncmp(at, "@target", 7))
		return "targeted";
	return "sweep";		/* @sweep, @nth=N */
}

const struct rec_limit *record_limit_of(const struct rec_run *run, const char *name)
{
	for (int i = 0; i < run->n_limits; i++)
		if (!strcmp(run->limits[i].name, name))
			return &run->limits[i];
	return NULL;
}

int record_interrupted(const struct rec_run *run, struct rec_result *out)
{
	static char evidence[768], workload[SF_NAME_MAX], case_name[SF_NAME_MAX];
	const char *name = run->running, *colon;

	if (run->finished || !name || !name[0])
		return 0;
	colon = strchr(name, ':');
	snprintf(workload, sizeof(workload), "%.*s", colon ? (int)(colon - name) : 0, name);
	colon = colon ? colon + 1 : name;
	snprintf(case_name, sizeof(case_name), "%.*s", (int)strcspn(colon, "@#"), colon);
	snprintf(evidence, sizeof(evidence),
		 "interrupted: it had started and has no verdict when the run ended (%s)%s",
		 record_ended_by(run), run->running_limited ?
		 "; the whole-guest time limit stopped it while its guest still progressed, and no "
		 "fresh guest ran it again" : "");
	memset(out, 0, sizeof(*out));
	out->name = run->running;
	out->workload = workload;
	out->case_name = case_name;
	out->target = out->window = out->reproduce = out->known = out->log = "";
	out->vmstat_delta = "{}";
	out->evidence = evidence;
	out->guest = "interrupted";
	out->verdict = V_ERROR;
	out->boot = run->boots;
	snprintf(out->strategy, sizeof(out->strategy), "%s", strategy_of(name));
	return 1;
}

void record_free(struct rec_run *run)
{
	for (int i = 0; i < run->n; i++)
		fields_free(result_fields, &run->r[i]);
	free(run->r);
	for (int i = 0; i < run->nx; i++) {
		free(run->x[i].key);
		free(run->x[i].json);
	}
	free(run->x);
	for (int i = 0; i < run->n_limits; i++)
		fields_free(limit_fields, &run->limits[i]);
	free(run->limits);
	fields_free(run_fields, run);
	free(run->running);
	free(run->ended_by);
	memset(run, 0, sizeof(*run));
}
