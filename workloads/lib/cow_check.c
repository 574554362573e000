/*
 * cow_check.c: runs a fork / copy-on-write plan and judges it (see cow_check.h).
 * Order, so every view is checked after every write: children write, tell the parent ('W');
 * the parent writes, waits for all 'W', releases the children ('G'); then each side verifies
 * the region and each child sends a struct cow_report and exits 0 (clean) or 1 (mismatch).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cow_check.h"
#include "pattern.h"
#include "report.h"

struct cow_report {
	long bad_pages;
	uintptr_t first_addr;
	uint8_t expected;
	uint8_t actual;
};

struct cow_child {
	pid_t pid;
	int go_fd;	/* parent writes 'G' */
	int rep_fd;	/* parent reads 'W' then the report */
};

uint64_t cow_writer_seed(uint64_t seed, int child)
{
	/* Distinct odd offsets so no two writers produce the same pattern. */
	return seed + 0x9e3779b97f4a7c15ULL * (uint64_t)(child + 2);
}

/* Verifies [from, to) against seed, leaving out the plan's hole; accumulates into acc. */
static void verify_span(const struct cow_plan *p, size_t from, size_t to, uint64_t seed,
			struct cow_report *acc)
{
	size_t hole_end = p->hole_off + p->hole_len;
	struct pattern_mismatch mm;
	size_t cut[4] = { from, to, to, to };
	int i;

	if (p->hole_len && p->hole_off < to && hole_end > from) {
		cut[1] = p->hole_off > from ? p->hole_off : from;
		cut[2] = hole_end < to ? hole_end : to;
	}
	for (i = 0; i < 4; i += 2) {
		if (cut[i + 1] <= cut[i])
			continue;
		if (!pattern_verify(p->base + cut[i], cut[i + 1] - cut[i], seed, &mm))
			continue;
		if (!acc->bad_pages) {
			acc->first_addr = mm.first_addr;
			acc->expected = mm.expected;
			acc->actual = mm.actual;
		}
		acc->bad_pages += mm.pages;
	}
}

/* One side's view: the original pattern, and its own writes (if it wrote) in the range. */
static void verify_view(const struct cow_plan *p, int wrote, uint64_t own_seed,
			struct cow_report *rep)
{
	size_t wend = p->write_off + p->write_len;

	memset(rep, 0, sizeof(*rep));
	verify_span(p, 0, p->write_off, p->seed, rep);
	verify_span(p, p->write_off, wend, wrote ? own_seed : p->seed, rep);
	verify_span(p, wend, p->len, p->seed, rep);
}

/* Whose pattern the byte at addr is: "the original", "the parent's write", "child N's". */
static void byte_source(const struct cow_plan *p, uintptr_t addr, uint8_t actual, char *buf,
			size_t len)
{
	int c;

	if (pattern_byte(addr, p->seed) == actual) {
		snprintf(buf, len, "the original pattern");
		return;
	}
	if (pattern_byte(addr, cow_writer_seed(p->seed, -1)) == actual) {
		snprintf(buf, len, "the parent's write");
		return;
	}
	for (c = 0; c < p->nr_children; c++) {
		if (pattern_byte(addr, cow_writer_seed(p->seed, c)) == actual) {
			snprintf(buf, len, "child %d's write", c);
			return;
		}
	}
	snprintf(buf, len, "no writer's pattern");
}

static void print_view_evidence(const char *test, const struct cow_plan *p, const char *side,
				const struct cow_report *rep)
{
	char what[128], exp[32], src[48], act[80];

	byte_source(p, rep->first_addr, rep->actual, src, sizeof(src));
	snprintf(what, sizeof(what), "%s view after fork (%ld pages differ)", side,
		 rep->bad_pages);
	snprintf(exp, sizeof(exp), "0x%02x", rep->expected);
	snprintf(act, sizeof(act), "0x%02x from %s", rep->actual, src);
	report_evidence(test, what, exp, act, rep->first_addr);
}

static void child_main(const struct cow_plan *p, int idx, int go_fd, int rep_fd)
{
	uint64_t own = cow_writer_seed(p->seed, idx);
	int wrote = !!(p->writers & COW_CHILD_WRITES);
	struct cow_report rep;
	char c = 'W';

	if (wrote)
		pattern_fill(p->base + p->write_off, p->write_len, own);
	if (write(rep_fd, &c, 1) != 1 || read(go_fd, &c, 1) != 1)
		_exit(2);
	verify_view(p, wrote, own, &rep);
	if (write(rep_fd, &rep, sizeof(rep)) != (ssize_t)sizeof(rep))
		_exit(2);
	_exit(rep.bad_pages ? 1 : 0);
}

/* Forks child idx with its two pipes; returns the pid (child never returns), or -errno. */
static pid_t spawn_child(const struct cow_plan *p, int idx, struct cow_child *ch,
			 struct window *w, struct cow_outcome *out)
{
	int go[2], rep[2];
	pid_t pid;
	int err;

