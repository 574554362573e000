/*
 * lifetime.h: ties every process a workload forks to its parent's life. kselftest runs each
 * test case in its own process group, so a harness that stops the workload's main process
 * (or its group) would leave the test running with mTHP knobs changed; with this, each forked
 * child gets SIGTERM when its parent dies, and the restore handlers run.
 */
#ifndef SPLITFAIL_LIFETIME_H
#define SPLITFAIL_LIFETIME_H

/* Registers the fork hook (once). Returns 0 or a pthread_atfork error number. */
int lifetime_tie_children(void);

#endif
