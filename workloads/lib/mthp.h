/*
 * mthp.h: multi-size THP (mTHP) sizes this kernel offers under
 * /sys/kernel/mm/transparent_hugepage/hugepages-<size>kB/, and setting a size's "enabled"
 * knob for a test with the value read before put back afterwards (knob_undo.h): explicitly
 * (teardown), at exit and on SIGINT/SIGTERM/SIGHUP/SIGQUIT.
 */
#ifndef SPLITFAIL_MTHP_H
#define SPLITFAIL_MTHP_H

#include <stddef.h>

#define MTHP_MAX_SIZES 16
#define MTHP_SYSFS "/sys/kernel/mm/transparent_hugepage"

/* Sizes in bytes, ascending, smaller than the PMD size. Returns how many (0 if none). */
int mthp_sizes(size_t *sizes, int max);

/*
 * Makes size usable for MADV_HUGEPAGE regions smaller than the PMD size: its knob set to
 * "madvise" unless already always/madvise (or inherit with a global always/madvise), and
 * larger mTHP sizes below the PMD size that are enabled set to "never" so the kernel picks
 * exactly this size. Every knob written is put back by knob_undo_all(). Returns 0,
 * 4 (KSFT_SKIP) with the reason (no such size, not root) or -errno.
 */
int mthp_use_size(size_t size, char *why, size_t why_len);

#endif
