// SPDX-License-Identifier: GPL-2.0
/*
 * harness_leak_busy.c - busy mode's leak verdict on a fake /proc tree (leak_judge(),
 * leak_attrib.c): a movement of the system-wide counters that page_owner does not tie to
 * the workload's pids is a note, a growth page_owner ties to them is a FAIL. The residual
 * sequences are those measured on a shared 6.18 host: +1 THP and +1 page table a run while
 * another process faulted in a THP every 40 ms, +20 +10 +20 +20 page tables freed after
 * the drain on a quiet host, +130 page tables from another task in one run. Exact mode, on
 * the same runs, still judges them. Prints TAP; run by tests/harness_leak_busy.t with the
 * page_owner text captured from the copy_huge_pmd() mutant of 7.2.13 as its argument.
 */
#include <stdlib.h>
#include <string.h>

#include "../harness/splitfail.h"
#include "unit_tap.h"
#include "unit_tree.h"

static char root[] = "/tmp/splitfail-leak-busy.XXXXXX";

static const struct leak_params lp = {
	.settle_ms = 0, .pgtable_pages = 64, .anon_thps = 2, .anon_pages = 8192,
	.growth_runs = 3, .mode = "auto", .trend_runs = 4, .page_owner = 1,
};

static void put_vmstat(long long pt, long long thp)
{
	char buf[256];

	snprintf(buf, sizeof(buf),
		 "nr_anon_pages 90000\nnr_page_table_pages %lld\nnr_anon_transparent_hugepages %lld\n",
		 pt, thp);
	tree_put(root, "/proc/vmstat", buf);
}

static void put_last_pid(long long pid)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "1.50 1.20 0.90 3/400 %lld\n", pid);
	tree_put(root, "/proc/loadavg", buf);
}

/* page_owner in the tree: the captured text (fixture), or none (a host without it) */
static void put_page_owner(const char *fixture)
{
	char cmd[SF_PATH_MAX * 2];

	if (fixture)
		snprintf(cmd, sizeof(cmd), "mkdir -p %s/sys/kernel/debug && cp %s %s/sys/kernel/debug/page_owner",
			 root, fixture, root);
	else
		snprintf(cmd, sizeof(cmd), "rm -f %s/sys/kernel/debug/page_owner", root);
	tree_sh(cmd);
}

/*
 * The runs of one case: run i moves page tables by pt[i] and THPs by thp[i] over its window,
 * its pids pid0 + 6 i .. pid0 + 6 i + 5, until one is judged a leak (1). ev gets the
 * evidence of every run, one after the other.
 */
static int case_runs(int mode, const char *key, const long long *pt, const long long *thp,
		     int n, long long pid0, char *ev, size_t len)
{
	static struct leak_snap before;
	struct leak_table t;
	struct vmstat settled;
	struct leak_run_in in = { .root = root, .lp = &lp, .before = &before, .workload = "w",
				  .case_key = key, .tsv = "", .name = key };
	char one_ev[2048];
	int leak = 0;

	ev[0] = '\0';
	memset(&t, 0, sizeof(t));
	for (int i = 0; i < n && !leak; i++) {
		memset(&before, 0, sizeof(before));
		before.mode = mode;
		before.self_pte_kb = before.self_anon_kb = -1;
		put_vmstat(900, 40);
		vmstat_read(root, &before.vs);
		put_vmstat(900 + pt[i], 40 + thp[i]);
		in.pid_lo = pid0 + 6 * i;
		put_last_pid(in.pid_lo + 5);
		leak = leak_judge(&in, &t, &settled, one_ev, sizeof(one_ev));
		sf_appendf(ev, len, "%s", one_ev);
	}
	leak_table_free(&t);
	return leak;
}

static const long long one[] = { 1, 1, 1, 1, 1, 1, 1, 1 };
static const long long none[] = { 0, 0, 0, 0, 0, 0, 0, 0 };
static const long long late_frees[] = { 20, 10, 20, 20, 0, 10, 20, 30 };

