/*
 * pin_uring.c: io_uring fixed buffers as a long-term pin of THP memory, and I/O through the
 * pin against a memfd (see pin_uring.h). io_uring_register_buffers pins the pages with
 * FOLL_LONGTERM (io_uring/rsrc.c, io_sqe_buffer_register); WRITE_FIXED / READ_FIXED then copy
 * from / into those pinned pages, whatever userspace has mapped since.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "pattern.h"
#include "thp_region.h"
#include "pin_uring.h"

#define IO_URING_DISABLED "/proc/sys/kernel/io_uring_disabled"

/* kernel.io_uring_disabled (Documentation/admin-guide/sysctl/kernel.rst): 0, 1, 2; -1 absent */
static int io_uring_disabled_value(void)
{
	FILE *f = fopen(IO_URING_DISABLED, "r");
	int v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

int pin_uring_open(struct pin_uring *p, size_t len, char *why, size_t why_len)
{
	int ret, disabled = io_uring_disabled_value();

	memset(p, 0, sizeof(*p));
	p->file_fd = -1;
	if (disabled == 2) {
		snprintf(why, why_len, "io_uring disabled: %s = 2", IO_URING_DISABLED);
		return 4;
	}
	ret = io_uring_queue_init(PIN_URING_MAX_INFLIGHT * 2, &p->ring, 0);
	if (ret == -ENOSYS || ret == -EPERM) {
		snprintf(why, why_len, "io_uring_setup: %s (%s = %d)", strerrorname_np(-ret),
			 IO_URING_DISABLED, disabled);
		return 4;
	}
	if (ret) {
		snprintf(why, why_len, "io_uring_queue_init: %s", strerror(-ret));
		return ret;
	}
	p->ring_ready = 1;
	p->len = len;
	p->file_fd = memfd_create("splitfail-pin", MFD_CLOEXEC);
	p->view = thp_scratch_alloc(len);
	p->sent = thp_scratch_alloc(len);
	if (p->file_fd < 0 || !p->view || !p->sent || ftruncate(p->file_fd, (off_t)len)) {
		ret = -(errno ? errno : ENOMEM);
		snprintf(why, why_len, "memfd of %zu bytes: %s", len, strerror(-ret));
		pin_uring_close(p);
		return ret;
	}
	return 0;
}

int pin_uring_register(struct pin_uring *p, char *base)
{
	struct iovec iov = { .iov_base = base, .iov_len = p->len };
	int ret = io_uring_register_buffers(&p->ring, &iov, 1);

	if (ret)
		return ret;
	p->base = base;
	return 0;
}

int pin_uring_unregister(struct pin_uring *p)
{
	int ret = 0;

	if (p->base)
		ret = io_uring_unregister_buffers(&p->ring);
	p->base = NULL;
	return ret;
}

void pin_uring_close(struct pin_uring *p)
{
	if (p->ring_ready) {
		pin_uring_reap(p, "pin_uring_close", "left in flight");
		pin_uring_unregister(p);
		io_uring_queue_exit(&p->ring);
	}
	p->ring_ready = 0;
	if (p->file_fd >= 0)
		close(p->file_fd);
	p->file_fd = -1;
	thp_scratch_free(p->view, p->len);
	thp_scratch_free(p->sent, p->len);
	p->view = NULL;
	p->sent = NULL;
}

/* Queues one fixed-buffer read or write of [off, off + n) to its mirror offset. */
static int queue_fixed(struct pin_uring *p, int write, size_t off, size_t n, unsigned int flags)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&p->ring);

	if (!sqe)
		return -EBUSY;
	if (write)
		io_uring_prep_write_fixed(sqe, p->file_fd, p->base + off, (unsigned int)n, off, 0);
	else
		io_uring_prep_read_fixed(sqe, p->file_fd, p->base + off, (unsigned int)n, off, 0);
	io_uring_sqe_set_flags(sqe, flags);
	io_uring_sqe_set_data64(sqe, n);
	return 0;
}

int pin_uring_write_async(struct pin_uring *p, int nr)
{
	size_t piece, off;
	int i, ret;

	if (nr > PIN_URING_MAX_INFLIGHT - p->inflight)
		nr = PIN_URING_MAX_INFLIGHT - p->inflight;
	piece = p->len / (size_t)nr;
	for (i = 0; i < nr; i++) {
		off = piece * (size_t)i;
		ret = queue_fixed(p, 1, off, i == nr - 1 ? p->len - off : piece, IOSQE_ASYNC);
		if (ret)
			return ret;
	}
	ret = io_uring_submit(&p->ring);
	if (ret < 0)
		return ret;
	p->inflight += ret;
	return ret;
}

long pin_uring_reap(struct pin_uring *p, const char *test, const char *what)
{
	struct io_uring_cqe *cqe;
	long bad = 0;
	int ret;

	while (p->inflight > 0) {
		ret = io_uring_wait_cqe(&p->ring, &cqe);
		if (ret == -EINTR)
			continue;
		if (ret)
			return ret;
		if (cqe->res < 0 || (__u64)cqe->res != cqe->user_data) {
			printf("# %s: %s: io_uring res=%d (%s) for %llu bytes\n", test, what,
			       cqe->res, cqe->res < 0 ? strerrorname_np(-cqe->res) : "short",
			       (unsigned long long)cqe->user_data);
			bad++;
		}
		io_uring_cqe_seen(&p->ring, cqe);
		p->inflight--;
	}
	return bad;
}

/* One fixed read or write of the whole buffer, waited for. Returns 0, CQE res < 0, -errno. */
static int fixed_whole(struct pin_uring *p, int write)
{
	struct io_uring_cqe *cqe;
	int ret = queue_fixed(p, write, 0, p->len, 0);

	if (ret)
		return ret;
	ret = io_uring_submit_and_wait(&p->ring, 1);
	if (ret < 0)
		return ret;
	ret = io_uring_wait_cqe(&p->ring, &cqe);
	if (ret)
		return ret;
	ret = cqe->res < 0 ? cqe->res : (size_t)cqe->res == p->len ? 0 : -EIO;
	io_uring_cqe_seen(&p->ring, cqe);
	return ret;
}

int pin_uring_read_file(struct pin_uring *p)
{
	size_t done = 0;
	ssize_t n;

	while (done < p->len) {
		n = pread(p->file_fd, p->view + done, p->len - done, (off_t)done);
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	return 0;
}

int pin_uring_kernel_view(struct pin_uring *p)
{
	int ret;

	memset(p->view, 0, p->len);
	if (pwrite(p->file_fd, p->view, p->len, 0) != (ssize_t)p->len)
		return -errno;
	ret = fixed_whole(p, 1);
	if (ret)
		return ret;
	return pin_uring_read_file(p);
}

int pin_uring_kernel_write(struct pin_uring *p, uint64_t seed)
{
	pattern_fill(p->sent, p->len, seed);
	if (pwrite(p->file_fd, p->sent, p->len, 0) != (ssize_t)p->len)
		return -errno;
	return fixed_whole(p, 0);
}
