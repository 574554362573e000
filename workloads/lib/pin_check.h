/*
 * pin_check.h: the oracle of thp_pinned: what the kernel sees through a pin (an io_uring
 * fixed buffer written to a file, pipes filled by vmsplice) must equal what userspace sees
 * in the still-mapped part and the data at pin time where the mapping is gone; data the
 * kernel writes through the pin must appear in userspace memory. A split that failed may be
 * retried or reported, never turned into lost or stale data. Used by thp_pinned and
 * tests/oracle_pin, so the self-test judges exactly what the workload runs.
 */
#ifndef SPLITFAIL_PIN_CHECK_H
#define SPLITFAIL_PIN_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "pin_pipe.h"
#include "pin_uring.h"

/* A part of the pinned region after the operation: still writable, read-only, or gone. */
enum pin_piece_state { PIN_PIECE_RW, PIN_PIECE_RO, PIN_PIECE_GONE };

struct pin_piece {
	char *p;
	size_t len;
	enum pin_piece_state state;
};

/* Pages the pin oracle found broken. */
struct pin_verdict {
	long stale;	/* kernel's view differs from userspace or from the data at pin time */
	long lost;	/* data the kernel wrote through the pin is not in userspace memory */
};

/*
 * Compares two len-byte views of the buffer at addr page by page: expected (e.g. what
 * userspace sees) against actual (e.g. what the kernel read through the pin). Prints
 * "# <test>: <what> (<n> of <m> pages differ): expected 0x.., got 0x.. at 0x<addr>" for
 * the first differing byte. Returns the number of pages that differ.
 */
long pin_check_range(const char *test, const char *what, uintptr_t addr, const void *expected,
		     const void *actual, size_t len);

/*
 * The fixed-buffer oracle. The n pieces cover u's registered buffer in order; snap holds the
 * buffer's data at pin time. Userspace writes user_seed's pattern into the RW pieces, then
 * WRITE_FIXED of the whole buffer must show userspace's data in RW/RO pieces and snap in GONE
 * pieces (counted in v->stale); READ_FIXED of fresh data (kernel_seed) must then appear in
 * every RW/RO piece (v->lost). Returns 0, or the failed I/O's -errno (reason in why).
 */
int pin_check_fixed(const char *test, struct pin_uring *u, const char *snap,
		    const struct pin_piece *pc, int n, uint64_t user_seed, uint64_t kernel_seed,
		    struct pin_verdict *v, char *why, size_t why_len);

/*
 * The vmsplice oracle: the pipes, spliced from base with snap as the data at splice time,
 * must return snap, and equal userspace's data in every RW/RO piece (v->stale). Nothing may
 * have written the region since the splice. Returns 0 or -errno (reason in why).
 */
int pin_check_pipe(const char *test, struct pin_pipe *pp, const char *base, const char *snap,
		   const struct pin_piece *pc, int n, struct pin_verdict *v, char *why,
		   size_t why_len);

#endif
