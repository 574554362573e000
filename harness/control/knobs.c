// SPDX-License-Identifier: GPL-2.0
/*
 * knobs.c - every system knob the harness touches is saved before its first write and
 * restored in reverse order on every exit path.
 *
 * The saved values also go to a journal in the state folder (fsync'ed before the knob is
 * written), so a harness killed with SIGKILL leaves enough behind for the next start to
 * put the machine back and say so. A flock on <state>/lock keeps two runs from sharing
 * the global knobs. Values are written back byte for byte as read, except sysfs choice
 * files ("always [madvise] never"), where the bracketed token is what the kernel takes.
 * A write the kernel refuses drops its entry again (nothing changed); an entry that cannot
 * be restored is reported and its journal kept aside as a record, so it never blocks the
 * next runs.
 *
 * Besides knobs ('K'), the journal holds the other things a run sets up and must undo, in
 * the same reverse order: a mount ('M', unmounted), a folder such as a cgroup ('D',
 * removed), a cgroup.subtree_control file ('S', every controller enabled since it was read
 * is disabled again: its value cannot simply be written back), and a background process
 * group such as stress-ng ('P', killed and reaped; after a SIGKILLed run only when the pid
 * still names a process whose comm starts with the recorded name).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "control.h"

#define KNOBS_MAX	256
#define KNOB_VAL_MAX	512

struct knob {
	char kind;			/* 'K' knob, 'M' mount, 'D' folder, 'S' subtree, 'P' pgroup */
	char path[SF_PATH_MAX];
	char val[KNOB_VAL_MAX];
	size_t len;
};

static struct knob knobs[KNOBS_MAX];
static int n_knobs;
static char journal_path[SF_PATH_MAX];
static char lock_path[SF_PATH_MAX];
static int lock_fd = -1;
static int journal_fd = -1;

int knobs_init(const char *state_dir)
{
	int ret = sf_mkdir_p(state_dir);

	if (ret) {
		fprintf(stderr, "splitfail: cannot create state folder %s: %s\n", state_dir,
			strerror(-ret));
		return ret;
	}
	snprintf(journal_path, sizeof(journal_path), "%s/journal", state_dir);
	snprintf(lock_path, sizeof(lock_path), "%s/lock", state_dir);
	return 0;
}

/* Returns 0 with the lock held, -EBUSY (after saying who holds it) or -errno. */
int knobs_lock(void)
{
	char buf[64];
	ssize_t n;

	lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lock_fd < 0) {
		fprintf(stderr, "splitfail: cannot open lock %s: %s\n", lock_path,
			strerror(errno));
		return -errno;
	}
	if (flock(lock_fd, LOCK_EX | LOCK_NB)) {
		n = pread(lock_fd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		fprintf(stderr,
			"splitfail: another run holds the lock %s (pid %s); refusing to share the global knobs\n",
			lock_path, buf[0] ? buf : "?");
		close(lock_fd);
		lock_fd = -1;
		return -EBUSY;
	}
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ftruncate(lock_fd, 0) || pwrite(lock_fd, buf, n, 0) != n)
		return -errno;
	return 0;
}

void knobs_unlock(void)
{
	if (lock_fd >= 0) {
		if (ftruncate(lock_fd, 0))
			perror("splitfail: truncate lock");
		close(lock_fd);
		lock_fd = -1;
	}
}

static void hex_encode(char *out, const char *in, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[(unsigned char)in[i] >> 4];
		out[2 * i + 1] = digits[(unsigned char)in[i] & 15];
	}
	out[2 * len] = '\0';
}

static int hex_decode(char *out, size_t max, const char *in, size_t *len)
{
	size_t i, n = strlen(in);
	unsigned int byte;

	if (n % 2 || n / 2 > max)
		return -EINVAL;
	for (i = 0; i < n / 2; i++) {
		if (sscanf(in + 2 * i, "%2x", &byte) != 1)
			return -EINVAL;
		out[i] = (char)byte;
	}
	*len = n / 2;
	return 0;
}

/* One journal line for k on fd. 0 or -errno. */
static int journal_line(int fd, const struct knob *k)
{
	char line[2 * (SF_PATH_MAX + KNOB_VAL_MAX) + 8];
	char hp[2 * SF_PATH_MAX + 1], hv[2 * KNOB_VAL_MAX + 1];
	int n;

	hex_encode(hp, k->path, strlen(k->path));
	hex_encode(hv, k->val, k->len);
	n = snprintf(line, sizeof(line), "%c %s %s\n", k->kind, hp, k->len ? hv : "-");
	return write(fd, line, n) == n ? 0 : -errno;
}

