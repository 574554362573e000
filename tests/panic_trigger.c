// SPDX-License-Identifier: GPL-2.0
/*
 * panic_trigger.c - a workload that crashes the kernel on purpose (sysrq 'c'), so tests/guest.t
 * can check that the runner turns a guest panic into a FAIL with the panic lines, exit code 1
 * and no hang (profile configs/guest-panic.ini). Its second case, guest_alive, runs after the
 * crash: the runner must boot a fresh guest for it, which shows it continues after a death.
 *
 * It crashes ONLY a splitfail guest: boot-guest.sh puts splitfail.guest=1 on the guest kernel's
 * command line, and without that exact word in /proc/cmdline this program refuses loudly and
 * fails, so it can never take a host down. Like every workload it answers kselftest's -l/-r
 * and `--targets` (no kernel functions worth targeting).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "guest_mark.h"

TEST(sysrq_crash)
{
	int marks = cmdline_word_count(GUEST_MARK);
	int fd;

	if (marks < 1) {
		fprintf(stderr, "panic_trigger: REFUSING to crash this kernel: /proc/cmdline has %d "
			"'%s' (expected 1): this is not a splitfail guest\n", marks, GUEST_MARK);
		ASSERT_GE(marks, 1);
	}
	fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);
	ASSERT_GE(fd, 0) TH_LOG("open /proc/sysrq-trigger: %s", strerror(errno));
	TH_LOG("guest kernel (cmdline has %s): writing 'c' to /proc/sysrq-trigger", GUEST_MARK);
	ASSERT_EQ(1, write(fd, "c", 1)) TH_LOG("write: %s", strerror(errno));
	close(fd);
	ASSERT_EQ(0, 1) TH_LOG("the kernel survived sysrq 'c'");
}

TEST(guest_alive)
{
	int marks = cmdline_word_count(GUEST_MARK);

	ASSERT_EQ(1, marks) TH_LOG("/proc/cmdline has %d '%s': not a splitfail guest", marks,
				   GUEST_MARK);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--targets"))
		return 0;
	return test_harness_run(argc, argv);
}
