// SPDX-License-Identifier: GPL-2.0
/*
 * kallsyms.c - turn a kernel function name into the [start, end) address range that the
 * fault-injection stack filter (require-start / require-end) takes: the function's
 * address up to the next higher symbol's address in /proc/kallsyms
 * (Documentation/fault-injection/fault-injection.rst, "require-start").
 * GCC may emit a function only as a specialised clone: `dmirror_migrate_to_device.constprop.0`
 * (seen on 6.12 and 7.2), `.isra.N`, `.part.N`. A name with no exact match takes its first
 * clone of those kinds, so a workload's target list works on kernels built either way; the
 * out-of-line cold part (`.cold`) is never taken, it is not where the function runs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "splitfail.h"

/* 1 when sym is name followed by a clone suffix: .constprop. .isra. .part. .lto_priv. */
static int is_clone_of(const char *sym, const char *name)
{
	static const char *const kinds[] = { ".constprop.", ".isra.", ".part.", ".lto_priv.",
					     NULL };
	size_t n = strlen(name);

	if (strncmp(sym, name, n) || sym[n] != '.')
		return 0;
	for (int i = 0; kinds[i]; i++)
		if (!strncmp(sym + n, kinds[i], strlen(kinds[i])))
			return 1;
	return 0;
}

/*
 * Returns 0 and the range, -ENOENT when the name is absent, -EINVAL on malformed input or
 * hidden addresses; err names the file and line.
 */
int kallsyms_scan(const char *path, const char *name, unsigned long *start,
		    unsigned long *end, char *err, size_t errlen)
{
	char line[512], sym[256], type[8];
	unsigned long addr, found = 0, clone = 0, next = ~0UL;
	int lineno = 0, have = 0, have_clone = 0, nonzero = 0;
	FILE *f = fopen(path, "re");

	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		char *endp;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "%s:%d: line too long", path, lineno);
			fclose(f);
			return -EINVAL;
		}
		errno = 0;
		addr = strtoul(line, &endp, 16);
		if (errno || endp == line || *endp != ' ' ||
		    sscanf(endp, " %7s %255s", type, sym) != 2 || strlen(type) != 1) {
			snprintf(err, errlen,
				 "%s:%d: malformed line (want \"<hex address> <type> <name>\"): %.60s",
				 path, lineno, line);
			fclose(f);
			return -EINVAL;
		}
		if (addr)
			nonzero = 1;
		if (type[0] != 't' && type[0] != 'T')
			continue;
		if (!have && !strcmp(sym, name)) {
			found = addr;
			have = 1;
		} else if (!have_clone && is_clone_of(sym, name)) {
			clone = addr;
			have_clone = 1;
		}
	}
	if (!have && have_clone) {
		found = clone;
		have = 1;
	}
	if (!have) {
		fclose(f);
		snprintf(err, errlen, "%s: no function named '%s' in the running kernel", path,
			 name);
		return -ENOENT;
	}
	if (!nonzero) {
		fclose(f);
		snprintf(err, errlen, "%s: all addresses are 0 (run as root, kptr_restrict)",
			 path);
		return -EINVAL;
	}
	/* Second pass: the lowest address above the function's start. */
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		addr = strtoul(line, NULL, 16);
		if (addr > found && addr < next)
			next = addr;
	}
	fclose(f);
	if (next == ~0UL) {
		snprintf(err, errlen, "%s: '%s' is the last symbol, its end is unknown", path,
			 name);
		return -EINVAL;
	}
	*start = found;
	*end = next;
	return 0;
}
