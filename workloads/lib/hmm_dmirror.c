/*
 * hmm_dmirror.c: ioctl wrappers for the HMM test device (lib/test_hmm.c). The driver answers
 * MIGRATE_TO_DEV with a copy of what the device then holds (cmd.ptr) and fails it with ENOENT
 * when any page of the range did not reach the device; MIGRATE_TO_SYS counts the pages it
 * brought back in cmd.cpages (migration entries: a PMD-sized folio that moves whole is one,
 * see hmm_entries.h); SNAPSHOT writes one permission byte per page (HMM_DMIRROR_PROT_*,
 * hmm_uapi.h) without faulting anything in.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hmm_dmirror.h"
#include "hmm_uapi.h"
#include "thp_region.h"

int hmm_open(char *why, size_t why_len)
{
	int fd = open(HMM_DMIRROR_DEV, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (errno == ENOENT || errno == ENXIO || errno == ENODEV) {
		snprintf(why, why_len, "no %s: kernel without CONFIG_TEST_HMM (test_hmm module)",
			 HMM_DMIRROR_DEV);
		return -4;
	}
	snprintf(why, why_len, "open %s: %s", HMM_DMIRROR_DEV, strerror(errno));
	return -errno;
}

static void hmm_cmd(int fd, unsigned long request, void *addr, size_t len, void *ptr,
		    struct hmm_result *res)
{
	struct hmm_dmirror_cmd cmd;

	memset(&cmd, 0, sizeof(cmd));
	cmd.addr = (uintptr_t)addr;
	cmd.ptr = (uintptr_t)ptr;
	cmd.npages = len / PAGE_SIZE_4K;
	res->ret = ioctl(fd, request, &cmd);
	res->err = res->ret ? errno : 0;
	res->cpages = cmd.cpages;
	res->faults = cmd.faults;
}

void hmm_migrate_to_dev(int fd, void *addr, size_t len, void *bounce, struct hmm_result *res)
{
	void *own = NULL;

	if (!bounce)
		bounce = own = malloc(len);
	if (!bounce) {
		res->ret = -1;
		res->err = ENOMEM;
		res->cpages = res->faults = 0;
		return;
	}
	hmm_cmd(fd, HMM_DMIRROR_MIGRATE_TO_DEV, addr, len, bounce, res);
	free(own);
}

void hmm_migrate_to_sys(int fd, void *addr, size_t len, struct hmm_result *res)
{
	hmm_cmd(fd, HMM_DMIRROR_MIGRATE_TO_SYS, addr, len, NULL, res);
}

int hmm_snapshot_perm(int fd, void *addr, size_t len, unsigned char *perm)
{
	struct hmm_result res;

	memset(perm, HMM_DMIRROR_PROT_ERROR, len / PAGE_SIZE_4K);
	hmm_cmd(fd, HMM_DMIRROR_SNAPSHOT, addr, len, perm, &res);
	return res.ret ? -res.err : 0;
}

enum hmm_place hmm_place_of(unsigned char perm)
{
	unsigned char kind = perm & 0xf0;
	int access = perm & (HMM_DMIRROR_PROT_READ | HMM_DMIRROR_PROT_WRITE);

	if (perm == HMM_DMIRROR_PROT_ERROR)
		return HMM_PLACE_OTHER;
	if (kind == HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL)
		return HMM_PLACE_DEVICE;
	if (kind == 0 && access)
		return HMM_PLACE_SYSTEM;
	return HMM_PLACE_OTHER;
}

void hmm_placement_count(const unsigned char *perm, size_t npages, uintptr_t addr,
			 struct hmm_placement *p)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < npages; i++) {
		switch (hmm_place_of(perm[i])) {
		case HMM_PLACE_DEVICE:
			p->on_device++;
			break;
		case HMM_PLACE_SYSTEM:
			p->in_system++;
			break;
		default:
			if (!p->other) {
				p->first_other = addr + i * PAGE_SIZE_4K;
				p->first_other_prot = perm[i];
			}
			p->other++;
			break;
		}
	}
}

int hmm_snapshot(int fd, void *addr, size_t len, struct hmm_placement *p)
{
	size_t npages = len / PAGE_SIZE_4K;
	unsigned char *perm = malloc(npages);
	int err;

	memset(p, 0, sizeof(*p));
	if (!perm)
		return -ENOMEM;
	err = hmm_snapshot_perm(fd, addr, len, perm);
	if (!err)
		hmm_placement_count(perm, npages, (uintptr_t)addr, p);
	free(perm);
	return err;
}

int hmm_set_fail_alloc(int fd)
{
	struct hmm_result res;

	/*
	 * The driver takes the flags from cmd.npages (tools/testing/selftests/mm/hmm-tests.c).
	 * addr 0 and npages 1 pass its generic argument checks (page-aligned, no overflow), so
	 * EINVAL can only mean the command itself is unknown to this test_hmm.
	 */
	hmm_cmd(fd, HMM_DMIRROR_FLAGS, NULL, HMM_DMIRROR_FLAG_FAIL_ALLOC * PAGE_SIZE_4K, NULL,
		&res);
	return res.ret ? -res.err : 0;
}

const char *hmm_errno_name(int err)
{
	const char *name;

	if (!err)
		return "0";
	name = strerrorname_np(err);
	return name ? name : "?";
}
