/*
 * oracle_pattern: hands oracle_pattern real corrupted memory made on purpose. "one_byte":
 * one byte of a THP is changed behind the pattern's back; the oracle must report exactly
 * that address, the expected and the actual byte, and 1 page differing. "zero_page": one
 * page is zeroed (what a lost or never-copied page looks like); 1 page must differ.
 * "correct": untouched memory must pass.
 */
#include <inttypes.h>

#include "oracle.h"
#include "oracle_util.h"

int main(int argc, char **argv)
{
	static const char *const cases[] = { "one_byte", "zero_page", "correct", NULL };
	const char *c = oracle_case(argc, argv, cases);
	struct thp_region r;
	uint8_t *victim;

	oracle_region(&r, 1);
	victim = (uint8_t *)r.base + 37 * PAGE_SIZE_4K + 1234;
	if (!strcmp(c, "one_byte")) {
		uint8_t before = *victim;

		*victim = (uint8_t)~before;
		printf("# expect: addr=0x%" PRIxPTR " expected=0x%02x actual=0x%02x\n",
		       (uintptr_t)victim, before, *victim);
	} else if (!strcmp(c, "zero_page")) {
		uint8_t *page = (uint8_t *)r.base + 100 * PAGE_SIZE_4K, *p = page;

		memset(page, 0, PAGE_SIZE_4K);
		/* the first byte whose pattern is not 0 is the first that differs */
		while (pattern_byte((uintptr_t)p, r.seed) == 0)
			p++;
		printf("# expect: addr=0x%" PRIxPTR " expected=0x%02x actual=0x00\n",
		       (uintptr_t)p, pattern_byte((uintptr_t)p, r.seed));
	}
	oracle_result("pattern", c, oracle_pattern("oracle_pattern", c, r.base, r.len, r.seed));
	return 0;
}
