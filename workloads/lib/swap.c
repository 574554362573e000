/*
 * swap.c: reads /proc/swaps ("Filename Type Size Used Priority", sizes in kB) to tell how
 * much swap is free for MADV_PAGEOUT to use.
 */
#include <errno.h>
#include <stdio.h>

#include "swap.h"

long long swap_free_kb(char *why, size_t why_len)
{
	char line[512], name[256], type[32];
	long long size, used, free_kb = 0;
	int devices = 0;
	FILE *f = fopen("/proc/swaps", "re");

	if (!f) {
		snprintf(why, why_len, "cannot read /proc/swaps");
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255s %31s %lld %lld", name, type, &size, &used) != 4)
			continue;
		devices++;
		free_kb += size - used;
	}
	fclose(f);
	if (!devices)
		snprintf(why, why_len, "no active swap in /proc/swaps (MADV_PAGEOUT needs swap)");
	else if (free_kb <= 0)
		snprintf(why, why_len, "swap is full (%d devices in /proc/swaps)", devices);
	return free_kb;
}
