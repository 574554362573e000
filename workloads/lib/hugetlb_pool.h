/*
 * hugetlb_pool.h: the hugetlb pool and memory-failure numbers of /proc/meminfo
 * (HugePages_Total/Free/Rsvd/Surp, Hugepagesize, HardwareCorrupted) as snapshots with checked
 * deltas, and the pool size knob /proc/sys/vm/nr_hugepages read before and written back, so
 * a workload that loses a huge page to poisoning leaves the pool as it found it.
 */
#ifndef SPLITFAIL_HUGETLB_POOL_H
#define SPLITFAIL_HUGETLB_POOL_H

#include <stddef.h>

struct hugetlb_meminfo {
	long long total;	/* HugePages_Total */
	long long free;		/* HugePages_Free */
	long long rsvd;		/* HugePages_Rsvd */
	long long surp;		/* HugePages_Surp */
	long long hwcorrupt_kb;	/* HardwareCorrupted, -1 without CONFIG_MEMORY_FAILURE */
	long long hpage_kb;	/* Hugepagesize */
};

/* Reads /proc/meminfo. Returns 0, or -errno (-ENOENT: no hugetlb lines). */
int hugetlb_meminfo_read(struct hugetlb_meminfo *m);

/* Prints "# <test>: meminfo <stage>: HugePages_Total=.. Free=.. ... HardwareCorrupted=.. kB". */
void hugetlb_meminfo_print(const char *test, const char *stage, const struct hugetlb_meminfo *m);

/*
 * Checks after - before against want (deltas; hpage_kb ignored), one check line per field
 * named "<stage>_<field>_delta". Returns the number of fields that differ.
 */
long hugetlb_meminfo_check(const char *test, const char *stage,
			   const struct hugetlb_meminfo *before,
			   const struct hugetlb_meminfo *after,
			   const struct hugetlb_meminfo *want);

/* 1 when after - before equals want in every field hugetlb_meminfo_check checks. */
int hugetlb_meminfo_agrees(const struct hugetlb_meminfo *before,
			   const struct hugetlb_meminfo *after,
			   const struct hugetlb_meminfo *want);

/*
 * The meminfo deltas a memory failure on one mapped huge page must leave once its user is
 * gone, from what the page flags say happened: poisoned base pages (HardwareCorrupted +4 kB
 * each) and whether the huge page was dissolved (Total and Free one lower) or is still a
 * poisoned hugetlb folio (Total unchanged, Free one lower: memory_failure's reference pins
 * it, e.g. a hugetlbfs file's folio kept by me_huge_page). Nothing poisoned: no change.
 */
void hugetlb_poison_expected(long poisoned, int dissolved, struct hugetlb_meminfo *want);

/* Huge page shift from Hugepagesize (21 for 2 MiB), or -1. */
int hugetlb_page_shift(const struct hugetlb_meminfo *m);

/* /proc/sys/vm/nr_hugepages, or -errno. */
long long hugetlb_nr_hugepages(void);

/* Writes nr to /proc/sys/vm/nr_hugepages. Returns 0 or -errno. */
int hugetlb_set_nr_hugepages(long long nr);

#endif
