// SPDX-License-Identifier: GPL-2.0
/*
 * thp_device_migrate: migration of THP-backed memory to device-private memory and back
 * through the kernel's HMM test device (/dev/hmm_dmirror0, CONFIG_TEST_HMM), guarding seed
 * 000: a refcount leak on device migration's split-failure path, which leaves the THP
 * allocated forever after its process is gone.
 * Kernel paths: migrate_vma_setup -> migrate_vma_collect_pmd (6.12: a PMD-mapped THP is split
 * with split_folio() before collection, a split failure skips the range; 7.x:
 * migrate_vma_collect_huge_pmd takes it whole as one MIGRATE_PFN_COMPOUND entry and splits
 * only when that fails) -> migrate_vma_unmap -> dmirror_devmem_alloc_page (7.x: a PMD-sized
 * device folio, else base pages one by one) -> migrate_vma_pages
 * (migrate_vma_split_unmapped_folio when the source is whole and the target is not) ->
 * migrate_vma_finalize; back: dmirror_migrate_to_system -> alloc_page_vma (7.x: a PMD-sized
 * folio for a device folio, else base pages) -> migrate_vma_pages.
 * Cases: to_device and to_system (the migration in the injection window), pinned_split_fails
 * (a page of the THP held by a pipe through vmsplice(2), so the split fails with -EAGAIN:
 * the path of seed 000, on 6.12; 7.2 takes the aligned THP whole, the pin fails its migration
 * and nothing is split: splits=0 and ENOENT, measured in the guest), fail_alloc and
 * fail_alloc_to_system (the driver's HMM_DMIRROR_FLAG_FAIL_ALLOC: its next device page, or on
 * the way back its next system folio, cannot be allocated; on 7.2 the THP then goes page by
 * page, and on the way back the device folio is split (migrate_vma_split_unmapped_folio)).
 * Whether the running test_hmm has the flag is asked at run time, by setting it; a driver
 * that rejects the command (6.12: EINVAL) makes the case SKIP with that reason.
 * Kinds: PMD-mapped THPs (one_thp, two_thps), a PTE-mapped THP (pte_mapped) and four 64 kB
 * mTHP folios (mthp_64k). A large folio that is not PMD-mapped is split before its pages
 * are collected on kernels that take it (7.x: migrate_vma_collect_pmd ->
 * migrate_vma_split_folio -> split_folio; a pinned one fails to split and the rest of the
 * PMD range is skipped: ENOENT) and skipped whole on kernels that do not (6.12: "FIXME
 * support THP", the pages stay in system memory: ENOENT). Which it was is read after each
 * migration from the snapshot, pagemap and kpageflags (hmm_folios.h: on the device, in
 * system memory as the same whole folio, split); a to_system case whose first migration
 * left every folio whole in system memory SKIPs saying so.
 * Everything runs in a worker process; the test process then checks, after the worker's
 * munmap and exit, that nr_anon_transparent_hugepages is back to its baseline and that every
 * PFN of the worker's folios was freed (workloads/lib/pfn_freed.h, hmm_leak.c), also after a
 * worker that skipped.
 * Oracle of the ioctls: MIGRATE_TO_DEV returns 0 => every page is on the device, the device's
 * copy is the pattern and cpages (the device's read-back, per page on every kernel) is the
 * page count; with fail_alloc the first THP cannot be on the device as one PMD-sized folio,
 * with fail_alloc_to_system it cannot come home PMD-mapped.
 * It fails => an errno the driver documents (ENOMEM, ENOENT, EBUSY) and every page is on the
 * device or in system memory. MIGRATE_TO_SYS returns 0 => cpages counts the migration entries
 * that left the device, as the running kernel forms them (workloads/lib/hmm_entries.h): one
 * per page where the device held single pages (6.12), one per PMD-sized device folio that
 * came home whole (7.x, MIGRATE_PFN_COMPOUND), one per page of one split on the way; which
 * it was is read from the snapshots before and after, never assumed. The pattern reads back
 * unchanged from the CPU at the end either way, with every page in system memory.
 * The snapshot shows the CPU page table without faulting, not the driver's mirror, so a page
 * it places nowhere (0x00) is looked at again (workloads/lib/hmm_other.h): pagemap right after
 * the ioctl and after a pause, kpageflags, a bounded CPU read. Only a lost page or an entry
 * that never resolves is a broken promise; a migration entry in flight is not (seen in the
 * guest: khugepaged's collapse faulted device pages back to system memory while we looked;
 * the range is MADV_NOHUGEPAGE once its THP exists, so khugepaged now keeps away). The pagemap
 * swap types differ between kernels (6.12 vs 7.2, hmm_pte.h): the fixture reads them from a
 * real device-private entry first (hmm_probe.h) and prints the layout.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "workload.h"
#include "cycle.h"
#include "hmm_dmirror.h"
#include "hmm_entries.h"
#include "hmm_folios.h"
#include "hmm_leak.h"
#include "hmm_other.h"
#include "hmm_probe.h"
#include "hmm_pte.h"
#include "hmm_uapi.h"
#include "layout.h"
#include "pfn_freed.h"

#define PINNED_PAGE 5		/* page of the first THP that the pipe holds */
#define SETTLE_MS 3000
#define SETTLE_STEP_MS 20
#define OTHER_PAUSE_MS 200	/* before looking at unplaced pages again */
#define OTHER_ACCESS_MS 2000	/* a CPU read of one that does not return by then is stuck */

