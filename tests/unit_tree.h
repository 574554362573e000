/* SPDX-License-Identifier: GPL-2.0 */
/*
 * unit_tree.h: a file of the fake /proc, /sys tree a C unit test points the harness at
 * (--root): tree_put(ROOT, "/proc/vmstat", TEXT) writes ROOT/proc/vmstat, and says so on a
 * TAP comment line when it cannot.
 */
#ifndef SPLITFAIL_UNIT_TREE_H
#define SPLITFAIL_UNIT_TREE_H

#include <stdio.h>

static void tree_put(const char *root, const char *rel, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f))
		printf("# cannot write %s\n", path);
}

#endif /* SPLITFAIL_UNIT_TREE_H */
