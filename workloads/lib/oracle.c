/*
 * oracle.c: the promise checks of docs/protocol.md ("Operation oracles"), shared by workloads
 * and tests/oracle_*.c.
 * Each looks page by page, prints the first piece of evidence as
 * "# <test>: <what>: expected <x>, got <y> at 0x<addr>" plus a count, and returns how many
 * pages broke the promise.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/mman.h>

#include "oracle.h"
#include "pagemap.h"
#include "pattern.h"
#include "probe.h"
#include "report.h"
#include "smaps.h"
#include "thp_region.h"

long oracle_pattern(const char *test, const char *what, const void *p, size_t len,
		    uint64_t seed)
{
	struct pattern_mismatch mm;
	char expected[8], actual[8], label[128];
	long pages = pattern_verify(p, len, seed, &mm);

	if (!pages)
		return 0;
	snprintf(expected, sizeof(expected), "0x%02x", mm.expected);
	snprintf(actual, sizeof(actual), "0x%02x", mm.actual);
	snprintf(label, sizeof(label), "pattern %s (%ld of %zu pages differ)", what, pages,
		 (len + PAGE_SIZE_4K - 1) / PAGE_SIZE_4K);
	report_evidence(test, label, expected, actual, mm.first_addr);
	return pages;
}

long oracle_unmapped(const char *test, const void *p, size_t len)
{
	uintptr_t a, start = (uintptr_t)p, end = start + len, first = 0;
	struct vma_info v;
	long bad = 0, vmas;
	char actual[96], label[96];

	/* the common, correct case costs two syscalls; /proc/self/maps only when it is not */
	if (!len || probe_range_hole(p, len) == 1)
		return 0;
	vmas = maps_count_overlapping(start, end);
	/* without a VMA every access faults: look page by page only when maps shows one */
	if (vmas) {
		probe_batch_begin();
		for (a = start; a < end; a += PAGE_SIZE_4K) {
			if (probe_mapped((const void *)a) || probe_readable((const void *)a)) {
				if (!bad)
					first = a;
				bad++;
			}
		}
		probe_batch_end();
	}
	if (bad) {
		const char *perm = "?";

		if (maps_find(first, &v) == 1)
			perm = prot_name(v.prot & ~PROT_EXEC);
		snprintf(label, sizeof(label), "munmap hole (%ld of %zu pages still mapped)", bad,
			 len / PAGE_SIZE_4K);
		snprintf(actual, sizeof(actual), "mapped %s", perm);
		report_evidence(test, label, "unmapped", actual, first);
	} else if (vmas > 0) {
		/* every page faults yet maps shows a VMA: report it as one bad page */
		snprintf(actual, sizeof(actual), "%ld VMAs in /proc/self/maps", vmas);
		report_evidence(test, "munmap hole in maps", "no VMA", actual, start);
		bad = 1;
	}
	return bad;
}

long oracle_prot_either(const char *test, void *p, size_t len, int prot_a, int prot_b)
{
	uintptr_t a, start = (uintptr_t)p, end = start + len, first = 0;
	int first_prot = 0;
	long bad = 0;
	char expected[64], label[96];
	int all_mapped;

	if (!len)
		return 0;
	all_mapped = probe_range_mapped(p, len);
	probe_batch_begin();
	for (a = start; a < end; a += PAGE_SIZE_4K) {
		int prot = probe_prot_mapped((void *)a, all_mapped);

		if (prot != prot_a && prot != prot_b) {
			if (!bad) {
				first = a;
				first_prot = prot;
			}
			bad++;
		}
	}
	probe_batch_end();
	if (!bad)
		return 0;
	if (prot_a == prot_b)
		snprintf(expected, sizeof(expected), "%s", prot_name(prot_a));
	else
		snprintf(expected, sizeof(expected), "%s or %s", prot_name(prot_a),
			 prot_name(prot_b));
	snprintf(label, sizeof(label), "protection (%ld of %zu pages differ)", bad,
		 len / PAGE_SIZE_4K);
	report_evidence(test, label, expected, prot_name(first_prot), first);
	return bad;
}

long oracle_prot(const char *test, void *p, size_t len, int prot)
{
	return oracle_prot_either(test, p, len, prot, prot);
}

long oracle_paged_out(const char *test, const char *op, void *p, size_t len)
{
	uintptr_t first = 0;
	long present = pagemap_count_present((uintptr_t)p, len, &first);
	char label[96], actual[64];

	if (present < 0)
		return present;
	if (!present)
		return 0;
	snprintf(label, sizeof(label), "%s residency (%ld of %zu pages still present)", op,
		 present, len / PAGE_SIZE_4K);
	snprintf(actual, sizeof(actual), "present");
	report_evidence(test, label, "paged out", actual, first);
	report_silent_skip(test, op, present, first,
			   "returned 0 but %ld of %zu pages are still resident", present,
			   len / PAGE_SIZE_4K);
	return present;
}
