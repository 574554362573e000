// SPDX-License-Identifier: GPL-2.0
/*
 * hugetlb_fs: host test of the hugetlbfs discovery in workloads/lib/hugetlb_fs.c, with no
 * poisoning anywhere. A child opens a hugetlbfs file as hugetlb_hwpoison's worker does: found
 * with libhugetlbfs, or on a hugetlbfs it mounted in its own mount namespace. The child reports
 * the file's fstatfs magic; the parent checks it is hugetlbfs's, that a private mount never
 * showed in the parent's /proc/self/mounts and that its directory is left empty and
 * removable. With a free huge page in the host's pool the child also maps the file MAP_SHARED
 * and the pool shows the page in use; without one that case SKIPs naming the knob (the host
 * pool is not touched). tests/hugetlb_fs.t checks the lines this prints.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "hugetlb_fs.h"
#include "hugetlb_pool.h"
#include "pattern.h"

#define HUGETLBFS_SUPER_MAGIC 0x958458f6

struct child_report {
	int ret;			/* hugetlbfs_file_open() */
	struct hugetlbfs_file hf;
	long fs_magic;			/* fstatfs of the file, in the child */
	long free_while_mapped;		/* HugePages_Free with the page touched, -1: not mapped */
	long corrupt;			/* pattern pages that differ after write + read */
	char why[256];
};

/* Mount lines of this process naming dir. */
static int mounts_naming(const char *dir)
{
	char line[4096];
	int n = 0;
	FILE *f = fopen("/proc/self/mounts", "re");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, dir) != NULL;
	fclose(f);
	return n;
}

static void child(struct child_report *rep, size_t hsize, int map)
{
	struct pattern_mismatch mismatch;
	struct hugetlb_meminfo m;
	struct statfs sb;
	char *p;

	rep->free_while_mapped = -1;
	rep->ret = hugetlbfs_file_open(&rep->hf, (long)hsize, rep->why, sizeof(rep->why));
	if (rep->ret)
		return;
	hugetlbfs_file_print("hugetlb_fs", &rep->hf);
	if (!fstatfs(rep->hf.fd, &sb))
		rep->fs_magic = (long)sb.f_type;
	if (!map || ftruncate(rep->hf.fd, (off_t)hsize))
		return;
	p = mmap(NULL, hsize, PROT_READ | PROT_WRITE, MAP_SHARED, rep->hf.fd, 0);
	if (p == MAP_FAILED) {
		snprintf(rep->why, sizeof(rep->why), "mmap: %s", strerror(errno));
		return;
	}
	pattern_fill(p, hsize, 7);
	rep->corrupt = pattern_verify(p, hsize, 7, &mismatch);
	if (!hugetlb_meminfo_read(&m))
		rep->free_while_mapped = m.free;
	munmap(p, hsize);
}

/* Runs child() in a fork; returns its report (shared memory) after it exited. */
static struct child_report *run_child(size_t hsize, int map)
{
	struct child_report *rep = mmap(NULL, sizeof(*rep), PROT_READ | PROT_WRITE,
					MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid;

	if (rep == MAP_FAILED)
		return NULL;
	memset(rep, 0, sizeof(*rep));
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		child(rep, hsize, map);
		fflush(NULL);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, NULL, 0) != pid) {
		munmap(rep, sizeof(*rep));
		return NULL;
	}
	return rep;
}

FIXTURE(hugetlb_fs) {
	struct hugetlb_meminfo before;
	size_t hsize;
};

FIXTURE_SETUP(hugetlb_fs)
{
	if (getuid() != 0)
		SKIP(return, "needs root: a private mount namespace and a hugetlbfs mount");
	if (hugetlb_meminfo_read(&self->before))
		SKIP(return, "no hugetlb in /proc/meminfo (CONFIG_HUGETLB_PAGE)");
	self->hsize = (size_t)self->before.hpage_kb * 1024;
}

FIXTURE_TEARDOWN(hugetlb_fs)
{
	unsetenv(HUGETLBFS_MODE_ENV);
}

/* Checks one child's report; mounted: the mount must have been the child's own. */
static void check_report(struct __test_metadata *_metadata, const struct child_report *rep,
			 size_t hsize, int must_be_private)
{
	ASSERT_EQ(0, rep->ret) TH_LOG("%s", rep->why);
	printf("# hugetlb_fs: %s %s, file magic 0x%lx\n", rep->hf.private_mount ?
	       "private mount" : "found mount", rep->hf.mount, rep->fs_magic);
	EXPECT_EQ(HUGETLBFS_SUPER_MAGIC, rep->fs_magic);
	EXPECT_EQ((long)hsize, rep->hf.page_size);
	if (must_be_private)
		EXPECT_EQ(1, rep->hf.private_mount);
	if (rep->hf.private_mount) {
		/* never visible here, gone with the child, directory removable */
		EXPECT_EQ(0, mounts_naming(rep->hf.mount));
		EXPECT_EQ(0, hugetlbfs_private_dir_remove(rep->hf.mount))
			TH_LOG("rmdir %s", rep->hf.mount);
		printf("# hugetlb_fs: %s removed, not in this namespace's mounts\n",
		       rep->hf.mount);
	}
}

/* What the workload does by default: libhugetlbfs's mount, else a private one. */
TEST_F(hugetlb_fs, found_or_mounted)
{
	struct child_report *rep;

	unsetenv(HUGETLBFS_MODE_ENV);
	rep = run_child(self->hsize, 0);
	ASSERT_NE(NULL, rep);
	check_report(_metadata, rep, self->hsize, 0);
	munmap(rep, sizeof(*rep));
}

/* SPLITFAIL_HUGETLBFS=private: a private mount even where one is mounted already. */
TEST_F(hugetlb_fs, forced_private_mount)
{
	struct child_report *rep;

	setenv(HUGETLBFS_MODE_ENV, "private", 1);
	rep = run_child(self->hsize, 0);
	ASSERT_NE(NULL, rep);
	check_report(_metadata, rep, self->hsize, 1);
	munmap(rep, sizeof(*rep));
}

/* The file maps huge pages from the pool: Free one lower while the page is touched. */
TEST_F(hugetlb_fs, map_file_from_pool)
{
	struct child_report *rep;

	if (self->before.free < 1)
		SKIP(return, "hugetlb pool: %lld free huge pages, need 1; set "
		     "/proc/sys/vm/nr_hugepages (this test leaves the host's pool alone)",
		     self->before.free);
	unsetenv(HUGETLBFS_MODE_ENV);
	rep = run_child(self->hsize, 1);
	ASSERT_NE(NULL, rep);
	check_report(_metadata, rep, self->hsize, 0);
	printf("# hugetlb_fs: HugePages_Free %lld before, %ld while mapped\n", self->before.free,
	       rep->free_while_mapped);
	EXPECT_EQ(self->before.free - 1, rep->free_while_mapped) TH_LOG("%s", rep->why);
	EXPECT_EQ(0, rep->corrupt);
	munmap(rep, sizeof(*rep));
}

TEST_HARNESS_MAIN
