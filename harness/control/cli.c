// SPDX-License-Identifier: GPL-2.0
/*
 * cli.c - the command line, made from the tunables table (schema.c): every row is an option
 * (`--NAME VALUE`; a flag takes none; a yes/no row also has `--no-NAME`), with the same
 * parser and range as its profile key. The profile (--profile) is loaded first and the
 * other options override it, whatever their order. A bad value is a usage error (exit 2)
 * naming the option and the value.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"

#define OPT_ROW		1000	/* + row index: --NAME */
#define OPT_NO		2000	/* + row index: --no-NAME */
#define OPT_PROFILE	3000
#define OPT_ROOT	3001
#define MAX_OPTS	128

void cli_usage(FILE *f)
{
	fprintf(f,
		"usage: splitfail [options] [--wrap [--] CMD ARGS...]\n"
		"Runs the THP split workloads under fault injection and judges them.\n\n"
		"  --profile NAME|FILE        profile (configs/NAME.ini); options below override\n"
		"                             it. Its [knobs] (sysctl/sysfs values) apply to the run\n"
		"  --root DIR                 prefix for /proc, /sys, /dev, /run paths (tests)\n"
		"  --wrap [--] CMD ARGS       run CMD (the rest of the line) as the only test case,\n"
		"                             injection armed for the whole program (docs/runner.md)\n"
		"  -h, --help                 this text\n");
	schema_help(f);
	fprintf(f,
		"\nExit: 0 no bug found, 1 FAIL (or SILENT-SKIP under --strict), 2 usage error (also an\n"
		"unknown --only/--case name), 3 harness error (an ERROR verdict, an unreadable kernel\n"
		"log), 4 nothing tested (every run SKIP, no run selected, or injection asked of a\n"
		"kernel without it), 5 a FAIL left the system unusable (the rest needs a fresh one).\n"
		"See docs/protocol.md.\n");
}

/* The getopt table: every schema row, --no-NAME for yes/no rows, --profile, --root, --help. */
static const struct option *long_opts(void)
{
	static char names[MAX_OPTS][72];
	static struct option opts[MAX_OPTS + 1];
	const struct schema_row *rows;
	size_t n, k = 0;

	if (opts[0].name)
		return opts;
	rows = schema_rows(&n);
	for (size_t i = 0; i < n && k + 4 < MAX_OPTS; i++) {
		schema_option(&rows[i], names[k], sizeof(names[k]));
		opts[k] = (struct option){ names[k], rows[i].type == T_FLAG ? no_argument :
				required_argument, NULL, OPT_ROW + (int)i };
		k++;
		if (rows[i].type != T_BOOL && rows[i].type != T_FLAG)
			continue;
		memcpy(names[k], "no-", 3);
		schema_option(&rows[i], names[k] + 3, sizeof(names[k]) - 3);
		opts[k] = (struct option){ names[k], no_argument, NULL, OPT_NO + (int)i };
		k++;
	}
	opts[k++] = (struct option){ "profile", required_argument, NULL, OPT_PROFILE };
	opts[k++] = (struct option){ "root", required_argument, NULL, OPT_ROOT };
	opts[k++] = (struct option){ "help", no_argument, NULL, 'h' };
	return opts;
}

static int copy_arg(const char *opt, const char *val, char *dst, size_t len)
{
	if (strlen(val) >= len) {
		fprintf(stderr, "splitfail: --%s: bad value '%.64s...' (too long)\n", opt, val);
		return -EINVAL;
	}
	snprintf(dst, len, "%s", val);
	return 0;
}

/* One option of the second pass (everything but --profile and --root) onto o. */
static int apply_opt(int c, const char *arg, struct options *o)
{
	const struct schema_row *rows;
	char err[512], name[72];
	size_t n;
	int i = c >= OPT_NO ? c - OPT_NO : c - OPT_ROW;

	if (c == OPT_PROFILE || c == OPT_ROOT)
		return 0;	/* taken before the profile was loaded */
	rows = schema_rows(&n);
	if (i < 0 || (size_t)i >= n)
		return -EINVAL;
	schema_option(&rows[i], name, sizeof(name));
	if (c >= OPT_NO || rows[i].type == T_FLAG)
		arg = c >= OPT_NO ? "no" : "yes";
	if (schema_set(o, &rows[i], arg, err, sizeof(err))) {
		fprintf(stderr, "splitfail: --%s: %s\n", name, err);
		return -EINVAL;
	}
	return 0;
}

/*
 * Returns 0, 1 when --help was asked, or -EINVAL after printing the problem (exit 2).
 * The profile and root are taken in a first pass so the other options override the profile.
 */
int cli_parse(int argc, char **argv, struct options *o)
{
	char profile_arg[SF_PATH_MAX] = "", top[SF_PATH_MAX], err[1024];
	const struct option *opts = long_opts();
	int c, idx;

	schema_defaults(o);
	argc = wrap_split_argv(argc, argv, o);
	if (argc < 0)
		return -EINVAL;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, &idx)) != -1) {
		if (c == OPT_PROFILE && copy_arg("profile", optarg, profile_arg,
						 sizeof(profile_arg)))
			return -EINVAL;
		if (c == OPT_ROOT && copy_arg("root", optarg, o->root, sizeof(o->root)))
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
	while ((c = getopt_long(argc, argv, "h", opts, &idx)) != -1)
		if (apply_opt(c, optarg, o))
			return -EINVAL;
	if (selection_parse(o, err, sizeof(err))) {
		fprintf(stderr, "splitfail: %s\n", err);
		return -EINVAL;
	}
	if (pressure_check(&o->pp, err, sizeof(err))) {
		fprintf(stderr, "splitfail: %s%s%s\n", o->profile_path, o->profile_path[0] ? ": " : "",
			err);
		return -EINVAL;
	}
	return 0;
}
