/*
 * check_units: unit tests of the range readers the oracles use instead of page-by-page
 * reads: pagemap_entries_of and page_nodes must say for every page what pagemap_read and
 * page_node say for it alone (present, swapped, PFN, node or errno), across runs of
 * adjacent pages, gaps, an unmapped hole and a page never touched; kpageflags_range must equal
 * kpageflags_read word by word (root only); pagemap_is_thp_folio must accept an intact THP and
 * refuse 4 kB pages and a THP with a page zapped; vmstat_read_many and snapshots must agree
 * with each other and name an absent counter -1; hugetlb_meminfo_agrees must refuse a
 * difference in any one field.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hugetlb_pool.h"
#include "pagemap.h"
#include "pattern.h"
#include "thp_region.h"
#include "unit_tap.h"
#include "vmstat.h"

#define NR 16

static void pagemap_batch_matches_single(void)
{
	char *p = mmap(NULL, NR * PAGE_SIZE_4K, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* pages 0-5 and 9-13 in runs, 7 untouched, 8 unmapped, 15 twice, out of order */
	static const int idx[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 15, 15, 2 };
	void *pages[sizeof(idx) / sizeof(idx[0])];
	int n = (int)(sizeof(idx) / sizeof(idx[0]));
	uint64_t entries[sizeof(idx) / sizeof(idx[0])];
	int nodes[sizeof(idx) / sizeof(idx[0])];
	char exp[128] = "", act[128] = "";
	struct page_info one, many;
	int i, ok = 1, ret, nret;

	if (p == MAP_FAILED)
		exit(2);
	for (i = 0; i < NR; i++)
		if (i != 7)
			p[i * PAGE_SIZE_4K] = (char)i;
	munmap(p + 8 * PAGE_SIZE_4K, PAGE_SIZE_4K);
	for (i = 0; i < n; i++)
		pages[i] = p + idx[i] * PAGE_SIZE_4K + (i & 7);	/* not page aligned */
	ret = pagemap_entries_of(pages, n, entries);
	nret = page_nodes(pages, n, nodes);
	for (i = 0; !ret && !nret && i < n; i++) {
		int node = page_node(pages[i]);

		pagemap_read((uintptr_t)pages[i], &one);
		page_info_from_entry(entries[i], &many);
		if (one.present == many.present && one.swapped == many.swapped &&
		    one.pfn == many.pfn && node == nodes[i])
			continue;
		if (ok) {
			snprintf(exp, sizeof(exp), "page %d: present %d pfn 0x%" PRIx64 " node %d",
				 idx[i], one.present, one.pfn, node);
			snprintf(act, sizeof(act), "present %d pfn 0x%" PRIx64 " node %d",
				 many.present, many.pfn, nodes[i]);
		}
		ok = 0;
	}
	check(!ret && !nret && ok, "pagemap_entries_of and page_nodes say what single reads say",
	      exp, ret || nret ? "a batch read failed" : act);
	page_info_from_entry(entries[6], &many);
	check(!ret && !many.present && nodes[6] == -ENOENT && nodes[7] == -EFAULT,
	      "an untouched page is not present (-ENOENT), an unmapped one -EFAULT",
	      "present 0, -ENOENT, -EFAULT", many.present ? "present" : "other statuses");
	munmap(p, NR * PAGE_SIZE_4K);
}

static void kpageflags_range_matches_single(void)
{
	uint64_t range[NR], one;
	struct page_info pi;
	char *p = malloc(PAGE_SIZE_4K);
	int i, ok = 1;

	memset(p, 1, PAGE_SIZE_4K);
	if (pagemap_read((uintptr_t)p, &pi) || !pi.pfn || getuid()) {
		printf("ok %d # SKIP kpageflags_range: PFNs not visible (needs root)\n", ++n_test);
		free(p);
		return;
	}
	ok = !kpageflags_range(pi.pfn, NR, range);
	for (i = 0; ok && i < NR; i++)
		ok = !kpageflags_read(pi.pfn + (uint64_t)i, &one) && one == range[i];
	check(ok, "kpageflags_range equals kpageflags_read for 16 PFNs", "equal words",
	      "a word differs");
	free(p);
}

