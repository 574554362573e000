/*
 * smaps.c: parses /proc/self/maps, /proc/self/smaps and /proc/self/smaps_rollup into
 * numbers: which VMA covers an address, how many VMAs a range has, and a field such as
 * AnonHugePages in kB for one VMA, a range of VMAs, or the whole process.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "smaps.h"

/* Parses "start-end perms ..." header lines of maps/smaps; returns 1 for a header line. */
static int parse_vma_line(const char *line, struct vma_info *v)
{
	char perms[8];

	if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %7s", &v->start, &v->end, perms) != 3)
		return 0;
	v->prot = (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
		  (perms[2] == 'x' ? PROT_EXEC : 0);
	return 1;
}

/*
 * Walks /proc/self/maps: counts the VMAs overlapping [start, end) and copies the first into
 * *first (when not NULL). Returns the count or -errno.
 */
static long maps_walk(uintptr_t start, uintptr_t end, struct vma_info *first)
{
	char line[512];
	struct vma_info cur;
	long count = 0;
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (!parse_vma_line(line, &cur) || cur.start >= end || cur.end <= start)
			continue;
		if (!count && first)
			*first = cur;
		count++;
	}
	fclose(f);
	return count;
}

int maps_find(uintptr_t addr, struct vma_info *v)
{
	long n = maps_walk(addr, addr + 1, v);

	return n < 0 ? (int)n : n > 0;
}

long maps_count_overlapping(uintptr_t start, uintptr_t end)
{
	return maps_walk(start, end, NULL);
}

/*
 * Sums field over the smaps VMAs overlapping [start, end). Returns -1 when no VMA overlaps
 * or the field is absent.
 */
long long smaps_range_field_kb(uintptr_t start, uintptr_t end, const char *field)
{
	char line[512];
	struct vma_info cur;
	size_t flen = strlen(field);
	int in_range = 0, seen = 0;
	long long sum = 0, kb;
	FILE *f = fopen("/proc/self/smaps", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (parse_vma_line(line, &cur)) {
			in_range = cur.start < end && cur.end > start;
			continue;
		}
		if (in_range && !strncmp(line, field, flen) && line[flen] == ':' &&
		    sscanf(line + flen + 1, "%lld", &kb) == 1) {
			sum += kb;
			seen = 1;
		}
	}
	fclose(f);
	return seen ? sum : -1;
}

long long smaps_vma_field_kb(uintptr_t addr, const char *field)
{
	return smaps_range_field_kb(addr, addr + 1, field);
}

long long smaps_rollup_field_kb(const char *field)
{
	char line[512];
	size_t flen = strlen(field);
	long long kb = -1;
	FILE *f = fopen("/proc/self/smaps_rollup", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, flen) && line[flen] == ':' &&
		    sscanf(line + flen + 1, "%lld", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}
