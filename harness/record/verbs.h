/* SPDX-License-Identifier: GPL-2.0 */
/*
 * verbs.h - what run.sh asks the harness about a results folder (`splitfail results VERB`,
 * dispatched by cli.c): a new folder, a guest's death, a fresh guest's folder folded in, the
 * test that was running, a result's reproduce line. No shell code edits results files.
 * The contract, for people: docs/protocol.md ("Runner verbs").
 */
#ifndef SPLITFAIL_RECORD_VERBS_H
#define SPLITFAIL_RECORD_VERBS_H

#include <stddef.h>

/* folder.c: BASE/<UTC>-<release>[-N], made with mkdir (never reused), BASE/latest moved. */
int results_dir_new(const char *base, const char *release, char *out, size_t len);

#endif /* SPLITFAIL_RECORD_VERBS_H */
