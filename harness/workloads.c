// SPDX-License-Identifier: GPL-2.0
/*
 * workloads.c - find the workload binaries and their test cases.
 *
 * Every executable in the workload folder is a workload. Its test cases come from
 * kselftest's `-l` listing (stderr), which prints per fixture a block of rows
 * "%-20s %-25s %s" (fixture on the first row only, variant, test) zipping variants and
 * tests side by side, blocks separated by a dashed line. The cases are the cross product
 * variants x tests: FIXTURE.VARIANT.TEST, or FIXTURE.TEST for a fixture without variants
 * (the name kselftest's `-r` accepts). The cases come back in run order (order.c: split
 * operations first). `--targets` lists kernel functions worth a stack-filtered fault,
 * `--needs` the knobs the workload may write (harness/needs.c).
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "splitfail.h"

#define COL_FIXTURE	20
#define COL_VARIANT	25

/* Run argv and capture stdout+stderr into buf; returns the exit status or -errno. */
static int capture(const char *path, const char *arg, char *buf, size_t len)
{
	int pfd[2], status;
	size_t used = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(pfd))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
		execl(path, path, arg, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], buf + used, len - 1 - used)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			used += n;
	buf[used] = '\0';
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Take one fixed-width column starting at *pos; width is a minimum (longer names push). */
static void take_col(const char *line, size_t *pos, size_t width, char *out, size_t len)
{
	size_t l = strlen(line), start = *pos, end;

	out[0] = '\0';
	if (start >= l)
		return;
	if (line[start] == ' ') {
		*pos = start + width + 1;
		return;
	}
	end = start + strcspn(line + start, " \n");
	snprintf(out, len, "%.*s", (int)(end - start), line + start);
	*pos = (end - start > width ? end : start + width) + 1;
}

static int add_case(struct wl_case **cases, int *n, const char *workload, const char *path,
		    const char *fixture, const char *variant, const char *test)
{
	struct wl_case *c, *grown = realloc(*cases, (*n + 1) * sizeof(**cases));

	if (!grown)
		return -ENOMEM;
	*cases = grown;
	c = &grown[*n];
	memset(c, 0, sizeof(*c));
	snprintf(c->workload, sizeof(c->workload), "%s", workload);
	snprintf(c->path, sizeof(c->path), "%s", path);
	if (variant[0])
		snprintf(c->name, sizeof(c->name), "%s.%s.%s", fixture, variant, test);
	else
		snprintf(c->name, sizeof(c->name), "%s.%s", fixture, test);
	(*n)++;
	return 0;
}

struct block {
	char fixture[SF_NAME_MAX];
	char variants[64][SF_NAME_MAX];
	char tests[128][SF_NAME_MAX];
	int nv, nt;
};

static int flush_block(struct block *b, struct wl_case **cases, int *n, const char *workload,
		       const char *path, int *index)
{
	int ret = 0;

	if (!b->fixture[0])
		return 0;
	for (int v = 0; v < (b->nv ? b->nv : 1) && !ret; v++)
		for (int t = 0; t < b->nt && !ret; t++) {
			ret = add_case(cases, n, workload, path, b->fixture,
				       b->nv ? b->variants[v] : "", b->tests[t]);
			if (!ret)
				(*cases)[*n - 1].index_in_workload = (*index)++;
		}
	memset(b, 0, sizeof(*b));
	return ret;
}

/* Parse a `-l` listing; returns the number of cases added or -errno. */
int workload_parse_listing(const char *text, const char *workload, const char *path,
			   struct wl_case **cases, int *n)
{
	static struct block b;
	char line[1024], f[SF_NAME_MAX], v[SF_NAME_MAX], t[SF_NAME_MAX];
	const char *p = text;
	int before = *n, index = 0, ret;

