// SPDX-License-Identifier: GPL-2.0
/*
 * time_limit.c - the whole-guest time limit ([vm] timeout) stopped a guest whose harness was
 * still progressing (`splitfail results death DIR --kind timeout`). A slow guest, a busy host
 * under software emulation, says nothing about the kernel, so the first time it happens to a
 * test that test gets no verdict: a "time_limit" line (the test, the guest, the console's last
 * lines) and an unfinished "end" line go to the record, the test stays undecided and run.sh
 * runs it again in a fresh guest (--continue-from). Stopped a second time, it becomes an
 * ERROR whose evidence has both consoles (death.c). A guest that made no progress is hung: a
 * FAIL, never this.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../splitfail.h"
#include "record.h"
#include "record_fields.h"
#include "verbs.h"

int time_limit_note(const char *dir, int boot, const char *name, const char *how,
		    const char *console, const char *excerpt)
{
	struct rec_limit l = { .name = (char *)name, .boot = boot };
	char *lines, ended_by[SF_NAME_MAX * 2];
	time_t t = time(NULL);
	struct tm tm;
	int ret;

	strftime(l.start_time, sizeof(l.start_time), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	if (asprintf(&l.evidence, "guest %d reached its time limit while still active, while %s "
		     "was running (%s); console (%s):\n%s", boot, name, how, console, excerpt) < 0)
		return -ENOMEM;
	snprintf(ended_by, sizeof(ended_by), "guest reached its time limit while still active, "
		 "while %s was running (boot %d): it runs again in a fresh guest", name, boot);
	lines = death_lines("time_limit", limit_fields, &l, ended_by);
	ret = lines ? record_append_line_to(dir, lines) : -ENOMEM;
	free(lines);
	free(l.evidence);
	if (!ret)
		fprintf(stderr, "splitfail: %s: guest %d reached its time limit while still active "
			"(%s): not a verdict, it runs again in a fresh guest\n", name, boot, how);
	return ret;
}
