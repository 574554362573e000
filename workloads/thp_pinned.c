// SPDX-License-Identifier: GPL-2.0
/*
 * thp_pinned: split operations on THP memory that is pinned: registered as an io_uring fixed
 * buffer (io_uring_register_buffers, a FOLL_LONGTERM pin) or spliced into a pipe with
 * vmsplice. Partial munmap, mprotect, MADV_PAGEOUT (needs swap), move_pages (needs two nodes)
 * and fork run on the pinned region while io-wq workers copy from the pinned pages
 * (WRITE_FIXED with IOSQE_ASYNC to a memfd, in flight across the operation).
 * A pinned folio cannot be split (the split sees the extra references: -EAGAIN,
 * thp_split_page_failed / per-size split_failed) nor migrated; the operation must then retry
 * or report an error, never leave the kernel and userspace looking at different pages.
 * Oracle (workloads/lib/pin_check.h), after every operation:
 *  - the writes in flight during the operation carried the data held at pin time;
 *  - the operation's own promise (hole unmapped, protection changed, status truthful, child
 *    exited cleanly) and the pattern everywhere still mapped;
 *  - fixed buffer: after userspace writes new data into the still-writable part, WRITE_FIXED
 *    of the whole buffer to the file must show exactly what userspace sees where mapped and
 *    the data at pin time where unmapped (the pin keeps those pages); READ_FIXED of fresh
 *    data from the file must then appear in userspace memory wherever it is mapped;
 *  - vmsplice: the pipe must return the data at splice time, equal to userspace's view of
 *    the still-mapped part.
 * Kernel paths: io_sqe_buffer_register (pin_user_pages_fast FOLL_LONGTERM), iter_to_pipe,
 * __split_huge_pmd, __split_vma, split_huge_page_to_list_to_order (6.12; __folio_split on 7.x,
 * where the former is an inline wrapper; can_split_folio fails on pins), madvise_cold_or_pageout_pte_range, try_to_unmap_one (keeps pinned anon pages),
 * migrate_pages_batch / migrate_folio_unmap (pinned: -EAGAIN), copy_huge_pmd and
 * copy_present_page (fork copies pinned anon pages eagerly).
 * Guards seed 001 (fallible PMD split must be reported, not skipped) where pins make splits
 * fail today.
 */
#include <errno.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "workload.h"
#include "cow_check.h"
#include "cycle.h"
#include "migrate_check.h"
#include "pin_check.h"
#include "pin_pipe.h"
#include "pin_uring.h"
#include "swap.h"
#include "thp_stats.h"

#define MPOL_MF_MOVE_FLAG (1 << 1)	/* MPOL_MF_MOVE, include/uapi/linux/mempolicy.h */
#define INFLIGHT_WRITES 4		/* WRITE_FIXED in flight across the operation */
#define USER_SEED_XOR 0x5a5a5a5a5a5a5a5aULL	/* data userspace writes after the operation */
#define KERNEL_SEED_ADD 0x3333		/* data READ_FIXED brings in */

enum pin_kind {
	PIN_FIXED,	/* io_uring fixed buffer */
	PIN_VMSPLICE,	/* pipe references from vmsplice */
};

enum pin_op {
	OP_MUNMAP,
	OP_MPROTECT,
	OP_PAGEOUT,
	OP_MOVE_PAGES,
	OP_FORK,
};

FIXTURE(thp_pinned) {
	struct cycle_fixture f;
};

FIXTURE_VARIANT(thp_pinned) {
	struct thp_kind kind;
	enum pin_kind pin;
};

FIXTURE_VARIANT_ADD(thp_pinned, fixed_pmd) { .pin = PIN_FIXED };
FIXTURE_VARIANT_ADD(thp_pinned, fixed_pte_mapped) { .kind = { .pte_mapped = 1 } };
FIXTURE_VARIANT_ADD(thp_pinned, fixed_mthp_64k) { .kind = { .folio_kb = 64 } };
FIXTURE_VARIANT_ADD(thp_pinned, vmsplice_pmd) { .pin = PIN_VMSPLICE };
FIXTURE_VARIANT_ADD(thp_pinned, vmsplice_pte_mapped)
{
	.kind = { .pte_mapped = 1 }, .pin = PIN_VMSPLICE
};
FIXTURE_VARIANT_ADD(thp_pinned, vmsplice_mthp_64k)
{
	.kind = { .folio_kb = 64 }, .pin = PIN_VMSPLICE
};

