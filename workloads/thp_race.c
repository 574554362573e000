// SPDX-License-Identifier: GPL-2.0
/*
 * thp_race: threads racing different split operations on the same THPs for a bounded time.
 * One thread per operation kind: partial munmap (and mapping the hole back), mprotect flips
 * between read-only and read-write, MADV_PAGEOUT (when swap is active), move_pages to the
 * other node (when two nodes have memory), fork + child check + exit followed by a
 * copy-on-write in the parent, and pattern writes. The region is cut into chunks (8 per
 * folio) owned round-robin by the threads, so every THP is shared by all of them while each
 * page has one owner that alone knows what it must hold (workloads/lib/race_plan.h).
 * The race runs in rounds of RACE_ROUND_SECONDS on a fresh region; after each round every
 * unmapped page must fault, every mapped page has the planned protection and pattern. Total
 * time: SPLITFAIL_RACE_SECONDS (default 1 s; up to RACE_MAX_SECONDS).
 * Injection: SPLITFAIL_INJECT=task arms make-it-fail in every racing thread for the racing
 * phase of each round (one window line per round, ret = failed operations, errno = the
 * first one's). fail-nth is per thread and which thread reaches its Nth fault point first
 * depends on the race, so a sweep would neither be meaningful nor reproducible: nth SKIPs.
 * A failed operation must leave its range as it was (munmap, mmap) or with either protection
 * (mprotect); fork fails cleanly; move_pages statuses tell the truth.
 * Kernel paths: __split_vma, __split_huge_pmd (munmap, mprotect, CoW), do_huge_pmd_wp_page,
 * copy_huge_pmd, madvise_cold_or_pageout_pte_range, split_huge_page_to_list_to_order (6.12;
 * __folio_split on 7.x, where the former is an inline wrapper),
 * deferred_split_folio, migrate_pages_batch, try_to_migrate_one. Guards seeds 001 and 002
 * (splits racing with migration and unmapping of partially mapped THPs).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "workload.h"
#include "knob_undo.h"
#include "layout.h"
#include "migrate_check.h"
#include "pfn_freed.h"
#include "race_plan.h"
#include "swap.h"

#define RACE_DEFAULT_SECONDS 1.0
#define RACE_MAX_SECONDS 3000
#define RACE_ROUND_SECONDS 0.1
#define RACE_CHUNKS_PER_FOLIO 8
#define RACE_MAX_SPAN_PAGES 8
#define RACE_PMD_FOLIOS 2
#define RACE_MTHP_FOLIOS 8
#define MPOL_MF_MOVE_FLAG (1 << 1)	/* MPOL_MF_MOVE, include/uapi/linux/mempolicy.h */
#define MAKE_IT_FAIL "/proc/thread-self/make-it-fail"

enum race_kind {
	RACE_MUNMAP,
	RACE_MPROTECT,
	RACE_PAGEOUT,
	RACE_MOVE,
	RACE_FORK,
	RACE_WRITE,
	RACE_KINDS
};

static const char *const race_kind_name[RACE_KINDS] = {
	"munmap", "mprotect", "pageout", "move_pages", "fork", "write"
};

#define RACE_BIT(k) (1u << (k))
#define RACE_ALL ((1u << RACE_KINDS) - 1)

struct race;

struct race_thread {
	pthread_t tid;
	struct race *race;
	enum race_kind kind;
	int index;		/* owns chunks index, index + nthreads, ... */
	int fail_fd;		/* its make-it-fail, -1 without injection */
	unsigned int rng;
	uint64_t seed;		/* pattern this kind writes */
	long ops;
	long errors;
	long round_errors;
	int first_errno;	/* of the current round */
	long broken;		/* promises the thread saw broken itself (statuses, children) */
};

struct race {
	const char *test;
	struct thp_region r;
	struct race_plan plan;
	size_t chunk;		/* bytes per chunk */
	size_t nchunks;
	int nthreads;
	int inject;
	volatile int quit;
	double round_end;
	pthread_barrier_t start;
	pthread_barrier_t stop;
	struct race_thread threads[RACE_KINDS];
};

FIXTURE(thp_race) {
	struct window w;
	struct vmstat_snapshot before;
	struct race race;
	struct pfn_watch pfns;	/* the round's folio PFNs: freed after its munmap */
	int check_pfns;
	char test[256];
};