	if (pipe(go))
		return -errno;
	if (pipe(rep)) {
		err = -errno;
		close(go[0]);
		close(go[1]);
		return err;
	}
	fflush(NULL);
	if (idx == 0) {
		window_arm(w);
		pid = fork();
		err = pid < 0 ? errno : 0;
		if (pid == 0) {
			window_child_disarm();
		} else {
			out->consumed = window_disarm(w, pid, err);
			out->fork_ret = pid < 0 ? -1 : pid;
			out->fork_errno = err;
		}
	} else {
		pid = fork();
		err = pid < 0 ? errno : 0;
	}
	if (pid == 0) {
		close(go[1]);
		close(rep[0]);
		child_main(p, idx, go[0], rep[1]);
	}
	close(go[0]);
	close(rep[1]);
	if (pid < 0) {
		close(go[1]);
		close(rep[0]);
		return -err;
	}
	ch->pid = pid;
	ch->go_fd = go[1];
	ch->rep_fd = rep[0];
	return pid;
}

/* The window's fork failed: it must have said ENOMEM/EAGAIN, left no child, kept the data. */
static long judge_failed_fork(const char *test, const struct cow_plan *p,
			      struct cow_outcome *out)
{
	struct cow_report rep;
	long bad = 0;
	pid_t stray;

	if (out->fork_errno != ENOMEM && out->fork_errno != EAGAIN) {
		report_evidence(test, "failed fork errno", "ENOMEM or EAGAIN",
				strerrorname_np(out->fork_errno) ?: "unknown", 0);
		bad++;
	}
	verify_view(p, 0, p->seed, &rep);
	out->parent_bad_pages = rep.bad_pages;
	if (rep.bad_pages)
		print_view_evidence(test, p, "parent (fork failed)", &rep);
	errno = 0;
	stray = waitpid(-1, NULL, WNOHANG);
	if (stray != -1 || errno != ECHILD) {
		out->stray_children = 1;
		report_evidence(test, "children after failed fork", "none (ECHILD)",
				stray > 0 ? "a child was reaped" : "a child still runs", 0);
	}
	report_check_long(test, "failed_fork_parent_bad_pages", 0, rep.bad_pages);
	report_check_long(test, "failed_fork_stray_children", 0, out->stray_children);
	return bad + rep.bad_pages + out->stray_children;
}

/* Reads child ch's report and exit status; returns its bad pages, or 1 if it failed otherwise. */
static long collect_child(const char *test, const struct cow_plan *p, int idx,
			  struct cow_child *ch, int got_w)
{
	struct cow_report rep;
	char side[32], act[64];
	ssize_t n = got_w ? read(ch->rep_fd, &rep, sizeof(rep)) : 0;
	int st = 0;

	close(ch->rep_fd);
	close(ch->go_fd);
	if (waitpid(ch->pid, &st, 0) != ch->pid)
		st = -1;
	snprintf(side, sizeof(side), "child %d", idx);
	if (n == (ssize_t)sizeof(rep) && rep.bad_pages) {
		print_view_evidence(test, p, side, &rep);
		return rep.bad_pages;
	}
	if (n == (ssize_t)sizeof(rep) && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (st != -1 && WIFSIGNALED(st))
		snprintf(act, sizeof(act), "killed by signal %d (%s)", WTERMSIG(st),
			 strsignal(WTERMSIG(st)));
	else if (st != -1 && WIFEXITED(st))
		snprintf(act, sizeof(act), "exit %d with %s report", WEXITSTATUS(st),
			 n == (ssize_t)sizeof(rep) ? "a" : "no");
	else
		snprintf(act, sizeof(act), "not reaped");
	report_evidence(test, side, "a report and exit 0", act, 0);
	return 1;
}

long cow_run(const char *test, const struct cow_plan *p, struct window *w,
	     struct cow_outcome *out)
{
	struct cow_child ch[COW_MAX_CHILDREN] = { { 0 } };
	int got_w[COW_MAX_CHILDREN] = { 0 };
	struct cow_report rep;
	int i, n = p->nr_children;
	char c;

	memset(out, 0, sizeof(*out));
	out->consumed = -1;
	if (n < 1 || n > COW_MAX_CHILDREN || p->write_off + p->write_len > p->len)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		pid_t pid = spawn_child(p, i, &ch[i], w, out);

		if (pid < 0 && i == 0 && out->fork_ret == -1)
			return judge_failed_fork(test, p, out);
		if (pid < 0) {
			while (i-- > 0) {
				kill(ch[i].pid, SIGKILL);
				collect_child(test, p, i, &ch[i], 0);
			}
			return pid;
		}
		out->children++;
	}
	if (p->writers & COW_PARENT_WRITES)
		pattern_fill(p->base + p->write_off, p->write_len, cow_writer_seed(p->seed, -1));
	for (i = 0; i < n; i++)
		got_w[i] = read(ch[i].rep_fd, &c, 1) == 1 && c == 'W';
	for (i = 0; i < n; i++)
		if (write(ch[i].go_fd, "G", 1) != 1)
			got_w[i] = 0;
	verify_view(p, !!(p->writers & COW_PARENT_WRITES), cow_writer_seed(p->seed, -1), &rep);
	out->parent_bad_pages = rep.bad_pages;
	if (rep.bad_pages)
		print_view_evidence(test, p, "parent", &rep);
	for (i = 0; i < n; i++) {
		long cb = collect_child(test, p, i, &ch[i], got_w[i]);

		out->child_bad_pages += cb;
		out->children_failed += cb > 0;
	}
	report_check_long(test, "cow_parent_bad_pages", 0, out->parent_bad_pages);
	report_check_long(test, "cow_children_failed", 0, out->children_failed);
	return out->parent_bad_pages + out->children_failed;
}
