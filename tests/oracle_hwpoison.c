// SPDX-License-Identifier: GPL-2.0
/*
 * oracle_hwpoison: self-test of the seed 003 oracles (workloads/lib/hugetlb_poison.c,
 * hugetlb_pool.c) on the host, where nothing may be poisoned. The siginfo oracle is handed a
 * real SIGBUS of the wrong kind (a read past the end of a one-page memfd mapping:
 * BUS_ADRERR, si_addr_lsb 0) and siginfos broken one field at a time (BUS_MCEERR_AO instead
 * of _AR, the base page shift 12 instead of the huge page shift, an address outside the huge
 * page, no signal at all); the meminfo oracle gets a poisoned huge page that the counters do
 * not account for, a file's poisoned folio still counted free, a dissolved one still in the
 * pool's total and changes with nothing poisoned (hugetlb_poison_expected()); the guard must refuse the host (no splitfail.guest=1) unless
 * SPLITFAIL_ALLOW_HWPOISON=1. Correct states must pass. tests/oracle_hwpoison.t checks the
 * evidence lines this prints.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "hugetlb_poison.h"
#include "hugetlb_pool.h"
#include "thp_region.h"

#define HUGE_SHIFT 21
#define HUGE_BASE 0x40000000UL		/* a made-up 2 MiB aligned address */
#define HUGE_SIZE (1UL << HUGE_SHIFT)

static struct sigbus_seen good_sigbus(void)
{
	struct sigbus_seen s = { .count = 1, .code = BUS_MCEERR_AR,
				 .addr = HUGE_BASE + 5 * PAGE_SIZE_4K, .addr_lsb = HUGE_SHIFT };

	return s;
}

TEST(real_sigbus_of_the_wrong_kind)
{
	struct sigbus_seen seen;
	int fd = memfd_create("oracle_hwpoison", MFD_CLOEXEC);
	char *p;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, (off_t)PAGE_SIZE_4K));
	p = mmap(NULL, 2 * PAGE_SIZE_4K, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, sigbus_install());
	ASSERT_EQ(1, sigbus_read(p + PAGE_SIZE_4K, &seen));
	printf("# real SIGBUS at %p: %s lsb %d\n", (void *)(p + PAGE_SIZE_4K),
	       sigbus_code_name(seen.code), seen.addr_lsb);
	EXPECT_EQ(BUS_ADRERR, seen.code);
	/* right address, wrong kind and granularity: two broken fields */
	EXPECT_EQ(2, sigbus_check("oracle.real_adrerr", "access", &seen, HUGE_SHIFT,
				  (uintptr_t)p, 2 * PAGE_SIZE_4K));
	EXPECT_EQ(0, sigbus_read(p, &seen));
	munmap(p, 2 * PAGE_SIZE_4K);
	close(fd);
}

TEST(action_optional_instead_of_required)
{
	struct sigbus_seen s = good_sigbus();

	s.code = BUS_MCEERR_AO;
	EXPECT_EQ(1, sigbus_check("oracle.code_ao", "access", &s, HUGE_SHIFT, HUGE_BASE,
				  HUGE_SIZE));
}

TEST(base_page_granularity_for_a_huge_page)
{
	struct sigbus_seen s = good_sigbus();

	s.addr_lsb = 12;
	EXPECT_EQ(1, sigbus_check("oracle.lsb_12", "access", &s, HUGE_SHIFT, HUGE_BASE,
				  HUGE_SIZE));
}

TEST(address_outside_the_huge_page)
{
	struct sigbus_seen s = good_sigbus();

	s.addr = HUGE_BASE + HUGE_SIZE;
	EXPECT_EQ(1, sigbus_check("oracle.addr_out", "access", &s, HUGE_SHIFT, HUGE_BASE,
				  HUGE_SIZE));
}

TEST(no_signal_at_all)
{
	struct sigbus_seen s = { 0 };

	EXPECT_EQ(3, sigbus_check("oracle.no_signal", "access", &s, HUGE_SHIFT, HUGE_BASE,
				  HUGE_SIZE));
}

