/*
 * migrate_check.c: node discovery, thin move_pages/mbind wrappers and the migration oracle.
 * Kernel facts used (mm/migrate.c do_pages_move, the same in 6.12 and 7.2: 7.2 only dropped
 * an -EEXIST -> -EFAULT conversion of a code nothing returned): a page already on the target
 * node or successfully migrated gets the node in its status, a page that could not be queued
 * gets a negative errno, and when migration of a batch fails the call returns the number of
 * pages not migrated and leaves that batch's slots untouched. A status naming the target node
 * is therefore a promise that the page is there; this file checks it against the real node.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cycle.h"
#include "migrate_check.h"
#include "pagemap.h"
#include "report.h"
#include "thp_region.h"

#define EVIDENCE_MAX 8		/* pages quoted in full per class; the rest are counted */
#define MPOL_BIND_MODE 2	/* MPOL_BIND in include/uapi/linux/mempolicy.h */

int numa_memory_nodes(int *nodes, int max)
{
	char buf[512], *s, *end;
	int fd = open("/sys/devices/system/node/has_memory", O_RDONLY | O_CLOEXEC);
	ssize_t n;
	int count = 0;

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	/* Format "0-1,3" (Documentation/ABI/stable/sysfs-devices-node). */
	for (s = buf; *s && *s != '\n';) {
		long lo = strtol(s, &end, 10), hi = lo;

		if (end == s)
			return -EINVAL;
		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		for (; lo <= hi && count < max; lo++)
			nodes[count++] = (int)lo;
		s = *end == ',' ? end + 1 : end;
	}
	return count;
}

int numa_require_two(char *why, size_t why_len)
{
	int nodes[NUMA_MAX_NODES];
	int n = numa_memory_nodes(nodes, NUMA_MAX_NODES);

	if (n < 0) {
		snprintf(why, why_len, "cannot read /sys/devices/system/node/has_memory: %s",
			 strerror(-n));
		return n;
	}
	if (n < 2) {
		snprintf(why, why_len, "%d NUMA node(s) with memory; migration needs two", n);
		return 1;
	}
	return 0;
}

int migrate_cycle_setup(struct cycle_fixture *f, const char *op, char *why, size_t why_len)
{
	int ret = numa_require_two(why, why_len);

	if (ret)
		return ret == 1 ? THP_REGION_SKIP : ret;
	return cycle_setup(f, op, why, why_len);
}

int numa_other_node(int node)
{
	int nodes[NUMA_MAX_NODES] = { 0 };
	int i, n = numa_memory_nodes(nodes, NUMA_MAX_NODES);

	for (i = 0; i < n; i++)
		if (nodes[i] != node)
			return nodes[i];
	return -1;
}

int *move_pages_nodes(long nr, int target, int *status)
{
	int *nodes = malloc((size_t)nr * sizeof(*nodes));

	if (!nodes) {
		errno = ENOMEM;
		return NULL;
	}
	for (long i = 0; i < nr; i++) {
		nodes[i] = target;
		status[i] = MOVE_STATUS_UNSET;
	}
	return nodes;
}

long move_pages_call(void **pages, long nr, const int *nodes, int *status, int flags)
{
	return syscall(SYS_move_pages, 0, (unsigned long)nr, pages, nodes, status, flags);
}

long move_pages_to(void **pages, long nr, int target, int *status, int flags)
{
	int *nodes = move_pages_nodes(nr, target, status);
	long ret;

	if (!nodes)
		return -1;
	ret = move_pages_call(pages, nr, nodes, status, flags);
	free(nodes);
	return ret;
}

long mbind_to(void *p, size_t len, int target, unsigned int flags)
{
	unsigned long mask[NUMA_MAX_NODES / (8 * sizeof(unsigned long))] = { 0 };

	mask[target / (8 * sizeof(unsigned long))] |= 1UL << (target % (8 * sizeof(unsigned long)));
	/* maxnode counts bits; the kernel ignores the last one (get_nodes() in mempolicy.c). */
	return syscall(SYS_mbind, p, len, MPOL_BIND_MODE, mask, NUMA_MAX_NODES + 1UL, flags);
}

const char *status_errno_name(int status)
{
	if (status >= 0 || status == MOVE_STATUS_UNSET)
		return NULL;
	return strerrorname_np(-status);
}

/* Prints one evidence line unless this class already quoted EVIDENCE_MAX pages. */
static void evidence(const char *test, const char *what, long nth, const char *expected,
		     const char *actual, uintptr_t addr)
{
	if (nth <= EVIDENCE_MAX)
		report_evidence(test, what, expected, actual, addr);
}

static void node_text(char *buf, size_t len, int node)
{
	const char *name = status_errno_name(node);

	if (node >= 0)
		snprintf(buf, len, "node %d", node);
	else if (name)
		snprintf(buf, len, "no node (%s)", name);
	else
		snprintf(buf, len, "no node (%d)", node);
}

long move_check_status(const char *test, void *const *pages, const int *status, long nr,
		       int target, long ret, struct move_check *res)
{
	return move_check_status_flags(test, pages, status, nr, target, ret, 0, res);
}

