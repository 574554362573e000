// SPDX-License-Identifier: GPL-2.0
/*
 * results.c - the result files of one run folder: tap.txt (appended and fsync'ed as each
 * test ends, plan at the end), summary.json and junit.xml (rewritten atomically after each
 * test), kmsg.txt (the kernel log since start). A guest that panics mid-run therefore
 * loses nothing already decided. Formats: docs/protocol.md. A KNOWN-FAIL (a FAIL that
 * configs/known-issues.ini explains) is a TAP TODO and a JUnit skip, so it fails nothing,
 * unless the profile says `known_issues = fail`.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "splitfail.h"

#define RESULTS_EXTRA_MAX	8

static struct {
	char dir[SF_PATH_MAX];
	char kernel[256];
	char profile[SF_PATH_MAX];
	char strategies[64];
	char started[32];
	unsigned long long seed;
	int strict;
	int known_fail;			/* KNOWN-FAIL fails the run */
	int finished;
	struct result *r;
	int n;
	FILE *tap;
	FILE *kmsg;
	char extra_key[RESULTS_EXTRA_MAX][32];
	char *extra_json[RESULTS_EXTRA_MAX];
	int n_extra;
} res;

void json_escape(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void xml_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '<')
			fputs("&lt;", f);
		else if (c == '>')
			fputs("&gt;", f);
		else if (c == '&')
			fputs("&amp;", f);
		else if (c == '"')
			fputs("&quot;", f);
		else if (c < 0x20 && c != '\n' && c != '\t')
			fputc('?', f);
		else
			fputc(c, f);
	}
}

static FILE *open_tmp(const char *name, char *tmp, size_t len)
{
	snprintf(tmp, len, "%s/.%s.tmp", res.dir, name);
	return fopen(tmp, "we");
}

static int commit_tmp(FILE *f, const char *tmp, const char *name)
{
	char final[SF_PATH_MAX];
	int ret = 0;

	if (fflush(f) || fsync(fileno(f)))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	snprintf(final, sizeof(final), "%s/%s", res.dir, name);
	if (!ret && rename(tmp, final))
		ret = -errno;
	return ret;
}

int results_count(int verdict)
{
	int n = 0;

	for (int i = 0; i < res.n; i++)
		n += res.r[i].verdict == verdict;
	return n;
}

long long results_faults(void)
{
	long long n = 0;

	for (int i = 0; i < res.n; i++)
		n += res.r[i].faults_injected;
	return n;
}

static int write_summary(void)
{
	char tmp[SF_PATH_MAX];
	FILE *f = open_tmp("summary.json", tmp, sizeof(tmp));

	if (!f)
		return -errno;
	fprintf(f, "{\n  \"kernel\": ");
	json_escape(f, res.kernel);
	fprintf(f, ",\n  \"profile\": ");
	json_escape(f, res.profile);
	fprintf(f, ",\n  \"seed\": %llu,\n  \"strategy\": ", res.seed);
	json_escape(f, res.strategies);
	fprintf(f, ",\n  \"strict\": %s,\n  \"started\": \"%s\",\n  \"finished\": %s,\n",
		res.strict ? "true" : "false", res.started, res.finished ? "true" : "false");
	fprintf(f, "  \"known_issues\": \"%s\",\n", res.known_fail ? "fail" : "allow");
	fprintf(f, "  \"counts\": {\"pass\": %d, \"fail\": %d, \"silent_skip\": %d, \"skip\": %d, \"error\": %d, \"known_fail\": %d},\n",
		results_count(V_PASS), results_count(V_FAIL), results_count(V_SILENT_SKIP),
		results_count(V_SKIP), results_count(V_ERROR), results_count(V_KNOWN_FAIL));
	fprintf(f, "  \"faults_injected\": %lld,\n", results_faults());
	for (int i = 0; i < res.n_extra; i++)
		fprintf(f, "  \"%s\": %s,\n", res.extra_key[i], res.extra_json[i]);
	fprintf(f, "  \"tests\": [");
	for (int i = 0; i < res.n; i++) {
		const struct result *r = &res.r[i];

		fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
		json_escape(f, r->name);
		fprintf(f, ", \"verdict\": \"%s\", \"strategy\": \"%s\", \"faults_injected\": %lld, \"consumed\": %d, \"seconds\": %.3f,\n     \"window\": ",
			verdict_name(r->verdict), r->strategy, r->faults_injected, r->consumed,
			r->seconds);
		json_escape(f, r->window);
		fprintf(f, ",\n     \"evidence\": ");
		json_escape(f, r->evidence);
		fprintf(f, ",\n     \"reproduce\": ");
		json_escape(f, r->reproduce);
		if (r->known[0]) {
			fprintf(f, ", \"known_issue\": ");
			json_escape(f, r->known);
		}
		fprintf(f, ",\n     \"vmstat_delta\": %s}", r->vmstat_delta[0] ? r->vmstat_delta :
			"{}");
	}
	fprintf(f, "\n  ]\n}\n");
	return commit_tmp(f, tmp, "summary.json");
}

