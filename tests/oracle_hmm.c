// SPDX-License-Identifier: GPL-2.0
/*
 * oracle_hmm: self-test of the seed 000 leak oracle (workloads/lib/hmm_leak.c) on the host,
 * without the HMM device. The broken state is real: a THP whose one page a pipe still holds
 * (vmsplice) after the THP was unmapped is exactly a folio with a reference nobody will drop
 * while the pipe lives, so pfn_leak_check() must call every PFN of it held and print the
 * evidence; once the pipe is closed the same PFNs must count as freed. A PFN still mapped by
 * the test is in use but not leaked. The classifier is also checked on flag words, and the
 * window judgement (a zapped page of a folio still mapped in part is in use, not held).
 * Second oracle: pages HMM_DMIRROR_SNAPSHOT places neither on the device nor in system memory
 * (workloads/lib/hmm_other.c). Real states: a page of pattern zapped by MADV_DONTNEED (no
 * entry, a CPU read returns 0: data lost, broken), a page registered with userfaultfd and
 * never served (no entry, a CPU read does not return: broken, and the helper thread is left
 * behind), a present page (reads the pattern: transient). Made-up states for what cannot be
 * made here: a migration entry that resolved (khugepaged's swap-in of a device page, seen in
 * the guest) is transient, one whose read hangs is broken; pagemap words decode to the
 * special swap types of include/linux/swap.h in the 6.12 and the 7.2 layout (each layout
 * misnames the other kernel's types: negative controls).
 * Third oracle: MIGRATE_TO_SYS cpages (workloads/lib/hmm_entries.c) on snapshot bytes as
 * 6.12 (single device pages) and 7.x (PMD-sized device folios) write them, each kernel's
 * count accepted and the other's refused, and what the device holds for fail_alloc's check.
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
#include "hmm_entries.h"
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

/*
 * pfn_judge on a window of flag words as 6.12 writes them (KPF_MMAP and the map count per
 * page): an order-2 folio at 1..4 whose pages 1 and 2 were zapped while 3 and 4 stay mapped
 * (someone's THP in use), an order-2 folio at 5..8 nobody maps (a leak), a tail at 0 whose
 * head lies before the window (judged alone) and an order-0 page at 9.
 */
TEST(judge_window)
{
	const uint64_t anon = BIT(KPF_ANON) | BIT(KPF_LRU), head = BIT(KPF_COMPOUND_HEAD);
	const uint64_t tail = BIT(KPF_COMPOUND_TAIL), mmap = BIT(KPF_MMAP);
	const uint64_t flags[] = {
		anon | tail,
		anon | head, anon | tail, anon | tail | mmap, anon | tail | mmap,
		anon | head, anon | tail, anon | tail, anon | tail,
		anon,
	};
	const uint64_t counts[] = { 0, 0, 0, 1, 1, 0, 0, 0, 0, 0 };
	const long n = sizeof(flags) / sizeof(flags[0]);

	EXPECT_EQ(PFN_HELD, pfn_judge(flags, counts, n, 0));
	EXPECT_EQ(PFN_REUSED, pfn_judge(flags, counts, n, 1));	/* head, zapped */
	EXPECT_EQ(PFN_REUSED, pfn_judge(flags, counts, n, 2));	/* tail, zapped */
	EXPECT_EQ(PFN_REUSED, pfn_judge(flags, counts, n, 3));
	for (long i = 5; i < 9; i++)
		EXPECT_EQ(PFN_HELD, pfn_judge(flags, counts, n, i));
	EXPECT_EQ(PFN_HELD, pfn_judge(flags, counts, n, 9));
	/* the same zapped page judged alone is what a leak looks like */
	EXPECT_EQ(PFN_HELD, pfn_state_of(flags[2], counts[2]));
}

#define PME_PRESENT (1ULL << 63)
#define PME_SWAP (1ULL << 62)
#define SWP(type, off) (PME_SWAP | (type) | ((uint64_t)(off) << HMM_SWP_TYPE_BITS))

/*
 * Special swap types as include/linux/swap.h numbers them: 6.12 (SWP_DEVICE_NUM 4:
 * device-exclusive write and read) and 7.2 (3: one device-exclusive type), so every type
 * below the PTE marker moved up by one. SWP_DEVICE_WRITE is 27 and 28.
 */
#define W612 27
#define W72 28

struct swp_case {
	unsigned int type;
	enum hmm_pte_kind kind;
	int writable;
};

