// SPDX-License-Identifier: GPL-2.0
/*
 * profile_knobs.c - apply the [knobs] lines of a profile (sysctl and sysfs files such as
 * /proc/sys/vm/nr_hugepages or /proc/sys/kernel/numa_balancing) before the workloads run.
 *
 * Each write goes through knob_set(), so the value read before is journalled and written
 * back in reverse order on every exit path, exactly like the fault attributes. A file the
 * running kernel does not have is left alone with a note (the workload that needs it SKIPs
 * with its own reason); a file that cannot be opened for writing is refused before any knob
 * is written, and one that refuses the value is a harness error. What was read
 * before, asked for and read back after is recorded for summary.json ("knobs").
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "control.h"
#include "../record/record.h"

/* The first line of a sysfs or sysctl value, for the record. */
static void first_line(const char *path, char *out, size_t len)
{
	char buf[512];

	if (sf_read_file(path, buf, sizeof(buf)) < 0) {
		snprintf(out, len, "(unreadable)");
		return;
	}
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(out, len, "%s", buf);
}

/*
 * Before anything is written: every [knobs] file the kernel has must open for writing (a
 * read-only sysctl, a sysfs file without a store method are refused here, with nothing
 * journalled). 0, or -errno after naming the knob.
 */
static int knobs_writable(const struct options *o, const char *root)
{
	char path[SF_PATH_MAX];
	int fd;

	for (int i = 0; i < o->n_knobs; i++) {
		const struct knob_setting *k = &o->knobs[i];

		sf_path(path, sizeof(path), root, k->path);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			close(fd);
			continue;
		}
		if (errno == ENOENT)
			continue;	/* not on this kernel: a note below */
		fd = -errno;
		fprintf(stderr, "splitfail: knob %s (%s): cannot be written: %s; no knob was changed\n",
			k->path, k->where, strerror(-fd));
		return fd;
	}
	return 0;
}

/*
 * Writes every [knobs] setting of o under root. json receives a JSON array of
 * {"path", "set", "before", "after"} (or "missing": true). Returns 0, or -errno after
 * printing which knob could not be written.
 */
int profile_knobs_apply(const struct options *o, const char *root, FILE *json)
{
	char path[SF_PATH_MAX], before[256], after[256];
	struct stat st;
	int ret = knobs_writable(o, root);

	if (ret) {
		fputs("[]", json);
		return ret;
	}
	fputc('[', json);
	for (int i = 0; i < o->n_knobs; i++) {
		const struct knob_setting *k = &o->knobs[i];

		sf_path(path, sizeof(path), root, k->path);
		fprintf(json, "%s{\"path\": ", i ? ", " : "");
		text_json(json, k->path);
		fprintf(json, ", \"set\": ");
		text_json(json, k->value);
		if (stat(path, &st)) {
			fprintf(stderr, "splitfail: knob %s (%s): not on this kernel (%s), left alone\n",
				k->path, k->where, strerror(errno));
			fprintf(json, ", \"missing\": true}");
			continue;
		}
		first_line(path, before, sizeof(before));
		ret = knob_set(path, k->value);
		if (ret) {
			fprintf(stderr, "splitfail: knob %s (%s): cannot write '%s': %s\n", k->path,
				k->where, k->value, strerror(-ret));
			fprintf(json, "}]");
			return ret;
		}
		first_line(path, after, sizeof(after));
		fprintf(stderr, "splitfail: knob %s = %s (was %s, reads %s)\n", k->path, k->value,
			before, after);
		fprintf(json, ", \"before\": ");
		text_json(json, before);
		fprintf(json, ", \"after\": ");
		text_json(json, after);
		fputc('}', json);
	}
	fputc(']', json);
	return 0;
}
