// SPDX-License-Identifier: GPL-2.0
/*
 * cli.c - the verbs that work on results folders, dispatched before the harness's own command
 * line is parsed: `splitfail results <verb> ARGS...` and top-level ones (`splitfail <verb>`).
 * One line of the table per verb; each verb's function gets argv from the verb on and returns
 * the exit code (0, 2 usage, 3 error: docs/protocol.md).
 */
#include <stdio.h>
#include <string.h>

#include "../splitfail.h"
#include "cli.h"
#include "record.h"
#include "verbs.h"

/* splitfail results render DIR: every rendering of DIR again, from DIR/record.jsonl alone. */
static int results_render(int argc, char **argv)
{
	struct rec_run run;
	char err[SF_PATH_MAX + 128];
	int ret;

	if (argc != 2) {
		fprintf(stderr, "splitfail: usage: splitfail results render DIR\n");
		return SF_EXIT_USAGE;
	}
	if (record_load(argv[1], &run, err, sizeof(err))) {
		fprintf(stderr, "splitfail: results render: %s\n", err);
		return SF_EXIT_HARNESS;
	}
	ret = render_all(argv[1], &run);
	record_free(&run);
	if (ret) {
		fprintf(stderr, "splitfail: results render: %s: %s\n", argv[1], strerror(-ret));
		return SF_EXIT_HARNESS;
	}
	return SF_EXIT_OK;
}

static const struct verb {
	const char *group;	/* "results", or NULL for a top-level verb */
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} verbs[] = {
	{ "results", "render", results_render, "DIR: rewrite every rendering from DIR/record.jsonl" },
	{ NULL, "merge", merge_main, "[--allow-mixed] --out DIR SRC...: fold results folders into DIR" },
	{ NULL, "compare", compare_main, "[--json] OLD NEW: what newly fails, is fixed, flaky, ..." },
	/* the runner's (verbs.h, docs/protocol.md "Runner verbs") */
	{ "results", "new", verb_new, "BASE RELEASE: make BASE/<UTC>-<RELEASE>[-N], move BASE/latest" },
	{ "results", "running", verb_running, "DIR: the test started and not decided" },
	{ "results", "death", verb_death,
	  "DIR --name N --kind died|hung|timeout --evidence-file F [--how T] [--console P] [--release R] -- HARNESS-OPTIONS" },
	{ "results", "fold", verb_fold, "DIR --from DIR/boot-N: a fresh guest's folder into DIR" },
	{ "results", "reproduce", verb_reproduce, "DIR NAME: NAME's verdict, then its reproduce line word by word" },
	{ "results", "kernel", verb_kernel, "DIR: the bzImage that ran and its key" },
	{ "results", "status", verb_status, "DIR: the counts; exit 0, 1 bug, 3 error, 4 nothing tested" },
	{ "results", "end", verb_end, "DIR: every selected test has its verdict: the run is finished" },
};

#define N_VERBS (sizeof(verbs) / sizeof(verbs[0]))

static void usage(const char *group)
{
	fprintf(stderr, "splitfail: %s verbs:\n", group);
	for (size_t i = 0; i < N_VERBS; i++)
		if (verbs[i].group && !strcmp(verbs[i].group, group))
			fprintf(stderr, "  splitfail %s %s %s\n", group, verbs[i].name, verbs[i].help);
}

int record_cli(int argc, char **argv, int *rc)
{
	int grouped = argc > 1 && !strcmp(argv[1], "results");

	if (argc < 2)
		return 0;
	for (size_t i = 0; i < N_VERBS; i++) {
		const struct verb *v = &verbs[i];

		if (!v->group && !strcmp(argv[1], v->name)) {
			*rc = v->run(argc - 1, argv + 1);
			return 1;
		}
		if (grouped && argc > 2 && !strcmp(argv[2], v->name)) {
			*rc = v->run(argc - 2, argv + 2);
			return 1;
		}
	}
	if (!grouped)
		return 0;
	if (argc > 2)
		fprintf(stderr, "splitfail: results: unknown verb '%s'\n", argv[2]);
	else
		fprintf(stderr, "splitfail: results: which verb?\n");
	usage("results");
	*rc = SF_EXIT_USAGE;
	return 1;
}
