// SPDX-License-Identifier: GPL-2.0
/*
 * compare.c - `splitfail compare [--json] OLD NEW`: what changed between two results
 * folders (last night and tonight; the good and the bad side of a bisect), per test name
 * with the repetition suffix #n folded: new FAIL, fixed, still failing, no longer tested,
 * new SILENT-SKIP, flaky (the verdicts that judged the kernel differ across one run's
 * repetitions), ERROR, missing and new tests. A result "fails" as record_fails() says for its own run (FAIL; KNOWN-FAIL under
 * known_issues = fail; SILENT-SKIP when strict). Exit 1 when anything newly fails, 0
 * otherwise, 2 on a usage error (docs/protocol.md, "compare").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"

static void compare_usage(FILE *f)
{
	fputs("usage: splitfail compare [--json] OLD NEW\n"
	      "Compares two results folders per test (repetitions #n folded): new FAIL, fixed, still\n"
	      "failing, no longer tested, new SILENT-SKIP, flaky, ERROR, missing, new tests.\n"
	      "  --json   the changes as one JSON object instead of a table\n"
	      "Exit: 0 nothing newly fails, 1 a test newly fails, 2 usage error (also a folder\n"
	      "without a readable record.jsonl).\n", f);
}

/* name without a trailing #<digits> (a repetition) */
static char *fold_name(const char *name)
{
	size_t len = strlen(name), cut = len;

	while (cut > 0 && name[cut - 1] >= '0' && name[cut - 1] <= '9')
		cut--;
	if (cut > 0 && cut < len && name[cut - 1] == '#')
		len = cut - 1;
	return strndup(name, len);
}

struct entry {
	char *name;		/* folded */
	int idx;
	int verdict;
};

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : x->idx - y->idx;
}

static int test_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cmp_test *)a)->name, ((const struct cmp_test *)b)->name);
}

/* Fold a loaded run's results (and its interrupted test, as ERROR) into tests. 0/-ENOMEM. */
static int fold(struct cmp_side *s)
{
	const struct rec_run *run = &s->run;
	struct rec_result cur;
	int n = run->n + record_interrupted(run, &cur), ret = 0;
	struct entry *e = calloc(n ? n : 1, sizeof(*e));

	s->t = calloc(n ? n : 1, sizeof(*s->t));
	if (!e || !s->t) {
		free(e);
		return -ENOMEM;
	}
	for (int i = 0; i < n && !ret; i++) {
		const struct rec_result *r = i < run->n ? &run->r[i] : &cur;

		e[i].name = fold_name(r->name);
		e[i].idx = i;
		e[i].verdict = r->verdict;
		ret = e[i].name ? 0 : -ENOMEM;
	}
	if (!ret)
		qsort(e, n, sizeof(*e), entry_cmp);
	for (int i = 0; i < n && !ret; i++) {
		struct cmp_test *t = &s->t[s->nt ? s->nt - 1 : 0];

		if (!i || strcmp(e[i - 1].name, e[i].name)) {
			t = &s->t[s->nt++];
			t->name = strdup(e[i].name);
			t->first = e[i].idx;
			if (!t->name) {
				ret = -ENOMEM;
				break;
			}
		}
		t->count[e[i].verdict]++;
		t->fails += record_fails(run, e[i].verdict);
	}
	for (int i = 0; i < n; i++)
		free(e[i].name);
	free(e);
	return ret;
}

static int load_side(struct cmp_side *s, const char *dir)
{
	char err[SF_PATH_MAX + 256];
	int ret;

	s->dir = dir;
	ret = record_load(dir, &s->run, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "splitfail compare: %s: %s\n", dir,
			ret == -ENOENT || ret == -ENOTDIR ?
			"not a results folder (no " RECORD_FILE ")" : err);
		return ret;
	}
	ret = fold(s);
	if (ret)
		fprintf(stderr, "splitfail compare: %s: %s\n", dir, strerror(-ret));
	return ret;
}

static const struct cmp_test *find(const struct cmp_side *s, const char *name)
{
	struct cmp_test key = { .name = (char *)name };

	return s->nt ? bsearch(&key, s->t, s->nt, sizeof(*s->t), test_cmp) : NULL;
}

