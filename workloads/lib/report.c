/*
 * report.c: prints the protocol's machine-readable lines and reads SPLITFAIL_SEED /
 * SPLITFAIL_ITERATIONS, so every workload reports checks, silent skips and rates alike.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "report.h"
#include "vmstat.h"

uint64_t splitfail_seed(void)
{
	static int printed;
	const char *env = getenv("SPLITFAIL_SEED");
	uint64_t seed = 1;
	char *end;

	if (env && *env) {
		seed = strtoull(env, &end, 0);
		if (*end)
			seed = 1;
	}
	if (!printed) {
		printf("# splitfail: seed=%" PRIu64 "\n", seed);
		printed = 1;
	}
	return seed;
}

long splitfail_iterations(void)
{
	const char *env = getenv("SPLITFAIL_ITERATIONS");
	long n = 1;

	if (env && *env)
		n = strtol(env, NULL, 0);
	return n < 1 ? 1 : n;
}

void report_evidence(const char *test, const char *what, const char *expected,
		     const char *actual, uintptr_t addr)
{
	printf("# %s: %s: expected %s, got %s at 0x%" PRIxPTR "\n", test, what, expected,
	       actual, addr);
}

int report_check_long(const char *test, const char *what, long long expected,
		      long long actual)
{
	int bad = expected != actual;

	printf("# splitfail: check test=%s what=%s expected=%lld actual=%lld result=%s\n", test,
	       what, expected, actual, bad ? "FAIL" : "ok");
	return bad;
}

int report_check_zero(const char *test, const char *what, long long actual)
{
	return report_check_long(test, what, 0, actual);
}

void report_silent_skip(const char *test, const char *op, long pages, uintptr_t first,
			const char *detail_fmt, ...)
{
	va_list ap;

	printf("# splitfail: silent-skip test=%s op=%s pages=%ld first=0x%" PRIxPTR " detail=",
	       test, op, pages, first);
	va_start(ap, detail_fmt);
	vprintf(detail_fmt, ap);
	va_end(ap);
	putchar('\n');
}

double monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long long splits_now(void)
{
	static const char *const names[] = { "thp_split_pmd", "thp_split_page" };
	long long v[2];

	vmstat_read_many(names, v, 2);
	return (v[0] < 0 ? 0 : v[0]) + (v[1] < 0 ? 0 : v[1]);
}

void rate_start(struct rate_meter *m)
{
	m->ops = 0;
	m->splits_start = splits_now();
	clock_gettime(CLOCK_MONOTONIC, &m->start);
}

void rate_add_ops(struct rate_meter *m, long n)
{
	m->ops += n;
}

long long rate_report(const struct rate_meter *m, const char *test)
{
	struct timespec now;
	long long splits = splits_now() - m->splits_start;
	double secs;

	clock_gettime(CLOCK_MONOTONIC, &now);
	secs = (double)(now.tv_sec - m->start.tv_sec) +
	       (double)(now.tv_nsec - m->start.tv_nsec) / 1e9;
	if (secs <= 0)
		secs = 1e-9;
	printf("# splitfail: rate test=%s ops=%ld seconds=%.6f ops_per_sec=%.1f splits=%lld "
	       "splits_per_sec=%.1f\n", test, m->ops, secs, (double)m->ops / secs, splits,
	       (double)splits / secs);
	fflush(stdout);
	return splits;
}
