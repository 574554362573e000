// SPDX-License-Identifier: GPL-2.0
/*
 * death.c - `splitfail results death DIR --name NAME --kind died|hung|timeout
 * --evidence-file F [--how TEXT] [--console PATH] [--release R] -- HARNESS-OPTIONS`:
 * the guest that ran NAME (the record's start line without a result, or as inferred: HOW)
 * panicked, oopsed or hung (FAIL), or reached the whole-guest time limit while still busy.
 * The time limit is no verdict the first time it stops NAME (time_limit.c: NAME runs again in
 * a fresh guest); the second time NAME is an ERROR, with both guests' consoles as evidence.
 * A verdict is one result line in DIR's record: strategy "guest", the console excerpt F as
 * evidence, KNOWN-FAIL when configs/known-issues.ini explains it (the matcher of known.c, as
 * for the harness's own verdicts), and the reproduce line the run itself would have printed
 * for NAME (reproduce.c: HARNESS-OPTIONS are the run's own, with run.sh's --reproduce-via);
 * then an "end" line (the guest ended unfinished) and every rendering. A DIR without a
 * record (the guest died before its harness wrote one) gets one.
 * Exit 0, 2 usage error (also a malformed known-issues file), 3 error.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../splitfail.h"
#include "record.h"
#include "record_fields.h"
#include "verbs.h"

#define EXCERPT_MAX	(1 << 20)

struct death {
	const char *dir, *name, *kind, *how, *console, *evidence_file, *release;
};

static int parse(int argc, char **argv, struct death *d, int *harness_at)
{
	int i;

	memset(d, 0, sizeof(*d));
	d->dir = argc > 1 ? argv[1] : NULL;
	d->how = "from the record";
	d->console = "console.log";
	d->release = "";
	for (i = 2; i < argc && strcmp(argv[i], "--"); i += 2) {
		const char **dst = NULL;

		if (i + 1 >= argc)
			return -EINVAL;
		if (!strcmp(argv[i], "--name"))
			dst = &d->name;
		else if (!strcmp(argv[i], "--kind"))
			dst = &d->kind;
		else if (!strcmp(argv[i], "--how"))
			dst = &d->how;
		else if (!strcmp(argv[i], "--console"))
			dst = &d->console;
		else if (!strcmp(argv[i], "--evidence-file"))
			dst = &d->evidence_file;
		else if (!strcmp(argv[i], "--release"))
			dst = &d->release;
		if (!dst)
			return -EINVAL;
		*dst = argv[i + 1];
	}
	*harness_at = i;
	if (!d->dir || !d->name || !d->name[0] || !d->kind || !d->evidence_file)
		return -EINVAL;
	if (strcmp(d->kind, "died") && strcmp(d->kind, "hung") && strcmp(d->kind, "timeout"))
		return -EINVAL;
	return 0;
}

/* The run's options: argv[at] is "--" (or argc), the harness options follow. */
static int run_options(int argc, char **argv, int at, struct options *o)
{
	char *args[256];
	int n = 0;

	args[n++] = "splitfail";
	for (int i = at + 1; i < argc && n < 255; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	return cli_parse(n, args, o);
}

/* The test case NAME belongs to and the strategy run it names, for its reproduce line. */
static void run_of(const struct options *o, const char *name, struct wl_case *c,
		   struct repro_run *r, char *target, size_t tlen)
{
	static struct options sel;
	char err[256];

	memset(c, 0, sizeof(*c));
	memset(r, 0, sizeof(*r));
	snprintf(c->workload, sizeof(c->workload), "%.*s", (int)strcspn(name, ":"), name);
	name += strcspn(name, ":");
	name += *name == ':';
	snprintf(c->name, sizeof(c->name), "%.*s", (int)strcspn(name, "@#"), name);
	if (o->wrap_argv) {	/* wrap:<base>:run */
		struct wl_case *w;
		int n;

		if (!wrap_case(o, &w, &n)) {
			*c = *w;
			free(w);
		}
	}
	r->strategy = STRAT_OFF;
	if (!strchr(name, '@'))
		return;
	sel = *o;
	snprintf(sel.cases, sizeof(sel.cases), "%s", name);
	if (selection_parse(&sel, err, sizeof(err)))
		return;		/* e.g. @kmemleak: the case under `off` */
	for (int s = STRAT_RANDOM; s < STRAT_COUNT; s++)
		if (sel.strategies[s])
			r->strategy = s;
	r->nth = sel.nth;
	if (sel.targets[0] && r->strategy == STRAT_TARGETED) {
		snprintf(target, tlen, "%s", sel.targets);
		r->target = target;
	}
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "re");
	char *text;
	size_t n;

	if (!f)
		return NULL;
	text = malloc(EXCERPT_MAX + 1);
	if (text) {
		n = fread(text, 1, EXCERPT_MAX, f);
		text[n] = '\0';
	}
	fclose(f);
	return text;
}