enum dm_case {
	DM_TO_DEVICE,
	DM_TO_SYSTEM,
	DM_PINNED_SPLIT_FAILS,
	DM_FAIL_ALLOC,
	DM_FAIL_ALLOC_TO_SYSTEM,
};

/* What the worker tells the test process through shared memory. */
struct dm_report {
	struct pfn_watch pfns;		/* PFN of each folio's first page, recorded when mapped */
	char why[256];			/* skip or error reason */
	int consumed;			/* the worker's windows that consumed the fault */
};

FIXTURE(thp_device_migrate) {
	struct cycle_fixture f;
};

FIXTURE_VARIANT(thp_device_migrate) {
	struct thp_kind kind;
};

/* PMD-mapped THPs (one_thp, two_thps), a PTE-mapped THP and four 64 kB mTHP folios */
FIXTURE_VARIANT_ADD(thp_device_migrate, one_thp) { .kind = { .nr_folios = 1 } };
FIXTURE_VARIANT_ADD(thp_device_migrate, two_thps) { .kind = { .nr_folios = 2 } };
FIXTURE_VARIANT_ADD(thp_device_migrate, pte_mapped)
{
	.kind = { .nr_folios = 1, .pte_mapped = 1 }
};
FIXTURE_VARIANT_ADD(thp_device_migrate, mthp_64k) { .kind = { .folio_kb = 64 } };

/* The kind's folios are PMD-mapped THPs (the only ones a device may take whole). */
static int kind_pmd_mapped(const struct thp_kind *k)
{
	return !k->folio_kb && !k->pte_mapped;
}

FIXTURE_SETUP(thp_device_migrate)
{
	char why[256];
	int ret, fd;

	SF_TEST_ID(self->f.test);
	fd = hmm_open(why, sizeof(why));
	if (fd == -KSFT_SKIP)
		SKIP(return, "%s", why);
	ASSERT_LE(0, fd) TH_LOG("%s", why);
	if (getuid() != 0) {
		close(fd);
		SKIP(return, "needs root: PFNs in pagemap and /proc/kpageflags");
	}
	/* the running kernel's special swap types, for the unplaced-page evidence */
	ret = hmm_swp_calibrate(fd, why, sizeof(why));
	close(fd);
	ASSERT_EQ(0, ret) TH_LOG("swap-type layout from a device-private entry: %s", why);
	printf("# %s: %s\n", self->f.test, why);
	ret = cycle_setup(&self->f, "hmm_migrate", why, sizeof(why));
	if (ret == KSFT_SKIP)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	/* the mTHP knob is set here, in the test process that restores it, not in the worker */
	ret = variant->kind.folio_kb ? mthp_use_size(variant->kind.folio_kb << 10, why,
						     sizeof(why)) : 0;
	if (ret == KSFT_SKIP)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
}