FIXTURE_SETUP(thp_pinned)
{
	char why[256];
	int ret;

	SF_TEST_ID(self->f.test);
	if (!strcmp(_metadata->name, "pageout") && swap_free_kb(why, sizeof(why)) <= 0)
		SKIP(return, "%s", why);
	if (!strcmp(_metadata->name, "move_pages")) {
		ret = numa_require_two(why, sizeof(why));
		if (ret == 1)
			SKIP(return, "%s", why);
		ASSERT_EQ(0, ret) TH_LOG("%s", why);
	}
	ret = cycle_setup(&self->f, _metadata->name, why, sizeof(why));
	if (ret == KSFT_SKIP)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
}

FIXTURE_TEARDOWN(thp_pinned)
{
	cycle_teardown(&self->f);
}

/* What one test case's cycles found, reported once at its end. */
struct pin_ctx {
	struct window *w;
	const char *test;
	enum pin_kind pin;
	enum pin_op op;
	struct pin_uring ring;
	char *snap;		/* the region's data at pin time */
	size_t snap_len;
	char why[256];		/* why a cycle stopped (skip or error) */
	int skip;		/* a cycle found the pin unavailable: SKIP with why */
	long op_errors;		/* the operation returned an error */
	long io_errors;		/* in-flight WRITE_FIXED that failed (explicit errors) */
	long op_broken;		/* the operation's own promise broken (pages or children) */
	long corrupt;		/* userspace pages whose data changed */
	long stale;		/* pages where the kernel's view differs from what it should be */
	long lost;		/* pages where data the kernel wrote did not appear in userspace */
	long resident;		/* pageout: pages still present (pinned pages may stay) */
	long moved;		/* move_pages: pages that moved */
	long not_moved;		/* move_pages: pages reported as not moved (errors, ret > 0) */
};

/* The operation under test, inside the window. Sets *state of the range. Returns 0 or -errno. */
static int pin_op_run(struct pin_ctx *c, struct thp_region *r, char *start, size_t len,
		      enum pin_piece_state *state)
{
	struct cow_plan plan = {
		.base = r->base, .len = r->len, .seed = r->seed, .writers = COW_CHILD_WRITES,
		.write_off = (size_t)(start - r->base), .write_len = len, .nr_children = 1,
	};
	struct cow_outcome out;
	struct move_check mc;
	long ret = 0, i, nr = (long)(len / PAGE_SIZE_4K);
	int err = 0, *status, *nodes;
	void **pages;

	*state = PIN_PIECE_RW;
	switch (c->op) {
	case OP_MUNMAP:
	case OP_MPROTECT:
	case OP_PAGEOUT:
		window_arm(c->w);
		if (c->op == OP_MUNMAP)
			ret = munmap(start, len);
		else if (c->op == OP_MPROTECT)
			ret = mprotect(start, len, PROT_READ);
		else
			ret = madvise(start, len, MADV_PAGEOUT);
		err = ret ? errno : 0;
		window_disarm(c->w, ret, err);
		if (ret) {
			c->op_errors++;
			if (c->op == OP_MPROTECT) {
				/* either protection is allowed after a failure: never write there */
				*state = PIN_PIECE_RO;
				c->op_broken += oracle_prot_either(c->test, start, len, PROT_READ,
								   PROT_READ | PROT_WRITE);
			} else if (c->op == OP_MUNMAP) {
				c->op_broken += oracle_prot(c->test, start, len,
							    PROT_READ | PROT_WRITE);
			}
			return 0;
		}
		if (c->op == OP_MUNMAP) {
			*state = PIN_PIECE_GONE;
			c->op_broken += oracle_unmapped(c->test, start, len);
		} else if (c->op == OP_MPROTECT) {
			*state = PIN_PIECE_RO;
			c->op_broken += oracle_prot(c->test, start, len, PROT_READ);
		} else {
			c->resident += pagemap_count_present((uintptr_t)start, len, NULL);
		}
		return 0;
	case OP_MOVE_PAGES:
		pages = calloc((size_t)nr, sizeof(*pages));
		status = calloc((size_t)nr, sizeof(*status));
		if (!pages || !status) {
			free(pages);
			free(status);
			return -ENOMEM;
		}
		for (i = 0; i < nr; i++)
			pages[i] = start + i * PAGE_SIZE_4K;
		i = numa_other_node(page_node(r->base));
		nodes = move_pages_nodes(nr, (int)i, status);	/* written before the window */
		if (!nodes) {
			free(pages);
			free(status);
			return -ENOMEM;
		}
		window_arm(c->w);
		ret = move_pages_call(pages, nr, nodes, status, MPOL_MF_MOVE_FLAG);
		err = ret < 0 ? errno : 0;
		window_disarm(c->w, ret, err);
		free(nodes);
		printf("# %s: move_pages of %ld pinned pages to node %ld: ret=%ld errno=%s\n",
		       c->test, nr, i, ret, err ? strerrorname_np(err) : "0");
		ret = move_check_status(c->test, pages, status, nr, (int)i, ret, &mc);
		free(pages);
		free(status);
		if (ret < 0)
			return (int)ret;
		c->op_broken += ret;
		c->moved += mc.moved;
		c->not_moved += mc.errors + mc.unreported;
		return 0;
	case OP_FORK:
		ret = cow_run(c->test, &plan, c->w, &out);
		if (ret < 0)
			return (int)ret;
		c->op_broken += ret;
		c->op_errors += out.fork_ret < 0;
		return 0;
	}
	return -EINVAL;
}