/* A record for a DIR that has none: the run line from the run's options. 0 or -errno. */
static int create_record(const struct death *d, const struct options *o)
{
	char strat[64] = "", now[32];
	time_t t = time(NULL);
	struct rec_run hdr;
	struct tm tm;
	int ret;

	for (int i = 0; i < STRAT_COUNT; i++)
		if (o->strategies[i])
			sf_appendf(strat, sizeof(strat), "%s%s", strat[0] ? "," : "",
				   strategy_name(i));
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	memset(&hdr, 0, sizeof(hdr));
	hdr.format = RECORD_FORMAT;
	hdr.kernel = (char *)d->release;
	hdr.profile = (char *)o->profile_name;
	hdr.seed = o->seed;
	hdr.strategies = strat;
	hdr.strict = o->strict;
	hdr.known_fail = o->known_fail;
	hdr.started = now;
	hdr.kernel_path = (char *)o->kernel_path;
	hdr.kernel_key = (char *)o->kernel_key;
	hdr.reproduce_via = (char *)o->reproduce_via;
	ret = record_create(d->dir, &hdr);
	record_close();
	return ret;
}

char *death_lines(const char *type, const struct field *table, const void *obj,
		  const char *ended_by)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	fprintf(f, "{\"type\": \"%s\"", type);
	fields_write(f, table, obj);
	fputs("}\n{\"type\": \"end\", \"finished\": false, \"ended_by\": ", f);
	text_json(f, ended_by);
	fputs("}\n", f);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

static const char *kind_words(const char *kind)
{
	if (!strcmp(kind, "hung"))
		return "guest hung";
	if (!strcmp(kind, "timeout"))
		return "guest reached its time limit while still active";
	return "guest died";
}

/*
 * The result of the death: verdict, known issue, evidence, reproduce line. BEFORE: the time
 * limit stopped NAME once already (its evidence comes after this guest's).
 */
static int make_result(const struct death *d, const struct options *o, const struct rec_run *run,
		       const char *excerpt, const struct rec_limit *before, struct rec_result *r,
		       struct suite *s)
{
	char again[96] = "";
	static char target[SF_NAME_MAX], repro[1024], known_note_text[1024], nth_case[SF_NAME_MAX];
	const char *release = d->release[0] ? d->release : run->kernel;
	const struct known_issue *k = NULL;
	static struct wl_case c;
	struct repro_run rr;
	char *ev = NULL;
	time_t t = time(NULL);
	struct tm tm;
	const char *hash = strchr(d->name, '#');

