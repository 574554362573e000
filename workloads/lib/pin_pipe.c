/*
 * pin_pipe.c: vmsplice references on a THP region held in pipes (see pin_pipe.h). Each pipe
 * is sized for its piece first, so vmsplice takes every page at once without blocking.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "pin_pipe.h"
#include "thp_region.h"

#define PIPE_MAX_SIZE "/proc/sys/fs/pipe-max-size"

/* fs.pipe-max-size in bytes (1 MiB, the kernel's default, when unreadable). */
static size_t pipe_max_size(void)
{
	FILE *f = fopen(PIPE_MAX_SIZE, "r");
	unsigned long v = 0;

	if (f) {
		if (fscanf(f, "%lu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v ? v : 1UL << 20;
}

/* vmsplice [base, base + len) into pipe i. Returns 0 or -errno (reason in why). */
static int splice_one(struct pin_pipe *p, int i, char *base, size_t len, char *why,
		      size_t why_len)
{
	struct iovec iov;
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		iov.iov_base = base + done;
		iov.iov_len = len - done;
		n = vmsplice(p->fds[i][1], &iov, 1, SPLICE_F_NONBLOCK);
		if (n <= 0) {
			snprintf(why, why_len, "vmsplice into pipe %d at %zu of %zu bytes: %s", i,
				 done, len, n < 0 ? strerror(errno) : "returned 0");
			return n < 0 ? -errno : -EIO;
		}
		done += (size_t)n;
		p->len += (size_t)n;
	}
	return 0;
}

int pin_pipe_splice(struct pin_pipe *p, char *base, size_t len, char *why, size_t why_len)
{
	size_t piece, off;
	int i, size, ret;

	memset(p, 0, sizeof(*p));
	memset(p->fds, -1, sizeof(p->fds));
	p->per_pipe = pipe_max_size() < len ? pipe_max_size() : len;
	p->data = thp_scratch_alloc(len);
	p->data_size = p->data ? len : 0;
	if (!p->data) {
		snprintf(why, why_len, "no memory for %zu bytes", len);
		return -ENOMEM;
	}
	for (off = 0, i = 0; off < len; off += piece, i++) {
		piece = len - off < p->per_pipe ? len - off : p->per_pipe;
		if (i == PIN_PIPE_MAX) {
			snprintf(why, why_len, "%zu bytes need more than %d pipes of %zu bytes",
				 len, PIN_PIPE_MAX, p->per_pipe);
			pin_pipe_close(p);
			return 4;
		}
		if (pipe2(p->fds[i], O_CLOEXEC)) {
			ret = -errno;
			snprintf(why, why_len, "pipe2: %s", strerror(errno));
			pin_pipe_close(p);
			return ret;
		}
		p->nr = i + 1;
		size = fcntl(p->fds[i][1], F_SETPIPE_SZ, (int)piece);
		if (size < 0 || (size_t)size < piece) {
			snprintf(why, why_len, "a pipe cannot hold %zu bytes for vmsplice "
				 "(F_SETPIPE_SZ: %s)", piece, size < 0 ? strerror(errno) : "smaller");
			pin_pipe_close(p);
			return 4;
		}
		ret = splice_one(p, i, base + off, piece, why, why_len);
		if (ret) {
			pin_pipe_close(p);
			return ret;
		}
	}
	return 0;
}

int pin_pipe_drain(struct pin_pipe *p)
{
	size_t done = 0, end;
	ssize_t n;
	int i;

	for (i = 0; i < p->nr; i++) {
		end = done + p->per_pipe < p->len ? done + p->per_pipe : p->len;
		while (done < end) {
			n = read(p->fds[i][0], p->data + done, end - done);
			if (n <= 0)
				return n < 0 ? -errno : -EIO;
			done += (size_t)n;
		}
	}
	return 0;
}

void pin_pipe_close(struct pin_pipe *p)
{
	int i, j;

	for (i = 0; i < PIN_PIPE_MAX; i++) {
		for (j = 0; j < 2; j++) {
			if (p->fds[i][j] >= 0)
				close(p->fds[i][j]);
			p->fds[i][j] = -1;
		}
	}
	p->nr = 0;
	thp_scratch_free(p->data, p->data_size);
	p->data = NULL;
}
