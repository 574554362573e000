// SPDX-License-Identifier: GPL-2.0
/*
 * harness_render.c - writes the renderings of a run built by hand (struct rec_run, no harness
 * run): `harness_render SCENARIO DIR` puts ktap.txt, kcidb.json, junit.xml, summary.json and
 * tap.txt into DIR, through render_all. The strict parsers of tests/render_*.t read them.
 * Scenarios:
 *   mixed        a finished run with every verdict: PASS (and its #2), FAIL (multi-line
 *                evidence full of hostile bytes and kunit.py's end markers), a hang, SKIP,
 *                SILENT-SKIP, KNOWN-FAIL, ERROR, a name with '#', ':', invalid UTF-8 and a
 *                control byte, a guest death and a result from the fresh guest after it
 *   strict       the same under a strict profile with known_issues = fail
 *   interrupted  a run ended by SIGINT with a test still running
 *   targets      targeted sweeps: one function consumed faults, one never did (a blind
 *                spot), one is not in the kernel (SKIP)
 * Result i (1-based) has the token "EV<i>" in its evidence and nowhere else, so a parser's
 * filing of diagnostics can be checked test by test.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/splitfail.h"
#include "../harness/record/record.h"

#define HOSTILE "\xff\xfe|\x80|\xc3|\xed\xa0\x80 \x01\x1b[31m\x7f\r # hash: colon <&\"'>\\"

struct spec {
	const char *name, *workload, *case_name, *strategy;
	int verdict, nth, rep, boot;
	const char *evidence, *known, *guest;
};

static const struct spec mixed[] = {
	{ "thp_munmap:split.anon", "thp_munmap", "split.anon", "off", V_PASS, 0, 0, 1,
	  "note: window consumed; EV1", "", "" },
	{ "thp_munmap:split.anon#2", "thp_munmap", "split.anon", "off", V_PASS, 0, 1, 1,
	  "note: EV2", "", "" },
	{ "thp_munmap:split.anon@nth=3", "thp_munmap", "split.anon", "sweep", V_FAIL, 3, 0, 1,
	  "workload check failed: expected exit 0, actual 1; # hostile: " HOSTILE "\n"
	  "EV3 second line\nList of all partitions:\nKernel panic - not syncing: VFS: x\n"
	  "reboot: System halted", "", "" },
	{ "thp_munmap:split.anon@nth=3#2", "thp_munmap", "split.anon", "sweep", V_FAIL, 3, 1, 1,
	  "hang: expected exit within the time limit, actual still running after 61.0 s; EV4",
	  "", "" },
	{ "thp_pinned:pin.gup@random", "thp_pinned", "pin.gup", "random", V_SKIP, 0, 0, 1,
	  "EV5 no fault injection: " HOSTILE, "", "" },
	{ "thp_mprotect:split.mid@random", "thp_mprotect", "split.mid", "random", V_SILENT_SKIP,
	  0, 0, 1, "silent skip: expected the whole range done, actual 1 page left; EV6", "", "" },
	{ "thp_device_migrate:hmm.to_dev@targeted", "thp_device_migrate", "hmm.to_dev",
	  "targeted", V_KNOWN_FAIL, 0, 0, 1,
	  "known issue test-hmm-null (docs/found-bugs.md): NULL page; EV7", "test-hmm-null", "" },
	{ "thp_race:race.a", "thp_race", "race.a", "off", V_ERROR, 0, 0, 1,
	  "harness error: EV8 cannot read /proc/kmsg", "", "" },
	{ "host\xff:na#me\x01::x@target=f,nth=2", "host\xff", "na#me\x01::x", "targeted", V_FAIL,
	  2, 0, 1, "EV9 " HOSTILE, "", "" },
	{ "thp_mprotect:split.mid@random#2", "thp_mprotect", "split.mid", "guest", V_FAIL, 0, 1,
	  1, "guest died: console:\nBUG: kernel NULL pointer dereference\nEV10 Call Trace:\n"
	  "Kernel panic - not syncing: Fatal exception", "", "died" },
	{ "thp_race:race.b", "thp_race", "race.b", "off", V_PASS, 0, 0, 2, "EV11", "", "" },
};

static const struct spec interrupted[] = {
	{ "thp_munmap:split.anon", "thp_munmap", "split.anon", "off", V_PASS, 0, 0, 1, "EV1",
	  "", "" },
	{ "thp_munmap:split.pte@random", "thp_munmap", "split.pte", "random", V_FAIL, 0, 0, 1,
	  "EV2 workload check failed", "", "" },
};

static const struct spec targets[] = {
	{ "w:c.x@target=fa,nth=1", "w", "c.x", "targeted", V_PASS, 1, 0, 1, "EV1", "", "" },
	{ "w:c.x@target=fa,nth=2", "w", "c.x", "targeted", V_PASS, 2, 0, 1, "EV2", "", "" },
	{ "w:c.x@target=fb,nth=1", "w", "c.x", "targeted", V_PASS, 1, 0, 1, "EV3", "", "" },
	{ "w:c.x@target=gone", "w", "c.x", "targeted", V_SKIP, 0, 0, 1, "EV4 not in kallsyms",
	  "", "" },
	{ "v:c.y@target=fa,nth=1", "v", "c.y", "targeted", V_PASS, 1, 0, 1, "EV5", "", "" },
};

static char *dup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		exit(3);
	return d;
}

static void fill(struct rec_run *run, const struct spec *s, int n)
{
	run->r = calloc((size_t)n, sizeof(*run->r));
	if (!run->r)
		exit(3);
	run->n = run->cap = n;
	for (int i = 0; i < n; i++) {
		struct rec_result *r = &run->r[i];
		char safe[SF_NAME_MAX * 3], log[SF_NAME_MAX * 4];

		text_safe_name(s[i].name, safe, sizeof(safe));
		snprintf(log, sizeof(log), "logs/%s.log", safe);
		r->name = dup(s[i].name);
		r->workload = dup(s[i].workload);
		r->case_name = dup(s[i].case_name);
		r->verdict = s[i].verdict;
		snprintf(r->strategy, sizeof(r->strategy), "%s", s[i].strategy);
		r->nth = s[i].nth;
		r->target = dup(strstr(s[i].name, "target=f") ? "f" : "");
		if (strstr(s[i].name, "@target=") && s[i].workload[0] <= 'w' &&
		    strlen(s[i].workload) == 1) {	/* the targets scenario: its own names */
			const char *t = strstr(s[i].name, "@target=") + 8;

			free(r->target);
			r->target = dup(t);
			r->target[strcspn(r->target, ",")] = '\0';
		}
		r->rep = s[i].rep;
		r->boot = s[i].boot;
		r->faults_injected = s[i].nth ? 1 : 0;
		/* in the targets scenario only fa's first step and v's consume a fault */
		r->consumed = s[i].nth ? 1 : 0;
		if (strlen(s[i].workload) == 1)
			r->consumed = strstr(s[i].name, "=fa,nth=1") != NULL;
		r->seconds = 1.5 + i;
		snprintf(r->start_time, sizeof(r->start_time), "2026-11-28T10:%02d:00Z", i);
		r->window = dup(s[i].nth ? "inject=nth consumed=1" : "");
		r->evidence = dup(s[i].evidence);
		r->reproduce = dup(s[i].verdict == V_PASS ? "" :
				   "build/harness/splitfail --only x --case 'a#b' --seed 1");
		r->known = dup(s[i].known);
		r->log = dup(s[i].guest[0] ? "console.log" : log);
		r->vmstat_delta = dup("{\"thp_split_pmd\": 1}");
		r->guest = dup(s[i].guest);
	}
}

