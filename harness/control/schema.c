// SPDX-License-Identifier: GPL-2.0
/*
 * schema.c - every tunable of splitfail, once: section and key in a profile, option on the
 * command line, type, range, default and help. The profile reader (profile.c), the command
 * line (cli.c), --help, --print SECTION.KEY (what run.sh reads instead of parsing INI) and
 * the reproduce lines are all made from this table; adding a tunable is one row.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"

#define FIELD(f)	offsetof(struct options, f), sizeof(((struct options *)0)->f)
/* section, key, option (NULL: the key with '_' as '-'), type, min, max, field, default, help */
#define ROW(s, k, opt, t, lo, hi, f, def, help) \
	{ s, k, opt, t, lo, hi, FIELD(f), def, help, 0, NULL }
#define REPRO(s, k, opt, t, lo, hi, f, def, help) \
	{ s, k, opt, t, lo, hi, FIELD(f), def, help, SF_REPRODUCE, NULL }
#define CHOICE(s, k, opt, f, choices, def, help) \
	{ s, k, opt, T_CHOICE, 0, 0, FIELD(f), def, help, 0, choices }
#define CHOICE_INT(s, k, opt, f, choices, def, help) \
	{ s, k, opt, T_CHOICE_INT, 0, 0, FIELD(f), def, help, 0, choices }

