// SPDX-License-Identifier: GPL-2.0
/*
 * cli.c - the command line. The profile (--profile) is loaded first and the other options
 * override it, whatever their order. A bad value is a usage error (exit 2) naming the
 * option and the value.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "splitfail.h"

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
			if (strlen(strategy_name(i)) == l && !strncmp(p, strategy_name(i), l)) {
				set[i] = known = any = 1;
			}
		if (!known) {
			snprintf(err, errlen, "unknown strategy '%.*s' (want off, random, sweep, targeted)",
				 (int)l, p);
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

void cli_usage(FILE *f)
{
	fprintf(f,
		"usage: splitfail [options]\n"
		"Runs the THP split workloads under fault injection and judges them.\n\n"
		"  --profile NAME|FILE   profile (configs/NAME.ini); options below override it.\n"
		"                        Its [knobs] (sysctl/sysfs values), [pressure] (stress-ng,\n"
		"                        memcg memory.max) and [leak] kmemleak apply to the run\n"
		"  --list                list workloads and test cases, then exit\n"
		"  --only a,b            workloads to run (default: all)\n"
		"  --case C,D            test cases to run ([workload:]FIXTURE[.VARIANT].TEST, or a\n"
		"                        result name: @random, @nth=N, @target=FN[,nth=N], #N)\n"
		"  --strategy s,t        off, random, sweep, targeted (comma list)\n"
		"  --seed N              pattern seed passed to workloads (SPLITFAIL_SEED)\n"
		"  --repeat N            run the whole matrix N times\n"
		"  --timeout S           time limit per test-case run, seconds\n"
		"  --shard i/n           run only cases with index %% n == i (0 <= i < n)\n"
		"  --out DIR             result folder (default results/<UTC>-<release>)\n"
		"  --workload-dir DIR    workload binaries (default <top>/build/workloads)\n"
		"  --root DIR            prefix for /proc, /sys, /dev, /run paths (tests)\n"
		"  --state-dir DIR       journal and lock (default <root>/run/splitfail)\n"
		"  --attrs a,b|all       fault attributes to open (default failslab,fail_page_alloc)\n"
		"  --target f,g          kernel functions for targeted runs (stack filter)\n"
		"  --probability P --interval I --times T --space S --verbose V\n"
		"  --min-order O --ignore-gfp-wait Y|N --ignore-gfp-highmem Y|N\n"
		"                        fault attribute values for random and targeted runs\n"
		"  --sweep-cap N         largest fail-nth of a sweep\n"
		"  --nth N               run only fail-nth N (reproducing one sweep step)\n"
		"  --max-cases N         injection runs for the first N cases of each workload\n"
		"  --strict              SILENT-SKIP fails the run\n"
		"  --no-progress         no progress line on a terminal\n"
		"  --wrap [--] CMD ARGS  run CMD (the rest of the line) as the only test case,\n"
		"                        injection armed for the whole program (docs/runner.md)\n"
		"  -h, --help            this text\n\n"
		"Exit: 0 no bug found, 1 FAIL (or SILENT-SKIP under --strict), 2 usage error (also an\n"
		"unknown --only/--case name), 3 harness error (an ERROR verdict, an unreadable kernel\n"
		"log), 4 nothing tested (every run SKIP, no run selected, or injection asked of a\n"
		"kernel without it), 5 a FAIL left the system unusable (the rest needs a fresh one).\n"
		"See docs/protocol.md.\n");
}

enum {
	OPT_PROFILE = 256, OPT_ONLY, OPT_CASE, OPT_LIST, OPT_STRATEGY, OPT_SEED, OPT_REPEAT,
	OPT_TIMEOUT, OPT_SHARD, OPT_OUT, OPT_WDIR, OPT_ROOT, OPT_STATE, OPT_ATTRS, OPT_TARGET,
	OPT_PROB, OPT_INTERVAL, OPT_TIMES, OPT_SPACE, OPT_VERBOSE, OPT_MINORDER, OPT_IGW,
	OPT_IGH, OPT_CAP, OPT_NTH, OPT_MAXCASES, OPT_STRICT, OPT_NOPROGRESS,
};

static const struct option long_opts[] = {
	{ "profile", required_argument, 0, OPT_PROFILE },
	{ "only", required_argument, 0, OPT_ONLY },
	{ "case", required_argument, 0, OPT_CASE },
	{ "list", no_argument, 0, OPT_LIST },
	{ "strategy", required_argument, 0, OPT_STRATEGY },
	{ "seed", required_argument, 0, OPT_SEED },
	{ "repeat", required_argument, 0, OPT_REPEAT },
	{ "timeout", required_argument, 0, OPT_TIMEOUT },
	{ "shard", required_argument, 0, OPT_SHARD },
	{ "out", required_argument, 0, OPT_OUT },
	{ "workload-dir", required_argument, 0, OPT_WDIR },
	{ "root", required_argument, 0, OPT_ROOT },
	{ "state-dir", required_argument, 0, OPT_STATE },
	{ "attrs", required_argument, 0, OPT_ATTRS },
	{ "target", required_argument, 0, OPT_TARGET },
	{ "probability", required_argument, 0, OPT_PROB },
	{ "interval", required_argument, 0, OPT_INTERVAL },
	{ "times", required_argument, 0, OPT_TIMES },
	{ "space", required_argument, 0, OPT_SPACE },
	{ "verbose", required_argument, 0, OPT_VERBOSE },
	{ "min-order", required_argument, 0, OPT_MINORDER },
	{ "ignore-gfp-wait", required_argument, 0, OPT_IGW },
	{ "ignore-gfp-highmem", required_argument, 0, OPT_IGH },
	{ "sweep-cap", required_argument, 0, OPT_CAP },
	{ "nth", required_argument, 0, OPT_NTH },
	{ "max-cases", required_argument, 0, OPT_MAXCASES },
	{ "strict", no_argument, 0, OPT_STRICT },
	{ "no-progress", no_argument, 0, OPT_NOPROGRESS },
	{ "help", no_argument, 0, 'h' },
	{ 0, 0, 0, 0 },
};

static int usage_error(const char *opt, const char *val, const char *want)
{
	fprintf(stderr, "splitfail: --%s: bad value '%s' (%s)\n", opt, val, want);
	return -EINVAL;
}

static int num(const char *opt, const char *val, long long min, long long max, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(val, &end, 0);
	if (errno || end == val || *end || *v < min || *v > max) {
		char want[96];

		snprintf(want, sizeof(want), "want an integer %lld..%lld", min, max);
		return usage_error(opt, val, want);
	}
	return 0;
}

static int yes_no(const char *opt, const char *val, long long *v)
{
	if (!strcmp(val, "Y") || !strcmp(val, "y") || !strcmp(val, "1"))
		*v = 1;
	else if (!strcmp(val, "N") || !strcmp(val, "n") || !strcmp(val, "0"))
		*v = 0;
	else
		return usage_error(opt, val, "want Y or N");
	return 0;
}

static int copy_str(const char *opt, const char *val, char *dst, size_t len)
{
	if (strlen(val) >= len)
		return usage_error(opt, val, "too long");
	snprintf(dst, len, "%s", val);
	return 0;
}

static int apply_opt(int c, const char *name, const char *a, struct options *o)
{
	char err[256];
	long long v = 0;
	int ret = 0;

	switch (c) {
	case OPT_PROFILE:
	case OPT_ROOT:
		return 0;	/* handled before the profile is loaded */
	case OPT_ONLY: return copy_str(name, a, o->only, sizeof(o->only));
	case OPT_CASE: return copy_str(name, a, o->cases, sizeof(o->cases));
	case OPT_LIST: o->list = 1; return 0;
	case OPT_OUT: return copy_str(name, a, o->out_dir, sizeof(o->out_dir));
	case OPT_WDIR: return copy_str(name, a, o->workload_dir, sizeof(o->workload_dir));
	case OPT_STATE: return copy_str(name, a, o->state_dir, sizeof(o->state_dir));
	case OPT_ATTRS: return copy_str(name, a, o->attrs, sizeof(o->attrs));
	case OPT_TARGET: return copy_str(name, a, o->targets, sizeof(o->targets));
	case OPT_STRICT: o->strict = 1; return 0;
	case OPT_NOPROGRESS: o->progress = 0; return 0;
	case OPT_STRATEGY:
		if (strategies_parse(a, o->strategies, err, sizeof(err)))
			return usage_error(name, a, err);
		return 0;
	case OPT_SEED:
		ret = num(name, a, 0, LLONG_MAX, &v);
		o->seed = (unsigned long long)v;
		return ret;
	case OPT_REPEAT: ret = num(name, a, 1, 100000, &v); o->repeat = (int)v; return ret;
	case OPT_TIMEOUT: ret = num(name, a, 1, 86400, &v); o->timeout_s = (int)v; return ret;
	case OPT_CAP: ret = num(name, a, 1, 100000, &v); o->sweep_cap = (int)v; return ret;
	case OPT_NTH: ret = num(name, a, 1, 100000, &v); o->nth = (int)v; return ret;
	case OPT_MAXCASES: ret = num(name, a, 0, 100000, &v); o->max_cases = (int)v; return ret;
	case OPT_PROB: return num(name, a, 0, 100, &o->fp.probability);
	case OPT_INTERVAL: return num(name, a, 1, INT_MAX, &o->fp.interval);
	case OPT_TIMES: return num(name, a, -1, INT_MAX, &o->fp.times);
	case OPT_SPACE: return num(name, a, 0, INT_MAX, &o->fp.space);
	case OPT_VERBOSE: return num(name, a, 0, 2, &o->fp.verbose);
	case OPT_MINORDER: return num(name, a, 0, 10, &o->fp.min_order);
	case OPT_IGW: return yes_no(name, a, &o->fp.ignore_gfp_wait);
	case OPT_IGH: return yes_no(name, a, &o->fp.ignore_gfp_highmem);
	case OPT_SHARD: {
		int i, n, used = 0;

		if (sscanf(a, "%d/%d%n", &i, &n, &used) != 2 || a[used] || n < 1 || i < 0 ||
		    i >= n)
			return usage_error(name, a, "want i/n with 0 <= i < n");
		o->shard_i = i;
		o->shard_n = n;
		return 0;
	}
	}
	snprintf(err, sizeof(err), "unhandled option %d", c);
	return usage_error(name, a ? a : "", err);
}

