/*
 * report.h: the machine-readable lines of docs/protocol.md (check, silent-skip, rate) and the
 * human evidence line, plus the run parameters every workload reads from the environment
 * (SPLITFAIL_SEED, SPLITFAIL_ITERATIONS). One place so every workload prints the same format.
 */
#ifndef SPLITFAIL_REPORT_H
#define SPLITFAIL_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* SPLITFAIL_SEED as a u64 (default 1); prints "# splitfail: seed=<n>" the first time. */
uint64_t splitfail_seed(void);

/* SPLITFAIL_ITERATIONS (default 1, at least 1). */
long splitfail_iterations(void);

/* "# <test>: <what>: expected <expected>, got <actual> at 0x<addr>" */
void report_evidence(const char *test, const char *what, const char *expected,
		     const char *actual, uintptr_t addr);

/*
 * "# splitfail: check test=<test> what=<what> expected=<e> actual=<a> result=<ok|FAIL>".
 * Returns 0 when expected equals actual, 1 otherwise.
 */
int report_check_long(const char *test, const char *what, long long expected,
		      long long actual);

/* report_check_long with expected 0: the form every "count of broken pages" check takes. */
int report_check_zero(const char *test, const char *what, long long actual);

/* "# splitfail: silent-skip test=<t> op=<op> pages=<n> first=0x<addr> detail=<text>" */
void report_silent_skip(const char *test, const char *op, long pages, uintptr_t first,
			const char *detail_fmt, ...) __attribute__((format(printf, 5, 6)));

/* Operation rate over a test case: thp_split_pmd + thp_split_page deltas and wall time. */
struct rate_meter {
	struct timespec start;
	long long splits_start;
	long ops;
};

void rate_start(struct rate_meter *m);
/* Counts one (or n) completed operations. */
void rate_add_ops(struct rate_meter *m, long n);
/*
 * "# splitfail: rate test=<t> ops=<n> seconds=<f> ops_per_sec=<f> splits=<n>
 * splits_per_sec=<f>". Returns the number of splits seen.
 */
long long rate_report(const struct rate_meter *m, const char *test);

/* Monotonic seconds, for rates and timing. */
double monotonic_seconds(void);

#endif
