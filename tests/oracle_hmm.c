// SPDX-License-Identifier: GPL-2.0
/*
 * oracle_hmm: self-test of the seed 000 leak oracle (workloads/lib/hmm_leak.c) on the host,
 * without the HMM device. The broken state is real: a THP whose one page a pipe still holds
 * (vmsplice) after the THP was unmapped is exactly a folio with a reference nobody will drop
 * while the pipe lives, so pfn_leak_check() must call every PFN of it held and print the
 * evidence; once the pipe is closed the same PFNs must count as freed. A PFN still mapped by
 * the test is in use but not leaked. The classifier is also checked on flag words.
 * Second oracle: pages HMM_DMIRROR_SNAPSHOT places neither on the device nor in system memory
 * (workloads/lib/hmm_other.c). Real states: a page of pattern zapped by MADV_DONTNEED (no
 * entry, a CPU read returns 0: data lost, broken), a page registered with userfaultfd and
 * never served (no entry, a CPU read does not return: broken, and the helper thread is left
 * behind), a present page (reads the pattern: transient). Made-up states for what cannot be
 * made here: a migration entry that resolved (khugepaged's swap-in of a device page, seen in
 * the guest) is transient, one whose read hangs is broken; pagemap words decode to the
 * special swap types of include/linux/swap.h.
 * tests/oracle_hmm.t checks the evidence lines this prints. Needs root (kpageflags).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "kselftest_harness.h"
#include "hmm_dmirror.h"
#include "hmm_leak.h"
#include "hmm_other.h"
#include "hmm_pte.h"
#include "pattern.h"
#include "report.h"
#include "oracle_util.h"
#include "pagemap.h"

#define BIT(n) (1ULL << (n))
#define SETTLE_MS 1000

FIXTURE(leak) {
	struct thp_region r;
	uint64_t pfn;
	long nr;
	int fds[2];
};

FIXTURE_SETUP(leak)
{
	struct iovec iov;
	struct page_info pi;

	if (getuid() != 0)
		SKIP(return, "needs root for /proc/kpageflags");
	self->fds[0] = self->fds[1] = -1;
	oracle_region(&self->r, 1);
	ASSERT_EQ(0, pagemap_read((uintptr_t)self->r.base, &pi));
	ASSERT_NE(0, pi.pfn);
	self->pfn = pi.pfn;
	/* the whole folio when it is a THP, else only the one page the pipe holds */
	self->nr = pi.kflags & BIT(KPF_THP) ? (long)(self->r.folio_size / PAGE_SIZE_4K) : 1;
	printf("# folio at pfn 0x%llx, %ld pages, kpageflags 0x%llx\n",
	       (unsigned long long)self->pfn, self->nr, (unsigned long long)pi.kflags);
	ASSERT_EQ(0, pipe2(self->fds, O_CLOEXEC));
	iov.iov_base = self->r.base;
	iov.iov_len = PAGE_SIZE_4K;
	ASSERT_EQ((ssize_t)PAGE_SIZE_4K, vmsplice(self->fds[1], &iov, 1, 0));
}

FIXTURE_TEARDOWN(leak)
{
	if (self->fds[0] >= 0) {
		close(self->fds[0]);
		close(self->fds[1]);
	}
	thp_region_unmap(&self->r);
}

TEST_F(leak, unmapped_folio_held_by_pipe_is_reported)
{
	struct pfn_leak_result res;

	thp_region_unmap(&self->r);
	EXPECT_EQ(self->nr, pfn_leak_check("oracle.held", "folio freed after munmap", self->pfn,
					   self->nr, SETTLE_MS, &res));
	EXPECT_EQ(self->pfn, res.first_held);
	EXPECT_EQ(0, res.first_mapcount);
	EXPECT_NE(0, res.first_flags & BIT(KPF_ANON));
	EXPECT_LE(SETTLE_MS / 1000.0, res.waited);
}

TEST_F(leak, same_folio_freed_once_the_pipe_is_closed)
{
	struct pfn_leak_result res;

	thp_region_unmap(&self->r);
	close(self->fds[0]);
	close(self->fds[1]);
	self->fds[0] = self->fds[1] = -1;
	EXPECT_EQ(0, pfn_leak_check("oracle.freed", "folio freed after munmap", self->pfn,
				    self->nr, SETTLE_MS, &res));
	EXPECT_EQ(self->nr, res.freed + res.reused);
}

TEST_F(leak, mapped_folio_is_in_use_not_leaked)
{
	struct pfn_leak_result res;

	EXPECT_EQ(0, pfn_leak_check("oracle.mapped", "folio still mapped", self->pfn, self->nr,
				    0, &res));
	EXPECT_EQ(self->nr, res.reused);
}

