/*
 * thp_region.c: maps THP-backed anonymous regions and proves they are huge before use:
 * folio_size-aligned mmap, MADV_HUGEPAGE, pattern fill (real data, so no zero page), then
 * smaps AnonHugePages (PMD-mapped THP) and /proc/kpageflags (folio head + tails, contiguous
 * PFNs) per folio. Anything short of that is a SKIP with the reason, never a silent pass.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pagemap.h"
#include "pattern.h"
#include "smaps.h"
#include "thp_region.h"

#define THP_SYSFS "/sys/kernel/mm/transparent_hugepage"

size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

int sysfs_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int ok;

	if (!f)
		return -errno;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (!ok)
		return -EIO;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

size_t thp_pmd_size(void)
{
	static size_t pmd_size;
	char buf[64];

	if (!pmd_size && !sysfs_read_line(THP_SYSFS "/hpage_pmd_size", buf, sizeof(buf)))
		pmd_size = (size_t)strtoull(buf, NULL, 10);
	return pmd_size;
}

int sysfs_read_selected(const char *path, char *out, size_t len)
{
	char buf[256], *open, *close;
	int err = sysfs_read_line(path, buf, sizeof(buf));

	if (err)
		return err;
	open = strchr(buf, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!close)
		return -EINVAL;
	*close = '\0';
	snprintf(out, len, "%s", open + 1);
	return 0;
}

int thp_available(size_t folio_size, char *why, size_t why_len)
{
	/* cached per process: each test case is a process, its knobs set before its first map */
	static size_t usable_size;
	static pid_t usable_pid;
	char global[32], per_size[32], path[128];
	size_t pmd = thp_pmd_size();

	if (folio_size == usable_size && getpid() == usable_pid)
		return 0;
	if (!pmd || sysfs_read_selected(THP_SYSFS "/enabled", global, sizeof(global))) {
		snprintf(why, why_len, "THP not available: no %s/enabled", THP_SYSFS);
		return THP_REGION_SKIP;
	}
	snprintf(path, sizeof(path), THP_SYSFS "/hugepages-%zukB/enabled", folio_size / 1024);
	if (sysfs_read_selected(path, per_size, sizeof(per_size))) {
		if (folio_size != pmd) {
			snprintf(why, why_len, "no mTHP size %zu kB on this kernel",
				 folio_size / 1024);
			return THP_REGION_SKIP;
		}
		snprintf(per_size, sizeof(per_size), "inherit");
	}
	if (!strcmp(per_size, "never") ||
	    (!strcmp(per_size, "inherit") && !strcmp(global, "never"))) {
		snprintf(why, why_len, "THP disabled for %zu kB folios (enabled=%s, global=%s)",
			 folio_size / 1024, per_size, global);
		return THP_REGION_SKIP;
	}
	usable_size = folio_size;
	usable_pid = getpid();
	return 0;
}

long thp_region_count_thp(const struct thp_region *r)
{
	long n = 0;
	size_t i;
	int ret;

	for (i = 0; i < r->nr_folios; i++) {
		ret = pagemap_is_thp_folio((uintptr_t)r->base + i * r->folio_size,
					   r->folio_size);
		if (ret < 0)
			return ret;
		n += ret;
	}
	return n;
}

long thp_region_count_pmd_mapped(const struct thp_region *r)
{
	long long bytes = pagemap_pmd_mapped_bytes((uintptr_t)r->base, r->len);

	if (bytes < 0) {
		/* no PAGEMAP_SCAN: smaps AnonHugePages counts PMD-mapped anonymous THP */
		bytes = smaps_range_field_kb((uintptr_t)r->base, (uintptr_t)r->base + r->len,
					     "AnonHugePages");
		if (bytes < 0)
			return 0;
		bytes *= 1024;
	}
	if (!r->folio_size)
		return 0;
	return (long)((size_t)bytes / r->folio_size);
}