static const struct swp_case types_6_12[] = {
	{ 31, HMM_PTE_MARKER, 0 }, { 30, HMM_PTE_DEVICE_EXCLUSIVE, 0 },
	{ 29, HMM_PTE_DEVICE_EXCLUSIVE, 1 }, { 28, HMM_PTE_DEVICE_PRIVATE, 0 },
	{ 27, HMM_PTE_DEVICE_PRIVATE, 1 }, { 26, HMM_PTE_MIGRATION, 1 },
	{ 25, HMM_PTE_MIGRATION, 0 }, { 24, HMM_PTE_MIGRATION, 0 }, { 23, HMM_PTE_HWPOISON, 0 },
	{ 22, HMM_PTE_SWAP, 0 }, { 3, HMM_PTE_SWAP, 0 },
};

static const struct swp_case types_7_2[] = {
	{ 31, HMM_PTE_MARKER, 0 }, { 30, HMM_PTE_DEVICE_EXCLUSIVE, 0 },
	{ 29, HMM_PTE_DEVICE_PRIVATE, 0 }, { 28, HMM_PTE_DEVICE_PRIVATE, 1 },
	{ 27, HMM_PTE_MIGRATION, 1 }, { 26, HMM_PTE_MIGRATION, 0 }, { 25, HMM_PTE_MIGRATION, 0 },
	{ 24, HMM_PTE_HWPOISON, 0 }, { 23, HMM_PTE_SWAP, 0 }, { 3, HMM_PTE_SWAP, 0 },
};

#define NCASES(t) (sizeof(t) / sizeof((t)[0]))

/* Types of the table that decode to another kind or write bit under the layout set. */
static int kinds_differ(const char *name, const struct swp_case *c, size_t n)
{
	struct hmm_pte_state st;
	int differ = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		hmm_pte_decode(SWP(c[i].type, 0x6cf3), &st);
		if (st.kind == c[i].kind && st.writable == c[i].writable)
			continue;
		printf("# %s: swap type %u decodes as %s%s, the table says %s%s\n", name,
		       c[i].type, hmm_pte_kind_name(st.kind), st.writable ? " (write)" : "",
		       hmm_pte_kind_name(c[i].kind), c[i].writable ? " (write)" : "");
		differ++;
	}
	return differ;
}

TEST(pte_decode)
{
	struct hmm_pte_state st;
	char buf[256];

	ASSERT_EQ(0, hmm_swp_layout_set(W612, 1));
	hmm_pte_decode(0, &st);
	EXPECT_EQ(HMM_PTE_NONE, st.kind);
	EXPECT_EQ(0, st.has_pfn);
	hmm_pte_decode(PME_PRESENT | 0x1234, &st);
	EXPECT_EQ(HMM_PTE_PRESENT, st.kind);
	EXPECT_EQ(0x1234, st.frame);
	hmm_pte_decode(SWP(26, 0x6cf3), &st);
	EXPECT_EQ(0x6cf3, st.frame);
	EXPECT_EQ(1, st.has_pfn);
	EXPECT_STREQ("pagemap 0x40000000000d9e7a: migration (write) entry, swap type 26, pfn 0x6cf3",
		     hmm_pte_describe(&st, buf, sizeof(buf)));
	hmm_pte_decode(SWP(HMM_SWP_PTE_MARKER, 2), &st);
	EXPECT_EQ(0, st.has_pfn);
	hmm_pte_decode(SWP(3, 0x99), &st);
	EXPECT_EQ(3, st.swp_type);
	EXPECT_EQ(0x99, st.frame);
	EXPECT_EQ(0, st.has_pfn);
	EXPECT_STREQ("migration", hmm_pte_kind_name(HMM_PTE_MIGRATION));
}

/*
 * Each layout decodes its own kernel's types (positive) and names other entries for the
 * other kernel's (negative controls): with 6.12's numbers on 7.2 a migration write entry
 * reads as device-private, a hwpoison entry as a migration entry (a CPU read of it would be
 * tried: SIGBUS), a swap file's type 23 as hwpoison (a FAIL).
 */
TEST(pte_decode_layouts)
{
	char buf[256];

	ASSERT_EQ(0, hmm_swp_layout_set(W612, 1));
	printf("# oracle.layout_6_12: %s\n", hmm_swp_layout_describe(buf, sizeof(buf)));
	EXPECT_EQ(0, kinds_differ("oracle.layout_6_12", types_6_12, NCASES(types_6_12)));
	EXPECT_EQ(6, kinds_differ("oracle.layout_6_12_on_7_2", types_7_2, NCASES(types_7_2)));
	ASSERT_EQ(0, hmm_swp_layout_set(W72, 1));
	printf("# oracle.layout_7_2: %s\n", hmm_swp_layout_describe(buf, sizeof(buf)));
	EXPECT_EQ(0, kinds_differ("oracle.layout_7_2", types_7_2, NCASES(types_7_2)));
	EXPECT_EQ(6, kinds_differ("oracle.layout_7_2_on_6_12", types_6_12, NCASES(types_6_12)));
	/* without CONFIG_MEMORY_FAILURE the type below migration is a swap file */
	ASSERT_EQ(0, hmm_swp_layout_set(W72, 0));
	EXPECT_EQ(1, kinds_differ("oracle.layout_7_2_no_hwpoison", types_7_2, NCASES(types_7_2)));
}

