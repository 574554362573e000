/*
 * pagemap.c: per-page facts from the kernel: /proc/self/pagemap (bit 63 present, bit 62
 * swapped, bits 0-54 PFN; Documentation/admin-guide/mm/pagemap.rst), /proc/kpageflags for a PFN,
 * and the page's node via move_pages(2) with nodes = NULL (status holds the node).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

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

static int pread_u64(const char *path, uint64_t index, uint64_t *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pread(fd, out, sizeof(*out), (off_t)(index * sizeof(*out)));
	if (n != (ssize_t)sizeof(*out)) {
		int err = n < 0 ? -errno : -EIO;

		close(fd);
		return err;
	}
	close(fd);
	return 0;
}

int kpageflags_read(uint64_t pfn, uint64_t *flags)
{
	return pread_u64("/proc/kpageflags", pfn, flags);
}

int pagemap_read(uintptr_t addr, struct page_info *pi)
{
	uint64_t e = 0;
	int err = pread_u64("/proc/self/pagemap", addr / PAGE_SIZE_4K, &e);

	pi->present = pi->swapped = pi->kflags_valid = 0;
	pi->pfn = 0;
	pi->kflags = 0;
	if (err)
		return err;
	pi->present = !!(e & PM_PRESENT);
	pi->swapped = !!(e & PM_SWAP);
	if (pi->present)
		pi->pfn = e & PM_PFN_MASK;
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
	uint64_t entries[513], flags, head_pfn = 0;
	int pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	int kpf = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	int ret = 1;
	ssize_t n;

	if (pm < 0 || kpf < 0 || nr > sizeof(entries) / sizeof(entries[0])) {
		ret = nr > sizeof(entries) / sizeof(entries[0]) ? -EINVAL : -errno;
		goto out;
	}
	n = pread(pm, entries, nr * sizeof(entries[0]),
		  (off_t)(start / PAGE_SIZE_4K * sizeof(entries[0])));
	if (n < (ssize_t)((nr - 1) * sizeof(entries[0]))) {
		ret = n < 0 ? -errno : -EIO;
		goto out;
	}
	if (n < (ssize_t)(nr * sizeof(entries[0])))
		entries[nr - 1] = 0;
	for (i = 0; i < nr; i++) {
		uint64_t pfn = entries[i] & PM_PFN_MASK;
		int last = i == nr - 1;

		if (!(entries[i] & PM_PRESENT) || !pfn) {
			if (last)
				break;
			/* present without a PFN: PFNs are hidden from us */
			ret = entries[i] & PM_PRESENT ? -EPERM : 0;
			goto out;
		}
		if (pread(kpf, &flags, sizeof(flags), (off_t)(pfn * sizeof(flags))) !=
		    (ssize_t)sizeof(flags)) {
			ret = -errno;
			goto out;
		}
		if (i == 0) {
			head_pfn = pfn;
			if (!(flags & (1ULL << KPF_THP)) ||
			    !(flags & (1ULL << KPF_COMPOUND_HEAD))) {
				ret = 0;
				goto out;
			}
		} else if (!last && (pfn != head_pfn + i ||
				     !(flags & (1ULL << KPF_COMPOUND_TAIL)))) {
			ret = 0;
			goto out;
		} else if (last && pfn == head_pfn + i && (flags & (1ULL << KPF_COMPOUND_TAIL))) {
			ret = 0;	/* the folio is larger than folio_size */
			goto out;
		}
	}
out:
	if (pm >= 0)
		close(pm);
	if (kpf >= 0)
		close(kpf);
	return ret;
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
