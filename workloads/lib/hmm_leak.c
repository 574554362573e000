/*
 * hmm_leak.c: judges whether the PFNs of a folio that no process maps any more were freed,
 * for the device-migration leak of seed 000. Free pages show KPF_BUDDY (also inside a larger
 * free block, fs/proc/page.c) or no owner flags at all (per-cpu free lists); a page still
 * marked anonymous with map count 0 is held by a reference nobody will drop. LRU batches and
 * RCU-deferred frees make that state briefly normal, so the check drains the batches and
 * looks again until settle_ms has passed.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "hmm_leak.h"
#include "pagemap.h"
#include "report.h"
#include "thp_region.h"

#define BIT(n) (1ULL << (n))
#define SETTLE_STEP_MS 100

enum pfn_state pfn_state_of(uint64_t kflags, uint64_t mapcount)
{
	if (kflags & (BIT(KPF_BUDDY) | BIT(KPF_NOPAGE)))
		return PFN_FREE;
	if (mapcount || (kflags & BIT(KPF_MMAP)))
		return PFN_REUSED;
	if (!(kflags & BIT(KPF_ANON))) {
		/* page cache, slab, page table or nothing: not our anonymous folio */
		if (kflags & (BIT(KPF_LRU) | BIT(KPF_SLAB) | BIT(KPF_COMPOUND_HEAD) |
			      BIT(KPF_COMPOUND_TAIL)))
			return PFN_REUSED;
		return PFN_FREE;
	}
	if (kflags & (BIT(KPF_SWAPCACHE) | BIT(KPF_LOCKED)))
		return PFN_MOVING;
	return PFN_HELD;
}

const char *pfn_state_name(enum pfn_state s)
{
	static const char *const names[] = { "free", "reused", "held", "moving" };

	return s <= PFN_MOVING ? names[s] : "?";
}

int kpagecount_read(uint64_t pfn, uint64_t *count)
{
	int fd = open("/proc/kpagecount", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pread(fd, count, sizeof(*count), (off_t)(pfn * sizeof(*count)));
	close(fd);
	if (n != (ssize_t)sizeof(*count))
		return n < 0 ? -errno : -EIO;
	return 0;
}

int lru_drain_all_cpus(void)
{
	char *page = mmap(NULL, PAGE_SIZE_4K, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int node, status = -1, ret = 0;
	void *pages[1];

	if (page == MAP_FAILED)
		return -errno;
	page[0] = 1;
	pages[0] = page;
	node = page_node(page);
	if (node < 0)
		ret = node;
	else if (syscall(SYS_move_pages, 0, 1UL, pages, &node, &status, 0) < 0)
		ret = -errno;
	munmap(page, PAGE_SIZE_4K);
	return ret;
}

/* One pass over the PFNs. Returns 0 or -errno; fills the counts. */
static int pfn_pass(uint64_t first_pfn, long nr, struct pfn_leak_result *res)
{
	uint64_t flags = 0, count = 0;
	long i;
	int err;

	res->held = res->freed = res->reused = 0;
	for (i = 0; i < nr; i++) {
		uint64_t pfn = first_pfn + (uint64_t)i;
		enum pfn_state s;

		err = kpageflags_read(pfn, &flags);
		if (!err)
			err = kpagecount_read(pfn, &count);
		if (err)
			return err;
		s = pfn_state_of(flags, count);
		if (s == PFN_FREE) {
			res->freed++;
		} else if (s == PFN_REUSED) {
			res->reused++;
		} else {
			if (!res->held) {
				res->first_held = pfn;
				res->first_flags = flags;
				res->first_mapcount = count;
			}
			res->held++;
		}
	}
	return 0;
}

long pfn_leak_check(const char *test, const char *what, uint64_t first_pfn, long nr,
		    int settle_ms, struct pfn_leak_result *res)
{
	double start = monotonic_seconds();
	struct timespec step = { 0, SETTLE_STEP_MS * 1000000L };
	char what_pfn[128], actual[160];
	int err;

	for (;;) {
		lru_drain_all_cpus();
		err = pfn_pass(first_pfn, nr, res);
		if (err)
			return err;
		res->waited = monotonic_seconds() - start;
		if (!res->held || res->waited * 1000 >= settle_ms)
			break;
		nanosleep(&step, NULL);
	}
	printf("# %s: %s: %ld PFNs from 0x%" PRIx64 ": freed=%ld reused=%ld held=%ld after %.1f s\n",
	       test, what, nr, first_pfn, res->freed, res->reused, res->held, res->waited);
	if (res->held) {
		snprintf(what_pfn, sizeof(what_pfn), "%s (PFN)", what);
		snprintf(actual, sizeof(actual),
			 "held: %s, mapcount %" PRIu64 ", kpageflags 0x%" PRIx64 " (%ld PFNs)",
			 res->first_flags & BIT(KPF_ANON) ? "anon" : "not anon",
			 res->first_mapcount, res->first_flags, res->held);
		report_evidence(test, what_pfn, "freed (buddy) or reused", actual,
				(uintptr_t)res->first_held);
	}
	report_check_zero(test, "pfns_held_after_exit", res->held);
	return res->held;
}