TEST(classifier)
{
	EXPECT_EQ(PFN_FREE, pfn_state_of(BIT(KPF_BUDDY), 0));
	EXPECT_EQ(PFN_FREE, pfn_state_of(0, 0));
	EXPECT_EQ(PFN_HELD, pfn_state_of(BIT(KPF_ANON) | BIT(KPF_LRU) | BIT(KPF_THP) |
					 BIT(KPF_COMPOUND_HEAD), 0));
	EXPECT_EQ(PFN_HELD, pfn_state_of(BIT(KPF_ANON) | BIT(KPF_COMPOUND_TAIL), 0));
	EXPECT_EQ(PFN_REUSED, pfn_state_of(BIT(KPF_ANON) | BIT(KPF_MMAP), 1));
	EXPECT_EQ(PFN_REUSED, pfn_state_of(BIT(KPF_LRU), 0));	/* page cache now */
	EXPECT_EQ(PFN_MOVING, pfn_state_of(BIT(KPF_ANON) | BIT(KPF_SWAPCACHE), 0));
	EXPECT_STREQ("held", pfn_state_name(PFN_HELD));
}

#define PME_PRESENT (1ULL << 63)
#define PME_SWAP (1ULL << 62)
#define SWP(type, off) (PME_SWAP | (type) | ((uint64_t)(off) << HMM_SWP_TYPE_BITS))

TEST(pte_decode)
{
	struct hmm_pte_state st;
	char buf[256];

	hmm_pte_decode(0, &st);
	EXPECT_EQ(HMM_PTE_NONE, st.kind);
	EXPECT_EQ(0, st.has_pfn);
	hmm_pte_decode(PME_PRESENT | 0x1234, &st);
	EXPECT_EQ(HMM_PTE_PRESENT, st.kind);
	EXPECT_EQ(0x1234, st.frame);
	hmm_pte_decode(SWP(HMM_SWP_MIGRATION_WRITE, 0x6cf3), &st);
	EXPECT_EQ(HMM_PTE_MIGRATION, st.kind);
	EXPECT_EQ(1, st.writable);
	EXPECT_EQ(0x6cf3, st.frame);
	EXPECT_EQ(1, st.has_pfn);
	EXPECT_STREQ("pagemap 0x40000000000d9e7a: migration (write) entry, swap type 26, pfn 0x6cf3",
		     hmm_pte_describe(&st, buf, sizeof(buf)));
	hmm_pte_decode(SWP(HMM_SWP_MIGRATION_READ_EXCL, 1), &st);
	EXPECT_EQ(HMM_PTE_MIGRATION, st.kind);
	EXPECT_EQ(0, st.writable);
	hmm_pte_decode(SWP(HMM_SWP_DEVICE_WRITE, 0x100000), &st);
	EXPECT_EQ(HMM_PTE_DEVICE_PRIVATE, st.kind);
	hmm_pte_decode(SWP(HMM_SWP_DEVICE_EXCL_READ, 7), &st);
	EXPECT_EQ(HMM_PTE_DEVICE_EXCLUSIVE, st.kind);
	hmm_pte_decode(SWP(HMM_SWP_HWPOISON, 7), &st);
	EXPECT_EQ(HMM_PTE_HWPOISON, st.kind);
	hmm_pte_decode(SWP(HMM_SWP_PTE_MARKER, 2), &st);
	EXPECT_EQ(HMM_PTE_MARKER, st.kind);
	EXPECT_EQ(0, st.has_pfn);
	hmm_pte_decode(SWP(3, 0x99), &st);
	EXPECT_EQ(HMM_PTE_SWAP, st.kind);
	EXPECT_EQ(3, st.swp_type);
	EXPECT_EQ(0x99, st.frame);
	EXPECT_EQ(0, st.has_pfn);
	EXPECT_STREQ("migration", hmm_pte_kind_name(HMM_PTE_MIGRATION));
}

TEST(placement_count)
{
	/* device rw, system rw, system ro PMD, none, error, zero page, remote device */
	const unsigned char perm[] = { 0x22, 0x02, 0x05, 0x00, 0xff, 0x11, 0x32 };
	struct hmm_placement p;

	hmm_placement_count(perm, sizeof(perm), 0x10000, &p);
	EXPECT_EQ(1, p.on_device);
	EXPECT_EQ(2, p.in_system);
	EXPECT_EQ(4, p.other);
	EXPECT_EQ(0x13000, p.first_other);
	EXPECT_EQ(0x00, p.first_other_prot);
}

static struct hmm_other_page made_up(uint64_t now, uint64_t later, enum hmm_access access)
{
	struct hmm_other_page pg;

	memset(&pg, 0, sizeof(pg));
	hmm_pte_decode(now, &pg.now);
	hmm_pte_decode(later, &pg.later);
	pg.access = access;
	return pg;
}