FIXTURE_TEARDOWN(thp_device_migrate)
{
	cycle_teardown(&self->f);
}

/* Pins one page of base into a new pipe (a page reference, like an O_DIRECT or gup user). */
static int pin_page(char *page, int fds[2])
{
	struct iovec iov = { .iov_base = page, .iov_len = PAGE_SIZE_4K };

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	if (vmsplice(fds[1], &iov, 1, 0) != (ssize_t)PAGE_SIZE_4K) {
		int err = -errno;

		close(fds[0]);
		close(fds[1]);
		return err;
	}
	return 0;
}

static int errno_documented(int err)
{
	return err == ENOMEM || err == ENOENT || err == EBUSY;
}

/*
 * Snapshot of the range after the ioctl into perm (one byte per page) and *p; every page it
 * places neither on the device nor in system memory is investigated (pme: the pagemap words
 * read right after the ioctl). Returns the pages that break a promise (hmm_other.h), 1 when
 * the snapshot failed; *stuck is set when a CPU read of such a page did not return (the
 * caller must not touch the range).
 */
static long snapshot_and_judge(const char *test, int fd, const struct thp_region *r,
			       const uint64_t *pme, unsigned char *perm, struct hmm_placement *p,
			       int *stuck)
{
	size_t npages = r->len / PAGE_SIZE_4K;
	struct hmm_other_summary sum;
	int err = hmm_snapshot_perm(fd, r->base, r->len, perm);

	memset(p, 0, sizeof(*p));
	*stuck = 0;
	if (!err) {
		hmm_placement_count(perm, npages, (uintptr_t)r->base, p);
		if (p->other)
			err = hmm_other_investigate(test, fd, (uintptr_t)r->base, npages, perm, pme,
						    r->seed, OTHER_PAUSE_MS, OTHER_ACCESS_MS, &sum);
	}
	if (err) {
		printf("# %s: HMM_DMIRROR_SNAPSHOT failed: %s\n", test, strerror(-err));
		return 1;
	}
	if (!p->other)
		return 0;
	*stuck = sum.stuck > 0;
	if (sum.by_class[HMM_OTHER_BROKEN]) {
		char act[48];

		snprintf(act, sizeof(act), "HMM_DMIRROR_PROT 0x%02x (%ld pages)",
			 p->first_other_prot, sum.by_class[HMM_OTHER_BROKEN]);
		report_evidence(test, "page neither on device nor in system memory",
				"device or system", act, p->first_other);
	}
	return report_check_zero(test, "unplaced_pages_broken", sum.by_class[HMM_OTHER_BROKEN]) ?
		sum.by_class[HMM_OTHER_BROKEN] : 0;
}

/*
 * Pages of the device's copy (bounce, in the region's page order) that differ from the
 * pattern the CPU wrote at the region's addresses. Prints the first difference.
 */
static long device_copy_bad_pages(const char *test, const struct thp_region *r,
				  const char *bounce)
{
	uintptr_t base = (uintptr_t)r->base, first = 0;
	uint8_t want = 0, got = 0;
	size_t off, next_page = 0;
	char exp[16], act[48];
	long pages = 0;

	for (off = 0; off < r->len; off++) {
		uint8_t expected = pattern_byte(base + off, r->seed);

		if (off < next_page || (uint8_t)bounce[off] == expected)
			continue;
		if (!pages++) {
			first = base + off;
			want = expected;
			got = (uint8_t)bounce[off];
		}
		next_page = (off / PAGE_SIZE_4K + 1) * PAGE_SIZE_4K;
	}
	if (pages) {
		snprintf(exp, sizeof(exp), "0x%02x", want);
		snprintf(act, sizeof(act), "0x%02x (%ld pages differ)", got, pages);
		report_evidence(test, "device copy", exp, act, first);
	}
	return pages;
}

