/*
 * targets.c: answers a workload's --targets option (docs/protocol.md): one kernel function
 * per line that the operation goes through and that is worth a stack-filtered fault.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "targets.h"

int targets_requested(int argc, char **argv, const char *const *targets)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--targets"))
			continue;
		for (; *targets; targets++)
			printf("%s\n", *targets);
		fflush(stdout);
		return 1;
	}
	return 0;
}

void targets_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h"))
			continue;
		fprintf(stderr,
			"splitfail workload (docs/protocol.md). Also:\n"
			"\t--targets  kernel functions worth a stack-filtered fault, one a line\n"
			"\t--needs    knobs (sysfs, sysctl files) it may write, one a line\n"
			"Environment:\n"
			"\tSPLITFAIL_SEED=<u64>             pattern seed (default 1)\n"
			"\tSPLITFAIL_INJECT=off|task|nth:N  injection around the operation\n"
			"\tSPLITFAIL_ITERATIONS=<n>         repeat map + operation + checks\n"
			"Exit: 0 passed, 1 failed, 4 every case skipped.\n\n");
		return;
	}
}
