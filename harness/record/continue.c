// SPDX-License-Identifier: GPL-2.0
/*
 * continue.c - `--continue-from DIR`: the harness of a fresh guest after a guest death runs
 * the run's own selection but skips every result DIR's record already has (decided, or the
 * one that died), so it runs exactly what is left, result by result: the rest of the dead
 * case's strategies and sweep steps too. A skipped sweep step answers the sweep with its
 * recorded `consumed` (a death counts as consumed: the sweep goes on after the dead step).
 * `--list --continue-from DIR` prints the cases that may still have runs left, so run.sh
 * boots no guest for nothing. A folder without a record has decided nothing. A test the
 * whole-guest time limit stopped (a time_limit line, no result) is not decided: it runs again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../splitfail.h"
#include "record.h"
#include "verbs.h"

struct decided {
	const char *name;
	int consumed;
	int died;		/* the guest's death (strategy "guest") */
	int last_of_case;	/* no later result of the same case and repetition */
};

static struct rec_run prev;
static struct decided *tab;
static int n_tab, loaded;

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct decided *)a)->name, ((const struct decided *)b)->name);
}

/* "W:C" and the repetition of a result name W:C[@S][#N]. */
static void case_of(const char *name, char *key, size_t len, int *rep)
{
	const char *hash = strchr(name, '#');

	snprintf(key, len, "%.*s", (int)strcspn(name, "@#"), name);
	*rep = hash ? atoi(hash + 1) - 1 : 0;
}

static int same_case(const char *a, const char *b)
{
	char ka[SF_NAME_MAX * 2], kb[SF_NAME_MAX * 2];
	int ra, rb;

	case_of(a, ka, sizeof(ka), &ra);
	case_of(b, kb, sizeof(kb), &rb);
	return ra == rb && !strcmp(ka, kb);
}

int continue_load(const char *dir, char *err, size_t len)
{
	struct stat st;
	int ret;

	if (!dir[0] || loaded)
		return 0;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, len, "--continue-from %s: not a results folder", dir);
		return -ENOENT;
	}
	ret = record_load(dir, &prev, err, len);
	if (ret == -ENOENT)
		return loaded = 1, 0;	/* nothing was decided there */
	if (ret)
		return ret;
	tab = calloc(prev.n + 1, sizeof(*tab));
	if (!tab)
		return -ENOMEM;
	for (int i = 0; i < prev.n; i++) {
		const struct rec_result *r = &prev.r[i];
		int later = 0;

		for (int j = i + 1; j < prev.n && !later && j < i + 64; j++)
			later = same_case(r->name, prev.r[j].name);
		tab[n_tab++] = (struct decided){ r->name, r->consumed,
						 !strcmp(r->strategy, "guest"), !later };
	}
	qsort(tab, n_tab, sizeof(*tab), by_name);
	loaded = 1;
	return 0;
}

static const struct decided *find(const char *name)
{
	struct decided key = { .name = name };

	return n_tab ? bsearch(&key, tab, n_tab, sizeof(*tab), by_name) : NULL;
}

int continue_decided(const char *name, int *consumed)
{
	const struct decided *d = find(name);

	if (d && consumed)
		*consumed = d->died ? 1 : d->consumed;
	return d != NULL;
}

/*
 * 1 when the run of case c in repetition rep may still have results to decide: it has none
 * yet, or its last one is a death that a later strategy, sweep step or target may follow.
 */
static int rep_left(const struct options *o, const struct wl_case *c, int rep)
{
	char key[SF_NAME_MAX * 2], k[SF_NAME_MAX * 2];
	const struct decided *last = NULL;
	int r, injecting, found = 0;

	snprintf(key, sizeof(key), "%s:%s", c->workload, c->name);
	if (loaded && prev.running_limited) {	/* stopped by the time limit: it runs again */
		case_of(prev.running, k, sizeof(k), &r);
		if (r == rep && !strcmp(k, key))
			return 1;
	}
	for (int i = 0; i < n_tab; i++) {
		case_of(tab[i].name, k, sizeof(k), &r);
		if (r != rep || strcmp(k, key))
			continue;
		found = 1;
		if (tab[i].last_of_case)
			last = &tab[i];
	}
	if (!found)
		return 1;
	if (!last || !last->died)
		return 0;	/* decided to its end, or a guest went on after the death */
	/* the case died in its last result: what could come after that strategy? */
	injecting = !o->max_cases || c->index_in_workload < o->max_cases;
	if (o->kmemleak)
		return 1;	/* the case's kmemleak verdict */
	if (!strchr(last->name, '@'))	/* off */
		return injecting && (o->strategies[STRAT_RANDOM] || o->strategies[STRAT_SWEEP] ||
				     o->strategies[STRAT_TARGETED]);
	if (strstr(last->name, "@random"))
		return injecting && (o->strategies[STRAT_SWEEP] || o->strategies[STRAT_TARGETED]);
	if (strstr(last->name, "@nth="))
		return !o->nth || (injecting && o->strategies[STRAT_TARGETED]);
	return 1;	/* targeted: another target, or step, may follow */
}

int continue_case_left(const struct options *o, const struct wl_case *c)
{
	for (int rep = 0; rep < o->repeat; rep++)
		if (rep_left(o, c, rep))
			return 1;
	return 0;
}

void continue_free(void)
{
	free(tab);
	tab = NULL;
	n_tab = 0;
	if (loaded)
		record_free(&prev);
	loaded = 0;
}
