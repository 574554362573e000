/*
 * hmm_uapi.h: the ioctl interface of the kernel's HMM test device (/dev/hmm_dmirror<N>,
 * lib/test_hmm.c, CONFIG_TEST_HMM), written here rather than taken from whichever kernel
 * source the build found: which of these the running module accepts is asked at run time
 * (hmm_set_fail_alloc() in hmm_dmirror.c), never decided at build time.
 * Source of every value: the kernel's lib/test_hmm_uapi.h. struct hmm_dmirror_cmd, commands
 * 0x00-0x07 and the HMM_DMIRROR_PROT_* snapshot bytes are the same in 6.12 and 7.2;
 * HMM_DMIRROR_FLAGS (0x08) and HMM_DMIRROR_FLAG_FAIL_ALLOC came with THP device migration
 * (in 7.2, not in 6.12, whose driver answers an unknown command with EINVAL).
 */
#ifndef SPLITFAIL_HMM_UAPI_H
#define SPLITFAIL_HMM_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * addr: (in) user address the device reads/writes; ptr: (in) user buffer the device's data
 * is copied to/from; npages: (in) pages; cpages: (out) pages, or migration entries, copied;
 * faults: (out) device page faults seen.
 */
struct hmm_dmirror_cmd {
	__u64 addr;
	__u64 ptr;
	__u64 npages;
	__u64 cpages;
	__u64 faults;
};

#define HMM_DMIRROR_READ		_IOWR('H', 0x00, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_WRITE		_IOWR('H', 0x01, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_MIGRATE_TO_DEV	_IOWR('H', 0x02, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_MIGRATE_TO_SYS	_IOWR('H', 0x03, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_SNAPSHOT		_IOWR('H', 0x04, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_EXCLUSIVE		_IOWR('H', 0x05, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_CHECK_EXCLUSIVE	_IOWR('H', 0x06, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_RELEASE		_IOWR('H', 0x07, struct hmm_dmirror_cmd)
/* the driver takes the new flags from cmd.npages */
#define HMM_DMIRROR_FLAGS		_IOWR('H', 0x08, struct hmm_dmirror_cmd)

/* the next device page allocation of a migration fails (one-shot) */
#define HMM_DMIRROR_FLAG_FAIL_ALLOC	(1ULL << 0)

/* One byte per page written by HMM_DMIRROR_SNAPSHOT. */
enum {
	HMM_DMIRROR_PROT_ERROR			= 0xFF,
	HMM_DMIRROR_PROT_NONE			= 0x00,
	HMM_DMIRROR_PROT_READ			= 0x01,
	HMM_DMIRROR_PROT_WRITE			= 0x02,
	HMM_DMIRROR_PROT_PMD			= 0x04,	/* mapped by a PMD-sized entry */
	HMM_DMIRROR_PROT_PUD			= 0x08,
	HMM_DMIRROR_PROT_ZERO			= 0x10,
	HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL	= 0x20,
	HMM_DMIRROR_PROT_DEV_PRIVATE_REMOTE	= 0x30,
	HMM_DMIRROR_PROT_DEV_COHERENT_LOCAL	= 0x40,
	HMM_DMIRROR_PROT_DEV_COHERENT_REMOTE	= 0x50,
};

#endif
