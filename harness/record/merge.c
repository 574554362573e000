// SPDX-License-Identifier: GPL-2.0
/*
 * merge.c - `splitfail merge [--allow-mixed] --out DIR SRC...`: the results folders of the
 * shards of one run (or of runs on several machines) folded into one new folder, the way a
 * CI matrix of N jobs becomes one report. DIR gets its own record.jsonl: a run line made of
 * the sources' (each member the sources' distinct values, comma-separated; started the
 * earliest; shard empty when the sources are all n shards of n), every source's results in
 * source order (a source's interrupted test as its ERROR), an extra "merged" naming each
 * source with its kernel, shard, counts, end and extras, the sources' extras, and an end line
 * that says finished only when every source finished. Then every rendering, from that
 * record. Logs are copied (merge_logs.c). Rules and exit codes: docs/protocol.md ("merge").
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../splitfail.h"
#include "merge.h"
#include "record.h"
#include "record_fields.h"

struct source {
	const char *dir;
	struct rec_run run;
};

static void merge_usage(FILE *f)
{
	fputs("usage: splitfail merge [--allow-mixed] --out DIR SRC...\n"
	      "Folds the results folders SRC (the shards of one run, or runs of several machines) into\n"
	      "the new folder DIR: one record.jsonl with every source's results in order, rendered\n"
	      "(tap.txt, ktap.txt, junit.xml, summary.json, kcidb.json), the logs copied to DIR/logs/.\n"
	      "  --out DIR       the new folder: must not exist, or be empty\n"
	      "  --allow-mixed   also merge sources that ran different kernels (refused otherwise)\n"
	      "Exit: 0 merged, 2 usage error (no --out or SRC, DIR not empty, a SRC without\n"
	      "record.jsonl, a SRC twice, different kernels), 3 a file could not be read or written.\n",
	      f);
}

/* 0 when path does not exist or is an empty folder; else -EEXIST/-ENOTDIR/-errno. */
static int out_usable(const char *path)
{
	struct dirent *e;
	struct stat st;
	DIR *d;
	int ret = 0;

	if (stat(path, &st))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	d = opendir(path);
	if (!d)
		return -errno;
	while ((e = readdir(d)) && !ret)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			ret = -EEXIST;
	closedir(d);
	return ret;
}

/* The kernel a source ran: its release, and its build key when it has one. */
static void kernel_of(const struct rec_run *r, char *out, size_t len)
{
	snprintf(out, len, "%s%s%s", r->kernel, r->kernel_key[0] ? " key " : "", r->kernel_key);
}

/* Load every source; 0, or an exit code after saying why. */
static int load_sources(struct source *s, int n, int allow_mixed)
{
	char err[SF_PATH_MAX + 256], k0[512], k[512], p0[PATH_MAX], p[PATH_MAX];
	int ret;

	for (int i = 0; i < n; i++) {
		ret = record_load(s[i].dir, &s[i].run, err, sizeof(err));
		if (ret) {
			fprintf(stderr, "splitfail merge: %s: %s\n", s[i].dir,
				ret == -ENOENT || ret == -ENOTDIR ?
				"not a results folder (no " RECORD_FILE ")" : err);
			return ret == -ENOENT || ret == -ENOTDIR || ret == -EINVAL ?
			       SF_EXIT_USAGE : SF_EXIT_HARNESS;
		}
		if (!realpath(s[i].dir, p))
			p[0] = '\0';
		for (int j = 0; j < i; j++) {
			if (p[0] && realpath(s[j].dir, p0) && !strcmp(p, p0)) {
				fprintf(stderr, "splitfail merge: %s and %s are the same folder\n",
					s[j].dir, s[i].dir);
				return SF_EXIT_USAGE;
			}
		}
		kernel_of(&s[0].run, k0, sizeof(k0));
		kernel_of(&s[i].run, k, sizeof(k));
		if (strcmp(k0, k) && !allow_mixed) {
			fprintf(stderr,
				"splitfail merge: the sources ran different kernels: %s (%s) and %s (%s); --allow-mixed merges them anyway\n",
				k0, s[0].dir, k, s[i].dir);
			return SF_EXIT_USAGE;
		}
	}
	return 0;
}

