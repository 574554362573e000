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
 * Special swap types, counted down from 2^MAX_SWAPFILES_SHIFT = 32 (include/linux/swap.h,
 * 6.x): PTE marker 31; with CONFIG_DEVICE_PRIVATE (which CONFIG_TEST_HMM needs) device
 * exclusive read/write 30/29, device-private read/write 28/27; with CONFIG_MIGRATION
 * migration write/read-exclusive/read 26/25/24; with CONFIG_MEMORY_FAILURE hwpoison 23.
 * Types below 23 are swap files (23 too on a kernel without MEMORY_FAILURE).
 */
#define HMM_SWP_TYPE_BITS	5
#define HMM_SWP_PTE_MARKER	31
#define HMM_SWP_DEVICE_EXCL_READ 30
#define HMM_SWP_DEVICE_EXCL_WRITE 29
#define HMM_SWP_DEVICE_READ	28
#define HMM_SWP_DEVICE_WRITE	27
#define HMM_SWP_MIGRATION_WRITE	26
#define HMM_SWP_MIGRATION_READ_EXCL 25
#define HMM_SWP_MIGRATION_READ	24
#define HMM_SWP_HWPOISON	23

enum hmm_pte_kind {
	HMM_PTE_NONE,		/* pagemap word without present or swap bit: no entry */
	HMM_PTE_PRESENT,	/* a present page (PFN when root) */
	HMM_PTE_SWAP,		/* an ordinary swap entry (type, offset) */
	HMM_PTE_HWPOISON,
	HMM_PTE_MIGRATION,	/* migration entry: a PFN locked for migration */
	HMM_PTE_DEVICE_PRIVATE,	/* device-private entry: a ZONE_DEVICE PFN */
	HMM_PTE_DEVICE_EXCLUSIVE,
	HMM_PTE_MARKER,		/* PTE marker (uffd-wp, poisoned, guard): none underneath */
};

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

/* Decodes a pagemap word (no kpageflags lookup). */
void hmm_pte_decode(uint64_t pme, struct hmm_pte_state *s);

/* "none", "present", "swap", "hwpoison", "migration", "device-private", ... */
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
