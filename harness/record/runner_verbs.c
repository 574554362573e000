// SPDX-License-Identifier: GPL-2.0
/*
 * runner_verbs.c - the questions run.sh asks about a results folder, answered from its run
 * record (record.h); the verbs that change it are death.c and fold.c. cli.c dispatches
 * them all (argv[0] is the verb):
 *
 *   splitfail results new BASE RELEASE     make BASE/<UTC>-<RELEASE>[-N], move BASE/latest,
 *                                          print the folder (folder.c)
 *   splitfail results running DIR          the test started and not decided, unless the
 *                                          time limit stopped it (exit 1: none)
 *   splitfail results reproduce DIR NAME   NAME's verdict, then its reproduce line, one word
 *                                          per line (shell quoting undone, nothing evaluated)
 *   splitfail results kernel DIR           the bzImage that ran and its key, one per line
 *   splitfail results status DIR           the verdict counts; exit as the harness would for
 *                                          this record: 0, 1 bug, 3 error, 4 nothing tested
 *   splitfail results end DIR              every selected test has its verdict (a guest died
 *                                          in the last one): the run is finished, rendered
 *   splitfail results death|fold ...       death.c, fold.c
 *
 * Usage errors exit 2, an unreadable record 3.
 */
#include <errno.h>
#include <string.h>

#include "../splitfail.h"
#include "record.h"
#include "verbs.h"

static int usage(const char *what)
{
	fprintf(stderr, "splitfail results: usage: splitfail results %s\n", what);
	return SF_EXIT_USAGE;
}

static int load(const char *dir, struct rec_run *run)
{
	char err[SF_PATH_MAX + 128];
	int ret = record_load(dir, run, err, sizeof(err));

	if (ret)
		fprintf(stderr, "splitfail results: %s\n", err);
	return ret;
}

int verb_new(int argc, char **argv)
{
	char dir[SF_PATH_MAX];
	int ret;

	if (argc != 3)
		return usage("new BASE RELEASE");
	ret = results_dir_new(argv[1], argv[2], dir, sizeof(dir));
	if (ret) {
		fprintf(stderr, "splitfail results: new folder under %s: %s\n", argv[1],
			strerror(-ret));
		return SF_EXIT_HARNESS;
	}
	printf("%s\n", dir);
	return SF_EXIT_OK;
}

int verb_running(int argc, char **argv)
{
	struct rec_run run;
	int found;

	if (argc != 2)
		return usage("running DIR");
	if (load(argv[1], &run))
		return SF_EXIT_HARNESS;
	/* a test the time limit stopped is not running in a guest that starts later */
	found = run.running[0] != '\0' && !run.running_limited;
	if (found)
		printf("%s\n", run.running);
	record_free(&run);
	return found ? SF_EXIT_OK : SF_EXIT_BUG;
}

/* One word per line of a line quoted the way reproduce lines are ('...', \x). */
static void print_words(const char *s)
{
	int in_word = 0, quote = 0;

	for (; *s; s++) {
		if (!quote && (*s == ' ' || *s == '\t')) {
			if (in_word)
				putchar('\n');
			in_word = 0;
			continue;
		}
		in_word = 1;
		if (*s == '\'') {
			quote = !quote;
			continue;
		}
		if (!quote && *s == '\\' && s[1])
			s++;
		putchar(*s);
	}
	if (in_word)
		putchar('\n');
}

int verb_reproduce(int argc, char **argv)
{
	const struct rec_result *r = NULL;
	struct rec_run run;

	if (argc != 3)
		return usage("reproduce DIR NAME");
	if (load(argv[1], &run))
		return SF_EXIT_HARNESS;
	for (int i = 0; i < run.n; i++)
		if (!strcmp(run.r[i].name, argv[2]))
			r = &run.r[i];
	if (!r || !r->reproduce[0]) {
		fprintf(stderr, "splitfail results: %s has %s '%s' (%d results; summary.json names them)\n",
			argv[1], r ? "no reproduce line for" : "no result", argv[2], run.n);
		record_free(&run);
		return SF_EXIT_USAGE;
	}
	printf("%s\n", verdict_name(r->verdict));
	print_words(r->reproduce);
	record_free(&run);
	return SF_EXIT_OK;
}

int verb_kernel(int argc, char **argv)
{
	struct rec_run run;

	if (argc != 2)
		return usage("kernel DIR");
	if (load(argv[1], &run))
		return SF_EXIT_HARNESS;
	printf("%s\n%s\n", run.kernel_path, run.kernel_key);
	record_free(&run);
	return SF_EXIT_OK;
}

/* Results of an injection strategy that were not SKIP (a guest's death is none). */
static int injection_tested(const struct rec_run *run)
{
	for (int i = 0; i < run->n; i++)
		if (run->r[i].verdict != V_SKIP && strcmp(run->r[i].strategy, "off") &&
		    strcmp(run->r[i].strategy, "guest"))
			return 1;
	return 0;
}

int verb_status(int argc, char **argv)
{
	static const int shown[] = { V_PASS, V_FAIL, V_KNOWN_FAIL, V_SILENT_SKIP, V_SKIP, V_ERROR };
	static const char *const keys[] = { "pass", "fail", "known_fail", "silent_skip", "skip",
					     "error" };	/* as summary.json's counts */
	struct rec_result cut;
	struct rec_run run;
	int fails = 0, errors, tested, rc;

	if (argc != 2)
		return usage("status DIR");
	if (load(argv[1], &run))
		return SF_EXIT_HARNESS;
	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
		int n = record_count(&run, shown[i]);

		printf("%s%s=%d", i ? " " : "", keys[i], n);
		fails += record_fails(&run, shown[i]) ? n : 0;
	}
	errors = record_count(&run, V_ERROR) + record_interrupted(&run, &cut);
	tested = record_count(&run, V_PASS) + record_count(&run, V_SILENT_SKIP) +
		 record_count(&run, V_KNOWN_FAIL);
	printf(" faults_injected=%lld boots=%d%s%s\n", record_faults(&run), run.boots,
	       run.finished ? "" : "; not finished: ", record_ended_by(&run));
	if (fails)
		rc = SF_EXIT_BUG;
	else if (errors)
		rc = SF_EXIT_HARNESS;
	else if (!tested || (strcmp(run.strategies, "off") && !injection_tested(&run)))
		rc = SF_EXIT_UNTESTED;
	else
		rc = SF_EXIT_OK;
	record_free(&run);
	return rc;
}


int verb_end(int argc, char **argv)
{
	char err[SF_PATH_MAX + 128];
	struct rec_run run;
	int ret;

	if (argc != 2)
		return usage("end DIR");
	ret = record_append_line_to(argv[1],
				    "{\"type\": \"end\", \"finished\": true, \"ended_by\": \"\"}");
	if (!ret)
		ret = record_load(argv[1], &run, err, sizeof(err));
	else
		snprintf(err, sizeof(err), "%s: %s", argv[1], strerror(-ret));
	if (!ret) {
		ret = render_all(argv[1], &run);
		record_free(&run);
		snprintf(err, sizeof(err), "rendering %s: %s", argv[1], strerror(-ret));
	}
	if (ret) {
		fprintf(stderr, "splitfail results: %s\n", err);
		return SF_EXIT_HARNESS;
	}
	return SF_EXIT_OK;
}
