// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - the splitfail harness: parse options, take the lock, restore what a killed run
 * left in the journal, find fault injection, enumerate workload test cases, run each
 * under the profile's strategies, write results, and restore every knob on the way out
 * (normal end, SIGINT/SIGTERM/SIGHUP, errors). A FAIL that configs/known-issues.ini
 * explains is KNOWN-FAIL (known.c) and fails the run only under `known_issues = fail`.
 * `splitfail --known-match ...` (known_cli.c) asks the known-issues matcher; `splitfail
 * results ...` (the runner's verbs among them: a guest's death, a fresh guest folded in),
 * `splitfail merge` and `splitfail compare` (record/cli.c) work on results folders. Every
 * result goes to
 * the run record (record/live.c); a run stopped by a signal, an error or a damaged system ends
 * it unfinished, with what ended it. Exit codes: docs/protocol.md.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "splitfail.h"
#include "record/cli.h"
#include "record/live.h"
#include "record/verbs.h"

static volatile int stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void kernel_release(const char *root, char *out, size_t len)
{
	char path[SF_PATH_MAX];
	struct utsname u;

	sf_path(path, sizeof(path), root, "/proc/sys/kernel/osrelease");
	if (root[0] && sf_read_file(path, out, len) > 0) {
		out[strcspn(out, "\n")] = '\0';
		return;
	}
	uname(&u);
	snprintf(out, len, "%s", u.release);
}

/*
 * The results folder, made now that the run really starts (lock taken, options checked):
 * --out as given, else a new <results>/<UTC>-<release>[-N] with <results>/latest moved to it
 * (record/folder.c; --results, default <top>/results).
 */
static int make_out_dir(struct options *o, const char *top, const char *release)
{
	char base[SF_PATH_MAX];
	int ret;

	if (o->out_dir[0])
		return sf_mkdir_p(o->out_dir);
	if (o->results_dir[0])
		snprintf(base, sizeof(base), "%s", o->results_dir);
	else
		snprintf(base, sizeof(base), "%s/results", top);
	ret = results_dir_new(base, release, o->out_dir, sizeof(o->out_dir));
	if (!ret)
		fprintf(stderr, "splitfail: results: %s\n", o->out_dir);
	return ret;
}

/*
 * --out DIR that already holds an earlier run's record: this run gets a record of its own, the
 * earlier one is kept (one generation) as record.jsonl.prev. 0 or -errno.
 */
