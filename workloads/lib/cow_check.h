/*
 * cow_check.h: the fork / copy-on-write oracle of docs/protocol.md ("Operation oracles": fork
 * fails cleanly (ENOMEM, no child) or each side sees only its own writes), shared by thp_fork_cow and its self-test.
 * cow_run() forks children from a filled region with fork() inside the injection window, lets
 * the parent and/or every child write its own pattern over a range, and has every side verify
 * the whole region: the original pattern outside the range, inside it only its own writes.
 * Children report through a pipe (pages differing, first address, expected and actual byte)
 * and their exit status; the parent prints the evidence.
 */
#ifndef SPLITFAIL_COW_CHECK_H
#define SPLITFAIL_COW_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "window.h"

#define COW_MAX_CHILDREN 16

enum cow_writers {
	COW_PARENT_WRITES = 1,
	COW_CHILD_WRITES = 2,
	COW_BOTH_WRITE = 3,
};

struct cow_plan {
	char *base;		/* region filled with seed's pattern */
	size_t len;
	uint64_t seed;
	size_t write_off;	/* range the writers overwrite, relative to base */
	size_t write_len;
	size_t hole_off;	/* range unmapped before fork, skipped by verification */
	size_t hole_len;	/* 0: no hole */
	enum cow_writers writers;
	int nr_children;	/* 1..COW_MAX_CHILDREN; only the first fork is in the window */
};

struct cow_outcome {
	long fork_ret;		/* what the fork in the window returned (pid, or -1) */
	int fork_errno;		/* its errno, 0 on success */
	int consumed;		/* window_disarm(): 1, 0 or -1 (unknown) */
	int children;		/* children forked */
	long parent_bad_pages;	/* pages where the parent does not see what it should */
	long child_bad_pages;	/* summed over children */
	int children_failed;	/* children that reported a mismatch, died or did not report */
	int stray_children;	/* after a failed fork: children that exist anyway */
};

/*
 * Runs the plan. w is the workload's injection window (set up by window_setup()); only the
 * first fork() is inside it. Returns the number of broken promises (bad pages on either side,
 * children that failed, stray children, a fork error other than ENOMEM/EAGAIN), 0 when every
 * side saw exactly its own writes or the fork failed cleanly, or -errno when the plan could
 * not be run (a pipe or a fork outside the window failed).
 */
long cow_run(const char *test, const struct cow_plan *plan, struct window *w,
	     struct cow_outcome *out);

/* Seed of the pattern the parent (child = -1) or child number child writes. */
uint64_t cow_writer_seed(uint64_t seed, int child);

#endif
