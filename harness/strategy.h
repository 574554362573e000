/* SPDX-License-Identifier: GPL-2.0 */
/*
 * strategy.h - what strategy.c (one run per result) and strategy_batch.c (a batch of sweep
 * steps in one workload process) share: the run's spec and the steps around every run.
 */
#ifndef SPLITFAIL_STRATEGY_H
#define SPLITFAIL_STRATEGY_H

#include "splitfail.h"

struct run_spec {
	int strategy;
	int nth;			/* fail-nth value, 0 = task mode */
	const char *target;		/* stack filter function, or NULL */
	unsigned long start, end;
};

void strat_vmstat_delta_json(const struct vmstat *a, const struct vmstat *b, char *out,
			     size_t len);
void strat_result_ids(struct result *res, const struct wl_case *c, const struct run_spec *r,
		      int rep);
int strat_record_result(struct suite *s, const struct result *res);
void strat_reproduce(struct suite *s, const struct wl_case *c, const struct run_spec *r,
		     const char *name, char *out, size_t len);
int strat_leak_mode(struct suite *s);
void strat_progress(struct suite *s, const char *name, int verdict);
int strat_root_fs_check(const struct suite *s);
void strat_now_iso(char *out, size_t len);
/* The leak verdict of a run (or batch) named name into in->leak and in->leak_ev (leak_judge). */
void strat_judge_leak(struct suite *s, const struct wl_case *c, const char *name,
		      const struct leak_snap *before, struct vmstat *settled, struct judge_in *in);
/*
 * Fault attributes, pressure and the knob journal before a run of r with inject: a problem
 * goes to in->harness_error (the run is judged ERROR); -EIO when nothing may run any more.
 */
int strat_before_run(struct suite *s, const struct wl_case *c, const struct run_spec *r,
		     const char *inject, struct judge_in *in, char *pressure, size_t plen);
/* One run, recorded; 1 when its window consumed a fault, 0 when not, -errno on error. */
int strat_run_one(struct suite *s, const struct wl_case *c, const struct run_spec *r, int rep);

/*
 * strategy_batch.c: sweep steps first..last in batches of [run] batch steps, each batch in one
 * workload process; 1 when the sweep's last step still consumed, 0 when it ended, -errno.
 */
int batch_sweep(struct suite *s, const struct wl_case *c, struct run_spec *r, int rep,
		int first, int last);

#endif