static void header(struct rec_run *run)
{
	run->format = RECORD_FORMAT;
	run->kernel = dup("7.2.13+");
	run->profile = dup("smoke");
	run->seed = 1;
	run->strategies = dup("off,random,sweep,targeted");
	run->started = dup("2026-11-28T10:00:00Z");
	run->host = dup("builder\xff:1");
	run->arch = dup("x86_64");
	run->accel = dup("tcg");
	run->shard = dup("");
	run->kernel_path = dup("");
	run->kernel_key = dup("9a87abae6a7218fb");
	run->kernel_commit = dup("");
	run->config_hash = dup("c0ffee");
	run->splitfail_commit = dup("8dc7bfe");
	run->reproduce_via = dup("./run.sh --kernel K --profile smoke");
	run->running = dup("");
	run->ended_by = dup("");
	run->boots = 1;
	run->finished = run->ended = 1;
}

int main(int argc, char **argv)
{
	struct rec_run run = { 0 };
	int ret;

	if (argc != 3 || (strcmp(argv[1], "mixed") && strcmp(argv[1], "strict") &&
			  strcmp(argv[1], "interrupted") && strcmp(argv[1], "targets"))) {
		fprintf(stderr, "usage: %s mixed|strict|interrupted|targets DIR\n", argv[0]);
		return 2;
	}
	header(&run);
	if (!strcmp(argv[1], "mixed") || !strcmp(argv[1], "strict")) {
		fill(&run, mixed, (int)(sizeof(mixed) / sizeof(mixed[0])));
		run.boots = 2;
		run.strict = run.known_fail = !strcmp(argv[1], "strict");
	} else if (!strcmp(argv[1], "targets")) {
		fill(&run, targets, (int)(sizeof(targets) / sizeof(targets[0])));
	} else {
		fill(&run, interrupted, (int)(sizeof(interrupted) / sizeof(interrupted[0])));
		free(run.running);
		run.running = dup("thp_race:race#c");
		free(run.ended_by);
		run.ended_by = dup("SIGINT");
		run.finished = 0;
	}
	ret = render_all(argv[2], &run);
	if (ret)
		fprintf(stderr, "harness_render: render_all %s: %s\n", argv[2], strerror(-ret));
	record_free(&run);
	return ret ? 1 : 0;
}
