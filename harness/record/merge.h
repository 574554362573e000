/* SPDX-License-Identifier: GPL-2.0 */
/*
 * merge.h - inside `splitfail merge` (merge.c): copying the sources' logs into the new
 * folder (merge_logs.c) and the log path each result gets there.
 */
#ifndef SPLITFAIL_MERGE_H
#define SPLITFAIL_MERGE_H

#include <stddef.h>

#include "../splitfail.h"

struct merge_move {
	char *from, *to;	/* a log's path in its source, and in the merged folder */
};

struct merge_logs {
	const char *out;	/* the merged folder */
	const char *dir;	/* the source being copied */
	int source;		/* its place on the command line, 1-based */
	struct merge_move *moved;	/* this source's logs whose path changed */
	int n, cap;
	char err[SF_PATH_MAX * 2 + 64];
};

/* Copy every file of DIR/logs/ into m->out/logs/ (renamed when taken). 0 or -errno + m->err. */
int merge_logs_source(struct merge_logs *m, const char *dir, int source);
/*
 * The path (relative to m->out) of the current source's log LOG, copying it first when it is
 * not in its logs/; "" when the source has no such file. 0 or -errno with m->err.
 */
int merge_log_path(struct merge_logs *m, const char *log, char *out, size_t len);
void merge_logs_free(struct merge_logs *m);

#endif /* SPLITFAIL_MERGE_H */
