/*
 * smaps.h: numbers from /proc/self/maps, /proc/self/smaps (per VMA) and
 * /proc/self/smaps_rollup, so a workload can see the VMA layout and the AnonHugePages, Rss
 * and Swap the kernel accounts for its memory.
 */
#ifndef SPLITFAIL_SMAPS_H
#define SPLITFAIL_SMAPS_H

#include <stdint.h>

struct vma_info {
	uintptr_t start;
	uintptr_t end;
	int prot;	/* PROT_READ | PROT_WRITE | PROT_EXEC from the perms column */
};

/* 1 and *v filled if a VMA covers addr, 0 if none, -errno on error. */
int maps_find(uintptr_t addr, struct vma_info *v);

/* Number of VMAs that overlap [start, end). Returns the count or -errno. */
long maps_count_overlapping(uintptr_t start, uintptr_t end);

/* Field (e.g. "AnonHugePages", "Rss", "Swap") in kB of the VMA covering addr; -1 if absent. */
long long smaps_vma_field_kb(uintptr_t addr, const char *field);

/* Sum in kB of field over all VMAs overlapping [start, end); -1 if no such VMA. */
long long smaps_range_field_kb(uintptr_t start, uintptr_t end, const char *field);

/* Field in kB from /proc/self/smaps_rollup; -1 if absent. */
long long smaps_rollup_field_kb(const char *field);

#endif
