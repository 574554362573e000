/*
 * needs.c: answers a workload's --needs option (docs/protocol.md): every knob the library
 * may write during a test case. mthp.c writes the per-size `enabled` file of each mTHP size
 * below the PMD size; hugetlb_pool.c writes /proc/sys/vm/nr_hugepages back after a poisoned
 * huge page left the pool; numa_scan.c the NUMA-balancing scan knobs (debugfs, or the older
 * sysctls: the harness skips the ones the kernel does not have). Listing a knob a workload
 * does not touch costs the harness one read per run; missing one would leave it changed
 * after a SIGKILL.
 */
#include <stdio.h>
#include <string.h>

#include "mthp.h"
#include "needs.h"
#include "numa_scan.h"

int needs_requested(int argc, char **argv)
{
	size_t sizes[MTHP_MAX_SIZES];
	int i, n;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--needs"))
			break;
	if (i == argc)
		return 0;
	n = mthp_sizes(sizes, MTHP_MAX_SIZES);
	for (i = 0; i < n; i++)
		printf("%s/hugepages-%zukB/enabled\n", MTHP_SYSFS, sizes[i] / 1024);
	printf("/proc/sys/vm/nr_hugepages\n");
	numa_scan_needs();
	fflush(stdout);
	return 1;
}
