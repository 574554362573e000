/*
 * hmm_folios.h: what device migration did with each large folio of a region, read after the
 * fact, so thp_device_migrate's oracles follow the running kernel instead of assuming it.
 * A PTE-mapped THP or an mTHP folio is split before its pages go to the device on kernels
 * that take large folios (migrate_vma_collect_pmd -> migrate_vma_split_folio), and left in
 * place, whole, on kernels that skip them (the ioctl then says ENOENT); a PMD-mapped THP may
 * go whole. Per folio: on the device (every page), in system memory and still the same whole
 * folio (its first page still maps the PFN recorded before and is a compound head), in system
 * memory but split or moved, or partly on the device.
 */
#ifndef SPLITFAIL_HMM_FOLIOS_H
#define SPLITFAIL_HMM_FOLIOS_H

#include <stddef.h>
#include <stdint.h>

struct thp_region;

struct hmm_folio_outcome {
	long on_device;		/* every page on the device */
	long system_whole;	/* every page in system memory, the folio as it was */
	long system_split;	/* every page in system memory, the folio split or moved */
	long partly;		/* some pages on the device, some not */
	long unplaced;		/* none on the device, some neither there nor in system memory */
};

/*
 * Classifies the folios of r from the snapshot bytes perm (one per page) and the PFN of each
 * folio's first page recorded before the migration (pfn[i], 0 when unknown).
 */
void hmm_folio_outcome(const struct thp_region *r, const unsigned char *perm,
		       const uint64_t *pfn, size_t nr_pfn, struct hmm_folio_outcome *o);

/* Prints "# <test>: <when>: N folios of K kB: on device .., in system whole .., ...". */
void hmm_folio_outcome_print(const char *test, const char *when, const struct thp_region *r,
			     const struct hmm_folio_outcome *o);

#endif