/*
 * MIGRATE_TO_DEV oracle (perm: npages bytes for the snapshot). cpages is the device's
 * read-back of the range, one per page on every kernel. With fail_alloc the driver took
 * HMM_DMIRROR_FLAG_FAIL_ALLOC, so the first device allocation failed: a success cannot have
 * put the first THP on the device as one PMD-sized folio (its pages went one by one).
 * Returns the number of broken promises.
 */
static long check_to_dev(const char *test, int fd, const struct thp_region *r,
			 const struct hmm_result *res, const char *bounce, const uint64_t *pme,
			 unsigned char *perm, int fail_alloc, int *stuck)
{
	long npages = (long)(r->len / PAGE_SIZE_4K), bad = 0, compound, single, first_pmd;
	size_t pmd_pages = thp_pmd_size() / PAGE_SIZE_4K;
	struct hmm_placement p;
	char act[64];

	bad += snapshot_and_judge(test, fd, r, pme, perm, &p, stuck);
	hmm_entries_on_device(perm, (size_t)npages, (uintptr_t)r->base, pmd_pages, &compound,
			      &single);
	printf("# %s: to device: ret=%ld errno=%s cpages=%llu on_device=%ld (%ld PMD folios, "
	       "%ld single pages) in_system=%ld other=%ld of %ld\n", test, res->ret,
	       hmm_errno_name(res->err), (unsigned long long)res->cpages, p.on_device, compound,
	       single, p.in_system, p.other, npages);
	if (res->ret == 0) {
		bad += report_check_long(test, "to_dev_ok_pages_on_device", npages, p.on_device);
		bad += report_check_long(test, "to_dev_ok_cpages", npages, (long long)res->cpages);
		bad += device_copy_bad_pages(test, r, bounce);
		if (fail_alloc) {
			hmm_entries_on_device(perm, pmd_pages, (uintptr_t)r->base, pmd_pages,
					      &first_pmd, &single);
			bad += report_check_zero(test, "fail_alloc_first_thp_one_device_folio",
						 first_pmd);
		}
	} else if (!errno_documented(res->err)) {
		snprintf(act, sizeof(act), "%s", hmm_errno_name(res->err));
		report_evidence(test, "MIGRATE_TO_DEV errno", "ENOMEM, ENOENT or EBUSY", act,
				(uintptr_t)r->base);
		bad++;
	}
	return bad;
}

/* 1 when the first THP's pages are all PMD-mapped in system memory per the snapshot. */
static long first_thp_home_whole(const unsigned char *perm, const struct thp_region *r)
{
	size_t i, pmd_pages = thp_pmd_size() / PAGE_SIZE_4K;

	for (i = 0; i < pmd_pages && i < r->len / PAGE_SIZE_4K; i++)
		if (hmm_place_of(perm[i]) != HMM_PLACE_SYSTEM ||
		    !(perm[i] & HMM_DMIRROR_PROT_PMD))
			return 0;
	return 1;
}

/*
 * MIGRATE_TO_SYS oracle: before = the snapshot bytes before the call, perm: npages bytes for
 * the one after. cpages must count what left the device as the kernel counts it: one per
 * migration entry (hmm_entries.h), found from the snapshots, not assumed.
 */
