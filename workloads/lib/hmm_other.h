/*
 * hmm_other.h: what a page is that HMM_DMIRROR_SNAPSHOT places neither on the device nor in
 * system memory (its byte 0x00 or 0xff) after a migration ioctl, with evidence, and whether
 * that is a broken kernel promise. The caller reads the range's pagemap words right after
 * the ioctl, before the snapshot or anything else touches the pages; this looks again after
 * a pause (does the state stay?), then reads the page from the CPU in a helper thread with a
 * time limit (a leftover migration entry makes such a read wait forever).
 */
#ifndef SPLITFAIL_HMM_OTHER_H
#define SPLITFAIL_HMM_OTHER_H

#include <stddef.h>
#include <stdint.h>

#include "hmm_pte.h"

#define HMM_OTHER_SHOWN 4	/* pages printed in full; the rest are counted */

/* What a CPU read of the page gave. */
enum hmm_access {
	HMM_ACCESS_NOT_TRIED,
	HMM_ACCESS_PATTERN,	/* returned the byte the pattern put there */
	HMM_ACCESS_WRONG,	/* returned another byte: data lost */
	HMM_ACCESS_STUCK,	/* did not return within the time limit */
};

/*
 * How one unplaced page is judged. The snapshot (mm/hmm.c hmm_vma_handle_pte without a fault
 * request) gives 0x00 for: no entry (pte_none_mostly: also PTE markers), any non-present
 * entry that is not a device-private entry of this device (swap, migration, hwpoison,
 * device-exclusive), and a present PTE without access (pte_protnone: NUMA hinting).
 */
enum hmm_other_class {
	/*
	 * A broken promise, a kernel bug: a CPU read returns something else than the pattern
	 * (data lost), or does not return (a migration entry nobody removes: every one the
	 * migration made must be gone once migrate_vma_finalize ran), or a hwpoison entry
	 * nobody asked for. FAIL.
	 */
	HMM_OTHER_BROKEN,
	/*
	 * An entry the kernel puts there while it works on the page and removes when done: a
	 * migration entry (another migration of the page in flight, e.g. khugepaged's
	 * __collapse_huge_page_swapin faulting a device page back to system memory), a
	 * NUMA-hinting PROT_NONE PTE, a device entry changing; the page reads back the
	 * pattern. The snapshot is not atomic with other users of the page: not a bug.
	 */
	HMM_OTHER_TRANSIENT,
	/*
	 * No entry, a swap entry or a PTE marker, while a CPU read returns the pattern (from
	 * swap). Not resident, not lost: not a bug of the migration.
	 */
	HMM_OTHER_NOT_RESIDENT,
};

struct hmm_other_page {
	uintptr_t addr;
	unsigned char perm;		/* snapshot byte right after the ioctl */
	unsigned char perm_later;	/* snapshot byte after the pause */
	struct hmm_pte_state now;	/* pagemap right after the ioctl */
	struct hmm_pte_state later;	/* pagemap after the pause */
	enum hmm_access access;
	uint8_t expected, got;
	enum hmm_other_class cls;
};

/*
 * Judges one page from its states and the CPU read; pure, so tests/oracle_hmm checks it
 * on made-up states.
 */
enum hmm_other_class hmm_other_classify(const struct hmm_other_page *pg);

/* "broken", "transient", "not-resident". */
const char *hmm_other_class_name(enum hmm_other_class cls);

/*
 * Fills *pg for the page at addr from its snapshot bytes and pagemap words (right after the
 * ioctl and after the pause), reads it from the CPU (at most access_ms; 0: no read, as after
 * a read that got stuck) and classifies it.
 */
void hmm_other_look(struct hmm_other_page *pg, uintptr_t addr, unsigned char perm,
		    unsigned char perm_later, uint64_t pme, uint64_t pme_later, uint64_t seed,
		    int access_ms);

/*
 * "# <test>: unplaced page at 0x<addr>: snapshot 0x00; right after the ioctl pagemap ...;
 * after the pause snapshot 0x.., pagemap unchanged|<state>; CPU read ... => <class>"
 */
void hmm_other_print(const char *test, const struct hmm_other_page *pg);

struct hmm_other_summary {
	long pages;			/* unplaced pages */
	long by_kind[HMM_PTE_KINDS];	/* by pagemap state right after the ioctl */
	long stayed;			/* same pagemap state after the pause */
	long by_class[HMM_OTHER_NOT_RESIDENT + 1];
	long stuck;			/* CPU reads that did not return */
};

/*
 * Investigates every page of [base, base + npages pages) whose snapshot byte (perm) is not
 * on the device or in system memory: pme[] are the pagemap words read right after the
 * ioctl. Pauses pause_ms, snapshots and reads pagemap again, then reads each such page from
 * the CPU (at most access_ms each) and compares with the pattern of seed. Prints one
 * evidence line per page for the first HMM_OTHER_SHOWN and one summary line. Returns 0 or
 * -errno (snapshot failed).
 */
int hmm_other_investigate(const char *test, int fd, uintptr_t base, size_t npages,
			  const unsigned char *perm, const uint64_t *pme, uint64_t seed,
			  int pause_ms, int access_ms, struct hmm_other_summary *sum);

#endif
