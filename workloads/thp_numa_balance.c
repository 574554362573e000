// SPDX-License-Identifier: GPL-2.0
/*
 * thp_numa_balance: automatic NUMA balancing migrating THPs, some of them partly unmapped and
 * therefore on the deferred split list, towards a thread that runs on the other node.
 * The region (four THPs of the variant's size) is faulted in on one node (MPOL_BIND while it
 * is filled), one page in the middle of every other folio is unmapped (the PMD is split and
 * the folio queued for deferred split), then a thread pinned to a CPU of another node reads
 * (or rewrites with the same bytes) every remaining page until every one is on the thread's
 * node, or for 15 s at most. NUMA hinting faults (task_numa_work -> change_prot_numa, then
 * do_numa_page / do_huge_pmd_numa_page) call migrate_misplaced_folio, which for a folio on
 * the deferred list splits it inside migrate_pages_batch. The injection window is that
 * thread's access phase. Balancing is driven, not waited for: before the thread starts, the
 * scan knobs are set (numa_scan.c: no scan delay, rescans every 25..100 ms; put back at
 * teardown, exit or signal, and by the harness, which journals them as --needs), so the
 * thread's first scan comes after ~10 ms of its CPU time instead of 1 s, and the main thread
 * sees every page moved within a 10 ms poll (0.1-0.2 s per run in a TCG guest, where waiting
 * out the kernel's own delays took 2-4 s).
 * Oracle: the data reads back unchanged, every remaining page is still mapped and present,
 * the holes stay holes; where the pages went and the NUMA counters (the thread's
 * numa_pages_migrated from /proc/<pid>/task/<tid>/sched, which needs no
 * CONFIG_VM_EVENT_COUNTERS, and the vmstat numa_* / pgmigrate / thp_migration deltas when
 * the kernel has them) are printed. SKIPs when kernel.numa_balancing is missing or 0, when
 * fewer than two nodes have memory, when no other node has a CPU, or when, without fault
 * injection, balancing migrated nothing in the time given (the path was not reached).
 * Guards seed 002: the split pieces of a deferred-list folio were put back on the list being
 * walked and migrate_misplaced_folio hit BUG_ON(!list_empty(&migratepages)).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "workload.h"
#include "cycle.h"
#include "migrate_check.h"
#include "numa_scan.h"
#include "thp_stats.h"

#define NR_FOLIOS	4
#define ACCESS_SECONDS	15	/* bound of the access phase; it ends early once all moved */
#define POLL_MS		10	/* how often the main thread asks where the pages are */
#define QUERY_PAGES	512	/* pages per move_pages query */
#define MPOL_DEFAULT_MODE	0	/* include/uapi/linux/mempolicy.h */
#define MPOL_BIND_MODE		2

FIXTURE(thp_numa_balance) {
	struct cycle_fixture f;
	int src, target;
	cpu_set_t target_cpus;
};

FIXTURE_VARIANT(thp_numa_balance) {
	struct thp_kind kind;
};

FIXTURE_VARIANT_ADD(thp_numa_balance, pmd) {
	.kind = { .nr_folios = NR_FOLIOS },
};

FIXTURE_VARIANT_ADD(thp_numa_balance, pte_mapped) {
	.kind = { .nr_folios = NR_FOLIOS, .pte_mapped = 1 },
};

FIXTURE_VARIANT_ADD(thp_numa_balance, mthp_64k) {
	.kind = { .folio_kb = 64, .nr_folios = NR_FOLIOS },
};

/* 0 when kernel.numa_balancing is on, 1 with the reason in why when it is off or missing. */
static int numa_balancing_on(char *why, size_t len)
{
	char buf[16] = "";
	FILE *f = fopen("/proc/sys/kernel/numa_balancing", "re");

	if (!f) {
		snprintf(why, len, "kernel has no NUMA balancing (/proc/sys/kernel/numa_balancing: %s)",
			 strerror(errno));
		return 1;
	}
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	if (atoi(buf) == 0) {
		snprintf(why, len, "kernel.numa_balancing is %.*s, not on (the nightly profile's [knobs] sets it)",
			 (int)strcspn(buf, "\n"), buf);
		return 1;
	}
	return 0;
}

/* CPUs of node from /sys/devices/system/node/node<N>/cpulist. Returns how many. */
static int node_cpus(int node, cpu_set_t *set)
{
	char path[96], list[512], *p;
	int a, b, n = 0, used;
	FILE *f;

	CPU_ZERO(set);
	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist", node);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (!fgets(list, sizeof(list), f))
		list[0] = '\0';
	fclose(f);
	for (p = list; *p && *p != '\n'; p += used + (p[used] == ',')) {
		used = 0;
		if (sscanf(p, "%d-%d%n", &a, &b, &used) != 2) {
			if (sscanf(p, "%d%n", &a, &used) != 1)
				break;
			b = a;
		}
		for (; a <= b && a < CPU_SETSIZE; a++, n++)
			CPU_SET(a, set);
	}
	return n;
}