FIXTURE_VARIANT(thp_race) {
	struct thp_kind kind;
};

FIXTURE_VARIANT_ADD(thp_race, pmd) { .kind = { .nr_folios = RACE_PMD_FOLIOS } };
FIXTURE_VARIANT_ADD(thp_race, pte_mapped)
{
	.kind = { .nr_folios = RACE_PMD_FOLIOS, .pte_mapped = 1 }
};
FIXTURE_VARIANT_ADD(thp_race, mthp_64k)
{
	.kind = { .folio_kb = 64, .nr_folios = RACE_MTHP_FOLIOS }
};

FIXTURE_SETUP(thp_race)
{
	char why[256];
	int ret;

	SF_TEST_ID(self->test);
	ret = window_setup(&self->w, self->test, "race", why, sizeof(why));
	if (ret == KSFT_SKIP)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	if (self->w.mode == WINDOW_NTH)
		SKIP(return, "thp_race injects in task mode only: which thread meets fail-nth's "
		     "Nth fault point first depends on the race");
	ASSERT_LT(0, vmstat_snapshot_take(&self->before));
}

FIXTURE_TEARDOWN(thp_race)
{
	thp_region_unmap(&self->race.r);
	knob_undo_all();
}

/* Picks a span of 1..RACE_MAX_SPAN_PAGES pages inside one of the thread's chunks. */
static char *race_span(struct race_thread *t, size_t *len)
{
	struct race *R = t->race;
	size_t owned = (R->nchunks - (size_t)t->index + (size_t)R->nthreads - 1) /
		       (size_t)R->nthreads;
	size_t chunk = (size_t)t->index + (size_t)R->nthreads * (rand_r(&t->rng) % owned);
	size_t cpages = R->chunk / PAGE_SIZE_4K;
	size_t max = cpages < RACE_MAX_SPAN_PAGES ? cpages : RACE_MAX_SPAN_PAGES;
	size_t npages = 1 + rand_r(&t->rng) % max;
	size_t off = rand_r(&t->rng) % (cpages - npages + 1);

	*len = npages * PAGE_SIZE_4K;
	return R->r.base + chunk * R->chunk + off * PAGE_SIZE_4K;
}

static void race_error(struct race_thread *t, int err)
{
	if (!t->round_errors++)
		t->first_errno = err;
	t->errors++;
}

/* munmap a mapped span, or map an unmapped one back (MAP_FIXED_NOREPLACE) and fill it. */
static void op_munmap(struct race_thread *t, char *a, size_t len)
{
	struct race_plan *plan = &t->race->plan;
	void *p;

	if (!race_plan_all_unmapped(plan, a, len)) {
		if (munmap(a, len))
			race_error(t, errno);
		else
			race_plan_unmap(plan, a, len);
		return;
	}
	p = mmap(a, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		 -1, 0);
	if (p == MAP_FAILED) {
		if (errno == EEXIST)	/* something else of this process landed in the hole */
			race_plan_forget(plan, a, len);
		else
			race_error(t, errno);
		return;
	}
	if (p != a) {			/* a kernel that ignores MAP_FIXED_NOREPLACE */
		munmap(p, len);
		race_error(t, EEXIST);
		return;
	}
	pattern_fill(a, len, t->seed);
	race_plan_map(plan, a, len, t->seed);
}

static void op_mprotect(struct race_thread *t, char *a, size_t len)
{
	int prot = rand_r(&t->rng) & 1 ? PROT_READ : PROT_READ | PROT_WRITE;

	if (mprotect(a, len, prot)) {
		race_error(t, errno);
		race_plan_prot(&t->race->plan, a, len, PROT_READ, PROT_READ | PROT_WRITE);
	} else {
		race_plan_prot(&t->race->plan, a, len, prot, prot);
	}
}

static int race_has_kind(const struct race *R, enum race_kind kind)
{
	int i;

	for (i = 0; i < R->nthreads; i++)
		if (R->threads[i].kind == kind)
			return 1;
	return 0;
}

