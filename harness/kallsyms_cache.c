// SPDX-License-Identifier: GPL-2.0
/*
 * kallsyms_cache.c - kallsyms_lookup(): kallsyms_scan() once per name. Reading /proc/kallsyms
 * (over 100,000 lines, twice per name) costs tens of milliseconds on real hardware and
 * seconds under software emulation, and a smoke run looks up the same few dozen target
 * functions for every case. An answer (a range or an error) is kept while the file is the same
 * file (device, inode, size, modification time) and the modules list beside it (for
 * /proc/kallsyms: /proc/modules) has not changed: loading a module adds symbols.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "splitfail.h"

struct answer {
	char *key;			/* "<path>\t<name>" */
	unsigned long start, end;
	int ret;
	char *err;
};

static struct {
	struct answer *a;
	int n, cap;
	char stamp[SF_PATH_MAX + 128];	/* what the answers were read from */
} cache;

/* FNV-1a of the modules list beside path (0 when there is none). */
static uint64_t modules_hash(const char *path)
{
	char mod[SF_PATH_MAX + 16], buf[4096];
	const char *slash = strrchr(path, '/');
	uint64_t h = 1469598103934665603ULL;
	size_t n;
	FILE *f;

	snprintf(mod, sizeof(mod), "%.*smodules", slash ? (int)(slash - path + 1) : 0, path);
	f = fopen(mod, "re");
	if (!f)
		return 0;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		for (size_t i = 0; i < n; i++)
			h = (h ^ (unsigned char)buf[i]) * 1099511628211ULL;
	fclose(f);
	return h;
}

static void stamp_of(const char *path, char *out, size_t len)
{
	struct stat st;

	if (stat(path, &st)) {
		snprintf(out, len, "%s: none", path);
		return;
	}
	snprintf(out, len, "%s %lu %lu %lld %lld.%09ld %016llx", path, (unsigned long)st.st_dev,
		 (unsigned long)st.st_ino, (long long)st.st_size, (long long)st.st_mtim.tv_sec,
		 st.st_mtim.tv_nsec, (unsigned long long)modules_hash(path));
}

static void forget(void)
{
	for (int i = 0; i < cache.n; i++) {
		free(cache.a[i].key);
		free(cache.a[i].err);
	}
	cache.n = 0;
}

int kallsyms_lookup(const char *path, const char *name, unsigned long *start,
		    unsigned long *end, char *err, size_t errlen)
{
	char stamp[sizeof(cache.stamp)], key[SF_PATH_MAX + SF_NAME_MAX + 2], msg[512] = "";
	struct answer *a;
	int ret;

	stamp_of(path, stamp, sizeof(stamp));
	if (strcmp(stamp, cache.stamp)) {
		forget();
		snprintf(cache.stamp, sizeof(cache.stamp), "%s", stamp);
	}
	snprintf(key, sizeof(key), "%s\t%s", path, name);
	for (int i = 0; i < cache.n; i++) {
		a = &cache.a[i];
		if (strcmp(a->key, key))
			continue;
		*start = a->start;
		*end = a->end;
		snprintf(err, errlen, "%s", a->err);
		return a->ret;
	}
	ret = kallsyms_scan(path, name, start, end, msg, sizeof(msg));
	snprintf(err, errlen, "%s", msg);
	if (sf_grow(&cache.a, cache.n, &cache.cap, sizeof(*cache.a), 32))
		return ret;	/* not kept: asked again next time */
	a = &cache.a[cache.n];
	a->key = strdup(key);
	a->err = strdup(msg);
	if (!a->key || !a->err) {
		free(a->key);
		free(a->err);
		return ret;
	}
	a->start = ret ? 0 : *start;
	a->end = ret ? 0 : *end;
	a->ret = ret;
	cache.n++;
	return ret;
}
