/*
 * race_plan.h: what every page of a region should look like after threads raced operations on
 * it (thp_race). Each page has one owner thread, which alone updates the page's entry as its
 * operations succeed or fail: mapped or unmapped, the protection (or the two it may have
 * after a failed mprotect) and the seed of the pattern last written there. race_plan_verify
 * then checks the region against the plan: unmapped pages must fault, mapped ones have their
 * protection and read back their pattern.
 */
#ifndef SPLITFAIL_RACE_PLAN_H
#define SPLITFAIL_RACE_PLAN_H

#include <stddef.h>
#include <stdint.h>

struct race_page {
	uint64_t seed;		/* pattern seed of the data, meaningful when mapped */
	int mapped;		/* 1 mapped, 0 unmapped, -1 not checked (see race_plan_forget) */
	int prot_a;		/* the page has prot_a or prot_b (equal when known) */
	int prot_b;
};

struct race_plan {
	char *base;
	size_t npages;
	struct race_page *pages;
};

/* What race_plan_verify found: pages that broke each promise. */
struct race_verdict {
	long still_mapped;	/* planned unmapped, still mapped */
	long bad_prot;		/* mapped with a protection the plan does not allow */
	long corrupt;		/* pattern differs from the planned seed (or page gone) */
};

/* Plan for [base, base + len): every page mapped read-write with seed. Returns 0 or -ENOMEM. */
int race_plan_init(struct race_plan *p, char *base, size_t len, uint64_t seed);

void race_plan_free(struct race_plan *p);

/* The entry of the page at addr. */
struct race_page *race_plan_page(const struct race_plan *p, const void *addr);

/* Sets [addr, addr + len): unmapped. */
void race_plan_unmap(struct race_plan *p, const void *addr, size_t len);

/* Sets [addr, addr + len): mapped read-write with seed's pattern. */
void race_plan_map(struct race_plan *p, const void *addr, size_t len, uint64_t seed);

/*
 * Sets [addr, addr + len): not checked, e.g. a hole the owner could not map back because
 * something else of the process was placed there (MAP_FIXED_NOREPLACE failed with EEXIST).
 */
void race_plan_forget(struct race_plan *p, const void *addr, size_t len);

/* Sets the pattern seed of [addr, addr + len). */
void race_plan_seed(struct race_plan *p, const void *addr, size_t len, uint64_t seed);

/* Sets the protection of [addr, addr + len) to prot_a or prot_b. */
void race_plan_prot(struct race_plan *p, const void *addr, size_t len, int prot_a,
		    int prot_b);

/* 1 if every page of [addr, addr + len) is planned mapped, 0 if not. */
int race_plan_all_mapped(const struct race_plan *p, const void *addr, size_t len);

/* 1 if every page of [addr, addr + len) is planned unmapped, 0 if not. */
int race_plan_all_unmapped(const struct race_plan *p, const void *addr, size_t len);

/*
 * Checks the region against the plan, run by run of equal entries, with the oracles of
 * oracle.h (their evidence lines name test). Returns the total of broken pages (v filled).
 */
long race_plan_verify(const struct race_plan *p, const char *test, struct race_verdict *v);

#endif
