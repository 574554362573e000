/*
 * swap.h: whether this machine has active swap (/proc/swaps), which MADV_PAGEOUT of anonymous
 * memory needs; without it the pageout workload skips with the reason.
 */
#ifndef SPLITFAIL_SWAP_H
#define SPLITFAIL_SWAP_H

#include <stddef.h>

/*
 * Free swap in kB over all active devices in /proc/swaps; 0 with the reason in why when there
 * is none, -errno when /proc/swaps cannot be read.
 */
long long swap_free_kb(char *why, size_t why_len);

#endif
