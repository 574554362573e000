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
 * The file is read once per path (a targeted run looks up each of its workload's functions,
 * and /proc/kallsyms is 40,000 lines the TCG guest took 0.2-1.8 s to produce, twice per
 * lookup before); the harness loads no module, so its symbols do not change while it runs.
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

struct ksym {
	unsigned long addr;
	char type;
	char *name;
};

static struct {
	char path[SF_PATH_MAX];
	struct ksym *sym;
	int n, cap;
	int ret;			/* 0, or the error of reading it, for every lookup */
	char err[512];
	int nonzero;			/* some address is not 0 (addresses not hidden) */
} ks;

static void ks_free(void)
{
	for (int i = 0; i < ks.n; i++)
		free(ks.sym[i].name);
	free(ks.sym);
	memset(&ks, 0, sizeof(ks));
}

/* Read and check every line of path into ks; an error is kept in ks.ret and ks.err. */
static void ks_load(const char *path)
{
	char line[512], sym[256], type[8];
	unsigned long addr;
	int lineno = 0;
	FILE *f;

	ks_free();
	snprintf(ks.path, sizeof(ks.path), "%s", path);
	f = fopen(path, "re");
	if (!f) {
		ks.ret = -errno;
		snprintf(ks.err, sizeof(ks.err), "%s: cannot open: %s", path, strerror(errno));
		ks.path[0] = '\0';	/* tried again at the next lookup */
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *endp;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(ks.err, sizeof(ks.err), "%s:%d: line too long", path, lineno);
			ks.ret = -EINVAL;
			break;
		}
		errno = 0;
		addr = strtoul(line, &endp, 16);
		if (errno || endp == line || *endp != ' ' ||
		    sscanf(endp, " %7s %255s", type, sym) != 2 || strlen(type) != 1) {
			snprintf(ks.err, sizeof(ks.err),
				 "%s:%d: malformed line (want \"<hex address> <type> <name>\"): %.60s",
				 path, lineno, line);
			ks.ret = -EINVAL;
			break;
		}
		if (sf_grow(&ks.sym, ks.n, &ks.cap, sizeof(*ks.sym), 4096) ||
		    !(ks.sym[ks.n].name = strdup(sym))) {
			snprintf(ks.err, sizeof(ks.err), "%s: out of memory", path);
			ks.ret = -ENOMEM;
			break;
		}
		ks.sym[ks.n].addr = addr;
		ks.sym[ks.n++].type = type[0];
		if (addr)
			ks.nonzero = 1;
	}
	fclose(f);
}

/*
 * Returns 0 and the range, -ENOENT when the name is absent, -EINVAL on malformed input or
 * hidden addresses; err names the file and line.
 */
int kallsyms_lookup(const char *path, const char *name, unsigned long *start,
		    unsigned long *end, char *err, size_t errlen)
{
	unsigned long found = 0, clone = 0, next = ~0UL;
	int have = 0, have_clone = 0;

	if (strcmp(ks.path, path))
		ks_load(path);
	if (ks.ret) {
		snprintf(err, errlen, "%s", ks.err);
		return ks.ret;
	}
	for (int i = 0; i < ks.n && !have; i++) {
		const struct ksym *k = &ks.sym[i];

		if (k->type != 't' && k->type != 'T')
			continue;
		if (!strcmp(k->name, name)) {
			found = k->addr;
			have = 1;
		} else if (!have_clone && is_clone_of(k->name, name)) {
			clone = k->addr;
			have_clone = 1;
		}
	}
	if (!have && have_clone) {
		found = clone;
		have = 1;
	}
	if (!have) {
		snprintf(err, errlen, "%s: no function named '%s' in the running kernel", path,
			 name);
		return -ENOENT;
	}
	if (!ks.nonzero) {
		snprintf(err, errlen, "%s: all addresses are 0 (run as root, kptr_restrict)",
			 path);
		return -EINVAL;
	}
	/* the lowest address above the function's start */
	for (int i = 0; i < ks.n; i++)
		if (ks.sym[i].addr > found && ks.sym[i].addr < next)
			next = ks.sym[i].addr;
	if (next == ~0UL) {
		snprintf(err, errlen, "%s: '%s' is the last symbol, its end is unknown", path,
			 name);
		return -EINVAL;
	}
	*start = found;
	*end = next;
	return 0;
}
