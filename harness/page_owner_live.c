// SPDX-License-Identifier: GPL-2.0
/*
 * page_owner_live.c - which pids of a page_owner scan's range are still alive.
 *
 * The scan attributes a page to the run when page_owner says one of the run's pids (the
 * workload's pid up to the last pid handed out when it ended) allocated it and it is still
 * allocated. That is only a leak when the task that allocated it is gone: any other task that
 * forked inside the range and still runs (a guest job's `sleep` of a keep-alive loop, a
 * process still exiting) holds its page tables and anonymous pages legitimately. Seen: a
 * `sleep 20` started while a thp_fork_cow run was judged, its 2 PUD, 3 PMD and 3 PTE tables
 * named as the run's leak (docs/protocol.md "Leak oracle"). A pid whose /proc/<pid> exists
 * (a thread's too, zombies included) is alive; its pages are counted apart and named.
 */
#include <stdlib.h>
#include <string.h>

#include "splitfail.h"

#define PO_LIVE_SCAN_MAX	65536	/* pids looked at from lo; a wrapped range stops there */

static void add_live(struct po_pids *p, long long pid, const char *comm)
{
	long long *n = realloc(p->live, sizeof(*n) * (p->n_live + 1));

	if (!n)
		return;
	p->live = n;
	p->live[p->n_live++] = pid;	/* ascending: pids are visited in order */
	sf_appendf(p->live_desc, sizeof(p->live_desc), "%s%lld %s", p->n_live > 1 ? ", " : "",
		   pid, comm);
}

/* Fill p->live with the pids of [p->lo, p->hi] that <root>/proc still shows. */
void page_owner_live(const char *root, struct po_pids *p)
{
	char rel[64], path[SF_PATH_MAX], comm[32];

	p->live = NULL;
	p->n_live = 0;
	p->live_desc[0] = '\0';
	for (long long pid = p->lo; pid > 0 && pid <= p->hi && pid - p->lo < PO_LIVE_SCAN_MAX;
	     pid++) {
		FILE *f;

		snprintf(rel, sizeof(rel), "/proc/%lld/comm", pid);
		sf_path(path, sizeof(path), root, rel);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (!fgets(comm, sizeof(comm), f))
			snprintf(comm, sizeof(comm), "?");
		fclose(f);
		comm[strcspn(comm, "\n")] = '\0';
		add_live(p, pid, comm);
	}
}

void page_owner_pids_free(struct po_pids *p)
{
	free(p->live);
	p->live = NULL;
	p->n_live = 0;
}

/* 1 when pid is one of the range's live tasks. */
int page_owner_pid_live(const struct po_pids *p, long long pid)
{
	int lo = 0, hi = p->n_live - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;

		if (p->live[mid] == pid)
			return 1;
		if (p->live[mid] < pid)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return 0;
}
