// SPDX-License-Identifier: GPL-2.0
/*
 * leak_base.c - the baseline of a run: drained counters, the harness's own share, the last
 * pid (leak_mode.c's drain, then /proc/vmstat).
 *
 * A drained reading costs an RCU grace period, a visit of every CPU and a vm.stat_refresh
 * (about 25 ms in the TCG guest), and the previous run's leak check has just made one: its
 * settled reading. That reading is this run's baseline, without a drain of its own, when it
 * is still the state of the system:
 * - exact mode (a quiet guest), the mode of this run;
 * - the previous check was clean: every counter back within its exact tolerance, no
 *   page_owner read, no leak or growth verdict (after one, the system is not known to be
 *   where it was, and page_owner's LRU drain moves the counters);
 * - no task was created since the check began (the last pid of /proc/loadavg is the same:
 *   any fork or thread, kernel threads too, moves it), so only the harness ran, and its own
 *   page tables and anonymous pages are taken out of the residuals from the reading's values;
 * - the harness's own page tables and anonymous memory are what they were at the reading (a
 *   growth of its own between runs, its first allocations or a first targeted run's kallsyms
 *   table, stays out of the next run's window);
 * - at most LEAK_BASE_MAX_AGE_S old (a kmemleak scan's wait, a long rendering: drain again).
 * A kept reading is used once; anything else takes a fresh drained reading.
 */
#include <string.h>

#include "splitfail.h"

static struct {
	int valid;
	struct leak_snap snap;
} kept;

/* A clean check's settled reading (its last_pid read before it), for the next baseline. */
void leak_base_keep(const struct leak_snap *settled)
{
	kept.snap = *settled;
	kept.valid = settled->mode == LEAK_EXACT && settled->last_pid >= 0 && settled->taken > 0;
}

void leak_base_forget(void)
{
	kept.valid = 0;
}

/* The baseline of a run into snap; 1 when it is the kept reading, 0 when freshly drained. */
int leak_before(const char *root, int mode, struct leak_snap *snap)
{
	long long pte_kb = -1, anon_kb = -1;
	int use = kept.valid && kept.snap.mode == mode &&
		  sf_now() - kept.snap.taken <= LEAK_BASE_MAX_AGE_S &&
		  leak_last_pid(root) == kept.snap.last_pid;

	if (use) {
		leak_self(root, &pte_kb, &anon_kb);
		use = pte_kb == kept.snap.self_pte_kb && anon_kb == kept.snap.self_anon_kb;
	}
	kept.valid = 0;
	if (use) {
		*snap = kept.snap;
		snap->kept = 1;
		return 1;
	}
	leak_drain(root, mode);
	memset(snap, 0, sizeof(*snap));
	snap->mode = mode;
	snap->taken = sf_now();
	vmstat_read(root, &snap->vs);
	leak_self(root, &snap->self_pte_kb, &snap->self_anon_kb);
	snap->last_pid = leak_last_pid(root);
	return 0;
}
