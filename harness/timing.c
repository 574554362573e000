// SPDX-License-Identifier: GPL-2.0
/*
 * timing.c - where the time of one run goes, one row per run in <results>/timing.tsv: the
 * harness's probes before the fork (vmstat, knobs, leak baseline, taint), the workload's
 * exec and start-up (fork to its main()), its set-up (main() to the first armed window: THP
 * fault-in and fill), the operations (time inside windows), its checks (the rest until it
 * ended), the harness's probes after it: the leak check (drain, settle, compare), the
 * kernel log, the rest (root-file-system check, known issues, verdict), and results writing. Stamps come from CLOCK_MONOTONIC on both sides (the
 * workload's "started" and window lines, docs/protocol.md). A batch's steps share its time:
 * each step's row is the batch's divided by its steps. For speed work (make
 * bench-guest), not for verdicts: a row that cannot be written is only a note.
 */
#include <stdio.h>

#include "splitfail.h"

static FILE *timing_file;
static int share = 1;	/* a batch's steps: each row is 1/share of the batch's time */

static void cell(FILE *f, double from, double to)
{
	if (from > 0 && to >= from)
		fprintf(f, "\t%.6f", (to - from) / share);
	else
		fputs("\t-", f);
}

/* The harness's side after the run, the total, the end of the row. */
static void tail_cells(FILE *f, const struct run_obs *ro, const struct run_stamps *st)
{
	cell(f, ro->t_exit, st->leak);
	cell(f, st->leak, st->kmsg);
	cell(f, st->kmsg, st->judged);
	cell(f, st->judged, st->recorded);
	cell(f, st->begin, st->recorded);
	fputc('\n', f);
	fflush(f);
}

/*
 * A batch's setup, op and checks: set-up is the test's own start (to the first step) plus each
 * step's time from its step line to its first window (unmap, map and fill of its region), the
 * operations are the windows, checks the rest of the process's time. 0 when the stamps are
 * missing (the row then splits as a run of its own).
 */
static int batch_row(FILE *f, const struct run_obs *ro)
{
	double setup, lived = ro->t_exit - ro->t_started;

	if (ro->t_started <= 0 || ro->step[0].t < ro->t_started || ro->t_exit < ro->t_started)
		return 0;
	setup = ro->step[0].t - ro->t_started;
	for (int i = 0; i < ro->steps; i++)
		if (ro->step[i].t > 0 && ro->step[i].t_op_first >= ro->step[i].t)
			setup += ro->step[i].t_op_first - ro->step[i].t;
	fprintf(f, "\t%.6f\t%.6f\t%.6f", setup / share, ro->op_s / share,
		(lived > setup + ro->op_s ? lived - setup - ro->op_s : 0) / share);
	return 1;
}

void timing_row_share(const char *out_dir, const char *name, const struct run_obs *ro,
		      const struct run_stamps *st, int n)
{
	share = n > 0 ? n : 1;
	timing_row(out_dir, name, ro, st);
	share = 1;
}

void timing_row(const char *out_dir, const char *name, const struct run_obs *ro,
		const struct run_stamps *st)
{
	char path[SF_PATH_MAX + 16];

	if (!timing_file) {
		snprintf(path, sizeof(path), "%s/timing.tsv", out_dir);
		timing_file = fopen(path, "ae");
		if (!timing_file)
			return;
		fputs("# name\tpre_probes\tstartup\tsetup\top\tchecks\tleak\tkmsg\tjudge\tresults\ttotal\n",
		      timing_file);
	}
	fputs(name, timing_file);
	cell(timing_file, st->begin, ro->t_fork);
	cell(timing_file, ro->t_fork, ro->t_started);
	if (ro->steps && batch_row(timing_file, ro)) {
		tail_cells(timing_file, ro, st);
		return;
	}
	cell(timing_file, ro->t_started, ro->t_op_first);
	if (ro->t_op_first > 0)
		fprintf(timing_file, "\t%.6f", ro->op_s / share);
	else
		fputs("\t-", timing_file);
	/* after the last window, plus the gaps between windows (checks between operations) */
	if (ro->t_op_first > 0 && ro->t_exit >= ro->t_op_last)
		fprintf(timing_file, "\t%.6f",
			(ro->t_exit - ro->t_op_last + (ro->t_op_last - ro->t_op_first - ro->op_s)) /
			share);
	else
		cell(timing_file, ro->t_started > 0 ? ro->t_started : ro->t_fork, ro->t_exit);
	tail_cells(timing_file, ro, st);
}

void timing_close(void)
{
	if (timing_file)
		fclose(timing_file);
	timing_file = NULL;
}
