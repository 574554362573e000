// SPDX-License-Identifier: GPL-2.0
/*
 * harness_bench_record.c - the results-writing benchmark of `make bench` (tests/bench_record.sh),
 * not a test: N results written the way the harness writes them (record/live.c: a start line
 * and a result line per run, fsync'ed, renderings at most every RECORD_RENDER_INTERVAL_S s and
 * at the end) into a fresh folder DIR, with result texts of a nightly's usual size. Prints
 * "N <microseconds per result>"; the time is the harness's own, no workload runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/splitfail.h"
#include "../harness/record/live.h"

static void fake_result(struct result *r, int i)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->workload, sizeof(r->workload), "thp_munmap");
	snprintf(r->case_name, sizeof(r->case_name), "thp.pmd.case%d", i / 10);
	r->nth = i % 10 + 1;
	r->rep = 1;
	snprintf(r->name, sizeof(r->name), "%s:%s@nth=%d#2", r->workload, r->case_name, r->nth);
	r->verdict = i % 17 ? V_PASS : V_FAIL;
	snprintf(r->strategy, sizeof(r->strategy), "sweep");
	r->faults_injected = 1;
	r->consumed = 1;
	r->seconds = 0.123;
	snprintf(r->start_time, sizeof(r->start_time), "2026-01-01T00:00:00Z");
	snprintf(r->log, sizeof(r->log), "logs/thp_munmap.%s.nth-%d-r2.log", r->case_name, r->nth);
	snprintf(r->window, sizeof(r->window),
		 "inject=nth:%d windows=1 consumed=1 unknown=0 ret=-12 errno=ENOMEM", r->nth);
	if (r->verdict != V_PASS)
		snprintf(r->evidence, sizeof(r->evidence),
			 "workload check failed: expected exit 0, actual 1; # pattern: expected 0x5a5a, got 0x0000 at offset 4096 of the second THP after the split");
	snprintf(r->reproduce, sizeof(r->reproduce),
		 "/work/build/harness/splitfail --only thp_munmap --case %s --seed 1 --timeout 60 --workload-dir /work/build/workloads --strategy sweep --nth %d --probability 100 --interval 1 --times 1",
		 r->case_name, r->nth);
	snprintf(r->vmstat_delta, sizeof(r->vmstat_delta),
		 "{\"thp_split_pmd\": 1, \"thp_fault_alloc\": 2, \"nr_anon_pages\": -3}");
}

int main(int argc, char **argv)
{
	struct rec_run hdr = { .format = RECORD_FORMAT, .kernel = "6.12.117", .profile = "nightly",
			       .seed = 1, .strategies = "off,random,sweep",
			       .started = "2026-01-01T00:00:00Z" };
	static struct result r;
	double t0;
	int n;

	if (argc != 3 || (n = atoi(argv[2])) <= 0) {
		fprintf(stderr, "usage: %s DIR N\n", argv[0]);
		return 2;
	}
	t0 = sf_now();
	if (live_open(argv[1], &hdr)) {
		fprintf(stderr, "%s\n", live_error());
		return 3;
	}
	for (int i = 0; i < n; i++) {
		fake_result(&r, i);
		if (live_start(&r) || live_result(&r)) {
			fprintf(stderr, "%s\n", live_error());
			return 3;
		}
	}
	if (live_end(1, "")) {
		fprintf(stderr, "%s\n", live_error());
		return 3;
	}
	printf("%d %.1f\n", n, (sf_now() - t0) * 1e6 / n);
	live_close();
	return 0;
}