static int add_row(struct cmp_result *c, enum cmp_change ch, const struct cmp_test *o,
		   const struct cmp_test *n)
{
	if (sf_grow(&c->rows, c->n, &c->cap, sizeof(*c->rows), 64))
		return -ENOMEM;
	c->rows[c->n++] = (struct cmp_row){ ch, o, n };
	c->counts[ch]++;
	return 0;
}

/* How many different verdicts that judged the kernel (not SKIP, not ERROR) t got. */
static int judged_kinds(const struct cmp_test *t)
{
	int k = 0;

	for (int v = 0; v < V_COUNT; v++)
		k += v != V_SKIP && v != V_ERROR && t->count[v] > 0;
	return k;
}

/* The changes of one NEW test (old: NULL when absent), in enum order. */
static int classify(struct cmp_result *c, const struct cmp_test *o, const struct cmp_test *n)
{
	int ran = n->count[V_PASS] + n->count[V_SILENT_SKIP] + n->count[V_KNOWN_FAIL];
	int ret = 0;

	if (n->fails && !(o && o->fails))
		ret = add_row(c, CMP_NEW_FAIL, o, n);
	if (!ret && n->fails && o && o->fails)
		ret = add_row(c, CMP_STILL, o, n);
	if (!ret && !n->fails && o && o->fails)
		ret = add_row(c, ran && !n->count[V_ERROR] ? CMP_FIXED : CMP_UNTESTED, o, n);
	if (!ret && n->count[V_SILENT_SKIP] && !(o && o->count[V_SILENT_SKIP]))
		ret = add_row(c, CMP_NEW_SILENT, o, n);
	if (!ret && judged_kinds(n) > 1)
		ret = add_row(c, CMP_FLAKY, o, n);
	if (!ret && n->count[V_ERROR])
		ret = add_row(c, CMP_ERROR, o, n);
	if (!ret && !o)
		ret = add_row(c, CMP_NEW_TEST, o, n);
	return ret;
}

static int row_cmp(const void *a, const void *b)
{
	const struct cmp_row *x = a, *y = b;

	if (x->change != y->change)
		return (int)x->change - (int)y->change;
	if (x->new && y->new)
		return x->new->first - y->new->first;
	return x->old && y->old ? x->old->first - y->old->first : 0;
}

static int compare_runs(struct cmp_result *c)
{
	int ret = 0;

	for (int i = 0; i < c->new.nt && !ret; i++)
		ret = classify(c, find(&c->old, c->new.t[i].name), &c->new.t[i]);
	for (int i = 0; i < c->old.nt && !ret; i++)
		if (!find(&c->new, c->old.t[i].name))
			ret = add_row(c, CMP_MISSING, &c->old.t[i], NULL);
	if (!ret && c->n)
		qsort(c->rows, c->n, sizeof(*c->rows), row_cmp);
	return ret;
}

static void free_side(struct cmp_side *s)
{
	for (int i = 0; i < s->nt; i++)
		free(s->t[i].name);
	free(s->t);
	record_free(&s->run);
}

int compare_main(int argc, char **argv)
{
	static struct cmp_result c;
	const char *dirs[2];
	int json = 0, nd = 0, rc = SF_EXIT_OK;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			compare_usage(stdout);
			return SF_EXIT_OK;
		} else if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if ((argv[i][0] == '-' && argv[i][1]) || nd == 2) {
			fprintf(stderr, "splitfail compare: unexpected argument '%s'\n", argv[i]);
			compare_usage(stderr);
			return SF_EXIT_USAGE;
		} else {
			dirs[nd++] = argv[i];
		}
	}
	if (nd != 2) {
		fprintf(stderr, "splitfail compare: two results folders are needed, OLD and NEW\n");
		compare_usage(stderr);
		return SF_EXIT_USAGE;
	}
	if (load_side(&c.old, dirs[0]) || load_side(&c.new, dirs[1])) {
		rc = SF_EXIT_USAGE;
	} else if (compare_runs(&c)) {
		fprintf(stderr, "splitfail compare: %s\n", strerror(ENOMEM));
		rc = SF_EXIT_HARNESS;
	} else {
		if (json)
			compare_json(stdout, &c);
		else
			compare_table(stdout, &c);
		rc = c.counts[CMP_NEW_FAIL] ? SF_EXIT_BUG : SF_EXIT_OK;
	}
	free_side(&c.old);
	free_side(&c.new);
	free(c.rows);
	return rc;
}