TEST(pte_decode_layout_unknown)
{
	struct hmm_pte_state st;

	hmm_swp_layout_reset();
	hmm_pte_decode(SWP(26, 0x6cf3), &st);
	EXPECT_EQ(HMM_PTE_SPECIAL, st.kind);
	EXPECT_EQ(0, st.has_pfn);
	hmm_pte_decode(SWP(HMM_SWP_LOWEST_SPECIAL - 1, 0x99), &st);
	EXPECT_EQ(HMM_PTE_SWAP, st.kind);
	hmm_pte_decode(SWP(HMM_SWP_PTE_MARKER, 2), &st);
	EXPECT_EQ(HMM_PTE_MARKER, st.kind);
	/* no layout puts SWP_DEVICE_WRITE where fewer than 2 or more than 4 device types fit */
	EXPECT_EQ(-EINVAL, hmm_swp_layout_set(26, 1));
	EXPECT_EQ(-EINVAL, hmm_swp_layout_set(30, 1));
	EXPECT_EQ(0, hmm_swp_layout_get()->device_write);
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
	/* 7.x: a PMD-sized device folio, a PMD-mapped THP back in system memory */
	EXPECT_EQ(HMM_PLACE_DEVICE, hmm_place_of(0x26));
	EXPECT_EQ(HMM_PLACE_SYSTEM, hmm_place_of(0x06));
}

/*
 * MIGRATE_TO_SYS cpages oracle (workloads/lib/hmm_entries.c) on snapshot bytes as each
 * kernel writes them, for a PMD-aligned range: 6.12 holds a THP on the device as 512 single
 * pages (0x22) and counts each; 7.x holds it as one PMD folio (0x26), brings it back whole
 * (PMD-mapped, 0x06) and counts one entry, or, when only base pages can be had, splits it on
 * the way (0x02) and counts 512. Each has a negative control: the other kernel's count.
 */
#define PMD_PAGES 512
#define PMD_ADDR 0x7f0000000000UL

static void fill(unsigned char *perm, size_t from, size_t n, unsigned char byte)
{
	memset(perm + from, byte, n);
}

static int cpages_check(const char *test, const unsigned char *before,
			const unsigned char *after, size_t npages, uintptr_t addr, long long cpages,
			struct hmm_entries *e)
{
	hmm_entries_to_sys(before, after, npages, addr, PMD_PAGES, e);
	return hmm_entries_check(test, "to_sys_cpages_entries_moved", e, cpages);
}

TEST(to_sys_cpages_per_page)
{
	unsigned char before[PMD_PAGES], after[PMD_PAGES];
	struct hmm_entries e;

	fill(before, 0, PMD_PAGES, 0x22);
	fill(after, 0, PMD_PAGES, 0x02);
	EXPECT_EQ(0, cpages_check("oracle.per_page", before, after, PMD_PAGES, PMD_ADDR, 512,
				  &e));
	EXPECT_EQ(0, e.dev_compound);
	EXPECT_EQ(512, e.dev_single);
	/* negative: one entry for 512 pages that were 512 entries */
	EXPECT_EQ(1, cpages_check("oracle.per_page_counted_once", before, after, PMD_PAGES,
				  PMD_ADDR, 1, &e));
	/* negative: 6.12 semantics, one page stayed on the device but was counted */
	after[100] = 0x22;
	EXPECT_EQ(1, cpages_check("oracle.per_page_one_stayed", before, after, PMD_PAGES,
				  PMD_ADDR, 512, &e));
	EXPECT_EQ(0, cpages_check("oracle.per_page_one_stayed_ok", before, after, PMD_PAGES,
				  PMD_ADDR, 511, &e));
}

