/*
 * workload.h: what every workload file includes after kselftest_harness.h.
 * SPLITFAIL_MAIN(targets...) defines main(): it answers --targets with the kernel functions
 * worth a stack-filtered fault and --needs with the knobs it may write (docs/protocol.md)
 * before kselftest parses options, ignores SIGPIPE (a dead reader of its output must not
 * kill it before it restores its knobs: writes then fail with EPIPE), stamps its start for the
 * harness's time split ("# splitfail: started t=<CLOCK_MONOTONIC ns>"), runs the
 * kselftest harness (or, with --serve, forks a child that does so per request: serve.h), and exits 4 (KSFT_SKIP) when every test case was skipped so the harness
 * sees the skip. SF_TEST_ID() gives the "<fixture>.<variant>.<test>" name used in the
 * machine-readable lines.
 */
#ifndef SPLITFAIL_WORKLOAD_H
#define SPLITFAIL_WORKLOAD_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lifetime.h"
#include "mthp.h"
#include "needs.h"
#include "oracle.h"
#include "pagemap.h"
#include "pattern.h"
#include "probe.h"
#include "report.h"
#include "serve.h"
#include "targets.h"
#include "smaps.h"
#include "thp_region.h"
#include "vmstat.h"
#include "window.h"

/* Fills buf with "<fixture>.<variant>.<test>" inside a TEST_F body, setup or teardown. */
#define SF_TEST_ID(buf) do { \
	const struct __fixture_variant_metadata *sf_v_ = _metadata->fixture->variant; \
	while (sf_v_ && sf_v_->data != (const void *)variant) \
		sf_v_ = sf_v_->next; \
	snprintf((buf), sizeof(buf), "%s%s%s.%s", _metadata->fixture->name, \
		 sf_v_ && sf_v_->name[0] ? "." : "", sf_v_ ? sf_v_->name : "", \
		 _metadata->name); \
} while (0)

/*
 * SF_CYCLE_FIXTURE(name, setup, op): the fixture every cycle workload has: a cycle_fixture, a
 * variant carrying the THP kind, a setup that calls setup(&self->f, op, why, len) (cycle_setup
 * or a wrapper with the same signature that checks more first) and SKIPs with its reason on
 * KSFT_SKIP, and a teardown. Variants are added after it (SF_THP_KIND_VARIANTS or by hand).
 */
#define SF_CYCLE_FIXTURE(name, setup, op) \
FIXTURE(name) { \
	struct cycle_fixture f; \
}; \
FIXTURE_VARIANT(name) { \
	struct thp_kind kind; \
}; \
FIXTURE_SETUP(name) \
{ \
	char why[256]; \
	int ret; \
	SF_TEST_ID(self->f.test); \
	ret = setup(&self->f, (op), why, sizeof(why)); \
	if (ret == KSFT_SKIP) \
		SKIP(return, "%s", why); \
	ASSERT_EQ(0, ret) TH_LOG("%s", why); \
} \
FIXTURE_TEARDOWN(name) \
{ \
	cycle_teardown(&self->f); \
}

static pid_t sf_main_pid;

static void sf_exit_skip_if_all_skipped(void)
{
	if (getpid() != sf_main_pid)
		return;
	if (ksft_get_xskip_cnt() > 0 && ksft_get_pass_cnt() == 0 &&
	    ksft_get_fail_cnt() == 0 && ksft_get_error_cnt() == 0) {
		fflush(NULL);
		_exit(KSFT_SKIP);
	}
}

/* What main() does for one run: an exec'd workload, or a fork server's child (serve.h). */
/*
 * Under a batch of fail-nth steps (SPLITFAIL_INJECT=nth:<A>-<B>) a test runs its cycle once a
 * step, so its kselftest time limit (TEST_F_TIMEOUT, or TEST_TIMEOUT_DEFAULT's 30 s) holds
 * for each step: a batch of thp_numa_balance steps of up to 15 s each was killed at 30 s.
 */
static void sf_batch_time_limits(void)
{
	const char *env = getenv("SPLITFAIL_INJECT");
	long first, last;

	if (!env || sscanf(env, "nth:%ld-%ld", &first, &last) != 2 || last < first ||
	    last - first >= 1000)
		return;
	for (struct __fixture_metadata *f = __fixture_list; f; f = f->next)
		for (struct __test_metadata *t = f->tests; t; t = t->next)
			t->timeout *= (int)(last - first + 1);
}

static int sf_run_tests(int argc, char **argv)
{
	if (getenv("SPLITFAIL_INJECT"))	/* run by the harness: its time split */
		printf("# splitfail: started t=%lld\n", window_now_ns());
	sf_batch_time_limits();
	targets_help(argc, argv);
	lifetime_tie_children();
	sf_main_pid = getpid();
	atexit(sf_exit_skip_if_all_skipped);
	return test_harness_run(argc, argv);
}

#define SPLITFAIL_MAIN(...) \
	int main(int argc, char **argv) \
	{ \
		static const char *const sf_targets[] = { __VA_ARGS__, NULL }; \
		if (targets_requested(argc, argv, sf_targets) || \
		    needs_requested(argc, argv)) \
			return 0; \
		signal(SIGPIPE, SIG_IGN); \
		if (serve_requested(argc, argv)) \
			return serve_loop(argv[0], sf_run_tests); \
		return sf_run_tests(argc, argv); \
	}

#endif