/* The sources' distinct values of one string member, comma-separated, in source order. */
static char *join_distinct(const struct source *s, int n, size_t off)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	int first = 1;

	if (!f)
		return NULL;
	for (int i = 0; i < n; i++) {
		const char *v = *(char *const *)((const char *)&s[i].run + off);
		int seen = !v[0];

		for (int j = 0; j < i && !seen; j++)
			seen = !strcmp(v, *(char *const *)((const char *)&s[j].run + off));
		if (!seen) {
			fprintf(f, "%s%s", first ? "" : ",", v);
			first = 0;
		}
	}
	return fclose(f) ? NULL : out;
}

/* 1 when the sources are the n shards of n, each once: the merge is the whole run. */
static int whole_run(const struct source *s, int n)
{
	char err[256], seen[1024] = "";
	int n0 = 0, si, sn;

	for (int i = 0; i < n; i++) {
		if (shard_parse(s[i].run.shard, &si, &sn, err, sizeof(err)) ||
		    (n0 && sn != n0) || sn != n || sn > (int)sizeof(seen) || seen[si])
			return 0;
		n0 = sn;
		seen[si] = 1;
	}
	return n0 > 0;
}

/* The merged run line, and the strings it owns (free them with free_header). */
static int make_header(const struct source *s, int n, struct rec_run *h, char **owned, int *no)
{
	*h = s[0].run;
	*no = 0;
	for (const struct field *t = run_fields; t->key; t++) {
		char *v;

		if (t->kind != F_STR || !strcmp(t->key, "reproduce_via") ||
		    !strcmp(t->key, "started"))
			continue;
		v = join_distinct(s, n, t->off);
		if (!v)
			return -ENOMEM;
		owned[(*no)++] = v;
		*(char **)((char *)h + t->off) = v;
	}
	for (int i = 1; i < n; i++)
		if (strcmp(s[i].run.started, h->started) < 0)
			h->started = s[i].run.started;
	if (whole_run(s, n))
		h->shard = "";
	return 0;
}

/* The extra "merged": {"sources": [{dir, kernel, ..., extras}]} as JSON text. */
static char *merged_extra(const struct source *s, int n)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return NULL;
	fputs("{\"sources\": [", f);
	for (int i = 0; i < n; i++) {
		const struct rec_run *r = &s[i].run;
		const char *const str[][2] = {
			{ "dir", s[i].dir }, { "kernel", r->kernel },
			{ "kernel_key", r->kernel_key }, { "host", r->host },
			{ "shard", r->shard }, { "started", r->started },
		};
		struct rec_result cur;

		for (size_t j = 0; j < sizeof(str) / sizeof(str[0]); j++) {
			fprintf(f, "%s\"%s\": ", j ? ", " : i ? ", {" : "{", str[j][0]);
			text_json(f, str[j][1]);
		}
		fprintf(f, ", \"results\": %d, \"finished\": %s, \"ended_by\": ",
			r->n + record_interrupted(r, &cur), r->finished ? "true" : "false");
		text_json(f, record_ended_by(r));
		fputs(", \"extras\": {", f);
		for (int x = 0; x < r->nx; x++) {
			fputs(x ? ", " : "", f);
			text_json(f, r->x[x].key);
			fprintf(f, ": %s", r->x[x].json);
		}
		fputs("}}", f);
	}
	fputs("]}", f);
	return fclose(f) ? NULL : out;
}

/* The interrupted test's repetition, from its name's #<n> (the first when none). */
static struct rec_result interrupted_rep(struct rec_result r)
{
	const char *hash = strrchr(r.name, '#');

	if (hash && hash[1] >= '1' && hash[1] <= '9' && !hash[1 + strspn(hash + 1, "0123456789")])
		r.rep = atoi(hash + 1) - 1;
	return r;
}

/* One source's results (and its interrupted test) appended, logs copied. 0 or -errno. */
static int append_source(struct merge_logs *m, const struct source *s, int k)
{
	char log[SF_PATH_MAX];
	struct rec_result r, cur;
	int ret = merge_logs_source(m, s->dir, k);

	for (int i = 0; !ret && i <= s->run.n; i++) {
		if (i < s->run.n)
			r = s->run.r[i];
		else if (record_interrupted(&s->run, &cur))
			r = interrupted_rep(cur);
		else
			break;
		ret = merge_log_path(m, r.log, log, sizeof(log));
		r.log = log;
		if (!ret)
			ret = record_append_result(&r);
	}
	return ret;
}

/* Why the merged run did not finish: each unfinished source and its reason. */
static void ended_by(const struct source *s, int n, char *out, size_t len)
{
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		if (!s[i].run.finished)
			sf_appendf(out, len, "%s%s: %s", out[0] ? "; " : "", s[i].dir,
				   record_ended_by(&s[i].run));
}

