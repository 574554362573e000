// SPDX-License-Identifier: GPL-2.0
/*
 * kallsyms.c - turn a kernel function name into the [start, end) address range that the
 * fault-injection stack filter (require-start / require-end) takes: the function's
 * address up to the next higher symbol's address in /proc/kallsyms
 * (Documentation/fault-injection/fault-injection.rst, "require-start").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "splitfail.h"

/*
 * Returns 0 and the range, -ENOENT when the name is absent, -EINVAL on malformed input or
 * hidden addresses; err names the file and line.
 */
int kallsyms_lookup(const char *path, const char *name, unsigned long *start,
		    unsigned long *end, char *err, size_t errlen)
{
	char line[512], sym[256], type[8];
	unsigned long addr, found = 0, next = ~0UL;
	int lineno = 0, have = 0, nonzero = 0;
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
		if (!have && !strcmp(sym, name) && (type[0] == 't' || type[0] == 'T')) {
			found = addr;
			have = 1;
		}
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
