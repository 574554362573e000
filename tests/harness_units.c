// SPDX-License-Identifier: GPL-2.0
/*
 * harness_units.c - unit tests of the harness's pure parts on recorded inputs: judge() on
 * recorded run observations, leak_check() on recorded /proc/vmstat files (a fake root),
 * workload_parse_listing() on a kselftest `-l` listing with long names, and
 * run_parse_line() on protocol lines. Prints TAP; run by tests/harness_units.t.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../harness/splitfail.h"
#include "unit_tap.h"


static void judge_case(const char *what, struct judge_in *in, int want, const char *ev_part)
{
	char ev[SF_EVIDENCE_MAX], exp[256];
	int v = judge(in, ev, sizeof(ev));

	snprintf(exp, sizeof(exp), "%s with evidence containing '%s'", verdict_name(want),
		 ev_part);
	check(v == want && strstr(ev, ev_part), what, exp, verdict_name(v));
	if (v == want && !strstr(ev, ev_part))
		printf("#   evidence: %s\n", ev);
}

/* A --wrap program: its exit status under injection is judged by the faults it got. */
static void test_judge_wrapped(void)
{
	struct judge_in in;

	memset(&in, 0, sizeof(in));
	in.wrapped = 1;
	in.ro.exited = 1;
	in.ro.exit_code = 1;
	snprintf(in.tail, sizeof(in.tail), "mmap: Cannot allocate memory");
	judge_case("judge wrap: exit 1 without faults is FAIL quoting its output", &in, V_FAIL,
		   "output tail: mmap: Cannot allocate memory");
	in.injecting = 1;
	judge_case("judge wrap: exit 1 with injection armed but no fault is FAIL", &in, V_FAIL,
		   "actual 1 with 0 injected fault(s)");
	in.faults_injected = 3;
	judge_case("judge wrap: exit 1 after 3 injected faults is PASS with a note", &in, V_PASS,
		   "exit 1 after 3 injected fault(s): taken as its reaction");
	snprintf(in.kmsg_hits, sizeof(in.kmsg_hits), "BUG: Bad page state\n");
	judge_case("judge wrap: a kernel-log bug still FAILs it", &in, V_FAIL, "Bad page state");
	in.kmsg_hits[0] = '\0';
	in.ro.exited = 0;
	in.ro.signaled = 1;
	in.ro.sig = SIGSEGV;
	judge_case("judge wrap: a SIGSEGV the kernel did not report is FAIL naming the faults",
		   &in, V_FAIL, "after 3 injected fault(s), and neither");
	snprintf(in.segv_line, sizeof(in.segv_line),
		 "true[151]: segfault at 0 ip 00007fb0cffbd190 sp 00007ffd89e4e690 error 4 in ld-linux-x86-64.so.2[18190,7fb0cffa6000+26000]");
	judge_case("judge wrap: a NULL dereference after injected faults is PASS with a note",
		   &in, V_PASS, "a NULL dereference (segfault at 0, ip 0x7fb0cffbd190)");
	snprintf(in.segv_line, sizeof(in.segv_line),
		 "t[7]: segfault at 7ffd89e4d688 ip 0000000000401136 sp 00007ffd89e4e690 error 6");
	judge_case("judge wrap: a fault just below sp after injected faults is a stack that could not grow",
		   &in, V_PASS, "a stack that could not grow (segfault at 0x7ffd89e4d688");
	snprintf(in.segv_line, sizeof(in.segv_line),
		 "t[7]: segfault at 7f1234560000 ip 0000000000401136 sp 00007ffd89e4e690 error 6");
	judge_case("judge wrap: a wild SIGSEGV after injected faults is FAIL quoting the kernel line",
		   &in, V_FAIL, "kernel: t[7]: segfault at 7f1234560000");
	in.ro.sig = SIGBUS;
	judge_case("judge wrap: SIGBUS after injected faults is FAIL", &in, V_FAIL,
		   "killed by signal 7");
	in.ro.sig = SIGABRT;
	judge_case("judge wrap: SIGABRT after injected faults is the program's own abort: PASS",
		   &in, V_PASS, "the program aborted itself after 3 injected fault(s)");
	in.faults_injected = 0;
	judge_case("judge wrap: SIGABRT without an injected fault is FAIL", &in, V_FAIL,
		   "killed by signal 6");
	in.faults_injected = 3;
	in.ro.sig = SIGSEGV;
	snprintf(in.segv_line, sizeof(in.segv_line), "true[151]: segfault at 0 ip 1 sp 2 error 4");
	in.injecting = 0;
	judge_case("judge wrap: a NULL dereference without injection is FAIL", &in, V_FAIL,
		   "killed by signal 11");
}

