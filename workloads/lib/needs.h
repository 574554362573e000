/*
 * needs.h: the --needs answer of docs/protocol.md, used by SPLITFAIL_MAIN in workload.h: the
 * system knobs (sysfs and sysctl files) a workload may write while it runs, one absolute
 * path a line, so that the harness journals their values before the run and puts them back
 * whatever happens to the workload.
 */
#ifndef SPLITFAIL_NEEDS_H
#define SPLITFAIL_NEEDS_H

/* Prints the knobs and returns 1 if argv holds --needs; 0 otherwise. */
int needs_requested(int argc, char **argv);

#endif