/*
 * A top-level summary.json member (the run's conditions: knobs, pressure, kmemleak), as
 * JSON text; replaces an earlier value of the same key. Rewrites summary.json.
 */
int results_extra(const char *key, const char *json)
{
	int i;
	char *copy = strdup(json);

	if (!copy)
		return -ENOMEM;
	for (i = 0; i < res.n_extra; i++)
		if (!strcmp(res.extra_key[i], key))
			break;
	if (i == RESULTS_EXTRA_MAX) {
		free(copy);
		return -ENOSPC;
	}
	if (i == res.n_extra)
		snprintf(res.extra_key[res.n_extra++], sizeof(res.extra_key[0]), "%s", key);
	free(res.extra_json[i]);
	res.extra_json[i] = copy;
	return write_summary();
}

/*
 * "# splitfail: start test=<name>" before a run starts (docs/protocol.md), on disk at once, so
 * the runner knows which test a guest that dies was running.
 */
int results_start(const char *name)
{
	fprintf(res.tap, "# splitfail: start test=%s\n", name);
	if (fflush(res.tap) || fsync(fileno(res.tap)))
		return -errno;
	return 0;
}

static int write_junit(void)
{
	char tmp[SF_PATH_MAX];
	FILE *f = open_tmp("junit.xml", tmp, sizeof(tmp));
	int failures = results_count(V_FAIL) + (res.strict ? results_count(V_SILENT_SKIP) : 0) +
		       (res.known_fail ? results_count(V_KNOWN_FAIL) : 0);
	int skipped = results_count(V_SKIP) + (res.known_fail ? 0 : results_count(V_KNOWN_FAIL));

	if (!f)
		return -errno;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites>\n<testsuite name=\"splitfail\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\">\n",
		res.n, failures, results_count(V_ERROR), skipped);
	for (int i = 0; i < res.n; i++) {
		const struct result *r = &res.r[i];
		const char *tag = NULL;

		fprintf(f, "<testcase classname=\"splitfail.%s\" name=\"", r->strategy);
		xml_escape(f, r->name);
		fprintf(f, "\" time=\"%.3f\">", r->seconds);
		if (r->verdict == V_FAIL || (r->verdict == V_SILENT_SKIP && res.strict) ||
		    (r->verdict == V_KNOWN_FAIL && res.known_fail))
			tag = "failure";
		else if (r->verdict == V_ERROR)
			tag = "error";
		else if (r->verdict == V_SKIP || r->verdict == V_KNOWN_FAIL)
			tag = "skipped";
		if (tag) {
			fprintf(f, "<%s message=\"%s", tag, verdict_name(r->verdict));
			if (r->known[0]) {
				fprintf(f, " known issue: ");
				xml_escape(f, r->known);
			}
			fprintf(f, "\">");
			xml_escape(f, r->evidence);
			fprintf(f, "\nreproduce: ");
			xml_escape(f, r->reproduce);
			fprintf(f, "</%s>", tag);
		} else if (r->verdict == V_SILENT_SKIP || r->evidence[0]) {
			fprintf(f, "<system-out>%s: ", verdict_name(r->verdict));
			xml_escape(f, r->evidence);
			fprintf(f, "</system-out>");
		}
		fprintf(f, "</testcase>\n");
	}
	fprintf(f, "</testsuite>\n</testsuites>\n");
	return commit_tmp(f, tmp, "junit.xml");
}