static long check_to_sys(const char *test, int fd, const struct thp_region *r,
			 const struct hmm_result *res, const unsigned char *before,
			 const uint64_t *pme, unsigned char *perm, int fail_alloc, int *stuck)
{
	size_t npages = r->len / PAGE_SIZE_4K;
	struct hmm_placement p, was;
	struct hmm_entries e;
	long bad = 0;

	hmm_placement_count(before, npages, (uintptr_t)r->base, &was);
	bad += snapshot_and_judge(test, fd, r, pme, perm, &p, stuck);
	printf("# %s: to system: ret=%ld errno=%s cpages=%llu on_device %ld -> %ld, "
	       "in_system=%ld other=%ld\n", test, res->ret, hmm_errno_name(res->err),
	       (unsigned long long)res->cpages, was.on_device, p.on_device, p.in_system, p.other);
	if (res->ret == 0) {
		hmm_entries_to_sys(before, perm, npages, (uintptr_t)r->base,
				   thp_pmd_size() / PAGE_SIZE_4K, &e);
		bad += hmm_entries_check(test, "to_sys_cpages_entries_moved", &e,
					 (long long)res->cpages);
		/* the first large system allocation failed: the first THP came home in pages */
		if (fail_alloc)
			bad += report_check_zero(test, "fail_alloc_first_thp_home_whole",
						 first_thp_home_whole(perm, r));
	} else if (!errno_documented(res->err)) {
		bad += report_check_long(test, "to_sys_errno_documented", 0, res->err);
	}
	return bad;
}

/*
 * Sets HMM_DMIRROR_FLAG_FAIL_ALLOC on fd, asking the running test_hmm itself. Returns 0,
 * KSFT_SKIP (it has no such command: EINVAL/ENOTTY) or 3, with the reason in rep.
 */
static int arm_fail_alloc(int fd, struct dm_report *rep)
{
	int ret = hmm_set_fail_alloc(fd);

	if (ret == -EINVAL || ret == -ENOTTY) {
		snprintf(rep->why, sizeof(rep->why),
			 "the running kernel's test_hmm rejects HMM_DMIRROR_FLAGS (%s): no "
			 "HMM_DMIRROR_FLAG_FAIL_ALLOC (it came with THP device migration)",
			 hmm_errno_name(-ret));
		return KSFT_SKIP;
	}
	if (ret) {
		snprintf(rep->why, sizeof(rep->why), "HMM_DMIRROR_FLAGS: %s", strerror(-ret));
		return 3;
	}
	return 0;
}

/*
 * to_system cases: migrate to the device outside the window (and arm FAIL_ALLOC for the way
 * back when asked), then MIGRATE_TO_SYS in the window and its oracle. Returns the broken
 * promises (>= 0) or -(worker exit status) when the case could not run (reason in rep).
 * The first THP must not come home whole after FAIL_ALLOC only for PMD-mapped kinds (pmd_kind):
 * the others went to the device as single pages.
 */
static long run_to_system(const char *test, struct window *w, int fd, struct thp_region *r,
			  char *bounce, int fail_alloc, int pmd_kind, uint64_t *pme,
			  unsigned char *perm, unsigned char *perm_before, struct dm_report *rep,
			  int *stuck)
{
	struct hmm_folio_outcome o;
	struct hmm_result res;
	int ret;

	hmm_migrate_to_dev(fd, r->base, r->len, bounce, &res);
	if (res.ret && !hmm_snapshot_perm(fd, r->base, r->len, perm_before)) {
		hmm_folio_outcome(r, perm_before, rep->pfns.pfn, rep->pfns.n, &o);
		hmm_folio_outcome_print(test, "after the migration to the device", r, &o);
		if (!o.on_device && !o.partly && o.system_whole == (long)r->nr_folios) {
			snprintf(rep->why, sizeof(rep->why),
				 "the running kernel leaves these large folios in system memory, "
				 "whole (MIGRATE_TO_DEV: %s): nothing on the device to bring back",
				 hmm_errno_name(res.err));
			return -KSFT_SKIP;
		}
	}
	if (res.ret) {
		snprintf(rep->why, sizeof(rep->why),
			 "migration to the device (outside the window) failed: %s",
			 strerror(res.err));
		return -3;
	}
	ret = hmm_snapshot_perm(fd, r->base, r->len, perm_before);
	if (ret) {
		snprintf(rep->why, sizeof(rep->why), "HMM_DMIRROR_SNAPSHOT: %s", strerror(-ret));
		return -3;
	}
	ret = fail_alloc ? arm_fail_alloc(fd, rep) : 0;
	if (ret)
		return -ret;
	window_arm(w);
	hmm_migrate_to_sys(fd, r->base, r->len, &res);
	window_disarm(w, res.ret, res.err);
	/* first thing after the ioctl: what the CPU page table holds */
	hmm_pagemap_words((uintptr_t)r->base, r->len / PAGE_SIZE_4K, pme);
	return check_to_sys(test, fd, r, &res, perm_before, pme, perm, fail_alloc && pmd_kind,
			    stuck);
}

