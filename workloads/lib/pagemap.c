/*
 * pagemap.c: per-page facts from the kernel: /proc/self/pagemap (bit 63 present, bit 62
 * swapped, bits 0-54 PFN; Documentation/admin-guide/mm/pagemap.rst), /proc/kpageflags for a PFN,
 * and the page's node via move_pages(2) with nodes = NULL (status holds the node). Ranges are
 * read in one pass (one pread, one move_pages), not page by page: under software emulation
 * each system call costs tens of microseconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kpage.h"
#include "pagemap.h"
#include "thp_region.h"

#define PM_PRESENT	(1ULL << 63)
#define PM_SWAP		(1ULL << 62)
#define PM_PFN_MASK	((1ULL << 55) - 1)

/*
 * PAGEMAP_SCAN ABI (Documentation/admin-guide/mm/pagemap.rst, Linux 6.7+), spelled out
 * because the installed uapi headers may predate it.
 */
struct pm_scan_region {
	uint64_t start;
	uint64_t end;
	uint64_t categories;
};

struct pm_scan_request {
	uint64_t size;
	uint64_t flags;
	uint64_t start;
	uint64_t end;
	uint64_t walk_end;
	uint64_t vec;
	uint64_t vec_len;
	uint64_t max_pages;
	uint64_t category_inverted;
	uint64_t category_mask;
	uint64_t category_anyof_mask;
	uint64_t return_mask;
};

#define PM_SCAN_IOCTL		_IOWR('f', 16, struct pm_scan_request)
#define PM_SCAN_PAGE_IS_HUGE	(1ULL << 6)

/*
 * This process's /proc/self/pagemap, opened once per process: a forked child must not read
 * through its parent's descriptor, which still shows the parent.
 */
static int self_pagemap_fd(void)
{
	static int fd = -1;
	static pid_t owner;

	if (fd >= 0 && owner == getpid())
		return fd;
	if (fd >= 0)
		close(fd);
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	owner = getpid();
	return fd < 0 ? -errno : fd;
}

int pagemap_entries(uintptr_t start, size_t nr, uint64_t *out)
{
	size_t want = nr * sizeof(*out), got = 0;
	off_t off = (off_t)(start / PAGE_SIZE_4K * sizeof(*out));
	int fd = self_pagemap_fd();
	ssize_t n;

	if (fd < 0)
		return fd;
	while (got < want) {
		n = pread(fd, (char *)out + got, want - got, off + (off_t)got);
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		got += (size_t)n;
	}
	return 0;
}

int pagemap_entries_of(void *const *pages, long nr, uint64_t *out)
{
	long i = 0, run;
	int err;

	/* one read per run of consecutive pages */
	while (i < nr) {
		uintptr_t first = (uintptr_t)pages[i] & ~(PAGE_SIZE_4K - 1);

		for (run = 1; i + run < nr; run++)
			if (((uintptr_t)pages[i + run] & ~(PAGE_SIZE_4K - 1)) !=
			    first + (uintptr_t)run * PAGE_SIZE_4K)
				break;
		err = pagemap_entries(first, (size_t)run, out + i);
		if (err)
			return err;
		i += run;
	}
	return 0;
}

void page_info_from_entry(uint64_t e, struct page_info *pi)
{
	pi->present = !!(e & PM_PRESENT);
	pi->swapped = !!(e & PM_SWAP);
	pi->pfn = pi->present ? e & PM_PFN_MASK : 0;
	pi->kflags = 0;
	pi->kflags_valid = 0;
}

int pagemap_read(uintptr_t addr, struct page_info *pi)
{
	uint64_t e = 0;
	int err = pagemap_entries(addr, 1, &e);

	page_info_from_entry(err ? 0 : e, pi);
	if (err)
		return err;
	if (pi->pfn && !kpageflags_read(pi->pfn, &pi->kflags))
		pi->kflags_valid = 1;
	return 0;
}

