// SPDX-License-Identifier: GPL-2.0
/*
 * folder.c - a new results folder: BASE/<UTC time>-<release>, made when a run really starts
 * (the harness after its lock and checks; run.sh right before it boots a guest), never
 * before: a refused start leaves no folder and BASE/latest where it was. The name is unique
 * even for runs started in the same second: mkdir without -p, and on EEXIST the next of
 * -2, -3, ... Then BASE/latest points at it, replaced in one rename.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../splitfail.h"
#include "verbs.h"

#define FOLDER_TRIES	1000

/* Point BASE/latest at name, atomically (a temporary link renamed over it). */
static int move_latest(const char *base, const char *name)
{
	char link[SF_PATH_MAX], tmp[SF_PATH_MAX + 32];

	snprintf(link, sizeof(link), "%s/latest", base);
	snprintf(tmp, sizeof(tmp), "%s/.latest.%d", base, (int)getpid());
	unlink(tmp);
	if (symlink(name, tmp))
		return -errno;
	if (rename(tmp, link)) {
		int ret = -errno;

		unlink(tmp);
		return ret;
	}
	return 0;
}

int results_dir_new(const char *base, const char *release, char *out, size_t len)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int ret;

	ret = sf_mkdir_p(base);
	if (ret)
		return ret;
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime_r(&now, &tm));
	for (int i = 1; i <= FOLDER_TRIES; i++) {
		if (i == 1)
			snprintf(out, len, "%s/%s-%s", base, stamp, release);
		else
			snprintf(out, len, "%s/%s-%s-%d", base, stamp, release, i);
		if (!mkdir(out, 0755))
			break;
		if (errno != EEXIST || i == FOLDER_TRIES)
			return -errno;
	}
	ret = move_latest(base, strrchr(out, '/') + 1);
	if (ret)
		fprintf(stderr, "splitfail: %s/latest: %s\n", base, strerror(-ret));
	return 0;
}
