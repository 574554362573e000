/*
 * oracle_pfn_freed: hands the per-PFN "freed after munmap" oracle (workloads/lib/pfn_freed.h)
 * a real leaked reference and a clean unmap, and prints what it returned:
 *  held   a THP vmsplice'd into a pipe that stays open: after munmap nobody maps the folio,
 *         but the pipe's reference keeps every PFN anonymous and allocated (the state a
 *         missing folio_put() leaves): the oracle must report all of them held;
 *  freed  the same after the pipe is closed: every PFN freed or reused, nothing reported;
 *  late   a THP whose pipe a thread closes 300 ms into the check: the oracle must keep
 *         looking while the PFNs are held and end, with none held, soon after they go;
 *  partly a THP of which half was zapped (MADV_DONTNEED) while the rest stays mapped: the
 *         zapped pages are anonymous, mapped by nobody and not free, exactly like a leak
 *         page by page (6.12 reports KPF_MMAP per page), but their folio is in use: what a
 *         busy host shows when a PFN of ours was reused for someone's THP that was then
 *         partly unmapped. The oracle must report none held.
 * Needs root (PFNs from pagemap); prints "# SKIP" and exits 4 otherwise.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "oracle_util.h"
#include "pfn_freed.h"
#include "report.h"

/* Pages of the recorded folio that kpagecount says nobody maps. */
static long unmapped_pages(const struct pfn_watch *w)
{
	uint64_t count;
	long n = 0;
	int fd = open("/proc/kpagecount", O_RDONLY | O_CLOEXEC);

	for (long i = 0; fd >= 0 && i < w->nr; i++)
		if (pread(fd, &count, sizeof(count), (off_t)((w->pfn[0] + (uint64_t)i) * 8)) == 8 &&
		    !count)
			n++;
	if (fd >= 0)
		close(fd);
	return n;
}

/* Closes the pipe p[0], p[1] after 300 ms. */
static void *close_later(void *arg)
{
	int *p = arg;

	usleep(300 * 1000);
	close(p[0]);
	close(p[1]);
	return NULL;
}

/* A THP of w's vmspliced into a fresh pipe p and unmapped: its PFNs held by the pipe. */
static int hold_in_pipe(struct thp_region *r, struct pfn_watch *w, int *p)
{
	struct iovec iov = { r->base, PAGE_SIZE_4K };

	pfn_watch_record(w, r);
	if (pipe(p) || fcntl(p[1], F_SETPIPE_SZ, 1 << 20) < 0 ||
	    vmsplice(p[1], &iov, 1, 0) != (ssize_t)PAGE_SIZE_4K)
		return -1;
	thp_region_unmap(r);
	return 0;
}

int main(void)
{
	struct pfn_watch w;
	struct thp_region r;
	pthread_t t;
	double t0;
	int p[2];
	long held;

	memset(&w, 0, sizeof(w));
	oracle_region(&r, 1);
	pfn_watch_record(&w, &r);
	if (!w.n) {
		printf("# SKIP PFNs not visible (needs root)\n");
		return 4;
	}
	printf("# expect: pages=%ld\n", w.nr);
	if (hold_in_pipe(&r, &w, p))
		return 2;
	held = pfn_watch_check(&w, "oracle_pfn_freed.held", 300);
	printf("result: held returned %ld\n", held);
	w.n = 1;		/* the same PFNs again, after the pipe is gone */
	close(p[0]);
	close(p[1]);
	held = pfn_watch_check(&w, "oracle_pfn_freed.freed", 2000);
	printf("result: freed returned %ld\n", held);

	oracle_region(&r, 1);
	if (hold_in_pipe(&r, &w, p) || pthread_create(&t, NULL, close_later, p))
		return 2;
	t0 = monotonic_seconds();
	held = pfn_watch_check(&w, "oracle_pfn_freed.late", 5000);
	printf("result: late returned %ld after %.0f ms\n", held,
	       (monotonic_seconds() - t0) * 1000);
	pthread_join(t, NULL);

	oracle_region(&r, 1);
	pfn_watch_record(&w, &r);
	if (madvise(r.base, r.folio_size / 2, MADV_DONTNEED))
		return 2;
	printf("result: partly zapped pages mapped by nobody: %ld\n", unmapped_pages(&w));
	held = pfn_watch_check(&w, "oracle_pfn_freed.partly", 300);
	printf("result: partly returned %ld\n", held);
	thp_region_unmap(&r);
	return 0;
}
