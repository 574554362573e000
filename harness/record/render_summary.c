// SPDX-License-Identifier: GPL-2.0
/*
 * render_summary.c - summary.json from the run record: the run's conditions, whether it
 * finished and what ended it, verdict counts, faults injected, the extras (knobs, pressure,
 * leak, kmemleak, ...) as top-level members, and one entry per result (the test that was
 * running when an unfinished run ended included, as ERROR), and the tests the whole-guest time
 * limit stopped (not verdicts). Members: docs/protocol.md ("summary.json").
 */
#include <errno.h>
#include <stdio.h>

#include "../splitfail.h"
#include "record.h"

static void member(FILE *f, const char *sep, const char *key, const char *val)
{
	fprintf(f, "%s\"%s\": ", sep, key);
	text_json(f, val);
}

static void summary_test(FILE *f, const struct rec_result *r, int first)
{
	member(f, first ? "\n    {" : ",\n    {", "name", r->name);
	fprintf(f, ", \"verdict\": \"%s\"", verdict_name(r->verdict));
	member(f, ", ", "strategy", r->strategy);
	member(f, ", ", "workload", r->workload);
	member(f, ", ", "case", r->case_name);
	fprintf(f, ", \"nth\": %d", r->nth);
	member(f, ", ", "target", r->target);
	fprintf(f, ", \"rep\": %d, \"boot\": %d,\n     \"faults_injected\": %lld, \"consumed\": %d, \"seconds\": %.3f",
		r->rep, r->boot, r->faults_injected, r->consumed, r->seconds);
	member(f, ", ", "start_time", r->start_time);
	member(f, ", ", "log", r->log);
	member(f, ",\n     ", "window", r->window);
	member(f, ",\n     ", "evidence", r->evidence);
	member(f, ",\n     ", "reproduce", r->reproduce);
	if (r->known[0])
		member(f, ", ", "known_issue", r->known);
	if (r->guest[0])
		member(f, ", ", "guest", r->guest);
	fprintf(f, ",\n     \"vmstat_delta\": %s}", r->vmstat_delta[0] ? r->vmstat_delta : "{}");
}

/* "time_limit": the tests the whole-guest time limit stopped, each run again in a fresh guest */
static void summary_limits(FILE *f, const struct rec_run *run)
{
	if (!run->n_limits)
		return;
	fputs(",\n  \"time_limit\": [", f);
	for (int i = 0; i < run->n_limits; i++) {
		const struct rec_limit *l = &run->limits[i];

		member(f, i ? ",\n    {" : "\n    {", "name", l->name);
		fprintf(f, ", \"boot\": %d", l->boot);
		member(f, ", ", "start_time", l->start_time);
		member(f, ",\n     ", "evidence", l->evidence);
		fputc('}', f);
	}
	fputs("\n  ]", f);
}

int render_summary(FILE *f, const struct rec_run *run)
{
	struct rec_result interrupted;
	int has_int = record_interrupted(run, &interrupted);

	member(f, "{\n  ", "kernel", run->kernel);
	member(f, ",\n  ", "profile", run->profile);
	fprintf(f, ",\n  \"seed\": %llu", run->seed);
	member(f, ",\n  ", "strategy", run->strategies);
	fprintf(f, ",\n  \"strict\": %s", run->strict ? "true" : "false");
	member(f, ",\n  ", "started", run->started);
	fprintf(f, ",\n  \"finished\": %s", run->finished ? "true" : "false");
	member(f, ",\n  ", "ended_by", record_ended_by(run));
	fprintf(f, ",\n  \"boots\": %d", run->boots);
	fprintf(f, ",\n  \"known_issues\": \"%s\"", run->known_fail ? "fail" : "allow");
	member(f, ",\n  ", "host", run->host);
	member(f, ", ", "arch", run->arch);
	member(f, ", ", "accel", run->accel);
	member(f, ", ", "shard", run->shard);
	fprintf(f, ",\n  \"counts\": {\"pass\": %d, \"fail\": %d, \"silent_skip\": %d, \"skip\": %d, \"error\": %d, \"known_fail\": %d}",
		record_count(run, V_PASS), record_count(run, V_FAIL),
		record_count(run, V_SILENT_SKIP), record_count(run, V_SKIP),
		record_count(run, V_ERROR) + has_int, record_count(run, V_KNOWN_FAIL));
	fprintf(f, ",\n  \"faults_injected\": %lld", record_faults(run));
	render_targets(f, run);
	for (int i = 0; i < run->nx; i++) {
		fputs(",\n  ", f);
		text_json(f, run->x[i].key);
		fprintf(f, ": %s", run->x[i].json);
	}
	summary_limits(f, run);
	fputs(",\n  \"tests\": [", f);
	for (int i = 0; i < run->n; i++)
		summary_test(f, &run->r[i], i == 0);
	if (has_int)
		summary_test(f, &interrupted, run->n == 0);
	fputs("\n  ]\n}\n", f);
	return ferror(f) ? -EIO : 0;
}
