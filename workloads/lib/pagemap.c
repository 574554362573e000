/*
 * pagemap.c: per-page facts from the kernel: /proc/self/pagemap (bit 63 present, bit 62
 * swapped, bits 0-54 PFN; Documentation/admin-guide/mm/pagemap.rst), /proc/kpageflags for a PFN,
 * and the page's node via move_pages(2) with nodes = NULL (status holds the node).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pagemap.h"
#include "thp_region.h"

#define PM_PRESENT	(1ULL << 63)
#define PM_SWAP		(1ULL << 62)
#define PM_PFN_MASK	((1ULL << 55) - 1)

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
	uint64_t e;
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
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
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
	close(fd);
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

int page_node(void *addr)
{
	void *pages[1] = { addr };
	int status[1] = { -1 };
	long ret = syscall(SYS_move_pages, 0, 1UL, pages, NULL, status, 0);

	if (ret < 0)
		return -errno;
	return status[0];
}
