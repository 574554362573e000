/*
 * probe.h: ask whether a page is mapped, readable or writable without being killed by the
 * answer. Reads and writes run under a SIGSEGV/SIGBUS handler that jumps back; the write
 * probe stores the byte it just read, so it never changes data.
 */
#ifndef SPLITFAIL_PROBE_H
#define SPLITFAIL_PROBE_H

#include <stddef.h>
#include <stdint.h>

/* 1 if a VMA covers addr (mincore does not fail with ENOMEM), 0 if not. */
int probe_mapped(const void *addr);

/* 1 if a VMA covers every page of [p, p + len) (one mincore call), 0 if not. */
int probe_range_mapped(const void *p, size_t len);

/*
 * 1 if no VMA overlaps any page of [p, p + len), 0 if one does, -errno when it cannot tell.
 * Asks the kernel directly: mmap(MAP_FIXED_NOREPLACE) of the range succeeds only over a hole
 * (the probe mapping is removed at once), cheaper than reading /proc/self/maps.
 */
int probe_range_hole(const void *p, size_t len);

/*
 * Brackets many probes: the signal handlers are installed once instead of per probe.
 * Nests; every begin needs its end.
 */
void probe_batch_begin(void);
void probe_batch_end(void);

/* 1 if reading addr succeeds, 0 if it raises SIGSEGV or SIGBUS. */
int probe_readable(const void *addr);

/* 1 if writing addr (with its own value) succeeds, 0 if it faults (also when unreadable). */
int probe_writable(void *addr);

/*
 * Protection observed at addr: PROT_NONE, PROT_READ or PROT_READ | PROT_WRITE; -1 when not
 * mapped.
 */
int probe_prot(void *addr);

/* probe_prot, skipping the mincore call when the caller knows addr is mapped. */
int probe_prot_mapped(void *addr, int known_mapped);

/* "PROT_READ|PROT_WRITE", "PROT_READ", "PROT_NONE" or "unmapped" for a probe_prot value. */
const char *prot_name(int prot);

#endif
