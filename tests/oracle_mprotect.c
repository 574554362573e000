/*
 * oracle_mprotect: hands oracle_prot / oracle_prot_either real protection states made on
 * purpose. "skipped": the mprotect(PROT_READ) of the middle of a THP was never made, so the
 * oracle must count every page of the range and say it expected PROT_READ and found
 * PROT_READ|PROT_WRITE. "correct": mprotect was made (PROT_READ, and PROT_NONE), the oracle
 * must find nothing. "either_broken": a range made PROT_NONE checked as "PROT_READ or
 * read-write" must be reported.
 */
#include <sys/mman.h>

#include "oracle.h"
#include "oracle_util.h"

int main(int argc, char **argv)
{
	static const char *const cases[] = { "skipped", "correct", "either_broken", NULL };
	const char *c = oracle_case(argc, argv, cases);
	const int rw = PROT_READ | PROT_WRITE;
	struct thp_region r;
	char *start;
	size_t len;

	oracle_region(&r, 1);
	start = r.base + r.len / 4;
	len = r.len / 2;
	printf("# expect: range=%p pages=%zu\n", (void *)start, len / PAGE_SIZE_4K);
	if (!strcmp(c, "skipped")) {
		/* the mprotect(start, len, PROT_READ) a buggy kernel would have skipped */
		oracle_result("prot", c, oracle_prot("oracle_mprotect.skipped", start, len,
						     PROT_READ));
	} else if (!strcmp(c, "correct")) {
		if (mprotect(start, len, PROT_READ))
			return 2;
		oracle_result("prot", "correct_read",
			      oracle_prot("oracle_mprotect.correct", start, len, PROT_READ) +
			      oracle_prot("oracle_mprotect.correct", r.base, r.len / 4, rw));
		if (mprotect(start, len, PROT_NONE))
			return 2;
		oracle_result("prot", "correct_none",
			      oracle_prot("oracle_mprotect.correct", start, len, PROT_NONE));
		if (mprotect(start, len, rw))
			return 2;
		oracle_result("pattern", "correct_after_restore",
			      oracle_pattern("oracle_mprotect.correct", "restored", r.base, r.len,
					     r.seed));
	} else {
		if (mprotect(start, len, PROT_NONE))
			return 2;
		oracle_result("prot_either", c,
			      oracle_prot_either("oracle_mprotect.either_broken", start, len,
						 PROT_READ, rw));
	}
	return 0;
}