static void test_unattributed(const char *fixture)
{
	static const long long big[] = { 130 };
	char ev[16384];
	int r;

	put_page_owner(NULL);
	r = case_runs(LEAK_BUSY, "w:thp_grower", one, one, 8, 1000, ev, sizeof(ev));
	check(r == 0 && strstr(ev, "growth (unattributed): nr_page_table_pages rose +1.00") &&
	      strstr(ev, "growth (unattributed): nr_anon_transparent_hugepages rose +1.00") &&
	      strstr(ev, "not attributable to the workload without page_owner"),
	      "busy, no page_owner: +1 THP and +1 page table on every run (another process's THPs) are a note, not a growth FAIL",
	      "0, growth (unattributed)", ev);
	r = case_runs(LEAK_BUSY, "w:late_frees", late_frees, none, 8, 1000, ev, sizeof(ev));
	check(r == 0 && strstr(ev, "growth (unattributed): nr_page_table_pages"),
	      "busy, no page_owner: page tables freed late (+20 +10 +20 +20 ...) are a note",
	      "0, growth (unattributed)", ev);
	r = case_runs(LEAK_BUSY, "w:big", big, none, 1, 1000, ev, sizeof(ev));
	check(r == 0 && strstr(ev, "residual (unattributed): nr_page_table_pages expected <= 64") &&
	      strstr(ev, "actual +130"),
	      "busy, no page_owner: +130 page tables in one run (above tolerance, anon pages quiet) is a note",
	      "0, residual (unattributed)", ev);
	put_page_owner(fixture);
	r = case_runs(LEAK_BUSY, "w:thp_grower", one, one, 8, 1000, ev, sizeof(ev));
	check(r == 0 && strstr(ev, "growth (unattributed): nr_anon_transparent_hugepages") &&
	      strstr(ev, "page_owner holds no user page table or anonymous folio of the growth window's pids") &&
	      strstr(ev, "page_owner (pids 1000..1023"),
	      "busy, page_owner without a page of the window's pids: the growth is a note",
	      "0, page_owner holds none", ev);
	r = case_runs(LEAK_BUSY, "w:big", big, none, 1, 1000, ev, sizeof(ev));
	check(r == 0 && strstr(ev, "residual (unattributed): nr_page_table_pages") &&
	      strstr(ev, "of this run's pids"),
	      "busy, page_owner without a page of the run's pids: +130 page tables is a note",
	      "0, this run's pids", ev);
}

static void test_attributed(const char *fixture)
{
	static const long long big[] = { 130 };
	char ev[16384];
	int r;

	put_page_owner(fixture);
	/* the captured runs: pids 204.., one PTE table of copy_huge_pmd left by each */
	r = case_runs(LEAK_BUSY, "w:copy_huge_pmd", one, none, 8, 204, ev, sizeof(ev));
	check(r == 1 && strstr(ev, "leak (growth): nr_page_table_pages rose +1.00 pages/run") &&
	      strstr(ev, "N=4 runs") && strstr(ev, "page_owner (pids 204..227") &&
	      strstr(ev, "page-table page(s) in 2 record(s) from pte_alloc_one <- copy_huge_pmd") &&
	      !strstr(ev, "unattributed"),
	      "busy: +1 page table a run that page_owner finds in the window's pids (copy_huge_pmd) is a growth FAIL",
	      "1, leak (growth) with the stack", ev);
	r = case_runs(LEAK_BUSY, "w:big", big, none, 1, 204, ev, sizeof(ev));
	check(r == 1 && strstr(ev, "leak: nr_page_table_pages expected <= 64") &&
	      strstr(ev, "from pte_alloc_one <- copy_huge_pmd"),
	      "busy: an excess over tolerance that page_owner finds in the run's pids is a FAIL",
	      "1, leak", ev);
}

/* Exact mode is not changed: the same counters without page_owner judge alone. */
static void test_exact(void)
{
	char ev[16384];
	int r;

	put_page_owner(NULL);
	r = case_runs(LEAK_EXACT, "w:exact", one, none, 1, 1000, ev, sizeof(ev));
	check(r == 1 && strstr(ev, "leak: nr_page_table_pages expected <= 0") &&
	      strstr(ev, "exact mode"),
	      "exact, no page_owner: +1 page table is a leak, as before", "1", ev);
}

int main(int argc, char **argv)
{
	const char *fixture = argc > 1 ? argv[1] :
		"tests/fixtures/page_owner-7.2.13-copy_huge_pmd-leak.txt";

	if (tree_make(root)) {
		printf("1..0 # SKIP no temp dir\n");
		return 0;
	}
	test_unattributed(fixture);
	test_attributed(fixture);
	test_exact();
	tree_remove(root);
	printf("1..%d\n", n_test);
	return n_failed ? 1 : 0;
}
