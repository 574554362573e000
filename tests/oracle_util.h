/*
 * oracle_util.h: what the oracle self-tests (tests/oracle_*.c) share: a real THP-backed
 * region filled with the pattern (plain anonymous memory where THP is unavailable, said so),
 * and one line per result that tests/oracles.t asserts on.
 */
#ifndef SPLITFAIL_ORACLE_UTIL_H
#define SPLITFAIL_ORACLE_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "pattern.h"
#include "thp_region.h"

#define ORACLE_SEED 7

/* A pattern-filled region of one PMD THP (two where asked), or plain pages if THP is off. */
static inline void oracle_region(struct thp_region *r, size_t nr_folios)
{
	char why[256];
	size_t pmd = thp_pmd_size() ? thp_pmd_size() : 2UL << 20;
	int ret = thp_region_map(r, nr_folios, pmd, ORACLE_SEED, why, sizeof(why));

	if (!ret) {
		printf("# region: %zu THPs at %p\n", nr_folios, (void *)r->base);
		return;
	}
	printf("# region: no THP (%s), using plain pages\n", why);
	memset(r, 0, sizeof(*r));
	r->len = nr_folios * pmd;
	r->folio_size = pmd;
	r->nr_folios = nr_folios;
	r->seed = ORACLE_SEED;
	r->base = mmap(NULL, r->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r->base == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	pattern_fill(r->base, r->len, ORACLE_SEED);
}

/* "result: <oracle> <case> returned <n>", the line oracles.t compares. */
static inline void oracle_result(const char *oracle, const char *c, long n)
{
	printf("result: %s %s returned %ld\n", oracle, c, n);
	fflush(stdout);
}

/* Usage check shared by the programs: argv[1] must be one of the listed cases. */
static inline const char *oracle_case(int argc, char **argv, const char *const *cases)
{
	int i;

	for (i = 0; argc == 2 && cases[i]; i++)
		if (!strcmp(argv[1], cases[i]))
			return cases[i];
	fprintf(stderr, "usage: %s", argv[0]);
	for (i = 0; cases[i]; i++)
		fprintf(stderr, "%s%s", i ? "|" : " ", cases[i]);
	fputc('\n', stderr);
	exit(2);
}

#endif
