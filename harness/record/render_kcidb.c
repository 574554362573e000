// SPDX-License-Identifier: GPL-2.0
/*
 * render_kcidb.c - kcidb.json: the record as a Kernel CI (KCIDB) I/O report, schema v5.3
 * (kcidb-io's kcidb_io/schema/v05_03.py): one checkout (the kernel source), one build (the
 * kernel under test), a suite test "splitfail" for the run and one test per result, with
 * dotted paths of [A-Za-z0-9_-] segments, KCIDB statuses, start time, duration, evidence as
 * the log excerpt and the run's environment; each KNOWN-FAIL an incident of its known issue.
 * Members the record lacks are left out. Mapping: docs/protocol.md ("kcidb.json").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../splitfail.h"
#include "record.h"

#define KCIDB_MAJOR	5
#define KCIDB_MINOR	3
#define KCIDB_ORIGIN	"splitfail"
#define KCIDB_EXCERPT_MAX 16000	/* bytes; the schema allows 16384 characters */
#define KCIDB_ID_MAX	(SF_NAME_MAX * 4)

/* A JSON object being written: how many members it has so far. */
struct jobj {
	FILE *f;
	int n;
};

static void jkey(struct jobj *o, const char *key)
{
	fprintf(o->f, "%s\"%s\": ", o->n++ ? ", " : "", key);
}

/* A string member, left out when empty (KCIDB: absent means unknown, never null). */
static void jstr(struct jobj *o, const char *key, const char *val)
{
	if (!val || !val[0])
		return;
	jkey(o, key);
	text_json(o->f, val);
}

static void jint(struct jobj *o, const char *key, long long v)
{
	jkey(o, key);
	fprintf(o->f, "%lld", v);
}

static void jbool(struct jobj *o, const char *key, int v)
{
	jkey(o, key);
	fputs(v ? "true" : "false", o->f);
}

static struct jobj jopen(struct jobj *parent, const char *key)
{
	jkey(parent, key);
	fputc('{', parent->f);
	return (struct jobj){ parent->f, 0 };
}

static void jclose(struct jobj *o)
{
	fputc('}', o->f);
}

static int is_sha1(const char *s)
{
	return strlen(s) == 40 && strspn(s, "0123456789abcdef") == 40;
}

/* KCIDB test status of one verdict (docs/protocol.md). */
static const char *kcidb_status(const struct rec_run *run, int verdict)
{
	switch (verdict) {
	case V_PASS:
		return "PASS";
	case V_FAIL:
	case V_KNOWN_FAIL:	/* the kernel is faulty; the incident says the issue is known */
		return "FAIL";
	case V_SILENT_SKIP:	/* ran, code not judged: the operation was not done */
		return record_fails(run, verdict) ? "FAIL" : "DONE";
	case V_SKIP:
		return "SKIP";
	default:
		return "ERROR";
	}
}

/* KCIDB's priority order, highest first, for the suite's summary status. */
static int status_rank(const char *s)
{
	static const char *const order[] = { "FAIL", "ERROR", "MISS", "PASS", "DONE", "SKIP" };

	for (int i = 0; i < 6; i++)
		if (!strcmp(s, order[i]))
			return i;
	return 6;
}

/*
 * The test's path: "splitfail." and the result name without its "#rep", split into segments
 * at ':', '.' and '@'; any other byte outside [A-Za-z0-9_-] becomes '_', an empty segment "_".
 */
static void kcidb_path(const char *name, char *out, size_t len)
{
	const char *rep = strrchr(name, '#');
	size_t end = strlen(name), o;

	if (rep && rep[1] && strspn(rep + 1, "0123456789") == strlen(rep + 1))
		end = (size_t)(rep - name);
	o = (size_t)snprintf(out, len, "%s.", KCIDB_ORIGIN);
	for (size_t i = 0; i < end && o + 3 < len; i++) {
		unsigned char c = (unsigned char)name[i];
		int sep = c == ':' || c == '.' || c == '@';

		if (sep && out[o - 1] == '.')
			out[o++] = '_';
		if (sep)
			out[o++] = '.';
		else
			out[o++] = (c < 0x80 && (strchr("_-", c) || (c >= '0' && c <= '9') ||
				    ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))) ? (char)c : '_';
	}
	if (out[o - 1] == '.')
		out[o++] = '_';
	out[o] = '\0';
}

