/*
 * pattern.h: data pattern derived from each byte's address and the run's seed, so corruption,
 * a page swapped with another, or a page replaced by zeroes is found and located exactly.
 */
#ifndef SPLITFAIL_PATTERN_H
#define SPLITFAIL_PATTERN_H

#include <stddef.h>
#include <stdint.h>

/* The pattern byte at addr for seed. */
uint8_t pattern_byte(uintptr_t addr, uint64_t seed);

/* Writes the pattern over [p, p + len). */
void pattern_fill(void *p, size_t len, uint64_t seed);

struct pattern_mismatch {
	uintptr_t first_addr;	/* first byte that differs, 0 if none */
	uint8_t expected;
	uint8_t actual;
	long pages;		/* pages with at least one differing byte */
};

/* Compares [p, p + len) with the pattern. Returns the number of pages that differ. */
long pattern_verify(const void *p, size_t len, uint64_t seed, struct pattern_mismatch *mm);

#endif
