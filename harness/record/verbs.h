/* SPDX-License-Identifier: GPL-2.0 */
/*
 * verbs.h - what run.sh asks the harness about a results folder (`splitfail results VERB`):
 * a new folder, a guest's death, a fresh guest's folder folded in, the test that was
 * running, a result's reproduce line, the kernel that ran, the run's verdict; and
 * --continue-from, which makes a fresh guest run only what its run has not decided. No shell
 * code edits results files. The contract, for people: docs/protocol.md ("Runner verbs").
 */
#ifndef SPLITFAIL_RECORD_VERBS_H
#define SPLITFAIL_RECORD_VERBS_H

#include <stddef.h>

struct field;
struct options;
struct wl_case;

/* folder.c: BASE/<UTC>-<release>[-N], made with mkdir (never reused), BASE/latest moved. */
int results_dir_new(const char *base, const char *release, char *out, size_t len);

/* continue.c: --continue-from DIR */
int continue_load(const char *dir, char *err, size_t len);
int continue_decided(const char *name, int *consumed);
int continue_case_left(const struct options *o, const struct wl_case *c);
void continue_free(void);

/* `splitfail results VERB ARGS...` (cli.c): argv[0] is VERB; the exit code */
int verb_new(int argc, char **argv);		/* runner_verbs.c */
int verb_running(int argc, char **argv);
int verb_reproduce(int argc, char **argv);
int verb_kernel(int argc, char **argv);
int verb_status(int argc, char **argv);
int verb_end(int argc, char **argv);
int verb_death(int argc, char **argv);		/* death.c */
/* death.c: a TYPE line of OBJ's members (TABLE) and an unfinished "end" line, one text */
char *death_lines(const char *type, const struct field *table, const void *obj,
		  const char *ended_by);
int verb_fold(int argc, char **argv);		/* fold.c */

/* time_limit.c: NAME had no verdict when the time limit stopped guest BOOT: noted, to rerun */
int time_limit_note(const char *dir, int boot, const char *name, const char *how,
		    const char *console, const char *excerpt);

#endif /* SPLITFAIL_RECORD_VERBS_H */