/* "HOST/STARTED[/shard-I-N]": the run, as part of every id. */
static void run_id(const struct rec_run *run, char *out, size_t len)
{
	snprintf(out, len, "%s:%s/%s", KCIDB_ORIGIN, run->host[0] ? run->host : "host",
		 run->started);
	if (run->shard[0]) {
		sf_appendf(out, len, "/shard-%s", run->shard);
	}
}

static void checkout_id(const struct rec_run *run, char *out, size_t len)
{
	if (run->kernel_commit[0])
		snprintf(out, len, "%s:commit-%s", KCIDB_ORIGIN, run->kernel_commit);
	else
		snprintf(out, len, "%s:release-%s", KCIDB_ORIGIN, run->kernel);
}

static void build_id(const struct rec_run *run, char *out, size_t len)
{
	checkout_id(run, out, len);
	if (run->kernel_key[0])
		sf_appendf(out, len, "/key-%s", run->kernel_key);
	else if (run->config_hash[0])
		sf_appendf(out, len, "/config-%s", run->config_hash);
	if (run->arch[0])
		sf_appendf(out, len, "/%s", run->arch);
}

static void test_id(const struct rec_run *run, const struct rec_result *r, int i, char *out,
		    size_t len)
{
	char safe[SF_NAME_MAX * 3];

	run_id(run, out, len);
	text_safe_name(r->name, safe, sizeof(safe));
	sf_appendf(out, len, "/%d/%s", i + 1, safe);
}

static void kcidb_environment(struct jobj *t, const struct rec_run *run, int boot)
{
	struct jobj env = jopen(t, "environment");
	struct jobj misc;
	char comment[1024];

	snprintf(comment, sizeof(comment), "%s%s%s%s%s%s%s", run->arch,
		 run->arch[0] ? " " : "", run->host[0] ? "host " : "", run->host,
		 run->accel[0] ? ", accelerator " : "", run->accel,
		 run->kernel[0] ? ", kernel " : "");
	sf_appendf(comment, sizeof(comment), "%s", run->kernel);
	jstr(&env, "comment", comment);
	misc = jopen(&env, "misc");
	jstr(&misc, "arch", run->arch);
	jstr(&misc, "host", run->host);
	jstr(&misc, "accelerator", run->accel);
	jstr(&misc, "kernel_release", run->kernel);
	jstr(&misc, "kernel_commit", run->kernel_commit);
	jstr(&misc, "kernel_key", run->kernel_key);
	jstr(&misc, "config_hash", run->config_hash);
	jstr(&misc, "splitfail_commit", run->splitfail_commit);
	if (boot > 0)
		jint(&misc, "boot", boot);
	jclose(&misc);
	jclose(&env);
}

/* The evidence, at most KCIDB_EXCERPT_MAX bytes (a cut character becomes U+FFFD). */
static void kcidb_excerpt(struct jobj *t, const char *evidence)
{
	char *cut;

	if (strlen(evidence) <= KCIDB_EXCERPT_MAX) {
		jstr(t, "log_excerpt", evidence);
		return;
	}
	cut = strndup(evidence, KCIDB_EXCERPT_MAX);
	if (cut)
		jstr(t, "log_excerpt", cut);
	free(cut);
}

