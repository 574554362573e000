/*
 * lifetime.c: a pthread_atfork hook that sets PR_SET_PDEATHSIG(SIGTERM) in every forked child
 * and covers the race where the parent died before the child could ask.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <unistd.h>

#include "lifetime.h"

static pid_t forking_parent;

static void before_fork(void)
{
	forking_parent = getpid();
}

static void in_child(void)
{
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != forking_parent)
		raise(SIGTERM);
}

int lifetime_tie_children(void)
{
	static int done;

	if (done)
		return 0;
	done = 1;
	return pthread_atfork(before_fork, NULL, in_child);
}