static void op_move(struct race_thread *t, char *a, size_t len)
{
	void *pages[RACE_MAX_SPAN_PAGES];
	int status[RACE_MAX_SPAN_PAGES];
	long i, ret, nr = (long)(len / PAGE_SIZE_4K);
	int target = numa_other_node(page_node(a));
	struct move_check mc;

	if (target < 0) {
		race_error(t, ENODEV);
		return;
	}
	for (i = 0; i < nr; i++)
		pages[i] = a + i * PAGE_SIZE_4K;
	ret = move_pages_to(pages, nr, target, status, MPOL_MF_MOVE_FLAG);
	if (ret < 0)
		race_error(t, errno);
	/* A racing pageout (and the swap-in of whole folios after it) moves pages on its own. */
	ret = move_check_status_flags(t->race->test, pages, status, nr, target, ret,
				      race_has_kind(t->race, RACE_PAGEOUT) ? MOVE_CHECK_UNSTABLE : 0,
				      &mc);
	if (ret > 0)
		t->broken += ret;
}

/*
 * In the forked child (one thread, no stdio: another thread may have held its lock at fork):
 * every page the fork thread owns must show its planned pattern; then the child writes its
 * own pattern over a span and reads it back. Exit status: 0 good, 1 a page differed.
 */
static void fork_child(struct race_thread *t, char *a, size_t len)
{
	struct race *R = t->race;
	struct pattern_mismatch mm;
	size_t c, off;
	long bad = 0;

	window_child_disarm();
	for (c = (size_t)t->index; c < R->nchunks; c += (size_t)R->nthreads) {
		for (off = 0; off < R->chunk; off += PAGE_SIZE_4K) {
			char *pg = R->r.base + c * R->chunk + off;

			bad += pattern_verify(pg, PAGE_SIZE_4K, race_plan_page(&R->plan, pg)->seed,
					      &mm);
		}
	}
	pattern_fill(a, len, t->seed + 1);
	bad += pattern_verify(a, len, t->seed + 1, &mm);
	_exit(bad ? 1 : 0);
}

/* fork, the child checks and exits, the parent writes a span (copy-on-write). */
static void op_fork(struct race_thread *t, char *a, size_t len)
{
	pid_t pid = fork();
	int st;

	if (pid < 0) {
		race_error(t, errno);
		return;
	}
	if (!pid)
		fork_child(t, a, len);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		t->broken++;
	a = race_span(t, &len);
	pattern_fill(a, len, t->seed);
	race_plan_seed(&t->race->plan, a, len, t->seed);
}

static void race_op(struct race_thread *t)
{
	size_t len;
	char *a = race_span(t, &len);

	switch (t->kind) {
	case RACE_MUNMAP:
		op_munmap(t, a, len);
		break;
	case RACE_MPROTECT:
		op_mprotect(t, a, len);
		break;
	case RACE_PAGEOUT:
		if (madvise(a, len, MADV_PAGEOUT))
			race_error(t, errno);
		break;
	case RACE_MOVE:
		op_move(t, a, len);
		break;
	case RACE_FORK:
		op_fork(t, a, len);
		break;
	case RACE_WRITE:
		pattern_fill(a, len, t->seed);
		race_plan_seed(&t->race->plan, a, len, t->seed);
		break;
	case RACE_KINDS:
		break;
	}
	t->ops++;
}

static void *race_thread_main(void *arg)
{
	struct race_thread *t = arg;
	struct race *R = t->race;

	t->fail_fd = R->inject ? open(MAKE_IT_FAIL, O_WRONLY | O_CLOEXEC) : -1;
	for (;;) {
		pthread_barrier_wait(&R->start);
		if (R->quit)
			break;
		t->round_errors = 0;
		t->first_errno = 0;
		if (t->fail_fd >= 0 && pwrite(t->fail_fd, "1", 1, 0) != 1)
			race_error(t, errno);
		while (monotonic_seconds() < R->round_end) {
			race_op(t);
			sched_yield();	/* let every kind run on few CPUs (TCG guests) */
		}
		if (t->fail_fd >= 0)
			while (pwrite(t->fail_fd, "0", 1, 0) != 1)
				;
		pthread_barrier_wait(&R->stop);
	}
	if (t->fail_fd >= 0)
		close(t->fail_fd);
	return NULL;
}

/* SPLITFAIL_RACE_SECONDS, default RACE_DEFAULT_SECONDS, capped at RACE_MAX_SECONDS. */
static double race_seconds(void)
{
	const char *env = getenv("SPLITFAIL_RACE_SECONDS");
	double s = env ? strtod(env, NULL) : RACE_DEFAULT_SECONDS;

	if (s <= 0)
		s = RACE_DEFAULT_SECONDS;
	return s > RACE_MAX_SECONDS ? RACE_MAX_SECONDS : s;
}

