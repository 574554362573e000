// SPDX-License-Identifier: GPL-2.0
/*
 * profile.c - defaults and the INI-like profile files of configs/: `[section]`,
 * `key = value`, `#` comments. Every key is typed and range-checked; a malformed line, an
 * unknown section or key, or a bad value is an error naming file, line and problem.
 * [vm] belongs to the runner (run.sh): its keys are only syntax-checked here.
 * [knobs] holds `path = value` lines: sysctl or sysfs files (under /proc/sys or /sys only)
 * that main.c writes through knobs.c, so they are saved first and restored like the fault
 * attributes. [pressure] describes background stress-ng load and a memory cgroup.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "splitfail.h"

void profile_defaults(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->strategies[STRAT_OFF] = 1;
	o->seed = 1;
	o->repeat = 1;
	o->timeout_s = 120;
	o->shard_i = 0;
	o->shard_n = 1;
	o->sweep_cap = 64;
	o->progress = 1;
	snprintf(o->attrs, sizeof(o->attrs), "failslab,fail_page_alloc");
	o->fp = (struct fault_params){
		.probability = 100, .interval = 1, .times = 4, .space = 0, .verbose = 0,
		.min_order = 0, .ignore_gfp_wait = 0, .ignore_gfp_highmem = 0,
		.sweep_times = 1000,
	};
	o->lp = (struct leak_params){
		.settle_ms = 2000, .pgtable_pages = 64, .anon_thps = 2, .anon_pages = 8192,
		.growth_runs = 3, .mode = "auto", .exact_pgtable_pages = 0, .exact_anon_thps = 0,
		.exact_anon_pages = 0, .trend_runs = 4, .page_owner = 1,
	};
	o->pp.stress_seconds = 3600;
	o->kmemleak_age_ms = 5000;	/* kmemleak's MSECS_MIN_AGE */
}

/* Parse an integer within [min, max]; 0 or -EINVAL. */
static int parse_ll(const char *s, long long min, long long max, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 0);
	if (errno || end == s || *end || *v < min || *v > max)
		return -EINVAL;
	return 0;
}

static int parse_bool(const char *s, long long *v)
{
	if (!strcmp(s, "Y") || !strcmp(s, "y") || !strcmp(s, "yes") || !strcmp(s, "1") ||
	    !strcmp(s, "true")) {
		*v = 1;
		return 0;
	}
	if (!strcmp(s, "N") || !strcmp(s, "n") || !strcmp(s, "no") || !strcmp(s, "0") ||
	    !strcmp(s, "false")) {
		*v = 0;
		return 0;
	}
	return -EINVAL;
}

struct key_rule {
	const char *section, *key;
	long long min, max;
	int kind;		/* 0 integer, 1 bool, 2 string, 3 strategies, 4 size,
				 * 5 known_issues (allow|fail, known_cli.c),
				 * 6 leak mode (auto|exact|busy, leak_mode.c) */
	size_t off;		/* offsetof into struct options */
	size_t size;		/* sizeof the field */
};

#define INT_KEY(s, k, lo, hi, f) { s, k, lo, hi, 0, offsetof(struct options, f), \
				   sizeof(((struct options *)0)->f) }
#define BOOL_KEY(s, k, f) { s, k, 0, 1, 1, offsetof(struct options, f), \
			    sizeof(((struct options *)0)->f) }
#define STR_KEY(s, k, f) { s, k, 0, 0, 2, offsetof(struct options, f), \
			   sizeof(((struct options *)0)->f) }
#define SIZE_KEY(s, k, f) { s, k, 0, 0, 4, offsetof(struct options, f), \
			    sizeof(((struct options *)0)->f) }

