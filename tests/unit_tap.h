/* SPDX-License-Identifier: GPL-2.0 */
/*
 * unit_tap.h: the TAP line of the C unit tests (harness_units.c, harness_leak_units.c,
 * harness_kallsyms.c): check() numbers each check, prints "ok"/"not ok" and, on failure, the
 * expected and the actual value. Each test program includes it once and ends with
 * printf("1..%d\n", n_test) and exit status n_failed != 0.
 */
#ifndef SPLITFAIL_UNIT_TAP_H
#define SPLITFAIL_UNIT_TAP_H

#include <stdio.h>

static int n_test, n_failed;

static void check(int cond, const char *what, const char *expected, const char *actual)
{
	n_test++;
	printf("%sok %d - %s\n", cond ? "" : "not ", n_test, what);
	if (!cond) {
		printf("#   expected: %s\n#   actual:   %s\n", expected, actual);
		n_failed++;
	}
}

#endif /* SPLITFAIL_UNIT_TAP_H */
