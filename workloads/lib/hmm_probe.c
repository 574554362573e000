/*
 * hmm_probe.c: run-time probes of the HMM test device (hmm_probe.h): the special swap-type
 * layout of the running kernel, from the pagemap word of a page the device really holds.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hmm_dmirror.h"
#include "hmm_probe.h"
#include "hmm_pte.h"
#include "hmm_uapi.h"
#include "thp_region.h"

#define PME_SWAP (1ULL << 62)
#define PME_FRAME_MASK ((1ULL << 55) - 1)

/* The page on the device: its snapshot byte and pagemap word. Returns 0 or -errno. */
static int look_on_device(int fd, char *page, unsigned char *perm, uint64_t *pme,
			  char *desc, size_t desc_len)
{
	struct hmm_result res;
	int err;

	hmm_migrate_to_dev(fd, page, PAGE_SIZE_4K, NULL, &res);
	if (res.ret) {
		snprintf(desc, desc_len, "probe page: MIGRATE_TO_DEV: %s", strerror(res.err));
		return -res.err;
	}
	err = hmm_pagemap_words((uintptr_t)page, 1, pme);
	if (!err)
		err = hmm_snapshot_perm(fd, page, PAGE_SIZE_4K, perm);
	if (err) {
		snprintf(desc, desc_len, "probe page: pagemap or snapshot: %s", strerror(-err));
		return err;
	}
	if (hmm_place_of(*perm) != HMM_PLACE_DEVICE || !(*pme & PME_SWAP)) {
		snprintf(desc, desc_len, "probe page not on the device after MIGRATE_TO_DEV: "
			 "snapshot 0x%02x, pagemap 0x%016llx", *perm, (unsigned long long)*pme);
		return -EAGAIN;
	}
	return 0;
}

int hmm_swp_calibrate(int fd, char *desc, size_t desc_len)
{
	char *page = mmap(NULL, PAGE_SIZE_4K, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned int type, device_write;
	struct hmm_result res;
	unsigned char perm = 0;
	uint64_t pme = 0;
	int err, hwpoison = access(HMM_MEMORY_FAILURE_SYSCTL, F_OK) == 0;
	char lay[160];

	if (page == MAP_FAILED) {
		snprintf(desc, desc_len, "probe page: mmap: %s", strerror(errno));
		return -errno;
	}
	memset(page, 0x5a, PAGE_SIZE_4K);
	err = look_on_device(fd, page, &perm, &pme, desc, desc_len);
	hmm_migrate_to_sys(fd, page, PAGE_SIZE_4K, &res);
	munmap(page, PAGE_SIZE_4K);
	if (err)
		return err;
	if (!(pme & PME_FRAME_MASK)) {
		snprintf(desc, desc_len, "pagemap hides swap types (needs CAP_SYS_ADMIN)");
		return -EPERM;
	}
	type = (unsigned int)(pme & ((1U << HMM_SWP_TYPE_BITS) - 1));
	device_write = type - ((perm & HMM_DMIRROR_PROT_WRITE) ? 0 : 1);
	if (hmm_swp_layout_set(device_write, hwpoison)) {
		snprintf(desc, desc_len, "device-private entry of swap type %u (snapshot 0x%02x): "
			 "no layout puts SWP_DEVICE_WRITE at %u", type, perm, device_write);
		return -EINVAL;
	}
	snprintf(desc, desc_len, "device-private %s entry has swap type %u: %s",
		 (perm & HMM_DMIRROR_PROT_WRITE) ? "write" : "read", type,
		 hmm_swp_layout_describe(lay, sizeof(lay)));
	return 0;
}