/* The real node and pagemap entry of every page, each read in one pass. 0 or -errno. */
static int pages_now(void *const *pages, long nr, int **nodes, uint64_t **entries)
{
	int err;

	*nodes = malloc((size_t)(nr ? nr : 1) * sizeof(**nodes));
	*entries = malloc((size_t)(nr ? nr : 1) * sizeof(**entries));
	if (!*nodes || !*entries)
		err = -ENOMEM;
	else
		err = page_nodes(pages, nr, *nodes);
	if (!err)
		err = pagemap_entries_of(pages, nr, *entries);
	if (err) {
		free(*nodes);
		free(*entries);
	}
	return err;
}

long move_check_status_flags(const char *test, void *const *pages, const int *status, long nr,
			     int target, long ret, unsigned int flags, struct move_check *res)
{
	char exp[64], act[96];
	uint64_t *entries;
	int *nodes;
	long i;
	int err = pages_now(pages, nr, &nodes, &entries);

	memset(res, 0, sizeof(*res));
	if (err)
		return err;
	for (i = 0; i < nr; i++) {
		uintptr_t addr = (uintptr_t)pages[i];
		int st = status[i];
		int real = nodes[i];
		struct page_info pi;

		page_info_from_entry(entries[i], &pi);
		if (st == MOVE_STATUS_UNSET) {
			if (ret != 0) {
				res->unreported++;
				continue;
			}
			res->bad_status++;
			evidence(test, "move_pages returned 0 but left status unwritten",
				 res->bad_status, "a node or -errno", "no status", addr);
			continue;
		}
		if (st < 0) {
			if (status_errno_name(st)) {
				res->errors++;
				continue;
			}
			res->bad_status++;
			snprintf(act, sizeof(act), "%d", st);
			evidence(test, "move_pages status is no errno", res->bad_status,
				 "a node or a negative errno", act, addr);
			continue;
		}
		if (st != target) {
			/* A node status that is not the target must at least be the truth. */
			if (st == real)
				continue;
			res->bad_status++;
			snprintf(exp, sizeof(exp), "target node %d or real node", target);
			snprintf(act, sizeof(act), "status node %d, page really on ", st);
			node_text(act + strlen(act), sizeof(act) - strlen(act), real);
			evidence(test, "move_pages status names a wrong node", res->bad_status, exp,
				 act, addr);
			continue;
		}
		if (real != target) {
			/*
			 * Swapped out since the call (reclaim, or a racing MADV_PAGEOUT): the
			 * claim can no longer be checked, and no data was lost with it.
			 */
			if (real == -ENOENT && pi.swapped) {
				res->swapped_since++;
				continue;
			}
			if (flags & MOVE_CHECK_UNSTABLE) {
				res->unverifiable++;
				continue;
			}
			res->claims_moved++;
			snprintf(exp, sizeof(exp), "page on claimed node %d", st);
			snprintf(act, sizeof(act), "page on ");
			node_text(act + strlen(act), sizeof(act) - strlen(act), real);
			evidence(test, "move_pages claims moved", res->claims_moved, exp, act, addr);
			continue;
		}
		if (!pi.present) {
			if (flags & MOVE_CHECK_UNSTABLE) {
				res->unverifiable++;
				continue;
			}
			res->not_present++;
			evidence(test, "move_pages claims moved but pagemap shows no page",
				 res->not_present, "present", "not present", addr);
			continue;
		}
		res->moved++;
	}
	free(nodes);
	free(entries);
	report_check_long(test, "move_pages_claims_moved", 0, res->claims_moved);
	report_check_long(test, "move_pages_bad_status", 0, res->bad_status);
	report_check_long(test, "move_pages_claimed_not_present", 0, res->not_present);
	printf("# %s: move_pages ret=%ld pages=%ld moved=%ld errors=%ld unreported=%ld"
	       " swapped_since=%ld unverifiable=%ld\n", test, ret, nr, res->moved, res->errors,
	       res->unreported, res->swapped_since, res->unverifiable);
	return res->claims_moved + res->bad_status + res->not_present;
}

long pages_off_node(void *p, size_t len, int target, uintptr_t *first, int *first_node)
{
	long i, nr = (long)((len + PAGE_SIZE_4K - 1) / PAGE_SIZE_4K), off = 0;
	uint64_t *entries;
	void **pages;
	int *nodes, err;

	pages = calloc((size_t)(nr ? nr : 1), sizeof(*pages));
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < nr; i++)
		pages[i] = (char *)p + i * PAGE_SIZE_4K;
	err = pages_now(pages, nr, &nodes, &entries);
	free(pages);
	if (err)
		return err;
	for (i = 0; i < nr; i++) {
		struct page_info pi;

		page_info_from_entry(entries[i], &pi);
		if (!pi.present || nodes[i] == target)
			continue;
		if (!off++) {
			*first = (uintptr_t)p + (uintptr_t)i * PAGE_SIZE_4K;
			*first_node = nodes[i];
		}
	}
	free(nodes);
	free(entries);
	return off;
}
