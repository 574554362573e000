// SPDX-License-Identifier: GPL-2.0
/*
 * known_cli.c - how the known-issues file reaches known.c: the profile's `[run]
 * known_issues = allow|fail` and `known_issues_file`, loading it for a harness run, and
 * `splitfail --known-match`, the one matcher of known.c asked from the command line (a guest
 * death's verdict is matched by `splitfail results death`, record/death.c):
 *
 *   splitfail --known-match --name NAME --release R --evidence-file F
 *             [--profile NAME|FILE] [--known-issues-file FILE]
 *
 * Exit 0 and the lines `id=ID`, `fails_run=yes|no` (the profile's known_issues) and
 * `note=known issue ID (REFERENCE, FILE): DESCRIPTION` on stdout when an entry matches;
 * 1 when none does; 2 on a usage error or a malformed file.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "control/control.h"

#define EVIDENCE_FILE_MAX	(1 << 20)

/*
 * Load the profile's known-issues file (relative paths are from the clone's top), or
 * configs/known-issues.ini when the profile names none and it exists. 0 or -errno with err.
 */
int known_setup(const struct options *o, char *err, size_t errlen)
{
	char top[SF_PATH_MAX], path[SF_PATH_MAX * 2];
	int ret;

	sf_top_dir(top, sizeof(top));
	if (!o->known_file[0])
		snprintf(path, sizeof(path), "%s/configs/known-issues.ini", top);
	else if (o->known_file[0] == '/')
		snprintf(path, sizeof(path), "%s", o->known_file);
	else
		snprintf(path, sizeof(path), "%s/%s", top, o->known_file);
	ret = known_load(path, err, errlen);
	if (ret == -ENOENT && !o->known_file[0])
		return 0;	/* no file, no known issues */
	return ret;
}

static int read_evidence(const char *path, char **text)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -errno;
	*text = malloc(EVIDENCE_FILE_MAX + 1);
	if (!*text) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(*text, 1, EVIDENCE_FILE_MAX, f);
	(*text)[n] = '\0';
	fclose(f);
	return 0;
}

static int usage(const char *msg, const char *val)
{
	fprintf(stderr, "splitfail: --known-match: %s%s%s\n"
		"usage: splitfail --known-match --name NAME --release R --evidence-file F [--profile P] [--known-issues-file FILE]\n",
		msg, val ? " " : "", val ? val : "");
	return SF_EXIT_USAGE;
}

int known_match_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "known-match", no_argument, 0, 'k' },
		{ "name", required_argument, 0, 'n' },
		{ "release", required_argument, 0, 'r' },
		{ "evidence-file", required_argument, 0, 'e' },
		{ "profile", required_argument, 0, 'p' },
		{ "known-issues-file", required_argument, 0, 'f' },
		{ 0, 0, 0, 0 },
	};
	static struct options o;
	const char *name = NULL, *release = NULL, *evidence = NULL, *profile = NULL;
	const char *file = NULL;
	const struct known_issue *k;
	char top[SF_PATH_MAX], path[SF_PATH_MAX], err[1024], note[1024], *text = NULL;
	int c, ret;

	schema_defaults(&o);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': break;
		case 'n': name = optarg; break;
		case 'r': release = optarg; break;
		case 'e': evidence = optarg; break;
		case 'p': profile = optarg; break;
		case 'f': file = optarg; break;
		default: return usage("unknown option or missing value:", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage("unexpected argument", argv[optind]);
	if (!name || !release || !evidence)
		return usage("needs --name, --release and --evidence-file", NULL);
	if (profile) {
		sf_top_dir(top, sizeof(top));
		if (profile_resolve(profile, top, path, sizeof(path)))
			return usage("no profile", path);
		if (profile_load(path, &o, err, sizeof(err))) {
			fprintf(stderr, "splitfail: profile error: %s\n", err);
			return SF_EXIT_USAGE;
		}
	}
	if (file)
		snprintf(o.known_file, sizeof(o.known_file), "%s", file);
	ret = known_setup(&o, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "splitfail: known issues: %s\n", err);
		return SF_EXIT_USAGE;
	}
	ret = read_evidence(evidence, &text);
	if (ret) {
		fprintf(stderr, "splitfail: --known-match: --evidence-file %s: %s\n", evidence,
			strerror(-ret));
		return SF_EXIT_USAGE;
	}
	k = known_match(name, release, text);
	free(text);
	if (!k) {
		known_free();
		return 1;
	}
	known_note(k, note, sizeof(note));
	printf("id=%s\nfails_run=%s\nnote=%s\n", known_id(k), o.known_fail ? "yes" : "no", note);
	known_free();
	return 0;
}
