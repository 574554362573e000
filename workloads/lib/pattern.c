/*
 * pattern.c: fills and verifies the address-and-seed pattern. Each 8-byte word is a mix of its
 * own address and the seed, so a byte's expected value is known without any stored copy,
 * and a moved, zeroed or stale page never matches by accident.
 */
#include <string.h>

#include "pattern.h"
#include "thp_region.h"

/*
 * A page's key: its address and the seed through a 64-bit mixer (splitmix64 finaliser
 * constants), computed once per page.
 */
static inline uint64_t page_key(uintptr_t page_addr, uint64_t seed)
{
	uint64_t x = (uint64_t)page_addr ^ (seed * 0x9e3779b97f4a7c15ULL);

	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/*
 * The word at word_addr: its page's key XOR its own address. Within a page every word differs
 * (so a zeroed or shifted page never matches), pages differ by key (so a page moved or swapped
 * with another does not match), and the inner loops are an add and an XOR per word, so fill
 * and verify run near memory speed.
 */
static inline uint64_t pattern_word(uintptr_t word_addr, uint64_t seed)
{
	return page_key(word_addr & ~(PAGE_SIZE_4K - 1), seed) ^ (uint64_t)word_addr;
}

uint8_t pattern_byte(uintptr_t addr, uint64_t seed)
{
	uint64_t w = pattern_word(addr & ~(uintptr_t)7, seed);

	/* little-endian byte order inside the word, as pattern_fill stores it */
	return (uint8_t)(w >> (8 * (addr & 7)));
}

/*
 * Plain 64-bit words, four per step: under software emulation (QEMU TCG) vector
 * instructions are emulated one by one and run several times slower than this, and on
 * hardware it is as fast as the vector form.
 */

/* Fills the words [w, end) inside one page whose key is key. */
static void fill_words(uint64_t *w, uint64_t *end, uint64_t key)
{
	size_t i = 0, n = (size_t)(end - w);
	uint64_t a = (uintptr_t)w;

	for (; i + 4 <= n; i += 4, a += 32) {
		w[i] = key ^ a;
		w[i + 1] = key ^ (a + 8);
		w[i + 2] = key ^ (a + 16);
		w[i + 3] = key ^ (a + 24);
	}
	for (; i < n; i++, a += 8)
		w[i] = key ^ a;
}

void pattern_fill(void *p, size_t len, uint64_t seed)
{
	uintptr_t a = (uintptr_t)p, end = a + len, next;

	for (; a < end && (a & 7); a++)
		*(uint8_t *)a = pattern_byte(a, seed);
	while (a + 8 <= end) {
		next = (a & ~(PAGE_SIZE_4K - 1)) + PAGE_SIZE_4K;
		if (next > (end & ~(uintptr_t)7))
			next = end & ~(uintptr_t)7;
		fill_words((uint64_t *)a, (uint64_t *)next,
			   page_key(a & ~(PAGE_SIZE_4K - 1), seed));
		a = next;
	}
	for (; a < end; a++)
		*(uint8_t *)a = pattern_byte(a, seed);
}

/* 1 if any word of [w, end) inside one page differs from the pattern with key. */
static int words_differ(const uint64_t *w, const uint64_t *end, uint64_t key)
{
	size_t i = 0, n = (size_t)(end - w);
	uint64_t a = (uintptr_t)w, d0 = 0, d1 = 0, d2 = 0, d3 = 0;

	for (; i + 4 <= n; i += 4, a += 32) {
		d0 |= w[i] ^ key ^ a;
		d1 |= w[i + 1] ^ key ^ (a + 8);
		d2 |= w[i + 2] ^ key ^ (a + 16);
		d3 |= w[i + 3] ^ key ^ (a + 24);
	}
	for (; i < n; i++, a += 8)
		d0 |= w[i] ^ key ^ a;
	return (d0 | d1 | d2 | d3) != 0;
}

static int page_differs(uintptr_t start, uintptr_t end, uint64_t seed, uintptr_t *first)
{
	uintptr_t a = start;

	for (; a < end && (a & 7); a++)
		if (*(const uint8_t *)a != pattern_byte(a, seed))
			goto found;
	if (a + 8 <= end && words_differ((const uint64_t *)a, (const uint64_t *)(end & ~7UL),
					 page_key(a & ~(PAGE_SIZE_4K - 1), seed)))
		goto find_byte;
	for (a = a + ((end - a) & ~7UL); a < end; a++)
		if (*(const uint8_t *)a != pattern_byte(a, seed))
			goto found;
	return 0;
find_byte:
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