/* The worker's buffers, one byte (perm) or word (pme) per page of the region. */
struct dm_bufs {
	char *bounce;			/* the device's copy */
	uint64_t *pme;			/* pagemap words right after an ioctl */
	unsigned char *perm;		/* snapshot bytes after it */
	unsigned char *perm_before;	/* and before */
};

/*
 * The case on the mapped region r with the device open (fd): the migration in the window,
 * its oracles, everything brought back, the pattern read by the CPU. Returns 0 (kept),
 * 1 (broken), 3 (could not run, why in rep) or 4 (skip, why in rep).
 */
static int worker_case(const char *test, struct window *w, enum dm_case c, int pmd_kind,
		       int fd, struct thp_region *r, struct dm_bufs *b, struct dm_report *rep)
{
	int pipe_fds[2] = { -1, -1 }, ret, stuck = 0;
	struct hmm_folio_outcome o;
	struct hmm_placement home;
	struct hmm_result res;
	long bad = 0;

	if (c == DM_PINNED_SPLIT_FAILS) {
		ret = pin_page(r->base + PINNED_PAGE * PAGE_SIZE_4K, pipe_fds);
		if (ret) {
			snprintf(rep->why, sizeof(rep->why), "vmsplice: %s", strerror(-ret));
			return 3;
		}
	} else if (c == DM_FAIL_ALLOC) {
		ret = arm_fail_alloc(fd, rep);
		if (ret)
			return ret;
	}
	if (c == DM_TO_SYSTEM || c == DM_FAIL_ALLOC_TO_SYSTEM) {
		long n = run_to_system(test, w, fd, r, b->bounce, c == DM_FAIL_ALLOC_TO_SYSTEM,
				       pmd_kind, b->pme, b->perm, b->perm_before, rep, &stuck);

		if (n < 0)
			return (int)-n;
		bad += n;
	} else {
		window_arm(w);
		hmm_migrate_to_dev(fd, r->base, r->len, b->bounce, &res);
		window_disarm(w, res.ret, res.err);
		hmm_pagemap_words((uintptr_t)r->base, r->len / PAGE_SIZE_4K, b->pme);
		bad += check_to_dev(test, fd, r, &res, b->bounce, b->pme, b->perm,
				    c == DM_FAIL_ALLOC && pmd_kind, &stuck);
		hmm_folio_outcome(r, b->perm, rep->pfns.pfn, rep->pfns.n, &o);
		hmm_folio_outcome_print(test, "after the migration to the device", r, &o);
		if (c == DM_PINNED_SPLIT_FAILS)
			printf("# %s: pinned THP after the migration: %ld of %zu folios still "
			       "whole THPs\n", test, thp_region_count_thp(r), r->nr_folios);
	}
	if (stuck) {
		/* a CPU read of the range hangs: bringing it home would hang too */
		printf("# %s: range left as it is: a CPU read of it does not return\n", test);
		fflush(NULL);
		_exit(1);
	}
	/* bring everything home, then the CPU must read the pattern everywhere */
	hmm_migrate_to_sys(fd, r->base, r->len, &res);
	hmm_snapshot(fd, r->base, r->len, &home);
	bad += report_check_long(test, "pages_in_system_after_migrating_back",
				 (long)(r->len / PAGE_SIZE_4K), home.in_system);
	bad += report_check_zero(test, "pages_corrupted",
				 oracle_pattern(test, "CPU read after migrating back", r->base,
						r->len, r->seed));
	thp_region_unmap(r);
	if (pipe_fds[0] >= 0) {
		close(pipe_fds[0]);
		close(pipe_fds[1]);
	}
	return bad ? 1 : 0;
}

