/* SPDX-License-Identifier: GPL-2.0 */
/*
 * splitfail.h - shared types and functions of the splitfail harness.
 *
 * The harness runs THP workloads as child processes, arms fault injection around them,
 * probes the system before and after, judges a verdict and writes results. Each .c file
 * of harness/ owns one of these jobs; this header is the contract between them.
 */
#ifndef SPLITFAIL_H
#define SPLITFAIL_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* Every snprintf in the harness bounds on purpose: a truncated path or note is acceptable. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

#define SF_EXIT_OK		0
#define SF_EXIT_BUG		1
#define SF_EXIT_USAGE		2
#define SF_EXIT_HARNESS		3
#define SF_EXIT_UNTESTED	4	/* nothing was tested: every run SKIP, or no injection */
#define SF_EXIT_DAMAGED		5	/* a FAIL left the system unusable: run the rest afresh */

#define SF_PATH_MAX		4096
#define SF_NAME_MAX		256
#define SF_EVIDENCE_MAX		4096
#define SF_MAX_ATTRS		16
#define SF_BATCH_MAX		32	/* fail-nth steps one workload process runs in a batch */
#define SF_MAX_TARGETS		32
#define SF_MAX_KNOBS		32

enum strategy { STRAT_OFF, STRAT_RANDOM, STRAT_SWEEP, STRAT_TARGETED, STRAT_COUNT };
/* V_KNOWN_FAIL: a FAIL that configs/known-issues.ini explains (known.c) */
enum verdict { V_PASS, V_FAIL, V_SILENT_SKIP, V_SKIP, V_ERROR, V_KNOWN_FAIL, V_COUNT };

/* Fault-attribute parameters; -1 means "leave the kernel's value alone". */
struct fault_params {
	long long probability;
	long long interval;
	long long times;
	long long space;
	long long verbose;
	long long min_order;
	long long ignore_gfp_wait;	/* 0 = N, 1 = Y */
	long long ignore_gfp_highmem;
	long long sweep_times;		/* times bound under fail-nth, for counting */
};

struct leak_params {
	int settle_ms;
	long long pgtable_pages;	/* tolerance, pages */
	long long anon_thps;		/* tolerance, THPs */
	long long anon_pages;		/* tolerance, pages (noisy: judged on growth) */
	int growth_runs;		/* consecutive excess runs that make a leak */
	char mode[8];			/* auto | exact | busy (leak_mode.c) */
	long long exact_pgtable_pages;	/* exact-mode tolerances (quiet guest, drained) */
	long long exact_anon_thps;
	long long exact_anon_pages;
	int trend_runs;			/* runs of a case the growth trend needs, 0 = off */
	int page_owner;			/* read page_owner when a counter is off */
};

/* One `path = value` line of a profile's [knobs] section (path under /proc/sys or /sys). */
struct knob_setting {
	char path[256];
	char value[256];
	char where[SF_PATH_MAX + 16];	/* "file:line", for errors */
};

/* [pressure]: background load and a memory cgroup around every workload run. */
struct pressure_params {
	char stress_ng[512];		/* stress-ng arguments, "" = none */
	int stress_seconds;		/* --timeout given to stress-ng when ARGS have none */
	long long memcg_max;		/* bytes for memory.max, 0 = no cgroup */
	long long memcg_high;		/* bytes for memory.high, 0 = left at max */
	long long memcg_fill;		/* memory.current the filler tops up to, 0 = none */
};