static const struct schema_row rows[] = {
	ROW("run", "strategies", "strategy", T_STRATEGIES, 0, 0, strategies, "off",
	    "strategies: off, random, sweep, targeted (comma list)"),
	ROW("run", "seed", NULL, T_INT, 0, LLONG_MAX, seed, "1",
	    "pattern seed passed to workloads (SPLITFAIL_SEED)"),
	ROW("run", "repeat", NULL, T_INT, 1, 100000, repeat, "1", "run the whole matrix N times"),
	ROW("run", "timeout", NULL, T_INT, 1, 86400, timeout_s, "120",
	    "time limit per test-case run, seconds"),
	ROW("run", "sweep_cap", NULL, T_INT, 1, 100000, sweep_cap, "64",
	    "largest fail-nth of a sweep"),
	ROW("run", "targeted_cap", NULL, T_INT, 0, 100000, targeted_cap, "0",
	    "largest fail-nth of a targeted sweep (0: sweep_cap)"),
	ROW("run", "batch", NULL, T_INT, 1, SF_BATCH_MAX, batch, "16",
	    "sweep steps one workload process runs (1: a process per step; a batch that shows anything runs each step alone)"),
	ROW("run", "fork_server", NULL, T_BOOL, 0, 1, fork_server, "yes",
	      "each run is a child forked by the workload kept running (exec paid once); no: exec per run"),
	ROW("run", "budget", NULL, T_INT, 0, 31 * 86400, budget_s, "0",
	    "time budget of the run, seconds: no test case starts after it, the ones not reached are listed in summary.json (0: none)"),
	ROW("run", "max_cases", NULL, T_INT, 0, 100000, max_cases, "0",
	    "injection runs for the first N cases of each workload (0: all)"),
	ROW("run", "strict", NULL, T_FLAG, 0, 1, strict, "no", "SILENT-SKIP fails the run"),
	CHOICE_INT("run", "known_issues", NULL, known_fail, "allow,fail", "allow",
		   "KNOWN-FAIL (a FAIL configs/known-issues.ini explains): allow, or fail the run"),
	ROW("run", "known_issues_file", NULL, T_STR, 0, 0, known_file, "",
	    "known-issues file (default configs/known-issues.ini)"),
	ROW("run", "targeted_sweep", NULL, T_BOOL, 0, 1, targeted_sweep, "no",
	    "targeted runs sweep fail-nth instead of random"),
	ROW("run", "only", NULL, T_STR, 0, 0, only, "", "workloads to run (default: all)"),
	ROW("run", "cases", "case", T_STR, 0, 0, cases, "",
	    "test cases: [workload:]FIXTURE[.VARIANT].TEST or a result name (@random, @nth=N or A-B, @target=FN[,nth=N], #N)"),
	ROW("run", "workload_dir", NULL, T_STR, 0, 0, workload_dir, "",
	    "workload binaries (default <top>/build/workloads)"),
	ROW("run", "progress", NULL, T_BOOL, 0, 1, progress, "yes",
	    "progress line on a terminal (--no-progress: none)"),
	REPRO("fault", "attrs", NULL, T_STR, 0, 0, attrs, "failslab,fail_page_alloc",
	      "fault attributes to open (comma list, or all)"),
	ROW("fault", "targets", "target", T_STR, 0, 0, targets, "",
	    "kernel functions for targeted runs (stack filter)"),
	REPRO("fault", "probability", NULL, T_INT, 0, 100, fp.probability, "100",
	      "fault attribute probability (random, targeted)"),
	REPRO("fault", "interval", NULL, T_INT, 1, INT_MAX, fp.interval, "1",
	      "fault attribute interval"),
	REPRO("fault", "times", NULL, T_INT, -1, INT_MAX, fp.times, "4",
	      "fault attribute times (-1: no limit)"),
	REPRO("fault", "space", NULL, T_INT, 0, INT_MAX, fp.space, "0", "fault attribute space"),
	ROW("fault", "verbose", NULL, T_INT, 0, 2, fp.verbose, "0", "fault attribute verbose"),
	REPRO("fault", "min_order", NULL, T_INT, 0, 10, fp.min_order, "0",
	      "fail_page_alloc min-order"),
	REPRO("fault", "ignore_gfp_wait", NULL, T_BOOL, 0, 1, fp.ignore_gfp_wait, "no",
	      "fault attribute ignore-gfp-wait"),
	REPRO("fault", "ignore_gfp_highmem", NULL, T_BOOL, 0, 1, fp.ignore_gfp_highmem, "no",
	      "fail_page_alloc ignore-gfp-highmem"),
	ROW("fault", "sweep_times", NULL, T_INT, 1, INT_MAX, fp.sweep_times, "1000",
	    "times bound under fail-nth, for counting"),
	ROW("leak", "settle_ms", NULL, T_INT, 0, 600000, lp.settle_ms, "2000",
	    "wait for counters to come back, ms"),
	ROW("leak", "pgtable_pages", NULL, T_INT, 0, LLONG_MAX, lp.pgtable_pages, "64",
	    "page-table pages tolerated above the baseline"),
	ROW("leak", "anon_thps", NULL, T_INT, 0, LLONG_MAX, lp.anon_thps, "2",
	    "anonymous THPs tolerated above the baseline"),
	ROW("leak", "anon_pages", NULL, T_INT, 0, LLONG_MAX, lp.anon_pages, "8192",
	    "anonymous pages tolerated (judged on growth)"),
	ROW("leak", "growth_runs", NULL, T_INT, 1, 1000, lp.growth_runs, "3",
	    "consecutive runs over tolerance that make a leak"),
	CHOICE("leak", "mode", "leak-mode", lp.mode, "auto,exact,busy", "auto",
	       "leak check: auto (exact in a quiet guest), exact (drained, tolerances exact_*) or busy"),
	ROW("leak", "exact_pgtable_pages", NULL, T_INT, 0, LLONG_MAX, lp.exact_pgtable_pages, "0",
	    "page-table pages tolerated above the baseline in exact mode"),
	ROW("leak", "exact_anon_thps", NULL, T_INT, 0, LLONG_MAX, lp.exact_anon_thps, "0",
	    "anonymous THPs tolerated above the baseline in exact mode"),
	ROW("leak", "exact_anon_pages", NULL, T_INT, 0, LLONG_MAX, lp.exact_anon_pages, "0",
	    "anonymous pages tolerated above the baseline in exact mode"),
	ROW("leak", "trend_runs", NULL, T_INT, 0, LEAK_TREND_MAX, lp.trend_runs, "4",
	    "runs of one case before a steady growth is judged a leak (0: no trend)"),
	ROW("leak", "page_owner", NULL, T_BOOL, 0, 1, lp.page_owner, "yes",
	    "read page_owner for the allocating stacks when a counter is off"),
	ROW("leak", "kmemleak", NULL, T_BOOL, 0, 1, kmemleak, "no",
	    "kmemleak scans for groups of test cases, a result per case"),
	ROW("leak", "kmemleak_age_ms", NULL, T_INT, 0, 600000, kmemleak_age_ms, "5000",
	    "wait after a run before the kmemleak scan, ms"),
	ROW("pressure", "stress_ng", NULL, T_STR, 0, 0, pp.stress_ng, "",
	    "stress-ng arguments for background load"),
	ROW("pressure", "stress_seconds", NULL, T_INT, 1, 86400, pp.stress_seconds, "3600",
	    "stress-ng --timeout when its arguments have none"),
	ROW("pressure", "memcg_max", NULL, T_SIZE, 0, 0, pp.memcg_max, "0",
	    "memory.max of the workloads' cgroup (256M, 1G, bytes; 0: no cgroup)"),
	ROW("pressure", "memcg_high", NULL, T_SIZE, 0, 0, pp.memcg_high, "0",
	    "memory.high of that cgroup (0: left at max)"),
	ROW("pressure", "memcg_fill", NULL, T_SIZE, 0, 0, pp.memcg_fill, "0",
	    "memory.current the filler keeps the cgroup at (0: no filler)"),
	ROW("vm", "memory", "vm-memory", T_SIZE, 64 << 20, 1LL << 40, vm_memory, "1G",
	    "guest RAM per NUMA node, two nodes (run.sh)"),
	ROW("vm", "timeout", "vm-timeout", T_INT, 60, 7 * 86400, vm_timeout, "1800",
	    "time limit of the whole guest, seconds (run.sh)"),
	CHOICE("vm", "accel", "vm-accel", vm_accel, "auto,kvm,tcg", "auto",
	       "guest accelerator: auto (probe KVM), kvm or tcg (run.sh --accel overrides)"),
	/* command line only */
	ROW(NULL, NULL, "out", T_STR, 0, 0, out_dir, "",
	    "result folder (default results/<UTC>-<release>)"),
	ROW(NULL, NULL, "results", T_STR, 0, 0, results_dir, "",
	    "where the default result folder and its 'latest' link go (default <top>/results)"),
	ROW(NULL, NULL, "kernel-path", T_STR, 0, 0, kernel_path, "",
	    "the bzImage this guest booted (run.sh: recorded, for reproduce lines)"),
	ROW(NULL, NULL, "kernel-key", T_STR, 0, 0, kernel_key, "",
	    "that kernel's build-cache key, or sha256:HEX of the bzImage (run.sh)"),
	ROW(NULL, NULL, "reproduce-via", T_STR, 0, 0, reproduce_via, "",
	    "reproduce lines are 'V -- HARNESS-OPTIONS' (run.sh: its command for this kernel)"),
	ROW(NULL, NULL, "continue-from", T_STR, 0, 0, continue_from, "",
	    "results folder of an earlier guest of this run: run only what it has not decided"),
	ROW(NULL, NULL, "state-dir", T_STR, 0, 0, state_dir, "",
	    "journal and lock (default <root>/run/splitfail)"),
	ROW(NULL, NULL, "shard", T_SHARD, 0, 0, shard_i, "0/1",
	    "listed cases i, i+n, ...: i/n 0-based (0 <= i < n), KofN 1-based (3of4 = 2/4)"),
	ROW(NULL, NULL, "nth", T_INT, 0, 100000, nth, "0",
	    "run only fail-nth N (reproducing one sweep step)"),
	ROW(NULL, NULL, "list", T_FLAG, 0, 1, list, "no",
	    "list workloads and test cases, then exit"),
	ROW(NULL, NULL, "print", T_STR, 0, 0, print, "",
	    "print SECTION.KEY (e.g. vm.memory) after profile and options, then exit"),
};

