/*
 * pin_pipe.h: page references held by pipes: vmsplice(2) of a THP region into pipes
 * (iov_iter_get_pages, one pipe buffer per page), so the pages stay referenced while an
 * operation runs on the mapping; reading the pipes afterwards shows what the kernel kept.
 * A pipe holds at most fs.pipe-max-size bytes without CAP_SYS_RESOURCE in the initial user
 * namespace, so a region is spread over as many pipes as it needs.
 */
#ifndef SPLITFAIL_PIN_PIPE_H
#define SPLITFAIL_PIN_PIPE_H

#include <stddef.h>

#define PIN_PIPE_MAX 64

struct pin_pipe {
	int fds[PIN_PIPE_MAX][2];	/* -1 when closed */
	int nr;				/* pipes in use */
	size_t per_pipe;		/* bytes spliced into each pipe (the last may hold less) */
	size_t len;			/* bytes spliced in all */
	char *data;			/* what pin_pipe_drain read back, len bytes */
	size_t data_size;		/* bytes allocated at data */
};

/*
 * vmsplice [base, base + len) into pipes grown to hold it (F_SETPIPE_SZ). Returns 0;
 * 4 (KSFT_SKIP) with the reason when the pipes cannot hold len; or -errno with the reason.
 */
int pin_pipe_splice(struct pin_pipe *p, char *base, size_t len, char *why, size_t why_len);

/* Reads all p->len bytes out of the pipes into p->data, in order. Returns 0 or -errno. */
int pin_pipe_drain(struct pin_pipe *p);

/* Closes the pipes (dropping any references left) and frees p->data. */
void pin_pipe_close(struct pin_pipe *p);

#endif
