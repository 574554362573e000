// SPDX-License-Identifier: GPL-2.0
/*
 * kmsg.c - the kernel log since the harness started: /dev/kmsg opened non-blocking and
 * positioned at its end, then drained after each run. Lines matching the bug patterns
 * from mm's own checks are returned as hits.
 * Stall reports (RCU stall, soft lockup, hung task) are hits too, except in a guest under
 * software emulation (`splitfail.accel=tcg` on its command line, put there by boot-guest.sh):
 * there a vCPU thread the busy host did not schedule makes the kernel report stalls with no
 * bug at all, so they are kept apart as notes (kmsg_stall_notes) and a run is judged by
 * whether it finished within its time limit, as the runner judges the whole guest.
 * Each /dev/kmsg record is "prio,seq,usec,flags;text"; the prefix is stripped.
 */
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <string.h>
#include <unistd.h>

#include "splitfail.h"

static int kmsg_fd = -1;
static int stalls_are_notes;
static char stall_notes[2048];

static const char *const bug_patterns[] = {
	"Bad rss-counter state", "non-zero pgtables_bytes on freeing mm", "BUG: Bad page state",
	"BUG: Bad page map", "kernel BUG at", "WARNING:", "list_add corruption",
	"list_del corruption", "refcount_t:", "Oops", "BUG: KASAN", "general protection fault",
	"unreferenced object", "BUG: unable to handle", NULL,
};

static const char *const stall_patterns[] = {
	"soft lockup", "hung_task", "rcu.*stall", "blocked for more than [0-9]+ seconds", NULL,
};

static int line_matches(const char *line, const char *const *patterns)
{
	regex_t re;
	int hit;

	for (int i = 0; patterns[i]; i++) {
		if (regcomp(&re, patterns[i], REG_EXTENDED | REG_NOSUB))
			continue;
		hit = !regexec(&re, line, 0, NULL, 0);
		regfree(&re);
		if (hit)
			return 1;
	}
	return 0;
}

const char *kmsg_stall_notes(void)
{
	return stall_notes;
}

int kmsg_open(const char *root)
{
	char path[SF_PATH_MAX];

	sf_path(path, sizeof(path), root, "/dev/kmsg");
	stalls_are_notes = sf_cmdline_has(root, "splitfail.accel=tcg");
	kmsg_fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd < 0)
		return -errno;
	if (lseek(kmsg_fd, 0, SEEK_END) < 0) {
		close(kmsg_fd);
		kmsg_fd = -1;
		return -errno;
	}
	return 0;
}

static void take_line(char *line, char *all, size_t all_len, char *hits, size_t hits_len)
{
	char *text = line;
	char *semi = strchr(line, ';');

	/* A /dev/kmsg record starts with "prio,seq,usec,flags;"; continuation lines with ' '. */
	if (semi && strchr(line, ',') && strchr(line, ',') < semi)
		text = semi + 1;
	if (!*text)
		return;
	sf_appendf(all, all_len, "%s\n", text);
	if (line_matches(text, bug_patterns))
		sf_appendf(hits, hits_len, "%s\n", text);
	else if (line_matches(text, stall_patterns))
		sf_appendf(stalls_are_notes ? stall_notes : hits,
			   stalls_are_notes ? sizeof(stall_notes) : hits_len, "%s\n", text);
}

/* Drain everything new; returns the number of hit lines. */
int kmsg_collect(char *all, size_t all_len, char *hits, size_t hits_len)
{
	char buf[8192], *line, *save;
	int n_hits = 0;
	ssize_t n;

	all[0] = hits[0] = stall_notes[0] = '\0';
	if (kmsg_fd < 0)
		return 0;
	for (;;) {
		n = read(kmsg_fd, buf, sizeof(buf) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* records overwritten before we read them */
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		buf[n] = '\0';
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			take_line(line, all, all_len, hits, hits_len);
	}
	for (const char *p = hits; (p = strchr(p, '\n')); p++)
		n_hits++;
	return n_hits;
}

void kmsg_close(void)
{
	if (kmsg_fd >= 0)
		close(kmsg_fd);
	kmsg_fd = -1;
}
