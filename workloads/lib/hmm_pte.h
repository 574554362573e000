/*
 * hmm_pte.h: what the CPU page table holds for a page, from its raw /proc/self/pagemap word,
 * so that a page HMM_DMIRROR_SNAPSHOT reports as "none" (0x00) can be told apart: no entry at
 * all, a present page, a swap entry, or one of the kernel's special swap entries (hwpoison,
 * migration, device-private, device-exclusive, PTE marker) with the PFN it carries and that
 * PFN's /proc/kpageflags word. The snapshot (hmm_range_fault without a fault request,
 * mm/hmm.c hmm_vma_handle_pte) turns every one of these except a present page and this
 * device's own device-private entry into 0x00, so the bare byte cannot say which it was.
 */
#ifndef SPLITFAIL_HMM_PTE_H
#define SPLITFAIL_HMM_PTE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Special swap types are counted down from the PTE marker, the last type on every kernel
 * ((1 << MAX_SWAPFILES_SHIFT) - 1 = 31, include/linux/swap.h): first the device entries of
 * CONFIG_DEVICE_PRIVATE (which CONFIG_TEST_HMM needs), SWP_DEVICE_NUM of them starting with
 * device-private write, read, then the device-exclusive ones; below them migration read,
 * read-exclusive, write (CONFIG_MIGRATION); below that hwpoison (CONFIG_MEMORY_FAILURE); the
 * rest are swap files. SWP_DEVICE_NUM is 4 in 6.12 (exclusive write and read) and 3 in 7.2
 * (one exclusive type), so every number below the marker differs between them: 6.12 has
 * hwpoison 23, migration 24-26, device 27-30; 7.2 hwpoison 24, migration 25-27, device 28-30.
 * The layout is therefore found at run time from a real device-private entry
 * (hmm_swp_calibrate() in hmm_probe.c) and set here; until then every type between the
 * lowest a special type can have and the marker decodes as HMM_PTE_SPECIAL (not known).
 */
#define HMM_SWP_TYPE_BITS	5
#define HMM_SWP_PTE_MARKER	31
#define HMM_SWP_LOWEST_SPECIAL	23	/* 4 device, 3 migration, 1 hwpoison types below 31 */

struct hmm_swp_layout {
	unsigned int device_write;	/* SWP_DEVICE_WRITE; 0 while not known */
	unsigned int device_num;	/* SWP_DEVICE_NUM = marker - device_write */
	int hwpoison;			/* hwpoison entries exist, at device_write - 4 */
};

/*
 * Sets the layout from SWP_DEVICE_WRITE and whether the kernel has hwpoison entries.
 * Returns 0, or -EINVAL when device_write leaves no room for the device types (2 to 4 of
 * them below the marker).
 */
int hmm_swp_layout_set(unsigned int device_write, int hwpoison);

/* Forgets the layout (types from HMM_SWP_LOWEST_SPECIAL up decode as HMM_PTE_SPECIAL). */
void hmm_swp_layout_reset(void);

const struct hmm_swp_layout *hmm_swp_layout_get(void);

/* "swap types: device 28-30 (write 28, read 29), migration 25-27, hwpoison 24, files 0-23". */
const char *hmm_swp_layout_describe(char *buf, size_t len);

enum hmm_pte_kind {
	HMM_PTE_NONE,		/* pagemap word without present or swap bit: no entry */
	HMM_PTE_PRESENT,	/* a present page (PFN when root) */
	HMM_PTE_SWAP,		/* an ordinary swap entry (type, offset) */
	HMM_PTE_HWPOISON,
	HMM_PTE_MIGRATION,	/* migration entry: a PFN locked for migration */
	HMM_PTE_DEVICE_PRIVATE,	/* device-private entry: a ZONE_DEVICE PFN */
	HMM_PTE_DEVICE_EXCLUSIVE,
	HMM_PTE_MARKER,		/* PTE marker (uffd-wp, poisoned, guard): none underneath */
	HMM_PTE_SPECIAL,	/* a special swap type while the layout is not known */
};

#define HMM_PTE_KINDS (HMM_PTE_SPECIAL + 1)

/* One page's CPU page-table state, decoded from its pagemap word. */
struct hmm_pte_state {
	uint64_t pme;		/* the raw pagemap word */
	enum hmm_pte_kind kind;
	unsigned int swp_type;	/* for swap-bit words */
	uint64_t frame;		/* PFN (present, migration, device, hwpoison) or swap offset */
	int has_pfn;		/* frame is a PFN that kpageflags can be asked about */
	uint64_t kflags;	/* /proc/kpageflags of frame, when kflags_valid */
	int kflags_valid;
	int writable;		/* migration/device entries: the write variant */
};

/* Decodes a pagemap word with the layout set (no kpageflags lookup). */
void hmm_pte_decode(uint64_t pme, struct hmm_pte_state *s);

/* "none", "present", "swap", "hwpoison", "migration", "device-private", ..., "special?" */
const char *hmm_pte_kind_name(enum hmm_pte_kind kind);

/*
 * Reads the pagemap words of npages pages from start into pme[] in one pass. Returns 0 or
 * -errno. PFNs and swap types are only visible to root (CAP_SYS_ADMIN).
 */
int hmm_pagemap_words(uintptr_t start, size_t npages, uint64_t *pme);

/* Decodes pme and looks up kpageflags of its PFN when it has one (root). */
void hmm_pte_read_state(uint64_t pme, struct hmm_pte_state *s);

/*
 * One line of evidence: "pagemap 0x<word>: migration entry (write) type 26, pfn 0x..,
 * kpageflags 0x.. [locked anon ...]". Returns buf.
 */
const char *hmm_pte_describe(const struct hmm_pte_state *s, char *buf, size_t len);

#endif
