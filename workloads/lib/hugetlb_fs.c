/*
 * hugetlb_fs.c: finds or privately mounts hugetlbfs and opens an unlinked file on it with
 * libhugetlbfs (hugetlbfs.h: hugetlbfs_find_path_for_size, hugetlbfs_unlinked_fd_for_size,
 * gethugepagesize). libhugetlbfs reads /proc/mounts once, in its constructor (setup_mounts()
 * from init.c), so it is loaded with dlopen() here rather than linked: loaded again after our
 * own mount, its constructor runs again and finds it in /proc/mounts. When the private mount
 * is forced (SPLITFAIL_HUGETLBFS=private: the namespace still has the mounts it copied) or the
 * caller set HUGETLB_PATH, HUGETLB_PATH names the new mount instead, which the library takes
 * over /proc/mounts. HUGETLB_VERBOSE=1 (errors only) unless the caller set it. Mount facts: unshare(2) CLONE_NEWNS, mount(2) MS_REC | MS_PRIVATE on /
 * so nothing propagates back, hugetlbfs's pagesize= option
 * (Documentation/admin-guide/mm/hugetlbpage.rst).
 */
#include <dlfcn.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include <hugetlbfs.h>

#include "hugetlb_fs.h"

#define LIBHUGETLBFS "libhugetlbfs.so.0"
#define PRIVATE_DIR_TEMPLATE "/tmp/splitfail-hugetlbfs.XXXXXX"

struct libhugetlbfs {
	void *handle;
	__typeof__(&gethugepagesize) default_size;
	__typeof__(&hugetlbfs_find_path_for_size) find_path;
	__typeof__(&hugetlbfs_unlinked_fd_for_size) unlinked_fd;
};

/* Loads libhugetlbfs (its constructor reads the mounts now). Returns 0 or 1 with why. */
static int lib_load(struct libhugetlbfs *lib, char *why, size_t why_len)
{
	setenv("HUGETLB_VERBOSE", "1", 0);
	lib->handle = dlopen(LIBHUGETLBFS, RTLD_NOW | RTLD_LOCAL);
	if (!lib->handle) {
		snprintf(why, why_len, "cannot load %s (libhugetlbfs0): %s", LIBHUGETLBFS,
			 dlerror());
		return 1;
	}
	*(void **)&lib->default_size = dlsym(lib->handle, "gethugepagesize");
	*(void **)&lib->find_path = dlsym(lib->handle, "hugetlbfs_find_path_for_size");
	*(void **)&lib->unlinked_fd = dlsym(lib->handle, "hugetlbfs_unlinked_fd_for_size");
	if (!lib->default_size || !lib->find_path || !lib->unlinked_fd) {
		snprintf(why, why_len, "%s lacks the hugetlbfs.h functions", LIBHUGETLBFS);
		dlclose(lib->handle);
		return 1;
	}
	return 0;
}

/* Mounts hugetlbfs of page_size on a new directory in a private mount namespace. */
static int mount_private(long page_size, char *dir, size_t dir_len, char *why,
			 size_t why_len)
{
	char opts[64];

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		snprintf(why, why_len, "no hugetlbfs mounted and no private mount namespace "
			 "for one: %s", strerror(errno));
		return 1;
	}
	snprintf(dir, dir_len, "%s", PRIVATE_DIR_TEMPLATE);
	if (!mkdtemp(dir)) {
		snprintf(why, why_len, "no hugetlbfs mounted; mkdtemp(%s): %s",
			 PRIVATE_DIR_TEMPLATE, strerror(errno));
		return 1;
	}
	snprintf(opts, sizeof(opts), "pagesize=%ld", page_size);
	if (mount("splitfail", dir, "hugetlbfs", MS_NOSUID | MS_NODEV, opts)) {
		snprintf(why, why_len, "no hugetlbfs mounted; mount -t hugetlbfs -o %s %s: %s",
			 opts, dir, strerror(errno));
		rmdir(dir);
		return 1;
	}
	return 0;
}

int hugetlbfs_file_open(struct hugetlbfs_file *hf, long page_size, char *why, size_t why_len)
{
	const char *mode = getenv(HUGETLBFS_MODE_ENV);
	struct libhugetlbfs lib;
	const char *path = NULL;
	int ret;

	memset(hf, 0, sizeof(*hf));
	hf->fd = -1;
	hf->page_size = page_size;
	ret = lib_load(&lib, why, why_len);
	if (ret)
		return ret;
	if (!mode || strcmp(mode, "private"))
		path = lib.find_path(page_size);
	if (!path) {
		ret = mount_private(page_size, hf->mount, sizeof(hf->mount), why, why_len);
		if (ret) {
			dlclose(lib.handle);
			return ret;
		}
		hf->private_mount = 1;
		/* forced, or the caller restricted the search: name our mount to the library */
		if ((mode && !strcmp(mode, "private")) || getenv("HUGETLB_PATH"))
			setenv("HUGETLB_PATH", hf->mount, 1);
		/* the loaded copy has the old mount table: load it afresh */
		dlclose(lib.handle);
		ret = lib_load(&lib, why, why_len);
		if (ret)
			return ret;
		path = lib.find_path(page_size);
		if (!path || strcmp(path, hf->mount)) {
			snprintf(why, why_len, "libhugetlbfs found %s for %ld-byte pages, not the "
				 "hugetlbfs just mounted at %s", path ? path : "nothing",
				 page_size, hf->mount);
			dlclose(lib.handle);
			return -1;
		}
	}
	snprintf(hf->mount, sizeof(hf->mount), "%s", path);
	hf->lib_default_size = lib.default_size();
	hf->fd = lib.unlinked_fd(page_size);
	if (hf->fd < 0) {
		snprintf(why, why_len, "hugetlbfs_unlinked_fd_for_size(%ld) on %s: %s",
			 page_size, hf->mount, strerror(errno));
		dlclose(lib.handle);
		return 1;
	}
	/* the file outlives the library: nothing of libhugetlbfs is needed any more */
	dlclose(lib.handle);
	return 0;
}

void hugetlbfs_file_print(const char *test, const struct hugetlbfs_file *hf)
{
	printf("# %s: hugetlbfs %s %s (libhugetlbfs: %ld-byte pages there, default %ld), "
	       "unlinked file fd %d\n", test, hf->private_mount ? "mounted privately at" :
	       "found at", hf->mount, hf->page_size, hf->lib_default_size, hf->fd);
}

int hugetlbfs_private_dir_remove(const char *dir)
{
	if (strncmp(dir, PRIVATE_DIR_TEMPLATE, strlen(PRIVATE_DIR_TEMPLATE) - 6))
		return -EINVAL;
	return rmdir(dir) ? -errno : 0;
}
