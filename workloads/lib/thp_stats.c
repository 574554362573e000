/*
 * thp_stats.c: reads one per-size THP counter (Documentation/admin-guide/mm/transhuge.rst,
 * "hugepages-<size>kB/stats"); see thp_stats.h.
 */
#include <stdio.h>
#include <stdlib.h>

#include "thp_stats.h"

long long thp_size_stat(size_t folio_size, const char *name)
{
	char path[160], buf[32];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/mm/transparent_hugepage/hugepages-%zukB/stats/%s",
		 folio_size / 1024, name);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		v = strtoll(buf, NULL, 10);
	fclose(f);
	return v;
}
