// SPDX-License-Identifier: GPL-2.0
/*
 * leak_mode.c - how exact the leak check can be here, and the drain that makes it exact.
 *
 * Exact mode: a guest booted by the runner (`splitfail.guest=1` on /proc/cmdline), without
 * [pressure] (no stress-ng, no memory cgroup filler): nothing but the harness runs, so the
 * page-table, anonymous-THP and anonymous-page counters come back to the page once the
 * kernel's deferred work is drained. Busy mode: anywhere else (the host, a guest under
 * pressure): the profile's tolerances. `[leak] mode = exact|busy` overrides the choice.
 *
 * The drain (both modes), before the baseline and before each settled reading: `vm.stat_refresh` folds
 * the per-CPU vmstat differentials into the global counters (without it a counter can lag
 * by the per-CPU threshold), and membarrier(MEMBARRIER_CMD_GLOBAL) waits for an RCU grace
 * period, after which page tables freed through RCU (tlb_remove_table) are freed, and the
 * harness runs once on every CPU it may use: an idle CPU keeps the last exited process's
 * mm as its lazy TLB mm, with its PGD (counted in nr_page_table_pages), until it switches
 * to another user mm. Seen in the guest: a +1 page-table residual whose page_owner stack
 * was pgd_alloc <- mm_init <- alloc_bprm (the workload's exec). Page cache is left alone
 * (drop_caches would make every exec re-read the 9p root).
 * The harness's own VmPTE and RssAnon are sampled too, so its own growth is not blamed on
 * the workload.
 */
#include <errno.h>
#include <linux/membarrier.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "splitfail.h"

/* The mode of this run, with the reason in why. */
int leak_mode_of(const char *root, const struct leak_params *lp, int pressure, char *why,
		 size_t len)
{
	if (!strcmp(lp->mode, "exact")) {
		snprintf(why, len, "exact mode ([leak] mode = exact)");
		return LEAK_EXACT;
	}
	if (!strcmp(lp->mode, "busy")) {
		snprintf(why, len, "busy mode ([leak] mode = busy)");
		return LEAK_BUSY;
	}
	if (!sf_cmdline_has(root, "splitfail.guest=1")) {
		snprintf(why, len, "busy mode (not a splitfail guest: no splitfail.guest=1 on /proc/cmdline)");
		return LEAK_BUSY;
	}
	if (pressure) {
		snprintf(why, len, "busy mode (splitfail guest, but [pressure] runs beside the workload)");
		return LEAK_BUSY;
	}
	snprintf(why, len, "exact mode (quiet splitfail guest: splitfail.guest=1, no [pressure]; drained: stat_refresh, RCU grace period)");
	return LEAK_EXACT;
}

/*
 * Run on every allowed CPU once, so none keeps an exited mm as its lazy TLB mm. The CPU the
 * harness runs on has the harness's mm already: it is not visited (one migration fewer).
 */
static void visit_cpus(void)
{
	int here = sched_getcpu();
	cpu_set_t all, one;

	if (sched_getaffinity(0, sizeof(all), &all))
		return;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &all) || cpu == here)
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (!sched_setaffinity(0, sizeof(one), &one))
			sched_yield();
	}
	sched_setaffinity(0, sizeof(all), &all);
}

/*
 * Let deferred frees happen and fold per-CPU counters, in both modes: without it the residuals
 * lean positive (frees still deferred), and their sum over a case's runs is no longer growth.
 * The membarrier and the CPU visits need the real machine.
 */
void leak_drain(const char *root, int mode)
{
	char path[SF_PATH_MAX];

	(void)mode;
	if (!root[0]) {
		syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
		visit_cpus();
	}
	sf_path(path, sizeof(path), root, "/proc/sys/vm/stat_refresh");
	sf_write_file(path, "1", 1);
}

static long long status_kb(const char *buf, const char *key)
{
	const char *p = strstr(buf, key);
	long long v;

	if (!p || sscanf(p + strlen(key), " %lld", &v) != 1)
		return -1;
	return v;
}

/*
 * The harness's own page tables and anonymous memory (kB); -1 under --root. VmPTE is exact
 * (the mm's page-table bytes); its anonymous memory is smaps_rollup's Anonymous, counted
 * page by page, not status's RssAnon: on 6.12 that is a per-CPU counter read without its
 * per-CPU batches (up to 32 pages each), and a few pages the harness allocated for the first
 * time were seen as a +3 nr_anon_pages residual of the run after.
 */
void leak_self(const char *root, long long *pte_kb, long long *anon_kb)
{
	char buf[4096];

	*pte_kb = *anon_kb = -1;
	if (root[0] || sf_read_file("/proc/self/status", buf, sizeof(buf)) <= 0)
		return;
	*pte_kb = status_kb(buf, "\nVmPTE:");
	*anon_kb = status_kb(buf, "\nRssAnon:");
	if (sf_read_file("/proc/self/smaps_rollup", buf, sizeof(buf)) > 0 &&
	    status_kb(buf, "\nAnonymous:") >= 0)
		*anon_kb = status_kb(buf, "\nAnonymous:");
}

/*
 * Empty every CPU's LRU batches, whose folio references keep freed pages allocated in
 * page_owner's eyes: move_pages(2) of one page of our own to the node it is on calls
 * lru_cache_disable() (workloads/lib/hmm_leak.c does the same). Real machine only.
 */
void leak_lru_drain(const char *root)
{
	char *page;
	void *pages[1];
	int node = -1, status = -1;

	if (root[0])
		return;
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return;
	page[0] = 1;
	pages[0] = page;
	if (!syscall(__NR_move_pages, 0, 1UL, pages, NULL, &status, 0) && status >= 0) {
		node = status;
		syscall(__NR_move_pages, 0, 1UL, pages, &node, &status, 0);
	}
	munmap(page, 4096);
}

/* The last pid handed out: the last field of /proc/loadavg (ns_last_pid needs
 * CONFIG_CHECKPOINT_RESTORE, which the guest kernel lacks); -1 = unknown. */
long long leak_last_pid(const char *root)
{
	char path[SF_PATH_MAX], buf[256], *sp;

	sf_path(path, sizeof(path), root, "/proc/loadavg");
	if (sf_read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	sp = strrchr(buf, ' ');
	return sp ? atoll(sp + 1) : -1;
}