	run_of(o, d->name, &c, &rr, target, sizeof(target));
	make_reproduce(s, &c, d->name, &rr, repro, sizeof(repro));
	memset(r, 0, sizeof(*r));
	r->name = (char *)d->name;
	r->workload = c.workload;
	snprintf(nth_case, sizeof(nth_case), "%s", c.name);
	r->case_name = nth_case;
	r->verdict = strcmp(d->kind, "timeout") ? V_FAIL : V_ERROR;
	snprintf(r->strategy, sizeof(r->strategy), "guest");
	r->nth = rr.nth;
	r->target = rr.target ? target : "";
	r->rep = hash ? atoi(hash + 1) - 1 : 0;
	r->boot = run->boots;
	strftime(r->start_time, sizeof(r->start_time), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	r->window = r->known = r->log = "";
	r->vmstat_delta = "{}";
	r->guest = (char *)d->kind;
	r->reproduce = repro;
	if (r->verdict == V_FAIL && release && release[0])
		k = known_match(d->name, release, excerpt);
	if (k) {
		r->verdict = V_KNOWN_FAIL;
		r->known = (char *)known_id(k);
		known_note(k, known_note_text, sizeof(known_note_text));
	}
	if (before)
		snprintf(again, sizeof(again), ", the second time (guest %d, then guest %d)",
			 before->boot, run->boots);
	if (asprintf(&ev, "%s%s%s while %s was running (%s)%s; console (%s):\n%s%s%s",
		     k ? known_note_text : "", k ? "; " : "", kind_words(d->kind), d->name, d->how,
		     again, d->console, excerpt, before ? "\nthe first time: " : "",
		     before ? before->evidence : "") < 0)
		return -ENOMEM;
	r->evidence = ev;
	return 0;
}

/* What the runner says: the verdict and the first lines of the excerpt. */
static void say(const struct rec_result *r, const char *how, const char *excerpt)
{
	int lines = 0;

	fprintf(stderr, "splitfail: %s %s: %s (%s)%s%s%s\n", verdict_name(r->verdict), r->name,
		kind_words(r->guest), how, r->known[0] ? " (known issue " : "", r->known,
		r->known[0] ? ")" : "");
	for (const char *p = excerpt; *p && lines < 20; lines++) {
		size_t n = strcspn(p, "\n");

		fprintf(stderr, "  | %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
}

int verb_death(int argc, char **argv)
{
	static struct options o;
	static struct suite s;
	char err[SF_PATH_MAX + 1024] = "", ended_by[SF_NAME_MAX * 3], *excerpt, *lines;
	const struct rec_limit *before;
	struct rec_result r;
	struct death d;
	struct rec_run run;
	int at, ret;

	if (parse(argc, argv, &d, &at) || run_options(argc, argv, at, &o)) {
		fprintf(stderr, "splitfail results: usage: splitfail results death DIR --name NAME "
			"--kind died|hung|timeout --evidence-file F [--how TEXT] [--console PATH] "
			"[--release R] -- HARNESS-OPTIONS\n");
		return SF_EXIT_USAGE;
	}
	if (!o.workload_dir[0]) {	/* as the harness's own default (main.c) */
		char top[SF_PATH_MAX];

		sf_top_dir(top, sizeof(top));
		snprintf(o.workload_dir, sizeof(o.workload_dir), "%s/build/workloads", top);
	}
	if (known_setup(&o, err, sizeof(err))) {
		fprintf(stderr, "splitfail: known issues: %s\n", err);
		return SF_EXIT_USAGE;
	}
	excerpt = read_text(d.evidence_file);
	if (!excerpt) {
		fprintf(stderr, "splitfail results: --evidence-file %s: %s\n", d.evidence_file,
			strerror(errno));
		return SF_EXIT_USAGE;
	}
	ret = record_load(d.dir, &run, err, sizeof(err));
	if (ret == -ENOENT) {
		ret = create_record(&d, &o);
		if (!ret)
			ret = record_load(d.dir, &run, err, sizeof(err));
	}
	if (ret)
		goto out;
	before = !strcmp(d.kind, "timeout") ? record_limit_of(&run, d.name) : NULL;
	if (!strcmp(d.kind, "timeout") && !before) {	/* the first time: no verdict */
		ret = time_limit_note(d.dir, run.boots, d.name, d.how, d.console, excerpt);
		record_free(&run);
		goto rendered;
	}
	s.o = &o;
	if (readlink("/proc/self/exe", s.self, sizeof(s.self) - 1) < 0)
		snprintf(s.self, sizeof(s.self), "splitfail");
	ret = make_result(&d, &o, &run, excerpt, before, &r, &s);
	snprintf(ended_by, sizeof(ended_by), "%s while %s was running (boot %d)",
		 kind_words(d.kind), d.name, run.boots);
	record_free(&run);
	if (ret)
		goto out;
	lines = death_lines("result", result_fields, &r, ended_by);
	ret = lines ? record_append_line_to(d.dir, lines) : -ENOMEM;
	free(lines);
	if (!ret)
		say(&r, d.how, excerpt);
	free(r.evidence);
rendered:
	if (!ret)
		ret = record_load(d.dir, &run, err, sizeof(err));
	if (!ret) {
		ret = render_all(d.dir, &run);
		record_free(&run);
	}
out:
	free(excerpt);
	known_free();
	if (ret) {
		fprintf(stderr, "splitfail results: death in %s: %s\n", d.dir,
			err[0] ? err : strerror(-ret));
		return SF_EXIT_HARNESS;
	}
	return SF_EXIT_OK;
}
