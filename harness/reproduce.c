// SPDX-License-Identifier: GPL-2.0
/*
 * reproduce.c - the command line that gives a result's verdict again (docs/protocol.md,
 * "Reproduce lines"). A run names its one result in --case with the result's own suffix
 * (`W:C@random`, `@nth=N`, `@target=F[,nth=N]`; selection.c), which selects that strategy
 * alone and lifts the profile's max_cases: a reproduce line never selects nothing. On the
 * host it is this harness's own command line; in a guest run.sh gives the run's command
 * for the same kernel and profile (--reproduce-via) and the line is `VIA --seed S --
 * HARNESS-OPTIONS`, which boots that kernel again.
 */
#include <string.h>

#include "splitfail.h"

/* " VALUE", shell-quoted where it needs it. */
static void arg(char *out, size_t len, const char *value)
{
	char *argv[] = { (char *)value, NULL };

	wrap_quote_argv(argv, out, len);
}

static void opt(char *out, size_t len, const char *name, const char *value)
{
	sf_appendf(out, len, " %s", name);
	arg(out, len, value);
}

/* The harness options that select this one run and give it the run's conditions. */
static void harness_part(const struct suite *s, const struct wl_case *c, const char *name,
			 const struct repro_run *r, char *out, size_t len)
{
	const struct options *o = s->o;
	char sel[SF_NAME_MAX * 2], top[SF_PATH_MAX], def[SF_PATH_MAX + 32];
	int via = o->reproduce_via[0] != '\0';

	if (c->argv) {	/* a wrapped program has one case and no result-name selection */
		sf_appendf(out, len, " --strategy %s", strategy_name(r->strategy));
		if (r->target)
			opt(out, len, "--target", r->target);
		if (r->nth)
			sf_appendf(out, len, " --nth %d", r->nth);
	} else {
		snprintf(sel, sizeof(sel), "%.*s", (int)strcspn(name, "#"), name);
		opt(out, len, "--only", c->workload);
		opt(out, len, "--case", sel);
		if (r->strategy == STRAT_OFF)
			sf_appendf(out, len, " --strategy off");
	}
	if (!via)
		sf_appendf(out, len, " --seed %llu", o->seed);
	sf_appendf(out, len, " --timeout %d", o->timeout_s);
	if (!o->fork_server && !c->argv)	/* fail-nth counts the exec'd process's own */
		sf_appendf(out, len, " --fork-server no");
	sf_top_dir(top, sizeof(top));
	snprintf(def, sizeof(def), "%s/build/workloads", top);
	if (!c->argv && o->workload_dir[0] && (!via || strcmp(o->workload_dir, def)))
		opt(out, len, "--workload-dir", o->workload_dir);
	if (o->root[0])
		opt(out, len, "--root", o->root);
	if (!via && o->profile_path[0])
		opt(out, len, "--profile", o->profile_path);	/* the run's conditions */
	if (r->strategy != STRAT_OFF)
		schema_reproduce(o, "fault", out, len);	/* the fault attributes, from the table */
	if (c->argv) {
		sf_appendf(out, len, " --wrap --");
		wrap_quote_argv(c->argv, out, len);
	}
}

void make_reproduce(const struct suite *s, const struct wl_case *c, const char *name,
		    const struct repro_run *r, char *out, size_t len)
{
	const struct options *o = s->o;

	if (o->reproduce_via[0])
		snprintf(out, len, "%s --seed %llu --", o->reproduce_via, o->seed);
	else
		snprintf(out, len, "%s", s->self);
	harness_part(s, c, name, r, out, len);
}
