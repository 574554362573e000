// SPDX-License-Identifier: GPL-2.0
/*
 * verdict.c - judge one run from what was observed (exit status, the workload's
 * `# splitfail:` lines, kernel-log hits, taint, leak check) into PASS, FAIL, SILENT-SKIP,
 * SKIP or ERROR, with the evidence as "what: expected X, actual Y". A pure function of
 * struct judge_in, so recorded probe inputs can be replayed by the unit tests.
 *
 * Order matters: a kernel splat or a hang outranks what the workload printed; an
 * explicit error (ENOMEM...) from a window that consumed a fault is the workload's call:
 * it exits 0 when its state checks passed, and the harness only records ret/errno.
 * A wrapped program (--wrap) has no window: exit 0 passes, 4 skips, a signal fails unless
 * wrap_signal.c explains it by the injected faults (abort, NULL dereference, stack growth),
 * and another exit fails unless faults were injected into it, when it is taken as the
 * program's reaction to the failed allocation (the kernel-side checks still judge the run).
 */
#include <signal.h>
#include <string.h>

#include "splitfail.h"

const char *verdict_name(int v)
{
	static const char *const names[V_COUNT] = { "PASS", "FAIL", "SILENT-SKIP", "SKIP",
						    "ERROR", "KNOWN-FAIL" };

	return v >= 0 && v < V_COUNT ? names[v] : "?";
}

static void window_note(const struct judge_in *in, char *ev, size_t len)
{
	const struct window_obs *w = &in->ro.win;

	if (!w->windows)
		return;
	sf_appendf(ev, len, "window: op=%s windows=%d consumed=%d%s ret=%d errno=%s; ",
		   w->ops, w->windows, w->consumed, w->unknown ? " (some consumed=?)" : "",
		   w->last_ret, w->last_errno[0] ? w->last_errno : "0");
}

/* The exit status of a wrapped program (see the header); the output tail as evidence. */
static void wrapped_exit(const struct judge_in *in, char *ev, size_t len, int *v)
{
	const struct run_obs *ro = &in->ro;

	if (ro->exited && ro->exit_code != 0 && ro->exit_code != 4) {
		if (in->injecting && in->faults_injected > 0) {
			sf_appendf(ev, len, "note: wrapped program exit %d after %lld injected fault(s): taken as its reaction to the failures, not a bug; ",
				   ro->exit_code, in->faults_injected);
		} else {
			sf_appendf(ev, len, "wrapped program exit: expected 0 (or 4 = skip), actual %d with %lld injected fault(s); ",
				   ro->exit_code, in->faults_injected);
			*v = V_FAIL;
		}
	}
	if (ro->signaled && in->faults_injected > 0 && *v != V_PASS)
		sf_appendf(ev, len, "the signal came after %lld injected fault(s), and neither an abort, a NULL dereference nor a stack that could not grow explains it; ",
			   in->faults_injected);
	if (*v != V_PASS || ro->signaled || ro->timed_out ||
	    (ro->exited && ro->exit_code != 0 && ro->exit_code != 4))
		sf_appendf(ev, len, "output tail: %s; ", in->tail[0] ? in->tail : "(none)");
}

int judge(const struct judge_in *in, char *ev, size_t len)
{
	const struct run_obs *ro = &in->ro;
	long long new_taint = 0;
	char why[256];
	int v;

	ev[0] = '\0';
	if (in->taint_before >= 0 && in->taint_after >= 0)
		new_taint = in->taint_after & ~in->taint_before;
	if (in->harness_error[0]) {
		sf_appendf(ev, len, "harness error: %s; ", in->harness_error);
		return V_ERROR;
	}
	if (ro->exec_failed) {
		sf_appendf(ev, len, "workload could not be started: exit status 127; ");
		return V_ERROR;
	}
	v = V_PASS;
	if (ro->timed_out) {
		sf_appendf(ev, len, "hang: expected exit within the time limit, actual still running after %.1f s; killed. %s; ",
			   ro->seconds, ro->hang[0] ? ro->hang : "no stack recorded");
		v = V_FAIL;
	} else if (ro->signaled && in->wrapped && in->injecting &&
		   wrap_signal_is_reaction(ro->sig, in->faults_injected, in->segv_line, why,
					   sizeof(why))) {
		sf_appendf(ev, len, "note: wrapped program killed by signal %d (%s): %s; taken as its reaction to the failures, not a bug; ",
			   ro->sig, strsignal(ro->sig), why);
	} else if (ro->signaled) {
		sf_appendf(ev, len, "unexpected signal: expected exit status, actual killed by signal %d (%s); ",
			   ro->sig, strsignal(ro->sig));
		if (in->segv_line[0])
			sf_appendf(ev, len, "kernel: %s; ", in->segv_line);
		v = V_FAIL;
	}
	if (in->kmsg_hits[0]) {
		sf_appendf(ev, len, "kernel log: expected no bug messages, actual: %s; ",
			   in->kmsg_hits);
		v = V_FAIL;
	}
	if (new_taint) {
		sf_appendf(ev, len, "taint: expected no new bits over 0x%llx, actual 0x%llx (new 0x%llx); ",
			   in->taint_before, in->taint_after, new_taint);
		v = V_FAIL;
	}
	if (in->leak) {
		sf_appendf(ev, len, "%s", in->leak_ev);
		v = V_FAIL;
	}
	if (in->wrapped) {
		wrapped_exit(in, ev, len, &v);
	} else if (ro->exited && ro->exit_code == 1) {
		sf_appendf(ev, len, "workload check failed: expected exit 0, actual 1; %s",
			   ro->fail_lines);
		v = V_FAIL;
	} else if (ro->exited && ro->exit_code != 0 && ro->exit_code != 4) {
		sf_appendf(ev, len, "workload exit: expected 0, 1 or 4, actual %d; %s",
			   ro->exit_code, ro->fail_lines);
		if (v == V_PASS)
			v = V_ERROR;
	}
	if (v != V_PASS) {
		window_note(in, ev, len);
		return v;
	}
	if (ro->exited && ro->exit_code == 4) {
		sf_appendf(ev, len, "%s", ro->skip_reason[0] ? ro->skip_reason :
			   "(no reason given)");
		return V_SKIP;
	}
	if (ro->silent_skips) {
		sf_appendf(ev, len, "silent skip: expected the whole range done on success, actual %lld page(s) left undone in %d report(s): %s",
			   ro->silent_pages, ro->silent_skips, ro->silent_detail);
		window_note(in, ev, len);
		return V_SILENT_SKIP;
	}
	if (in->injecting && in->wrapped)
		sf_appendf(ev, len, "injection armed %s: %lld fault(s) injected; ",
			   in->ro.arm_note[0] ? in->ro.arm_note : "for the whole program",
			   in->faults_injected);
	else if (in->injecting && !ro->win.windows)
		sf_appendf(ev, len, "note: no injection window reported; ");
	if (in->leak_ev[0])
		sf_appendf(ev, len, "%s", in->leak_ev);
	window_note(in, ev, len);
	return V_PASS;
}
