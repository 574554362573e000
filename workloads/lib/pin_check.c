/*
 * pin_check.c: page-by-page comparison of two views of a pinned buffer with evidence at the
 * buffer address, for the pin oracle of thp_pinned (see pin_check.h).
 */
#include <stdio.h>
#include <string.h>

#include "pin_check.h"
#include "report.h"
#include "thp_region.h"

long pin_check_range(const char *test, const char *what, uintptr_t addr, const void *expected,
		     const void *actual, size_t len)
{
	const unsigned char *e = expected, *a = actual;
	size_t off, n, i, first = 0;
	char label[160], exp[8], act[8];
	long pages = 0;

	for (off = 0; off < len; off += PAGE_SIZE_4K) {
		n = len - off < PAGE_SIZE_4K ? len - off : PAGE_SIZE_4K;
		if (!memcmp(e + off, a + off, n))
			continue;
		if (!pages) {
			for (i = off; e[i] == a[i]; i++)
				;
			first = i;
		}
		pages++;
	}
	if (!pages)
		return 0;
	snprintf(exp, sizeof(exp), "0x%02x", e[first]);
	snprintf(act, sizeof(act), "0x%02x", a[first]);
	snprintf(label, sizeof(label), "%s (%ld of %zu pages differ)", what, pages,
		 (len + PAGE_SIZE_4K - 1) / PAGE_SIZE_4K);
	report_evidence(test, label, exp, act, addr + first);
	return pages;
}