/* Pin the region. Returns 0, THP_REGION_SKIP (c->skip, reason in c->why) or -errno. */
static int pin_take(struct pin_ctx *c, struct thp_region *r, struct pin_pipe *pp)
{
	int ret;

	if (c->pin == PIN_VMSPLICE)
		ret = pin_pipe_splice(pp, r->base, r->len, c->why, sizeof(c->why));
	else if (c->ring.ring_ready && c->ring.len != r->len)
		ret = -EINVAL;
	else if (!c->ring.ring_ready)
		ret = pin_uring_open(&c->ring, r->len, c->why, sizeof(c->why));
	else
		ret = 0;
	if (!ret && c->pin == PIN_FIXED) {
		ret = pin_uring_register(&c->ring, r->base);
		if (ret == -EPERM || ret == -ENOSYS) {
			snprintf(c->why, sizeof(c->why), "io_uring_register_buffers: %s",
				 strerrorname_np(-ret));
			ret = THP_REGION_SKIP;
		} else if (ret) {
			snprintf(c->why, sizeof(c->why), "io_uring_register_buffers: %s",
				 strerror(-ret));
		}
	}
	if (ret == THP_REGION_SKIP)
		c->skip = 1;
	return ret;
}

/* One pinned cycle: pin, writes in flight, operation in the window, oracles, unpin. */
static int pinned_cycle(struct thp_region *r, enum layout l, void *arg)
{
	struct pin_ctx *c = arg;
	struct pin_pipe pp;
	struct pin_piece pc[3];
	struct pin_verdict v = { 0, 0 };
	char *start;
	size_t len;
	long io;
	int i, ret;

	memset(&pp, 0, sizeof(pp));
	memset(pp.fds, -1, sizeof(pp.fds));
	if (layout_range(r, l, &start, &len))
		return -EINVAL;
	if (c->snap_len != r->len) {
		thp_scratch_free(c->snap, c->snap_len);
		c->snap = thp_scratch_alloc(r->len);
		c->snap_len = c->snap ? r->len : 0;
		if (!c->snap)
			return -ENOMEM;
	}
	memcpy(c->snap, r->base, r->len);
	ret = pin_take(c, r, &pp);
	if (ret)
		return ret == THP_REGION_SKIP ? -ECANCELED : ret;
	if (c->pin == PIN_FIXED) {
		ret = pin_uring_write_async(&c->ring, INFLIGHT_WRITES);
		if (ret < 0) {
			snprintf(c->why, sizeof(c->why), "submitting WRITE_FIXED: %s",
				 strerror(-ret));
			goto out;
		}
	}
	pc[0] = (struct pin_piece){ r->base, (size_t)(start - r->base), PIN_PIECE_RW };
	pc[1] = (struct pin_piece){ start, len, PIN_PIECE_RW };
	pc[2] = (struct pin_piece){ start + len, (size_t)(r->base + r->len - start - len),
				    PIN_PIECE_RW };
	ret = pin_op_run(c, r, start, len, &pc[1].state);
	if (c->pin == PIN_FIXED) {
		io = pin_uring_reap(&c->ring, c->test, "WRITE_FIXED in flight");
		if (io < 0 || (!io && pin_uring_read_file(&c->ring)))
			ret = ret ? ret : -EIO;
		else if (io)
			c->io_errors += io;
		else
			c->stale += pin_check_range(c->test, "in-flight WRITE_FIXED vs data pinned",
						    (uintptr_t)r->base, c->snap, c->ring.view,
						    r->len);
	}
	if (ret) {
		snprintf(c->why, sizeof(c->why), "%s", strerror(-ret));
		goto out;
	}
	for (i = 0; i < 3; i++)
		if (pc[i].state != PIN_PIECE_GONE)
			c->corrupt += oracle_pattern(c->test, "after the operation", pc[i].p,
						     pc[i].len, r->seed);
	if (c->pin == PIN_FIXED)
		ret = pin_check_fixed(c->test, &c->ring, c->snap, pc, 3, r->seed ^ USER_SEED_XOR,
				      r->seed + KERNEL_SEED_ADD, &v, c->why, sizeof(c->why));
	else
		ret = pin_check_pipe(c->test, &pp, r->base, c->snap, pc, 3, &v, c->why,
				     sizeof(c->why));
	c->stale += v.stale;
	c->lost += v.lost;
out:
	if (c->pin == PIN_FIXED)
		pin_uring_unregister(&c->ring);
	else
		pin_pipe_close(&pp);
	return ret;
}

