// SPDX-License-Identifier: GPL-2.0
/*
 * render_targets.c - which kernel functions the targeted runs reached, from the run record:
 * summary.json's "targets" member, per workload and function, counts the targeted runs
 * (@target=FN...), how many consumed a fault inside the function's stack range, and how many
 * were SKIP (the function is not in /proc/kallsyms: inlined or renamed in this kernel).
 * "blind_spots" lists workload:function pairs that ran and never consumed a fault: the
 * allocations the suite meant to fail there were never failed (docs/protocol.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../splitfail.h"
#include "record.h"

struct target_count {
	const char *workload, *fn;
	int runs, consumed, skipped;
};

static int by_name(const void *a, const void *b)
{
	const struct target_count *x = a, *y = b;
	int c = strcmp(x->workload, y->workload);

	return c ? c : strcmp(x->fn, y->fn);
}

/* Counts per (workload, target) of the record's targeted results; NULL on no memory. */
static struct target_count *count_targets(const struct rec_run *run, int *n)
{
	struct target_count *t = calloc(run->n ? run->n : 1, sizeof(*t));

	*n = 0;
	if (!t)
		return NULL;
	for (int i = 0; i < run->n; i++) {
		const struct rec_result *r = &run->r[i];
		int j;

		if (!r->target || !r->target[0])
			continue;
		for (j = 0; j < *n; j++)
			if (!strcmp(t[j].workload, r->workload) && !strcmp(t[j].fn, r->target))
				break;
		if (j == *n)
			t[(*n)++] = (struct target_count){ .workload = r->workload, .fn = r->target };
		if (r->verdict == V_SKIP) {
			t[j].skipped++;
			continue;
		}
		t[j].runs++;
		t[j].consumed += r->consumed > 0;
	}
	qsort(t, *n, sizeof(*t), by_name);
	return t;
}

/* ",\n  "targets": {...},\n  "blind_spots": [...]" when the record has targeted runs. */
void render_targets(FILE *f, const struct rec_run *run)
{
	int n, first = 1;
	struct target_count *t = count_targets(run, &n);

	if (!t || !n) {
		free(t);
		return;
	}
	fputs(",\n  \"targets\": {", f);
	for (int i = 0; i < n; i++) {
		int new_wl = i == 0 || strcmp(t[i].workload, t[i - 1].workload);

		if (new_wl) {
			fputs(i ? "},\n    " : "\n    ", f);
			text_json(f, t[i].workload);
			fputs(": {", f);
		}
		fputs(new_wl ? "" : ", ", f);
		text_json(f, t[i].fn);
		fprintf(f, ": {\"runs\": %d, \"consumed\": %d, \"skipped\": %d}", t[i].runs,
			t[i].consumed, t[i].skipped);
	}
	fputs("}\n  },\n  \"blind_spots\": [", f);
	for (int i = 0; i < n; i++) {
		char name[SF_NAME_MAX * 2];

		if (!t[i].runs || t[i].consumed)
			continue;
		snprintf(name, sizeof(name), "%s:%s", t[i].workload, t[i].fn);
		fputs(first ? "" : ", ", f);
		text_json(f, name);
		first = 0;
	}
	fputc(']', f);
	free(t);
}
