// SPDX-License-Identifier: GPL-2.0
/*
 * harness_probe_units.c - the harness's per-run probes made incremental, on a fake /proc,
 * /sys tree: fault attributes written only when their value changes, `times` taken from
 * what the kernel counted down (fault.c); the knobs a workload declares read once while they
 * hold, for any workload, again after a run changed one (needs.c); record lines
 * fsync'ed except on an uncached 9p mount (record/durable.c, on mountinfo text as the guest
 * shows it). Prints TAP; run by tests/harness_probe_units.t with the fake workload's path.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../harness/control/control.h"
#include "../harness/record/record.h"
#include "unit_tap.h"
#include "unit_tree.h"

static char root[] = "/tmp/splitfail-probe-units.XXXXXX";

static void put(const char *rel, const char *text)
{
	tree_put(root, rel, text);
}

/* The first line of a file of the tree, "" when there is none. */
static const char *get(const char *rel)
{
	static char buf[256];
	char path[SF_PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	n = sf_read_file(path, buf, sizeof(buf));
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

#define FS	"/sys/kernel/debug/failslab/"

static void test_fault(void)
{
	static const char *const files[] = { "probability", "interval", "times", "space",
					     "verbose", "task-filter", "ignore-gfp-wait",
					     "require-start", "require-end", "reject-start",
					     "reject-end", "stacktrace-depth", NULL };
	struct fault_params fp = { .probability = 100, .interval = 1, .times = 4, .space = 0,
				   .verbose = 0, .min_order = 0, .ignore_gfp_wait = 0,
				   .ignore_gfp_highmem = 0, .sweep_times = 1000 };
	static struct fault_env fe;
	long long t[SF_MAX_ATTRS];
	char path[SF_PATH_MAX];
	int r;

	for (int i = 0; files[i]; i++) {
		snprintf(path, sizeof(path), "%s%s", FS, files[i]);
		put(path, "1\n");
	}
	fault_discover(root, "failslab", &fe);
	check(fe.available && fe.n_attrs == 1, "fault: the fake failslab is found", "1 attr",
	      fe.reason);
	r = fault_configure(&fe, STRAT_SWEEP, &fp, 0, 0);
	check(!r && !strcmp(get(FS "probability"), "0") && !strcmp(get(FS "times"), "1000") &&
	      !strcmp(get(FS "task-filter"), "Y") && !strcmp(get(FS "ignore-gfp-wait"), "N") &&
	      !strcmp(get(FS "require-end"), "0xffffffffffffffff"),
	      "fault: a sweep's first run writes every attribute", "0, 1000, Y, N, all",
	      get(FS "times"));
	snprintf(path, sizeof(path), "%s%smin-order", root, FS);
	check(access(path, F_OK) != 0,
	      "fault: a file the kernel lacks (failslab's min-order) is not created", "absent",
	      path);
	put(FS "probability", "77\n");
	put(FS "require-start", "0x5\n");
	fault_configure(&fe, STRAT_SWEEP, &fp, 0, 0);
	check(!strcmp(get(FS "probability"), "77") && !strcmp(get(FS "require-start"), "0x5"),
	      "fault: the next run of the sweep writes nothing that holds its value already",
	      "77 left as it was", get(FS "probability"));
	put(FS "times", "999\n");	/* the kernel counted a fault down */
	fault_times_read(&fe, t);
	fault_configure(&fe, STRAT_SWEEP, &fp, 0, 0);
	check(t[0] == 999 && !strcmp(get(FS "times"), "1000"),
	      "fault: times the kernel counted down (read after the run) is written again",
	      "999 read, 1000 written", get(FS "times"));
	fault_configure(&fe, STRAT_RANDOM, &fp, 0, 0);
	check(!strcmp(get(FS "probability"), "100") && !strcmp(get(FS "times"), "4"),
	      "fault: another strategy's values are written", "100, 4", get(FS "times"));
	fault_configure(&fe, STRAT_RANDOM, &fp, 0x1000, 0x2000);
	check(!strcmp(get(FS "require-start"), "0x1000") &&
	      !strcmp(get(FS "require-end"), "0x2000"),
	      "fault: a targeted run's stack filter is written", "0x1000..0x2000",
	      get(FS "require-end"));
	fault_configure(&fe, STRAT_RANDOM, &fp, 0, 0);
	check(!strcmp(get(FS "require-start"), "0x0") &&
	      !strcmp(get(FS "require-end"), "0xffffffffffffffff"),
	      "fault: and opened again for the next untargeted run", "0x0..all",
	      get(FS "require-start"));
}

#define MTHP	"/sys/kernel/mm/transparent_hugepage/hugepages-16kB/enabled"

static void test_needs(const char *fake)
{
	struct wl_case c = { .workload = "fake_thp" }, c2 = { .workload = "fake_thp_too" };
	char err[256] = "", note[1024];
	int r;

	snprintf(c.path, sizeof(c.path), "%s", fake);
	snprintf(c2.path, sizeof(c2.path), "%s", fake);
	put(MTHP, "never\n");
	r = needs_before_run(&c, root, err, sizeof(err));
	check(!r && !needs_after_run(note, sizeof(note)) && !note[0],
	      "needs: a run that leaves its knob as it was: nothing to put back", "", note);
	put(MTHP, "always\n");	/* nobody writes it between runs: not read again */
	needs_before_run(&c2, root, err, sizeof(err));
	needs_after_run(note, sizeof(note));
	check(strstr(note, "was left 'always' (before the run 'never'): put back") &&
	      !strcmp(get(MTHP), "never"),
	      "needs: the next run, of any workload declaring it, starts from the value known",
	      "put back to never", note);
	put(MTHP, "madvise\n");
	needs_before_run(&c, root, err, sizeof(err));
	needs_after_run(note, sizeof(note));
	check(!note[0], "needs: after a run that changed one it is read again", "", note);
	put(MTHP, "always\n");
	needs_before_run(&c, root, err, sizeof(err));
	needs_after_run(note, sizeof(note));
	check(strstr(note, "was left 'always' (before the run 'madvise'): put back") &&
	      !strcmp(get(MTHP), "madvise"),
	      "needs: ... and known again after a run that left it", "put back to madvise", note);
}

static void mountinfo_case(const char *text, unsigned int maj, unsigned int min, int want,
			   const char *what)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int got = f ? record_fsync_needed_in(f, maj, min) : -1;
	char exp[8], act[8];

	if (f)
		fclose(f);
	snprintf(exp, sizeof(exp), "%d", want);
	snprintf(act, sizeof(act), "%d", got);
	check(got == want, what, exp, act);
}

static void test_durable(void)
{
	static const char mi[] =
		"22 1 0:21 / / ro,relatime - 9p /dev/root ro,access=client,msize=262144,trans=virtio\n"
		"31 22 0:5 / /dev rw,nosuid shared:2 - devtmpfs devtmpfs rw,size=1000k\n"
		"40 22 0:36 / /tmp rw,relatime - tmpfs tmpfs rw\n"
		"41 40 0:37 / /tmp/res rw,relatime - 9p splitfail-results rw,access=client,msize=262144,trans=virtio\n"
		"42 40 0:38 / /tmp/cached rw,relatime - 9p tag rw,cache=0x1,access=client,trans=virtio\n"
		"43 22 254:1 / /srv rw,relatime shared:1 - ext4 /dev/vda1 rw\n";
	char path[] = "/tmp/splitfail-durable.XXXXXX";
	int fd = mkstemp(path);

	mountinfo_case(mi, 0, 37, 0, "durable: the guest's results export (9p, no cache=): no fsync");
	mountinfo_case(mi, 0, 38, 1, "durable: a 9p mount with a cache: fsync");
	mountinfo_case(mi, 254, 1, 1, "durable: ext4: fsync");
	mountinfo_case(mi, 0, 36, 1, "durable: tmpfs: fsync (it costs nothing there)");
	mountinfo_case(mi, 0, 99, 1, "durable: a device not in mountinfo: fsync");
	check(fd >= 0 && record_fsync_needed(fd) == 1,
	      "durable: a file of this machine's /tmp (not 9p) is fsync'ed", "1", path);
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
}

int main(int argc, char **argv)
{
	char cmd[SF_PATH_MAX * 2];

	printf("TAP version 13\n");
	if (!mkdtemp(root)) {
		printf("1..0 # SKIP no temp dir\n");
		return 0;
	}
	snprintf(cmd, sizeof(cmd), "mkdir -p %s%s %s/proc/self %s/sys/kernel/mm/transparent_hugepage/hugepages-16kB",
		 root, FS, root, root);
	if (system(cmd))
		printf("# %s failed\n", cmd);
	snprintf(cmd, sizeof(cmd), "%s/run", root);
	knobs_init(cmd);
	test_fault();
	test_needs(argc > 1 ? argv[1] : "tests/fixtures/workloads/fake_thp");
	test_durable();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	if (system(cmd))
		printf("# could not remove %s\n", root);
	printf("1..%d\n", n_test);
	return n_failed ? 1 : 0;
}