struct options {
	char root[SF_PATH_MAX];		/* "" = the real machine */
	char profile_path[SF_PATH_MAX];
	char profile_name[SF_NAME_MAX];
	char only[1024];
	char cases[1024];		/* --case: comma list of test-case names */
	char workload_dir[SF_PATH_MAX];
	char out_dir[SF_PATH_MAX];
	char results_dir[SF_PATH_MAX];	/* --results: parent of the default out_dir */
	char state_dir[SF_PATH_MAX];
	char attrs[512];		/* comma list or "all" */
	char targets[1024];		/* --target: comma list of kernel functions */
	int strategies[STRAT_COUNT];
	int targeted_sweep;		/* targeted runs use sweep instead of random */
	unsigned long long seed;
	int repeat;
	int timeout_s;
	int shard_i, shard_n;
	int sweep_cap;
	int targeted_cap;		/* cap of a targeted sweep, 0 = sweep_cap */
	int fork_server;		/* [run] fork_server: a child per run, not an exec */
	int budget_s;			/* no case starts after this many seconds, 0 = none */
	int nth;			/* --nth N: run one fail-nth value only */
	int nth_last;			/* @nth=A-B: the batch A..B in one process, 0 = none */
	int batch;			/* [run] batch: sweep steps per workload process */
	int max_cases;			/* injection runs on the first N cases per workload */
	int strict;
	int known_fail;			/* [run] known_issues = fail: KNOWN-FAIL fails the run */
	char known_file[SF_PATH_MAX];	/* [run] known_issues_file, "" = configs/known-issues.ini */
	int list;
	int progress;
	char print[64];			/* --print SECTION.KEY */
	long long vm_memory;		/* [vm] memory: guest RAM per node (run.sh) */
	int vm_timeout;			/* [vm] timeout: whole guest, seconds (run.sh) */
	char vm_accel[8];		/* [vm] accel: auto, kvm or tcg (run.sh) */
	struct fault_params fp;
	struct leak_params lp;
	int kmemleak;			/* [leak] kmemleak = yes */
	int kmemleak_age_ms;		/* [leak] kmemleak_age_ms: wait after a run before the scan */
	struct knob_setting knobs[SF_MAX_KNOBS];
	int n_knobs;
	struct pressure_params pp;
	/* the run's context when run.sh runs the harness in a guest (docs/runner.md) */
	char kernel_path[SF_PATH_MAX];	/* --kernel-path: the bzImage the guest booted */
	char kernel_key[128];		/* --kernel-key: its build-cache key or sha256:HEX */
	char reproduce_via[SF_PATH_MAX];	/* --reproduce-via: "run.sh --kernel K --profile P" */
	char continue_from[SF_PATH_MAX];	/* --continue-from: skip what that record decided */
	char **wrap_argv;		/* --wrap CMD ARGS..., NULL-terminated; NULL = workloads */
	int wrap_argc;
};

struct wl_case;

/* selection.c: --case items, with the @strategy and #repetition suffixes of result names */
int selection_parse(struct options *o, char *err, size_t len);
int selection_has(const char *list, const struct wl_case *c);
int selection_check(const char *list, const struct wl_case *cases, int n, char *err,
		    size_t len);
/* shard.c: --shard i/n (0-based) or KofN (1-based), and the cases a run takes */
int shard_parse(const char *val, int *i, int *n, char *err, size_t len);
int shard_pick(const struct options *o, const struct wl_case *cases, int n, int *pick);

/* util.c */
void sf_path(char *out, size_t len, const char *root, const char *path);
ssize_t sf_read_file(const char *path, char *buf, size_t len);
int sf_cmdline_has(const char *root, const char *word);
int sf_write_file(const char *path, const char *data, size_t len);
int sf_read_ll(const char *path, long long *v);
int sf_mkdir_p(const char *path);
void sf_top_dir(char *out, size_t len);
int sf_list_has(const char *list, const char *name);
void sf_sleep_ms(int ms);
double sf_now(void);
/* Room for element n of the array *arr (cap elements of size bytes; doubled, first at first):
 * 0 or -ENOMEM. arr is the address of the array pointer. */
int sf_grow(void *arr, int n, int *cap, size_t size, int first);
void sf_appendf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int sf_ini_line(char *line, char **key, char **val);

/* pressure.c: [pressure] stress-ng in the background and a memory cgroup for workloads */
int pressure_start(const struct options *o, const char *root, const char *out_dir, FILE *json);
int pressure_before_run(char *note, size_t len);
void pressure_after_run(char *note, size_t len);
int pressure_child_enter(void);
int pressure_check(const struct pressure_params *pp, char *err, size_t len);