TEST(to_sys_cpages_compound)
{
	unsigned char before[PMD_PAGES], after[PMD_PAGES];
	struct hmm_entries e;

	fill(before, 0, PMD_PAGES, 0x26);
	fill(after, 0, PMD_PAGES, 0x06);
	EXPECT_EQ(0, cpages_check("oracle.compound", before, after, PMD_PAGES, PMD_ADDR, 1, &e));
	EXPECT_EQ(1, e.dev_compound);
	EXPECT_EQ(0, e.dev_single);
	EXPECT_EQ(1, e.left_compound);
	/* negative: 512 for one compound entry */
	EXPECT_EQ(1, cpages_check("oracle.compound_counted_per_page", before, after, PMD_PAGES,
				  PMD_ADDR, 512, &e));
	/* negative: the folio stayed on the device, yet one entry was reported moved */
	fill(after, 0, PMD_PAGES, 0x26);
	EXPECT_EQ(1, cpages_check("oracle.compound_stayed", before, after, PMD_PAGES, PMD_ADDR,
				  1, &e));
	EXPECT_EQ(0, cpages_check("oracle.compound_stayed_ok", before, after, PMD_PAGES,
				  PMD_ADDR, 0, &e));
	/* split on the way home: base pages, one entry each */
	fill(after, 0, PMD_PAGES, 0x02);
	EXPECT_EQ(0, cpages_check("oracle.compound_split", before, after, PMD_PAGES, PMD_ADDR,
				  512, &e));
	EXPECT_EQ(1, e.left_split);
	EXPECT_EQ(1, cpages_check("oracle.compound_split_counted_once", before, after,
				  PMD_PAGES, PMD_ADDR, 1, &e));
	/* a range that is not PMD-aligned holds no PMD folio: per page */
	fill(after, 0, PMD_PAGES, 0x06);
	EXPECT_EQ(0, cpages_check("oracle.unaligned", before, after, PMD_PAGES,
				  PMD_ADDR + PAGE_SIZE_4K, 512, &e));
	EXPECT_EQ(0, e.dev_compound);
}

/* What the device holds (fail_alloc's check): PMD folios only on aligned whole blocks. */
TEST(device_entries)
{
	unsigned char perm[2 * PMD_PAGES];
	long compound, single;

	fill(perm, 0, PMD_PAGES, 0x26);
	fill(perm, PMD_PAGES, PMD_PAGES, 0x22);
	hmm_entries_on_device(perm, sizeof(perm), PMD_ADDR, PMD_PAGES, &compound, &single);
	EXPECT_EQ(1, compound);
	EXPECT_EQ(512, single);
	/* negative: one page of the block elsewhere, or the block not aligned */
	perm[3] = 0x06;
	hmm_entries_on_device(perm, sizeof(perm), PMD_ADDR, PMD_PAGES, &compound, &single);
	EXPECT_EQ(0, compound);
	EXPECT_EQ(1023, single);
	perm[3] = 0x26;
	hmm_entries_on_device(perm, sizeof(perm), PMD_ADDR + PAGE_SIZE_4K, PMD_PAGES, &compound,
			      &single);
	EXPECT_EQ(0, compound);
	EXPECT_EQ(1024, single);
}

TEST(to_sys_cpages_mixed)
{
	unsigned char before[3 * PMD_PAGES], after[3 * PMD_PAGES];
	struct hmm_entries e;

	/* THP 0 whole and home whole, THP 1 stays on the device, THP 2 as pages: half home */
	fill(before, 0, 2 * PMD_PAGES, 0x26);
	fill(before, 2 * PMD_PAGES, PMD_PAGES, 0x22);
	fill(after, 0, PMD_PAGES, 0x06);
	fill(after, PMD_PAGES, PMD_PAGES, 0x26);
	fill(after, 2 * PMD_PAGES, PMD_PAGES / 2, 0x02);
	fill(after, 2 * PMD_PAGES + PMD_PAGES / 2, PMD_PAGES / 2, 0x22);
	EXPECT_EQ(0, cpages_check("oracle.mixed", before, after, 3 * PMD_PAGES, PMD_ADDR, 257,
				  &e));
	EXPECT_EQ(2, e.dev_compound);
	EXPECT_EQ(512, e.dev_single);
	EXPECT_EQ(768, e.left_pages);
	/* negative: the pages that left, counted one each */
	EXPECT_EQ(1, cpages_check("oracle.mixed_per_page", before, after, 3 * PMD_PAGES,
				  PMD_ADDR, 768, &e));
	/* a folio home whole but one page unplaced when looked at: 1 or 512, nothing else */
	fill(after, PMD_PAGES, PMD_PAGES, 0x06);
	after[PMD_PAGES + 7] = 0x00;
	EXPECT_EQ(0, cpages_check("oracle.unresolved_one", before, after, 3 * PMD_PAGES,
				  PMD_ADDR, 258, &e));
	EXPECT_EQ(1, e.left_unresolved);
	EXPECT_EQ(0, cpages_check("oracle.unresolved_all", before, after, 3 * PMD_PAGES,
				  PMD_ADDR, 769, &e));
	EXPECT_EQ(1, cpages_check("oracle.unresolved_other", before, after, 3 * PMD_PAGES,
				  PMD_ADDR, 300, &e));
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
	uint64_t mig = SWP(26, 0x6cf3), present = PME_PRESENT | 0x6cf3;
	struct hmm_other_page pg;

	ASSERT_EQ(0, hmm_swp_layout_set(W612, 1));
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
	pg = made_up(SWP(23, 0x6cf3), 0, HMM_ACCESS_NOT_TRIED);
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
