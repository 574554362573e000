/*
 * pin_check.h: the oracle of thp_pinned: what the kernel sees through a pin (an io_uring
 * fixed buffer written to a file, a pipe filled by vmsplice) must equal what userspace sees
 * in the still-mapped part, and data the kernel writes through the pin must appear in
 * userspace memory. A split that failed may be retried or reported, never turned into
 * lost or stale data. Used by thp_pinned and tests/oracle_pin.
 */
#ifndef SPLITFAIL_PIN_CHECK_H
#define SPLITFAIL_PIN_CHECK_H

#include <stddef.h>
#include <stdint.h>

/*
 * Compares two len-byte views of the buffer at addr page by page: expected (e.g. what
 * userspace sees) against actual (e.g. what the kernel read through the pin). Prints
 * "# <test>: <what> (<n> of <m> pages differ): expected 0x.., got 0x.. at 0x<addr>" for
 * the first differing byte. Returns the number of pages that differ.
 */
long pin_check_range(const char *test, const char *what, uintptr_t addr, const void *expected,
		     const void *actual, size_t len);

#endif
