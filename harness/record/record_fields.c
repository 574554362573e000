// SPDX-License-Identifier: GPL-2.0
/*
 * record_fields.c - the member tables of record.jsonl's "run", "result" and "time_limit"
 * lines and the generic write, read, copy and free over them (record_fields.h).
 * docs/protocol.md ("The run record") names the same members.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../splitfail.h"
#include "record.h"
#include "record_fields.h"

#define RUN(key, kind, m) \
	{ key, kind, offsetof(struct rec_run, m), sizeof(((struct rec_run *)0)->m) }
#define RES(key, kind, m) \
	{ key, kind, offsetof(struct rec_result, m), sizeof(((struct rec_result *)0)->m) }
#define LIM(key, kind, m) \
	{ key, kind, offsetof(struct rec_limit, m), sizeof(((struct rec_limit *)0)->m) }

const struct field run_fields[] = {
	RUN("format", F_INT, format),
	RUN("kernel", F_STR, kernel),
	RUN("profile", F_STR, profile),
	RUN("seed", F_ULL, seed),
	RUN("strategy", F_STR, strategies),
	RUN("strict", F_BOOL, strict),
	RUN("known_issues", F_KNOWN, known_fail),
	RUN("started", F_STR, started),
	RUN("host", F_STR, host),
	RUN("arch", F_STR, arch),
	RUN("accel", F_STR, accel),
	RUN("shard", F_STR, shard),
	RUN("kernel_path", F_STR, kernel_path),
	RUN("kernel_key", F_STR, kernel_key),
	RUN("kernel_commit", F_STR, kernel_commit),
	RUN("config_hash", F_STR, config_hash),
	RUN("splitfail_commit", F_STR, splitfail_commit),
	RUN("reproduce_via", F_STR, reproduce_via),
	{ NULL, F_INT, 0, 0 }
};

const struct field result_fields[] = {
	RES("name", F_STR, name),
	RES("workload", F_STR, workload),
	RES("case", F_STR, case_name),
	RES("verdict", F_VERDICT, verdict),
	RES("strategy", F_CHARS, strategy),
	RES("nth", F_INT, nth),
	RES("target", F_STR, target),
	RES("rep", F_INT, rep),
	RES("boot", F_INT, boot),
	RES("faults_injected", F_LL, faults_injected),
	RES("consumed", F_INT, consumed),
	RES("seconds", F_DBL, seconds),
	RES("start_time", F_CHARS, start_time),
	RES("window", F_STR, window),
	RES("evidence", F_STR, evidence),
	RES("reproduce", F_STR, reproduce),
	RES("known", F_STR, known),
	RES("log", F_STR, log),
	RES("vmstat_delta", F_RAW, vmstat_delta),
	RES("guest", F_STR, guest),
	{ NULL, F_INT, 0, 0 }
};

const struct field limit_fields[] = {
	LIM("name", F_STR, name),
	LIM("boot", F_INT, boot),
	LIM("start_time", F_CHARS, start_time),
	LIM("evidence", F_STR, evidence),
	{ NULL, F_INT, 0, 0 }
};

/* The member fd describes, inside obj. */
static void *field_at(const void *obj, const struct field *fd)
{
	return (char *)obj + fd->off;
}

#define AT(obj, fd, type) ((type *)field_at(obj, fd))

void fields_write(FILE *f, const struct field *t, const void *obj)
{
	for (; t->key; t++) {
		char *o = (char *)obj;
		const char *s;

		fprintf(f, ", \"%s\": ", t->key);
		switch (t->kind) {
		case F_STR:
			s = *AT(o, t, char *);
			text_json(f, s ? s : "");
			break;
		case F_RAW:
			s = *AT(o, t, char *);
			fputs(s && s[0] ? s : "{}", f);
			break;
		case F_CHARS:
			text_json(f, AT(o, t, char));
			break;
		case F_INT:
			fprintf(f, "%d", *AT(o, t, int));
			break;
		case F_LL:
			fprintf(f, "%lld", *AT(o, t, long long));
			break;
		case F_ULL:
			fprintf(f, "%llu", *AT(o, t, unsigned long long));
			break;
		case F_DBL:
			fprintf(f, "%.3f", *AT(o, t, double));
			break;
		case F_BOOL:
			fputs(*AT(o, t, int) ? "true" : "false", f);
			break;
		case F_VERDICT:
			fprintf(f, "\"%s\"", verdict_name(*AT(o, t, int)));
			break;
		case F_KNOWN:
			fputs(*AT(o, t, int) ? "\"fail\"" : "\"allow\"", f);
			break;
		}
	}
}

static int verdict_of(const char *name)
{
	for (int v = 0; v < V_COUNT; v++)
		if (!strcmp(verdict_name(v), name))
			return v;
	return V_ERROR;	/* a verdict this harness does not know: not a pass */
}

int fields_set(const struct field *t, void *obj, const char *key, const struct json_value *v)
{
	const char *s = v->str ? v->str : "";
	char **sp;

	while (t->key && strcmp(t->key, key))
		t++;
	if (!t->key)
		return 0;
	switch (t->kind) {
	case F_STR:
	case F_RAW:
		sp = AT(obj, t, char *);
		free(*sp);
		*sp = t->kind == F_RAW ? strndup(v->raw, v->raw_len) : strdup(s);
		return *sp ? 0 : -ENOMEM;
	case F_CHARS:
		snprintf(AT(obj, t, char), t->size, "%s", s);
		break;
	case F_INT:
		*AT(obj, t, int) = (int)strtol(v->raw, NULL, 10);
		break;
	case F_LL:
		*AT(obj, t, long long) = strtoll(v->raw, NULL, 10);
		break;
	case F_ULL:
		*AT(obj, t, unsigned long long) = strtoull(v->raw, NULL, 10);
		break;
	case F_DBL:
		*AT(obj, t, double) = v->num;
		break;
	case F_BOOL:
		*AT(obj, t, int) = v->boolean;
		break;
	case F_VERDICT:
		*AT(obj, t, int) = verdict_of(s);
		break;
	case F_KNOWN:
		*AT(obj, t, int) = !strcmp(s, "fail");
		break;
	}
	return 0;
}

int fields_fill(const struct field *t, void *obj)
{
	for (; t->key; t++) {
		char **sp = AT(obj, t, char *);

		if ((t->kind != F_STR && t->kind != F_RAW) || *sp)
			continue;
		*sp = strdup(t->kind == F_RAW ? "{}" : "");
		if (!*sp)
			return -ENOMEM;
	}
	return 0;
}

int fields_copy(const struct field *table, void *dst, const void *src, size_t size)
{
	memcpy(dst, src, size);
	for (const struct field *p = table; p->key; p++)
		if (p->kind == F_STR || p->kind == F_RAW)
			*AT(dst, p, char *) = NULL;
	for (const struct field *t = table; t->key; t++) {
		const char *s;

		if (t->kind != F_STR && t->kind != F_RAW)
			continue;
		s = *AT(src, t, const char *const);
		if (s && !(*AT(dst, t, char *) = strdup(s)))
			return -ENOMEM;
	}
	return fields_fill(table, dst);
}

void fields_free(const struct field *t, void *obj)
{
	for (; t->key; t++) {
		if (t->kind == F_STR || t->kind == F_RAW) {
			free(*AT(obj, t, char *));
			*AT(obj, t, char *) = NULL;
		}
	}
}
