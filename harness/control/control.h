/* SPDX-License-Identifier: GPL-2.0 */
/*
 * control.h - how splitfail is controlled, safely for automation: the one table of tunables
 * (schema.c) from which the command line (cli.c), the profiles (profile.c, with [knobs] in
 * profile_knobs.c), --help, --print and reproduce lines are made, and the knobs journal
 * (knobs.c) through which every system knob a run changes is saved first and restored on
 * every exit path. Included at the end of splitfail.h.
 */
#ifndef SPLITFAIL_CONTROL_H
#define SPLITFAIL_CONTROL_H

#include <stdio.h>

#include "../splitfail.h"

enum schema_type {
	T_INT,		/* integer within [min, max] */
	T_BOOL,		/* yes/no (y/n, Y/N, 1/0, true/false); --no-NAME on the command line */
	T_FLAG,		/* a bool whose option takes no value: --NAME sets it */
	T_STR,		/* text, shorter than the field */
	T_SIZE,		/* bytes: 256M, 1G, 512k, plain; within [min, max] when max is set */
	T_STRATEGIES,	/* off, random, sweep, targeted */
	T_SHARD,	/* i/n (0-based) or KofN (1-based), stored 0-based */
	T_CHOICE,	/* one word of the row's choices */
	T_CHOICE_INT,	/* one word of the row's choices, stored as its index (an int) */
};

#define SF_REPRODUCE	1	/* the row's value goes into injection runs' reproduce lines */

struct schema_row {
	const char *section, *key;	/* profile [section] key; NULL: command line only */
	const char *option;		/* --option; NULL: the key with '_' as '-' */
	enum schema_type type;
	long long min, max;
	size_t off, size;		/* the field in struct options */
	const char *def;		/* default, as text */
	const char *help;
	int flags;
	const char *choices;		/* T_CHOICE(_INT): the words allowed, comma-separated */
};

/* schema.c */
const struct schema_row *schema_rows(size_t *n);
const struct schema_row *schema_find(const char *section, const char *key);
const struct schema_row *schema_find_option(const char *option);
void schema_option(const struct schema_row *r, char *out, size_t len);
int schema_set(struct options *o, const struct schema_row *r, const char *val, char *err,
	       size_t len);
void schema_value(const struct options *o, const struct schema_row *r, char *out, size_t len);
void schema_defaults(struct options *o);
int schema_print(const struct options *o, const char *what, FILE *f);
void schema_reproduce(const struct options *o, const char *section, char *out, size_t len);
void schema_help(FILE *f);
const char *strategy_name(int s);
int strategies_parse(const char *list, int *flags, char *err, size_t errlen);

/* cli.c */
int cli_parse(int argc, char **argv, struct options *o);
void cli_usage(FILE *f);

/* profile.c */
int profile_load(const char *path, struct options *o, char *err, size_t errlen);
int profile_resolve(const char *name_or_path, const char *top, char *out, size_t len);

/* profile_knobs.c: the profile's [knobs] lines, written through knob_set() */
int profile_knobs_apply(const struct options *o, const char *root, FILE *json);

/* knobs.c: save, set, restore, journal, lock */
int knobs_init(const char *state_dir);
int knobs_lock(void);
int knobs_recover(void);
int knob_save(const char *path);
int knob_set(const char *path, const char *value);
int knob_note_mount(const char *mountpoint);
int knob_note(char kind, const char *path, const char *val);
int knobs_restore(void);
void knobs_unlock(void);

#endif /* SPLITFAIL_CONTROL_H */
