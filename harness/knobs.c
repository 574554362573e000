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
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <time.h>
#include <unistd.h>

#include "splitfail.h"

#define KNOBS_MAX	256
#define KNOB_VAL_MAX	512

struct knob {
	char kind;			/* 'K' knob, 'M' a mount to undo */
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

static int journal_append(const struct knob *k)
{
	char line[2 * (SF_PATH_MAX + KNOB_VAL_MAX) + 8];
	char hp[2 * SF_PATH_MAX + 1], hv[2 * KNOB_VAL_MAX + 1];
	int n;

	if (journal_fd < 0) {
		journal_fd = open(journal_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (journal_fd < 0)
			return -errno;
		n = snprintf(line, sizeof(line), "# splitfail journal pid=%d started=%lld\n",
			     (int)getpid(), (long long)time(NULL));
		if (write(journal_fd, line, n) != n)
			return -errno;
	}
	hex_encode(hp, k->path, strlen(k->path));
	hex_encode(hv, k->val, k->len);
	n = snprintf(line, sizeof(line), "%c %s %s\n", k->kind, hp, k->len ? hv : "-");
	if (write(journal_fd, line, n) != n)
		return -errno;
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

/* Save path's current value (first time only, journal first), then write value. */
int knob_set(const char *path, const char *value)
{
	struct knob *k = knob_find(path);
	ssize_t n;
	int ret;

	if (!k) {
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
	}
	return sf_write_file(path, value, strlen(value));
}

/* Remember that the harness mounted something, so that it gets unmounted. */
int knob_note_mount(const char *mountpoint)
{
	struct knob *k;

	if (n_knobs == KNOBS_MAX)
		return -ENOSPC;
	k = &knobs[n_knobs];
	memset(k, 0, sizeof(*k));
	k->kind = 'M';
	snprintf(k->path, sizeof(k->path), "%s", mountpoint);
	n_knobs++;
	return journal_append(k);
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
	return failed;
}

/*
 * A journal left behind means a run was killed before it could restore: put every knob
 * back from it and say so. Returns the number restored, or -errno on a bad journal.
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
		    (kind != 'K' && kind != 'M')) {
			fprintf(stderr, "splitfail: %s:%d: malformed journal line\n", journal_path,
				lineno);
			fclose(f);
			return -EINVAL;
		}
		memset(k, 0, sizeof(*k));
		k->kind = kind;
		if (hex_decode(k->path, sizeof(k->path) - 1, hp, &k->len) ||
		    (strcmp(hv, "-") && hex_decode(k->val, sizeof(k->val), hv, &k->len))) {
			fprintf(stderr, "splitfail: %s:%d: bad hex in journal\n", journal_path,
				lineno);
			fclose(f);
			return -EINVAL;
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
		fprintf(stderr, "splitfail:   %s %s <- %.*s\n", knobs[i].kind == 'M' ?
			"unmount" : "restore", knobs[i].path, (int)strcspn(knobs[i].val, "\n"),
			knobs[i].val);
	failed = knobs_restore();
	if (failed)
		return -EIO;
	fprintf(stderr, "splitfail: journal restored, machine state is back to before that run\n");
	return n;
}