static void kcidb_test(FILE *f, const struct rec_run *run, const struct rec_result *r, int i,
		       const char *build)
{
	struct jobj t = { f, 0 }, misc;
	char id[KCIDB_ID_MAX], path[SF_NAME_MAX * 3];

	test_id(run, r, i, id, sizeof(id));
	kcidb_path(r->name, path, sizeof(path));
	fputs(",\n    {", f);
	jstr(&t, "id", id);
	jstr(&t, "build_id", build);
	jstr(&t, "origin", KCIDB_ORIGIN);
	jstr(&t, "path", path);
	jstr(&t, "status", kcidb_status(run, r->verdict));
	jstr(&t, "comment", r->name);
	jstr(&t, "start_time", r->start_time);
	jkey(&t, "duration");
	fprintf(f, "%.3f", r->seconds);
	kcidb_excerpt(&t, r->evidence);
	kcidb_environment(&t, run, r->boot);
	misc = jopen(&t, "misc");
	jstr(&misc, "name", r->name);
	jstr(&misc, "verdict", verdict_name(r->verdict));
	jbool(&misc, "fails_run", record_fails(run, r->verdict));
	jstr(&misc, "workload", r->workload);
	jstr(&misc, "case", r->case_name);
	jstr(&misc, "strategy", r->strategy);
	if (r->nth)
		jint(&misc, "nth", r->nth);
	jstr(&misc, "target", r->target);
	jint(&misc, "rep", r->rep);
	jint(&misc, "faults_injected", r->faults_injected);
	jint(&misc, "consumed", r->consumed);
	jstr(&misc, "window", r->window);
	jstr(&misc, "reproduce", r->reproduce);
	jstr(&misc, "known_issue", r->known);
	jstr(&misc, "log", r->log);	/* relative to the results folder: log_url must be a URI */
	jstr(&misc, "guest", r->guest);
	jclose(&misc);
	jclose(&t);
}

/* The run as the test "splitfail": the highest-priority status of its tests. */
static void kcidb_suite(FILE *f, const struct rec_run *run, const char *build)
{
	static const char *const count_keys[V_COUNT] = {
		[V_PASS] = "pass", [V_FAIL] = "fail", [V_SILENT_SKIP] = "silent_skip",
		[V_SKIP] = "skip", [V_ERROR] = "error", [V_KNOWN_FAIL] = "known_fail",
	};
	struct jobj t = { f, 0 }, misc, counts;
	char id[KCIDB_ID_MAX];
	const char *status = NULL;
	double seconds = 0;

	for (int i = 0; i < run->n; i++) {
		const char *s = kcidb_status(run, run->r[i].verdict);

		if (!status || status_rank(s) < status_rank(status))
			status = s;
		seconds += run->r[i].seconds;
	}
	if (!run->finished && (!status || status_rank(status) > 1))
		status = "ERROR";	/* the run did not complete (or has not yet) */
	run_id(run, id, sizeof(id));
	fputs("\n    {", f);
	jstr(&t, "id", id);
	jstr(&t, "build_id", build);
	jstr(&t, "origin", KCIDB_ORIGIN);
	jstr(&t, "path", KCIDB_ORIGIN);
	jstr(&t, "status", status);
	jstr(&t, "comment", "splitfail run");
	jstr(&t, "start_time", run->started);
	jkey(&t, "duration");
	fprintf(f, "%.3f", seconds);
	kcidb_environment(&t, run, 0);
	misc = jopen(&t, "misc");
	jstr(&misc, "profile", run->profile);
	jint(&misc, "seed", (long long)run->seed);
	jstr(&misc, "strategy", run->strategies);
	jbool(&misc, "strict", run->strict);
	jstr(&misc, "known_issues", run->known_fail ? "fail" : "allow");
	jstr(&misc, "shard", run->shard);
	jint(&misc, "boots", run->boots);
	jbool(&misc, "finished", run->finished);
	jstr(&misc, "ended_by", record_ended_by(run));
	jstr(&misc, "running", run->running);
	jstr(&misc, "reproduce_via", run->reproduce_via);
	counts = jopen(&misc, "counts");	/* summary.json's keys */
	for (int v = 0; v < V_COUNT; v++)
		jint(&counts, count_keys[v], record_count(run, v));
	jclose(&counts);
	jclose(&misc);
	jclose(&t);
}