#define N_ROWS	(sizeof(rows) / sizeof(rows[0]))

const char *strategy_name(int s)
{
	static const char *const names[STRAT_COUNT] = { "off", "random", "sweep", "targeted" };

	return s >= 0 && s < STRAT_COUNT ? names[s] : "?";
}

/* "off,random,...": every item must be a known strategy name; 0 or -EINVAL with err. */
int strategies_parse(const char *list, int *flags, char *err, size_t errlen)
{
	int set[STRAT_COUNT] = { 0 }, any = 0;

	for (const char *p = list; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		size_t l;
		int known = 0;

		while (*p == ' ')
			p++;
		l = strcspn(p, ", ");
		for (int i = 0; i < STRAT_COUNT; i++)
			if (strlen(strategy_name(i)) == l && !strncmp(p, strategy_name(i), l))
				set[i] = known = any = 1;
		if (!known) {
			snprintf(err, errlen,
				 "unknown strategy '%.*s' (want off, random, sweep, targeted)", (int)l, p);
			return -EINVAL;
		}
	}
	if (!any) {
		snprintf(err, errlen, "no strategy given");
		return -EINVAL;
	}
	memcpy(flags, set, sizeof(set));
	return 0;
}

const struct schema_row *schema_rows(size_t *n)
{
	*n = N_ROWS;
	return rows;
}

/* The option name of a row: its own, or the key with '_' as '-'. */
void schema_option(const struct schema_row *r, char *out, size_t len)
{
	snprintf(out, len, "%s", r->option ? r->option : r->key);
	for (char *p = out; *p; p++)
		if (*p == '_')
			*p = '-';
}

