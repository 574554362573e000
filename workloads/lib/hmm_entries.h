/*
 * hmm_entries.h: what HMM_DMIRROR_MIGRATE_TO_SYS's cpages must be, judged from the range's
 * snapshots before and after the call, so the oracle follows what the running kernel did
 * instead of assuming one kernel's reporting.
 * The driver counts migration entries (lib/test_hmm.c dmirror_successful_migrated_pages:
 * src entries with MIGRATE_PFN_VALID and MIGRATE_PFN_MIGRATE). Where every entry is one page
 * (6.12: a THP is split before it reaches the device) that is pages. Where a PMD-sized folio
 * is migrated whole (7.x, MIGRATE_VMA_SELECT_COMPOUND, mm/migrate_device.c
 * migrate_vma_collect_huge_pmd) its 512 pages are one MIGRATE_PFN_COMPOUND entry: cpages 1.
 * If the system side could only get base pages, the folio is split on the way
 * (migrate_vma_split_unmapped_folio) and its pages count one each again.
 * The snapshot shows which: a device-private folio mapped by a PMD reads
 * HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL | HMM_DMIRROR_PROT_PMD on each of its pages (mm/hmm.c
 * hmm_vma_handle_absent_pmd), a PMD-mapped THP in system memory reads
 * HMM_DMIRROR_PROT_PMD with its access bits.
 */
#ifndef SPLITFAIL_HMM_ENTRIES_H
#define SPLITFAIL_HMM_ENTRIES_H

#include <stddef.h>
#include <stdint.h>

/* How the pages that left the device during one MIGRATE_TO_SYS were carried. */
struct hmm_entries {
	long dev_compound;	/* before: PMD-sized device folios (whole aligned 2 MiB blocks) */
	long dev_single;	/* before: device pages outside such blocks */
	long left_pages;	/* on the device before, not after */
	long left_compound;	/* PMD device folios that left whole and are PMD-mapped now: 1 each */
	long left_split;	/* PMD device folios that left whole as base pages: 512 each */
	long left_unresolved;	/* PMD device folios that left whole, some page now unplaced */
	long pmd_pages;		/* pages per PMD-sized folio */
	long cpages_min;	/* what cpages must be: min, when no folio is unresolved; else */
	long cpages_max;	/* min + k * (pmd_pages - 1), each unresolved one counting 1 or all */
};

/*
 * Device pages of this device in npages snapshot bytes from addr: PMD-sized folios (whole
 * aligned blocks of pmd_pages, each byte DEV_PRIVATE_LOCAL | PMD) and single pages.
 */
void hmm_entries_on_device(const unsigned char *perm, size_t npages, uintptr_t addr,
			   size_t pmd_pages, long *compound, long *single);

/*
 * Fills *e from the snapshot bytes of npages pages starting at addr (PMD-aligned blocks are
 * found from addr; pmd_pages = pages per PMD, 512 on x86_64) before and after the call.
 */
void hmm_entries_to_sys(const unsigned char *before, const unsigned char *after,
			size_t npages, uintptr_t addr, size_t pmd_pages, struct hmm_entries *e);

/*
 * The check line for cpages against *e ("# splitfail: check test=<test> what=<what>
 * expected=<min>[..<max>] actual=<cpages> result=ok|FAIL") after one line saying how the
 * entries were counted. Returns 0 when cpages is what the kernel's counting gives, else 1.
 */
int hmm_entries_check(const char *test, const char *what, const struct hmm_entries *e,
		      long long cpages);

#endif
