// SPDX-License-Identifier: GPL-2.0
/*
 * memcg_fill.c - the filler that makes the workloads' memory cgroup press ([pressure]
 * memcg_fill = SIZE). The workloads use a few MiB each (memory.peak 5-10 MiB in the guest),
 * so a memory.max of hundreds of MiB alone is never reached. The filler is a child of the
 * harness that joins the cgroup and keeps SIZE bytes of anonymous memory charged there, so
 * the cgroup sits just under its limit when each workload starts and the workload's own
 * charges (its THP faults, CoW copies, migration targets, page tables) go through memcg
 * reclaim, which takes the filler's pages to swap. Before each run the harness asks it to
 * top up: it reads one byte of every page, which swaps back in what the last run pushed
 * out, then MADV_COLD on the whole range clears the accessed bits and deactivates it, so
 * reclaim takes the filler's pages before the workload's freshly touched THPs.
 * Why a filler of our own rather than a second stress-ng --vm-keep in the cgroup: it is
 * idle while a workload runs, so the cgroup's memory.events deltas of a run count only the
 * workload's charges meeting the limit (a stress-ng worker re-dirtying its memory would
 * move them in every run, pressed or not); its level is set right before each run instead
 * of racing with it; and it burns no CPU on a two-vCPU guest.
 * Its pages are MADV_NOHUGEPAGE (reclaiming them splits nothing, so the runs' thp_split_*
 * deltas stay the workloads') and filled with one byte value (zram stores a same-filled
 * page without compressing it, so reclaim and swap-in are cheap and take no RAM).
 * oom_score_adj 1000: should the cgroup run out (no swap left), the OOM killer takes the
 * filler, not the workload; the harness then reports it. It dies with the harness
 * (PR_SET_PDEATHSIG) and is journalled as a process group ('P'), so every exit path ends it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "splitfail.h"

#define FILL_BYTE	0x5a
#define FILL_NAME	"sf-memcg-fill"	/* its comm, checked by the journal's recovery */
#define TOPUP_TIMEOUT_MS	300000
#define STEP_MIN	16		/* pages added or dropped per memory.current reading */

struct filler {
	char *mem;
	size_t pages, used;		/* mapped; filled so far (a prefix) */
	long page;
	long long target;
	char current[SF_PATH_MAX + 32];	/* memory.current; unreadable in a fake tree */
};

/* Reads back every filled page (swapping in what reclaim took); 0 when all hold FILL_BYTE. */
static int fill_touch(const struct filler *f)
{
	size_t bad = 0;

	for (size_t i = 0; i < f->used; i++)
		bad += *(volatile char *)(f->mem + i * f->page) != FILL_BYTE;
	return bad ? -EBADMSG : 0;
}

/*
 * Brings the cgroup's memory.current to just under the target: fills more pages while it is
 * below, drops filled pages from the end while it is above (leftovers of the last run, such
 * as page cache, count too). Without memory.current, fills exactly target bytes.
 */
static void fill_level(struct filler *f)
{
	long long cur;
	size_t step;

	if (sf_read_ll(f->current, &cur)) {
		size_t want = f->target / f->page;

		memset(f->mem + f->used * f->page, FILL_BYTE,
		       want > f->used ? (want - f->used) * f->page : 0);
		f->used = want > f->used ? want : f->used;
		return;
	}
	while (cur < f->target - STEP_MIN * f->page && f->used < f->pages) {
		step = (f->target - cur) / f->page / 2;
		step = step < STEP_MIN ? STEP_MIN : step;
		step = step > f->pages - f->used ? f->pages - f->used : step;
		memset(f->mem + f->used * f->page, FILL_BYTE, step * f->page);
		f->used += step;
		if (sf_read_ll(f->current, &cur))
			return;
	}
	while (cur > f->target && f->used) {
		step = (cur - f->target) / f->page + 1;
		step = step > f->used ? f->used : step;
		f->used -= step;
		madvise(f->mem + f->used * f->page, step * f->page, MADV_DONTNEED);
		if (sf_read_ll(f->current, &cur))
			return;
	}
}