/* Write DIR/record.jsonl from the sources. 0 or -errno (err says which file). */
static int write_record(const char *out, const struct source *s, int n, char *err,
			size_t len)
{
	struct merge_logs m = { .out = out };
	char *owned[32], *extra = NULL, why[4096];
	struct rec_run h;
	int no = 0, ret, finished = 1;

	ret = make_header(s, n, &h, owned, &no);
	if (!ret)
		ret = record_create(out, &h);
	for (int k = 0; !ret && k < n; k++)
		ret = append_source(&m, &s[k], k + 1);
	if (m.err[0])
		snprintf(err, len, "%s", m.err);
	extra = ret ? NULL : merged_extra(s, n);
	if (!ret)
		ret = extra ? record_append_extra("merged", extra) : -ENOMEM;
	for (int k = 0; !ret && k < n; k++) {
		for (int x = 0; !ret && x < s[k].run.nx; x++)
			ret = record_append_extra(s[k].run.x[x].key, s[k].run.x[x].json);
		finished &= s[k].run.finished;
	}
	ended_by(s, n, why, sizeof(why));
	if (!ret)
		ret = record_append_end(finished, why);
	record_close();
	merge_logs_free(&m);
	free(extra);
	while (no > 0)
		free(owned[--no]);
	return ret;
}

int merge_main(int argc, char **argv)
{
	const char *out = NULL;
	char err[SF_PATH_MAX * 2 + 256] = "";
	struct source *s = calloc(argc, sizeof(*s));
	struct rec_run merged;
	int n = 0, allow_mixed = 0, rc = 0, ret;

	if (!s)
		return SF_EXIT_HARNESS;
	for (int i = 1; i < argc && !rc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			merge_usage(stdout);
			free(s);
			return SF_EXIT_OK;
		} else if (!strcmp(argv[i], "--allow-mixed")) {
			allow_mixed = 1;
		} else if (!strcmp(argv[i], "--out") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strncmp(argv[i], "--out=", 6)) {
			out = argv[i] + 6;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "splitfail merge: unknown option '%s'\n", argv[i]);
			rc = SF_EXIT_USAGE;
		} else {
			s[n++].dir = argv[i];
		}
	}
	if (!rc && (!out || !out[0] || !n)) {
		fprintf(stderr, "splitfail merge: %s\n", !n ? "no results folder to merge" :
			"--out DIR is needed (a new or empty folder)");
		rc = SF_EXIT_USAGE;
	}
	ret = rc ? 0 : out_usable(out);
	if (ret) {
		fprintf(stderr, "splitfail merge: --out %s: %s\n", out,
			ret == -EEXIST ? "exists and is not empty (merge writes a new folder)" :
			ret == -ENOTDIR ? "exists and is not a folder" : strerror(-ret));
		rc = ret == -EEXIST || ret == -ENOTDIR ? SF_EXIT_USAGE : SF_EXIT_HARNESS;
	}
	if (rc)
		merge_usage(stderr);
	if (!rc)
		rc = load_sources(s, n, allow_mixed);
	if (!rc && sf_mkdir_p(out)) {
		fprintf(stderr, "splitfail merge: cannot create %s: %s\n", out, strerror(errno));
		rc = SF_EXIT_HARNESS;
	}
	ret = rc ? 0 : write_record(out, s, n, err, sizeof(err));
	if (!rc && !ret)
		ret = record_load(out, &merged, err, sizeof(err));
	if (!rc && !ret) {
		ret = render_all(out, &merged);
		fprintf(stderr,
			"splitfail merge: %d folders: %d pass, %d fail, %d known-fail, %d silent-skip, %d skip, %d error; %s; results in %s\n",
			n, record_count(&merged, V_PASS), record_count(&merged, V_FAIL),
			record_count(&merged, V_KNOWN_FAIL), record_count(&merged, V_SILENT_SKIP),
			record_count(&merged, V_SKIP), record_count(&merged, V_ERROR),
			merged.finished ? "every source finished" : "NOT finished", out);
		record_free(&merged);
	}
	if (!rc && ret) {
		fprintf(stderr, "splitfail merge: writing %s: %s\n", out,
			err[0] ? err : strerror(-ret));
		rc = SF_EXIT_HARNESS;
	}
	for (int i = 0; i < n; i++)
		record_free(&s[i].run);
	free(s);
	return rc;
}