/* The kernel's segfault line picked out of a kernel-log excerpt by the program's pid. */
static void test_wrap_segv_line(void)
{
	const char *kmsg = "FAULT_INJECTION: forcing a failure.\n"
			   "true[1151]: segfault at 8 ip 1 sp 2 error 4\n"
			   "true[151]: segfault at 0 ip 00007fb0 sp 00007ffd error 4 in ld.so\n"
			   "Code: d2 75 ef\n";
	char line[256];

	wrap_segv_line(kmsg, 151, line, sizeof(line));
	check(!strcmp(line, "true[151]: segfault at 0 ip 00007fb0 sp 00007ffd error 4 in ld.so"),
	      "wrap_segv_line: the line of pid 151, not of pid 1151",
	      "true[151]: segfault at 0 ip 00007fb0 sp 00007ffd error 4 in ld.so", line);
	wrap_segv_line(kmsg, 152, line, sizeof(line));
	check(!line[0], "wrap_segv_line: no line for another pid", "(empty)", line);
}

static void test_judge(void)
{
	struct judge_in in;

	memset(&in, 0, sizeof(in));
	in.ro.exited = 1;
	judge_case("judge: clean exit 0 is PASS", &in, V_PASS, "");
	in.taint_before = 0x200;
	in.taint_after = 0x200;
	judge_case("judge: old taint is not blamed", &in, V_PASS, "");
	in.taint_after = 0x220;
	judge_case("judge: new taint bit is FAIL", &in, V_FAIL, "new 0x20");
	in.taint_after = 0x200;
	run_parse_line("# splitfail: window test=a.b op=fork inject=nth:3 consumed=1 ret=-1 errno=ENOMEM",
		       &in.ro);
	in.injecting = 1;
	judge_case("judge: ENOMEM from a consumed window with exit 0 is PASS", &in, V_PASS,
		   "errno=ENOMEM");
	snprintf(in.kmsg_hits, sizeof(in.kmsg_hits), "BUG: Bad rss-counter state mm:000 type:MM_ANONPAGES val:512\n");
	judge_case("judge: kernel-log bug line is FAIL", &in, V_FAIL, "Bad rss-counter state");
	in.kmsg_hits[0] = '\0';
	in.ro.exit_code = 1;
	run_parse_line("# a.b: pattern: expected 0x11, got 0x00 at 0x7f00001000", &in.ro);
	judge_case("judge: workload exit 1 is FAIL with its evidence", &in, V_FAIL,
		   "expected 0x11, got 0x00");
	in.ro.exit_code = 4;
	run_parse_line("ok 1 a.b # SKIP 1 NUMA node(s) with memory", &in.ro);
	judge_case("judge: exit 4 is SKIP with the reason", &in, V_SKIP, "1 NUMA node(s)");
	in.ro.exit_code = 0;
	run_parse_line("# splitfail: silent-skip test=a.b op=pageout pages=7 first=0x1000 detail=x",
		       &in.ro);
	judge_case("judge: silent-skip line is SILENT-SKIP with the page count", &in,
		   V_SILENT_SKIP, "7 page(s)");
	in.leak = 1;
	snprintf(in.leak_ev, sizeof(in.leak_ev), "leak: nr_page_table_pages +9");
	judge_case("judge: leak outranks silent skip", &in, V_FAIL, "nr_page_table_pages +9");
	in.leak = 0;
	in.ro.exited = 0;
	in.ro.timed_out = 1;
	snprintf(in.ro.hang, sizeof(in.ro.hang), "pid 12 state D wchan folio_wait_bit");
	judge_case("judge: time limit is FAIL with process state", &in, V_FAIL, "state D");
	in.ro.timed_out = 0;
	in.ro.signaled = 1;
	in.ro.sig = 7;
	judge_case("judge: unexpected signal is FAIL", &in, V_FAIL, "signal 7");
	memset(&in, 0, sizeof(in));
	in.ro.exited = 1;
	in.ro.exit_code = 127;
	in.ro.exec_failed = 1;
	judge_case("judge: workload that cannot start is ERROR", &in, V_ERROR, "127");
	memset(&in, 0, sizeof(in));
	snprintf(in.harness_error, sizeof(in.harness_error), "could not configure");
	judge_case("judge: harness error is ERROR", &in, V_ERROR, "could not configure");
}