/* memcg_fill.c: the filler that keeps the workloads' memory cgroup near its limit */
struct memcg_fill {
	pid_t pid;			/* 0 = not running */
	int sock;			/* top-up requests and answers */
	long long target;		/* memory.current it fills the cgroup to */
};
int memcg_fill_start(struct memcg_fill *f, const char *root, const char *cgroup,
		     long long target, long long limit);
int memcg_fill_wait(struct memcg_fill *f);
int memcg_fill_topup(struct memcg_fill *f);
void memcg_fill_status(struct memcg_fill *f, char *out, size_t len);

/* fault.c */
struct fault_attr_dir {
	char name[64];
	char path[SF_PATH_MAX];
	int selected;
};
struct fault_env {
	int available;			/* failslab or fail_page_alloc found */
	int have_nth;			/* /proc/self/fail-nth */
	int have_stack_filter;
	int mounted_debugfs;
	int n_attrs;
	struct fault_attr_dir attr[SF_MAX_ATTRS];
	char reason[256];		/* why injection is unavailable */
};
int fault_discover(const char *root, const char *attrs, struct fault_env *fe);
int fault_configure(struct fault_env *fe, int strategy, const struct fault_params *fp,
		    unsigned long start, unsigned long end);
int fault_times_read(struct fault_env *fe, long long *times);
long long fault_times_consumed(struct fault_env *fe, const long long *before);

/* kallsyms.c */
int kallsyms_lookup(const char *path, const char *name, unsigned long *start,
		    unsigned long *end, char *err, size_t errlen);

/* probes.c */
struct vmstat {
	int n;
	char name[256][48];
	long long val[256];
};
int vmstat_read(const char *root, struct vmstat *vs);
long long vmstat_get(const struct vmstat *vs, const char *name);
int vmstat_is_tracked(const char *name);
long long taint_read(const char *root);
int smaps_rollup_sample(const char *root, pid_t pid, char *out, size_t len);
int meminfo_line(const char *root, const char *key, long long *kb);

/* kmsg.c */
int kmsg_open(const char *root);
int kmsg_collect(char *all, size_t all_len, char *hits, size_t hits_len);
const char *kmsg_stall_notes(void);
void kmsg_close(void);

/* workloads.c: enumerate workloads and their test cases */
struct wl_case {
	char workload[SF_NAME_MAX];
	char path[SF_PATH_MAX];
	char name[SF_NAME_MAX];		/* FIXTURE.VARIANT.TEST */
	int index_in_workload;
	char **argv;			/* a wrapped command (wrap.c), NULL for a workload */
};
/* 0, -EINVAL for a --only name that is no workload (a usage error), other -errno */
int workloads_list(const char *dir, const char *only, struct wl_case **cases, int *n,
		   char *err, size_t errlen);
int workload_parse_listing(const char *text, const char *workload, const char *path,
			   struct wl_case **cases, int *n);
int workload_answer(const struct wl_case *c, const char *opt, char lines[][SF_NAME_MAX]);

/* needs.c: the knobs a workload may write, journalled before each run and put back after */
int needs_before_run(const struct wl_case *c, const char *root, char *err, size_t len);
int needs_after_run(char *note, size_t len);

/* wrap.c: --wrap CMD, any program as one test case with injection armed for all of it */
int wrap_split_argv(int argc, char **argv, struct options *o);
int wrap_case(const struct options *o, struct wl_case **cases, int *n);
const char *wrap_comm(const struct wl_case *c);
void wrap_quote_argv(char *const *argv, char *out, size_t len);
void wrap_child_prepare(const char *inject);
int wrap_arm(pid_t pid, const char *inject, const char *root, char *err, size_t len,
	     char *note, size_t note_len);
void wrap_log_tail(const char *log_path, char *out, size_t len);

