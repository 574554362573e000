/*
 * hmm_dmirror.h: the kernel's HMM test device (lib/test_hmm.c, CONFIG_TEST_HMM) seen from a
 * workload: open /dev/hmm_dmirror<N>, migrate a range of this process to the device's private
 * memory and back (HMM_DMIRROR_MIGRATE_TO_DEV / _TO_SYS), and ask where each page is
 * (HMM_DMIRROR_SNAPSHOT). The ioctl numbers and structs are our own copy (hmm_uapi.h, values
 * from the kernel's lib/test_hmm_uapi.h); what the running driver supports is asked at run time.
 */
#ifndef SPLITFAIL_HMM_DMIRROR_H
#define SPLITFAIL_HMM_DMIRROR_H

#include <stddef.h>
#include <stdint.h>

#define HMM_DMIRROR_DEV "/dev/hmm_dmirror0"	/* device-private memory */

/*
 * Opens the device. Returns the fd, or -4 (KSFT_SKIP) with the reason in why when the kernel
 * has no TEST_HMM device, or -errno (reason in why).
 */
int hmm_open(char *why, size_t why_len);

/* What one migration ioctl returned. */
struct hmm_result {
	long ret;		/* 0 or -1 */
	int err;		/* errno when ret is -1 */
	/*
	 * MIGRATE_TO_DEV: pages the device holds afterwards (its read-back counts pages).
	 * MIGRATE_TO_SYS: migration entries that moved, which is pages only while every entry
	 * is one page; a THP that moves whole as one MIGRATE_PFN_COMPOUND entry counts once
	 * (hmm_entries.h).
	 */
	uint64_t cpages;
	uint64_t faults;
};

/*
 * Migrates [addr, addr + len) to the device. The driver copies what it then holds into
 * bounce (len bytes, may be NULL: a private buffer is used), so the caller can compare it
 * with what the CPU wrote.
 */
void hmm_migrate_to_dev(int fd, void *addr, size_t len, void *bounce, struct hmm_result *res);

/* Migrates [addr, addr + len) back to system memory. */
void hmm_migrate_to_sys(int fd, void *addr, size_t len, struct hmm_result *res);

/* Where the pages of a range are, from HMM_DMIRROR_SNAPSHOT. */
struct hmm_placement {
	long on_device;		/* device-private pages of this device */
	long in_system;		/* pages readable from system memory (PROT_READ/WRITE) */
	long other;		/* none, error, another device's, zero page */
	uintptr_t first_other;	/* address of the first "other" page, 0 if none */
	unsigned char first_other_prot;
};

/* Snapshots [addr, addr + len). Returns 0 or -errno. */
int hmm_snapshot(int fd, void *addr, size_t len, struct hmm_placement *p);

/*
 * The snapshot's byte per page (HMM_DMIRROR_PROT_*) into perm[len / 4096]. It reflects the
 * CPU page table through hmm_range_fault() without faulting (mm/hmm.c hmm_vma_handle_pte),
 * not the driver's own mirror: 0x00 is any entry that is neither present nor a device-private
 * entry of this device (none, swap, migration, hwpoison, PTE marker). Returns 0 or -errno.
 */
int hmm_snapshot_perm(int fd, void *addr, size_t len, unsigned char *perm);

enum hmm_place { HMM_PLACE_DEVICE, HMM_PLACE_SYSTEM, HMM_PLACE_OTHER };

/* Where one snapshot byte says the page is. */
enum hmm_place hmm_place_of(unsigned char perm);

/* Counts npages snapshot bytes of the range starting at addr into *p. */
void hmm_placement_count(const unsigned char *perm, size_t npages, uintptr_t addr,
			 struct hmm_placement *p);

/*
 * Sets the driver's HMM_DMIRROR_FLAGS to HMM_DMIRROR_FLAG_FAIL_ALLOC on fd (the next device
 * page allocation of a migration fails; the driver clears the flag when it uses it). This is
 * also the run-time probe: returns 0 when the running test_hmm took the flag, -EINVAL or
 * -ENOTTY when it does not know the command (6.12's answers EINVAL), other -errno otherwise.
 */
int hmm_set_fail_alloc(int fd);

/* "ENOMEM" etc. for an errno, "0" for none. */
const char *hmm_errno_name(int err);

#endif
