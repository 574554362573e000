// SPDX-License-Identifier: GPL-2.0
/*
 * harness_known_units.c - unit tests of harness/known.c: release comparison (numbers part
 * by part, suffixes ignored), and known_apply() on recorded results: a FAIL matching name,
 * release and every signature (in its evidence or in the run's kernel log) becomes
 * KNOWN-FAIL with the note first; a FAIL missing one signature, another verdict,
 * a release out of range or unreadable stay as they were. Prints TAP; run by
 * tests/harness_known_units.t.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../harness/splitfail.h"

static int n_test, n_failed;

static void check(int cond, const char *what)
{
	n_test++;
	printf("%sok %d - %s\n", cond ? "" : "not ", n_test, what);
	n_failed += !cond;
}

static void cmp_case(const char *a, const char *b, int want, int want_ok)
{
	char what[160];
	int ok, got = known_release_cmp(a, b, &ok);

	snprintf(what, sizeof(what), "release %s vs %s: %d%s", a, b, want,
		 want_ok ? "" : " (unreadable)");
	check(got == want && ok == want_ok, what);
}

/* known_apply on a FAIL named name with evidence ev and kernel log kmsg; returns the verdict. */
static int apply_case(const char *name, const char *release, int verdict, const char *ev,
		      const char *kmsg, struct result *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->evidence, sizeof(r->evidence), "%s", ev);
	r->verdict = verdict;
	known_apply(r, release, kmsg);
	return r->verdict;
}

int main(void)
{
	static const char ini[] =
		"[splat]\nname = thp_munmap:*@random\nmin_release = 7.0\nmax_release = 7.2.13\n"
		"signature = ^kernel log: .*WARNING: .* at mm/huge_memory.c\n"
		"signature = __split_huge_pmd\ndescription = d\nreference = docs/found-bugs.md#x\n";
	const char *name = "thp_munmap:thp_munmap.pmd.head@random";
	const char *ev = "kernel log: expected no bug messages, actual: WARNING: CPU: 1 PID: 9 at mm/huge_memory.c:3000; ";
	char path[] = "/tmp/splitfail-known-XXXXXX", err[512];
	struct result r;
	int fd = mkstemp(path);

	printf("TAP version 13\n");
	cmp_case("7.2.13", "6.12.117", 1, 1);
	cmp_case("6.12.117", "7.2.13", -1, 1);
	cmp_case("7.2", "7.2.0", 0, 1);
	cmp_case("7.10", "7.9.99", 1, 1);
	cmp_case("7.2.13-splitfail+", "7.2.13", 0, 1);
	cmp_case("6.12.117+deb12-amd64", "6.12.118", -1, 1);
	cmp_case("unknown", "7.2.13", 0, 0);
	if (fd < 0 || write(fd, ini, sizeof(ini) - 1) != (ssize_t)(sizeof(ini) - 1))
		return 1;
	close(fd);
	check(!known_load(path, err, sizeof(err)) && known_count() == 1, "load: one entry");
	check(apply_case(name, "7.2.13", V_FAIL, ev, "[ 1.0] __split_huge_pmd+0x1a/0x90\n",
			 &r) == V_KNOWN_FAIL && !strcmp(r.known, "splat") &&
	      !strncmp(r.evidence, "known issue splat (docs/found-bugs.md#x, ", 41) &&
	      strstr(r.evidence, "; kernel log: expected no bug"),
	      "apply: signatures found in evidence and kernel log -> KNOWN-FAIL, note first");
	check(apply_case(name, "7.2.13", V_FAIL, ev, "[ 1.0] copy_huge_pmd+0x1a/0x90\n", &r) ==
	      V_FAIL && !r.known[0] && !strcmp(r.evidence, ev),
	      "apply: one signature missing -> stays FAIL, evidence untouched");
	check(apply_case(name, "7.2.13", V_FAIL, ev, NULL, &r) == V_FAIL,
	      "apply: no kernel log, a signature only it had -> FAIL");
	check(apply_case(name, "7.3", V_FAIL, ev, "__split_huge_pmd\n", &r) == V_FAIL,
	      "apply: release above max_release -> FAIL");
	check(apply_case(name, "6.18.2", V_FAIL, ev, "__split_huge_pmd\n", &r) == V_FAIL,
	      "apply: release below min_release -> FAIL");
	check(apply_case(name, "", V_FAIL, ev, "__split_huge_pmd\n", &r) == V_FAIL,
	      "apply: no release -> FAIL");
	check(apply_case("thp_munmap:thp_munmap.pmd.head", "7.2.13", V_FAIL, ev,
			 "__split_huge_pmd\n", &r) == V_FAIL, "apply: name outside the glob -> FAIL");
	check(apply_case(name, "7.2.13", V_ERROR, ev, "__split_huge_pmd\n", &r) == V_ERROR,
	      "apply: only a FAIL can become KNOWN-FAIL");
	check(!strcmp(verdict_name(V_KNOWN_FAIL), "KNOWN-FAIL"), "verdict name KNOWN-FAIL");
	known_free();
	unlink(path);
	printf("1..%d\n", n_test);
	return n_failed ? 1 : 0;
}
