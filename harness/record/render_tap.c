// SPDX-License-Identifier: GPL-2.0
/*
 * render_tap.c - tap.txt from the run record: TAP version 13, one line per result in record
 * order, the runner's `# splitfail: start test=<name>` before each result that ran, evidence
 * and reproduce as diagnostics after a result that is neither PASS nor SKIP. A KNOWN-FAIL is
 * `# TODO known issue: ID` (prove counts it as passed) unless the profile says
 * `known_issues = fail`. A finished run ends with its plan; a run that did not finish shows
 * the test that was running as ERROR and ends with `Bail out! <why>`: never a plan that claims
 * completion. A test the whole-guest time limit stopped is a diagnostic after its guest's
 * results (not a verdict: it runs again). Format: docs/protocol.md ("tap.txt").
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../splitfail.h"
#include "record.h"

static void tap_result(FILE *f, const struct rec_run *run, const struct rec_result *r, int i)
{
	int not_ok = r->verdict == V_ERROR || record_fails(run, r->verdict) ||
		     r->verdict == V_KNOWN_FAIL;

	if (r->log[0] || r->guest[0]) {
		fputs("# splitfail: start test=", f);
		text_line(f, r->name);
		fputc('\n', f);
	}
	fprintf(f, "%s %d - ", not_ok ? "not ok" : "ok", i);
	text_line(f, r->name);
	if (r->verdict == V_KNOWN_FAIL) {
		fprintf(f, " # %s known issue: ", run->known_fail ? "KNOWN-FAIL" : "TODO");
		text_line(f, r->known);
	} else if (r->verdict == V_SKIP) {
		char reason[256];

		snprintf(reason, sizeof(reason), "%.*s", (int)strcspn(r->evidence, "\n"),
			 r->evidence);
		fputs(" # SKIP ", f);
		text_line(f, reason);
	} else if (r->verdict != V_PASS) {
		fprintf(f, " # %s", verdict_name(r->verdict));
	}
	fputc('\n', f);
	if (r->verdict == V_PASS || r->verdict == V_SKIP)
		return;
	text_diag(f, "#   evidence: ", r->evidence);
	if (r->reproduce[0])
		text_diag(f, "#   reproduce: ", r->reproduce);
}

/* The tests the time limit stopped in guests FROM..TO (inclusive). */
static void tap_limits(FILE *f, const struct rec_run *run, int from, int to)
{
	for (int i = 0; i < run->n_limits; i++) {
		const struct rec_limit *l = &run->limits[i];

		if (l->boot < from || l->boot > to)
			continue;
		fprintf(f, "# splitfail: time limit: guest %d stopped ", l->boot);
		text_line(f, l->name);
		fputs(" while still active; not a verdict, it runs again in a fresh guest\n", f);
	}
}

int render_tap(FILE *f, const struct rec_run *run)
{
	struct rec_result interrupted;
	int boot = 1;

	fputs("TAP version 13\n# splitfail kernel=", f);
	text_line(f, run->kernel);
	fputs(" profile=", f);
	text_line(f, run->profile);
	fprintf(f, " seed=%llu strategy=", run->seed);
	text_line(f, run->strategies);
	fputc('\n', f);
	for (int i = 0; i < run->n; i++) {
		if (run->r[i].boot != boot) {
			tap_limits(f, run, boot, run->r[i].boot - 1);
			boot = run->r[i].boot;
			fprintf(f, "# splitfail: boot %d (a fresh guest)\n", boot);
		}
		tap_result(f, run, &run->r[i], i + 1);
	}
	tap_limits(f, run, boot, run->boots);
	if (run->finished) {
		fprintf(f, "1..%d\n", run->n);
	} else {
		if (record_interrupted(run, &interrupted))
			tap_result(f, run, &interrupted, run->n + 1);
		fputs("Bail out! ", f);
		text_line(f, record_ended_by(run));
		fputc('\n', f);
	}
	return ferror(f) ? -EIO : 0;
}