static void filler_main(int sock, struct filler *f, const char *procs, const char *oom_adj,
			int fake)
{
	char pid[24], cmd;
	size_t bytes = f->pages * f->page;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_NAME, FILL_NAME);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	if (fake)	/* a fake tree's interface files are regular files, made on first write */
		close(open(procs, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	if (sf_write_file(procs, pid, strlen(pid))) {
		fprintf(stderr, "splitfail: filler cannot join %s: %s\n", procs, strerror(errno));
		_exit(2);
	}
	sf_write_file(oom_adj, "1000", 4);	/* best effort: a fake tree has no such file */
	f->mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (f->mem == MAP_FAILED) {
		fprintf(stderr, "splitfail: filler cannot map %zu bytes: %s\n", bytes,
			strerror(errno));
		_exit(2);
	}
	madvise(f->mem, bytes, MADV_NOHUGEPAGE);
	while (read(sock, &cmd, 1) == 1) {
		cmd = fill_touch(f) ? 'x' : 'k';
		fill_level(f);
		madvise(f->mem, f->used * f->page, MADV_COLD);
		if (write(sock, &cmd, 1) != 1)
			break;
	}
	_exit(0);
}

/*
 * Starts the filler in the cgroup folder cgroup (root-prefixed) and has it fill the cgroup
 * to target bytes of memory.current (limit bounds its mapping) before it returns. The filler
 * is journalled. 0 or -errno.
 */
int memcg_fill_start(struct memcg_fill *f, const char *root, const char *cgroup,
		     long long target, long long limit)
{
	char oom_adj[SF_PATH_MAX], procs[SF_PATH_MAX + 32], pgid[24], cmd = 't';
	struct filler fl = { .page = sysconf(_SC_PAGESIZE), .target = target };
	int sv[2], ret;
	pid_t pid;

	memset(f, 0, sizeof(*f));
	f->sock = -1;
	fl.pages = limit / fl.page;
	sf_path(oom_adj, sizeof(oom_adj), root, "/proc/self/oom_score_adj");
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cgroup);
	snprintf(fl.current, sizeof(fl.current), "%s/memory.current", cgroup);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(sv[0]);
		close(sv[1]);
		return ret;
	}
	if (!pid) {
		setpgid(0, 0);
		for (int fd = 3; fd < 1024; fd++)	/* the lock and results stay the harness's */
			if (fd != sv[1])
				close(fd);
		filler_main(sv[1], &fl, procs, oom_adj, root[0] != '\0');
	}
	setpgid(pid, pid);
	close(sv[1]);
	f->pid = pid;
	f->sock = sv[0];
	f->target = target;
	snprintf(pgid, sizeof(pgid), "%d", (int)pid);
	ret = knob_note('P', pgid, FILL_NAME);
	if (ret)
		return ret;
	/* the first top-up is the initial fill */
	if (send(f->sock, &cmd, 1, MSG_NOSIGNAL) != 1)
		return -errno;
	return memcg_fill_wait(f);
}

/* Waits for the filler's answer to a top-up; 0, -EIO when it died, -ETIMEDOUT. */
int memcg_fill_wait(struct memcg_fill *f)
{
	struct pollfd p = { .fd = f->sock, .events = POLLIN };
	char ans;
	int n;

	do {
		n = poll(&p, 1, TOPUP_TIMEOUT_MS);
	} while (n < 0 && errno == EINTR);
	if (n == 0)
		return -ETIMEDOUT;
	if (n < 0)
		return -errno;
	if (read(f->sock, &ans, 1) != 1)
		return -EIO;
	return ans == 'k' ? 0 : -EBADMSG;
}

/* Asks the filler to swap back in what the last run pushed out. 0 or -errno. */
int memcg_fill_topup(struct memcg_fill *f)
{
	char cmd = 't';

	if (f->pid <= 0)
		return -ESRCH;
	if (send(f->sock, &cmd, 1, MSG_NOSIGNAL) != 1)
		return -errno;
	return memcg_fill_wait(f);
}

/*
 * How the filler ended when it is no longer running ("" while it runs): "signal 9" (the
 * OOM killer) and the like. It is reaped here; the journal's entry then only finds a gone
 * group.
 */
void memcg_fill_status(struct memcg_fill *f, char *out, size_t len)
{
	int status;

	out[0] = '\0';
	if (f->pid <= 0)
		return;
	if (waitpid(f->pid, &status, WNOHANG) != f->pid)
		return;
	snprintf(out, len, "%s %d", WIFEXITED(status) ? "exit" : "signal",
		 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	f->pid = 0;
	close(f->sock);
	f->sock = -1;
}