/* wrap_entry.c: stop an exec-stopped tracee at its entry point, past the dynamic loader */
unsigned long wrap_entry_address(pid_t pid);
int wrap_wait_stop(pid_t pid, int *status);
int wrap_run_to_entry(pid_t pid, char *err, size_t len);

/* wrap_trace.c: the wrapped program stays traced; disarmed at its exit stop */
int wrap_trace_exit(pid_t pid);
int wrap_trace_stop(pid_t pid, int status, const char *root);

/* wrap_signal.c: a wrapped program's signal under injection: its reaction, or a finding */
int wrap_signal_is_reaction(int sig, long long faults, const char *segv_line, char *why,
			    size_t len);
void wrap_segv_line(const char *kmsg, int pid, char *out, size_t len);

/* runner.c: run one test case of a workload */
struct window_obs {
	int windows;
	int consumed;			/* windows with consumed=1 */
	int unknown;			/* consumed=? */
	int last_ret;
	char last_errno[32];
	char ops[128];
};
/* One step of a batch (SPLITFAIL_INJECT=nth:<A>-<B>): what its own lines said. */
struct step_obs {
	int nth;
	double t, t_op_first;		/* its step line, its first window armed (0: none) */
	struct window_obs win;
	int silent_skips;
	int fail_lines;			/* check FAIL or kselftest failure lines during it */
};
struct run_obs {
	int exited, exit_code, signaled, sig, timed_out, exec_failed;
	double seconds;
	struct window_obs win;
	int steps;			/* "# splitfail: step" lines: the steps of a batch */
	int steps_stopped;		/* the harness stopped the batch before a step */
	struct step_obs step[SF_BATCH_MAX];
	int silent_skips;
	long long silent_pages;
	char silent_detail[512];
	char skip_reason[256];
	char fail_lines[1024];
	char hang[SF_EVIDENCE_MAX];
	char smaps[512];
	char rate[256];
	char arm_error[256];		/* a wrapped program could not be armed */
	char arm_note[128];		/* where a wrapped program was armed */
	int pid;			/* the program's pid (its kernel-log lines name it) */
	/* the time split (CLOCK_MONOTONIC seconds; 0 = not seen): timing.c */
	double t_fork, t_exit;		/* the harness forked it, saw it end */
	double t_started;		/* its main() began ("# splitfail: started t=") */
	double t_op_first, t_op_last;	/* first window armed, last window disarmed */
	double op_s;			/* time inside windows (the operations) */
};
/*
 * A batch's step hook: called with each step's nth when its "# splitfail: step" line arrives,
 * before the workload may go on (it waits for the harness on SPLITFAIL_STEP_FD). 1: the step
 * runs; 0: the batch stops before it (the budget is spent), and the step is no step of it.
 */
struct step_hook {
	int (*fn)(void *ctx, int nth);
	void *ctx;
};
int run_case(const struct wl_case *c, const char *inject, unsigned long long seed, int timeout_s,
	     const char *root, const char *log_path, volatile int *stop, struct run_obs *ro,
	     const struct step_hook *hook);
void run_parse_line(const char *line, struct run_obs *ro);

/* fork_server.c: a workload forks a child per run instead of an exec per run */
void fsrv_enable(int on);
int fsrv_prepare(const struct wl_case *c);
int fsrv_start_run(const struct wl_case *c, const char *inject, unsigned long long seed,
		   int out_fd, int step_fd, pid_t *pid);
int fsrv_reap(pid_t pid, int *status, int ms);
void fsrv_stop(void);
const char *fsrv_note(void);
pid_t fsrv_pid(void);

/* timing.c: one row per run in <results>/timing.tsv (make bench-guest) */
struct run_stamps {			/* CLOCK_MONOTONIC seconds in run_one() */
	double begin;			/* the run began (before any probe) */
	double leak;			/* the leak check ended (drain, settle, compare) */
	double kmsg;			/* the kernel log was read */
	double judged;			/* the verdict was decided (root fs, known issues ...) */
	double recorded;		/* the result was written */
};
void timing_row_share(const char *out_dir, const char *name, const struct run_obs *ro,
		      const struct run_stamps *st, int n);
