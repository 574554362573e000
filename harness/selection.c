// SPDX-License-Identifier: GPL-2.0
/*
 * selection.c - what --case selects. An item is a case as --list prints it
 * (`workload:FIXTURE[.VARIANT].TEST`) or without its workload, optionally followed by the
 * suffixes a result name carries: `@random`, `@sweep`, `@targeted`, `@nth=N`,
 * `@target=FN`, `@target=FN,nth=N` (the strategy of that one run) and `#N` (its
 * repetition, dropped: the case runs once), so the name of any result, as summary.json or
 * a guest-death reproduce line prints it, can be passed back. A strategy suffix replaces
 * the run's strategies (and --nth, --target) and lifts the profile's max_cases, which
 * would otherwise drop an injection run of a later case. Items naming different strategies
 * are a usage error, as is an item that matches no listed case: a selection never silently
 * runs nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "splitfail.h"

/* One strategy suffix (after '@'), applied to o; 0 or -EINVAL with err. */
static int apply_suffix(const char *sfx, struct options *o, char *err, size_t len)
{
	const char *nth = NULL;
	long long v;
	char *end;

	memset(o->strategies, 0, sizeof(o->strategies));
	if (!strcmp(sfx, "random")) {
		o->strategies[STRAT_RANDOM] = 1;
		return 0;
	}
	if (!strcmp(sfx, "sweep")) {
		o->strategies[STRAT_SWEEP] = 1;
		return 0;
	}
	if (!strcmp(sfx, "targeted")) {
		o->strategies[STRAT_TARGETED] = 1;
		return 0;
	}
	if (!strncmp(sfx, "target=", 7)) {
		size_t l = strcspn(sfx + 7, ",");

		if (!l || l >= sizeof(o->targets))
			goto bad;
		snprintf(o->targets, sizeof(o->targets), "%.*s", (int)l, sfx + 7);
		o->strategies[STRAT_TARGETED] = 1;
		if (!sfx[7 + l])
			return 0;
		nth = sfx + 7 + l + 1;
		if (strncmp(nth, "nth=", 4))
			goto bad;
		nth += 4;
	} else if (!strncmp(sfx, "nth=", 4)) {
		o->strategies[STRAT_SWEEP] = 1;
		nth = sfx + 4;
	} else {
		goto bad;
	}
	errno = 0;
	v = strtoll(nth, &end, 10);
	if (errno || end == nth || v < 1 || v > 100000)
		goto bad;
	o->nth = (int)v;
	o->nth_last = 0;
	if (*end == '-') {	/* nth=A-B: a batch (strategy_batch.c) */
		nth = end + 1;
		v = strtoll(nth, &end, 10);
		if (errno || end == nth || v < o->nth || v >= o->nth + SF_BATCH_MAX)
			goto bad;
		o->nth_last = (int)v;
	}
	if (*end)
		goto bad;
	return 0;
bad:
	snprintf(err, len,
		 "--case: unknown strategy suffix '@%s' (want @random, @sweep, @targeted, @nth=N, @nth=A-B, @target=FN, @target=FN,nth=N or @target=FN,nth=A-B)",
		 sfx);
	return -EINVAL;
}

/*
 * Rewrites o->cases into bare case names and applies the one strategy suffix they carry.
 * Returns 0 or -EINVAL after writing the problem to err.
 */
int selection_parse(struct options *o, char *err, size_t len)
{
	char in[sizeof(o->cases)], out[sizeof(o->cases)] = "", suffix[SF_NAME_MAX] = "";
	char item[SF_NAME_MAX * 2];
	char *save = NULL, *tok;

	if (!o->cases[0])
		return 0;
	snprintf(in, sizeof(in), "%s", o->cases);
	for (tok = strtok_r(in, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *at, *hash;

		while (*tok == ' ')
			tok++;
		snprintf(item, sizeof(item), "%s", tok);
		/* "@target=FN,nth=N" was cut at its comma: take the nth part back */
		at = strchr(item, '@');
		if (at && !strncmp(at, "@target=", 8) && save && !strncmp(save, "nth=", 4)) {
			tok = strtok_r(NULL, ",", &save);
			sf_appendf(item, sizeof(item), ",%s", tok);
		}
		item[strcspn(item, " ")] = '\0';
		hash = strchr(item, '#');
		if (hash)
			*hash = '\0';	/* a repetition: the case runs once */
		at = strchr(item, '@');
		if (at) {
			*at++ = '\0';
			if (suffix[0] && strcmp(suffix, at)) {
				snprintf(err, len,
					 "--case: items name different strategies (@%s, @%s): run them one at a time",
					 suffix, at);
				return -EINVAL;
			}
			snprintf(suffix, sizeof(suffix), "%s", at);
		}
		if (!item[0]) {
			snprintf(err, len, "--case: empty case name in '%s'", o->cases);
			return -EINVAL;
		}
		sf_appendf(out, sizeof(out), "%s%s", out[0] ? "," : "", item);
	}
	if (suffix[0] && apply_suffix(suffix, o, err, len))
		return -EINVAL;
	if (suffix[0])
		o->max_cases = 0;	/* the run was named: a profile's max_cases must not drop it */
	snprintf(o->cases, sizeof(o->cases), "%s", out);
	return 0;
}

/* 1 when c is one of the --case items (FIXTURE[.VARIANT].TEST or workload:FIXTURE...). */
int selection_has(const char *list, const struct wl_case *c)
{
	char full[SF_NAME_MAX * 2];

	snprintf(full, sizeof(full), "%s:%s", c->workload, c->name);
	return sf_list_has(list, c->name) || sf_list_has(list, full);
}

/* Every --case item must name a listed case: -EINVAL naming the first that does not. */
int selection_check(const char *list, const struct wl_case *cases, int n, char *err,
		    size_t len)
{
	char copy[1024], *save = NULL, *tok;

	snprintf(copy, sizeof(copy), "%s", list);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int found = 0;

		while (*tok == ' ')
			tok++;
		for (int i = 0; i < n && !found; i++)
			found = selection_has(tok, &cases[i]);
		if (!found) {
			snprintf(err, len,
				 "--case: no test case '%s' in the selected workloads (--list shows them)",
				 tok);
			return -EINVAL;
		}
	}
	return 0;
}
