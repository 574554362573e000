/*
 * pin_uring.h: a long-term pin of a THP region through io_uring fixed buffers
 * (io_uring_register_buffers pins with FOLL_LONGTERM) and I/O through that pin against a
 * memfd, so thp_pinned and its oracle self-test can ask what the kernel sees in the pinned
 * pages (WRITE_FIXED to the file, then read the file) and make the kernel write into them
 * (READ_FIXED from the file). File offset o always mirrors buffer byte base + o.
 */
#ifndef SPLITFAIL_PIN_URING_H
#define SPLITFAIL_PIN_URING_H

#include <stddef.h>
#include <stdint.h>

#include <liburing.h>

#define PIN_URING_MAX_INFLIGHT 16

struct pin_uring {
	struct io_uring ring;
	int ring_ready;
	int file_fd;		/* memfd the fixed-buffer I/O goes to, -1 when closed */
	char *base;		/* registered buffer, NULL when none */
	size_t len;
	int inflight;		/* SQEs submitted by pin_uring_write_async, not reaped yet */
	char *view;		/* len bytes: the file read back (what the kernel wrote) */
	char *sent;		/* len bytes: what pin_uring_kernel_write put in the file */
};

/*
 * Sets up a ring and a memfd of len bytes. Returns 0; 4 (KSFT_SKIP) with the reason in why
 * when io_uring is disabled (kernel.io_uring_disabled) or the kernel refuses it (ENOSYS,
 * EPERM); or -errno with the reason.
 */
int pin_uring_open(struct pin_uring *p, size_t len, char *why, size_t why_len);

/* Registers [base, base + len) as fixed buffer 0 (the pin). Returns 0 or -errno. */
int pin_uring_register(struct pin_uring *p, char *base);

/* Drops the pin (unregisters the buffer). Returns 0 or -errno. */
int pin_uring_unregister(struct pin_uring *p);

/* Unregisters, tears the ring down, closes the memfd, frees the view. */
void pin_uring_close(struct pin_uring *p);

/*
 * Submits nr WRITE_FIXED of equal pieces of the buffer to their mirror offsets with
 * IOSQE_ASYNC, so io-wq workers copy from the pinned pages while the caller goes on.
 * Returns the number submitted or -errno.
 */
int pin_uring_write_async(struct pin_uring *p, int nr);

/*
 * Waits for every SQE in flight. Returns the number that completed with an error or a short
 * count (each printed as "# <test>: <what>: io_uring res=<r> ..."), or -errno.
 */
long pin_uring_reap(struct pin_uring *p, const char *test, const char *what);

/*
 * WRITE_FIXED of the whole buffer, then reads the file into p->view. Returns 0, the
 * negative result of a failed CQE, or -errno.
 */
int pin_uring_kernel_view(struct pin_uring *p);

/*
 * Fills p->sent with seed's pattern (for p->sent's own addresses: data the buffer never
 * held), writes it to the file, then READ_FIXED of the whole buffer from it: the kernel
 * writes p->sent into the pinned pages. Returns 0, the negative result of a failed CQE, or
 * -errno.
 */
int pin_uring_kernel_write(struct pin_uring *p, uint64_t seed);

/* Reads the whole file into p->view (what in-flight writes left there). Returns 0 or -errno. */
int pin_uring_read_file(struct pin_uring *p);

#endif
