// SPDX-License-Identifier: GPL-2.0
/*
 * merge_logs.c - the logs of `splitfail merge`'s sources, copied into the new folder so
 * that every result's log path stays valid relative to it. Every file of a source's logs/
 * keeps its name, unless an earlier source already has a log of that name (the same tests
 * run on several machines): then it becomes logs/s<K>-<name>, K the source's place (1, 2,
 * ...) on the command line. A result's log outside logs/ is copied into logs/ the same way.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../splitfail.h"
#include "merge.h"

static int copy_fd(int in, int out)
{
	char buf[65536];
	ssize_t r;

	while ((r = read(in, buf, sizeof(buf))) > 0) {
		for (ssize_t done = 0, w; done < r; done += w) {
			w = write(out, buf + done, r - done);
			if (w < 0)
				return -errno;
		}
	}
	return r < 0 ? -errno : 0;
}

/* Copy src to out/logs/NAME, or out/logs/s<K>-NAME when NAME is taken; the new relative path. */
static int copy_log(struct merge_logs *m, const char *src, const char *name, char *rel,
		    size_t len)
{
	char dst[SF_PATH_MAX];
	int in, out = -1, ret;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	for (int taken = 0; taken < 2 && out < 0; taken++) {
		if (taken)
			snprintf(rel, len, "logs/s%d-%s", m->source, name);
		else
			snprintf(rel, len, "logs/%s", name);
		snprintf(dst, sizeof(dst), "%s/%s", m->out, rel);
		out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (out < 0 && errno != EEXIST)
			break;
	}
	if (out < 0) {
		ret = -errno;
		snprintf(m->err, sizeof(m->err), "%s: %s", dst, strerror(errno));
		close(in);
		return ret;
	}
	ret = copy_fd(in, out);
	if (close(out) && !ret)
		ret = -errno;
	close(in);
	if (ret)
		snprintf(m->err, sizeof(m->err), "%s -> %s: %s", src, dst, strerror(-ret));
	return ret;
}

/* Remember a log whose path changed: from (relative to the source) -> to (to the new folder). */
static int note_move(struct merge_logs *m, const char *from, const char *to)
{
	if (sf_grow(&m->moved, m->n, &m->cap, sizeof(*m->moved), 16))
		return -ENOMEM;
	m->moved[m->n].from = strdup(from);
	m->moved[m->n].to = strdup(to);
	if (!m->moved[m->n].from || !m->moved[m->n].to)
		return -ENOMEM;
	m->n++;
	return 0;
}

static void forget_moves(struct merge_logs *m)
{
	for (int i = 0; i < m->n; i++) {
		free(m->moved[i].from);
		free(m->moved[i].to);
	}
	m->n = 0;
}

int merge_logs_source(struct merge_logs *m, const char *dir, int source)
{
	char path[SF_PATH_MAX], rel[SF_PATH_MAX], from[SF_PATH_MAX];
	struct dirent *e;
	struct stat st;
	DIR *d;
	int ret = 0;

	forget_moves(m);
	m->source = source;
	m->dir = dir;
	snprintf(path, sizeof(path), "%s/logs", m->out);
	if (sf_mkdir_p(path)) {
		snprintf(m->err, sizeof(m->err), "%s: %s", path, strerror(errno));
		return -errno;
	}
	snprintf(path, sizeof(path), "%s/logs", dir);
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;	/* a run with no logs at all */
	while (!ret && (e = readdir(d))) {
		snprintf(path, sizeof(path), "%s/logs/%s", dir, e->d_name);
		if (e->d_name[0] == '.' || stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		ret = copy_log(m, path, e->d_name, rel, sizeof(rel));
		snprintf(from, sizeof(from), "logs/%s", e->d_name);
		if (!ret && strcmp(rel, from))
			ret = note_move(m, from, rel);
	}
	closedir(d);
	return ret;
}

int merge_log_path(struct merge_logs *m, const char *log, char *out, size_t len)
{
	char src[SF_PATH_MAX];
	const char *base = strrchr(log, '/');
	struct stat st;
	int ret;

	out[0] = '\0';
	if (!log[0])
		return 0;
	for (int i = 0; i < m->n; i++) {
		if (!strcmp(m->moved[i].from, log)) {
			snprintf(out, len, "%s", m->moved[i].to);
			return 0;
		}
	}
	snprintf(src, sizeof(src), "%s/%s", m->dir, log);
	if (stat(src, &st) || !S_ISREG(st.st_mode))
		return 0;	/* no such log in the source: none in the merge either */
	if (!strncmp(log, "logs/", 5) && !strchr(log + 5, '/')) {
		snprintf(out, len, "%s", log);	/* copied with the source's logs/ */
		return 0;
	}
	ret = copy_log(m, src, base ? base + 1 : log, out, len);
	return ret ? ret : note_move(m, log, out);
}

void merge_logs_free(struct merge_logs *m)
{
	forget_moves(m);
	free(m->moved);
	m->moved = NULL;
	m->cap = 0;
}
