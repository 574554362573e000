// SPDX-License-Identifier: GPL-2.0
/*
 * render_junit.c - junit.xml from the run record, in the Jenkins/GitLab JUnit conventions:
 * one <testsuite name="splitfail">, a <testcase classname="splitfail.<strategy>"> per
 * result. A FAIL (SILENT-SKIP when strict, KNOWN-FAIL under `known_issues = fail`) is a
 * <failure>, an ERROR an <error>, SKIP and an allowed KNOWN-FAIL a <skipped>, each with the
 * evidence and the reproduce line; a SILENT-SKIP or a PASS with evidence says it in
 * <system-out>. A run that did not finish has the test that was running as an <error> and the
 * reason in the suite's properties. Format: docs/protocol.md ("junit.xml").
 */
#include <errno.h>
#include <stdio.h>

#include "../splitfail.h"
#include "record.h"

static const char *junit_tag(const struct rec_run *run, int verdict)
{
	if (record_fails(run, verdict))
		return "failure";
	if (verdict == V_ERROR)
		return "error";
	if (verdict == V_SKIP || verdict == V_KNOWN_FAIL)
		return "skipped";
	return NULL;
}

static void junit_case(FILE *f, const struct rec_run *run, const struct rec_result *r)
{
	const char *tag = junit_tag(run, r->verdict);

	fputs("<testcase classname=\"splitfail.", f);
	text_xml(f, r->strategy);
	fputs("\" name=\"", f);
	text_xml(f, r->name);
	fprintf(f, "\" time=\"%.3f\"", r->seconds);
	if (r->start_time[0]) {
		fputs(" timestamp=\"", f);
		text_xml(f, r->start_time);
		fputc('"', f);
	}
	fputc('>', f);
	if (tag) {
		fprintf(f, "<%s message=\"%s", tag, verdict_name(r->verdict));
		if (r->known[0]) {
			fputs(" known issue: ", f);
			text_xml(f, r->known);
		}
		fputs("\">", f);
		text_xml(f, r->evidence);
		fputs("\nreproduce: ", f);
		text_xml(f, r->reproduce);
		fprintf(f, "</%s>", tag);
	} else if (r->verdict == V_SILENT_SKIP || r->evidence[0]) {
		fprintf(f, "<system-out>%s: ", verdict_name(r->verdict));
		text_xml(f, r->evidence);
		fputs("</system-out>", f);
	}
	fputs("</testcase>\n", f);
}

int render_junit(FILE *f, const struct rec_run *run)
{
	struct rec_result interrupted;
	int has_int = record_interrupted(run, &interrupted);
	int failures = 0, errors = has_int, skipped = 0;

	for (int i = 0; i < run->n; i++) {
		const char *tag = junit_tag(run, run->r[i].verdict);

		failures += tag && tag[0] == 'f';
		errors += tag && tag[0] == 'e';
		skipped += tag && tag[0] == 's';
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n", f);
	fprintf(f, "<testsuite name=\"splitfail\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\"",
		run->n + has_int, failures, errors, skipped);
	if (run->started[0]) {
		fputs(" timestamp=\"", f);
		text_xml(f, run->started);
		fputc('"', f);
	}
	fputs(">\n<properties>\n<property name=\"kernel\" value=\"", f);
	text_xml(f, run->kernel);
	fputs("\"/>\n<property name=\"profile\" value=\"", f);
	text_xml(f, run->profile);
	fprintf(f, "\"/>\n<property name=\"seed\" value=\"%llu\"/>\n", run->seed);
	fprintf(f, "<property name=\"finished\" value=\"%s\"/>\n", run->finished ? "true" : "false");
	if (!run->finished) {
		fputs("<property name=\"ended_by\" value=\"", f);
		text_xml(f, record_ended_by(run));
		fputs("\"/>\n", f);
	}
	fputs("</properties>\n", f);
	for (int i = 0; i < run->n; i++)
		junit_case(f, run, &run->r[i]);
	if (has_int)
		junit_case(f, run, &interrupted);
	fputs("</testsuite>\n</testsuites>\n", f);
	return ferror(f) ? -EIO : 0;
}
