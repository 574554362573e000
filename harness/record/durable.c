// SPDX-License-Identifier: GPL-2.0
/*
 * durable.c - whether what the harness writes into its results folder must be fsync'ed to
 * outlive a crash (record.h: record_fsync_needed).
 *
 * In the guest the results folder is the host's folder over 9p, mounted without a cache
 * (harness/runner/guest-init.sh gives no cache= option; the kernel then shows none in the
 * mount's options, fs/9p/v9fs.c). Such a file is written through: every write(2) is a 9p
 * write the host's server has done on the host's file before the call returns (fs/9p/fid.h
 * marks every fid of a cache-less mount P9L_DIRECT), so a guest that panics the next moment
 * cannot lose it. An fsync there costs another round trip and the host's disk flush (about
 * 1 ms a line in the TCG guest) and guards only against the host itself crashing, which ends
 * the guest's run anyway. Everywhere else (a local file system, tmpfs, a 9p mount with any
 * cache, a mount not found) the harness fsyncs as before.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "../splitfail.h"
#include "record.h"

/*
 * From /proc/self/mountinfo text: 0 when the mount of device major:minor is 9p without a
 * cache (writes go through), 1 when an fsync is needed (anything else, or not found).
 */
int record_fsync_needed_in(FILE *mountinfo, unsigned int major, unsigned int minor)
{
	char line[4096], dev[32], type[64], *sep;
	int needed = 1;

	snprintf(dev, sizeof(dev), "%u:%u", major, minor);
	while (fgets(line, sizeof(line), mountinfo)) {
		char id[32], parent[32], mdev[32];

		if (sscanf(line, "%31s %31s %31s", id, parent, mdev) != 3 || strcmp(mdev, dev))
			continue;
		/* ... optional fields " - " fstype source super-options */
		sep = strstr(line, " - ");
		if (!sep || sscanf(sep + 3, "%63s", type) != 1)
			continue;
		needed = strcmp(type, "9p") || strstr(sep, "cache=") != NULL;
	}
	return needed;
}

/*
 * 1 when a write to fd must be fsync'ed to outlive a crash of its system, 0 when not. The
 * mount is found by the file's device in mountinfo (statfs would not tell: a 9p2000.L mount
 * reports the server's file system type).
 */
int record_fsync_needed(int fd)
{
	struct stat st;
	FILE *f;
	int needed;

	if (fstat(fd, &st))
		return 1;
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return 1;
	needed = record_fsync_needed_in(f, major(st.st_dev), minor(st.st_dev));
	fclose(f);
	return needed;
}
