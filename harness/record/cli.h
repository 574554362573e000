/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli.h - `splitfail results <verb> ...` and the top-level verbs on results folders (cli.c).
 */
#ifndef SPLITFAIL_RECORD_CLI_H
#define SPLITFAIL_RECORD_CLI_H

/* 1 and *rc = the exit code when argv[1] is one of these verbs, else 0 (not ours). */
int record_cli(int argc, char **argv, int *rc);

#endif /* SPLITFAIL_RECORD_CLI_H */
