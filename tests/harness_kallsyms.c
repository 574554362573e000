// SPDX-License-Identifier: GPL-2.0
/*
 * harness_kallsyms.c - kallsyms_lookup() on recorded /proc/kallsyms text: an exact name wins,
 * a function the compiler emitted only as a clone (`.constprop.0`, `.isra.0`, `.part.0`, as
 * test_hmm's dmirror_migrate_to_device is on 6.12 and 7.2) is found by its plain name, a
 * `.cold` part or data symbol is not, and the range ends at the next symbol; the file is read
 * once per path. Prints TAP; run by tests/harness_kallsyms.t.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../harness/splitfail.h"
#include "unit_tap.h"

/* check() of unit_tap.h with the symbol's start address as expected and actual */
static void check_start(int cond, const char *what, unsigned long want, unsigned long start,
			const char *err)
{
	char exp[32], act[600];

	snprintf(exp, sizeof(exp), "start 0x%lx", want);
	snprintf(act, sizeof(act), "start 0x%lx (%s)", start, err);
	check(cond, what, exp, act);
}

static const char kallsyms_text[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff81100000 t dmirror_migrate_to_device.constprop.0\n"
	"ffffffff81100400 t dmirror_devmem_alloc_page.isra.0\n"
	"ffffffff81100800 t split_fn.part.0\n"
	"ffffffff81100900 T split_fn\n"
	"ffffffff81100a00 t only_cold.cold\n"
	"ffffffff81100b00 d only_data.constprop.0\n"
	"ffffffff81100c00 t dmirror_migrate_to_devicex\n"
	"ffffffff81100d00 T _etext\n";

int main(void)
{
	char path[] = "/tmp/splitfail-kallsyms.XXXXXX", err[512];
	unsigned long a = 0, b = 0;
	int fd = mkstemp(path), r;
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	printf("TAP version 13\n");
	if (!f || fputs(kallsyms_text, f) < 0 || fclose(f)) {
		printf("1..0 # SKIP cannot write %s\n", path);
		return 0;
	}
	r = kallsyms_lookup(path, "dmirror_migrate_to_device", &a, &b, err, sizeof(err));
	check_start(!r && a == 0xffffffff81100000UL && b == 0xffffffff81100400UL,
	      "a .constprop.0 clone is found by its plain name, range up to the next symbol",
	      0xffffffff81100000UL, a, r ? err : "");
	r = kallsyms_lookup(path, "dmirror_devmem_alloc_page", &a, &b, err, sizeof(err));
	check_start(!r && a == 0xffffffff81100400UL, "an .isra.0 clone is found", 0xffffffff81100400UL,
	      a, r ? err : "");
	r = kallsyms_lookup(path, "split_fn", &a, &b, err, sizeof(err));
	check_start(!r && a == 0xffffffff81100900UL, "an exact name wins over an earlier .part clone",
	      0xffffffff81100900UL, a, r ? err : "");
	a = 0;
	r = kallsyms_lookup(path, "only_cold", &a, &b, err, sizeof(err));
	check_start(r == -ENOENT, "a .cold part alone is not the function (-ENOENT)", 0, a, err);
	r = kallsyms_lookup(path, "only_data", &a, &b, err, sizeof(err));
	check_start(r == -ENOENT, "a data symbol's clone suffix is not a function (-ENOENT)", 0, a,
	      err);
	r = kallsyms_lookup(path, "dmirror_migrate_to", &a, &b, err, sizeof(err));
	check_start(r == -ENOENT, "a prefix of a longer name is not a match (-ENOENT)", 0, a, err);

	f = fopen(path, "w");	/* a later lookup answers from the first reading */
	if (!f || fputs("ffffffff82000000 T split_fn\nffffffff82000100 T _etext\n", f) < 0 ||
	    fclose(f))
		printf("# cannot rewrite %s\n", path);
	r = kallsyms_lookup(path, "split_fn", &a, &b, err, sizeof(err));
	check_start(!r && a == 0xffffffff81100900UL && b == 0xffffffff81100a00UL,
		    "the file is read once: a later lookup of the same path does not read it again",
		    0xffffffff81100900UL, a, r ? err : "");
	unlink(path);
	r = kallsyms_lookup(path, "split_fn", &a, &b, err, sizeof(err));
	check_start(!r && a == 0xffffffff81100900UL, "... not even when it is gone",
		    0xffffffff81100900UL, a, r ? err : "");
	r = kallsyms_lookup("/nonexistent/kallsyms", "split_fn", &a, &b, err, sizeof(err));
	check_start(r == -ENOENT && strstr(err, "cannot open"),
		    "another path is read: one that cannot be opened is an error naming it", 0, a,
		    err);
	printf("1..%d\n", n_test);
	return n_failed ? 1 : 0;
}
