/*
 * migrate_check.h: the migration oracle of docs/protocol.md ("Operation oracles": each
 * status is the target node or a negative errno; a page whose status is the target node is
 * really there), shared by thp_move_pages, thp_deferred_migrate and the oracle self-tests.
 * The checker asks the kernel where each page really is (move_pages with nodes = NULL and
 * pagemap), so it judges what the status array claims against the page's real node.
 */
#ifndef SPLITFAIL_MIGRATE_CHECK_H
#define SPLITFAIL_MIGRATE_CHECK_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

/* Written into every status slot before move_pages so a slot the kernel left alone shows. */
#define MOVE_STATUS_UNSET INT_MIN

#define NUMA_MAX_NODES 64

/*
 * Nodes with memory (/sys/devices/system/node/has_memory), ascending, at most max.
 * Returns how many (0 when the file is missing) or -errno.
 */
int numa_memory_nodes(int *nodes, int max);

/*
 * 0 when at least two nodes have memory, 1 with the reason in why when not (the caller
 * SKIPs), -errno when the node list cannot be read.
 */
int numa_require_two(char *why, size_t why_len);

struct cycle_fixture;

/*
 * cycle_setup() (cycle.h) for a migration workload: first requires two nodes with memory.
 * Returns 0, 4 (KSFT_SKIP) or -errno, with the reason in why.
 */
int migrate_cycle_setup(struct cycle_fixture *f, const char *op, char *why, size_t why_len);

/* A node with memory other than node (e.g. the one a region landed on), or -1. */
int numa_other_node(int node);

/* move_pages(2) for this process: one target node for every page, status prefilled UNSET. */
long move_pages_to(void **pages, long nr, int target, int *status, int flags);

/*
 * The same in two steps, for an injection window: move_pages_nodes() before window_arm()
 * allocates and writes the nodes array and prefills status (every page of both written, so
 * no user page fault of the call lands inside the window and consumes its fault), or returns
 * NULL with errno; move_pages_call() inside it is the system call alone. Free nodes after.
 */
int *move_pages_nodes(long nr, int target, int *status);
long move_pages_call(void **pages, long nr, const int *nodes, int *status, int flags);

/*
 * mbind(2) of [p, p + len) to MPOL_BIND {target} with flags (MPOL_MF_MOVE | ...).
 * Returns the syscall's result (0 or -1 with errno set).
 */
long mbind_to(void *p, size_t len, int target, unsigned int flags);

/* What move_check_status found, page by page. */
struct move_check {
	long moved;		/* status target, page really on target */
	long errors;		/* status a negative errno the kernel defines */
	long unreported;	/* slot left UNSET, allowed only when the call did not return 0 */
	long claims_moved;	/* status target, page elsewhere or gone: broken promise */
	long bad_status;	/* status no errno, a wrong node, or UNSET after a 0 return */
	long not_present;	/* status target but pagemap shows the page not present */
	long swapped_since;	/* status target, page swapped out since: cannot be checked */
	long unverifiable;	/* MOVE_CHECK_UNSTABLE: claim contradicted by a state others change */
};

/*
 * Judges one move_pages call: pages[i] was asked to go to target, the call returned ret and
 * filled status. Each page's real node is read now. Prints evidence
 * ("# <test>: <what>: expected <x>, got <y> at 0x<addr>") for every broken page (the first
 * few in full, then a count) and one check line per class. Returns the number of pages that
 * broke the promise (claims_moved + bad_status + not_present), or -errno if it could not look.
 */
long move_check_status(const char *test, void *const *pages, const int *status, long nr,
		       int target, long ret, struct move_check *res);

/*
 * MOVE_CHECK_UNSTABLE: other threads page out, swap in and split the same folios while the
 * call runs (thp_race), so where a page is now says nothing about where move_pages put it: a
 * claim contradicted by the page's current node or presence is counted as unverifiable, not as
 * broken. Statuses that are no node and no errno still count. The data itself is judged by the
 * caller's pattern check.
 */
#define MOVE_CHECK_UNSTABLE 1u

long move_check_status_flags(const char *test, void *const *pages, const int *status, long nr,
			     int target, long ret, unsigned int flags, struct move_check *res);

/*
 * After an operation that returned success (mbind with MPOL_MF_MOVE | MPOL_MF_STRICT,
 * move_pages returning 0): every present page of [p, p + len) must be on target.
 * Returns the pages elsewhere (first one in *first), or -errno. Pages not present are skipped.
 */
long pages_off_node(void *p, size_t len, int target, uintptr_t *first, int *first_node);

/* Name of a negative status ("ENOMEM"), or NULL when it is no errno the kernel defines. */
const char *status_errno_name(int status);

#endif
