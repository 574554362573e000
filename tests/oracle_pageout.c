/*
 * oracle_pageout: hands oracle_paged_out real residency states made on purpose.
 * "never_advised": MADV_PAGEOUT was never called on two THPs, so every page is still
 * resident; the oracle must count them all and print the silent-skip line with that count
 * and the first address. "correct": MADV_PAGEOUT really ran on swap (the positive control;
 * exits 4 when no swap is active) and nothing may be reported.
 */
#include <sys/mman.h>

#include "oracle.h"
#include "oracle_util.h"
#include "swap.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

int main(int argc, char **argv)
{
	static const char *const cases[] = { "never_advised", "correct", NULL };
	const char *c = oracle_case(argc, argv, cases);
	struct thp_region r;
	char why[256];

	if (!strcmp(c, "correct") && swap_free_kb(why, sizeof(why)) <= 0) {
		printf("# SKIP %s\n", why);
		return 4;
	}
	oracle_region(&r, 2);
	printf("# expect: first=%p pages=%zu\n", (void *)r.base, r.len / PAGE_SIZE_4K);
	if (!strcmp(c, "correct") && madvise(r.base, r.len, MADV_PAGEOUT)) {
		perror("madvise(MADV_PAGEOUT)");
		return 2;
	}
	oracle_result("paged_out", c, oracle_paged_out("oracle_pageout", "madvise_pageout",
						       r.base, r.len));
	if (!strcmp(c, "correct"))
		oracle_result("pattern", "correct_after_swapin",
			      oracle_pattern("oracle_pageout", "swapped in", r.base, r.len,
					     r.seed));
	return 0;
}
