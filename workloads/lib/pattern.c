/*
 * pattern.c: fills and verifies the address-and-seed pattern. Each 8-byte word is a mix of its
 * own address and the seed, so a byte's expected value is known without any stored copy,
 * and a moved, zeroed or stale page never matches by accident.
 */
#include <string.h>

#include "pattern.h"
#include "thp_region.h"

static inline uint64_t pattern_word(uintptr_t word_addr, uint64_t seed)
{
	uint64_t x = (uint64_t)word_addr ^ (seed * 0x9e3779b97f4a7c15ULL);

	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 32;
	return x;
}

uint8_t pattern_byte(uintptr_t addr, uint64_t seed)
{
	uint64_t w = pattern_word(addr & ~(uintptr_t)7, seed);

	/* little-endian byte order inside the word, as pattern_fill stores it */
	return (uint8_t)(w >> (8 * (addr & 7)));
}

void pattern_fill(void *p, size_t len, uint64_t seed)
{
	uintptr_t a = (uintptr_t)p, end = a + len;

	for (; a < end && (a & 7); a++)
		*(uint8_t *)a = pattern_byte(a, seed);
	for (; a + 8 <= end; a += 8)
		*(uint64_t *)a = pattern_word(a, seed);
	for (; a < end; a++)
		*(uint8_t *)a = pattern_byte(a, seed);
}

static int page_differs(uintptr_t start, uintptr_t end, uint64_t seed, uintptr_t *first)
{
	uintptr_t a = start;

	for (; a < end && (a & 7); a++)
		if (*(const uint8_t *)a != pattern_byte(a, seed))
			goto found;
	for (; a + 8 <= end; a += 8)
		if (*(const uint64_t *)a != pattern_word(a, seed))
			goto found_word;
	for (; a < end; a++)
		if (*(const uint8_t *)a != pattern_byte(a, seed))
			goto found;
	return 0;
found_word:
	while (*(const uint8_t *)a == pattern_byte(a, seed))
		a++;
found:
	*first = a;
	return 1;
}

long pattern_verify(const void *p, size_t len, uint64_t seed, struct pattern_mismatch *mm)
{
	uintptr_t a = (uintptr_t)p, end = a + len, next, first;
	long pages = 0;

	memset(mm, 0, sizeof(*mm));
	while (a < end) {
		next = (a & ~(PAGE_SIZE_4K - 1)) + PAGE_SIZE_4K;
		if (next > end)
			next = end;
		if (page_differs(a, next, seed, &first)) {
			if (!pages) {
				mm->first_addr = first;
				mm->expected = pattern_byte(first, seed);
				mm->actual = *(const uint8_t *)first;
			}
			pages++;
		}
		a = next;
	}
	mm->pages = pages;
	return pages;
}