/* Kinds of mask this machine can run; the reasons for the others are appended to why. */
static unsigned int race_available(unsigned int mask, char *why, size_t why_len)
{
	char reason[256];

	why[0] = '\0';
	if ((mask & RACE_BIT(RACE_PAGEOUT)) && swap_free_kb(reason, sizeof(reason)) <= 0) {
		mask &= ~RACE_BIT(RACE_PAGEOUT);
		snprintf(why + strlen(why), why_len - strlen(why), "pageout: %s; ", reason);
	}
	if ((mask & RACE_BIT(RACE_MOVE)) && numa_require_two(reason, sizeof(reason))) {
		mask &= ~RACE_BIT(RACE_MOVE);
		snprintf(why + strlen(why), why_len - strlen(why), "move_pages: %s; ", reason);
	}
	return mask;
}

/*
 * Unmaps the last round's region; its folios' PFNs must then be freed or reused (the racing
 * threads wait at the barrier, every forked child was reaped). Off without PFNs (not root).
 */
static void race_unmap_check(FIXTURE_DATA(thp_race) *self)
{
	thp_region_unmap(&self->race.r);
	if (self->check_pfns && pfn_watch_check(&self->pfns, self->test, PFN_SETTLE_MS) < 0)
		self->check_pfns = 0;
}

/* One round: fresh region, the race, the check. Returns broken pages or -errno/SKIP. */
static long race_round(FIXTURE_DATA(thp_race) *self, const struct thp_kind *kind,
		       struct race_verdict *v, char *why, size_t why_len)
{
	struct race *R = &self->race;
	long errors = 0, bad;
	int i, err = 0, ret;

	race_unmap_check(self);
	ret = thp_kind_map(&R->r, kind, kind->nr_folios, splitfail_seed(), why, why_len);
	if (ret)
		return ret > 0 ? -ret - 1000 : ret;
	if (self->check_pfns)
		pfn_watch_record(&self->pfns, &R->r);
	R->chunk = R->r.folio_size / RACE_CHUNKS_PER_FOLIO;
	R->nchunks = R->r.len / R->chunk;
	if (race_plan_init(&R->plan, R->r.base, R->r.len, R->r.seed))
		return -ENOMEM;
	R->round_end = monotonic_seconds() + RACE_ROUND_SECONDS;
	window_arm(&self->w);
	pthread_barrier_wait(&R->start);
	pthread_barrier_wait(&R->stop);
	for (i = 0; i < R->nthreads; i++) {
		if (!err)
			err = R->threads[i].first_errno;
		errors += R->threads[i].round_errors;
	}
	window_disarm(&self->w, errors, err);
	bad = race_plan_verify(&R->plan, self->test, v);
	race_plan_free(&R->plan);
	return bad;
}