static void write_vmstat(const char *root, long long pt, long long thp, long long anon)
{
	char path[SF_PATH_MAX], buf[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc", root);
	sf_mkdir_p(path);
	snprintf(path, sizeof(path), "%s/proc/vmstat", root);
	snprintf(buf, sizeof(buf),
		 "nr_anon_pages %lld\nnr_page_table_pages %lld\nnr_anon_transparent_hugepages %lld\n",
		 anon, pt, thp);
	f = fopen(path, "w");
	if (!f || fputs(buf, f) < 0 || fclose(f))
		printf("# cannot write %s\n", path);
}

static void test_leak(void)
{
	struct leak_params lp = { .settle_ms = 200, .pgtable_pages = 4, .anon_thps = 0,
				  .anon_pages = 100, .growth_runs = 2 };
	struct leak_state ls;
	struct leak_snap before;
	struct leak_resid res;
	static struct leak_snap settled;
	char root[] = "/tmp/splitfail-units.XXXXXX", ev[1024];
	int r;

	memset(&ls, 0, sizeof(ls));
	memset(&before, 0, sizeof(before));
	before.mode = LEAK_BUSY;
	before.self_pte_kb = before.self_anon_kb = -1;
	if (!mkdtemp(root)) {
		check(0, "leak: temp dir", "created", "mkdtemp failed");
		return;
	}
	write_vmstat(root, 800, 3, 5000);
	vmstat_read(root, &before.vs);
	write_vmstat(root, 803, 3, 5050);
	r = leak_check(root, &before, &lp, &ls, &settled, &res, ev, sizeof(ev));
	check(r == 0, "leak: residuals within tolerance are no leak", "0", ev);
	write_vmstat(root, 810, 3, 5000);
	r = leak_check(root, &before, &lp, &ls, &settled, &res, ev, sizeof(ev));
	check(r == 1 && strstr(ev, "nr_page_table_pages expected <= 4") && strstr(ev, "+10"),
	      "leak: page tables 10 above baseline after settle is a leak", "1 with +10", ev);
	write_vmstat(root, 800, 4, 5000);
	r = leak_check(root, &before, &lp, &ls, &settled, &res, ev, sizeof(ev));
	check(r == 1 && strstr(ev, "nr_anon_transparent_hugepages"),
	      "leak: one THP above baseline (tolerance 0) is a leak", "1", ev);
	write_vmstat(root, 800, 3, 5600);
	r = leak_check(root, &before, &lp, &ls, &settled, &res, ev, sizeof(ev));
	check(r == 0 && strstr(ev, "noisy counter"), "leak: one anon-page excess is only noted",
	      "0 with a note", ev);
	r = leak_check(root, &before, &lp, &ls, &settled, &res, ev, sizeof(ev));
	check(r == 1 && strstr(ev, "stayed above baseline on 2 consecutive runs"),
	      "leak: anon-page excess on growth_runs consecutive runs is a leak", "1", ev);
	write_vmstat(root, 800, 3, 5000);
	r = leak_check(root, &before, &lp, &ls, &settled, &res, ev, sizeof(ev));
	check(r == 0 && ls.n_excess == 0, "leak: a clean run resets the anon-page streak", "0",
	      ev);
	memset(&ls, 0, sizeof(ls));
	write_vmstat(root, 900, 3, 40000);
	r = leak_check(root, &before, &lp, &ls, &settled, &res, ev, sizeof(ev));
	check(r == 0 && strstr(ev, "suspect: nr_page_table_pages") && strstr(ev, "system busy"),
	      "leak: page-table excess while the system is busy is only suspect", "0", ev);
	r = leak_check(root, &before, &lp, &ls, &settled, &res, ev, sizeof(ev));
	check(r == 1 && strstr(ev, "excess repeated on 2 consecutive runs"),
	      "leak: busy-system page-table excess repeated growth_runs times is a leak", "1",
	      ev);
	snprintf(ev, sizeof(ev), "rm -rf %s", root);
	if (system(ev))
		printf("# could not remove %s\n", root);
}

static void test_listing(void)
{
	/* rows as kselftest_harness.h prints them: "%-20s %-25s %s\n" */
	static const char *const rows[][3] = {
		{ "# FIXTURE", "VARIANT", "TEST" },
		{ "thp_munmap", "pmd", "head" },
		{ "", "pte_mapped", "tail" },
		{ "", "a_variant_name_longer_than_25", "" },
		{ NULL, NULL, NULL },
		{ "a_fixture_name_longer_than_20", "", "solo" },
		{ NULL, NULL, NULL },
		{ "global", "", "test_without_fixture" },
	};
	char listing[2048] = "TAP version 13\n";
	struct wl_case *cases = NULL;
	char got[2048] = "";
	int n = 0, r;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (rows[i][0])
			sf_appendf(listing, sizeof(listing), "%-20s %-25s %s\n", rows[i][0],
				   rows[i][1], rows[i][2]);
		else
			sf_appendf(listing, sizeof(listing), "%s\n", "--------------------");
	}
	r = workload_parse_listing(listing, "w", "/x/w", &cases, &n);
	for (int i = 0; i < n; i++)
		sf_appendf(got, sizeof(got), "%s%s", i ? " " : "", cases[i].name);
	check(r == 8 && !strcmp(got,
		"thp_munmap.pmd.head thp_munmap.pmd.tail thp_munmap.pte_mapped.head "
		"thp_munmap.pte_mapped.tail thp_munmap.a_variant_name_longer_than_25.head "
		"thp_munmap.a_variant_name_longer_than_25.tail "
		"a_fixture_name_longer_than_20.solo global.test_without_fixture"),
	      "listing: cross product variants x tests, long names, fixtures without variants",
	      "8 cases", got);
	free(cases);
}

