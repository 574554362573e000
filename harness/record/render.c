// SPDX-License-Identifier: GPL-2.0
/*
 * render.c - every rendering of a run record into its results folder (record.h): each file
 * written to a temporary name, fsync'ed and renamed over the old one, so a reader (or a
 * guest that dies mid-write) only ever sees a whole rendering, older or newer. A rendering
 * made while the run goes on (render_all_interim) is renamed whole but not fsync'ed: the
 * record is the truth and the final rendering is fsync'ed (in the guest, 5 fsyncs through
 * 9p and the host's disk made each interim rendering cost several times its writing).
 * Each file goes out in RENDER_BUF writes, not one 9p round trip per 4 KiB of stdio buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../splitfail.h"
#include "record.h"

#define RENDER_BUF	(1 << 20)

static const struct {
	const char *file;
	int (*render)(FILE *f, const struct rec_run *run);
} renderings[] = {
	{ "tap.txt", render_tap },
	{ "ktap.txt", render_ktap },
	{ "junit.xml", render_junit },
	{ "summary.json", render_summary },
	{ "kcidb.json", render_kcidb },
};

static int render_one(const char *dir, const char *file,
		      int (*render)(FILE *f, const struct rec_run *run), const struct rec_run *run,
		      int sync)
{
	static char buf[RENDER_BUF];	/* one file at a time */
	static int touched;
	char tmp[SF_PATH_MAX], final[SF_PATH_MAX];
	FILE *f;
	int ret;

	/*
	 * All of it at the first rendering (the harness's start): not a few pages more at each
	 * larger one between two runs, where the exact leak check would count them.
	 */
	if (!touched) {
		memset(buf, 0, sizeof(buf));
		touched = 1;
	}
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, file);
	snprintf(final, sizeof(final), "%s/%s", dir, file);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	setvbuf(f, buf, _IOFBF, sizeof(buf));
	ret = render(f, run);
	if ((fflush(f) || (sync && fsync(fileno(f)))) && !ret)
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, final))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

static int render_files(const char *dir, const struct rec_run *run, int sync)
{
	int ret = 0, fd;

	for (size_t i = 0; i < sizeof(renderings) / sizeof(renderings[0]); i++) {
		int r = render_one(dir, renderings[i].file, renderings[i].render, run, sync);

		if (r && !ret)
			ret = r;
	}
	fd = sync ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;	/* the renames, on disk */
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return ret;
}

int render_all(const char *dir, const struct rec_run *run)
{
	return render_files(dir, run, 1);
}

int render_all_interim(const char *dir, const struct rec_run *run)
{
	return render_files(dir, run, 0);
}