void timing_row(const char *out_dir, const char *name, const struct run_obs *ro,
		const struct run_stamps *st);
void timing_close(void);

/* leak_mode.c: exact counters in a quiet guest, busy-host tolerances elsewhere */
enum leak_mode { LEAK_BUSY, LEAK_EXACT };
struct leak_snap {
	struct vmstat vs;		/* /proc/vmstat after the drain */
	int mode;			/* enum leak_mode */
	long long self_pte_kb;		/* the harness's own VmPTE and RssAnon, -1 = unknown */
	long long self_anon_kb;
	long long last_pid;		/* last pid of /proc/loadavg before the reading, -1 = unknown */
	double taken;			/* sf_now() of the reading */
	int kept;			/* a baseline: the previous run's settled reading (leak_base.c) */
};
int leak_mode_of(const char *root, const struct leak_params *lp, int pressure, char *why,
		 size_t len);
void leak_drain(const char *root, int mode);
void leak_self(const char *root, long long *pte_kb, long long *anon_kb);
long long leak_last_pid(const char *root);
void leak_lru_drain(const char *root);

/* leak_base.c: a run's baseline, the previous run's settled reading while it still holds */
#define LEAK_BASE_MAX_AGE_S	2.0	/* older settled readings are not reused */
void leak_base_keep(const struct leak_snap *settled);
void leak_base_forget(void);
int leak_before(const char *root, int mode, struct leak_snap *snap);

/* leak.c: one run's residuals against its own baseline */
#define LEAK_COUNTERS	3		/* nr_page_table_pages, nr_anon_transparent_hugepages,
					 * nr_anon_pages */
struct leak_state {
	long long excess_anon[8];
	int n_excess;			/* consecutive runs with nr_anon_pages excess */
	int n_quiet_excess;		/* same for page tables / THPs on a busy system */
};
struct leak_resid {
	long long r[LEAK_COUNTERS];	/* settled minus baseline, the harness's own share out */
	int waited_ms;
	int off;			/* a counter did not come back exactly (page_owner worth it) */
};
extern const char *const leak_counter_names[LEAK_COUNTERS];
int leak_check(const char *root, const struct leak_snap *before, const struct leak_params *lp,
	       struct leak_state *ls, struct leak_snap *after, struct leak_resid *res, char *ev,
	       size_t evlen);
/*
 * Exact mode's early look (leak_judge.c): once a residual has stood still for a few polls of
 * the settle loop, kernel_only() is asked once whether what is left is none of the workload's
 * (page_owner); 1 ends the wait, which could not change the verdict. NULL: none.
 */
struct leak_early {
	int (*kernel_only)(void *ctx);
	void *ctx;
};
void leak_set_early(const struct leak_early *e);

/* leak_trend.c: per key (workload, or workload:case) state, and the growth trend */
#define LEAK_TREND_MAX	256
struct leak_trend {
	int n;				/* runs in the window */
	long long first_pid;		/* the first run's workload pid, for page_owner */
	long long r[LEAK_COUNTERS][LEAK_TREND_MAX];
};
struct leak_entry {
	char key[SF_NAME_MAX * 2];
	struct leak_state st;
	struct leak_trend tr;
};
struct leak_table {
	struct leak_entry **e;		/* one allocation each: a pointer stays valid as it grows */
	int n, cap;
};
struct leak_entry *leak_table_get(struct leak_table *t, const char *key);
void leak_table_free(struct leak_table *t);
double leak_slope(const long long *r, int n);
int leak_trend_add(struct leak_trend *tr, const struct leak_resid *res, int mode, int min_runs,
		   char *ev, size_t evlen);