const struct schema_row *schema_find(const char *section, const char *key)
{
	for (size_t i = 0; i < N_ROWS; i++)
		if (rows[i].section && !strcmp(rows[i].section, section) &&
		    !strcmp(rows[i].key, key))
			return &rows[i];
	return NULL;
}

const struct schema_row *schema_find_option(const char *option)
{
	char name[64];

	for (size_t i = 0; i < N_ROWS; i++) {
		schema_option(&rows[i], name, sizeof(name));
		if (!strcmp(name, option))
			return &rows[i];
	}
	return NULL;
}

static int parse_ll(const char *s, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 0);
	return errno || end == s || *end ? -EINVAL : 0;
}

static int parse_bool(const char *s, long long *v)
{
	static const char *const yes[] = { "yes", "y", "Y", "1", "true", NULL };
	static const char *const no[] = { "no", "n", "N", "0", "false", NULL };

	for (int i = 0; yes[i]; i++) {
		if (!strcmp(s, yes[i])) {
			*v = 1;
			return 0;
		}
		if (!strcmp(s, no[i])) {
			*v = 0;
			return 0;
		}
	}
	return -EINVAL;
}

/* "256M", "1G", "4096", "512k", "0": bytes; 0 or -EINVAL. */
static int parse_size(const char *s, long long *v)
{
	long long mult = 1;
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	if (errno || end == s || *v < 0)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': mult = 1LL << 10; end++; break;
	case 'm': case 'M': mult = 1LL << 20; end++; break;
	case 'g': case 'G': mult = 1LL << 30; end++; break;
	}
	if (*end || *v > LLONG_MAX / mult)
		return -EINVAL;
	*v *= mult;
	return 0;
}

static void store(void *field, size_t size, long long v)
{
	if (size == sizeof(int))
		*(int *)field = (int)v;
	else
		*(long long *)field = v;
}

