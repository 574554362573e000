// SPDX-License-Identifier: GPL-2.0
/*
 * fold.c - `splitfail results fold DIR --from SUB`: a fresh guest's results folder SUB
 * (DIR/boot-N) joins the run's record: one "boot" line, then every whole line of SUB's record
 * (a torn last one, written as the guest died, is left out), in one append; SUB's logs are
 * copied into DIR/logs (an existing file is kept), so every result's log path holds in DIR;
 * then every rendering of DIR is rewritten. Exit 0, 2 usage, 3 error.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../splitfail.h"
#include "record.h"
#include "verbs.h"

/* Copy file from to a new file to (not overwriting one). 0 or -errno. */
static int copy_new(const char *from, const char *to)
{
	char buf[65536];
	int in, out, ret = 0;
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0) {
		ret = errno == EEXIST ? 0 : -errno;
		close(in);
		return ret;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n) {
			ret = -EIO;
			break;
		}
	if (n < 0)
		ret = -errno;
	close(in);
	if (close(out) && !ret)
		ret = -errno;
	return ret;
}

static int copy_logs(const char *dir, const char *sub)
{
	char from[SF_PATH_MAX * 2], to[SF_PATH_MAX * 2];
	struct dirent *e;
	DIR *d;
	int ret = 0;

	snprintf(from, sizeof(from), "%s/logs", sub);
	d = opendir(from);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	snprintf(to, sizeof(to), "%s/logs", dir);
	if (mkdir(to, 0755) && errno != EEXIST) {
		closedir(d);
		return -errno;
	}
	while (!ret && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(from, sizeof(from), "%s/logs/%s", sub, e->d_name);
		snprintf(to, sizeof(to), "%s/logs/%s", dir, e->d_name);
		ret = copy_new(from, to);
	}
	closedir(d);
	return ret;
}

/* SUB's record, whole lines only, after a boot line for it. NULL on error (errno). */
static char *fold_text(const char *sub, int boot)
{
	char path[SF_PATH_MAX], *text = NULL, *line = NULL;
	size_t cap = 0, len = 0;
	FILE *in, *out;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", sub, RECORD_FILE);
	in = fopen(path, "re");
	if (!in)
		return NULL;
	out = open_memstream(&text, &len);
	if (!out) {
		fclose(in);
		return NULL;
	}
	fprintf(out, "{\"type\": \"boot\", \"boot\": %d, \"dir\": ", boot);
	text_json(out, strrchr(sub, '/') ? strrchr(sub, '/') + 1 : sub);
	fputs("}\n", out);
	while ((n = getline(&line, &cap, in)) > 0)
		if (line[n - 1] == '\n')	/* a torn last line stays out */
			fwrite(line, 1, n, out);
	free(line);
	fclose(in);
	if (fclose(out)) {
		free(text);
		errno = ENOMEM;
		return NULL;
	}
	return text;
}

int verb_fold(int argc, char **argv)
{
	char err[SF_PATH_MAX + 128], *text;
	const char *dir, *sub;
	struct rec_run run;
	int ret;

	if (argc != 4 || strcmp(argv[2], "--from")) {
		fprintf(stderr, "splitfail results: usage: splitfail results fold DIR --from DIR/boot-N\n");
		return SF_EXIT_USAGE;
	}
	dir = argv[1];
	sub = argv[3];
	ret = record_load(dir, &run, err, sizeof(err));
	if (ret)
		goto fail;
	text = fold_text(sub, run.boots + 1);
	record_free(&run);
	if (!text) {
		snprintf(err, sizeof(err), "%s/%s: %s", sub, RECORD_FILE, strerror(errno));
		goto fail;
	}
	ret = record_append_line_to(dir, text);
	free(text);
	if (!ret)
		ret = copy_logs(dir, sub);
	if (!ret)
		ret = record_load(dir, &run, err, sizeof(err));
	if (ret) {
		snprintf(err, sizeof(err), "folding %s into %s: %s", sub, dir, strerror(-ret));
		goto fail;
	}
	ret = render_all(dir, &run);
	record_free(&run);
	if (ret) {
		snprintf(err, sizeof(err), "rendering %s: %s", dir, strerror(-ret));
		goto fail;
	}
	return SF_EXIT_OK;
fail:
	fprintf(stderr, "splitfail results: %s\n", err);
	return SF_EXIT_HARNESS;
}