static void kcidb_source(FILE *f, const struct rec_run *run, const char *checkout,
			 const char *build)
{
	struct jobj c = { f, 0 }, b = { f, 0 }, misc;

	fputs("  \"checkouts\": [{", f);
	jstr(&c, "id", checkout);
	jstr(&c, "origin", KCIDB_ORIGIN);
	if (is_sha1(run->kernel_commit))
		jstr(&c, "git_commit_hash", run->kernel_commit);
	jstr(&c, "start_time", run->started);
	misc = jopen(&c, "misc");
	jstr(&misc, "kernel_release", run->kernel);
	jstr(&misc, "kernel_commit", run->kernel_commit);
	jclose(&misc);
	fputs("}],\n  \"builds\": [{", f);
	jstr(&b, "id", build);
	jstr(&b, "checkout_id", checkout);
	jstr(&b, "origin", KCIDB_ORIGIN);
	if (run->arch[0] && strspn(run->arch, "abcdefghijklmnopqrstuvwxyz0123456789_") ==
	    strlen(run->arch))
		jstr(&b, "architecture", run->arch);
	misc = jopen(&b, "misc");
	jstr(&misc, "kernel_release", run->kernel);
	jstr(&misc, "kernel_key", run->kernel_key);
	jstr(&misc, "config_hash", run->config_hash);
	jclose(&misc);
	fputs("}],\n", f);
}

/* Each KNOWN-FAIL: its issue (once per id) and an incident tying the test to it. */
static void kcidb_known(FILE *f, const struct rec_run *run)
{
	char id[KCIDB_ID_MAX], issue[KCIDB_ID_MAX], incident[KCIDB_ID_MAX + 8];
	int first = 1;

	fputs(",\n  \"issues\": [", f);
	for (int i = 0; i < run->n; i++) {
		struct jobj o = { f, 0 };
		int seen = 0;

		if (run->r[i].verdict != V_KNOWN_FAIL)
			continue;
		for (int j = 0; j < i && !seen; j++)
			seen = run->r[j].verdict == V_KNOWN_FAIL &&
			       !strcmp(run->r[j].known, run->r[i].known);
		if (seen)
			continue;
		snprintf(issue, sizeof(issue), "%s:known-%s", KCIDB_ORIGIN, run->r[i].known);
		fputs(first ? "\n    {" : ",\n    {", f);
		first = 0;
		jstr(&o, "id", issue);
		jint(&o, "version", 0);
		jstr(&o, "origin", KCIDB_ORIGIN);
		jstr(&o, "comment", run->r[i].known);
		jclose(&o);
	}
	fputs("],\n  \"incidents\": [", f);
	first = 1;
	for (int i = 0; i < run->n; i++) {
		struct jobj o = { f, 0 };

		if (run->r[i].verdict != V_KNOWN_FAIL)
			continue;
		test_id(run, &run->r[i], i, id, sizeof(id));
		snprintf(issue, sizeof(issue), "%s:known-%s", KCIDB_ORIGIN, run->r[i].known);
		fputs(first ? "\n    {" : ",\n    {", f);
		first = 0;
		snprintf(incident, sizeof(incident), "%s/known", id);
		jstr(&o, "id", incident);
		jstr(&o, "origin", KCIDB_ORIGIN);
		jstr(&o, "issue_id", issue);
		jint(&o, "issue_version", 0);
		jstr(&o, "test_id", id);
		jbool(&o, "present", 1);
		jclose(&o);
	}
	fputs("]", f);
}

int render_kcidb(FILE *f, const struct rec_run *run)
{
	char checkout[KCIDB_ID_MAX], build[KCIDB_ID_MAX];
	struct rec_result interrupted;

	checkout_id(run, checkout, sizeof(checkout));
	build_id(run, build, sizeof(build));
	fprintf(f, "{\n  \"version\": {\"major\": %d, \"minor\": %d},\n", KCIDB_MAJOR,
		KCIDB_MINOR);
	kcidb_source(f, run, checkout, build);
	fputs("  \"tests\": [", f);
	kcidb_suite(f, run, build);
	for (int i = 0; i < run->n; i++)
		kcidb_test(f, run, &run->r[i], i, build);
	if (record_interrupted(run, &interrupted))
		kcidb_test(f, run, &interrupted, run->n, build);
	fputs("\n  ]", f);
	kcidb_known(f, run);
	fputs("\n}\n", f);
	return ferror(f) ? -EIO : 0;
}
