/*
 * race_plan.c: the per-page plan of a raced region and its check (see race_plan.h). Runs of
 * pages with the same entry are handed to the oracles in one call, so the check costs one
 * oracle call per run, not per page.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "oracle.h"
#include "probe.h"
#include "race_plan.h"
#include "thp_region.h"

int race_plan_init(struct race_plan *p, char *base, size_t len, uint64_t seed)
{
	size_t i;

	p->base = base;
	p->npages = len / PAGE_SIZE_4K;
	p->pages = calloc(p->npages, sizeof(*p->pages));
	if (!p->pages)
		return -ENOMEM;
	for (i = 0; i < p->npages; i++)
		p->pages[i] = (struct race_page){ seed, 1, PROT_READ | PROT_WRITE,
						  PROT_READ | PROT_WRITE };
	return 0;
}

void race_plan_free(struct race_plan *p)
{
	free(p->pages);
	p->pages = NULL;
	p->npages = 0;
}

struct race_page *race_plan_page(const struct race_plan *p, const void *addr)
{
	return &p->pages[((const char *)addr - p->base) / PAGE_SIZE_4K];
}

/* First and one-past-last page index of [addr, addr + len). */
static void span(const struct race_plan *p, const void *addr, size_t len, size_t *from,
		 size_t *to)
{
	*from = (size_t)((const char *)addr - p->base) / PAGE_SIZE_4K;
	*to = *from + (len + PAGE_SIZE_4K - 1) / PAGE_SIZE_4K;
}

void race_plan_unmap(struct race_plan *p, const void *addr, size_t len)
{
	size_t i, to;

	for (span(p, addr, len, &i, &to); i < to; i++)
		p->pages[i].mapped = 0;
}

void race_plan_map(struct race_plan *p, const void *addr, size_t len, uint64_t seed)
{
	size_t i, to;

	for (span(p, addr, len, &i, &to); i < to; i++)
		p->pages[i] = (struct race_page){ seed, 1, PROT_READ | PROT_WRITE,
						  PROT_READ | PROT_WRITE };
}

void race_plan_forget(struct race_plan *p, const void *addr, size_t len)
{
	size_t i, to;

	for (span(p, addr, len, &i, &to); i < to; i++)
		p->pages[i].mapped = -1;
}

void race_plan_seed(struct race_plan *p, const void *addr, size_t len, uint64_t seed)
{
	size_t i, to;

	for (span(p, addr, len, &i, &to); i < to; i++)
		p->pages[i].seed = seed;
}

void race_plan_prot(struct race_plan *p, const void *addr, size_t len, int prot_a,
		    int prot_b)
{
	size_t i, to;

	for (span(p, addr, len, &i, &to); i < to; i++) {
		p->pages[i].prot_a = prot_a;
		p->pages[i].prot_b = prot_b;
	}
}

static int count_mapped(const struct race_plan *p, const void *addr, size_t len, int want)
{
	size_t i, to;

	for (span(p, addr, len, &i, &to); i < to; i++)
		if (p->pages[i].mapped != want)
			return 0;
	return 1;
}

int race_plan_all_mapped(const struct race_plan *p, const void *addr, size_t len)
{
	return count_mapped(p, addr, len, 1);
}

int race_plan_all_unmapped(const struct race_plan *p, const void *addr, size_t len)
{
	return count_mapped(p, addr, len, 0);
}

static int same_entry(const struct race_page *a, const struct race_page *b)
{
	if (a->mapped != b->mapped)
		return 0;
	return !a->mapped || (a->seed == b->seed && a->prot_a == b->prot_a &&
			      a->prot_b == b->prot_b);
}

long race_plan_verify(const struct race_plan *p, const char *test, struct race_verdict *v)
{
	size_t i = 0, j, len;
	const struct race_page *e;
	char *at;

	memset(v, 0, sizeof(*v));
	while (i < p->npages) {
		e = &p->pages[i];
		for (j = i + 1; j < p->npages && same_entry(e, &p->pages[j]); j++)
			;
		at = p->base + i * PAGE_SIZE_4K;
		len = (j - i) * PAGE_SIZE_4K;
		if (e->mapped < 0) {
			/* not checked */
		} else if (!e->mapped) {
			v->still_mapped += oracle_unmapped(test, at, len);
		} else {
			long bad = oracle_prot_either(test, at, len, e->prot_a, e->prot_b);

			v->bad_prot += bad;
			/* a page that is not even readable cannot show its pattern */
			if (!bad || probe_range_mapped(at, len))
				v->corrupt += oracle_pattern(test, "after the race", at, len,
							     e->seed);
		}
		i = j;
	}
	return v->still_mapped + v->bad_prot + v->corrupt;
}