static long set_policy(int mode, int node)
{
	unsigned long mask = mode == MPOL_BIND_MODE ? 1UL << node : 0;

	return syscall(SYS_set_mempolicy, mode, mode == MPOL_BIND_MODE ? &mask : NULL,
		       mode == MPOL_BIND_MODE ? sizeof(mask) * 8 : 0);
}

FIXTURE_SETUP(thp_numa_balance)
{
	int nodes[NUMA_MAX_NODES], n, ret;
	char why[256];

	SF_TEST_ID(self->f.test);
	if (numa_balancing_on(why, sizeof(why)))
		SKIP(return, "%s", why);
	ret = numa_require_two(why, sizeof(why));
	if (ret == 1)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	n = numa_memory_nodes(nodes, NUMA_MAX_NODES);
	ASSERT_LE(2, n);
	self->src = nodes[0];
	self->target = -1;
	for (int i = 1; i < n && self->target < 0; i++)
		if (node_cpus(nodes[i], &self->target_cpus) > 0)
			self->target = nodes[i];
	if (self->target < 0)
		SKIP(return, "no node with memory other than node %d has a CPU", self->src);
	ret = cycle_setup(&self->f, "numa_balance", why, sizeof(why));
	if (ret == KSFT_SKIP)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	/* the regions cycle_run maps are faulted in on src */
	ASSERT_EQ(0, set_policy(MPOL_BIND_MODE, self->src)) TH_LOG("set_mempolicy: %s",
								    strerror(errno));
}

FIXTURE_TEARDOWN(thp_numa_balance)
{
	set_policy(MPOL_DEFAULT_MODE, 0);
	cycle_teardown(&self->f);
}

