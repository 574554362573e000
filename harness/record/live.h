/* SPDX-License-Identifier: GPL-2.0 */
/*
 * live.h - the running harness's side of the run record: every start, result and extra is
 * appended to record.jsonl as it happens and kept in memory; the renderings are rewritten at
 * most every RECORD_RENDER_INTERVAL_S seconds and at the end (live.c).
 */
#ifndef SPLITFAIL_LIVE_H
#define SPLITFAIL_LIVE_H

#include "../splitfail.h"
#include "record.h"

/* Create DIR/logs, DIR/kmsg.txt and DIR/record.jsonl (with hdr), render once. 0 or -errno. */
int live_open(const char *dir, const struct rec_run *hdr);
/* The test r (name, structured fields, reproduce, log) is about to run. */
int live_start(const struct result *r);
int live_result(const struct result *r);
int live_extra(const char *key, const char *json);
int live_kmsg(const char *name, const char *text);
/*
 * The end line and the last rendering. When not finished, a test that had started and has no
 * result is recorded first as ERROR, "interrupted by <ended_by>".
 */
int live_end(int finished, const char *ended_by);
/* Render now (after the run's conditions are recorded: readers look for them at once). */
int live_render(void);
const struct rec_run *live_run(void);
/* After a live_* call failed: "<strerror> (<the file it concerns>)". */
const char *live_error(void);
void live_close(void);

#endif /* SPLITFAIL_LIVE_H */