/* "+<after - before>", or "n/a" when this kernel has no such counter. */
static const char *counter_delta(long long before, long long after, char *buf, size_t len)
{
	if (before < 0 || after < 0)
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "+%lld", after - before);
	return buf;
}

static void run_pinned(struct __test_metadata *_metadata, FIXTURE_DATA(thp_pinned) *self,
		       const FIXTURE_VARIANT(thp_pinned) *variant, enum pin_op op, enum layout l)
{
	struct pin_ctx c = { .w = &self->f.w, .test = self->f.test, .pin = variant->pin,
			     .op = op, .ring = { .file_fd = -1 } };
	size_t folio = variant->kind.folio_kb ? variant->kind.folio_kb << 10 : thp_pmd_size();
	long long failed0 = vmstat_read("thp_split_page_failed");
	long long size_failed0 = thp_size_stat(folio, "split_failed");
	char why[256], d1[32], d2[32];
	int ret;

	self->f.check_pfns = 1;	/* every folio freed once unmapped and unpinned (pfn_freed.h) */
	ret = cycle_run(&self->f, &variant->kind, l, pinned_cycle, &c, why, sizeof(why));
	pin_uring_close(&c.ring);
	thp_scratch_free(c.snap, c.snap_len);
	if (ret == THP_REGION_SKIP)
		SKIP(return, "%s", why);
	if (c.skip)
		SKIP(return, "%s", c.why);
	ASSERT_EQ(0, ret) TH_LOG("%s: %s", why, c.why);
	printf("# %s: split failures: thp_split_page_failed=%s split_failed[%zukB]=%s;"
	       " explicit errors: op=%ld io_uring=%ld pages_not_moved=%ld; moved=%ld"
	       " resident_after_pageout=%ld\n", self->f.test,
	       counter_delta(failed0, vmstat_read("thp_split_page_failed"), d1, sizeof(d1)),
	       folio >> 10,
	       counter_delta(size_failed0, thp_size_stat(folio, "split_failed"), d2, sizeof(d2)),
	       c.op_errors, c.io_errors, c.not_moved, c.moved, c.resident);
	EXPECT_EQ(0, report_check_zero(self->f.test, "pages_op_promise_broken", c.op_broken));
	EXPECT_EQ(0, report_check_zero(self->f.test, "pages_corrupted", c.corrupt));
	EXPECT_EQ(0, report_check_zero(self->f.test, "pages_kernel_view_stale", c.stale));
	EXPECT_EQ(0, report_check_zero(self->f.test, "pages_kernel_write_lost", c.lost));
	EXPECT_EQ(0, pfn_watch_report(&self->f.pfns, self->f.test));
}

TEST_F(thp_pinned, munmap) { run_pinned(_metadata, self, variant, OP_MUNMAP, LAYOUT_MIDDLE); }
TEST_F(thp_pinned, mprotect) { run_pinned(_metadata, self, variant, OP_MPROTECT, LAYOUT_MIDDLE); }
TEST_F(thp_pinned, pageout) { run_pinned(_metadata, self, variant, OP_PAGEOUT, LAYOUT_MIDDLE); }
TEST_F(thp_pinned, fork) { run_pinned(_metadata, self, variant, OP_FORK, LAYOUT_MIDDLE); }
TEST_F(thp_pinned, move_pages)
{
	run_pinned(_metadata, self, variant, OP_MOVE_PAGES, LAYOUT_HEAD);
}

SPLITFAIL_MAIN("io_sqe_buffer_register", "__split_huge_pmd", "__split_vma",
	       "split_huge_page_to_list_to_order", "__folio_split",
	       "madvise_cold_or_pageout_pte_range",
	       "try_to_unmap_one", "migrate_pages_batch", "migrate_folio_unmap", "copy_huge_pmd",
	       "copy_present_page", "iter_to_pipe");
