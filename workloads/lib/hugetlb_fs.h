/*
 * hugetlb_fs.h: a file on hugetlbfs for the memory-failure workloads, found through
 * libhugetlbfs, or on a hugetlbfs the calling process mounts in a private mount namespace
 * when none of the default huge page size is mounted (the mount vanishes with the process).
 * Meant for a forked worker: the namespace it may enter is its own.
 */
#ifndef SPLITFAIL_HUGETLB_FS_H
#define SPLITFAIL_HUGETLB_FS_H

#include <limits.h>
#include <stddef.h>

/* SPLITFAIL_HUGETLBFS=private skips the search and always mounts privately (for tests). */
#define HUGETLBFS_MODE_ENV "SPLITFAIL_HUGETLBFS"

struct hugetlbfs_file {
	int fd;			/* unlinked file on the mount, -1 when none */
	long page_size;		/* huge page size of the mount, bytes */
	long lib_default_size;	/* gethugepagesize() as libhugetlbfs reports it */
	int private_mount;	/* 1: we mounted it in our own mount namespace */
	char mount[PATH_MAX];	/* hugetlbfs_find_path_for_size() */
};

/*
 * Opens an unlinked file on a hugetlbfs of page_size bytes (the default huge page size from
 * /proc/meminfo). Searches with libhugetlbfs unless SPLITFAIL_HUGETLBFS=private; when nothing
 * is found, unshares the mount namespace, makes it private and mounts hugetlbfs on a new
 * directory under /tmp, then asks libhugetlbfs again. The directory stays (empty, nothing
 * mounted on it once the process exits): the caller's parent removes it with
 * hugetlbfs_private_dir_remove(). Returns 0, or 1 with the reason in why (SKIP: no library,
 * no permission to mount, no hugetlbfs in the kernel) or -1 with why (a broken promise of
 * libhugetlbfs: it did not find the mount just made).
 */
int hugetlbfs_file_open(struct hugetlbfs_file *hf, long page_size, char *why, size_t why_len);

/* One "# <test>: hugetlbfs ..." line saying which mount and file were used. */
void hugetlbfs_file_print(const char *test, const struct hugetlbfs_file *hf);

/* Removes a directory hugetlbfs_file_open() made for a private mount. Returns 0 or -errno. */
int hugetlbfs_private_dir_remove(const char *dir);

#endif
