// SPDX-License-Identifier: GPL-2.0
/*
 * live.c - the running harness's side of the run record (live.h): each start, result and
 * extra goes to record.jsonl at once (one fsync'ed line) and into the run kept in memory; the
 * renderings (render_all) are rewritten from memory at most every RECORD_RENDER_INTERVAL_S
 * seconds (longer when they take long: render()) and once at the end, so writing results
 * costs the same per result at 10 or 10,000 results. A rendering made while the run goes on says it has not ended (no end line yet) and
 * holds what was decided; the test running then is in the record's start line, and becomes an
 * ERROR result only when the run ends without it (live_end). kmsg.txt (the kernel log, by
 * test) is appended as before.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "live.h"

static struct {
	char dir[SF_PATH_MAX];
	struct rec_run run;
	FILE *kmsg;
	int kmsg_sync;			/* fsync kmsg.txt (record_fsync_needed) */
	double rendered;		/* sf_now() of the last rendering's end */
	double render_s;		/* the time it took */
	struct result started;		/* the test running, name "" = none */
	char error[SF_PATH_MAX + 128];
} lv;

static int fail(int ret, const char *file)
{
	snprintf(lv.error, sizeof(lv.error), "%s (%s/%s)", strerror(-ret), lv.dir, file);
	return ret;
}

/*
 * The renderings again, when forced or when the last ones are RECORD_RENDER_INTERVAL_S old,
 * or RECORD_RENDER_SHARE times the time they took, whichever is longer: a rendering's cost
 * grows with the results (858 results took 1-2 s in a TCG guest), and rendering every 5 s
 * would take a growing share of the run (a 4 s thp_numa_balance run paid for one after
 * nearly every result); this way renderings take at most 1/RECORD_RENDER_SHARE of it.
 */
static int render(int force)
{
	double wait = RECORD_RENDER_SHARE * lv.render_s, t0;
	int ret;

	if (wait < RECORD_RENDER_INTERVAL_S)
		wait = RECORD_RENDER_INTERVAL_S;
	if (!force && sf_now() - lv.rendered < wait)
		return 0;
	t0 = sf_now();
	ret = force ? render_all(lv.dir, &lv.run) : render_all_interim(lv.dir, &lv.run);
	lv.rendered = sf_now();
	lv.render_s = lv.rendered - t0;
	if (ret)
		snprintf(lv.error, sizeof(lv.error), "%s (the renderings in %s)", strerror(-ret),
			 lv.dir);
	return ret;
}

int live_open(const char *dir, const struct rec_run *hdr)
{
	char p[SF_PATH_MAX + 16];
	int ret;

	memset(&lv, 0, sizeof(lv));
	snprintf(lv.dir, sizeof(lv.dir), "%s", dir);
	snprintf(p, sizeof(p), "%s/logs", dir);
	if (sf_mkdir_p(p))
		return fail(-errno, "logs");
	snprintf(p, sizeof(p), "%s/kmsg.txt", dir);
	lv.kmsg = fopen(p, "we");
	if (!lv.kmsg)
		return fail(-errno, "kmsg.txt");
	lv.kmsg_sync = record_fsync_needed(fileno(lv.kmsg));
	ret = record_create(dir, hdr);
	if (ret)
		return fail(ret, RECORD_FILE);
	/* the run in memory: the header as the record has it, "" for what hdr leaves out */
	ret = record_load(dir, &lv.run, lv.error, sizeof(lv.error));
	if (ret)
		return ret;
	return render(1);
}

/* r as a record result: the strings point into r (the record copies them). */
static void to_record(const struct result *r, struct rec_result *out, const char *guest)
{
	memset(out, 0, sizeof(*out));
	out->name = (char *)r->name;
	out->workload = (char *)r->workload;
	out->case_name = (char *)r->case_name;
	out->verdict = r->verdict;
	snprintf(out->strategy, sizeof(out->strategy), "%s", r->strategy);
	out->nth = r->nth;
	out->target = (char *)r->target;
	out->rep = r->rep;
	out->boot = 1;
	out->faults_injected = r->faults_injected;
	out->consumed = r->consumed;
	out->seconds = r->seconds;
	snprintf(out->start_time, sizeof(out->start_time), "%s", r->start_time);
	out->window = (char *)r->window;
	out->evidence = (char *)r->evidence;
	out->reproduce = (char *)r->reproduce;
	out->known = (char *)r->known;
	out->log = (char *)r->log;
	out->vmstat_delta = (char *)(r->vmstat_delta[0] ? r->vmstat_delta : "{}");
	out->guest = (char *)guest;
}

int live_start(const struct result *r)
{
	int ret = record_append_start(r->name);

	if (ret)
		return fail(ret, RECORD_FILE);
	lv.started = *r;	/* not the run's "running": it is no ERROR while it runs */
	return render(0);
}

static int add(const struct result *r, const char *guest)
{
	struct rec_result rr;
	int ret;

	to_record(r, &rr, guest);
	ret = record_append_result(&rr);
	if (!ret)
		ret = record_add_result(&lv.run, &rr);
	if (ret)
		return fail(ret, RECORD_FILE);
	if (!strcmp(lv.started.name, r->name))
		lv.started.name[0] = '\0';
	return 0;
}

int live_result(const struct result *r)
{
	int ret = add(r, "");

	return ret ? ret : render(0);
}

int live_extra(const char *key, const char *json)
{
	int ret = record_append_extra(key, json);

	if (!ret)
		ret = record_set_extra(&lv.run, key, json);
	if (ret)
		return fail(ret, RECORD_FILE);
	return render(0);
}

int live_kmsg(const char *name, const char *text)
{
	if (!text[0])
		return 0;
	fprintf(lv.kmsg, "=== during %s ===\n%s", name, text);
	if (fflush(lv.kmsg) || (lv.kmsg_sync && fsync(fileno(lv.kmsg))))
		return fail(-errno, "kmsg.txt");
	return 0;
}

int live_end(int finished, const char *ended_by)
{
	int ret = 0, r;

	if (!finished && lv.started.name[0]) {
		struct result *s = &lv.started;

		s->verdict = V_ERROR;
		snprintf(s->evidence, sizeof(s->evidence),
			 "interrupted by %s: the run ended while this test ran, before its verdict (its log so far: %s)",
			 ended_by, s->log[0] ? s->log : "none");
		ret = add(s, "interrupted");
	}
	r = record_append_end(finished, finished ? "" : ended_by);
	if (r && !ret)
		ret = fail(r, RECORD_FILE);
	if (!r) {
		lv.run.ended = 1;
		lv.run.finished = finished;
		free(lv.run.ended_by);
		lv.run.ended_by = strdup(finished ? "" : ended_by);
	}
	r = render(1);
	return ret ? ret : r;
}

int live_render(void)
{
	return render(1);
}

const struct rec_run *live_run(void)
{
	return &lv.run;
}

const char *live_error(void)
{
	return lv.error;
}

void live_close(void)
{
	record_close();
	if (lv.kmsg)
		fclose(lv.kmsg);
	lv.kmsg = NULL;
	record_free(&lv.run);
}
