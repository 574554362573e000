// SPDX-License-Identifier: GPL-2.0
/*
 * page_owner.c - who allocated the pages a run left behind.
 *
 * With `page_owner=on` on the kernel command line (CONFIG_PAGE_OWNER), reading
 * /sys/kernel/debug/page_owner lists every page still allocated, one record each
 * (mm/page_owner.c print_page_owner):
 *
 *   Page allocated via order 0, mask 0x...(GFP_...), pid 612, tgid 612 (thp_pinned), ts ... ns
 *   PFN 0x4c2a1 type Unmovable Block 609 type Unmovable Flags 0x...(...)
 *    post_alloc_hook+0x.../0x...
 *    ...stack, one frame a line...
 *   [Page has been migrated, last migrate reason: ...]   [Charged to memcg ...]
 *   (blank line)
 *
 * After a run whose counters did not come back, the records of the workload's pids (its
 * own pid up to the last pid handed out when it ended: its forked children and threads;
 * less the tasks of that range still alive, which hold their pages: page_owner_live.c)
 * are grouped by allocating stack, the allocator's own frames left out, and each group is
 * classed by the first frame that tells: slab, file (page cache, readahead), page-table,
 * anon (anonymous folios) or other. Page-table and anon groups come first in the evidence,
 * the largest first, so a FAIL names the function that leaked (pte_alloc_one <-
 * copy_huge_pmd).
 * Reading the whole file costs seconds under TCG: only done when a counter is off.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "splitfail.h"

#define PO_FRAMES	5

struct po_rec {
	long long pid, tgid;
	int order;
	int in;				/* inside a record */
	int frames;
	char stack[512];
	char kind[12];
};

/* The allocator's own frames, which every stack shares. */
static int allocator_frame(const char *fn)
{
	static const char *const prefixes[] = { "post_alloc_hook", "get_page_from_freelist",
						"prep_new_page", "__alloc_pages", "alloc_pages",
						"__alloc_frozen_pages", "alloc_frozen_pages",
						"__folio_alloc", "folio_alloc", "pagetable_alloc",
						"__pagetable_alloc", "alloc_pages_mpol",
						"__alloc_pages_slowpath", NULL };

	for (int i = 0; prefixes[i]; i++)
		if (!strncmp(fn, prefixes[i], strlen(prefixes[i])))
			return 1;
	return 0;
}

/* Classes by the first frame (top down) that names one; "other" until then. */
static const struct {
	const char *kind;
	const char *needles[8];
} classes[] = {
	{ "slab", { "alloc_slab_page", "new_slab", "kmalloc_large" } },
	{ "file", { "page_cache_ra", "ractl_", "filemap_", "readahead" } },
	{ "page-table", { "pte_alloc", "pmd_alloc", "pud_alloc", "p4d_alloc", "pgd_alloc" } },
	{ "anon", { "anon", "vma_alloc_folio", "folio_prealloc", "wp_page_copy", "do_huge_pmd",
		    "alloc_migration_target", "alloc_charge_folio", "do_swap_page" } },
};

static void classify(struct po_rec *r, const char *fn)
{
	if (strcmp(r->kind, "other"))
		return;
	if (strstr(fn, "alloc") && strstr(fn, "kernel")) {	/* vmalloc, set_memory */
		snprintf(r->kind, sizeof(r->kind), "kernel-pt");
		return;
	}
	for (size_t c = 0; c < sizeof(classes) / sizeof(classes[0]); c++)
		for (int i = 0; i < 8 && classes[c].needles[i]; i++)
			if (strstr(fn, classes[c].needles[i])) {
				snprintf(r->kind, sizeof(r->kind), "%s", classes[c].kind);
				return;
			}
}

static void add_frame(struct po_rec *r, const char *line)
{
	char fn[128];
	size_t n;

	while (*line == ' ' || *line == '\t')
		line++;
	n = strcspn(line, "+ \n");
	if (!n)
		return;
	snprintf(fn, sizeof(fn), "%.*s", (int)(n < sizeof(fn) ? n : sizeof(fn) - 1), line);
	classify(r, fn);
	if (r->frames >= PO_FRAMES || (!r->frames && allocator_frame(fn)))
		return;
	sf_appendf(r->stack, sizeof(r->stack), "%s%s", r->frames ? " <- " : "", fn);
	r->frames++;
}

static void commit(struct po_report *rep, struct po_rec *r, const struct po_pids *p)
{
	long long pages = 1LL << r->order;
	int i;

	r->in = 0;
	rep->records++;
	if (!((r->pid >= p->lo && r->pid <= p->hi) || (r->tgid >= p->lo && r->tgid <= p->hi)))
		return;
	/* a task still alive holds what it allocated: in use, not leaked (page_owner_live.c) */
	if (page_owner_pid_live(p, r->pid) || page_owner_pid_live(p, r->tgid)) {
		rep->live_pages += pages;
		return;
	}
	rep->matched += pages;
	for (i = 0; i < rep->n; i++)
		if (!strcmp(rep->g[i].stack, r->stack))
			break;
	if (i == rep->n) {
		if (rep->n == (int)(sizeof(rep->g) / sizeof(rep->g[0]))) {
			rep->other_pages += pages;
			return;
		}
		memset(&rep->g[i], 0, sizeof(rep->g[i]));
		snprintf(rep->g[i].stack, sizeof(rep->g[i].stack), "%s",
			 r->stack[0] ? r->stack : "(no stack)");
		snprintf(rep->g[i].kind, sizeof(rep->g[i].kind), "%s", r->kind);
		rep->n++;
	}
	rep->g[i].pages += pages;
	rep->g[i].records++;
}

