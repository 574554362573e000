// SPDX-License-Identifier: GPL-2.0
/*
 * batch_time_limit.c - a test-only workload for tests/batch_time_limit.t: one test whose body
 * takes 2 s under a kselftest time limit of 1 s. Alone it is killed by the kselftest harness
 * ("Test terminated by timeout"); under a batch of 3 fail-nth steps
 * (SPLITFAIL_INJECT=nth:1-3) its limit is 1 s a step (workload.h sf_batch_time_limits), 3 s,
 * and it passes. Never part of a profile: it injects nothing and touches no THP.
 */
#include <unistd.h>

#include "kselftest_harness.h"
#include "workload.h"

FIXTURE(batch) {
	int unused;
};

FIXTURE_SETUP(batch)
{
	self->unused = 0;
}

FIXTURE_TEARDOWN(batch)
{
}

TEST_F_TIMEOUT(batch, two_seconds, 1)
{
	sleep(2 + self->unused);
}

SPLITFAIL_MAIN("none")
