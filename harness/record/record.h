/* SPDX-License-Identifier: GPL-2.0 */
/*
 * record.h - the run record and what is rendered from it.
 *
 * Every results folder has one append-only file, record.jsonl: one JSON object per line,
 * written with one write(2) and fsync'ed as it is decided, never rewritten. It is the only
 * truth about a run; tap.txt, ktap.txt, junit.xml, summary.json and kcidb.json are renderings
 * of it, rewritten (atomically, via a temporary file and rename) at most every few seconds
 * while the run goes on and once at its end. The runner never edits results files: it asks
 * the harness (`splitfail results ...`, `splitfail merge`, `splitfail compare`).
 *
 * Lines (member "type" first); unknown types and members are ignored by readers:
 *   run     the run's conditions: format, kernel, profile, seed, strategy, strict,
 *           known_issues, started, host, arch, accel, shard, kernel_path, kernel_key,
 *           kernel_commit, config_hash, splitfail_commit, boot, reproduce_via
 *   start   {"name", "time"}: a test began; a start without its result is the test that was
 *           running when the run (or the guest) ended
 *   result  one verdict (struct rec_result)
 *   extra   {"key", "value"}: a top-level member of summary.json (knobs, pressure, leak ...),
 *           a later value replacing an earlier one
 *   boot    {"boot", "dir"}: the lines after it came from a fresh guest's folder (folded)
 *   time_limit {"name", "boot", "start_time", "evidence"}: the whole-guest time limit stopped
 *           guest BOOT while NAME ran and the guest still progressed: not a verdict, NAME runs
 *           again in a fresh guest (its start line stays without a result until then)
 *   end     {"finished", "ended_by"}: finished is true only when every selected test ran
 * The contract, for people: docs/protocol.md ("The run record").
 */
#ifndef SPLITFAIL_RECORD_H
#define SPLITFAIL_RECORD_H

#include <stddef.h>
#include <stdio.h>

#define RECORD_FILE	"record.jsonl"
#define RECORD_FORMAT	1
#define RECORD_RENDER_INTERVAL_S 5	/* renderings are at most this old while running, */
#define RECORD_RENDER_SHARE	20	/* or this many times the last rendering's time */

/* One verdict. Strings are owned (heap); "" when absent, never NULL after record_load. */
struct rec_result {
	char *name;		/* human test name, <workload>:<case>[@<strategy>][#<rep>] */
	char *workload;
	char *case_name;
	int verdict;		/* enum verdict (splitfail.h) */
	char strategy[16];	/* off, random, sweep, targeted; "guest" for a guest's death */
	int nth;		/* fail-nth step, 0 = none */
	char *target;		/* stack-filter function, "" = none */
	int rep;		/* repetition, 0-based */
	int boot;		/* the guest (1, 2, ...) that decided it; 1 on the host */
	long long faults_injected;
	int consumed;
	double seconds;
	char start_time[32];	/* UTC, ISO 8601 with Z */
	char *window;
	char *evidence;
	char *reproduce;	/* command line that gives the same verdict (docs/protocol.md) */
	char *known;		/* KNOWN-FAIL: the known issue's id */
	char *log;		/* relative to the results folder, "" = none */
	char *vmstat_delta;	/* JSON object text, "{}" when none */
	char *guest;		/* "died", "hung", "timeout" (twice), "interrupted" */
};

/* A test the whole-guest time limit stopped while its guest still progressed (not a verdict). */
struct rec_limit {
	char *name;
	int boot;		/* the guest that was stopped */
	char start_time[32];	/* when the runner recorded it, UTC */
	char *evidence;		/* the console's last lines */
};

struct rec_extra {
	char *key;
	char *json;		/* the value as JSON text */
};

/* A whole record, as loaded or as built by the running harness. */
struct rec_run {
	/* from the "run" line (of the first boot) */
	int format;
	char *kernel;		/* release */
	char *profile;
	unsigned long long seed;
	char *strategies;
	int strict;
	int known_fail;		/* known_issues = fail */
	char *started;
	char *host, *arch, *accel, *shard;
	char *kernel_path, *kernel_key, *kernel_commit, *config_hash, *splitfail_commit;
	char *reproduce_via;	/* "./run.sh --kernel ... --profile ..." in a guest, "" on a host */
	/* from the rest */
	struct rec_result *r;
	int n, cap;
	struct rec_extra *x;
	int nx;
	char *running;		/* started and not decided, "" = none */
	int running_limited;	/* running is the test a time_limit line stopped, not restarted */
	struct rec_limit *limits;	/* time_limit lines, in record order */
	int n_limits;
	int boots;		/* guests folded in, 1 on a host */
	int finished;		/* an "end" line said so */
	int ended;		/* there was an "end" line at all */
	char *ended_by;		/* "" when finished; "SIGINT", "error: <text> (<file>)", ... */
};