/* A fresh journal file at path with its header line; the fd or -errno. */
static int journal_create(const char *path, int flags)
{
	char line[96];
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0600), n;

	if (fd < 0)
		return -errno;
	n = snprintf(line, sizeof(line), "# splitfail journal pid=%d started=%lld\n",
		     (int)getpid(), (long long)time(NULL));
	if (write(fd, line, n) != n) {
		n = -errno;
		close(fd);
		return n;
	}
	return fd;
}

/*
 * The journal again from the table, replacing the file atomically: after an entry was
 * dropped (a knob whose write was refused: nothing to restore). 0 or -errno.
 */
static int journal_rewrite(void)
{
	char tmp[SF_PATH_MAX + 8];
	int fd, ret = 0;

	snprintf(tmp, sizeof(tmp), "%s.new", journal_path);
	fd = journal_create(tmp, O_TRUNC);
	if (fd < 0)
		return fd;
	for (int i = 0; i < n_knobs && !ret; i++)
		ret = journal_line(fd, &knobs[i]);
	if (!ret && fsync(fd))
		ret = -errno;
	close(fd);
	if (!ret && rename(tmp, journal_path))
		ret = -errno;
	if (ret) {
		unlink(tmp);
		return ret;
	}
	if (journal_fd >= 0)
		close(journal_fd);
	journal_fd = open(journal_path, O_WRONLY | O_APPEND | O_CLOEXEC);
	return journal_fd < 0 ? -errno : 0;
}

static int journal_append(const struct knob *k)
{
	int ret;

	if (journal_fd < 0) {
		journal_fd = journal_create(journal_path, O_APPEND);
		if (journal_fd < 0)
			return journal_fd;
	}
	ret = journal_line(journal_fd, k);
	if (ret)
		return ret;
	if (fsync(journal_fd))
		return -errno;
	return 0;
}

static struct knob *knob_find(const char *path)
{
	int i;

	for (i = 0; i < n_knobs; i++)
		if (knobs[i].kind == 'K' && !strcmp(knobs[i].path, path))
			return &knobs[i];
	return NULL;
}

/*
 * Save path's current value in the journal (first time only) without writing it: a knob
 * something else of ours (a workload) may change is restored like one the harness set.
 */
int knob_save(const char *path)
{
	struct knob *k = knob_find(path);
	ssize_t n;
	int ret;

	if (k)
		return 0;
	if (n_knobs == KNOBS_MAX)
		return -ENOSPC;
	k = &knobs[n_knobs];
	n = sf_read_file(path, k->val, sizeof(k->val));
	if (n < 0)
		return (int)n;
	k->len = (size_t)n;
	k->kind = 'K';
	snprintf(k->path, sizeof(k->path), "%s", path);
	ret = journal_append(k);
	if (ret) {
		fprintf(stderr, "splitfail: cannot write journal %s: %s\n", journal_path,
			strerror(-ret));
		return ret;
	}
	n_knobs++;
	return 0;
}

/*
 * Save path's current value (first time only, journal first), then write value. A write
 * the kernel refuses changed nothing: a knob saved for it is dropped from the journal, so
 * that no restore of a file that cannot be written is left behind.
 */
int knob_set(const char *path, const char *value)
{
	int fresh = !knob_find(path), ret = knob_save(path);

	if (ret)
		return ret;
	ret = sf_write_file(path, value, strlen(value));
	if (ret && fresh) {
		int jret;

		n_knobs--;
		jret = journal_rewrite();
		if (jret)
			fprintf(stderr, "splitfail: cannot rewrite journal %s: %s\n", journal_path,
				strerror(-jret));
	}
	return ret;
}

/*
 * Remember something to undo besides a knob (kinds above): path, and val (the saved
 * subtree_control value, or the process name of a 'P' entry whose path is the pgid).
 */
int knob_note(char kind, const char *path, const char *val)
{
	struct knob *k;

	if (n_knobs == KNOBS_MAX)
		return -ENOSPC;
	k = &knobs[n_knobs];
	memset(k, 0, sizeof(*k));
	k->kind = kind;
	snprintf(k->path, sizeof(k->path), "%s", path);
	snprintf(k->val, sizeof(k->val), "%s", val ? val : "");
	k->len = strlen(k->val);
	n_knobs++;
	return journal_append(k);
}

/* Remember that the harness mounted something, so that it gets unmounted. */
int knob_note_mount(const char *mountpoint)
{
	return knob_note('M', mountpoint, NULL);
}

