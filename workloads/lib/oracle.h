/*
 * oracle.h: the checks that decide whether an operation kept its promise (docs/protocol.md;
 * the rule: success means the whole range was done). Workloads and the oracle self-tests call
 * the same functions. Each prints its evidence ("# <test>: <what>: expected <x>, got <y> at 0x<addr>")
 * and returns how many pages broke the promise (0 means kept), or -errno if it could not look.
 */
#ifndef SPLITFAIL_ORACLE_H
#define SPLITFAIL_ORACLE_H

#include <stddef.h>
#include <stdint.h>

/* Pattern reads back unchanged over [p, p + len). Returns pages that differ. */
long oracle_pattern(const char *test, const char *what, const void *p, size_t len,
		    uint64_t seed);

/*
 * munmap returned 0: every page of [p, p + len) must be unmapped (no VMA in maps, access
 * faults). Returns pages still mapped.
 */
long oracle_unmapped(const char *test, const void *p, size_t len);

/* Every page of [p, p + len) must be mapped with protection prot. Returns pages that differ. */
long oracle_prot(const char *test, void *p, size_t len, int prot);

/*
 * After a failed mprotect: every page must have either prot_a or prot_b. Returns pages with
 * neither.
 */
long oracle_prot_either(const char *test, void *p, size_t len, int prot_a, int prot_b);

/*
 * MADV_PAGEOUT returned 0: pages of [p, p + len) still present in pagemap should have gone.
 * Prints the silent-skip line when any are left. Returns the pages still resident.
 */
long oracle_paged_out(const char *test, const char *op, void *p, size_t len);

#endif
