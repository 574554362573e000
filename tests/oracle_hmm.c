// SPDX-License-Identifier: GPL-2.0
/*
 * oracle_hmm: self-test of the seed 000 leak oracle (workloads/lib/hmm_leak.c) on the host,
 * without the HMM device. The broken state is real: a THP whose one page a pipe still holds
 * (vmsplice) after the THP was unmapped is exactly a folio with a reference nobody will drop
 * while the pipe lives, so pfn_leak_check() must call every PFN of it held and print the
 * evidence; once the pipe is closed the same PFNs must count as freed. A PFN still mapped by
 * the test is in use but not leaked. The classifier is also checked on flag words.
 * tests/oracle_hmm.t checks the evidence lines this prints. Needs root (kpageflags).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/uio.h>

#include "kselftest_harness.h"
#include "hmm_leak.h"
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

TEST_HARNESS_MAIN
