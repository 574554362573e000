/*
 * oracle_munmap: hands oracle_unmapped real mappings made on purpose. "not_unmapped": the
 * munmap of a THP's middle was never made, so every page is still mapped and must be counted
 * with "expected unmapped, got mapped". "half_unmapped": only the first half of the range was
 * unmapped; the other half must be counted. "correct": the range was unmapped; nothing may be
 * reported, and the rest must still read back its pattern.
 */
#include <sys/mman.h>

#include "oracle.h"
#include "oracle_util.h"

int main(int argc, char **argv)
{
	static const char *const cases[] = { "not_unmapped", "half_unmapped", "correct", NULL };
	const char *c = oracle_case(argc, argv, cases);
	struct thp_region r;
	char *start;
	size_t len;

	oracle_region(&r, 1);
	start = r.base + r.len / 4;
	len = r.len / 2;
	if (!strcmp(c, "not_unmapped")) {
		printf("# expect: first=%p pages=%zu\n", (void *)start, len / PAGE_SIZE_4K);
	} else if (!strcmp(c, "half_unmapped")) {
		if (munmap(start, len / 2))
			return 2;
		printf("# expect: first=%p pages=%zu\n", (void *)(start + len / 2),
		       len / 2 / PAGE_SIZE_4K);
	} else {
		if (munmap(start, len))
			return 2;
		oracle_result("pattern", "correct_rest",
			      oracle_pattern("oracle_munmap.correct", "rest", r.base, r.len / 4,
					     r.seed) +
			      oracle_pattern("oracle_munmap.correct", "rest", start + len,
					     r.len / 4, r.seed));
	}
	oracle_result("unmapped", c, oracle_unmapped("oracle_munmap", start, len));
	return 0;
}