/* The index of word in a comma-separated list of choices, or -1. */
static long long choice_index(const char *choices, const char *word)
{
	size_t wl = strlen(word);
	long long i = 0;

	for (const char *p = choices; p; i++) {
		if (wl && strcspn(p, ",") == wl && !strncmp(p, word, wl))
			return i;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return -1;
}

/* Word number i of a comma-separated list of choices ("?" past its end). */
static void choice_word(const char *choices, long long i, char *out, size_t len)
{
	const char *p = choices;

	while (p && i-- > 0)
		p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL;
	snprintf(out, len, "%.*s", p ? (int)strcspn(p, ",") : 1, p ? p : "?");
}

static long long load(const void *field, size_t size)
{
	return size == sizeof(int) ? *(const int *)field : *(const long long *)field;
}

/* The row's value as text, as a profile or option would give it. */
void schema_value(const struct options *o, const struct schema_row *r, char *out, size_t len)
{
	const char *field = (const char *)o + r->off;
	long long v = r->type == T_STR || r->type == T_CHOICE || r->type == T_STRATEGIES ? 0 :
		      load(field, r->size);

	switch (r->type) {
	case T_STR:
	case T_CHOICE:
		snprintf(out, len, "%s", field);
		return;
	case T_CHOICE_INT:
		choice_word(r->choices, v, out, len);
		return;
	case T_STRATEGIES:
		out[0] = '\0';
		for (int i = 0; i < STRAT_COUNT; i++)
			if (o->strategies[i])
				sf_appendf(out, len, "%s%s", out[0] ? "," : "", strategy_name(i));
		return;
	case T_BOOL:
	case T_FLAG:
		snprintf(out, len, "%s", v ? "yes" : "no");
		return;
	case T_SIZE:
		if (v && !(v % (1LL << 30)))
			snprintf(out, len, "%lldG", v >> 30);
		else if (v && !(v % (1LL << 20)))
			snprintf(out, len, "%lldM", v >> 20);
		else
			snprintf(out, len, "%lld", v);
		return;
	case T_SHARD:
		snprintf(out, len, "%d/%d", o->shard_i, o->shard_n);
		return;
	default:
		snprintf(out, len, "%lld", v);
	}
}

/* Set one tunable from its text; 0, or -EINVAL with the problem in err (no name prefix). */
int schema_set(struct options *o, const struct schema_row *r, const char *val, char *err,
	       size_t len)
{
	void *field = (char *)o + r->off;
	long long v;
	int i, n;

	switch (r->type) {
	case T_CHOICE_INT:
		v = choice_index(r->choices, val);
		if (v < 0) {
			snprintf(err, len, "bad value '%s' (want one of %s)", val, r->choices);
			return -EINVAL;
		}
		break;
	case T_CHOICE:
		if (!sf_list_has(r->choices, val) || strchr(val, ',') || strlen(val) >= r->size) {
			snprintf(err, len, "bad value '%s' (want one of %s)", val, r->choices);
			return -EINVAL;
		}
		snprintf(field, r->size, "%s", val);
		return 0;
	case T_STR:
		if (strlen(val) >= r->size) {
			snprintf(err, len, "bad value '%.64s...' (longer than %zu bytes)", val,
				 r->size - 1);
			return -EINVAL;
		}
		snprintf(field, r->size, "%s", val);
		return 0;
	case T_STRATEGIES:
		return strategies_parse(val, o->strategies, err, len);
	case T_BOOL:
	case T_FLAG:
		if (parse_bool(val, &v)) {
			snprintf(err, len, "bad value '%s' (want yes or no)", val);
			return -EINVAL;
		}
		break;
	case T_SIZE:
		if (parse_size(val, &v) || (r->max && (v < r->min || v > r->max))) {
			snprintf(err, len, "bad value '%s' (want a size: 256M, 1G, bytes%s)", val,
				 r->max ? ", within range" : "");
			return -EINVAL;
		}
		break;
	case T_SHARD:
		if (shard_parse(val, &i, &n, err, len))
			return -EINVAL;
		o->shard_i = i;
		o->shard_n = n;
		return 0;
	default:
		if (parse_ll(val, &v) || v < r->min || v > r->max) {
			snprintf(err, len, "bad value '%s' (want an integer %lld..%lld)", val,
				 r->min, r->max);
			return -EINVAL;
		}
	}
	store(field, r->size, v);
	return 0;
}

/* Every default of the table. */
void schema_defaults(struct options *o)
{
	char err[256];

	memset(o, 0, sizeof(*o));
	for (size_t i = 0; i < N_ROWS; i++)
		if (schema_set(o, &rows[i], rows[i].def, err, sizeof(err)))
			fprintf(stderr, "splitfail: schema default of %s: %s\n", rows[i].key, err);
}

/* --print SECTION.KEY: 0 after printing the value, -EINVAL after naming what is unknown. */
int schema_print(const struct options *o, const char *what, FILE *f)
{
	char section[64], value[1024];
	const char *dot = strchr(what, '.');
	const struct schema_row *r = NULL;

	if (dot && (size_t)(dot - what) < sizeof(section)) {
		snprintf(section, sizeof(section), "%.*s", (int)(dot - what), what);
		r = schema_find(section, dot + 1);
	}
	if (!r) {
		fprintf(stderr, "splitfail: --print: unknown tunable '%s' (want SECTION.KEY, e.g. vm.memory)\n",
			what);
		return -EINVAL;
	}
	schema_value(o, r, value, sizeof(value));
	fprintf(f, "%s\n", value);
	return 0;
}

/* The reproduce-line options of section: every row marked SF_REPRODUCE, with its value. */
void schema_reproduce(const struct options *o, const char *section, char *out, size_t len)
{
	char name[64], value[1024];

	for (size_t i = 0; i < N_ROWS; i++) {
		if (!(rows[i].flags & SF_REPRODUCE) || strcmp(rows[i].section, section))
			continue;
		schema_option(&rows[i], name, sizeof(name));
		schema_value(o, &rows[i], value, sizeof(value));
		for (char *p = value; *p; p++)	/* a profile's "a, b" list is one shell word */
			if (*p == ' ')
				memmove(p, p + 1, strlen(p)), p--;
		sf_appendf(out, len, " --%s %s", name, value);
	}
}

/* The option list of --help, one row each, from the table. */
void schema_help(FILE *f)
{
	char name[64], arg[80];

	for (size_t i = 0; i < N_ROWS; i++) {
		const struct schema_row *r = &rows[i];

		schema_option(r, name, sizeof(name));
		snprintf(arg, sizeof(arg), "--%s%s%s", name,
			 r->type == T_FLAG ? "" : r->type == T_BOOL ? " yes|no" : " ",
			 r->type == T_CHOICE || r->type == T_CHOICE_INT ? r->choices : r->type == T_FLAG || r->type == T_BOOL ?
			 "" : "V");
		fprintf(f, "  %-26s %s\n", arg, r->help);
		if (r->section || (r->def[0] && r->type != T_FLAG && r->type != T_BOOL)) {
			fprintf(f, "  %-26s", "");
			if (r->section)
				fprintf(f, " profile: [%s] %s", r->section, r->key);
			if (r->def[0])
				fprintf(f, "%sdefault %s", r->section ? ", " : " ", r->def);
			fputc('\n', f);
		}
	}
}
