// SPDX-License-Identifier: GPL-2.0
/*
 * oracle_fork_cow: self-test of the fork / copy-on-write oracle (workloads/lib/cow_check.c).
 * A MAP_SHARED region stands in for a broken CoW: after fork both sides see every write, so
 * cow_run() must report the child seeing the parent's write (and the parent seeing the
 * child's) with the address, the expected and the actual byte and whose write it was. A
 * private THP region must pass. A failed fork is made real with a seccomp filter that fails
 * clone/clone3 with a chosen errno: ENOMEM must pass, EPERM must be reported, a child left
 * over from before the fork must be found, and a byte changed behind the pattern must be found.
 * tests/oracles_migrate.t checks the evidence lines this prints.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "cow_check.h"
#include "pattern.h"
#include "thp_region.h"

#define REGION (4UL << 20)

static char *map_filled(int flags, uint64_t seed)
{
	char *p = mmap(NULL, REGION, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	pattern_fill(p, REGION, seed);
	return p;
}

static void plan_init(struct cow_plan *plan, char *base, enum cow_writers who)
{
	memset(plan, 0, sizeof(*plan));
	plan->base = base;
	plan->len = REGION;
	plan->seed = 7;
	plan->write_off = REGION / 4;
	plan->write_len = REGION / 2;
	plan->writers = who;
	plan->nr_children = 1;
}

static int window_off(struct window *w)
{
	char why[128];

	unsetenv("SPLITFAIL_INJECT");
	return window_setup(w, "oracle", "fork", why, sizeof(why));
}

/* From now on clone and clone3 fail with err in this process (a real failed fork). */
static int fail_clone_with(int err)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ((unsigned int)err & 0xfff)),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		return -errno;
	return 0;
}

/* A region both sides share: every write is seen by both, as with a broken CoW. */
FIXTURE(shared) {
	struct cow_outcome out;
	struct cow_plan plan;
	struct window w;
};

FIXTURE_SETUP(shared)
{
	char *p = map_filled(MAP_SHARED, 7);

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, window_off(&self->w));
	plan_init(&self->plan, p, COW_PARENT_WRITES);
}

FIXTURE_TEARDOWN(shared)
{
}

TEST_F(shared, child_sees_parent_write)
{
	EXPECT_LT(0, cow_run("oracle.shared_parent_writes", &self->plan, &self->w, &self->out));
	EXPECT_EQ(1, self->out.children);
	EXPECT_EQ(1, self->out.children_failed);
	EXPECT_EQ(REGION / 2 / PAGE_SIZE_4K, self->out.child_bad_pages);
	EXPECT_EQ(0, self->out.parent_bad_pages);
}

TEST_F(shared, parent_sees_child_write)
{
	self->plan.writers = COW_CHILD_WRITES;
	EXPECT_LT(0, cow_run("oracle.shared_child_writes", &self->plan, &self->w, &self->out));
	EXPECT_EQ(REGION / 2 / PAGE_SIZE_4K, self->out.parent_bad_pages);
	EXPECT_EQ(0, self->out.children_failed);
}

TEST(private_thp_region_passes)
{
	struct cow_outcome out;
	struct cow_plan plan;
	struct thp_region r;
	struct window w;
	char why[256];
	int ret;

	ret = thp_region_map(&r, REGION / thp_pmd_size(), thp_pmd_size(), 7, why, sizeof(why));
	if (ret == THP_REGION_SKIP)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	ASSERT_EQ(0, window_off(&w));
	plan_init(&plan, r.base, COW_BOTH_WRITE);
	plan.nr_children = 3;
	EXPECT_EQ(0, cow_run("oracle.private", &plan, &w, &out));
	EXPECT_EQ(3, out.children);
}

/* A private region whose fork will fail: clone/clone3 are failed by seccomp in the test. */
FIXTURE(failed_fork) {
	struct cow_outcome out;
	struct cow_plan plan;
	struct window w;
	char *p;
};

FIXTURE_SETUP(failed_fork)
{
	self->p = map_filled(MAP_PRIVATE, 7);
	ASSERT_NE(NULL, self->p);
	ASSERT_EQ(0, window_off(&self->w));
	plan_init(&self->plan, self->p, COW_BOTH_WRITE);
}

FIXTURE_TEARDOWN(failed_fork)
{
}

TEST_F(failed_fork, enomem_is_clean)
{
	ASSERT_EQ(0, fail_clone_with(ENOMEM));
	EXPECT_EQ(0, cow_run("oracle.fork_enomem", &self->plan, &self->w, &self->out));
	EXPECT_EQ(-1, self->out.fork_ret);
	EXPECT_EQ(ENOMEM, self->out.fork_errno);
	EXPECT_EQ(0, self->out.children);
}

TEST_F(failed_fork, wrong_errno_reported)
{
	ASSERT_EQ(0, fail_clone_with(EPERM));
	EXPECT_EQ(1, cow_run("oracle.fork_eperm", &self->plan, &self->w, &self->out));
	EXPECT_EQ(EPERM, self->out.fork_errno);
}

TEST_F(failed_fork, child_left_reported)
{
	pid_t left = fork();

	ASSERT_LE(0, left);
	if (left == 0) {
		pause();
		_exit(0);
	}
	ASSERT_EQ(0, fail_clone_with(ENOMEM));
	EXPECT_EQ(1, cow_run("oracle.fork_stray", &self->plan, &self->w, &self->out));
	EXPECT_EQ(1, self->out.stray_children);
	kill(left, SIGKILL);
	waitpid(left, NULL, 0);
}

TEST_F(failed_fork, parent_data_changed_reported)
{
	self->p[REGION - 100] ^= 0x5a;	/* one byte behind the pattern's back */
	ASSERT_EQ(0, fail_clone_with(ENOMEM));
	EXPECT_EQ(1, cow_run("oracle.fork_corrupt", &self->plan, &self->w, &self->out));
	EXPECT_EQ(1, self->out.parent_bad_pages);
}

TEST_HARNESS_MAIN
