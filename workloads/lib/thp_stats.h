/*
 * thp_stats.h: per-size THP counters under
 * /sys/kernel/mm/transparent_hugepage/hugepages-<size>kB/stats/ (split, split_deferred,
 * split_failed, nr_anon_partially_mapped, ...). Unlike the thp_* lines of /proc/vmstat they
 * exist without CONFIG_VM_EVENT_COUNTERS, so a kernel built from tinyconfig still shows
 * whether folios were split or queued for deferred split.
 */
#ifndef SPLITFAIL_THP_STATS_H
#define SPLITFAIL_THP_STATS_H

#include <stddef.h>

/* The counter name for folios of folio_size bytes, or -1 when this kernel has none. */
long long thp_size_stat(size_t folio_size, const char *name);

#endif
