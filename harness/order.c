// SPDX-License-Identifier: GPL-2.0
/*
 * order.c - the order the test cases run in, which is also the order `--list` prints (the
 * runner's continuation after a guest death and `--shard` (shard.c) count on the two being
 * the same). The purpose of the suite is to find split-failure bugs, so the cases most likely
 * to find them run first and a kernel with such a bug fails in the first minutes:
 *
 *   1. by tier of the workload (the table below; a workload it does not name is tier 1),
 *   2. then by the case's place in its own workload's listing (index_in_workload), so the
 *      first case of every workload of a tier comes before any second case: the first
 *      cases are the ones profiles put under random injection and fail-nth sweeps
 *      (`max_cases`), so those runs of all split operations come before the baseline runs
 *      of the rest,
 *   3. then by the workload's place in the table (or its name, for unnamed ones).
 *
 * Tier 0: the split operations themselves (munmap, mprotect, pageout, fork + CoW).
 * Tier 1: migration, pins and races around splits. Tier 2: device memory (test_hmm) and
 * hugetlb poisoning, whose own bugs (docs/found-bugs.md) must not keep a kernel's split
 * bug from being reached. Documented in docs/protocol.md ("Run order").
 */
#include <stdlib.h>
#include <string.h>

#include "splitfail.h"

#define TIER_DEFAULT	1

static const struct {
	const char *workload;
	int tier;
} priority[] = {
	{ "thp_munmap", 0 },
	{ "thp_mprotect", 0 },
	{ "thp_pageout", 0 },
	{ "thp_fork_cow", 0 },
	{ "thp_move_pages", 1 },
	{ "thp_deferred_migrate", 1 },
	{ "thp_pinned", 1 },
	{ "thp_race", 1 },
	{ "thp_numa_balance", 1 },
	{ "hugetlb_hwpoison", 2 },
	{ "thp_device_migrate", 2 },
};

#define N_PRIORITY	((int)(sizeof(priority) / sizeof(priority[0])))

/* Tier and place in the table; unnamed workloads: TIER_DEFAULT, after the named ones. */
static void rank_of(const char *workload, int *tier, int *place)
{
	for (int i = 0; i < N_PRIORITY; i++)
		if (!strcmp(priority[i].workload, workload)) {
			*tier = priority[i].tier;
			*place = i;
			return;
		}
	*tier = TIER_DEFAULT;
	*place = N_PRIORITY;
}

static int cmp_case(const void *pa, const void *pb)
{
	const struct wl_case *a = pa, *b = pb;
	int ta, tb, pla, plb, ret;

	rank_of(a->workload, &ta, &pla);
	rank_of(b->workload, &tb, &plb);
	if (ta != tb)
		return ta - tb;
	if (a->index_in_workload != b->index_in_workload)
		return a->index_in_workload - b->index_in_workload;
	if (pla != plb)
		return pla - plb;
	ret = strcmp(a->workload, b->workload);
	return ret ? ret : strcmp(a->name, b->name);
}

/* Sort the listed cases into run order (see the header). */
void cases_order(struct wl_case *cases, int n)
{
	if (n > 1)
		qsort(cases, n, sizeof(cases[0]), cmp_case);
}
