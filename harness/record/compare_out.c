// SPDX-License-Identifier: GPL-2.0
/*
 * compare_out.c - the two printings of `splitfail compare`: a table for people (one row per
 * change: change, OLD verdicts, NEW verdicts, test; then the totals) and, with --json, one
 * JSON object for machines (docs/protocol.md, "compare"). Strings go through text.c.
 */
#include <string.h>

#include "compare.h"

static const struct {
	const char *key;	/* JSON */
	const char *label;	/* table */
} changes[CMP_COUNT] = {
	[CMP_NEW_FAIL] = { "new_fail", "new FAIL" },
	[CMP_FIXED] = { "fixed", "fixed" },
	[CMP_STILL] = { "still_failing", "still failing" },
	[CMP_UNTESTED] = { "no_longer_tested", "no longer tested" },
	[CMP_NEW_SILENT] = { "new_silent_skip", "new SILENT-SKIP" },
	[CMP_FLAKY] = { "flaky", "flaky" },
	[CMP_ERROR] = { "error", "ERROR" },
	[CMP_MISSING] = { "missing", "missing" },
	[CMP_NEW_TEST] = { "new_test", "new test" },
};

/* "PASS", "PASS/FAIL" (each verdict seen, with a count when it is more than one), "-" */
static void verdicts(const struct cmp_test *t, char *out, size_t len)
{
	out[0] = '\0';
	for (int v = 0; t && v < V_COUNT; v++) {
		if (!t->count[v])
			continue;
		sf_appendf(out, len, "%s%s", out[0] ? "/" : "", verdict_name(v));
		if (t->count[v] > 1)
			sf_appendf(out, len, "x%d", t->count[v]);
	}
	if (!out[0])
		snprintf(out, len, "-");
}

static void side_line(FILE *f, const char *what, const struct cmp_side *s)
{
	fprintf(f, "%s: %s (kernel %s, %d results, %d tests%s%s)\n", what, s->dir,
		s->run.kernel[0] ? s->run.kernel : "?", s->run.n, s->nt,
		s->run.finished ? "" : "; NOT finished: ", record_ended_by(&s->run));
}

void compare_table(FILE *f, const struct cmp_result *c)
{
	char o[128], n[128];
	int any = 0;

	side_line(f, "OLD", &c->old);
	side_line(f, "NEW", &c->new);
	if (c->n)
		fprintf(f, "\n%-17s %-16s %-16s %s\n", "CHANGE", "OLD", "NEW", "TEST");
	for (int i = 0; i < c->n; i++) {
		const struct cmp_row *r = &c->rows[i];
		const char *name = r->new ? r->new->name : r->old->name;

		verdicts(r->old, o, sizeof(o));
		verdicts(r->new, n, sizeof(n));
		fprintf(f, "%-17s %-16s %-16s ", changes[r->change].label, o, n);
		text_line(f, name);
		fputc('\n', f);
	}
	fputc('\n', f);
	for (int ch = 0; ch < CMP_COUNT; ch++) {
		fprintf(f, "%s%d %s", any ? ", " : "", c->counts[ch], changes[ch].label);
		any = 1;
	}
	fprintf(f, "\n%s\n", c->counts[CMP_NEW_FAIL] ? "result: something newly fails (exit 1)" :
		"result: nothing newly fails");
}

static void json_counts(FILE *f, const struct cmp_test *t)
{
	int first = 1;

	if (!t) {
		fputs("null", f);
		return;
	}
	fputc('{', f);
	for (int v = 0; v < V_COUNT; v++) {
		if (!t->count[v])
			continue;
		fprintf(f, "%s\"%s\": %d", first ? "" : ", ", verdict_name(v), t->count[v]);
		first = 0;
	}
	fputc('}', f);
}

static void json_side(FILE *f, const char *what, const struct cmp_side *s)
{
	fprintf(f, "  \"%s\": {\"dir\": ", what);
	text_json(f, s->dir);
	fputs(", \"kernel\": ", f);
	text_json(f, s->run.kernel);
	fprintf(f, ", \"results\": %d, \"tests\": %d, \"finished\": %s, \"ended_by\": ", s->run.n,
		s->nt, s->run.finished ? "true" : "false");
	text_json(f, record_ended_by(&s->run));
	fputs("},\n", f);
}

void compare_json(FILE *f, const struct cmp_result *c)
{
	fputs("{\n", f);
	json_side(f, "old", &c->old);
	json_side(f, "new", &c->new);
	fputs("  \"counts\": {", f);
	for (int ch = 0; ch < CMP_COUNT; ch++)
		fprintf(f, "%s\"%s\": %d", ch ? ", " : "", changes[ch].key, c->counts[ch]);
	fprintf(f, "},\n  \"newly_fails\": %s,\n  \"changes\": [",
		c->counts[CMP_NEW_FAIL] ? "true" : "false");
	for (int i = 0; i < c->n; i++) {
		const struct cmp_row *r = &c->rows[i];

		fprintf(f, "%s\n    {\"change\": \"%s\", \"name\": ", i ? "," : "",
			changes[r->change].key);
		text_json(f, r->new ? r->new->name : r->old->name);
		fputs(", \"old\": ", f);
		json_counts(f, r->old);
		fputs(", \"new\": ", f);
		json_counts(f, r->new);
		fputc('}', f);
	}
	fputs(c->n ? "\n  ]\n}\n" : "]\n}\n", f);
}
