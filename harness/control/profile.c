// SPDX-License-Identifier: GPL-2.0
/*
 * profile.c - the INI-like profile files of configs/: `[section]`, `key = value`, `#` or `;`
 * comments, and `include = NAME|FILE` before the first section (a profile built on another
 * one: beside the including file, else configs/NAME.ini; its keys come first and the
 * including file overrides them). Every key of run, fault, leak, pressure and vm is a
 * row of the tunables table (schema.c): typed and range-checked like its option. [knobs]
 * holds `path = value` lines: sysctl or sysfs files (under /proc/sys or /sys only) that
 * profile_knobs.c writes through knobs.c. A file that is not a regular text file, a line of
 * any length that does not parse, an unknown section or key or a bad value is an error
 * naming file, line and problem.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "control.h"

#define INCLUDE_DEPTH	8

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
	if (strlen(path) >= sizeof(k->path) || strlen(val) >= sizeof(k->value)) {
		snprintf(err, errlen, "knob '%.64s': path or value too long", path);
		return -EINVAL;
	}
	for (int i = 0; i < o->n_knobs; i++)
		if (!strcmp(o->knobs[i].path, path)) {
			/* an including profile overrides its base; one file may not repeat */
			if (strncmp(o->knobs[i].where, where, strcspn(where, ":") + 1)) {
				snprintf(o->knobs[i].value, sizeof(k->value), "%s", val);
				snprintf(o->knobs[i].where, sizeof(k->where), "%s", where);
				return 0;
			}
			snprintf(err, errlen, "knob '%s' set twice (first at %s)", path,
				 o->knobs[i].where);
			return -EINVAL;
		}
	if (o->n_knobs == SF_MAX_KNOBS) {
		snprintf(err, errlen, "more than %d knobs", SF_MAX_KNOBS);
		return -EINVAL;
	}
	k = &o->knobs[o->n_knobs++];
	snprintf(k->path, sizeof(k->path), "%s", path);
	snprintf(k->value, sizeof(k->value), "%s", val);
	snprintf(k->where, sizeof(k->where), "%s", where);
	return 0;
}

static int apply_key(struct options *o, const char *section, const char *key, const char *val,
		     const char *where, char *err, size_t errlen)
{
	const struct schema_row *r;
	char msg[512];

	if (!strcmp(section, "knobs"))
		return add_knob(o, key, val, where, err, errlen);
	r = schema_find(section, key);
	if (!r) {
		snprintf(err, errlen, "unknown key '%s' in section [%s]", key, section);
		return -EINVAL;
	}
	if (schema_set(o, r, val, msg, sizeof(msg))) {
		snprintf(err, errlen, "%s: %s", key, msg);
		return -EINVAL;
	}
	return 0;
}

static int known_section(const char *s)
{
	size_t n;
	const struct schema_row *rows = schema_rows(&n);

	if (!strcmp(s, "knobs"))
		return 1;
	for (size_t i = 0; i < n; i++)
		if (rows[i].section && !strcmp(rows[i].section, s))
			return 1;
	return 0;
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

static int load(const char *path, struct options *o, int depth, char *err, size_t errlen);

/*
 * include = NAME|FILE: a path relative to the including file's folder (".ini" added to a bare
 * NAME), else, for a bare NAME, configs/NAME.ini of this clone.
 */
static int include(const char *path, const char *name, struct options *o, int depth,
		   char *msg, size_t len)
{
	char dir[SF_PATH_MAX], top[SF_PATH_MAX], target[SF_PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t l;

	if (depth >= INCLUDE_DEPTH) {
		snprintf(msg, len, "include '%s': more than %d levels (a loop?)", name,
			 INCLUDE_DEPTH);
		return -EINVAL;
	}
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	if (name[0] == '/') {
		snprintf(target, sizeof(target), "%s", name);
	} else {
		l = strlen(name);
		snprintf(target, sizeof(target), "%s/%s%s", dir, name,
			 strchr(name, '/') || (l > 4 && !strcmp(name + l - 4, ".ini")) ? "" : ".ini");
		if (!strchr(name, '/') && access(target, F_OK)) {
			sf_top_dir(top, sizeof(top));
			snprintf(target, sizeof(target), "%s/configs/%.*s.ini", top,
				 (int)(l > 4 && !strcmp(name + l - 4, ".ini") ? l - 4 : l), name);
		}
	}
	return load(target, o, depth + 1, msg, len);
}

/* The whole file, checked to be a regular text file; NULL with err. */
static char *read_text(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	struct stat st;
	char *text;
	size_t n;

	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode) || st.st_size > (16 << 20)) {
		snprintf(err, errlen, "%s: not a profile: %s", path,
			 S_ISDIR(st.st_mode) ? "a directory" : !S_ISREG(st.st_mode) ?
			 "not a regular file" : "larger than 16 MiB");
		fclose(f);
		return NULL;
	}
	text = malloc((size_t)st.st_size + 1);
	n = text ? fread(text, 1, (size_t)st.st_size, f) : 0;
	fclose(f);
	if (!text || n != (size_t)st.st_size) {
		snprintf(err, errlen, "%s: cannot read", path);
		free(text);
		return NULL;
	}
	text[n] = '\0';
	for (size_t i = 0, line = 1; i < n; i++) {
		if (!text[i]) {
			snprintf(err, errlen, "%s:%zu: not a text file (NUL byte)", path, line);
			free(text);
			return NULL;
		}
		line += text[i] == '\n';
	}
	return text;
}

static int load(const char *path, struct options *o, int depth, char *err, size_t errlen)
{
	char section[64] = "", msg[1024], where[SF_PATH_MAX + 16];
	char *text = read_text(path, err, errlen), *next, *line;
	int lineno = 0, ret = 0;

	if (!text)
		return -EINVAL;
	for (line = text; line && !ret; line = next) {
		char *s, *eq, *key, *val;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');

			if (!close || close[1] || close == s + 1) {
				snprintf(msg, sizeof(msg), "malformed section header '%.64s'", s);
				ret = -EINVAL;
				break;
			}
			*close = '\0';
			snprintf(section, sizeof(section), "%.63s", s + 1);
			if (!known_section(section)) {
				snprintf(msg, sizeof(msg),
					 "unknown section [%s] (want run, fault, leak, knobs, pressure, vm)",
					 section);
				ret = -EINVAL;
			}
			continue;
		}
		eq = strchr(s, '=');
		if (!eq) {
			snprintf(msg, sizeof(msg), "expected 'key = value', got '%.64s'", s);
			ret = -EINVAL;
			break;
		}
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
		if (!*key || !*val) {
			snprintf(msg, sizeof(msg), "empty key or value");
			ret = -EINVAL;
		} else if (!section[0] && !strcmp(key, "include")) {
			ret = include(path, val, o, depth, msg, sizeof(msg));
			if (ret) {
				snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
				free(text);
				return ret;
			}
		} else if (!section[0]) {
			snprintf(msg, sizeof(msg), "key '%.64s' outside any [section]", key);
			ret = -EINVAL;
		} else {
			snprintf(where, sizeof(where), "%s:%d", path, lineno);
			ret = apply_key(o, section, key, val, where, msg, sizeof(msg));
		}
	}
	free(text);
	if (ret)
		snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
	return ret;
}

int profile_load(const char *path, struct options *o, char *err, size_t errlen)
{
	return load(path, o, 0, err, errlen) ? -EINVAL : 0;
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