/*
 * Parse page_owner text; keep the records of pids (or tgids) in [pids->lo, pids->hi], those
 * of the range's live tasks counted apart (live_pages).
 */
int page_owner_parse(FILE *f, const struct po_pids *pids, struct po_report *rep)
{
	static struct po_rec r;
	char line[1024];
	const char *p;

	memset(rep, 0, sizeof(*rep));
	memset(&r, 0, sizeof(r));
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Page allocated via order ", 25)) {
			if (r.in)
				commit(rep, &r, pids);
			memset(&r, 0, sizeof(r));
			r.in = 1;
			r.pid = r.tgid = -1;
			snprintf(r.kind, sizeof(r.kind), "other");
			r.order = atoi(line + 25);
			if (r.order < 0 || r.order > 20)
				r.order = 0;
			p = strstr(line, ", pid ");
			if (p)
				r.pid = atoll(p + 6);
			p = strstr(line, ", tgid ");
			if (p)
				r.tgid = atoll(p + 7);
		} else if (!r.in) {
			continue;
		} else if (line[0] == '\n') {
			commit(rep, &r, pids);
		} else if (line[0] == ' ' || line[0] == '\t') {
			add_frame(&r, line);
		}
	}
	if (r.in)
		commit(rep, &r, pids);
	return ferror(f) ? -EIO : 0;
}

static int rank(const struct po_group *g)
{
	return !strcmp(g->kind, "page-table") ? 0 : !strcmp(g->kind, "anon") ? 1 : 2;
}

static int group_cmp(const void *a, const void *b)
{
	const struct po_group *x = a, *y = b;

	if (rank(x) != rank(y))
		return rank(x) - rank(y);
	return x->pages < y->pages ? 1 : x->pages > y->pages ? -1 : 0;
}

/* The top groups, page-table and anon first, as one line of evidence. */
void page_owner_format(const struct po_report *rep, int top, char *out, size_t len)
{
	struct po_group g[sizeof(rep->g) / sizeof(rep->g[0])];
	int n = rep->n;

	memcpy(g, rep->g, sizeof(g[0]) * n);
	qsort(g, n, sizeof(g[0]), group_cmp);
	snprintf(out, len, "%lld page(s) of %lld record(s) still allocated by the workload's pids, %d stack(s)",
		 rep->matched, rep->records, n);
	for (int i = 0; i < n && i < top; i++)
		sf_appendf(out, len, "%s %lld %s page(s) in %lld record(s) from %s", i ? ";" : ":",
			   g[i].pages, g[i].kind, g[i].records, g[i].stack);
	if (n > top)
		sf_appendf(out, len, "; %d more stack(s)", n - top);
}

/* Pages of the kinds the leak counters count: user page tables and anonymous folios. */
long long page_owner_user_pages(const struct po_report *rep)
{
	long long n = 0;

	for (int i = 0; i < rep->n; i++)
		if (rank(&rep->g[i]) < 2)
			n += rep->g[i].pages;
	return n;
}

/* Read <root>/sys/kernel/debug/page_owner and put the top stacks into ev. */
int page_owner_scan(const char *root, long long pid_lo, long long pid_hi, char *ev, size_t len,
		    double *seconds, long long *user_pages)
{
	struct po_pids pids = { .lo = pid_lo, .hi = pid_hi };
	static struct po_report rep;
	char path[SF_PATH_MAX], line[1536];
	double t0 = sf_now();
	FILE *f;
	int ret;

	*seconds = 0;
	*user_pages = 0;
	leak_lru_drain(root);	/* LRU batches keep freed folios allocated */
	sf_path(path, sizeof(path), root, "/sys/kernel/debug/page_owner");
	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		sf_appendf(ev, len, "page_owner: not available (%s: %s; boot with page_owner=on); ",
			   path, strerror(-ret));
		return ret;
	}
	page_owner_live(root, &pids);
	ret = page_owner_parse(f, &pids, &rep);
	fclose(f);
	*seconds = sf_now() - t0;
	*user_pages = page_owner_user_pages(&rep);
	page_owner_format(&rep, 3, line, sizeof(line));
	sf_appendf(ev, len, "page_owner (pids %lld..%lld, read in %.1f s): %s; ", pid_lo, pid_hi,
		   *seconds, line);
	if (pids.n_live)
		sf_appendf(ev, len,
			   "left out: %lld page(s) allocated by %d task(s) of the range still alive (%s): in use, not leaked; ",
			   rep.live_pages, pids.n_live, pids.live_desc);
	page_owner_pids_free(&pids);
	return ret;
}
