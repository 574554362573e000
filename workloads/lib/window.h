/*
 * window.h: the injection window of docs/protocol.md. window_arm() / window_disarm() bracket
 * exactly the operation under test; SPLITFAIL_INJECT says what they do (off: nothing; task:
 * make-it-fail 1/0; nth:<N>: fail-nth N and read back whether it was consumed). The /proc file
 * is opened before arming so nothing but the operation runs while faults can be injected.
 */
#ifndef SPLITFAIL_WINDOW_H
#define SPLITFAIL_WINDOW_H

#include <stddef.h>

enum window_mode {
	WINDOW_OFF,
	WINDOW_TASK,
	WINDOW_NTH,
};

struct window {
	enum window_mode mode;
	long nth;
	long nth_last;		/* nth:<A>-<B>: the last step of a batch, 0 = one step */
	int consumed_in_step;	/* windows that consumed the fault since window_step() */
	int fd;			/* make-it-fail or fail-nth of this thread, -1 when off */
	int armed;
	char test[256];
	char op[64];
	long long t0_ns;	/* CLOCK_MONOTONIC when the operation could start (armed) */
};

/*
 * Parses SPLITFAIL_INJECT and checks the /proc file exists. Returns 0, 4 (KSFT_SKIP) with the
 * reason in why when the file is missing, or -EINVAL (reason in why) for a bad value.
 */
int window_setup(struct window *w, const char *test, const char *op, char *why,
		 size_t why_len);

/*
 * window_setup() for a test whose cycle loop runs a batch of fail-nth steps in one process
 * (SPLITFAIL_INJECT=nth:<A>-<B>, cycle.c): window_setup() itself refuses a batch with 4
 * (KSFT_SKIP), so a test that arms its own windows never runs one step as if it were several.
 */
int window_setup_steps(struct window *w, const char *test, const char *op, char *why,
		       size_t why_len);

/*
 * The next step of a batch: fail-nth becomes nth for the following windows, and the line
 * "# splitfail: step nth=<nth> t=<ns>" is printed; when SPLITFAIL_STEP_FD names a descriptor, one
 * byte is read from it first-thing after (the harness has recorded that this step started, so
 * a kernel crash in it is blamed on it). Returns 0; 1 when the harness stops the batch
 * before this step (its time budget is spent); -errno when the harness is gone.
 */
int window_step(struct window *w, long nth);

/* Starts injection (nothing under off). Returns 0 or -errno. */
int window_arm(struct window *w);

/*
 * Stops injection and prints "# splitfail: window test=... op=... inject=... consumed=...
 * ret=<ret> errno=<err name> t0=<ns> t1=<ns>". ret/err are the operation's result and errno
 * (0 if none); t0/t1 bracket the operation on CLOCK_MONOTONIC (the harness's time split).
 * Returns consumed: 1, 0, or -1 when unknown (task mode or off).
 */
int window_disarm(struct window *w, long ret, int err);

/* CLOCK_MONOTONIC in nanoseconds, the clock of the window lines and of the harness. */
long long window_now_ns(void);

/* First thing in a forked child: stop any injection inherited from the parent. */
void window_child_disarm(void);

#endif