/*
 * The worker: maps the kind's folios, records their PFNs, runs the case (worker_case), unmaps
 * and exits with worker_case's status (3 or 4 also when it could not map or open).
 */
static int worker(const char *test, struct window *w, enum dm_case c, const struct thp_kind *k,
		  struct dm_report *rep)
{
	size_t npages, len;
	struct dm_bufs b;
	struct thp_region r;
	int fd, ret;

	ret = thp_kind_map(&r, k, 1, splitfail_seed(), rep->why, sizeof(rep->why));
	if (ret)
		return ret == THP_REGION_SKIP ? KSFT_SKIP : 3;
	pfn_watch_record(&rep->pfns, &r);
	if (rep->pfns.n != r.nr_folios) {
		snprintf(rep->why, sizeof(rep->why), "PFNs in pagemap for %zu of %zu folios",
			 rep->pfns.n, r.nr_folios);
		return 3;
	}
	/*
	 * Keep khugepaged off the range from here on (the THP exists already): its collapse
	 * faults device pages back to system memory (__collapse_huge_page_swapin ->
	 * do_swap_page -> migrate_to_ram) while we migrate and look, which is not the path
	 * under test and made a successful migration look partial (seen in the guest).
	 */
	if (madvise(r.base, r.len, MADV_NOHUGEPAGE)) {
		snprintf(rep->why, sizeof(rep->why), "madvise(MADV_NOHUGEPAGE): %s",
			 strerror(errno));
		return 3;
	}
	fd = hmm_open(rep->why, sizeof(rep->why));
	if (fd < 0)
		return fd == -KSFT_SKIP ? KSFT_SKIP : 3;
	len = r.len;
	npages = len / PAGE_SIZE_4K;
	b.bounce = thp_scratch_alloc(len);
	b.pme = calloc(npages, sizeof(*b.pme));
	b.perm = malloc(npages);
	b.perm_before = malloc(npages);
	if (b.bounce && b.pme && b.perm && b.perm_before) {
		ret = worker_case(test, w, c, kind_pmd_mapped(k), fd, &r, &b, rep);
	} else {
		snprintf(rep->why, sizeof(rep->why), "out of memory for the region's buffers");
		ret = 3;
	}
	thp_scratch_free(b.bounce, len);
	free(b.pme);
	free(b.perm);
	free(b.perm_before);
	close(fd);
	thp_region_unmap(&r);
	return ret;
}

/*
 * nr_anon_transparent_hugepages above baseline after settling (0 when back). Looked at
 * first; only while it is above, LRU batches are drained and it is read again, every
 * SETTLE_STEP_MS until SETTLE_MS.
 */
static long long anon_thps_excess(long long baseline)
{
	double start = monotonic_seconds();
	long long now = vmstat_read("nr_anon_transparent_hugepages");

	while (now > baseline) {
		lru_drain_all_cpus();
		now = vmstat_read("nr_anon_transparent_hugepages");
		if (now <= baseline || (monotonic_seconds() - start) * 1000 >= SETTLE_MS)
			break;
		usleep(SETTLE_STEP_MS * 1000);
	}
	return now > baseline ? now - baseline : 0;
}