static const struct key_rule rules[] = {
	{ "run", "strategies", 0, 0, 3, 0, 0 },
	INT_KEY("run", "seed", 0, LLONG_MAX, seed),
	INT_KEY("run", "repeat", 1, 100000, repeat),
	INT_KEY("run", "timeout", 1, 86400, timeout_s),
	INT_KEY("run", "sweep_cap", 1, 100000, sweep_cap),
	INT_KEY("run", "max_cases", 0, 100000, max_cases),
	BOOL_KEY("run", "strict", strict),
	{ "run", "known_issues", 0, 1, 5, offsetof(struct options, known_fail),
	  sizeof(((struct options *)0)->known_fail) },
	STR_KEY("run", "known_issues_file", known_file),
	BOOL_KEY("run", "targeted_sweep", targeted_sweep),
	STR_KEY("run", "only", only),
	STR_KEY("run", "cases", cases),
	STR_KEY("run", "workload_dir", workload_dir),
	STR_KEY("fault", "attrs", attrs),
	STR_KEY("fault", "targets", targets),
	INT_KEY("fault", "probability", 0, 100, fp.probability),
	INT_KEY("fault", "interval", 1, INT_MAX, fp.interval),
	INT_KEY("fault", "times", -1, INT_MAX, fp.times),
	INT_KEY("fault", "space", 0, INT_MAX, fp.space),
	INT_KEY("fault", "verbose", 0, 2, fp.verbose),
	INT_KEY("fault", "min_order", 0, 10, fp.min_order),
	BOOL_KEY("fault", "ignore_gfp_wait", fp.ignore_gfp_wait),
	BOOL_KEY("fault", "ignore_gfp_highmem", fp.ignore_gfp_highmem),
	INT_KEY("fault", "sweep_times", 1, INT_MAX, fp.sweep_times),
	INT_KEY("leak", "settle_ms", 0, 600000, lp.settle_ms),
	INT_KEY("leak", "pgtable_pages", 0, LLONG_MAX, lp.pgtable_pages),
	INT_KEY("leak", "anon_thps", 0, LLONG_MAX, lp.anon_thps),
	INT_KEY("leak", "anon_pages", 0, LLONG_MAX, lp.anon_pages),
	INT_KEY("leak", "growth_runs", 1, 1000, lp.growth_runs),
	{ "leak", "mode", 0, 0, 6, offsetof(struct options, lp.mode),
	  sizeof(((struct options *)0)->lp.mode) },
	INT_KEY("leak", "exact_pgtable_pages", 0, LLONG_MAX, lp.exact_pgtable_pages),
	INT_KEY("leak", "exact_anon_thps", 0, LLONG_MAX, lp.exact_anon_thps),
	INT_KEY("leak", "exact_anon_pages", 0, LLONG_MAX, lp.exact_anon_pages),
	INT_KEY("leak", "trend_runs", 0, LEAK_TREND_MAX, lp.trend_runs),
	BOOL_KEY("leak", "page_owner", lp.page_owner),
	BOOL_KEY("leak", "kmemleak", kmemleak),
	INT_KEY("leak", "kmemleak_age_ms", 0, 600000, kmemleak_age_ms),
	STR_KEY("pressure", "stress_ng", pp.stress_ng),
	INT_KEY("pressure", "stress_seconds", 1, 86400, pp.stress_seconds),
	SIZE_KEY("pressure", "memcg_max", pp.memcg_max),
	SIZE_KEY("pressure", "memcg_high", pp.memcg_high),
	SIZE_KEY("pressure", "memcg_fill", pp.memcg_fill),
};

/* "256M", "1G", "4096", "512k": bytes; 0 or -EINVAL. */
static int parse_size(const char *s, long long *v)
{
	long long mult = 1;
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	if (errno || end == s || *v <= 0)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': mult = 1LL << 10; end++; break;
	case 'm': case 'M': mult = 1LL << 20; end++; break;
	case 'g': case 'G': mult = 1LL << 30; end++; break;
	}
	if (*end || *v > LLONG_MAX / mult)
		return -EINVAL;
	*v *= mult;
	return 0;
}

/* A [knobs] path: absolute, under /proc/sys/ or /sys/, no "..", ".", or empty component. */
static int knob_path_check(const char *path, char *err, size_t errlen)
{
	const char *p;

	if (strncmp(path, "/proc/sys/", 10) && strncmp(path, "/sys/", 5)) {
		snprintf(err, errlen, "knob '%s': only paths under /proc/sys/ or /sys/ may be set",
			 path);
		return -EINVAL;
	}
	for (p = path + 1; p; p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL) {
		size_t l = strcspn(p, "/");

		if (!l || (l == 1 && p[0] == '.') || (l == 2 && !strncmp(p, "..", 2))) {
			snprintf(err, errlen, "knob '%s': empty, '.' or '..' path component", path);
			return -EINVAL;
		}
	}
	if (strpbrk(path, " \t")) {
		snprintf(err, errlen, "knob '%s': white space in path", path);
		return -EINVAL;
	}
	return 0;
}

static int add_knob(struct options *o, const char *path, const char *val, const char *where,
		    char *err, size_t errlen)
{
	struct knob_setting *k;

	if (knob_path_check(path, err, errlen))
		return -EINVAL;
	if (o->n_knobs == SF_MAX_KNOBS) {
		snprintf(err, errlen, "more than %d knobs", SF_MAX_KNOBS);
		return -EINVAL;
	}
	if (strlen(path) >= sizeof(k->path) || strlen(val) >= sizeof(k->value)) {
		snprintf(err, errlen, "knob '%s': path or value too long", path);
		return -EINVAL;
	}
	for (int i = 0; i < o->n_knobs; i++)
		if (!strcmp(o->knobs[i].path, path)) {
			snprintf(err, errlen, "knob '%s' set twice (first at %s)", path,
				 o->knobs[i].where);
			return -EINVAL;
		}
	k = &o->knobs[o->n_knobs++];
	snprintf(k->path, sizeof(k->path), "%s", path);
	snprintf(k->value, sizeof(k->value), "%s", val);
	snprintf(k->where, sizeof(k->where), "%s", where);
	return 0;
}

