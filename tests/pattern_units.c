/*
 * pattern_units: unit tests of workloads/lib/pattern.c against a byte-by-byte reference
 * (pattern_byte per byte): fill writes exactly the reference bytes for any start and length;
 * verify finds every kind of damage the workloads rely on it to find - one byte changed in
 * each position of a word at the start, middle and end of a page, a page zeroed, two pages
 * swapped, a page shifted by a word, a page holding another page's (or another seed's)
 * pattern - naming the same first address, expected and actual byte and page count as the
 * reference, also for ranges that start and end inside a word.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "pattern.h"
#include "thp_region.h"
#include "unit_tap.h"

#define PAGES 8
#define SEED 11

/* The reference: pages of [p, p + len) (cut at 4 kB boundaries) with a byte that differs. */
static long ref_verify(const uint8_t *p, size_t len, uint64_t seed, uintptr_t *first)
{
	uintptr_t a = (uintptr_t)p, end = a + len, page_end;
	long pages = 0;

	*first = 0;
	while (a < end) {
		int bad = 0;

		page_end = (a & ~(PAGE_SIZE_4K - 1)) + PAGE_SIZE_4K;
		if (page_end > end)
			page_end = end;
		for (; a < page_end; a++) {
			if (*(const uint8_t *)a == pattern_byte(a, seed))
				continue;
			if (!*first)
				*first = a;
			bad = 1;
		}
		pages += bad;
	}
	return pages;
}

/* verify of [p, p + len) agrees with the reference in count, address and bytes. */
static void agrees(const char *what, const uint8_t *p, size_t len, long want_pages)
{
	struct pattern_mismatch mm;
	uintptr_t first;
	long ref = ref_verify(p, len, SEED, &first);
	long got = pattern_verify(p, len, SEED, &mm);
	char exp[160], act[160];
	int ok = got == ref && got == want_pages && mm.pages == got &&
		 mm.first_addr == first &&
		 (!got || (mm.expected == pattern_byte(first, SEED) &&
			   mm.actual == *(const uint8_t *)first));

	snprintf(exp, sizeof(exp), "%ld pages, first 0x%" PRIxPTR, want_pages, first);
	snprintf(act, sizeof(act), "%ld pages (reference %ld), first 0x%" PRIxPTR
		 " expected 0x%02x actual 0x%02x", got, ref, mm.first_addr, mm.expected,
		 mm.actual);
	check(ok, what, exp, act);
}

static void fill_matches_reference(uint8_t *buf)
{
	static const size_t starts[] = { 0, 1, 3, 7, 8, 4093, 4096 };
	static const size_t lens[] = { 0, 1, 5, 8, 13, 4096, 4099, 3 * 4096 + 9 };
	size_t i, j, k;
	int ok = 1;

	for (i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		for (j = 0; j < sizeof(lens) / sizeof(lens[0]); j++) {
			memset(buf, 0xa5, PAGES * PAGE_SIZE_4K);
			pattern_fill(buf + starts[i], lens[j], SEED);
			for (k = 0; k < PAGES * PAGE_SIZE_4K; k++) {
				int inside = k >= starts[i] && k < starts[i] + lens[j];
				uint8_t want = inside ? pattern_byte((uintptr_t)&buf[k], SEED) : 0xa5;

				ok &= buf[k] == want;
			}
		}
	}
	check(ok, "fill writes the reference bytes and nothing outside, any start and length",
	      "every byte", ok ? "every byte" : "a byte differs");
}

int main(void)
{
	uint8_t *buf = mmap(NULL, PAGES * PAGE_SIZE_4K, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *save = malloc(PAGES * PAGE_SIZE_4K);
	size_t len = PAGES * PAGE_SIZE_4K, off;
	/* words 0 to 3 of a group of four, at the start, middle and end of a page */
	static const size_t offs[] = { 0, 5, 11, 22, 31, 2048, 2048 + 7, 4088, 4095 };
	char what[96];
	unsigned int i;

	if (buf == MAP_FAILED || !save) {
		free(save);
		return 2;
	}
	fill_matches_reference(buf);
	pattern_fill(buf, len, SEED);
	memcpy(save, buf, len);
	agrees("intact region verifies clean", buf, len, 0);
	agrees("intact unaligned range verifies clean", buf + 3, len - 10, 0);

	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		off = 2 * PAGE_SIZE_4K + offs[i];
		buf[off] ^= 0x10;
		snprintf(what, sizeof(what), "one byte changed at page offset %zu", offs[i]);
		agrees(what, buf, len, 1);
		buf[off] ^= 0x10;
	}
	buf[len - 1] ^= 1;
	agrees("last byte of an unaligned range changed", buf + 1, len - 1, 1);
	buf[len - 1] ^= 1;
	buf[2] ^= 1;
	agrees("byte before the first whole word changed", buf + 1, len - 1, 1);
	buf[2] ^= 1;

	memset(buf + 3 * PAGE_SIZE_4K, 0, PAGE_SIZE_4K);
	agrees("a zeroed page", buf, len, 1);
	memcpy(buf, save, len);

	memcpy(buf + 1 * PAGE_SIZE_4K, save + 4 * PAGE_SIZE_4K, PAGE_SIZE_4K);
	memcpy(buf + 4 * PAGE_SIZE_4K, save + 1 * PAGE_SIZE_4K, PAGE_SIZE_4K);
	agrees("two pages swapped", buf, len, 2);
	memcpy(buf, save, len);

	memmove(buf + 5 * PAGE_SIZE_4K + 8, buf + 5 * PAGE_SIZE_4K, PAGE_SIZE_4K - 8);
	agrees("a page shifted by one word", buf, len, 1);
	memcpy(buf, save, len);

	pattern_fill(buf + 6 * PAGE_SIZE_4K, PAGE_SIZE_4K, SEED + 1);
	agrees("a page with another seed's pattern", buf, len, 1);
	memcpy(buf, save, len);

	for (i = 0; i < PAGES; i += 2)
		buf[i * PAGE_SIZE_4K + 100 + i] ^= 0x80;
	agrees("every other page damaged: each counted once", buf, len, PAGES / 2);
	memcpy(buf, save, len);

	printf("1..%d\n", n_test);
	return n_failed != 0;
}