/* numa_pages_migrated of a thread (kernel/sched/debug.c, CONFIG_NUMA_BALANCING), or -1. */
static long long thread_numa_migrated(pid_t tid)
{
	char path[64], line[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/sched", (int)getpid(), (int)tid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "numa_pages_migrated", 19) && strchr(line, ':'))
			v = atoll(strchr(line, ':') + 1);
	fclose(f);
	return v;
}

/* vmstat counters of this path; printed as deltas where the kernel has them. */
static const char *const numa_counters[] = {
	"numa_hint_faults", "numa_pages_migrated", "pgmigrate_success", "pgmigrate_fail",
	"thp_migration_success", "thp_migration_fail", "thp_migration_split",
};
#define NR_NUMA_COUNTERS (sizeof(numa_counters) / sizeof(numa_counters[0]))

static void numa_counters_read(long long *v)
{
	for (size_t i = 0; i < NR_NUMA_COUNTERS; i++)
		v[i] = vmstat_read(numa_counters[i]);
}

static void numa_counters_print(const char *test, const long long *before)
{
	long long after[NR_NUMA_COUNTERS];
	int any = 0;

	numa_counters_read(after);
	printf("# %s: NUMA vmstat delta", test);
	for (size_t i = 0; i < NR_NUMA_COUNTERS; i++)
		if (before[i] >= 0 && after[i] >= 0) {
			printf(" %s=%lld", numa_counters[i], after[i] - before[i]);
			any = 1;
		}
	printf("%s\n", any ? "" : " (none: kernel without CONFIG_VM_EVENT_COUNTERS)");
}

/* What one test case does and found. */
struct balance_ctx {
	struct thp_region *r;
	const char *test;
	const cpu_set_t *cpus;
	int src, target, write;
	volatile int stop;
	pid_t tid;
	long passes;		/* full passes over the remaining pages */
	long long migrated;	/* the thread's numa_pages_migrated as it ended, or -1 */
	int setup_err;		/* the thread could not pin itself or set up its window */
	int injecting;		/* the thread's window arms fault injection */
	struct window *step;	/* the fixture's window: a batch's step (fail-nth) and consumed */
	long corrupt, not_present, hole_filled, queued_short;
	long moved;		/* remaining pages found on target at the end */
};

/* Folio i gets a hole (one page in its middle) when i is even. */
static int has_hole(size_t i)
{
	return !(i % 2);
}

static char *hole_of(const struct thp_region *r, size_t i)
{
	return r->base + i * r->folio_size + r->folio_size / 2;
}

/* Calls fn on every mapped run of the region (the holes split it); sums the results. */
static long for_each_run(const struct thp_region *r,
			 long (*fn)(struct balance_ctx *c, char *p, size_t len),
			 struct balance_ctx *c)
{
	char *at = r->base, *end = r->base + r->len;
	long sum = 0, v;
	size_t i;

	for (i = 0; i <= r->nr_folios; i++) {
		char *stop = i < r->nr_folios ? hole_of(r, i) : end;

		if (i < r->nr_folios && !has_hole(i))
			continue;
		if (stop > at) {
			v = fn(c, at, stop - at);
			if (v < 0)
				return v;
			sum += v;
		}
		at = stop + PAGE_SIZE_4K;
	}
	return sum;
}

/* One pass of the access thread: read (or rewrite with its own value) a byte per page. */
static long touch_run(struct balance_ctx *c, char *p, size_t len)
{
	volatile char *v = p;
	size_t off;

	for (off = 0; off < len && !c->stop; off += PAGE_SIZE_4K) {
		char b = v[off];

		if (c->write)
			v[off] = b;
	}
	return 0;
}

/*
 * Pages of a run on a node other than the target, a move_pages query (no nodes: where each
 * page is) for QUERY_PAGES at a time; a page not present (-ENOENT) is not counted here,
 * present_run counts it, and any other status is counted as off.
 */
static long off_target_run(struct balance_ctx *c, char *p, size_t len)
{
	void *pages[QUERY_PAGES];
	int status[QUERY_PAGES];
	size_t done, n, i;
	long off = 0;

	for (done = 0; done + PAGE_SIZE_4K <= len; done += n * PAGE_SIZE_4K) {
		n = (len - done) / PAGE_SIZE_4K;
		n = n < QUERY_PAGES ? n : QUERY_PAGES;
		for (i = 0; i < n; i++) {
			pages[i] = p + done + i * PAGE_SIZE_4K;
			status[i] = -ENOENT;
		}
		if (syscall(SYS_move_pages, 0, n, pages, NULL, status, 0) < 0)
			return -errno;
		for (i = 0; i < n; i++)
			off += status[i] != c->target && status[i] != -ENOENT;
	}
	return off;
}

static long pages_run(struct balance_ctx *c, char *p, size_t len)
{
	(void)c;
	(void)p;
	return (long)(len / PAGE_SIZE_4K);
}

static long present_run(struct balance_ctx *c, char *p, size_t len)
{
	long present = pagemap_count_present((uintptr_t)p, len, NULL);

	(void)c;
	return present < 0 ? present : (long)(len / PAGE_SIZE_4K) - present;
}

static long pattern_run(struct balance_ctx *c, char *p, size_t len)
{
	return oracle_pattern(c->test, "after NUMA balancing", p, len, c->r->seed);
}

/* The thread on the other node: pins itself, arms its own window, touches until told. */
static void *access_thread(void *arg)
{
	struct balance_ctx *c = arg;
	struct window w;
	char why[256];
	int err = 0;

	c->tid = (pid_t)syscall(SYS_gettid);
	if (sched_setaffinity(0, sizeof(*c->cpus), c->cpus)) {
		printf("# %s: sched_setaffinity to node %d: %s\n", c->test, c->target,
		       strerror(errno));
		c->setup_err = -errno;
		return NULL;
	}
	if (window_setup_steps(&w, c->test, "numa_balance", why, sizeof(why))) {
		printf("# %s: window in the access thread: %s\n", c->test, why);
		c->setup_err = -EINVAL;
		return NULL;
	}
	if (w.nth_last)
		w.nth = c->step->nth;	/* a batch: the step the cycle loop is at */
	c->injecting = w.mode != WINDOW_OFF;
	window_arm(&w);
	while (!c->stop) {
		for_each_run(c->r, touch_run, c);
		c->passes++;
	}
	window_disarm(&w, 0, err);
	c->step->consumed_in_step += w.consumed_in_step;	/* joined before it is read */
	c->migrated = thread_numa_migrated(c->tid);	/* while its sched file exists */
	return NULL;
}

/* Folios queued for deferred split so far (per-size stat, else the PMD vmstat event). */
static long long deferred_count(const struct thp_region *r)
{
	long long v = thp_size_stat(r->folio_size, "split_deferred");

	return v < 0 && r->folio_size == thp_pmd_size() ? vmstat_read("thp_deferred_split_page") : v;
}

static int balance_cycle(struct thp_region *r, enum layout l, void *arg)
{
	struct balance_ctx *c = arg;
	long long q0 = deferred_count(r), queued, split0 = thp_size_stat(r->folio_size, "split");
	long long counters[NR_NUMA_COUNTERS];
	long total, off = 0, holes = 0;
	double start, deadline;
	pthread_t t;
	size_t i;
	int ret;

	(void)l;
	c->r = r;
	c->stop = 0;
	c->passes = 0;
	c->migrated = -1;
	set_policy(MPOL_DEFAULT_MODE, 0);
	for (i = 0; i < r->nr_folios; i++) {
		if (has_hole(i) && munmap(hole_of(r, i), PAGE_SIZE_4K))
			return -errno;
		holes += has_hole(i);
	}
	queued = q0 < 0 ? -1 : deferred_count(r) - q0;
	printf("# splitfail: check test=%s what=folios_queued_for_deferred_split expected=>=%ld "
	       "actual=%lld result=%s\n", c->test, holes, queued,
	       queued < 0 ? "unknown" : queued >= holes ? "ok" : "FAIL");
	c->queued_short += queued >= 0 && queued < holes;
	total = for_each_run(r, pages_run, c);
	printf("# %s: %ld remaining pages on node %d, access thread on node %d, %s for up to %d s\n",
	       c->test, total, page_node(r->base + PAGE_SIZE_4K), c->target,
	       c->write ? "rewriting" : "reading", ACCESS_SECONDS);

	numa_counters_read(counters);
	ret = pthread_create(&t, NULL, access_thread, c);
	if (ret)
		return -ret;
	start = monotonic_seconds();
	deadline = start + ACCESS_SECONDS;
	while (monotonic_seconds() < deadline && !c->setup_err) {
		usleep(POLL_MS * 1000);
		off = for_each_run(r, off_target_run, c);
		if (off == 0)
			break;
	}
	c->stop = 1;
	pthread_join(t, NULL);
	set_policy(MPOL_BIND_MODE, c->src);
	if (c->setup_err)
		return c->setup_err;

	off = for_each_run(r, off_target_run, c);
	c->moved = off < 0 ? -1 : total - off;
	printf("# %s: after %.2f s and %ld passes: %ld of %ld pages on node %d; thread "
	       "numa_pages_migrated=%lld; folios split %lld\n", c->test,
	       monotonic_seconds() - start, c->passes, c->moved, total, c->target, c->migrated,
	       split0 < 0 ? -1 : thp_size_stat(r->folio_size, "split") - split0);
	numa_counters_print(c->test, counters);
	if (!c->injecting && c->moved == 0 && c->migrated <= 0)
		return -EAGAIN;		/* nothing migrated: the path was not reached */
	c->corrupt += for_each_run(r, pattern_run, c);
	c->not_present += for_each_run(r, present_run, c);
	for (i = 0; i < r->nr_folios; i++)
		if (has_hole(i))
			c->hole_filled += oracle_unmapped(c->test, hole_of(r, i), PAGE_SIZE_4K);
	return 0;
}

static void run_balance(struct __test_metadata *_metadata, FIXTURE_DATA(thp_numa_balance) *self,
			const FIXTURE_VARIANT(thp_numa_balance) *variant, int write)
{
	struct balance_ctx c = {
		.test = self->f.test, .cpus = &self->target_cpus, .src = self->src,
		.target = self->target, .write = write, .step = &self->f.w,
	};
	char why[256];
	int ret;

	self->f.check_pfns = 1;	/* every folio freed after balancing and munmap (pfn_freed.h) */
	ret = numa_scan_quick(why, sizeof(why));
	printf("# %s: NUMA scan knobs %s: %s\n", self->f.test,
	       ret >= 0 ? "set" : "left alone", why);
	ret = cycle_run(&self->f, &variant->kind, LAYOUT_WHOLE, balance_cycle, &c, why,
			sizeof(why));
	if (ret == THP_REGION_SKIP)
		SKIP(return, "%s", why);
	if (ret == -EAGAIN)
		SKIP(return, "NUMA balancing migrated nothing in %d s", ACCESS_SECONDS);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	EXPECT_EQ(0, report_check_zero(self->f.test, "cycles_folios_not_queued", c.queued_short));
	EXPECT_EQ(0, report_check_zero(self->f.test, "pages_corrupted", c.corrupt));
	EXPECT_EQ(0, report_check_zero(self->f.test, "pages_not_present", c.not_present));
	EXPECT_EQ(0, report_check_zero(self->f.test, "hole_pages_back", c.hole_filled));
	EXPECT_EQ(0, pfn_watch_report(&self->f.pfns, self->f.test));
}

TEST_F(thp_numa_balance, read_from_other_node) { run_balance(_metadata, self, variant, 0); }
TEST_F(thp_numa_balance, write_from_other_node) { run_balance(_metadata, self, variant, 1); }

SPLITFAIL_MAIN("do_numa_page", "do_huge_pmd_numa_page", "migrate_misplaced_folio",
	       "migrate_pages_batch", "try_split_folio", "split_folio_to_list", "__folio_split",
	       "migrate_folio_unmap", "try_to_migrate_one", "change_prot_numa")
