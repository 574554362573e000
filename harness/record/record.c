// SPDX-License-Identifier: GPL-2.0
/*
 * record.c - record.jsonl, the append-only run record (record.h): each line is built in
 * memory, written with one write(2) to a file opened O_APPEND and fsync'ed before the call
 * returns, so what was decided survives a crash of the harness or of its guest; the file is
 * never rewritten. record_load reads it back, ignoring a torn last line and any line or member
 * it does not understand. Line types and members: docs/protocol.md ("The run record").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../splitfail.h"
#include "json_read.h"
#include "record.h"
#include "record_fields.h"

static int rec_fd = -1;

/* Write text (one whole line) with one write(2), then fsync. 0 or -errno. */
static int write_line(int fd, const char *text, size_t len)
{
	ssize_t w = write(fd, text, len);

	while (w >= 0 && (size_t)w < len) {	/* a short write on a full disk: finish it */
		text += w;
		len -= w;
		w = write(fd, text, len);
	}
	if (w < 0 || fsync(fd))
		return -errno;
	return 0;
}

/* The line opened by begin(): `{"type": TYPE` ... `}\n`. */
static FILE *begin(const char *type, char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);

	if (f)
		fprintf(f, "{\"type\": \"%s\"", type);
	return f;
}

static int finish(FILE *f, char **buf, size_t *len)
{
	int ret;

	if (!f)
		return -ENOMEM;
	fputs("}\n", f);
	if (fclose(f))
		return -ENOMEM;
	ret = rec_fd < 0 ? -EBADF : write_line(rec_fd, *buf, *len);
	free(*buf);
	return ret;
}

static void now_iso(char *out, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
}

int record_create(const char *dir, const struct rec_run *hdr)
{
	char path[SF_PATH_MAX], *buf = NULL;
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, RECORD_FILE);
	rec_fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
	if (rec_fd < 0)
		return -errno;
	f = begin("run", &buf, &len);
	if (f)
		fields_write(f, run_fields, hdr);
	return finish(f, &buf, &len);
}

int record_append_start(const char *name)
{
	char *buf = NULL, now[32];
	size_t len = 0;
	FILE *f = begin("start", &buf, &len);

	now_iso(now, sizeof(now));
	if (f) {
		fputs(", \"name\": ", f);
		text_json(f, name);
		fprintf(f, ", \"time\": \"%s\"", now);
	}
	return finish(f, &buf, &len);
}

int record_append_result(const struct rec_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = begin("result", &buf, &len);

	if (f)
		fields_write(f, result_fields, r);
	return finish(f, &buf, &len);
}

int record_append_extra(const char *key, const char *json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = begin("extra", &buf, &len);

	if (f) {
		fputs(", \"key\": ", f);
		text_json(f, key);
		fprintf(f, ", \"value\": %s", json);
	}
	return finish(f, &buf, &len);
}

int record_append_end(int finished, const char *ended_by)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = begin("end", &buf, &len);

	if (f) {
		fprintf(f, ", \"finished\": %s, \"ended_by\": ", finished ? "true" : "false");
		text_json(f, ended_by);
	}
	return finish(f, &buf, &len);
}

void record_close(void)
{
	if (rec_fd >= 0)
		close(rec_fd);
	rec_fd = -1;
}

int record_append_line_to(const char *dir, const char *line)
{
	char path[SF_PATH_MAX], last = '\n', *buf;
	size_t len = strlen(line);
	struct stat st;
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%s", dir, RECORD_FILE);
	fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* after a torn last line, start a line of our own: the torn one stays unreadable */
	if (!fstat(fd, &st) && st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) != 1)
		last = '\n';
	buf = malloc(len + 3);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	snprintf(buf, len + 3, "%s%s%s", last == '\n' ? "" : "\n", line,
		 len && line[len - 1] == '\n' ? "" : "\n");
	ret = write_line(fd, buf, strlen(buf));
	free(buf);
	close(fd);
	return ret;
}

/* ---- reading ---- */

struct load_ctx {
	struct rec_run *run;
	char type[16];
	struct rec_result r;	/* a result line */
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

/* Apply one parsed line to the run. */
static int apply_line(struct load_ctx *c)
{
	struct rec_run *run = c->run;
	int ret = 0;

	if (!strcmp(c->type, "run")) {
		c->have_hdr = 1;
	} else if (!strcmp(c->type, "start")) {
		ret = set_str(&run->running, c->name);
	} else if (!strcmp(c->type, "result") && c->r.name && c->r.name[0]) {
		if (!strcmp(run->running, c->r.name))
			ret = set_str(&run->running, "");
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
	c->r.boot = c->cur_boot;
	c->finished = c->boot = 0;
	if (json_object_each(line, len, type_member, c))
		return 0;	/* not a line of ours: a torn last line, or damage */
	ret = json_object_each(line, len, line_member, c);
	if (!ret)
		ret = apply_line(c);
	fields_free(result_fields, &c->r);
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