/* 1 when word is one of the space-separated words of list. */
static int has_word(const char *list, const char *word, size_t wl)
{
	for (const char *p = list; *p; ) {
		size_t l;

		p += strspn(p, " \n+");
		l = strcspn(p, " \n");
		if (l == wl && !strncmp(p, word, wl))
			return 1;
		p += l;
	}
	return 0;
}

/* 'S': disable every controller of path's current value that the saved value lacks. */
static int restore_subtree(const struct knob *k)
{
	char now[KNOB_VAL_MAX], cmd[80];
	int failed = 0;

	if (sf_read_file(k->path, now, sizeof(now)) < 0)
		return errno == ENOENT ? 0 : 1;
	for (const char *p = now; *p; ) {
		size_t l;

		p += strspn(p, " \n+");
		l = strcspn(p, " \n");
		if (l && l < 64 && !has_word(k->val, p, l)) {
			snprintf(cmd, sizeof(cmd), "-%.*s", (int)l, p);
			if (sf_write_file(k->path, cmd, strlen(cmd))) {
				fprintf(stderr, "splitfail: cannot write %s to %s: %s\n", cmd,
					k->path, strerror(errno));
				failed = 1;
			}
		}
		p += l;
	}
	return failed;
}

/*
 * 'D': remove the folder, waiting up to 2 s while it is busy (a killed process leaving a
 * cgroup). In a fake tree (unit tests) the interface files the harness wrote (and the
 * counters a test put there) are regular files: remove those first.
 */
static int restore_rmdir(const struct knob *k)
{
	static const char *const written[] = { "cgroup.procs", "memory.max", "memory.high",
					       "memory.events", "memory.current" };
	char p[SF_PATH_MAX + 32];

	for (int tries = 0; tries < 40; tries++) {
		if (!rmdir(k->path) || errno == ENOENT)
			return 0;
		if (errno == ENOTEMPTY) {
			for (size_t i = 0; i < sizeof(written) / sizeof(written[0]); i++) {
				snprintf(p, sizeof(p), "%s/%s", k->path, written[i]);
				unlink(p);
			}
		} else if (errno != EBUSY) {
			break;
		}
		sf_sleep_ms(50);
	}
	fprintf(stderr, "splitfail: cannot remove %s: %s\n", k->path, strerror(errno));
	return 1;
}

/* 1 when pid's comm starts with name (guards against a reused pid after a SIGKILL). */
static int comm_is(int pid, const char *name)
{
	char path[64], comm[64];

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	if (sf_read_file(path, comm, sizeof(comm)) <= 0)
		return 0;
	return !strncmp(comm, name, strnlen(name, 15));
}

/* 'P': SIGTERM the process group, SIGKILL after 2 s, reap the leader when it is ours. */
static int restore_pgroup(const struct knob *k)
{
	int pgid = atoi(k->path), status;

	if (pgid <= 1)
		return 1;
	if (waitpid(pgid, &status, WNOHANG) == pgid || !comm_is(pgid, k->val)) {
		kill(-pgid, SIGKILL);	/* leader gone: stragglers of its group, if any */
		return 0;
	}
	kill(-pgid, SIGTERM);
	for (int i = 0; i < 40 && comm_is(pgid, k->val); i++) {
		if (waitpid(pgid, &status, WNOHANG) == pgid)
			break;
		sf_sleep_ms(50);
	}
	kill(-pgid, SIGKILL);
	waitpid(pgid, &status, 0);
	/* the group's other members (stress-ng workers) may take a moment to free their memory */
	for (int i = 0; i < 100 && !kill(-pgid, 0); i++)
		sf_sleep_ms(50);
	return 0;
}

/* The bytes to write back: the token in [brackets] of a sysfs choice, else as read. */
static void restore_value(const struct knob *k, const char **v, size_t *len)
{
	const char *open = memchr(k->val, '[', k->len);
	const char *close = open ? memchr(open, ']', k->len - (open - k->val)) : NULL;

	if (open && close && strncmp(k->path, "/proc/", 6)) {
		*v = open + 1;
		*len = close - open - 1;
		return;
	}
	*v = k->val;
	*len = k->len;
}

/*
 * Entries that cannot be restored (a file that refuses the write, a folder that stays busy)
 * would be tried again by every later start, and fail again: the journal is kept as a record,
 * journal.unrestored.<time>, and the machine is free for the next run.
 */
static void journal_set_aside(int failed)
{
	char record[SF_PATH_MAX + 48];

	snprintf(record, sizeof(record), "%s.unrestored.%lld", journal_path,
		 (long long)time(NULL));
	if (rename(journal_path, record)) {
		fprintf(stderr, "splitfail: cannot keep %s as %s: %s\n", journal_path, record,
			strerror(errno));
		return;
	}
	fprintf(stderr,
		"splitfail: %d entr%s could not be restored (above); the journal is kept as %s and not tried again: put those back by hand\n",
		failed, failed == 1 ? "y" : "ies", record);
}