static void test_lines(void)
{
	struct run_obs ro;

	memset(&ro, 0, sizeof(ro));
	run_parse_line("# splitfail: window test=a op=munmap inject=task consumed=? ret=0 errno=0",
		       &ro);
	run_parse_line("# splitfail: window test=a op=mprotect inject=nth:1 consumed=1 ret=-1 errno=ENOMEM",
		       &ro);
	check(ro.win.windows == 2 && ro.win.consumed == 1 && ro.win.unknown == 1 &&
	      !strcmp(ro.win.last_errno, "ENOMEM") && !strcmp(ro.win.ops, "munmap,mprotect"),
	      "lines: window lines counted with consumed, ret, errno, ops",
	      "2 windows, 1 consumed, 1 unknown, ENOMEM, munmap,mprotect", ro.win.ops);
}

/* A kmemleak report as the kernel prints it (mm/kmemleak.c print_unreferenced). */
static const char kmemleak_report[] =
	"unreferenced object 0xffff8880068b6e40 (size 64):\n"
	"  comm \"thp_numa_balanc\", pid 312, jiffies 4294894513\n"
	"  hex dump (first 32 bytes):\n"
	"    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................\n"
	"  backtrace (crc 5d1e5b2a):\n"
	"    [<ffffffff8130c8a5>] kmem_cache_alloc_noprof+0x2a5/0x340\n"
	"    [<ffffffff812a3c17>] vm_area_dup+0x27/0xd0\n"
	"unreferenced object 0xffff888006a01200 (size 128):\n"
	"  comm \"kworker/1:2\", pid 40, jiffies 4294894600\n"
	"  backtrace (crc 1e2f3a4b):\n"
	"    [<ffffffff8130c8a5>] __kmalloc_noprof+0x1c5/0x3a0\n";

static void test_kmemleak(void)
{
	char ev[2048], got[64];
	int others, n;

	n = kmemleak_parse(kmemleak_report, "thp_numa_balance", ev, sizeof(ev), &others);
	snprintf(got, sizeof(got), "%d mine, %d others", n, others);
	check(n == 1 && others == 1 && strstr(ev, "vm_area_dup+0x27") && !strstr(ev, "kworker"),
	      "kmemleak: the workload's object (comm cut to 15 characters) is its own, with backtrace",
	      "1 mine, 1 others", got);
	n = kmemleak_parse(kmemleak_report, "thp_munmap", ev, sizeof(ev), &others);
	snprintf(got, sizeof(got), "%d mine, %d others", n, others);
	check(n == 0 && others == 2, "kmemleak: another workload's report is not this one's",
	      "0 mine, 2 others", got);
}

/* A leaked object is tied to the run whose workload (or its child) allocated it. */
static void test_kmemleak_owner(void)
{
	const int pids[] = { 300, 305, 312, 330 };
	char got[64];
	int i;

	i = kmemleak_owner_run(pids, 4, 312);
	snprintf(got, sizeof(got), "%d", i);
	check(i == 2, "kmemleak owner: the workload's own pid is its run", "2", got);
	i = kmemleak_owner_run(pids, 4, 318);
	snprintf(got, sizeof(got), "%d", i);
	check(i == 2, "kmemleak owner: a child's pid (between two runs) is the earlier run's",
	      "2", got);
	i = kmemleak_owner_run(pids, 4, 999);
	snprintf(got, sizeof(got), "%d", i);
	check(i == 3, "kmemleak owner: after the last run's pid: the last run", "3", got);
	i = kmemleak_owner_run(pids, 4, 40);
	snprintf(got, sizeof(got), "%d", i);
	check(i == -1, "kmemleak owner: a pid below every run is none of them", "-1", got);
}

int main(void)
{
	printf("TAP version 13\n");
	test_judge();
	test_judge_wrapped();
	test_wrap_segv_line();
	test_leak();
	test_listing();
	test_lines();
	test_kmemleak();
	test_kmemleak_owner();
	printf("1..%d\n", n_test);
	return n_failed ? 1 : 0;
}
