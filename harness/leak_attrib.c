// SPDX-License-Identifier: GPL-2.0
/*
 * leak_attrib.c - whose is a residual. The leak counters are system-wide: in busy mode an
 * excess or a growth of them is the workload's leak only when page_owner holds a user page
 * table or anonymous folio of the workload's pids (the run's, or the growth window's).
 * Anything else is a note: page_owner holds none of them (another task's, a free still
 * deferred), or page_owner cannot be read (a host booted without page_owner=on), where
 * nothing ties the movement to the workload.
 *
 * Seen on a shared 6.18 host (docs/protocol.md, "Leak oracle"): a process beside the harness
 * faulting in one THP every 40 ms showed as +1 THP and +1 deposited page table on nearly
 * every run, a steady growth (t=inf) on 22 of 42 cases of thp_munmap; page tables freed
 * through RCU after the drain's grace period showed as +10..+30 on a quiet host, summed into
 * a growth on 11 cases. A counter alone cannot tell either from a leak.
 */
#include <string.h>

#include "splitfail.h"

/* Evidence whose "leak: " and "leak (growth): " lines become unattributed notes. */
void leak_unattribute(char *ev, size_t evlen)
{
	static const char *const from[] = { "leak: ", "leak (growth): " };
	static const char *const to[] = { "residual (unattributed): ", "growth (unattributed): " };
	char out[4096], *p = ev;

	out[0] = '\0';
	for (;;) {
		char *hit = NULL;
		int k = 0;

		for (int i = 0; i < 2; i++) {
			char *h = strstr(p, from[i]);

			if (h && (!hit || h < hit)) {
				hit = h;
				k = i;
			}
		}
		if (!hit)
			break;
		sf_appendf(out, sizeof(out), "%.*s%s", (int)(hit - p), p, to[k]);
		p = hit + strlen(from[k]);
	}
	sf_appendf(out, sizeof(out), "%s", p);
	snprintf(ev, evlen, "%s", out);
}

/*
 * Busy mode: 1 when page_owner (read with result po, -1 = not read or not readable) holds
 * user pages of the workload's pids; else the leak lines of ev become notes, with why, and 0.
 * whose names the pids ("this run's", "the growth window's").
 */
int leak_busy_owned(int po, long long user_pages, int page_owner_on, const char *whose,
		    char *ev, size_t evlen)
{
	if (po == 0 && user_pages > 0)
		return 1;
	leak_unattribute(ev, evlen);
	if (po == 0)
		sf_appendf(ev, evlen,
			   "not judged a leak (busy mode): page_owner holds no user page table or anonymous folio of %s pids; ",
			   whose);
	else
		sf_appendf(ev, evlen,
			   "not judged a leak (busy mode): system-wide counters, not attributable to the workload without page_owner (%s); other tasks, khugepaged and DAMON move them; ",
			   page_owner_on ? "not readable" : "[leak] page_owner = no");
	return 0;
}
