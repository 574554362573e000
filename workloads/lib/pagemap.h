/*
 * pagemap.h: what the kernel says about the pages of this process: /proc/self/pagemap
 * (present, swapped, PFN), /proc/kpageflags for a PFN, and the NUMA node a page is on
 * (move_pages with nodes = NULL), for one page or for many in one pass.
 */
#ifndef SPLITFAIL_PAGEMAP_H
#define SPLITFAIL_PAGEMAP_H

#include <stddef.h>
#include <stdint.h>

#include "kpage.h"

/* Bit numbers of /proc/kpageflags (Documentation/admin-guide/mm/pagemap.rst). */
#define KPF_COMPOUND_HEAD	15
#define KPF_COMPOUND_TAIL	16
#define KPF_HUGE		17
#define KPF_THP			22
#define KPF_ZERO_PAGE		24

struct page_info {
	int present;
	int swapped;
	uint64_t pfn;		/* 0 when not present or not visible (needs CAP_SYS_ADMIN) */
	uint64_t kflags;	/* /proc/kpageflags word, valid when kflags_valid */
	int kflags_valid;
};

/* Fills *pi for the page containing addr. Returns 0 or -errno. */
int pagemap_read(uintptr_t addr, struct page_info *pi);

/*
 * The raw pagemap entries of the nr pages from the page containing start, in one pass.
 * Returns 0 or -errno.
 */
int pagemap_entries(uintptr_t start, size_t nr, uint64_t *out);

/* The entry of the page containing each pages[i]: one read per run of adjacent pages. */
int pagemap_entries_of(void *const *pages, long nr, uint64_t *out);

/* *pi from one raw entry: present, swapped, PFN (kflags not read). */
void page_info_from_entry(uint64_t e, struct page_info *pi);

/* Pages of [start, start + len) that pagemap shows present. Returns the count or -errno. */
long pagemap_count_present(uintptr_t start, size_t len, uintptr_t *first_present);

/* Pages of [start, start + len) that pagemap shows swapped out. Returns the count or -errno. */
long pagemap_count_swapped(uintptr_t start, size_t len);

/*
 * Bytes of [start, start + len) mapped by PMDs (THP or hugetlb), from the PAGEMAP_SCAN ioctl
 * (PAGE_IS_HUGE). Returns the byte count or -errno (-ENOTTY/-EINVAL: kernel without it).
 */
long long pagemap_pmd_mapped_bytes(uintptr_t start, size_t len);

/*
 * 1 if [start, start + folio_size) is exactly one intact THP folio per kpageflags (head then
 * tails, contiguous PFNs, the next page not a tail of it), 0 if not, -errno (-EPERM without
 * CAP_SYS_ADMIN, which hides PFNs).
 */
int pagemap_is_thp_folio(uintptr_t start, size_t folio_size);

/*
 * Node of the page at addr (move_pages with nodes = NULL): the node number, or the negative
 * errno the kernel put in the status (-ENOENT: not present, -EFAULT: not mapped).
 */
int page_node(void *addr);

/*
 * page_node() of nr pages in one move_pages(2) call: nodes[i] is pages[i]'s node or its
 * negative errno. Returns 0 or -errno when the call itself failed.
 */
int page_nodes(void *const *pages, long nr, int *nodes);

#endif
