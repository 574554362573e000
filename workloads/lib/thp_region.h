/*
 * thp_region.h: THP-backed anonymous memory for a workload's operation under test.
 * A region is nr_folios folios of folio_size bytes (the PMD size or an mTHP size), aligned to
 * folio_size, advised MADV_HUGEPAGE, filled with the seed's pattern (which faults it in with
 * real data, never the zero page) and confirmed to be made of THPs before it is handed out,
 * so an operation is never run on memory that was not huge in the first place.
 */
#ifndef SPLITFAIL_THP_REGION_H
#define SPLITFAIL_THP_REGION_H

#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE_4K 4096UL

/* Return codes of the mapping helpers besides 0 and -errno: the caller SKIPs with "why". */
#define THP_REGION_SKIP 4

struct thp_region {
	char *base;		/* folio_size aligned start */
	size_t len;		/* nr_folios * folio_size */
	size_t folio_size;
	size_t nr_folios;
	uint64_t seed;		/* pattern seed the region was filled with */
};

/* The first line of a sysfs, sysctl or debugfs file, without its newline. 0 or -errno. */
int sysfs_read_line(const char *path, char *buf, size_t len);

/* The [selected] word of a sysfs choice such as "always [madvise] never". 0 or -errno. */
int sysfs_read_selected(const char *path, char *out, size_t len);

/* System page size (sysconf). */
size_t page_size(void);

/* PMD THP size from /sys/kernel/mm/transparent_hugepage/hpage_pmd_size, or 0 if absent. */
size_t thp_pmd_size(void);

/*
 * 0 when THP can be used with MADV_HUGEPAGE for folio_size (global "enabled" is not never,
 * and for mTHP sizes the per-size knob is not never), THP_REGION_SKIP with the reason in why.
 */
int thp_available(size_t folio_size, char *why, size_t why_len);

/*
 * Maps, advises, fills and confirms a region. Returns 0, THP_REGION_SKIP (THP unavailable or
 * not obtained; reason in why) or -errno (reason in why). On success every folio is a THP;
 * for the PMD size every folio is also PMD-mapped (smaps AnonHugePages covers the region).
 */
int thp_region_map(struct thp_region *r, size_t nr_folios, size_t folio_size, uint64_t seed,
		   char *why, size_t why_len);

/*
 * Splits every PMD mapping of the region into PTEs while keeping the folios whole
 * (mprotect of one page to PROT_READ and back). Returns the number of folios confirmed still
 * THP and no longer PMD-mapped; the caller compares it with nr_folios.
 */
long thp_region_pte_map(struct thp_region *r);

/* Number of folios of the region that kpageflags shows as an intact THP of folio_size. */
long thp_region_count_thp(const struct thp_region *r);

/* Number of folios of a PMD-size region that are PMD-mapped (smaps AnonHugePages). */
long thp_region_count_pmd_mapped(const struct thp_region *r);

/* Unmaps the whole region (harmless where parts are already unmapped). */
void thp_region_unmap(struct thp_region *r);

/*
 * A private anonymous buffer of len bytes for a check's copies of a region, PMD-aligned and
 * MADV_HUGEPAGE so that the kernel can back it with THPs: filling it then takes a few page
 * faults instead of one per 4 kB page (hundreds of milliseconds under software emulation).
 * Its content is undefined. NULL (errno set) on failure; free with thp_scratch_free.
 */
void *thp_scratch_alloc(size_t len);
void thp_scratch_free(void *p, size_t len);

#endif
