// SPDX-License-Identifier: GPL-2.0
/*
 * shard.c - which of the listed cases a run takes: the cases `--list` prints (--only and
 * --case applied, in run order), and of those, under `--shard`, every n-th from the shard's
 * place. A pure function of the selection, so every pass of --repeat, `--list --shard` and
 * the runner's continuation guests see the same case set. The shard is written 0-based as
 * `i/n` (0 <= i < n) or 1-based as `KofN` (1 <= K <= N: GitLab's CI_NODE_INDEX of
 * CI_NODE_TOTAL); `KofN` is `(K-1)/N`.
 */
#include <errno.h>
#include <string.h>

#include "splitfail.h"

/* Decimal digits only (no sign, no blanks), at most 100000; the end, or NULL. */
static const char *shard_number(const char *s, int *v)
{
	long long x = 0;
	const char *p = s;

	while (*p >= '0' && *p <= '9' && x <= 100000)
		x = x * 10 + (*p++ - '0');
	if (p == s || x > 100000)
		return NULL;
	*v = (int)x;
	return p;
}

/* "i/n" or "KofN" into the 0-based shard *i of *n; 0, or -EINVAL with err. */
int shard_parse(const char *val, int *i, int *n, char *err, size_t len)
{
	const char *p = shard_number(val, i);
	int one_based = 0;

	if (p && *p == '/') {
		p = shard_number(p + 1, n);
	} else if (p && !strncmp(p, "of", 2)) {
		one_based = 1;
		p = shard_number(p + 2, n);
	} else {
		p = NULL;
	}
	if (p && !*p && *n >= 1 && *i >= one_based && *i < *n + one_based) {
		*i -= one_based;
		return 0;
	}
	snprintf(err, len,
		 "bad value '%s' (want i/n, 0-based: 0 <= i < n; or KofN, 1-based: 1 <= K <= N)",
		 val);
	return -EINVAL;
}

/*
 * The cases this run takes, in run order, into pick[] (indexes into cases, room for n);
 * returns how many. The shard counts only the cases --case keeps.
 */
int shard_pick(const struct options *o, const struct wl_case *cases, int n, int *pick)
{
	int listed = 0, taken = 0;

	for (int i = 0; i < n; i++) {
		if (o->cases[0] && !selection_has(o->cases, &cases[i]))
			continue;
		if (listed++ % o->shard_n == o->shard_i)
			pick[taken++] = i;
	}
	return taken;
}
