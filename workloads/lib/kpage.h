/*
 * kpage.h: /proc/kpageflags and /proc/kpagecount (Documentation/admin-guide/mm/pagemap.rst),
 * one word per PFN, read a range at a time through descriptors opened once per process: the
 * checks look at hundreds of PFNs, and under software emulation every open and read counts.
 * Root only (CAP_SYS_ADMIN).
 */
#ifndef SPLITFAIL_KPAGE_H
#define SPLITFAIL_KPAGE_H

#include <stdint.h>

/* The /proc/kpageflags word for pfn. Returns 0 or -errno (-EIO: no such PFN). */
int kpageflags_read(uint64_t pfn, uint64_t *flags);

/*
 * The n words of /proc/kpageflags (kpagecount) from first_pfn; words past the end of the
 * file read as 0. Returns 0, or -errno when not even the first word could be read.
 */
int kpageflags_range(uint64_t first_pfn, long n, uint64_t *out);
int kpagecount_range(uint64_t first_pfn, long n, uint64_t *out);

#endif