/* Restore in reverse order; returns the number of knobs that could not be restored. */
int knobs_restore(void)
{
	int i, failed = 0, ret;
	const char *v;
	size_t len;

	for (i = n_knobs - 1; i >= 0; i--) {
		struct knob *k = &knobs[i];

		if (k->kind == 'M') {
			if (umount2(k->path, 0) && errno != EINVAL) {
				fprintf(stderr, "splitfail: cannot unmount %s: %s\n", k->path,
					strerror(errno));
				failed++;
			}
			continue;
		}
		if (k->kind == 'D' || k->kind == 'S' || k->kind == 'P') {
			failed += k->kind == 'D' ? restore_rmdir(k) : k->kind == 'S' ?
				  restore_subtree(k) : restore_pgroup(k);
			continue;
		}
		restore_value(k, &v, &len);
		ret = sf_write_file(k->path, v, len);
		if (ret) {
			fprintf(stderr, "splitfail: cannot restore %s: %s\n", k->path,
				strerror(-ret));
			failed++;
		}
	}
	n_knobs = 0;
	if (journal_fd >= 0) {
		close(journal_fd);
		journal_fd = -1;
	}
	if (!failed)
		unlink(journal_path);
	else
		journal_set_aside(failed);
	return failed;
}

static const char *kind_verb(char kind)
{
	switch (kind) {
	case 'M': return "unmount";
	case 'D': return "remove";
	case 'S': return "disable-new-controllers";
	case 'P': return "kill-process-group";
	}
	return "restore";
}

/* A journal that cannot be read: said, set aside, nothing restored from it. Returns 0. */
static int journal_unreadable(FILE *f, int lineno, const char *what)
{
	fprintf(stderr, "splitfail: %s:%d: %s\n", journal_path, lineno, what);
	fclose(f);
	n_knobs = 0;
	journal_set_aside(1);
	return 0;
}

/*
 * A journal left behind means a run was killed before it could restore: put every knob
 * back from it and say so. What cannot be restored, or a journal that cannot be read, is
 * reported and set aside, never in the way of this run. Returns the number of entries, or
 * -errno when the journal cannot be opened.
 */
int knobs_recover(void)
{
	char line[2 * (SF_PATH_MAX + KNOB_VAL_MAX) + 64];
	char hp[2 * SF_PATH_MAX + 2], hv[2 * KNOB_VAL_MAX + 2], head[128] = "";
	FILE *f = fopen(journal_path, "re");
	int n = 0, lineno = 0, i, failed;
	char kind;

	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fgets(line, sizeof(line), f)) {
		struct knob *k = &knobs[n_knobs];

		lineno++;
		if (line[0] == '#') {
			snprintf(head, sizeof(head), "%s", line + 2);
			head[strcspn(head, "\n")] = '\0';
			continue;
		}
		if (n_knobs == KNOBS_MAX ||
		    sscanf(line, "%c %8193s %1025s", &kind, hp, hv) != 3 ||
		    !strchr("KMDSP", kind)) {
			return journal_unreadable(f, lineno, "malformed journal line");
		}
		memset(k, 0, sizeof(*k));
		k->kind = kind;
		if (hex_decode(k->path, sizeof(k->path) - 1, hp, &k->len) ||
		    (strcmp(hv, "-") && hex_decode(k->val, sizeof(k->val), hv, &k->len))) {
			return journal_unreadable(f, lineno, "bad hex in journal");
		}
		if (!strcmp(hv, "-"))
			k->len = 0;
		n_knobs++;
	}
	fclose(f);
	n = n_knobs;
	fprintf(stderr, "splitfail: found journal %s of an interrupted run (%s); restoring %d knob(s):\n",
		journal_path, head, n);
	for (i = n_knobs - 1; i >= 0; i--)
		fprintf(stderr, "splitfail:   %s %s <- %.*s\n", kind_verb(knobs[i].kind),
			knobs[i].path, (int)strcspn(knobs[i].val, "\n"), knobs[i].val);
	failed = knobs_restore();
	if (failed) {
		fprintf(stderr, "splitfail: journal restored but for %d entr%s (kept aside); going on\n",
			failed, failed == 1 ? "y" : "ies");
		return n;
	}
	fprintf(stderr, "splitfail: journal restored, machine state is back to before that run\n");
	return n;
}