/* --- record.c: the file ---------------------------------------------------------------- */
/* Create DIR/record.jsonl (must not exist) with its "run" line; the writer stays open. */
int record_create(const char *dir, const struct rec_run *hdr);
int record_append_start(const char *name);
int record_append_result(const struct rec_result *r);
int record_append_extra(const char *key, const char *json);
int record_append_end(int finished, const char *ended_by);
void record_close(void);
/* durable.c: 1 when writes to fd must be fsync'ed to outlive a crash (not: uncached 9p) */
int record_fsync_needed(int fd);
int record_fsync_needed_in(FILE *mountinfo, unsigned int major, unsigned int minor);
/* Append one line (as written by a record_append_* call) to DIR's record; for the runner. */
int record_append_line_to(const char *dir, const char *line);
/* Read DIR/record.jsonl. A torn last line (a guest died mid-write) is ignored. 0 or -errno. */
int record_load(const char *dir, struct rec_run *run, char *err, size_t errlen);
void record_free(struct rec_run *run);
/* In-memory building, for the live harness and for merge. */
int record_add_result(struct rec_run *run, const struct rec_result *r);	/* deep copy */
int record_set_extra(struct rec_run *run, const char *key, const char *json);
int record_count(const struct rec_run *run, int verdict);
long long record_faults(const struct rec_run *run);
/* 1 when this verdict fails the run (FAIL; SILENT-SKIP when strict; KNOWN-FAIL under fail) */
int record_fails(const struct rec_run *run, int verdict);
/*
 * How every rendering tells a run that did not finish (ended unfinished, or no end line: the
 * harness or its guest stopped; a live run's renderings are also written this way, so they are
 * true if it stops before the next one). record_ended_by: "" when finished, else why.
 * record_interrupted: 1 and *out = the test that was running, as ERROR (interrupted), when
 * there is one; out's strings are borrowed from run (or static), not to be freed.
 */
const char *record_ended_by(const struct rec_run *run);
int record_interrupted(const struct rec_run *run, struct rec_result *out);
/* The first time_limit line of NAME, NULL when the time limit never stopped it. */
const struct rec_limit *record_limit_of(const struct rec_run *run, const char *name);

/* --- text.c: one sanitizer for every writer --------------------------------------------- */
/* Invalid UTF-8 and control bytes (but \n and \t) become U+FFFD/escapes; always valid. */
void text_json(FILE *f, const char *s);		/* a JSON string, with its quotes */
void text_xml(FILE *f, const char *s);		/* XML character data or attribute text */
void text_line(FILE *f, const char *s);		/* one TAP/KTAP line: \n and # made safe */
/* Diagnostic lines: each line of s as PREFIX LINE \n ('#' kept), controls made safe. */
void text_diag(FILE *f, const char *prefix, const char *s);
/* A file name of [A-Za-z0-9_.-] only, injective for test names (docs/protocol.md). */
void text_safe_name(const char *name, char *out, size_t len);

/* --- render_*.c: one rendering each, from the record alone ----------------------------- */
int render_tap(FILE *f, const struct rec_run *run);
int render_ktap(FILE *f, const struct rec_run *run);
int render_junit(FILE *f, const struct rec_run *run);
int render_summary(FILE *f, const struct rec_run *run);
/* summary.json's "targets" and "blind_spots" members (render_targets.c) */
void render_targets(FILE *f, const struct rec_run *run);
int render_kcidb(FILE *f, const struct rec_run *run);
/* Every rendering into DIR, each atomically (temporary file, fsync, rename). 0 or -errno. */
int render_all(const char *dir, const struct rec_run *run);
/* The same while a run goes on: renamed whole, not fsync'ed (the record is the truth). */
int render_all_interim(const char *dir, const struct rec_run *run);

/* --- merge.c, compare.c: `splitfail merge` and `splitfail compare` (argv[0] is the verb) - */
int merge_main(int argc, char **argv);
int compare_main(int argc, char **argv);

#endif /* SPLITFAIL_RECORD_H */
