/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compare.h - inside `splitfail compare` (compare.c): a run's tests with their repetitions
 * folded, the changes between two runs, and their two printings (compare_out.c).
 */
#ifndef SPLITFAIL_COMPARE_H
#define SPLITFAIL_COMPARE_H

#include <stdio.h>

#include "../splitfail.h"
#include "record.h"

/* One test of a run: every result whose name is NAME or NAME#<n>. */
struct cmp_test {
	char *name;
	int first;		/* its first result's place in the run: the table's order */
	int count[V_COUNT];	/* results per verdict */
	int fails;		/* results that fail the run (record_fails) */
};

struct cmp_side {
	const char *dir;
	struct rec_run run;
	struct cmp_test *t;	/* sorted by name */
	int nt;
};

enum cmp_change {
	CMP_NEW_FAIL,		/* fails in NEW; did not fail, or was absent, in OLD */
	CMP_FIXED,		/* failed in OLD; ran in NEW without a failure or an ERROR */
	CMP_STILL,		/* fails in both */
	CMP_UNTESTED,		/* failed in OLD; only SKIP or ERROR in NEW */
	CMP_NEW_SILENT,		/* SILENT-SKIP in NEW, none in OLD */
	CMP_FLAKY,		/* PASS, FAIL, SILENT-SKIP, KNOWN-FAIL: more than one in NEW */
	CMP_ERROR,		/* an ERROR in NEW (the harness could not judge it) */
	CMP_MISSING,		/* in OLD, absent in NEW */
	CMP_NEW_TEST,		/* in NEW, absent in OLD */
	CMP_COUNT
};

struct cmp_row {
	enum cmp_change change;
	const struct cmp_test *old, *new;	/* NULL when absent */
};

struct cmp_result {
	struct cmp_side old, new;
	struct cmp_row *rows;
	int n, cap;
	int counts[CMP_COUNT];
};

/* compare_out.c */
void compare_table(FILE *f, const struct cmp_result *c);
void compare_json(FILE *f, const struct cmp_result *c);

#endif /* SPLITFAIL_COMPARE_H */