int results_open(const char *dir, const char *kernel, const char *profile,
		 unsigned long long seed, const char *strategies, int strict, int known_fail)
{
	char p[SF_PATH_MAX];
	time_t now = time(NULL);

	memset(&res, 0, sizeof(res));
	snprintf(res.dir, sizeof(res.dir), "%s", dir);
	snprintf(res.kernel, sizeof(res.kernel), "%s", kernel);
	snprintf(res.profile, sizeof(res.profile), "%s", profile);
	snprintf(res.strategies, sizeof(res.strategies), "%s", strategies);
	strftime(res.started, sizeof(res.started), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	res.seed = seed;
	res.strict = strict;
	res.known_fail = known_fail;
	snprintf(p, sizeof(p), "%s/logs", dir);
	if (sf_mkdir_p(p))
		return -errno;
	snprintf(p, sizeof(p), "%s/tap.txt", dir);
	res.tap = fopen(p, "we");
	snprintf(p, sizeof(p), "%s/kmsg.txt", dir);
	res.kmsg = fopen(p, "we");
	if (!res.tap || !res.kmsg)
		return -errno;
	fprintf(res.tap, "TAP version 13\n# splitfail kernel=%s profile=%s seed=%llu strategy=%s\n",
		kernel, profile, seed, strategies);
	fflush(res.tap);
	if (write_summary() || write_junit())
		return -EIO;
	return 0;
}

static void tap_diag(FILE *f, const char *label, const char *text)
{
	const char *p = text;

	while (*p) {
		size_t l = strcspn(p, "\n");

		fprintf(f, "#   %s%.*s\n", label, (int)l, p);
		label = "  ";
		p += l + (p[l] == '\n');
	}
}

int results_add(const struct result *r)
{
	struct result *grown = realloc(res.r, (res.n + 1) * sizeof(*grown));
	int not_ok;

	if (!grown)
		return -ENOMEM;
	res.r = grown;
	res.r[res.n++] = *r;
	not_ok = r->verdict == V_FAIL || r->verdict == V_ERROR || r->verdict == V_KNOWN_FAIL ||
		 (r->verdict == V_SILENT_SKIP && res.strict);
	fprintf(res.tap, "%s %d - %s", not_ok ? "not ok" : "ok", res.n, r->name);
	if (r->verdict == V_KNOWN_FAIL)	/* TODO: prove does not count it as failed */
		fprintf(res.tap, " # %s known issue: %s", res.known_fail ? "KNOWN-FAIL" : "TODO",
			r->known);
	else if (r->verdict == V_SKIP)
		fprintf(res.tap, " # SKIP %.*s", (int)strcspn(r->evidence, "\n"), r->evidence);
	else if (r->verdict != V_PASS)
		fprintf(res.tap, " # %s", verdict_name(r->verdict));
	fputc('\n', res.tap);
	if (r->verdict != V_PASS && r->verdict != V_SKIP) {
		tap_diag(res.tap, "evidence: ", r->evidence);
		fprintf(res.tap, "#   reproduce: %s\n", r->reproduce);
	}
	if (fflush(res.tap) || fsync(fileno(res.tap)))
		return -errno;
	if (write_summary() || write_junit())
		return -EIO;
	return 0;
}

int results_kmsg(const char *name, const char *text)
{
	if (!text[0])
		return 0;
	fprintf(res.kmsg, "=== during %s ===\n%s", name, text);
	if (fflush(res.kmsg) || fsync(fileno(res.kmsg)))
		return -errno;
	return 0;
}

int results_finish(void)
{
	int ret;

	res.finished = 1;
	fprintf(res.tap, "1..%d\n", res.n);
	fclose(res.tap);
	fclose(res.kmsg);
	ret = write_summary() || write_junit();
	return ret ? -EIO : 0;
}

/* After the final counts have been read. */
void results_close(void)
{
	for (int i = 0; i < res.n_extra; i++)
		free(res.extra_json[i]);
	res.n_extra = 0;
	free(res.r);
	res.r = NULL;
	res.n = 0;
}
