// SPDX-License-Identifier: GPL-2.0
/*
 * util.c - small file and string helpers of the harness: root-relative paths (so unit
 * tests can point the harness at a fake /proc and /sys tree), whole-file reads and
 * writes, a mkdir -p, timing, and comma-list lookups.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "splitfail.h"

/* Prefix an absolute system path with the --root folder ("" for the real machine). */
void sf_path(char *out, size_t len, const char *root, const char *path)
{
	snprintf(out, len, "%s%s", root ? root : "", path);
}

/* Read up to len-1 bytes and NUL-terminate; returns bytes read or -errno. */
ssize_t sf_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n, total = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((size_t)total < len - 1) {
		n = read(fd, buf + total, len - 1 - total);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			close(fd);
			return n;
		}
		if (n == 0)
			break;
		total += n;
	}
	buf[total] = '\0';
	close(fd);
	return total;
}

/* Write exactly len bytes (one write, as sysfs and debugfs want); returns 0 or -errno. */
int sf_write_file(const char *path, const char *data, size_t len)
{
	ssize_t n;
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	do {
		n = write(fd, data, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n != len) {
		int e = n < 0 ? -errno : -EIO;

		close(fd);
		return e;
	}
	if (close(fd))
		return -errno;
	return 0;
}

/* Read a file holding one signed decimal number. */
int sf_read_ll(const char *path, long long *v)
{
	char buf[64], *end;
	ssize_t n = sf_read_file(path, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	errno = 0;
	*v = strtoll(buf, &end, 0);
	if (errno || end == buf)
		return -EINVAL;
	return 0;
}

int sf_mkdir_p(const char *path)
{
	char tmp[SF_PATH_MAX];
	char *p;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

/* The project's top folder: the harness binary lives in <top>/build/harness/. */
void sf_top_dir(char *out, size_t len)
{
	char exe[SF_PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;
	int up;

	if (n <= 0) {
		snprintf(out, len, ".");
		return;
	}
	exe[n] = '\0';
	for (up = 0; up < 3; up++) {
		slash = strrchr(exe, '/');
		if (!slash || slash == exe)
			break;
		*slash = '\0';
	}
	snprintf(out, len, "%s", exe);
}

/* 1 when name is one of the comma-separated items of list (spaces ignored). */
int sf_list_has(const char *list, const char *name)
{
	size_t nl = strlen(name);
	const char *p = list;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t l;

		while (*p == ' ')
			p++;
		l = end ? (size_t)(end - p) : strlen(p);
		while (l && p[l - 1] == ' ')
			l--;
		if (l == nl && !strncmp(p, name, nl))
			return 1;
		p = end ? end + 1 : NULL;
	}
	return 0;
}

void sf_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

double sf_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int sf_grow(void *arr, int n, int *cap, size_t size, int first)
{
	void **array = arr;
	int want = *cap ? *cap * 2 : first;
	void *grown;

	if (n < *cap)
		return 0;
	grown = realloc(*array, (size_t)want * size);
	if (!grown)
		return -ENOMEM;
	*array = grown;
	*cap = want;
	return 0;
}

/* Append formatted text to a fixed buffer, truncating silently. */
void sf_appendf(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strnlen(buf, len);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/*
 * One line of an INI-like file (known issues; profiles have their own reader), split in
 * place. Returns 0 for a blank or comment line ('#', ';'); '[' for a section header, *key =
 * the text between the brackets; '=' for `key = value`, both trimmed (the value may be
 * empty); -1 for anything else, *key = the trimmed line, for the error.
 */
int sf_ini_line(char *line, char **key, char **val)
{
	char *s = line, *e, *eq;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && strchr(" \t\r\n", e[-1]))
		*--e = '\0';
	*key = s;
	*val = NULL;
	if (!*s || *s == '#' || *s == ';')
		return 0;
	if (*s == '[') {
		if (e - s < 3 || e[-1] != ']' || memchr(s + 1, ']', e - s - 2))
			return -1;
		e[-1] = '\0';
		*key = s + 1;
		return '[';
	}
	eq = strchr(s, '=');
	if (!eq || eq == s)
		return -1;
	*val = eq + 1;
	while (**val == ' ' || **val == '\t')
		(*val)++;
	for (e = eq; e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	return '=';
}

/* 1 when the kernel command line (root's /proc/cmdline) has the word, e.g. splitfail.guest=1. */
int sf_cmdline_has(const char *root, const char *word)
{
	char path[SF_PATH_MAX], buf[4096], *save = NULL;

	sf_path(path, sizeof(path), root, "/proc/cmdline");
	if (sf_read_file(path, buf, sizeof(buf)) <= 0)
		return 0;
	for (char *t = strtok_r(buf, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save))
		if (!strcmp(t, word))
			return 1;
	return 0;
}
