/*
 * pin_check.c: page-by-page comparison of two views of a pinned buffer with evidence at the
 * buffer address, for the pin oracle of thp_pinned (see pin_check.h).
 */
#include <stdio.h>
#include <string.h>

#include "pattern.h"
#include "pin_check.h"
#include "report.h"
#include "thp_region.h"

long pin_check_range(const char *test, const char *what, uintptr_t addr, const void *expected,
		     const void *actual, size_t len)
{
	const unsigned char *e = expected, *a = actual;
	size_t off, n, i, first = 0;
	char label[160], exp[8], act[8];
	long pages = 0;

	for (off = 0; off < len; off += PAGE_SIZE_4K) {
		n = len - off < PAGE_SIZE_4K ? len - off : PAGE_SIZE_4K;
		if (!memcmp(e + off, a + off, n))
			continue;
		if (!pages) {
			for (i = off; e[i] == a[i]; i++)
				;
			first = i;
		}
		pages++;
	}
	if (!pages)
		return 0;
	snprintf(exp, sizeof(exp), "0x%02x", e[first]);
	snprintf(act, sizeof(act), "0x%02x", a[first]);
	snprintf(label, sizeof(label), "%s (%ld of %zu pages differ)", what, pages,
		 (len + PAGE_SIZE_4K - 1) / PAGE_SIZE_4K);
	report_evidence(test, label, exp, act, addr + first);
	return pages;
}

int pin_check_fixed(const char *test, struct pin_uring *u, const char *snap,
		    const struct pin_piece *pc, int n, uint64_t user_seed, uint64_t kernel_seed,
		    struct pin_verdict *v, char *why, size_t why_len)
{
	size_t off;
	int i, ret;

	for (i = 0; i < n; i++)
		if (pc[i].state == PIN_PIECE_RW)
			pattern_fill(pc[i].p, pc[i].len, user_seed);
	ret = pin_uring_kernel_view(u);
	if (ret) {
		snprintf(why, why_len, "WRITE_FIXED of the whole buffer: %s", strerror(-ret));
		return ret;
	}
	for (i = 0; i < n; i++) {
		off = (size_t)(pc[i].p - u->base);
		if (pc[i].state == PIN_PIECE_GONE)
			v->stale += pin_check_range(test, "unmapped: kernel view vs data pinned",
						    (uintptr_t)pc[i].p, snap + off, u->view + off,
						    pc[i].len);
		else
			v->stale += pin_check_range(test, "kernel view vs userspace",
						    (uintptr_t)pc[i].p, pc[i].p, u->view + off,
						    pc[i].len);
	}
	ret = pin_uring_kernel_write(u, kernel_seed);
	if (ret) {
		snprintf(why, why_len, "READ_FIXED of the whole buffer: %s", strerror(-ret));
		return ret;
	}
	for (i = 0; i < n; i++) {
		off = (size_t)(pc[i].p - u->base);
		if (pc[i].state != PIN_PIECE_GONE)
			v->lost += pin_check_range(test, "READ_FIXED data vs userspace",
						   (uintptr_t)pc[i].p, u->sent + off, pc[i].p,
						   pc[i].len);
	}
	return 0;
}

int pin_check_pipe(const char *test, struct pin_pipe *pp, const char *base, const char *snap,
		   const struct pin_piece *pc, int n, struct pin_verdict *v, char *why,
		   size_t why_len)
{
	int i, ret = pin_pipe_drain(pp);
	size_t off;

	if (ret) {
		snprintf(why, why_len, "reading the pipes: %s", strerror(-ret));
		return ret;
	}
	v->stale += pin_check_range(test, "pipe vs data at vmsplice", (uintptr_t)base, snap,
				    pp->data, pp->len);
	for (i = 0; i < n; i++) {
		off = (size_t)(pc[i].p - base);
		if (pc[i].state != PIN_PIECE_GONE)
			v->stale += pin_check_range(test, "pipe vs userspace", (uintptr_t)pc[i].p,
						    pc[i].p, pp->data + off, pc[i].len);
	}
	return 0;
}