/*
 * Reserves len bytes aligned to folio_size. An mTHP region is placed folio_size past a PMD
 * boundary and kept within one PMD size, so it never holds an aligned PMD range and the kernel
 * can only give it folios of the mTHP size.
 */
static char *map_aligned(size_t len, size_t folio_size, size_t pmd)
{
	size_t align = folio_size < pmd ? pmd : folio_size;
	size_t offset = folio_size < pmd ? folio_size : 0;
	size_t raw_len = len + align + offset;
	char *raw, *base;

	raw = mmap(NULL, raw_len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	base = (char *)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1)) + offset;
	if (base > raw)
		munmap(raw, (size_t)(base - raw));
	if (base + len < raw + raw_len)
		munmap(base + len, (size_t)(raw + raw_len - (base + len)));
	return base;
}

int thp_region_map(struct thp_region *r, size_t nr_folios, size_t folio_size, uint64_t seed,
		   char *why, size_t why_len)
{
	size_t len = nr_folios * folio_size, pmd = thp_pmd_size();
	long got;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = thp_available(folio_size, why, why_len);
	if (ret)
		return ret;
	if (folio_size < pmd && len > pmd) {
		snprintf(why, why_len, "mTHP region of %zu bytes exceeds the PMD size", len);
		return -EINVAL;
	}
	r->base = map_aligned(len, folio_size, pmd);
	if (!r->base) {
		ret = -errno;
		snprintf(why, why_len, "mmap of %zu bytes: %s", len, strerror(-ret));
		return ret;
	}
	r->len = len;
	r->folio_size = folio_size;
	r->nr_folios = nr_folios;
	r->seed = seed;
	if (madvise(r->base, len, MADV_HUGEPAGE)) {
		ret = -errno;
		snprintf(why, why_len, "madvise(MADV_HUGEPAGE): %s", strerror(-ret));
		goto fail;
	}
	pattern_fill(r->base, len, seed);
	got = folio_size == pmd ? thp_region_count_pmd_mapped(r) : thp_region_count_thp(r);
	if (got == -EPERM || got == -EACCES) {
		snprintf(why, why_len, "cannot read /proc/kpageflags to confirm mTHP (needs root)");
		ret = THP_REGION_SKIP;
		goto fail;
	} else if (got < 0) {
		ret = (int)got;
		snprintf(why, why_len, "reading pagemap/kpageflags: %s", strerror(-ret));
		goto fail;
	}
	if (got != (long)nr_folios) {
		snprintf(why, why_len, "no THP obtained: %ld of %zu folios of %zu kB are %s THPs",
			 got, nr_folios, folio_size / 1024,
			 folio_size == pmd ? "PMD-mapped" : "intact");
		ret = THP_REGION_SKIP;
		goto fail;
	}
	return 0;
fail:
	thp_region_unmap(r);
	return ret;
}

long thp_region_pte_map(struct thp_region *r)
{
	size_t i;
	long ptemapped = 0;

	for (i = 0; i < r->nr_folios; i++) {
		char *folio = r->base + i * r->folio_size;

		if (mprotect(folio, PAGE_SIZE_4K, PROT_READ) ||
		    mprotect(folio, PAGE_SIZE_4K, PROT_READ | PROT_WRITE))
			return -errno;
	}
	if (thp_region_count_pmd_mapped(r) != 0)
		return 0;
	ptemapped = thp_region_count_thp(r);
	return ptemapped;
}

void *thp_scratch_alloc(size_t len)
{
	size_t pmd = thp_pmd_size() ? thp_pmd_size() : PAGE_SIZE_4K;
	char *p = map_aligned(len, pmd, pmd);

	if (p)
		madvise(p, len, MADV_HUGEPAGE);	/* only a hint: 4 kB pages do as well */
	return p;
}

void thp_scratch_free(void *p, size_t len)
{
	if (p)
		munmap(p, len);
}

void thp_region_unmap(struct thp_region *r)
{
	if (r->base && r->len)
		munmap(r->base, r->len);
	r->base = NULL;
	r->len = 0;
}
