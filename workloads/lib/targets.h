/*
 * targets.h: the --targets answer of docs/protocol.md, used by SPLITFAIL_MAIN in workload.h.
 */
#ifndef SPLITFAIL_TARGETS_H
#define SPLITFAIL_TARGETS_H

/* Prints each name of the NULL-terminated list and returns 1 if argv holds --targets. */
int targets_requested(int argc, char **argv, const char *const *targets);

/* With -h in argv: prints splitfail's own option and environment to stderr (kselftest adds its). */
void targets_help(int argc, char **argv);

#endif