TEST(other_classify)
{
	uint64_t mig = SWP(HMM_SWP_MIGRATION_WRITE, 0x6cf3), present = PME_PRESENT | 0x6cf3;
	struct hmm_other_page pg;

	/* khugepaged's swap-in of a device page, seen in flight: not a bug */
	pg = made_up(mig, present, HMM_ACCESS_PATTERN);
	EXPECT_EQ(HMM_OTHER_TRANSIENT, hmm_other_classify(&pg));
	/* a migration entry nobody removes: the read waits forever */
	pg = made_up(mig, mig, HMM_ACCESS_STUCK);
	EXPECT_EQ(HMM_OTHER_BROKEN, hmm_other_classify(&pg));
	pg = made_up(mig, mig, HMM_ACCESS_NOT_TRIED);
	EXPECT_EQ(HMM_OTHER_BROKEN, hmm_other_classify(&pg));
	/* NUMA-hinting PROT_NONE: present, reads back */
	pg = made_up(present, present, HMM_ACCESS_PATTERN);
	EXPECT_EQ(HMM_OTHER_TRANSIENT, hmm_other_classify(&pg));
	/* swapped out, reads back from swap */
	pg = made_up(SWP(0, 0x42), SWP(0, 0x42), HMM_ACCESS_PATTERN);
	EXPECT_EQ(HMM_OTHER_NOT_RESIDENT, hmm_other_classify(&pg));
	/* no entry and the data is gone */
	pg = made_up(0, 0, HMM_ACCESS_WRONG);
	EXPECT_EQ(HMM_OTHER_BROKEN, hmm_other_classify(&pg));
	pg = made_up(SWP(HMM_SWP_HWPOISON, 0x6cf3), 0, HMM_ACCESS_NOT_TRIED);
	EXPECT_EQ(HMM_OTHER_BROKEN, hmm_other_classify(&pg));
	EXPECT_STREQ("transient", hmm_other_class_name(HMM_OTHER_TRANSIENT));
}

FIXTURE(unplaced) {
	struct thp_region r;
	int uffd;
};

FIXTURE_SETUP(unplaced)
{
	if (getuid() != 0)
		SKIP(return, "needs root for /proc/kpageflags and pagemap PFNs");
	self->uffd = -1;
	oracle_region(&self->r, 1);
}

FIXTURE_TEARDOWN(unplaced)
{
	if (self->uffd >= 0)
		close(self->uffd);
	thp_region_unmap(&self->r);
}

/* The page's state right now, looked at as the workload does after its ioctl. */
static int look_now(struct hmm_other_page *pg, char *page, uint64_t seed, int access_ms)
{
	uint64_t pme = 0;
	int err = hmm_pagemap_words((uintptr_t)page, 1, &pme);

	hmm_other_look(pg, (uintptr_t)page, 0x00, 0x00, pme, pme, seed, access_ms);
	return err;
}

TEST_F(unplaced, zapped_page_is_lost)
{
	char *page = self->r.base + 3 * PAGE_SIZE_4K;
	struct hmm_other_page pg;

	ASSERT_EQ(0, madvise(page, PAGE_SIZE_4K, MADV_DONTNEED));
	ASSERT_EQ(0, look_now(&pg, page, self->r.seed, 1000));
	hmm_other_print("oracle.zapped", &pg);
	EXPECT_EQ(HMM_PTE_NONE, pg.now.kind);
	EXPECT_EQ(HMM_ACCESS_WRONG, pg.access);
	EXPECT_EQ(0, pg.got);
	EXPECT_EQ(HMM_OTHER_BROKEN, pg.cls);
}

TEST_F(unplaced, present_page_reads_back)
{
	char *page = self->r.base + 5 * PAGE_SIZE_4K;
	struct hmm_other_page pg;

	ASSERT_EQ(0, look_now(&pg, page, self->r.seed, 1000));
	hmm_other_print("oracle.present", &pg);
	EXPECT_EQ(HMM_PTE_PRESENT, pg.now.kind);
	EXPECT_NE(0, pg.now.kflags_valid);
	EXPECT_EQ(HMM_ACCESS_PATTERN, pg.access);
	EXPECT_EQ(HMM_OTHER_TRANSIENT, pg.cls);
}

TEST_F(unplaced, read_that_never_returns_is_broken)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	char *page = self->r.base + 7 * PAGE_SIZE_4K;
	struct hmm_other_page pg;
	double t0;

	self->uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC);
	if (self->uffd < 0)
		SKIP(return, "userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(self->uffd, UFFDIO_API, &api));
	ASSERT_EQ(0, madvise(page, PAGE_SIZE_4K, MADV_DONTNEED));
	reg.range.start = (uintptr_t)page;
	reg.range.len = PAGE_SIZE_4K;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	ASSERT_EQ(0, ioctl(self->uffd, UFFDIO_REGISTER, &reg));
	t0 = monotonic_seconds();
	ASSERT_EQ(0, look_now(&pg, page, self->r.seed, 500));
	hmm_other_print("oracle.stuck", &pg);
	EXPECT_EQ(HMM_ACCESS_STUCK, pg.access);
	EXPECT_LE(0.5, monotonic_seconds() - t0);
	EXPECT_EQ(HMM_OTHER_BROKEN, pg.cls);
	/* the stuck reader still waits on the page: the fixture keeps the mapping */
	self->r.base = NULL;
}

TEST_HARNESS_MAIN
