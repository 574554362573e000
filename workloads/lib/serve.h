/*
 * serve.h: the workload side of the fork server (docs/protocol.md "Fork server"). Started as
 * `WORKLOAD --serve` with SPLITFAIL_SERVE_FD naming a SOCK_SEQPACKET socket to the harness,
 * a workload stays alive for as many runs as the harness asks for and forks a fresh child per
 * run, so exec, dynamic loading and start-up are paid once per workload instead of once per
 * fault point. The child is what an exec'd workload would be: its own process group, its
 * output on the pipe the harness sent with the request, SPLITFAIL_* from the request, tied to
 * the server's life (lifetime.h: SIGTERM when the server dies), the server's writable memory
 * unshared before the test starts (so no copy-on-write fault of the server's pages lands
 * inside an injection window), then the kselftest harness on the one test case named.
 */
#ifndef SPLITFAIL_SERVE_H
#define SPLITFAIL_SERVE_H

/* Runs the test cases argv selects (argc/argv as for main); returns the exit code. */
typedef int (*serve_run_fn)(int argc, char **argv);

/* 1 when argv is `PROG --serve`, else 0. */
int serve_requested(int argc, char **argv);

/*
 * Answers "ready", then serves requests until the harness closes the socket. Returns main()'s exit code: 0 at a
 * clean end, 2 when SPLITFAIL_SERVE_FD is missing or bad (the reason on stderr).
 */
int serve_loop(const char *argv0, serve_run_fn run);

#endif
