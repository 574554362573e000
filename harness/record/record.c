// SPDX-License-Identifier: GPL-2.0
/*
 * record.c - record.jsonl, the append-only run record (record.h): each line is built in
 * memory, written with one write(2) to a file opened O_APPEND and fsync'ed before the call
 * returns (not where the write itself reached the host's file: a guest's uncached 9p results
 * folder, durable.c), so what was decided survives a crash of the harness or of its guest;
 * the file is never rewritten (record_load.c reads it). Line types and members:
 * docs/protocol.md ("The run record").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../splitfail.h"
#include "record.h"
#include "record_fields.h"

static int rec_fd = -1;
static int rec_sync = 1;	/* fsync each line (record_fsync_needed) */

/* Write text (one whole line) with one write(2), then fsync when sync. 0 or -errno. */
static int write_line(int fd, const char *text, size_t len, int sync)
{
	ssize_t w = write(fd, text, len);

	while (w >= 0 && (size_t)w < len) {	/* a short write on a full disk: finish it */
		text += w;
		len -= w;
		w = write(fd, text, len);
	}
	if (w < 0 || (sync && fsync(fd)))
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
	ret = rec_fd < 0 ? -EBADF : write_line(rec_fd, *buf, *len, rec_sync);
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
	rec_sync = record_fsync_needed(rec_fd);
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
		fprintf(f, ", \"value\": %s", json[0] ? json : "null");
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
	ret = write_line(fd, buf, strlen(buf), record_fsync_needed(fd));
	free(buf);
	close(fd);
	return ret;
}