/*
 * Returns 0, 1 when --help was asked, or -EINVAL after printing the problem (exit 2).
 * The profile and root are taken in a first pass so the other options override the profile.
 */
int cli_parse(int argc, char **argv, struct options *o)
{
	char profile_arg[SF_PATH_MAX] = "", top[SF_PATH_MAX], err[1024];
	int c, idx;

	profile_defaults(o);
	argc = wrap_split_argv(argc, argv, o);
	if (argc < 0)
		return -EINVAL;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", long_opts, &idx)) != -1) {
		if (c == OPT_PROFILE && copy_str("profile", optarg, profile_arg,
						 sizeof(profile_arg)))
			return -EINVAL;
		if (c == OPT_ROOT && copy_str("root", optarg, o->root, sizeof(o->root)))
			return -EINVAL;
		if (c == 'h')
			return 1;
		if (c == '?') {
			fprintf(stderr, "splitfail: unknown option or missing value: '%s'\n",
				argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "splitfail: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (profile_arg[0]) {
		sf_top_dir(top, sizeof(top));
		if (profile_resolve(profile_arg, top, o->profile_path, sizeof(o->profile_path))) {
			fprintf(stderr, "splitfail: --profile: bad value '%s' (no file %s)\n",
				profile_arg, o->profile_path);
			return -EINVAL;
		}
		if (profile_load(o->profile_path, o, err, sizeof(err))) {
			fprintf(stderr, "splitfail: profile error: %s\n", err);
			return -EINVAL;
		}
		snprintf(o->profile_name, sizeof(o->profile_name), "%s", profile_arg);
	} else {
		snprintf(o->profile_name, sizeof(o->profile_name), "(none)");
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", long_opts, &idx)) != -1)
		if (apply_opt(c, long_opts[idx].name, optarg, o))
			return -EINVAL;
	if (selection_parse(o, err, sizeof(err))) {
		fprintf(stderr, "splitfail: %s\n", err);
		return -EINVAL;
	}
	return 0;
}