	memset(&b, 0, sizeof(b));
	while (*p) {
		size_t l = strcspn(p, "\n"), pos = 0;

		snprintf(line, sizeof(line), "%.*s", (int)l, p);
		p += l + (p[l] == '\n');
		if (!strncmp(line, "# FIXTURE", 9) || !line[0])
			continue;
		if (!strncmp(line, "----", 4)) {
			ret = flush_block(&b, cases, n, workload, path, &index);
			if (ret)
				return ret;
			continue;
		}
		take_col(line, &pos, COL_FIXTURE, f, sizeof(f));
		take_col(line, &pos, COL_VARIANT, v, sizeof(v));
		snprintf(t, sizeof(t), "%s", pos < strlen(line) ? line + pos : "");
		t[strcspn(t, " \n")] = '\0';
		if (f[0]) {
			ret = flush_block(&b, cases, n, workload, path, &index);
			if (ret)
				return ret;
			snprintf(b.fixture, sizeof(b.fixture), "%s", f);
		}
		if (!b.fixture[0])
			continue;	/* not a listing row (e.g. a TAP header) */
		if (v[0] && b.nv < 64)
			snprintf(b.variants[b.nv++], SF_NAME_MAX, "%s", v);
		if (t[0] && b.nt < 128)
			snprintf(b.tests[b.nt++], SF_NAME_MAX, "%s", t);
	}
	ret = flush_block(&b, cases, n, workload, path, &index);
	return ret ? ret : *n - before;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every name of --only must be a workload of dir: -EINVAL naming the first that is not. */
static int only_check(const char *only, char *const *names, int nn, const char *dir, char *err,
		      size_t errlen)
{
	char item[SF_NAME_MAX];
	int found;

	for (const char *p = only; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		size_t l = strcspn(p, ",");

		while (l && *p == ' ')
			p++, l--;
		while (l && p[l - 1] == ' ')
			l--;
		snprintf(item, sizeof(item), "%.*s", (int)l, p);
		found = 0;
		for (int i = 0; i < nn && !found; i++)
			found = !strcmp(names[i], item);
		if (!found) {
			snprintf(err, errlen, "--only: unknown workload '%s' (not an executable in %s; --list shows them)",
				 item, dir);
			return -EINVAL;
		}
	}
	return 0;
}

int workloads_list(const char *dir, const char *only, struct wl_case **cases, int *n,
		   char *err, size_t errlen)
{
	static char listing[1 << 16];
	char *names[256], path[SF_PATH_MAX];
	int nn = 0, ret = 0;
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(dir);

	*cases = NULL;
	*n = 0;
	if (!d) {
		snprintf(err, errlen, "workload folder %s: %s", dir, strerror(errno));
		return -errno;
	}
	while ((de = readdir(d)) && nn < 256) {
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (de->d_name[0] == '.' || stat(path, &st) || !S_ISREG(st.st_mode) ||
		    access(path, X_OK))
			continue;
		if (only[0] && !sf_list_has(only, de->d_name))
			continue;
		names[nn++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, nn, sizeof(names[0]), cmp_name);
	ret = only_check(only, names, nn, dir, err, errlen);
	for (int i = 0; i < nn; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (!ret)
			capture(path, "-l", listing, sizeof(listing));
		if (!ret && workload_parse_listing(listing, names[i], path, cases, n) <= 0) {
			snprintf(err, errlen, "%s -l listed no test cases", path);
			ret = -EIO;
		}
		free(names[i]);
	}
	if (!ret && !*n) {
		snprintf(err, errlen, "no workloads%s%s in %s", only[0] ? " matching " : "",
			 only, dir);
		ret = -ENOENT;
	}
	if (!ret)
		cases_order(*cases, *n);
	return ret;
}

/* The lines of `path opt` made only of chars, each shorter than size; returns how many. */
static int answer_lines(const char *path, const char *opt, const char *chars, char *names,
			size_t size, int max)
{
	static char out[8192];
	const char *p = out;
	int n = 0;

	if (capture(path, opt, out, sizeof(out)) != 0)
		return 0;
	while (*p && n < max) {
		size_t l = strcspn(p, "\n");

		if (l && l < size && strspn(p, chars) == l)
			snprintf(names + size * n++, size, "%.*s", (int)l, p);
		p += l + (p[l] == '\n');
	}
	return n;
}

#define ANSWER_CACHE	32

/*
 * The lines a workload answers to --targets (kernel functions) or --needs (absolute paths of
 * knobs it may write), at most SF_MAX_TARGETS, asked once per workload and option; returns
 * how many.
 */
int workload_answer(const struct wl_case *c, const char *opt, char lines[][SF_NAME_MAX])
{
	static char cache_key[ANSWER_CACHE][SF_NAME_MAX + 16];
	static char cache[ANSWER_CACHE][SF_MAX_TARGETS][SF_NAME_MAX];
	static int cache_n[ANSWER_CACHE], used;
	char key[SF_NAME_MAX + 16];
	int slot;

	snprintf(key, sizeof(key), "%s %s", c->workload, opt);
	for (slot = 0; slot < used; slot++)
		if (!strcmp(cache_key[slot], key))
			break;
	if (slot == used) {
		slot = used < ANSWER_CACHE ? used++ : ANSWER_CACHE - 1;
		snprintf(cache_key[slot], sizeof(cache_key[slot]), "%s", key);
		cache_n[slot] = answer_lines(c->path, opt, strcmp(opt, "--needs") ?
					     "_.abcdefghijklmnopqrstuvwxyz"
					     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" :
					     "/_.-abcdefghijklmnopqrstuvwxyz"
					     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
					     cache[slot][0], SF_NAME_MAX, SF_MAX_TARGETS);
	}
	memcpy(lines, cache[slot], sizeof(cache[slot]));
	return cache_n[slot];
}