/* page_owner.c: pages the workload's pids allocated and still hold, grouped by stack */
struct po_group {
	char stack[512];		/* "fn <- caller <- ...", allocator frames left out */
	char kind[12];			/* page-table, anon, slab, file, kernel-pt, other */
	long long pages, records;
};
struct po_report {
	struct po_group g[32];
	int n;
	long long records, matched, other_pages;
	long long live_pages;		/* pages of the range's tasks still alive: left out */
};
/* The pids a scan attributes pages to: [lo, hi] less the tasks still alive when it reads. */
struct po_pids {
	long long lo, hi;
	long long *live;		/* sorted; page_owner_live() fills, page_owner_pids_free() */
	int n_live;
	char live_desc[160];		/* "427 sleep, 431 bash" for the evidence */
};
void page_owner_live(const char *root, struct po_pids *p);
void page_owner_pids_free(struct po_pids *p);
int page_owner_pid_live(const struct po_pids *p, long long pid);
int page_owner_parse(FILE *f, const struct po_pids *pids, struct po_report *rep);
void page_owner_format(const struct po_report *rep, int top, char *out, size_t len);
long long page_owner_user_pages(const struct po_report *rep);
int page_owner_scan(const char *root, long long pid_lo, long long pid_hi, char *ev, size_t len,
		    double *seconds, long long *user_pages);

/* leak_attrib.c: a busy-mode residual is a leak only when page_owner ties it to the workload */
void leak_unattribute(char *ev, size_t evlen);
int leak_busy_owned(int po, long long user_pages, int page_owner_on, const char *whose,
		    char *ev, size_t evlen);

/* leak_judge.c: the leak verdict of one run: counters, trend, page_owner */
struct leak_run_in {
	const char *root;
	const struct leak_params *lp;
	const struct leak_snap *before;
	const char *workload, *case_key;
	long long pid_lo;		/* the workload's pid: its children follow */
	const char *tsv;		/* residual log, "" = none */
	const char *name;		/* the result's name, for the log */
};
int leak_judge(const struct leak_run_in *in, struct leak_table *t, struct vmstat *settled,
	       char *ev, size_t evlen);

/* kmemleak.c */
int kmemleak_setup(const char *root, char *note, size_t len);
const char *kmemleak_next_object(const char *p, size_t *len);
int kmemleak_object_comm_is(const char *obj, size_t len, const char *comm);
int kmemleak_parse(const char *report, const char *comm, char *ev, size_t len, int *others);
ssize_t kmemleak_scan(double ended, int age_ms, const char **report);
void kmemleak_save(const char *path, const char *report, size_t n);
int kmemleak_available(void);

/* verdict.c */
struct judge_in {
	struct run_obs ro;
	int injecting;			/* a fault mode was armed */
	long long faults_injected;
	int leak;			/* leak_check() result: 1 = leak */
	char leak_ev[2048];
	char kmsg_hits[2048];
	long long taint_before, taint_after;
	char harness_error[256];
	int wrapped;			/* a --wrap program: any exit status is its own */
	char tail[768];			/* its last output lines, for the evidence */
	char segv_line[256];		/* the kernel's "segfault at" line for it, if any */
};
int judge(const struct judge_in *in, char *evidence, size_t len);
const char *verdict_name(int v);

/* One verdict as the harness builds it; record/live.c records it (struct rec_result). */
struct result {
	char name[SF_NAME_MAX * 2];
	char workload[SF_NAME_MAX];
	char case_name[SF_NAME_MAX];
	int verdict;
	char strategy[16];
	int nth;			/* fail-nth step, 0 = none */
	char target[SF_NAME_MAX];	/* stack-filter function, "" = none */
	int rep;			/* repetition, 0-based */
	long long faults_injected;
	int consumed;
	char window[256];
	char evidence[SF_EVIDENCE_MAX];
	char reproduce[1024];
	char vmstat_delta[2048];	/* JSON object text */
	double seconds;
	char start_time[32];		/* UTC, ISO 8601 with Z */
	char log[SF_NAME_MAX * 2 + 16];	/* relative to the results folder, "" = none */
	char known[64];			/* KNOWN-FAIL: the known issue's id */
};