static int out_dir_reuse(const char *dir)
{
	char path[SF_PATH_MAX + 16], prev[SF_PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/%s", dir, RECORD_FILE);
	snprintf(prev, sizeof(prev), "%s.prev", path);
	if (access(path, F_OK))
		return 0;
	if (rename(path, prev)) {
		fprintf(stderr, "splitfail: cannot write results: %s: %s\n", path, strerror(errno));
		return -errno;
	}
	fprintf(stderr, "splitfail: %s held an earlier run: its record is now %s\n", dir, prev);
	return 0;
}

static void strategies_str(const struct options *o, char *out, size_t len)
{
	out[0] = '\0';
	for (int i = 0; i < STRAT_COUNT; i++)
		if (o->strategies[i])
			sf_appendf(out, len, "%s%s", out[0] ? "," : "", strategy_name(i));
}

/* Check --target names before anything runs: an unknown function is a usage error. */
static int check_targets(const struct options *o)
{
	char path[SF_PATH_MAX], name[SF_NAME_MAX], err[512];
	unsigned long a, b;

	if (!o->targets[0])
		return 0;
	sf_path(path, sizeof(path), o->root, "/proc/kallsyms");
	for (const char *p = o->targets; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(p, ","), p);
		if (kallsyms_lookup(path, name, &a, &b, err, sizeof(err))) {
			fprintf(stderr, "splitfail: --target: %s\n", err);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * --list: the cases a run takes (pick[], from shard_pick), exactly what each pass runs; with
 * --continue-from, only those that may still have a result to decide (continue.c): what a
 * fresh guest after a guest death would run.
 */
static int list_cases(const struct options *o, const struct wl_case *cases, const int *pick,
		      int picked)
{
	char err[SF_PATH_MAX + 128];

	if (continue_load(o->continue_from, err, sizeof(err))) {
		fprintf(stderr, "splitfail: %s\n", err);
		return SF_EXIT_HARNESS;
	}
	for (int i = 0; i < picked; i++)
		if (!o->continue_from[0] || continue_case_left(o, &cases[pick[i]]))
			printf("%s:%s\n", cases[pick[i]].workload, cases[pick[i]].name);
	continue_free();
	return SF_EXIT_OK;
}

/* One member of summary.json, produced by fn into a memory stream. Returns 0 or -errno. */
static int record_condition(const char *key, const struct options *o,
			    int (*fn)(const struct options *o, FILE *json))
{
	char *json = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&json, &len);
	int ret;

	if (!f)
		return -errno;
	ret = fn(o, f);
	fclose(f);
	if (live_extra(key, json) && !ret)
		ret = -EIO;
	free(json);
	return ret;
}

static int knobs_condition(const struct options *o, FILE *json)
{
	return profile_knobs_apply(o, o->root, json);
}

static int pressure_condition(const struct options *o, FILE *json)
{
	return pressure_start(o, o->root, o->out_dir, json);
}

static int kmemleak_condition(const struct options *o, FILE *json)
{
	char note[SF_PATH_MAX + 128];
	int off = kmemleak_setup(o->root, note, sizeof(note));

	fprintf(stderr, "splitfail: %s\n", note);
	fprintf(json, "{\"enabled\": %s, \"note\": ", off ? "false" : "true");
	text_json(json, note);
	fputc('}', json);
	return 0;
}

/*
 * The profile's [knobs], [pressure], kmemleak, recorded as extras (summary.json members).
 * 0, or -errno with why (the part of the profile, or the record's file) filled in.
 */
static int apply_conditions(const struct options *o, char *why, size_t len)
{
	int ret = 0;
	const char *part = "[knobs]";

	if (o->n_knobs)
		ret = record_condition("knobs", o, knobs_condition);
	if (!ret && (o->pp.stress_ng[0] || o->pp.memcg_max)) {
		part = "[pressure]";
		ret = record_condition("pressure", o, pressure_condition);
	}
	if (!ret && o->kmemleak) {
		part = "[leak] kmemleak";
		ret = record_condition("kmemleak", o, kmemleak_condition);
	}
	if (ret && live_error()[0])
		snprintf(why, len, "error: %s", live_error());
	else if (ret)
		snprintf(why, len, "error: %s (%s of %s: see stderr)", strerror(-ret), part,
			 o->profile_path[0] ? o->profile_path : "the profile");
	return ret;
}

/* 1 when a strategy that injects faults was asked for. */
static int injection_asked(const struct options *o)
{
	return o->strategies[STRAT_RANDOM] || o->strategies[STRAT_SWEEP] ||
	       o->strategies[STRAT_TARGETED];
}

/*
 * The exit code when no run failed and none was an ERROR: 0 when something was tested as
 * asked, SF_EXIT_UNTESTED when every run was SKIP (or none ran) or injection was asked on a
 * kernel without it: "good" would be a lie a bisect or CI acts on.
 */
static int untested_or_ok(const struct options *o, const struct fault_env *fe)
{
	const struct rec_run *run = live_run();
	int ran = record_count(run, V_PASS) + record_count(run, V_SILENT_SKIP) +
		  record_count(run, V_KNOWN_FAIL);

	if (!ran) {
		fprintf(stderr, "splitfail: nothing was tested: %s\n",
			record_count(run, V_SKIP) ? "every run was SKIP (reasons in tap.txt)" :
						"no run matched the selection");
		return SF_EXIT_UNTESTED;
	}
	if (injection_asked(o) && !fe->available) {
		fprintf(stderr, "splitfail: not tested as asked: injection runs SKIP: %s\n",
			fe->reason);
		return SF_EXIT_UNTESTED;
	}
	return SF_EXIT_OK;
}

static const char *signal_name(int sig)
{
	static char other[32];

	if (sig == SIGINT)
		return "SIGINT";
	if (sig == SIGTERM)
		return "SIGTERM";
	if (sig == SIGHUP)
		return "SIGHUP";
	snprintf(other, sizeof(other), "signal %d", sig);
	return other;
}

/* The "run" line: the conditions of this run. */
static void run_header(const struct options *o, const char *release, const char *strat,
		       struct rec_run *h, char *started, size_t len)
{
	static struct utsname u;
	static char shard[32];
	time_t now = time(NULL);
	struct tm tm;

	uname(&u);
	strftime(started, len, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	snprintf(shard, sizeof(shard), "%d/%d", o->shard_i, o->shard_n);
	memset(h, 0, sizeof(*h));
	h->format = RECORD_FORMAT;
	h->kernel = (char *)release;
	h->profile = (char *)o->profile_name;
	h->seed = o->seed;
	h->strategies = (char *)strat;
	h->strict = o->strict;
	h->known_fail = o->known_fail;
	h->started = started;
	h->host = u.nodename;
	h->arch = u.machine;
	h->accel = sf_cmdline_has(o->root, "splitfail.accel=tcg") ? "tcg" :
		   sf_cmdline_has(o->root, "splitfail.accel=kvm") ? "kvm" : "";
	h->shard = o->shard_n > 1 ? shard : "";
	h->kernel_path = (char *)o->kernel_path;	/* run.sh's context for a guest */
	h->kernel_key = (char *)o->kernel_key;
	h->reproduce_via = (char *)o->reproduce_via;
}

static int run_suite(struct options *o, struct fault_env *fe, const struct wl_case *cases,
		     const int *pick, int picked, const char *release, const char *no_kmsg)
{
	static struct suite s;
	const struct rec_run *run = live_run();
	struct rec_run hdr;
	char strat[64], started[32], ended_by[sizeof(s.stop_why)];
	int ret = 0, fails, errors, untested, finished;

	memset(&s, 0, sizeof(s));
	s.o = o;
	s.fe = fe;
	s.root = o->root;
	s.stop = &stop_signal;
	snprintf(s.no_kmsg, sizeof(s.no_kmsg), "%s", no_kmsg);
	if (readlink("/proc/self/exe", s.self, sizeof(s.self) - 1) < 0)
		snprintf(s.self, sizeof(s.self), "splitfail");
	snprintf(s.log_dir, sizeof(s.log_dir), "%s/logs", o->out_dir);
	strategies_str(o, strat, sizeof(strat));
	snprintf(s.release, sizeof(s.release), "%s", release);
	run_header(o, release, strat, &hdr, started, sizeof(started));
	if (out_dir_reuse(o->out_dir))
		return SF_EXIT_HARNESS;
	if (live_open(o->out_dir, &hdr)) {
		fprintf(stderr, "splitfail: cannot write results: %s\n", live_error());
		live_close();
		return SF_EXIT_HARNESS;
	}
	if (apply_conditions(o, s.stop_why, sizeof(s.stop_why)))
		ret = -EIO;
	else if (live_render())
		fprintf(stderr, "splitfail: %s\n", live_error());
	if (ret == 0 && !fe->available && injection_asked(o))
		fprintf(stderr, "splitfail: injection runs will be SKIP: %s\n", fe->reason);
	/* every pass runs the same cases: the selection's, of this shard (shard_pick) */
	budget_start(&s, o->budget_s);
	fsrv_enable(o->fork_server);
	for (int rep = 0; rep < o->repeat && !stop_signal && ret >= 0; rep++) {
		for (int k = 0; k < picked && !stop_signal && ret >= 0; k++) {
			const struct wl_case *c = &cases[pick[k]];

			if (budget_spent(&s, c, rep))
				continue;
			/* the case's place in its workload's listing limits its injection runs */
			ret = suite_run_case(&s, c, c->index_in_workload, rep);
			budget_case_done(&s, c);
		}
	}
	if (!stop_signal && ret >= 0)
		ret = suite_kmemleak_flush(&s);	/* the last group of cases */
	if (o->progress && isatty(2))
		fputc('\n', stderr);
	if (budget_report() && ret >= 0)
		ret = -EIO;
	timing_close();
	fsrv_stop();
	finished = !stop_signal && !s.damaged && ret >= 0;
	if (stop_signal)
		snprintf(ended_by, sizeof(ended_by), "%s", signal_name(stop_signal));
	else if (s.damaged)
		snprintf(ended_by, sizeof(ended_by),
			 "damaged: a run left the system unusable (see its FAIL); the cases after it did not run");
	else if (ret < 0 && s.stop_why[0])
		snprintf(ended_by, sizeof(ended_by), "%s", s.stop_why);
	else if (ret < 0)
		snprintf(ended_by, sizeof(ended_by), "error: %s (no file named)", strerror(-ret));
	else
		ended_by[0] = '\0';
	if (live_end(finished, ended_by)) {
		fprintf(stderr, "splitfail: cannot end the record: %s\n", live_error());
		ret = ret < 0 ? ret : -EIO;
	}
	fails = record_count(run, V_FAIL) + (o->strict ? record_count(run, V_SILENT_SKIP) : 0) +
		(o->known_fail ? record_count(run, V_KNOWN_FAIL) : 0);
	fprintf(stderr,
		"splitfail: %d pass, %d fail, %d known-fail, %d silent-skip, %d skip, %d error; faults injected %lld; results in %s\n",
		record_count(run, V_PASS), record_count(run, V_FAIL),
		record_count(run, V_KNOWN_FAIL), record_count(run, V_SILENT_SKIP),
		record_count(run, V_SKIP), record_count(run, V_ERROR), record_faults(run),
		o->out_dir);
	errors = record_count(run, V_ERROR);
	untested = fails || errors || stop_signal || s.damaged || ret < 0 ? 0 :
		   untested_or_ok(o, fe);
	live_close();
	if (stop_signal) {
		fprintf(stderr, "splitfail: interrupted by signal %d (%s); knobs restored\n",
			stop_signal, signal_name(stop_signal));
		return SF_EXIT_HARNESS;
	}
	if (s.damaged) {
		fprintf(stderr, "splitfail: a run left the system unusable (see its FAIL): stopped\n");
		return SF_EXIT_DAMAGED;
	}
	if (ret < 0) {
		fprintf(stderr, "splitfail: stopped on %s\n", ended_by[0] ? ended_by : "error");
		return SF_EXIT_HARNESS;
	}
	if (fails)
		return SF_EXIT_BUG;
	return errors ? SF_EXIT_HARNESS : untested;
}

int main(int argc, char **argv)
{
	static struct options o;
	static struct fault_env fe;
	char top[SF_PATH_MAX], release[256], err[1024], no_kmsg[SF_PATH_MAX + 64] = "";
	struct wl_case *cases = NULL;
	int n = 0, picked, rc, ret;
	int *pick;

	if (argc > 1 && !strcmp(argv[1], "--known-match"))
		return known_match_main(argc, argv);
	if (record_cli(argc, argv, &rc))
		return rc;
	ret = cli_parse(argc, argv, &o);
	if (ret == 1) {
		cli_usage(stdout);
		return SF_EXIT_OK;
	}
	if (ret) {
		fprintf(stderr, "splitfail: see --help\n");
		return SF_EXIT_USAGE;
	}
	if (o.print[0])
		return schema_print(&o, o.print, stdout) ? SF_EXIT_USAGE : SF_EXIT_OK;
	sf_top_dir(top, sizeof(top));
	if (!o.workload_dir[0])
		snprintf(o.workload_dir, sizeof(o.workload_dir), "%s/build/workloads", top);
	if (!o.state_dir[0])
		snprintf(o.state_dir, sizeof(o.state_dir), "%s/run/splitfail", o.root);
	if (check_targets(&o))
		return SF_EXIT_USAGE;
	if (known_setup(&o, err, sizeof(err))) {
		fprintf(stderr, "splitfail: known issues: %s\n", err);
		return SF_EXIT_USAGE;
	}
	if (o.wrap_argv) {
		if (wrap_case(&o, &cases, &n))
			return SF_EXIT_USAGE;
	} else {
		ret = workloads_list(o.workload_dir, o.only, &cases, &n, err, sizeof(err));
		if (!ret && o.cases[0])
			ret = selection_check(o.cases, cases, n, err, sizeof(err));
		if (ret) {
			fprintf(stderr, "splitfail: %s\n", err);
			free(cases);
			return ret == -EINVAL ? SF_EXIT_USAGE : SF_EXIT_HARNESS;
		}
	}
	pick = calloc(n ? n : 1, sizeof(*pick));
	if (!pick) {
		free(cases);
		return SF_EXIT_HARNESS;
	}
	picked = shard_pick(&o, cases, n, pick);
	if (o.list)
		return list_cases(&o, cases, pick, picked);
	if (knobs_init(o.state_dir) || knobs_lock())
		return SF_EXIT_HARNESS;
	install_signals();
	if (knobs_recover() < 0) {
		knobs_unlock();
		return SF_EXIT_HARNESS;
	}
	kernel_release(o.root, release, sizeof(release));
	fault_discover(o.root, o.attrs, &fe);
	if (kmsg_open(o.root)) {
		snprintf(no_kmsg, sizeof(no_kmsg),
			 "no kernel log: %s/dev/kmsg: %s (kernel bugs could not be seen: not run)",
			 o.root, strerror(errno));
		fprintf(stderr, "splitfail: %s; every run is ERROR\n", no_kmsg);
	}
	if (continue_load(o.continue_from, err, sizeof(err))) {
		fprintf(stderr, "splitfail: %s\n", err);
		rc = SF_EXIT_HARNESS;
	} else if (make_out_dir(&o, top, release)) {
		fprintf(stderr, "splitfail: cannot create %s: %s\n", o.out_dir, strerror(errno));
		rc = SF_EXIT_HARNESS;
	} else {
		rc = run_suite(&o, &fe, cases, pick, picked, release, no_kmsg);
	}
	kmsg_close();
	if (knobs_restore()) {
		fprintf(stderr, "splitfail: some knobs could not be restored; see above\n");
		rc = SF_EXIT_HARNESS;
	}
	knobs_unlock();
	known_free();
	continue_free();
	free(pick);
	free(cases);
	return rc;
}
