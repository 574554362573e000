// SPDX-License-Identifier: GPL-2.0
/*
 * record_load.c - record.jsonl read back into a struct rec_run (record.h): line by line, a
 * torn last line (no newline: a guest died mid-write), a line that is not one JSON object, a
 * line type or a member this reader does not know are all ignored. Only the first "run" line
 * sets the run's conditions; "boot" lines number the results of folded guests; a "time_limit"
 * line leaves its test running (undecided) but marks it as one no guest is running now.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../splitfail.h"
#include "json_read.h"
#include "record.h"
#include "record_fields.h"

struct load_ctx {
	struct rec_run *run;
	char type[16];
	struct rec_result r;	/* a result line */
	struct rec_limit l;	/* a time_limit line */
	char *name, *key, *value, *ended_by;
	int finished, boot;
	int have_hdr, cur_boot;
};

static int keep_str(char **dst, const struct json_value *v, int raw)
{
	free(*dst);
	*dst = raw ? strndup(v->raw, v->raw_len) : strdup(v->str ? v->str : "");
	return *dst ? 0 : -ENOMEM;
}

static int type_member(void *ctx, const char *key, const struct json_value *v)
{
	struct load_ctx *c = ctx;

	if (!strcmp(key, "type") && v->str)
		snprintf(c->type, sizeof(c->type), "%s", v->str);
	return 0;
}

static int line_member(void *ctx, const char *key, const struct json_value *v)
{
	struct load_ctx *c = ctx;

	if (!strcmp(c->type, "run"))
		return c->have_hdr ? 0 : fields_set(run_fields, c->run, key, v);
	if (!strcmp(c->type, "result"))
		return fields_set(result_fields, &c->r, key, v);
	if (!strcmp(c->type, "time_limit"))
		return fields_set(limit_fields, &c->l, key, v);
	if (!strcmp(key, "name") || !strcmp(key, "key"))
		return keep_str(!strcmp(key, "name") ? &c->name : &c->key, v, 0);
	if (!strcmp(key, "value"))
		return keep_str(&c->value, v, v->kind != JSON_STRING);
	if (!strcmp(key, "ended_by"))
		return keep_str(&c->ended_by, v, 0);
	if (!strcmp(key, "finished"))
		c->finished = v->boolean;
	if (!strcmp(key, "boot"))
		c->boot = (int)v->num;
	return 0;
}

static int set_str(char **dst, const char *s)
{
	char *copy = strdup(s ? s : "");

	if (!copy)
		return -ENOMEM;
	free(*dst);
	*dst = copy;
	return 0;
}

/* A time_limit line: kept (deep copy); its test, when running, has no guest running it now. */
static int add_limit(struct rec_run *run, struct rec_limit *l)
{
	struct rec_limit *grown;

	if (!l->name || !l->name[0])
		return 0;
	grown = realloc(run->limits, (run->n_limits + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	run->limits = grown;
	if (fields_copy(limit_fields, &run->limits[run->n_limits], l, sizeof(*l))) {
		fields_free(limit_fields, &run->limits[run->n_limits]);
		return -ENOMEM;
	}
	run->n_limits++;
	if (!strcmp(run->running, l->name))
		run->running_limited = 1;
	return 0;
}

/* Apply one parsed line to the run. */
static int apply_line(struct load_ctx *c)
{
	struct rec_run *run = c->run;
	int ret = 0;

	if (!strcmp(c->type, "run")) {
		c->have_hdr = 1;
	} else if (!strcmp(c->type, "start")) {
		ret = set_str(&run->running, c->name);
		run->running_limited = 0;
	} else if (!strcmp(c->type, "time_limit")) {
		ret = add_limit(run, &c->l);
	} else if (!strcmp(c->type, "result") && c->r.name && c->r.name[0]) {
		if (!strcmp(run->running, c->r.name)) {
			ret = set_str(&run->running, "");
			run->running_limited = 0;
		}
		ret = ret ? ret : record_add_result(run, &c->r);
	} else if (!strcmp(c->type, "extra") && c->key && c->value) {
		ret = record_set_extra(run, c->key, c->value);
	} else if (!strcmp(c->type, "boot") && c->boot > 0) {
		c->cur_boot = c->boot;	/* a fresh guest: its own end line decides */
		run->boots = c->boot > run->boots ? c->boot : run->boots;
		run->ended = run->finished = 0;
		ret = set_str(&run->ended_by, "");
	} else if (!strcmp(c->type, "end")) {
		run->ended = 1;
		run->finished = c->finished;
		ret = set_str(&run->ended_by, c->finished ? "" : c->ended_by);
	}
	return ret;
}

static int load_line(struct load_ctx *c, const char *line, size_t len)
{
	int ret;

	memset(c->type, 0, sizeof(c->type));
	memset(&c->r, 0, sizeof(c->r));
	memset(&c->l, 0, sizeof(c->l));
	c->r.boot = c->cur_boot;
	c->finished = c->boot = 0;
	if (json_object_each(line, len, type_member, c))
		return 0;	/* not a line of ours: a torn last line, or damage */
	ret = json_object_each(line, len, line_member, c);
	if (c->cur_boot > 1)
		c->r.boot = c->cur_boot;	/* its guest wrote 1: it does not know its number */
	if (!ret)
		ret = apply_line(c);
	fields_free(result_fields, &c->r);
	fields_free(limit_fields, &c->l);
	free(c->name);
	free(c->key);
	free(c->value);
	free(c->ended_by);
	c->name = c->key = c->value = c->ended_by = NULL;
	return ret == -EINVAL ? 0 : ret;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0, n;

	*len = 0;
	if (!f)
		return NULL;
	do {
		char *grown = cap - *len < 4096 ? realloc(buf, cap = cap * 2 + 65536) : buf;

		if (!grown) {
			free(buf);
			fclose(f);
			errno = ENOMEM;
			return NULL;
		}
		buf = grown;
		n = fread(buf + *len, 1, cap - *len - 1, f);
		*len += n;
	} while (n > 0);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

int record_load(const char *dir, struct rec_run *run, char *err, size_t errlen)
{
	struct load_ctx c = { .run = run, .cur_boot = 1 };
	char path[SF_PATH_MAX], *buf, *p, *nl;
	size_t len;
	int ret = 0;

	memset(run, 0, sizeof(*run));
	run->boots = 1;
	snprintf(path, sizeof(path), "%s/%s", dir, RECORD_FILE);
	buf = read_all(path, &len);
	if (!buf) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	ret = fields_fill(run_fields, run);
	if (!ret)
		ret = set_str(&run->running, "");
	if (!ret)
		ret = set_str(&run->ended_by, "");
	for (p = buf; !ret && (nl = memchr(p, '\n', buf + len - p)); p = nl + 1)
		ret = load_line(&c, p, nl - p);	/* text after the last newline: torn, ignored */
	free(buf);
	if (!ret && !c.have_hdr) {
		snprintf(err, errlen, "%s: no \"run\" line", path);
		ret = -EINVAL;
	}
	if (ret && ret != -EINVAL)
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
	return ret;
}
