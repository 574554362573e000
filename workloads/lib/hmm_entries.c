/*
 * hmm_entries.c: counts the migration entries a MIGRATE_TO_SYS of the HMM test device moved,
 * from the range's snapshot bytes before and after it (see hmm_entries.h): one per page,
 * except a PMD-sized device folio that went home whole, which is one.
 */
#include <stdio.h>
#include <string.h>

#include "hmm_dmirror.h"
#include "hmm_entries.h"
#include "hmm_uapi.h"
#include "thp_region.h"

/* A device page of this device mapped by a PMD-sized entry. */
static int dev_pmd(unsigned char perm)
{
	return hmm_place_of(perm) == HMM_PLACE_DEVICE && (perm & HMM_DMIRROR_PROT_PMD);
}

static int sys_pmd(unsigned char perm)
{
	return hmm_place_of(perm) == HMM_PLACE_SYSTEM && (perm & HMM_DMIRROR_PROT_PMD);
}

static int count_if(const unsigned char *perm, size_t n, int (*pred)(unsigned char))
{
	size_t i;
	int c = 0;

	for (i = 0; i < n; i++)
		c += pred(perm[i]) != 0;
	return c;
}

static int in_system(unsigned char perm)
{
	return hmm_place_of(perm) == HMM_PLACE_SYSTEM;
}

static int on_device(unsigned char perm)
{
	return hmm_place_of(perm) == HMM_PLACE_DEVICE;
}

/* The start of a PMD-aligned block of n pages at index i that the device holds whole. */
static int dev_block(const unsigned char *perm, size_t i, size_t npages, uintptr_t addr,
		     size_t n)
{
	uintptr_t a = addr + i * PAGE_SIZE_4K;

	return n > 1 && a % (n * PAGE_SIZE_4K) == 0 && i + n <= npages &&
		count_if(perm + i, n, dev_pmd) == (int)n;
}

void hmm_entries_on_device(const unsigned char *perm, size_t npages, uintptr_t addr,
			   size_t pmd_pages, long *compound, long *single)
{
	size_t i = 0;

	*compound = *single = 0;
	while (i < npages) {
		if (dev_block(perm, i, npages, addr, pmd_pages)) {
			(*compound)++;
			i += pmd_pages;
			continue;
		}
		*single += on_device(perm[i]);
		i++;
	}
}

void hmm_entries_to_sys(const unsigned char *before, const unsigned char *after,
			size_t npages, uintptr_t addr, size_t pmd_pages, struct hmm_entries *e)
{
	size_t i = 0;

	memset(e, 0, sizeof(*e));
	e->pmd_pages = (long)pmd_pages;
	while (i < npages) {
		size_t n = pmd_pages;

		/* a whole PMD-aligned block the device holds as one folio */
		if (dev_block(before, i, npages, addr, n)) {
			e->dev_compound++;
			if (count_if(after + i, n, on_device) == 0) {
				e->left_pages += (long)n;
				if (count_if(after + i, n, sys_pmd) == (int)n)
					e->left_compound++;
				else if (count_if(after + i, n, in_system) == (int)n)
					e->left_split++;
				else
					e->left_unresolved++;
			} else {
				/* partly still there: it was split, its pages count one each */
				e->left_pages += (long)n - count_if(after + i, n, on_device);
			}
			i += n;
			continue;
		}
		if (on_device(before[i])) {
			e->dev_single++;
			e->left_pages += !on_device(after[i]);
		}
		i++;
	}
	e->cpages_min = e->left_pages - (e->left_compound + e->left_unresolved) *
		(e->pmd_pages - 1);
	e->cpages_max = e->left_pages - e->left_compound * (e->pmd_pages - 1);
}

int hmm_entries_check(const char *test, const char *what, const struct hmm_entries *e,
		      long long cpages)
{
	long long step = e->pmd_pages > 1 ? e->pmd_pages - 1 : 1;
	int bad = cpages < e->cpages_min || cpages > e->cpages_max ||
		(cpages - e->cpages_min) % step != 0;
	char exp[48];

	if (e->cpages_min == e->cpages_max)
		snprintf(exp, sizeof(exp), "%ld", e->cpages_min);
	else
		snprintf(exp, sizeof(exp), "%ld..%ld", e->cpages_min, e->cpages_max);
	printf("# %s: %s: device held %ld PMD folios and %ld single pages; %ld pages left: "
	       "%ld PMD folios whole (1 entry each), %ld split to base pages, %ld unresolved "
	       "(1 or %ld entries each), the rest 1 entry per page\n", test, what,
	       e->dev_compound, e->dev_single, e->left_pages, e->left_compound, e->left_split,
	       e->left_unresolved, e->pmd_pages);
	printf("# splitfail: check test=%s what=%s expected=%s actual=%lld result=%s\n", test,
	       what, exp, cpages, bad ? "FAIL" : "ok");
	return bad;
}
