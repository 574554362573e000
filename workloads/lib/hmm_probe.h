/*
 * hmm_probe.h: what the running kernel's HMM test device does, found by asking it rather
 * than from a kernel version or a header: the swap-type layout of its device-private
 * entries (hmm_pte.h), read from a real one.
 */
#ifndef SPLITFAIL_HMM_PROBE_H
#define SPLITFAIL_HMM_PROBE_H

#include <stddef.h>

/* Exists exactly when the kernel has CONFIG_MEMORY_FAILURE (mm/memory-failure.c). */
#define HMM_MEMORY_FAILURE_SYSCTL "/proc/sys/vm/memory_failure_early_kill"

/*
 * Migrates one page of a fresh private mapping to the device behind fd and back, reading its
 * pagemap word while it is there: the swap type of that device-private entry is
 * SWP_DEVICE_WRITE (SWP_DEVICE_READ + 1 for a read-only one, told by the snapshot's
 * HMM_DMIRROR_PROT_WRITE), which fixes every special type (hmm_swp_layout_set()); hwpoison
 * entries exist when HMM_MEMORY_FAILURE_SYSCTL does. Needs root (swap types in pagemap).
 * Returns 0 with the layout set and described in desc, or -errno with the reason in desc.
 */
int hmm_swp_calibrate(int fd, char *desc, size_t desc_len);

#endif
