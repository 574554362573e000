/* SPDX-License-Identifier: GPL-2.0 */
/*
 * unit_tree.h: a file of the fake /proc, /sys tree a C unit test points the harness at
 * (--root): tree_put(ROOT, "/proc/vmstat", TEXT) writes ROOT/proc/vmstat, and says so on a
 * TAP comment line when it cannot; tree_make() and tree_remove() create and remove a tree
 * with its /proc/sys/vm folder.
 */
#ifndef SPLITFAIL_UNIT_TREE_H
#define SPLITFAIL_UNIT_TREE_H

#include <stdio.h>
#include <stdlib.h>

static void tree_put(const char *root, const char *rel, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f))
		printf("# cannot write %s\n", path);
}

/* A shell command on a tree (mkdir, cp, rm); a TAP comment line when it fails. */
static inline void tree_sh(const char *cmd)
{
	if (system(cmd))
		printf("# %s failed\n", cmd);
}

/* mkdtemp(root) with ROOT/proc/sys/vm; -1 when there is no temporary folder. */
static inline int tree_make(char *root)
{
	char cmd[4096];

	if (!mkdtemp(root))
		return -1;
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/proc/sys/vm", root);
	tree_sh(cmd);
	return 0;
}

static inline void tree_remove(const char *root)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	tree_sh(cmd);
}

#endif /* SPLITFAIL_UNIT_TREE_H */
