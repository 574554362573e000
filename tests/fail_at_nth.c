// SPDX-License-Identifier: GPL-2.0
/*
 * fail_at_nth.c - a test-only workload that fails on purpose and prints hostile bytes, so the
 * results files can be checked on real runs: with an injected failure, a SKIP, a SILENT-SKIP,
 * and output no strict parser would take as it is (invalid UTF-8, control bytes, '#', ':',
 * XML specials, the lines that end a kunit.py parse). It lives in build/tests, so only a run
 * that names it (workload_dir = build/tests, --only fail_at_nth) ever runs it.
 *
 * fail_at.nthN.pipe: a pipe created, written and read back inside the injection window
 *   (docs/protocol.md); it FAILs when the window ran under fail-nth K >= N and the fault was
 *   consumed (the Kth fault point of the operation failed), else it passes. Under a sweep,
 *   steps 1..N-1 pass and steps N.. FAIL while the operation still reaches them.
 * global.hostile_fail: prints the hostile line as failure evidence and fails.
 * global.hostile_skip: SKIPs with the hostile line as its reason.
 * global.hostile_silent_skip: reports a silent skip whose detail is the hostile line; passes.
 * Harmless anywhere (no knob written, nothing crashed).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "workload.h"

/*
 * Invalid UTF-8 (a lone continuation byte, 0xff 0xfe, a truncated sequence, an overlong '/',
 * a UTF-16 surrogate), control bytes (SOH, ESC [31m, DEL, CR, BS), the characters that
 * TAP, XML, JSON and file names treat specially, and kunit.py's end-of-output markers.
 */
#define HOSTILE "bad utf-8 \x80|\xff\xfe|\xc3|\xc0\xaf|\xed\xa0\x80; controls \x01|\x1b[31m|\x7f|\r|\b; " \
	"# hash: colon <xml & \"quotes\"> back\\slash; List of all partitions: " \
	"Kernel panic - not syncing: VFS: reboot: System halted"

FIXTURE(fail_at) {
	struct window w;
	char test[256];
};

FIXTURE_VARIANT(fail_at) {
	long from;		/* the first fail-nth step that fails the case */
};

FIXTURE_VARIANT_ADD(fail_at, nth1) { .from = 1 };
FIXTURE_VARIANT_ADD(fail_at, nth2) { .from = 2 };
FIXTURE_VARIANT_ADD(fail_at, nth3) { .from = 3 };

FIXTURE_SETUP(fail_at)
{
	char why[256];
	int ret;

	SF_TEST_ID(self->test);
	ret = window_setup(&self->w, self->test, "pipe", why, sizeof(why));
	if (ret == KSFT_SKIP)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
}

FIXTURE_TEARDOWN(fail_at)
{
}

/* pipe2, write a page, read it back: a handful of allocations, each may fail cleanly */
static long pipe_roundtrip(int *err)
{
	static char page[4096], back[4096];
	int fds[2];
	long ret;

	*err = 0;
	if (pipe2(fds, O_CLOEXEC)) {
		*err = errno;
		return -1;
	}
	ret = write(fds[1], page, sizeof(page));
	if (ret == (long)sizeof(page))
		ret = read(fds[0], back, sizeof(back));
	if (ret < 0)
		*err = errno;
	close(fds[0]);
	close(fds[1]);
	return ret;
}

TEST_F(fail_at, pipe)
{
	int err, consumed;
	long ret;

	ASSERT_EQ(0, window_arm(&self->w));
	ret = pipe_roundtrip(&err);
	consumed = window_disarm(&self->w, ret, err);
	if (self->w.mode == WINDOW_NTH && consumed == 1 && self->w.nth >= variant->from) {
		printf("# %s: injected fault: expected no failure from fail-nth %ld on, got the fault consumed at step %ld (on purpose); " HOSTILE "\n",
		       self->test, variant->from, self->w.nth);
		EXPECT_LT(self->w.nth, variant->from);
	}
}

TEST(hostile_fail)
{
	printf("# hostile_fail: expected nothing, got " HOSTILE "\n");
	fprintf(stderr, "stderr: " HOSTILE "\n");
	EXPECT_EQ(0, 1) TH_LOG("fails on purpose");
}

TEST(hostile_skip)
{
	SKIP(return, "on purpose: " HOSTILE);
}

TEST(hostile_silent_skip)
{
	printf("# splitfail: silent-skip test=global.hostile_silent_skip op=hostile pages=1 first=0x0 detail=on purpose: " HOSTILE "\n");
}

SPLITFAIL_MAIN("alloc_pipe_info")