TEST(correct_siginfo_passes)
{
	struct sigbus_seen s = good_sigbus();

	EXPECT_EQ(0, sigbus_check("oracle.good", "access", &s, HUGE_SHIFT, HUGE_BASE,
				  HUGE_SIZE));
}

TEST(poison_not_accounted)
{
	struct hugetlb_meminfo before = { .total = 16, .free = 16, .hwcorrupt_kb = 0 };
	struct hugetlb_meminfo after = before;
	struct hugetlb_meminfo want = { .total = -1, .free = -1, .hwcorrupt_kb = 4 };

	/* the huge page was poisoned but nothing left the pool and nothing was counted */
	EXPECT_EQ(3, hugetlb_meminfo_check("oracle.unaccounted", "after_exit", &before, &after,
					   &want));
	after.total = after.free = 15;
	after.hwcorrupt_kb = 4;
	EXPECT_EQ(0, hugetlb_meminfo_check("oracle.accounted", "after_exit", &before, &after,
					   &want));
}

TEST(file_folio_poisoned_but_counted_free)
{
	struct hugetlb_meminfo before = { .total = 16, .free = 16, .hwcorrupt_kb = 0 };
	struct hugetlb_meminfo after = { .total = 16, .free = 16, .hwcorrupt_kb = 4 };
	struct hugetlb_meminfo want;

	/* still a hugetlb folio, poisoned: it must not be counted free (it cannot be used) */
	hugetlb_poison_expected(1, 0, &want);
	EXPECT_EQ(1, hugetlb_meminfo_check("oracle.poisoned_free", "after_exit", &before,
					   &after, &want));
	after.free = 15;
	EXPECT_EQ(0, hugetlb_meminfo_check("oracle.poisoned_held", "after_exit", &before,
					   &after, &want));
	/* dissolved, but the pool's total did not drop */
	hugetlb_poison_expected(1, 1, &want);
	EXPECT_EQ(1, hugetlb_meminfo_check("oracle.dissolved_uncounted", "after_exit", &before,
					   &after, &want));
	/* nothing poisoned: nothing may change */
	hugetlb_poison_expected(0, 0, &want);
	EXPECT_EQ(2, hugetlb_meminfo_check("oracle.unpoisoned_changed", "after_exit", &before,
					   &after, &want));
}

TEST(real_meminfo_unchanged_passes)
{
	struct hugetlb_meminfo a, b, zero = { 0 };

	if (hugetlb_meminfo_read(&a))
		SKIP(return, "no hugetlb lines in /proc/meminfo");
	ASSERT_EQ(0, hugetlb_meminfo_read(&b));
	EXPECT_EQ(HUGE_SHIFT, hugetlb_page_shift(&a));
	EXPECT_EQ(0, hugetlb_meminfo_check("oracle.real_meminfo", "idle", &a, &b, &zero));
}

TEST(guard_refuses_outside_a_guest)
{
	char why[256] = "";
	char cmdline[4096] = "";
	FILE *f = fopen("/proc/cmdline", "re");

	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(cmdline, sizeof(cmdline), f));
	fclose(f);
	if (strstr(cmdline, "splitfail.guest=1"))
		SKIP(return, "running in a splitfail guest");
	unsetenv("SPLITFAIL_ALLOW_HWPOISON");
	EXPECT_EQ(1, hwpoison_allowed(why, sizeof(why)));
	printf("# guard: %s\n", why);
	setenv("SPLITFAIL_ALLOW_HWPOISON", "yes", 1);
	EXPECT_EQ(1, hwpoison_allowed(why, sizeof(why)));
	setenv("SPLITFAIL_ALLOW_HWPOISON", "1", 1);
	EXPECT_EQ(0, hwpoison_allowed(why, sizeof(why)));
	unsetenv("SPLITFAIL_ALLOW_HWPOISON");
}

TEST_HARNESS_MAIN
