/*
 * vmstat.c: reads /proc/vmstat into numbers (one counter, or a snapshot of all) and prints the
 * THP-related deltas a workload's report shows as evidence that real splits happened.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmstat.h"

/*
 * The text of /proc/vmstat in buf (NUL-terminated), read with plain read(2): stdio's scanf
 * over some 200 lines costs more than the kernel's side under software emulation.
 * Returns its length or -errno.
 */
static ssize_t vmstat_text(char *buf, size_t len)
{
	int fd = open("/proc/vmstat", O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	ssize_t n = 0;

	buf[0] = '\0';
	if (fd < 0)
		return -errno;
	while (got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += (size_t)n;
	if (n < 0)
		n = -errno;
	close(fd);
	buf[got] = '\0';
	return n < 0 ? n : (ssize_t)got;
}

/* Next "name value" line from *pos: its name (not terminated) and value. 0 at the end. */
static int next_counter(const char **pos, const char **name, size_t *name_len,
			long long *value)
{
	const char *p = *pos, *sp, *nl;

	for (; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p) - 1;
		sp = memchr(p, ' ', (size_t)(nl - p));
		if (!sp || sp == p)
			continue;
		*name = p;
		*name_len = (size_t)(sp - p);
		*value = strtoll(sp + 1, NULL, 10);
		*pos = nl + 1;
		return 1;
	}
	return 0;
}

int vmstat_read_many(const char *const *names, long long *values, int n)
{
	char buf[VMSTAT_TEXT_MAX];
	const char *pos = buf, *name;
	ssize_t len = vmstat_text(buf, sizeof(buf));
	size_t name_len;
	long long v;
	int i, found = 0;

	for (i = 0; i < n; i++)
		values[i] = -1;
	if (len < 0)
		return (int)len;
	while (found < n && next_counter(&pos, &name, &name_len, &v)) {
		for (i = 0; i < n; i++) {
			if (values[i] < 0 && strlen(names[i]) == name_len &&
			    !memcmp(names[i], name, name_len)) {
				values[i] = v;
				found++;
			}
		}
	}
	return found;
}

long long vmstat_read(const char *name)
{
	long long v;

	vmstat_read_many(&name, &v, 1);
	return v;
}

int vmstat_snapshot_take(struct vmstat_snapshot *s)
{
	char buf[VMSTAT_TEXT_MAX];
	const char *pos = buf, *name;
	ssize_t len = vmstat_text(buf, sizeof(buf));
	size_t name_len;
	long long v;

	s->count = 0;
	if (len < 0)
		return (int)len;
	while (s->count < VMSTAT_MAX_COUNTERS && next_counter(&pos, &name, &name_len, &v)) {
		if (name_len >= VMSTAT_NAME_MAX)
			continue;
		memcpy(s->names[s->count], name, name_len);
		s->names[s->count][name_len] = '\0';
		s->values[s->count++] = v;
	}
	return s->count;
}

/* Index of name in s, trying hint first (two snapshots list counters in the same order). */
static int snapshot_index(const struct vmstat_snapshot *s, const char *name, int hint)
{
	int i;

	if (hint >= 0 && hint < s->count && !strcmp(s->names[hint], name))
		return hint;
	for (i = 0; i < s->count; i++)
		if (!strcmp(s->names[i], name))
			return i;
	return -1;
}

long long vmstat_snapshot_get(const struct vmstat_snapshot *s, const char *name)
{
	int i = snapshot_index(s, name, -1);

	return i < 0 ? -1 : s->values[i];
}

/* after - before for after's counter i, or 0 when before lacks it. */
static long long delta_at(const struct vmstat_snapshot *before,
			  const struct vmstat_snapshot *after, int i)
{
	int b = snapshot_index(before, after->names[i], i);

	return b < 0 ? 0 : after->values[i] - before->values[b];
}

long long vmstat_delta(const struct vmstat_snapshot *before,
		       const struct vmstat_snapshot *after, const char *name)
{
	int a = snapshot_index(after, name, -1);

	return a < 0 ? 0 : delta_at(before, after, a);
}

static int is_thp_counter(const char *name)
{
	static const char *const prefixes[] = {
		"thp_", "pgmigrate_", "nr_anon_transparent", "pswp", "numa_pages_migrated",
		"nr_page_table", NULL,
	};
	int i;

	for (i = 0; prefixes[i]; i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return 1;
	return 0;
}

int vmstat_print_thp_deltas(const char *test, const struct vmstat_snapshot *before,
			    const struct vmstat_snapshot *after)
{
	int i, printed = 0;

	printf("# %s: vmstat delta", test);
	for (i = 0; i < after->count; i++) {
		long long d;

		if (!is_thp_counter(after->names[i]))
			continue;
		d = delta_at(before, after, i);
		if (!d)
			continue;
		printf(" %s=%lld", after->names[i], d);
		printed++;
	}
	if (!printed)
		printf(" (no THP counter changed)");
	putchar('\n');
	return printed;
}