static void run_race(struct __test_metadata *_metadata, FIXTURE_DATA(thp_race) *self,
		     const FIXTURE_VARIANT(thp_race) *variant, unsigned int mask,
		     unsigned int need)
{
	struct race *R = &self->race;
	struct race_verdict v, total = { 0, 0, 0 };
	double seconds = race_seconds(), t0, elapsed;
	long bad, broken = 0, rounds = 0, ops = 0;
	struct vmstat_snapshot *after;
	struct rate_meter m;
	char why[256], skipped[512];
	int i, k;

	mask = race_available(mask, skipped, sizeof(skipped));
	if (!(mask & need))
		SKIP(return, "none of this test's operations can run here: %s", skipped);
	if (skipped[0])
		printf("# %s: not racing %s\n", self->test, skipped);
	memset(R, 0, sizeof(*R));
	memset(&self->pfns, 0, sizeof(self->pfns));
	self->check_pfns = 1;
	R->test = self->test;
	R->inject = self->w.mode == WINDOW_TASK;
	for (k = 0; k < RACE_KINDS; k++) {
		if (!(mask & RACE_BIT(k)))
			continue;
		R->threads[R->nthreads] = (struct race_thread){
			.race = R, .kind = (enum race_kind)k, .index = R->nthreads,
			.rng = (unsigned int)(splitfail_seed() * 31 + (uint64_t)k),
			.seed = splitfail_seed() ^ (0x1000ULL * (uint64_t)(k + 1)),
		};
		R->nthreads++;
	}
	ASSERT_EQ(0, pthread_barrier_init(&R->start, NULL, (unsigned int)R->nthreads + 1));
	ASSERT_EQ(0, pthread_barrier_init(&R->stop, NULL, (unsigned int)R->nthreads + 1));
	for (i = 0; i < R->nthreads; i++)
		ASSERT_EQ(0, pthread_create(&R->threads[i].tid, NULL, race_thread_main,
					    &R->threads[i]));
	rate_start(&m);
	t0 = monotonic_seconds();
	do {
		bad = race_round(self, &variant->kind, &v, why, sizeof(why));
		if (bad < 0)
			break;
		total.still_mapped += v.still_mapped;
		total.bad_prot += v.bad_prot;
		total.corrupt += v.corrupt;
		rounds++;
	} while (monotonic_seconds() - t0 < seconds);
	elapsed = monotonic_seconds() - t0;
	R->quit = 1;
	pthread_barrier_wait(&R->start);
	for (i = 0; i < R->nthreads; i++) {
		pthread_join(R->threads[i].tid, NULL);
		ops += R->threads[i].ops;
		broken += R->threads[i].broken;
	}
	pthread_barrier_destroy(&R->start);
	pthread_barrier_destroy(&R->stop);
	if (bad == -THP_REGION_SKIP - 1000 && !rounds)
		SKIP(return, "%s", why);
	ASSERT_LE(0, bad) TH_LOG("round %ld: %s", rounds, bad < -1000 ? why : strerror((int)-bad));
	race_unmap_check(self);
	rate_add_ops(&m, ops);
	rate_report(&m, self->test);
	for (i = 0; i < R->nthreads; i++) {
		struct race_thread *t = &R->threads[i];

		printf("# %s: rate op=%s ops=%ld seconds=%.3f ops_per_sec=%.1f errors=%ld\n",
		       self->test, race_kind_name[t->kind], t->ops, elapsed, t->ops / elapsed,
		       t->errors);
	}
	printf("# %s: %ld rounds of %.0f ms on %zu folios of %zu kB, %d threads\n", self->test,
	       rounds, RACE_ROUND_SECONDS * 1000, R->r.nr_folios, R->r.folio_size >> 10,
	       R->nthreads);
	after = malloc(sizeof(*after));
	if (after && vmstat_snapshot_take(after) > 0)
		vmstat_print_thp_deltas(self->test, &self->before, after);
	free(after);
	EXPECT_EQ(0, report_check_zero(self->test, "pages_still_mapped", total.still_mapped));
	EXPECT_EQ(0, report_check_zero(self->test, "pages_bad_prot", total.bad_prot));
	EXPECT_EQ(0, report_check_zero(self->test, "pages_corrupted", total.corrupt));
	EXPECT_EQ(0, report_check_zero(self->test, "status_or_child_broken", broken));
	EXPECT_EQ(0, pfn_watch_report(&self->pfns, self->test));
}

TEST_F_TIMEOUT(thp_race, all, RACE_MAX_SECONDS + 60)
{
	run_race(_metadata, self, variant, RACE_ALL, RACE_ALL & ~RACE_BIT(RACE_WRITE));
}

TEST_F_TIMEOUT(thp_race, split_ops, RACE_MAX_SECONDS + 60)
{
	run_race(_metadata, self, variant, RACE_BIT(RACE_MUNMAP) | RACE_BIT(RACE_MPROTECT) |
		 RACE_BIT(RACE_FORK) | RACE_BIT(RACE_WRITE), RACE_BIT(RACE_MUNMAP));
}

TEST_F_TIMEOUT(thp_race, migrate_pageout, RACE_MAX_SECONDS + 60)
{
	run_race(_metadata, self, variant, RACE_BIT(RACE_MOVE) | RACE_BIT(RACE_PAGEOUT) |
		 RACE_BIT(RACE_MUNMAP) | RACE_BIT(RACE_WRITE),
		 RACE_BIT(RACE_MOVE) | RACE_BIT(RACE_PAGEOUT));
}

SPLITFAIL_MAIN("__split_vma", "__split_huge_pmd", "do_huge_pmd_wp_page", "copy_huge_pmd",
	       "madvise_cold_or_pageout_pte_range", "split_huge_page_to_list_to_order",
	       "__folio_split",
	       "deferred_split_folio", "migrate_pages_batch", "try_to_migrate_one");
