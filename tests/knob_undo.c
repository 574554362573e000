/*
 * knob_undo: sets knobs through workloads/lib/knob_undo.h (and numa_scan.h) and then ends the
 * way tests/knob_undo.t asks, so the script can read what was put back:
 *   knob_undo FILE all   FILE (holding "old") set to "mid", then "new"; knob_undo_all();
 *   knob_undo FILE exit  the same, then exit(0): put back at exit
 *   knob_undo FILE wait  the same, then wait for a signal (SIGTERM: put back; SIGKILL: not,
 *                        that is the harness's --needs journal's job)
 *   knob_undo numa wait  numa_scan_quick() on the running kernel's scan knobs, then wait
 * Prints "set <note>" once the knobs are written; "restored N" after knob_undo_all().
 * Exits 4 when numa_scan_quick() finds no knobs it may write (not root, no debugfs).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "knob_undo.h"
#include "numa_scan.h"

static int set_file(const char *path, char *note, size_t len)
{
	int err = knob_undo_set(path, "mid", "old");

	if (!err)
		err = knob_undo_set(path, "new", "mid");
	snprintf(note, len, "%s: %s", path, err ? strerror(-err) : "old -> mid -> new");
	return err;
}

int main(int argc, char **argv)
{
	char note[512];
	int ret;

	if (argc != 3) {
		fprintf(stderr, "usage: knob_undo FILE|numa all|exit|wait\n");
		return 2;
	}
	ret = strcmp(argv[1], "numa") ? set_file(argv[1], note, sizeof(note)) :
					 numa_scan_quick(note, sizeof(note));
	if (ret < 0) {
		printf("# SKIP %s\n", note);
		return ret == -ENOENT ? 4 : 1;
	}
	printf("set %s\n", note);
	fflush(stdout);
	if (!strcmp(argv[2], "all")) {
		printf("restored %d\n", knob_undo_all());
		return 0;
	}
	if (!strcmp(argv[2], "exit"))
		return 0;
	for (;;)
		pause();
}