/* known.c: known upstream bugs; a FAIL they explain is KNOWN-FAIL (docs/protocol.md) */
struct known_issue;
int known_load(const char *path, char *err, size_t errlen);
void known_free(void);
int known_count(void);
int known_release_cmp(const char *a, const char *b, int *ok);
const struct known_issue *known_match(const char *name, const char *release, const char *text);
const char *known_id(const struct known_issue *k);
void known_note(const struct known_issue *k, char *out, size_t len);
int known_apply(struct result *r, const char *release, const char *kmsg);
int known_setup(const struct options *o, char *err, size_t errlen);

/* known_cli.c: `splitfail --known-match ...`, the runner's way to ask known.c */
int known_match_main(int argc, char **argv);

/* order.c: the run order of the test cases (split operations first) */
void cases_order(struct wl_case *cases, int n);

/* strategy.c */
struct suite {
	struct options *o;
	struct fault_env *fe;
	const char *root;
	char release[256];		/* kernel release, for known issues */
	volatile int *stop;
	char self[SF_PATH_MAX];		/* path of this binary, for reproduce lines */
	char log_dir[SF_PATH_MAX];
	struct leak_table leak;		/* leak state per workload and per case */
	int leak_mode;			/* enum leak_mode, decided at the first run */
	char leak_why[256];
	int total, done;
	int damaged;			/* a run left the root filesystem unusable: stop */
	double budget_end;		/* [run] budget: no strategy starts after it (0: none) */
	int cut_short;			/* a case's strategies were cut by the budget */
	int last_verdict;		/* of the last run of its own (strategy_batch.c) */
	char no_kmsg[SF_PATH_MAX + 64];	/* why the kernel log cannot be read: runs ERROR */
	char stop_why[SF_PATH_MAX + 512];	/* "error: <what> (<file>)" when an error stopped it */
};
int suite_run_case(struct suite *s, const struct wl_case *c, int case_rank, int rep);
/* The kmemleak results of the cases whose group was not scanned yet (end of the run). */
int suite_kmemleak_flush(struct suite *s);

/* budget.c: [run] budget, the run's time slot; what it did not reach goes to summary.json */
void budget_start(struct suite *s, int seconds);
int budget_spent(struct suite *s, const struct wl_case *c, int rep);
void budget_case_done(struct suite *s, const struct wl_case *c);
int budget_report(void);

/* reproduce.c: the command line that gives a result's verdict again */
struct repro_run {
	int strategy;
	int nth;			/* fail-nth value, 0 = none */
	const char *target;		/* stack filter function, or NULL */
};
void make_reproduce(const struct suite *s, const struct wl_case *c, const char *name,
		    const struct repro_run *r, char *out, size_t len);

/* kmemleak_batch.c: one kmemleak scan per group of cases, each object tied to its run by pid */
struct km_case {			/* a case whose runs ended, waiting for the group's scan */
	char label[SF_NAME_MAX * 2];	/* W:C[#N]: the result is <label>@kmemleak */
	char comm[64];			/* its workload's task name */
	char report_path[SF_PATH_MAX * 2];	/* where its copy of the report goes */
	char log[SF_NAME_MAX * 2 + 16];	/* the same, relative to the results folder */
	char workload[SF_NAME_MAX], case_name[SF_NAME_MAX];
	int rep;
	int first, n;			/* its runs in the group */
};
typedef int (*kmemleak_record_fn)(void *ctx, const struct km_case *kc, struct result *res);
void kmemleak_batch_note(const char *name, const char *reproduce, int pid, double ended);
int kmemleak_batch_full(void);
int kmemleak_owner_run(const int *pids, int n, int pid);
void kmemleak_batch_case_end(const struct km_case *id);
int kmemleak_batch_due(void);
/* One scan for the group's cases; record gets each case's result (its return stops it). */
int kmemleak_batch_flush(int age_ms, kmemleak_record_fn record, void *ctx);

#include "control/control.h"	/* tunables, profiles, command line, knobs journal */

#endif /* SPLITFAIL_H */
