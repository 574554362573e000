// SPDX-License-Identifier: GPL-2.0
/*
 * render_ktap.c - ktap.txt: the record as KTAP version 1 (the kernel's
 * Documentation/dev-tools/ktap.rst), read by tools/testing/kunit/kunit.py parse and kernel
 * CI tooling. Plan right after the version line and the run's header, each test's
 * diagnostics (human name, evidence, reproduce line, log) before its result line, test names
 * of [A-Za-z0-9_.-] only (text_safe_name), one directive per verdict; a run that did not
 * finish shows its running test as ERROR (record_interrupted) and ends in "Bail out! <why>".
 * The mapping of verdicts: docs/protocol.md ("ktap.txt").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../splitfail.h"
#include "record.h"

#define KTAP_REASON_MAX	160	/* bytes of the evidence's first line on a result line */

/*
 * kunit.py stops reading at a line containing one of these (kunit_parser.py KTAP_END), even
 * inside a diagnostic; a console excerpt may well hold them. Their first space is doubled.
 */
static const char *const ktap_end_markers[] = {
	"List of all partitions:", "Kernel panic - not syncing: VFS:", "reboot: System halted",
};

/* A copy of s in which no end marker is left whole; NULL without memory. */
static char *ktap_unmark(const char *s)
{
	size_t n = sizeof(ktap_end_markers) / sizeof(ktap_end_markers[0]), len = strlen(s);
	char *buf = malloc(len * 2 + 1);
	size_t o = 0;

	if (!buf)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		for (size_t m = 0; m < n; m++) {
			size_t ml = strlen(ktap_end_markers[m]);

			if (len - i >= ml && !memcmp(s + i, ktap_end_markers[m], ml)) {
				size_t sp = strcspn(ktap_end_markers[m], " ");

				memcpy(buf + o, s + i, sp);
				o += sp;
				buf[o++] = ' ';
				i += sp;
				break;
			}
		}
		buf[o++] = s[i];
	}
	buf[o] = '\0';
	return buf;
}

/* Text on a result line (after its " # "): one line, made safe (text_line), unmarked. */
static void ktap_text(FILE *f, const char *s)
{
	char *safe = ktap_unmark(s);

	text_line(f, safe ? safe : "");
	free(safe);
}

/* PREFIX and a line, for each line of text (text_diag), unmarked. */
static void ktap_diag(FILE *f, const char *prefix, const char *text)
{
	char *safe = ktap_unmark(text);

	text_diag(f, prefix, safe ? safe : "");
	free(safe);
}

static int is_hang(const struct rec_result *r)
{
	return !strncmp(r->evidence, "hang:", 5) || !strcmp(r->guest, "hung") ||
	       !strcmp(r->guest, "timeout");
}

/* "ok" unless the verdict fails the run or is an ERROR (exit codes: docs/protocol.md) */
static int ktap_ok(const struct rec_run *run, int verdict)
{
	return !record_fails(run, verdict) && verdict != V_ERROR;
}

/* The result line's " # DIRECTIVE reason", if any. */
static void ktap_directive(FILE *f, const struct rec_run *run, const struct rec_result *r)
{
	char reason[KTAP_REASON_MAX + 1];
	int ok = ktap_ok(run, r->verdict);

	snprintf(reason, sizeof(reason), "%.*s", (int)strcspn(r->evidence, "\n"), r->evidence);
	switch (r->verdict) {
	case V_PASS:
		return;
	case V_SKIP:
		fputs(" # SKIP ", f);
		break;
	case V_SILENT_SKIP:
		fputs(ok ? " # SKIP SILENT-SKIP: " : " # SILENT-SKIP (strict): ", f);
		break;
	case V_KNOWN_FAIL:
		fputs(ok ? " # XFAIL known issue " : " # KNOWN-FAIL (known_issues = fail) known issue ",
		      f);
		snprintf(reason, sizeof(reason), "%s", r->known);
		break;
	case V_ERROR:
		fputs(" # ERROR ", f);
		if (!strcmp(r->guest, "interrupted") && strncmp(r->evidence, "interrupted", 11))
			fputs("interrupted: ", f);
		break;
	default:
		if (is_hang(r)) {
			fputs(" # TIMEOUT ", f);
		} else if (r->guest[0]) {	/* its evidence (the console) is right above */
			fprintf(f, " # guest %s (boot %d)", r->guest, r->boot);
			return;
		} else {
			fputs(" # FAIL: ", f);
		}
		break;
	}
	ktap_text(f, reason);
}

static void ktap_result(FILE *f, const struct rec_run *run, const struct rec_result *r, int num)
{
	char safe[SF_NAME_MAX * 3];

	text_safe_name(r->name, safe, sizeof(safe));
	ktap_diag(f, "# test: ", r->name);
	if (r->evidence[0])
		ktap_diag(f, "# evidence: ", r->evidence);
	if (r->verdict != V_PASS && r->verdict != V_SKIP && r->reproduce[0])
		ktap_diag(f, "# reproduce: ", r->reproduce);
	if (r->log[0])
		ktap_diag(f, "# log: ", r->log);
	fprintf(f, "%s %d %s", ktap_ok(run, r->verdict) ? "ok" : "not ok", num, safe);
	ktap_directive(f, run, r);
	fputc('\n', f);
}

int render_ktap(FILE *f, const struct rec_run *run)
{
	struct rec_result interrupted;
	int lost = record_interrupted(run, &interrupted);

	fputs("KTAP version 1\n# splitfail kernel=", f);
	ktap_text(f, run->kernel);
	fputs(" profile=", f);
	ktap_text(f, run->profile);
	fprintf(f, " seed=%llu strategy=", run->seed);
	ktap_text(f, run->strategies);
	fprintf(f, "\n1..%d\n", run->n + lost);
	for (int i = 0; i < run->n; i++)
		ktap_result(f, run, &run->r[i], i + 1);
	if (lost)
		ktap_result(f, run, &interrupted, run->n + 1);
	if (!run->finished) {
		fputs("Bail out! ", f);
		ktap_text(f, record_ended_by(run));
		fputc('\n', f);
	}
	return ferror(f) ? -EIO : 0;
}