static void store_int(void *field, size_t size, long long v)
{
	if (size == sizeof(int))
		*(int *)field = (int)v;
	else
		*(long long *)field = v;
}

static int apply_key(struct options *o, const char *section, const char *key, const char *val,
		     const char *where, char *err, size_t errlen)
{
	if (!strcmp(section, "vm"))
		return 0;	/* the runner's keys (memory, timeout, ...) */
	if (!strcmp(section, "knobs"))
		return add_knob(o, key, val, where, err, errlen);
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct key_rule *r = &rules[i];
		void *field = (char *)o + r->off;
		long long v;

		if (strcmp(r->section, section) || strcmp(r->key, key))
			continue;
		switch (r->kind) {
		case 0:
			if (parse_ll(val, r->min, r->max, &v)) {
				snprintf(err, errlen, "%s: bad value '%s' (want an integer %lld..%lld)",
					 key, val, r->min, r->max);
				return -EINVAL;
			}
			store_int(field, r->size, v);
			return 0;
		case 1:
			if (parse_bool(val, &v)) {
				snprintf(err, errlen, "%s: bad value '%s' (want yes or no)", key, val);
				return -EINVAL;
			}
			store_int(field, r->size, v);
			return 0;
		case 2:
			if (strlen(val) >= r->size) {
				snprintf(err, errlen, "%s: value too long", key);
				return -EINVAL;
			}
			snprintf(field, r->size, "%s", val);
			return 0;
		case 4:
			if (parse_size(val, &v)) {
				snprintf(err, errlen, "%s: bad value '%s' (want a size: 256M, 1G, bytes)",
					 key, val);
				return -EINVAL;
			}
			store_int(field, r->size, v);
			return 0;
		case 5:
			if (known_mode_parse(val, &v)) {
				snprintf(err, errlen, "%s: bad value '%s' (want allow or fail)", key,
					 val);
				return -EINVAL;
			}
			store_int(field, r->size, v);
			return 0;
		case 6:
			if (leak_mode_parse(val)) {
				snprintf(err, errlen, "%s: bad value '%s' (want auto, exact or busy)",
					 key, val);
				return -EINVAL;
			}
			snprintf(field, r->size, "%s", val);
			return 0;
		default:
			return strategies_parse(val, o->strategies, err, errlen);
		}
	}
	snprintf(err, errlen, "unknown key '%s' in section [%s]", key, section);
	return -EINVAL;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && strchr(" \t\r\n", e[-1]))
		*--e = '\0';
	return s;
}

int profile_load(const char *path, struct options *o, char *err, size_t errlen)
{
	char line[2048], section[64] = "", msg[512], where[SF_PATH_MAX + 16];
	FILE *f = fopen(path, "re");
	int lineno = 0;

	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = trim(line), *eq, *key, *val;

		lineno++;
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');

			if (!close || close[1] || close == s + 1) {
				snprintf(msg, sizeof(msg), "malformed section header '%s'", s);
				goto bad;
			}
			*close = '\0';
			snprintf(section, sizeof(section), "%s", s + 1);
			if (strcmp(section, "run") && strcmp(section, "fault") &&
			    strcmp(section, "leak") && strcmp(section, "vm") &&
			    strcmp(section, "knobs") && strcmp(section, "pressure")) {
				snprintf(msg, sizeof(msg),
					 "unknown section [%s] (want run, fault, leak, knobs, pressure, vm)",
					 section);
				goto bad;
			}
			continue;
		}
		eq = strchr(s, '=');
		if (!eq) {
			snprintf(msg, sizeof(msg), "expected 'key = value', got '%s'", s);
			goto bad;
		}
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
		if (!*key || !*val) {
			snprintf(msg, sizeof(msg), "empty key or value");
			goto bad;
		}
		if (!section[0]) {
			snprintf(msg, sizeof(msg), "key '%s' outside any [section]", key);
			goto bad;
		}
		snprintf(where, sizeof(where), "%s:%d", path, lineno);
		if (apply_key(o, section, key, val, where, msg, sizeof(msg)))
			goto bad;
	}
	fclose(f);
	if (pressure_check(&o->pp, msg, sizeof(msg))) {
		snprintf(err, errlen, "%s: %s", path, msg);
		return -EINVAL;
	}
	return 0;
bad:
	snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
	fclose(f);
	return -EINVAL;
}

/* NAME -> <top>/configs/NAME.ini; anything with a '/' or ".ini" is a path. */
int profile_resolve(const char *name_or_path, const char *top, char *out, size_t len)
{
	size_t l = strlen(name_or_path);

	if (strchr(name_or_path, '/') || (l > 4 && !strcmp(name_or_path + l - 4, ".ini")))
		snprintf(out, len, "%s", name_or_path);
	else
		snprintf(out, len, "%s/configs/%s.ini", top, name_or_path);
	return access(out, R_OK) ? -errno : 0;
}