/* Reads the pagemap entries of [start, start + len) in one pass; mode 0 present, 1 swapped. */
static long pagemap_count(uintptr_t start, size_t len, int swapped, uintptr_t *first)
{
	uint64_t buf[512];
	uintptr_t addr = start & ~(PAGE_SIZE_4K - 1);
	uintptr_t end = start + len;
	long count = 0;
	int fd = self_pagemap_fd();

	if (fd < 0)
		return fd;
	while (addr < end) {
		size_t want = (end - addr + PAGE_SIZE_4K - 1) / PAGE_SIZE_4K;
		ssize_t n;
		size_t i;

		if (want > 512)
			want = 512;
		n = pread(fd, buf, want * sizeof(buf[0]),
			  (off_t)(addr / PAGE_SIZE_4K * sizeof(buf[0])));
		if (n <= 0) {
			count = n < 0 ? -errno : -EIO;
			break;
		}
		for (i = 0; i < (size_t)n / sizeof(buf[0]); i++, addr += PAGE_SIZE_4K) {
			if (buf[i] & (swapped ? PM_SWAP : PM_PRESENT)) {
				if (!count && first)
					*first = addr;
				count++;
			}
		}
	}
	return count;
}

long pagemap_count_present(uintptr_t start, size_t len, uintptr_t *first_present)
{
	return pagemap_count(start, len, 0, first_present);
}

long pagemap_count_swapped(uintptr_t start, size_t len)
{
	return pagemap_count(start, len, 1, NULL);
}

long long pagemap_pmd_mapped_bytes(uintptr_t start, size_t len)
{
	struct pm_scan_region vec[64];
	struct pm_scan_request req;
	uintptr_t end = start + len;
	long long bytes = 0;
	int fd = self_pagemap_fd();
	int i, n;

	if (fd < 0)
		return fd;
	while (start < end) {
		memset(&req, 0, sizeof(req));
		req.size = sizeof(req);
		req.start = start;
		req.end = end;
		req.vec = (uintptr_t)vec;
		req.vec_len = sizeof(vec) / sizeof(vec[0]);
		req.category_mask = PM_SCAN_PAGE_IS_HUGE;
		req.return_mask = PM_SCAN_PAGE_IS_HUGE;
		n = ioctl(fd, PM_SCAN_IOCTL, &req);
		if (n < 0) {
			bytes = -errno;
			break;
		}
		for (i = 0; i < n; i++)
			bytes += (long long)(vec[i].end - vec[i].start);
		if (req.walk_end <= start)
			break;
		start = req.walk_end;
	}
	return bytes;
}

int pagemap_is_thp_folio(uintptr_t start, size_t folio_size)
{
	size_t i, nr = folio_size / PAGE_SIZE_4K + 1;	/* one page past the folio */
	uint64_t entries[513] = { 0 }, flags[513] = { 0 }, head_pfn;
	int err;

	if (nr > sizeof(entries) / sizeof(entries[0]))
		return -EINVAL;
	err = pagemap_entries(start, nr - 1, entries);
	if (err)
		return err;
	/* the page past the folio may be past the end of the address space's pagemap */
	if (pagemap_entries(start + (nr - 1) * PAGE_SIZE_4K, 1, &entries[nr - 1]))
		entries[nr - 1] = 0;
	head_pfn = entries[0] & PM_PFN_MASK;
	if (!(entries[0] & PM_PRESENT) || !head_pfn)
		return entries[0] & PM_PRESENT ? -EPERM : 0;	/* present without a PFN: hidden */
	/* a folio's PFNs are contiguous: its flags are one range from the head */
	err = kpageflags_range(head_pfn, (long)nr, flags);
	if (err)
		return err;
	if (!(flags[0] & (1ULL << KPF_THP)) || !(flags[0] & (1ULL << KPF_COMPOUND_HEAD)))
		return 0;
	for (i = 1; i < nr; i++) {
		uint64_t pfn = entries[i] & PM_PFN_MASK;
		int contiguous = (entries[i] & PM_PRESENT) && pfn == head_pfn + i;
		int tail = contiguous && (flags[i] & (1ULL << KPF_COMPOUND_TAIL));

		if (i < nr - 1 && !tail)
			return (entries[i] & PM_PRESENT) && !pfn ? -EPERM : 0;
		if (i == nr - 1 && tail)
			return 0;	/* the folio is larger than folio_size */
	}
	return 1;
}

int page_node(void *addr)
{
	void *pages[1] = { addr };
	int status[1] = { -1 };
	long ret = syscall(SYS_move_pages, 0, 1UL, pages, NULL, status, 0);

	if (ret < 0)
		return -errno;
	return status[0];
}

int page_nodes(void *const *pages, long nr, int *nodes)
{
	long i;

	for (i = 0; i < nr; i++)
		nodes[i] = -1;
	if (nr && syscall(SYS_move_pages, 0, (unsigned long)nr, pages, NULL, nodes, 0) < 0)
		return -errno;
	return 0;
}