static void thp_folio_check(void)
{
	struct thp_region r;
	char why[256], *small;
	int intact, zapped, plain;

	if (getuid() || thp_region_map(&r, 1, thp_pmd_size(), 1, why, sizeof(why))) {
		printf("ok %d # SKIP pagemap_is_thp_folio: no THP or not root\n", ++n_test);
		return;
	}
	intact = pagemap_is_thp_folio((uintptr_t)r.base, r.folio_size);
	small = mmap(NULL, 64 * 1024, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		     0);
	madvise(small, 64 * 1024, MADV_NOHUGEPAGE);
	memset(small, 1, 64 * 1024);
	plain = pagemap_is_thp_folio((uintptr_t)small, 64 * 1024);
	madvise(r.base + 100 * PAGE_SIZE_4K, PAGE_SIZE_4K, MADV_DONTNEED);
	zapped = pagemap_is_thp_folio((uintptr_t)r.base, r.folio_size);
	check(intact == 1 && plain == 0 && zapped == 0,
	      "pagemap_is_thp_folio: intact THP 1, 4 kB pages 0, THP with a page zapped 0",
	      "1 0 0", intact == 1 && plain == 0 ? "zapped THP accepted" : "wrong verdict");
	munmap(small, 64 * 1024);
	thp_region_unmap(&r);
}

static void vmstat_readers_agree(void)
{
	static const char *const names[] = { "nr_free_pages", "no_such_counter_here",
					     "pgfault" };
	struct vmstat_snapshot *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	long long v[3], fault_before, fault_after;
	int found, n;

	n = vmstat_snapshot_take(a);
	found = vmstat_read_many(names, v, 3);
	vmstat_snapshot_take(b);
	fault_before = vmstat_snapshot_get(a, "pgfault");
	fault_after = vmstat_snapshot_get(b, "pgfault");
	check(n > 50 && found == 2 && v[1] == -1 && v[0] > 0 && v[2] >= fault_before &&
	      v[2] <= fault_after && vmstat_read("pgfault") >= v[2],
	      "vmstat_read_many: two of three found, the absent one -1, values between snapshots",
	      "2 found, -1, in range", "otherwise");
	/* a counter moved to another index still pairs with itself */
	b->count = 2;
	snprintf(b->names[0], sizeof(b->names[0]), "pgfault");
	b->values[0] = fault_before + 5;
	snprintf(b->names[1], sizeof(b->names[1]), "only_after");
	b->values[1] = 9;
	check(vmstat_delta(a, b, "pgfault") == 5 && vmstat_delta(a, b, "only_after") == 0 &&
	      vmstat_snapshot_get(b, "missing") == -1,
	      "vmstat_delta pairs counters by name, not position; missing ones give 0",
	      "5, 0, -1", "otherwise");
	free(a);
	free(b);
}

static void meminfo_agrees_each_field(void)
{
	const struct hugetlb_meminfo before = { 16, 16, 0, 0, 0, 2048 };
	struct hugetlb_meminfo want, after = before;
	long long *fields[] = { &after.total, &after.free, &after.rsvd, &after.surp,
				&after.hwcorrupt_kb };
	int i, ok;

	hugetlb_poison_expected(1, 0, &want);
	after.free -= 1;
	after.hwcorrupt_kb += 4;
	ok = hugetlb_meminfo_agrees(&before, &after, &want);
	for (i = 0; i < 5; i++) {
		(*fields[i])++;
		ok &= !hugetlb_meminfo_agrees(&before, &after, &want);
		(*fields[i])--;
	}
	check(ok, "hugetlb_meminfo_agrees: the expected deltas agree, one field off does not",
	      "agree, then 5 disagreements", "otherwise");
}

int main(void)
{
	pagemap_batch_matches_single();
	kpageflags_range_matches_single();
	thp_folio_check();
	vmstat_readers_agree();
	meminfo_agrees_each_field();
	printf("1..%d\n", n_test);
	return n_failed != 0;
}
