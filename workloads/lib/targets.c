/*
 * targets.c: answers a workload's --targets option (docs/protocol.md): one kernel function
 * per line that the operation goes through and that is worth a stack-filtered fault.
 */
#include <stdio.h>
#include <string.h>

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
