// SPDX-License-Identifier: GPL-2.0
/*
 * stall_trigger.c - a workload that makes a splitfail guest's console show an RCU stall report
 * while the guest is perfectly healthy, so tests/guest.t can check that the runner judges a
 * guest by its progress, not by stall lines (configs/guest-stall.ini). Under software emulation
 * on a busy host the kernel prints exactly such lines without any bug (a vCPU thread that the
 * host did not schedule); boot-guest.sh must note them and let the run go on.
 *
 * console_stall writes the lines of a real "rcu: INFO: rcu_sched self-detected stall on CPU"
 * report to /dev/console (what boot-guest.sh reads on the host), then keeps running for
 * SPLITFAIL_STALL_HOLD seconds (default 20) and passes. It writes to /dev/console, not to
 * /dev/kmsg: the harness rightly fails a run during which the kernel log reports a stall, and
 * this test is about the runner. A line after the report says it was not the kernel's.
 *
 * It acts ONLY in a splitfail guest (splitfail.guest=1 on /proc/cmdline, tests/guest_mark.h);
 * anywhere else it refuses loudly and fails. Like every workload it answers kselftest's -l/-r
 * and `--targets` (no kernel functions worth targeting).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "guest_mark.h"

#define HOLD_DEFAULT_S 20

/* Seconds to keep running after the report: SPLITFAIL_STALL_HOLD, else HOLD_DEFAULT_S. */
static int hold_seconds(void)
{
	const char *env = getenv("SPLITFAIL_STALL_HOLD");
	char *end;
	long v;

	if (!env || !*env)
		return HOLD_DEFAULT_S;
	v = strtol(env, &end, 10);
	return (*end || v < 0 || v > 3600) ? HOLD_DEFAULT_S : (int)v;
}

/*
 * The lines of an RCU self-detected stall report as the kernel prints them on the console,
 * with a printk-style time stamp, and one line saying who wrote them. Returns the bytes
 * written, or -errno.
 */
static int write_fake_stall(int fd)
{
	struct timespec ts;
	char buf[1024];
	unsigned long s, us;
	int len;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	s = (unsigned long)ts.tv_sec;
	us = (unsigned long)ts.tv_nsec / 1000;
	len = snprintf(buf, sizeof(buf),
		       "[%5lu.%06lu] rcu: INFO: rcu_sched self-detected stall on CPU\n"
		       "[%5lu.%06lu] rcu: \t0-....: (5249 ticks this GP) idle=a5c4/1/0x4000000000000000 softirq=1234/1234 fqs=2425\n"
		       "[%5lu.%06lu] rcu: \t(t=5250 jiffies g=-1131 q=18 ncpus=2)\n"
		       "stall_trigger: the stall report above was written by build/tests/stall_trigger (a test of the runner), not by the kernel\n",
		       s, us, s, us, s, us);
	if (write(fd, buf, len) != len)
		return -errno;
	return len;
}

TEST(console_stall)
{
	int marks = cmdline_word_count(GUEST_MARK);
	int fd, hold = hold_seconds();

	if (marks < 1) {
		fprintf(stderr, "stall_trigger: REFUSING to write a stall report: /proc/cmdline has "
			"%d '%s' (expected 1): this is not a splitfail guest\n", marks, GUEST_MARK);
		ASSERT_GE(marks, 1);
	}
	fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	ASSERT_GE(fd, 0) TH_LOG("open /dev/console: %s", strerror(errno));
	ASSERT_GT(write_fake_stall(fd), 0) TH_LOG("write /dev/console: %s", strerror(errno));
	close(fd);
	TH_LOG("stall report on the console; running on for %d s", hold);
	sleep(hold);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--targets"))
		return 0;
	return test_harness_run(argc, argv);
}