static void run_case(struct __test_metadata *_metadata, FIXTURE_DATA(thp_device_migrate) *self,
		     const FIXTURE_VARIANT(thp_device_migrate) *variant, enum dm_case c)
{
	long iterations = splitfail_iterations(), it, broken = 0, held = 0, checked = 0, n;
	const long first = self->f.w.nth;
	long long baseline, excess = 0;
	struct vmstat_snapshot *after;
	struct pfn_watch total;
	struct dm_report *rep;
	struct rate_meter m;
	int status = 0;
	pid_t pid;

	rep = mmap(NULL, sizeof(*rep), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, rep);
	if (self->f.w.nth_last)	/* a batch of fail-nth steps: a worker per step */
		iterations = self->f.w.nth_last - first + 1;
	rate_start(&m);
	for (it = 0; it < iterations; it++) {
		if (self->f.w.nth_last) {
			if (it && !rep->consumed)
				break;	/* the step before consumed nothing: the sweep ends there */
			n = window_step(&self->f.w, first + it);
			if (n > 0)
				break;	/* the harness stopped the batch before this step */
			ASSERT_EQ(0, n) TH_LOG("step nth=%ld: the harness is gone", first + it);
		}
		memset(rep, 0, sizeof(*rep));
		baseline = vmstat_read("nr_anon_transparent_hugepages");
		fflush(NULL);
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			status = worker(self->f.test, &self->f.w, c, &variant->kind, rep);
			rep->consumed = self->f.w.consumed_in_step;
			fflush(NULL);
			_exit(status);
		}
		if (waitpid(pid, &status, 0) != pid)
			status = -1;
		excess += anon_thps_excess(baseline);
		/* after the worker's munmap and exit (also a skip): its folios' PFNs freed */
		n = pfn_watch_check(&rep->pfns, self->f.test, SETTLE_MS);
		ASSERT_LE(0, n) TH_LOG("kpageflags: %s", strerror((int)-n));
		held += n;
		checked += rep->pfns.checked;
		if (status == -1 || !WIFEXITED(status)) {
			printf("# %s: worker %s\n", self->f.test,
			       status == -1 ? "lost" : strsignal(WTERMSIG(status)));
			broken++;
		} else if (WEXITSTATUS(status) == KSFT_SKIP && it == 0 && !held) {
			char why[sizeof(rep->why)];

			snprintf(why, sizeof(why), "%s", rep->why);
			munmap(rep, sizeof(*rep));
			SKIP(return, "%s", why);
		} else if (WEXITSTATUS(status) == 3 || WEXITSTATUS(status) == KSFT_SKIP) {
			EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("worker: %s", rep->why);
			break;
		} else {
			broken += WEXITSTATUS(status);
		}
		rate_add_ops(&m, 1);
	}
	rate_report(&m, self->f.test);
	after = malloc(sizeof(*after));
	if (after && vmstat_snapshot_take(after) > 0)
		vmstat_print_thp_deltas(self->f.test, &self->f.before, after);
	free(after);
	munmap(rep, sizeof(*rep));
	EXPECT_EQ(0, report_check_zero(self->f.test, "worker_broken_promises", broken));
	EXPECT_EQ(0, report_check_zero(self->f.test, "anon_thps_above_baseline", excess));
	total = (struct pfn_watch){ .held = held, .checked = checked };
	EXPECT_EQ(0, pfn_watch_report(&total, self->f.test));
}

TEST_F(thp_device_migrate, to_device) { run_case(_metadata, self, variant, DM_TO_DEVICE); }
TEST_F(thp_device_migrate, to_system) { run_case(_metadata, self, variant, DM_TO_SYSTEM); }
TEST_F(thp_device_migrate, pinned_split_fails)
{
	run_case(_metadata, self, variant, DM_PINNED_SPLIT_FAILS);
}
TEST_F(thp_device_migrate, fail_alloc) { run_case(_metadata, self, variant, DM_FAIL_ALLOC); }
TEST_F(thp_device_migrate, fail_alloc_to_system)
{
	run_case(_metadata, self, variant, DM_FAIL_ALLOC_TO_SYSTEM);
}

/*
 * The folio split is split_huge_page_to_list_to_order on 6.12 and an inline wrapper of
 * __split_huge_page_to_list_to_order -> __folio_split on 7.2 (which also splits a device
 * folio with folio_split_unmapped); the harness skips names a kernel does not have.
 */
SPLITFAIL_MAIN("migrate_vma_setup", "migrate_vma_collect_pmd", "split_folio_to_list",
	       "split_huge_page_to_list_to_order", "__split_huge_page_to_list_to_order",
	       "__folio_split", "folio_split_unmapped", "migrate_vma_pages",
	       "migrate_vma_finalize", "dmirror_migrate_to_device", "dmirror_devmem_alloc_page",
	       "dmirror_migrate_to_system", "migrate_vma_split_unmapped_folio",
	       "migrate_device_finalize");
