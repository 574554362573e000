/*
 * knob_undo.h: a system knob (sysfs, sysctl or debugfs file) a workload writes for a test,
 * with the value it had before put back newest first: by knob_undo_all() (teardown), at exit
 * and from a SIGINT/SIGTERM/SIGHUP/SIGQUIT handler. Every path written here must also be in
 * the workload's --needs answer (needs.c), so that the harness puts it back after a crash.
 */
#ifndef SPLITFAIL_KNOB_UNDO_H
#define SPLITFAIL_KNOB_UNDO_H

/*
 * Writes value to path after recording old, the value the caller read there just before (as
 * the kernel takes it back). A knob it cannot read, a caller leaves alone: the harness does
 * not journal those (harness/needs.c). Returns 0 or -errno (then nothing is recorded).
 */
int knob_undo_set(const char *path, const char *value, const char *old);

/* Puts back every knob knob_undo_set() wrote, newest first. Returns how many. */
int knob_undo_all(void);

#endif
