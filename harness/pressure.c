// SPDX-License-Identifier: GPL-2.0
/*
 * pressure.c - the memory pressure a profile asks for in [pressure], around every run:
 *  - stress_ng = ARGS: stress-ng in the background for the whole harness run, in its own
 *    process group, bounded by --timeout (stress_seconds unless ARGS give one), restarted
 *    before a test case when it reached that timeout (any other end is a harness error for
 *    the runs that follow), its output in <out>/stress-ng.log, run from <out>;
 *  - memcg_max = SIZE: a cgroup v2 child of the unified hierarchy's root (cgroup2 mounted
 *    under the state folder when nothing has it mounted) with memory.max = SIZE (and
 *    memory.high = memcg_high when given); the memory controller is enabled in the root's
 *    cgroup.subtree_control; each workload moves itself into the cgroup between fork and exec;
 *  - memcg_fill = SIZE: a filler (memcg_fill.c) keeps SIZE bytes charged in that cgroup and
 *    tops them up before each run, so the run starts just under the limit and its own
 *    charges meet memcg reclaim. A limit alone is not enough: the workloads peak at 5-10 MiB
 *    in their cgroup, and memory.max = 256M never moved memory.events. Sizing the limit per
 *    run from a measured footprint instead would make THP charges fail outright (a fallback
 *    to small pages, so the workload SKIPs) rather than reclaim. The filler needs swap (its
 *    pages are reclaimed to it); without any, it is not started and that is noted.
 * Each run's evidence gets the memcg's usage at its start and its memory.events deltas
 * (max, high, oom, oom_kill), and says "pressed" when max moved (the run's charges reached
 * memory.max and went through memcg reclaim) or "NOT pressed" when it did not; summary.json's
 * "pressure" counts both ("memcg_runs"), so a profile whose pressure does not bite shows it.
 * Everything is undone through the knobs journal (knob_note), so it is undone in reverse
 * order on every exit path, and after a SIGKILLed run by the next start: the filler and
 * stress-ng killed and reaped, the cgroup removed, subtree_control's new controllers
 * disabled, the mount undone. A memory controller the kernel does not offer in cgroup v2 (a
 * host with it bound to cgroup v1) is noted and the runs go on without it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "splitfail.h"
#include "record/live.h"

#define STRESS_ARGS_MAX	64

static struct {
	const struct options *o;
	const char *root;
	char log[SF_PATH_MAX];
	char out_dir[SF_PATH_MAX];
	pid_t stress_pid;
	int stress_starts;
	char cgroup[SF_PATH_MAX];	/* the workloads' cgroup folder, "" = none */
	char procs[SF_PATH_MAX + 16];
	long long events_before[4];
	long long usage_start;		/* memory.current after the top-up, -1 unknown */
	char memcg_note[512];		/* why there is no cgroup */
	char stress_failed[SF_PATH_MAX + 64];	/* how stress-ng failed, "" while it did not */
	struct memcg_fill fill;
	char fill_failed[256];		/* how the filler failed, "" while it did not */
	char members[2048];		/* summary.json "pressure" members set up at the start */
	long long runs[3], totals[4];	/* pressed, not pressed, unmeasured; event sums */
} pr;

static const char *const event_names[4] = { "max", "high", "oom", "oom_kill" };

/* Writes a cgroup interface file; in a fake tree (--root) the file is created. */
static int cg_write(const char *path, const char *val)
{
	int fd;

	if (pr.root[0]) {
		fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return -errno;
		close(fd);
	}
	return sf_write_file(path, val, strlen(val));
}

/* Mount point of cgroup2 in <root>/proc/mounts into out (root-prefixed); 0 or -ENOENT. */
static int cgroup2_find(char *out, size_t len)
{
	char path[SF_PATH_MAX], line[1024], dev[256], dir[1024], type[64];
	int found = -ENOENT;
	FILE *f;

	sf_path(path, sizeof(path), pr.root, "/proc/mounts");
	f = fopen(path, "re");
	if (!f)
		return -ENOENT;
	while (found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s %1023s %63s", dev, dir, type) == 3 &&
		    !strcmp(type, "cgroup2")) {
			sf_path(out, len, pr.root, dir);
			found = 0;
		}
	fclose(f);
	return found;
}

/* The cgroup2 hierarchy, mounted under the state folder when nothing has it mounted. */
static int cgroup2_root(const char *state_dir, char *out, size_t len)
{
	if (!cgroup2_find(out, len))
		return 0;
	if (pr.root[0]) {
		snprintf(pr.memcg_note, sizeof(pr.memcg_note), "no cgroup2 in %s/proc/mounts",
			 pr.root);
		return -ENOENT;
	}
	snprintf(out, len, "%s/cgroup2", state_dir);
	if (sf_mkdir_p(out) || mount("cgroup2", out, "cgroup2", 0, NULL)) {
		snprintf(pr.memcg_note, sizeof(pr.memcg_note), "cannot mount cgroup2 at %s: %s",
			 out, strerror(errno));
		return -errno;
	}
	return knob_note_mount(out);
}

/* Writes <cgroup>/<file> = bytes, saying what failed. 0 or -errno. */
static int cg_set(const char *cgroup, const char *file, long long bytes)
{
	char p[SF_PATH_MAX + 32], val[32];
	int ret;

	snprintf(p, sizeof(p), "%s/%s", cgroup, file);
	snprintf(val, sizeof(val), "%lld", bytes);
	ret = cg_write(p, val);
	if (ret)
		fprintf(stderr, "splitfail: cannot set %s = %s: %s\n", p, val, strerror(-ret));
	return ret;
}

/* 1 when <root>/proc/swaps lists a swap area (the filler's pages need one to go to). */
static int swap_active(void)
{
	char path[SF_PATH_MAX], buf[4096];

	sf_path(path, sizeof(path), pr.root, "/proc/swaps");
	if (sf_read_file(path, buf, sizeof(buf)) <= 0)
		return 0;
	return strchr(buf, '\n') && strchr(buf, '\n')[1] != '\0';
}

/*
 * Starts the filler in the cgroup; json gets the memcg object's "filler" member. Without
 * swap it is not started (noted); a filler that cannot start sets pr.fill_failed.
 */
static void fill_setup(FILE *json)
{
	long long target = pr.o->pp.memcg_fill;
	char how[64];
	int ret;

	fprintf(json, ", \"filler\": {\"target\": %lld, ", target);
	if (!swap_active()) {
		fprintf(stderr, "splitfail: no swap active: no memcg filler (its pages could not be reclaimed); runs will hardly reach memory.max\n");
		fprintf(json, "\"applied\": false, \"reason\": \"no swap active (/proc/swaps)\"}");
		return;
	}
	ret = memcg_fill_start(&pr.fill, pr.root, pr.cgroup, target, pr.o->pp.memcg_max);
	if (ret) {
		sf_sleep_ms(100);
		memcg_fill_status(&pr.fill, how, sizeof(how));
		snprintf(pr.fill_failed, sizeof(pr.fill_failed), "memcg filler could not start: %s",
			 how[0] ? how : strerror(-ret));
		fprintf(stderr, "splitfail: %s\n", pr.fill_failed);
	} else {
		fprintf(stderr, "splitfail: memcg filler pid %d fills %s to memory.current = %lld before each run\n",
			(int)pr.fill.pid, pr.cgroup, target);
	}
	fprintf(json, "\"pid\": %d}", (int)pr.fill.pid);
}

/* The workloads' cgroup with memory.max; 0, 1 when unavailable (noted), or -errno. */
static int memcg_setup(const char *state_dir, FILE *json)
{
	char top[SF_PATH_MAX], p[SF_PATH_MAX + 32], buf[512];
	int ret;

	if (cgroup2_root(state_dir, top, sizeof(top)))
		return 1;
	snprintf(p, sizeof(p), "%s/cgroup.controllers", top);
	if (sf_read_file(p, buf, sizeof(buf)) < 0 || !strstr(buf, "memory")) {
		buf[strcspn(buf, "\n")] = '\0';
		snprintf(pr.memcg_note, sizeof(pr.memcg_note),
			 "cgroup v2 at %s offers no memory controller (controllers: '%s'; bound to cgroup v1?)",
			 top, buf);
		return 1;
	}
	snprintf(p, sizeof(p), "%s/cgroup.subtree_control", top);
	if (sf_read_file(p, buf, sizeof(buf)) < 0)
		return -errno;
	if (!strstr(buf, "memory")) {
		ret = knob_note('S', p, buf);
		if (!ret)
			ret = cg_write(p, "+memory");
		if (ret) {
			fprintf(stderr, "splitfail: cannot enable memory in %s: %s\n", p,
				strerror(-ret));
			return ret;
		}
	}
	snprintf(pr.cgroup, sizeof(pr.cgroup), "%s/splitfail-%d", top, (int)getpid());
	if (mkdir(pr.cgroup, 0755) && errno != EEXIST)
		return -errno;
	ret = knob_note('D', pr.cgroup, NULL);
	if (!ret)
		ret = cg_set(pr.cgroup, "memory.max", pr.o->pp.memcg_max);
	if (!ret && pr.o->pp.memcg_high)
		ret = cg_set(pr.cgroup, "memory.high", pr.o->pp.memcg_high);
	if (ret)
		return ret;
	snprintf(pr.procs, sizeof(pr.procs), "%s/cgroup.procs", pr.cgroup);
	fprintf(json, "\"memcg\": {\"path\": ");
	text_json(json, pr.cgroup);
	fprintf(json, ", \"memory.max\": %lld", pr.o->pp.memcg_max);
	if (pr.o->pp.memcg_high)
		fprintf(json, ", \"memory.high\": %lld", pr.o->pp.memcg_high);
	fprintf(stderr, "splitfail: workloads run in cgroup %s with memory.max = %lld\n",
		pr.cgroup, pr.o->pp.memcg_max);
	if (pr.o->pp.memcg_fill)
		fill_setup(json);
	fputc('}', json);
	return pr.fill_failed[0] ? -EIO : 0;
}

/* Starts stress-ng in its own process group (journalled); 0 or -errno. */
static int stress_start(void)
{
	char args[sizeof(pr.o->pp.stress_ng)], secs[32], *argv[STRESS_ARGS_MAX + 4], *save;
	int argc = 0, fd, have_timeout = 0;
	pid_t pid;

	snprintf(args, sizeof(args), "%s", pr.o->pp.stress_ng);
	argv[argc++] = "stress-ng";
	for (char *t = strtok_r(args, " \t", &save); t && argc < STRESS_ARGS_MAX;
	     t = strtok_r(NULL, " \t", &save)) {
		have_timeout |= !strcmp(t, "--timeout") || !strcmp(t, "-t");
		argv[argc++] = t;
	}
	snprintf(secs, sizeof(secs), "%d", pr.o->pp.stress_seconds);
	if (!have_timeout) {
		argv[argc++] = "--timeout";
		argv[argc++] = secs;
	}
	argv[argc] = NULL;
	fd = open(pr.log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fd);
		return -errno;
	}
	if (!pid) {
		setpgid(0, 0);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		dup2(fd, 1);
		dup2(fd, 2);
		/* stress-ng wants a writable temp-path, '.' by default: the results folder */
		if (chdir(pr.out_dir))
			fprintf(stderr, "splitfail: cd %s: %s\n", pr.out_dir, strerror(errno));
		execvp(argv[0], argv);
		fprintf(stderr, "splitfail: exec stress-ng: %s\n", strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	close(fd);
	pr.stress_pid = pid;
	pr.stress_starts++;
	snprintf(secs, sizeof(secs), "%d", (int)pid);
	return knob_note('P', secs, "stress-ng");
}

/*
 * Sets up what o->pp asks for; json gets the "pressure" object's members. Returns 0, or
 * -errno after saying what failed (a harness error).
 */
int pressure_start(const struct options *o, const char *root, const char *out_dir, FILE *json)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m;
	int ret = 0;

	memset(&pr, 0, sizeof(pr));
	pr.o = o;
	pr.root = root;
	pr.usage_start = -1;
	m = open_memstream(&text, &len);
	if (!m)
		return -errno;
	if (o->pp.memcg_max) {
		ret = memcg_setup(o->state_dir, m);
		if (ret > 0) {
			fprintf(stderr, "splitfail: no memory cgroup: %s; runs go on without it\n",
				pr.memcg_note);
			fprintf(m, "\"memcg\": {\"requested\": %lld, \"applied\": false, \"reason\": ",
				o->pp.memcg_max);
			text_json(m, pr.memcg_note);
			fputc('}', m);
			ret = 0;
		}
	}
	if (!ret && o->pp.stress_ng[0]) {
		snprintf(pr.log, sizeof(pr.log), "%s/stress-ng.log", out_dir);
		snprintf(pr.out_dir, sizeof(pr.out_dir), "%s", out_dir);
		ret = stress_start();
		if (ret)
			fprintf(stderr, "splitfail: cannot start stress-ng: %s\n", strerror(-ret));
		else
			fprintf(stderr, "splitfail: stress-ng %s running (pid %d, log %s)\n",
				o->pp.stress_ng, (int)pr.stress_pid, pr.log);
		fprintf(m, "%s\"stress_ng\": {\"args\": ", o->pp.memcg_max ? ", " : "");
		text_json(m, o->pp.stress_ng);
		fprintf(m, ", \"pid\": %d, \"log\": ", (int)pr.stress_pid);
		text_json(m, pr.log);
		fputc('}', m);
	}
	fclose(m);
	snprintf(pr.members, sizeof(pr.members), "%s", text ? text : "");
	free(text);
	fprintf(json, "{%s}", pr.members);
	return ret;
}

/* summary.json's "pressure" again, with how many runs the memcg pressed so far. */
static void summary_update(void)
{
	char json[sizeof(pr.members) + 256];

	snprintf(json, sizeof(json), "{%s, \"memcg_runs\": {\"pressed\": %lld, \"not_pressed\": %lld, \"unmeasured\": %lld, \"events\": {",
		 pr.members, pr.runs[0], pr.runs[1], pr.runs[2]);
	for (int i = 0; i < 4; i++)
		sf_appendf(json, sizeof(json), "%s\"%s\": %lld", i ? ", " : "", event_names[i],
			   pr.totals[i]);
	sf_appendf(json, sizeof(json), "}}}");
	if (live_extra("pressure", json))
		fprintf(stderr, "splitfail: cannot update summary.json's pressure\n");
}

static void read_events(long long *v)
{
	char p[SF_PATH_MAX + 32], buf[1024], *save;

	for (int i = 0; i < 4; i++)
		v[i] = -1;
	snprintf(p, sizeof(p), "%s/memory.events", pr.cgroup);
	if (!pr.cgroup[0] || sf_read_file(p, buf, sizeof(buf)) < 0)
		return;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		for (int i = 0; i < 4; i++)
			if (!strncmp(line, event_names[i], strlen(event_names[i])) &&
			    line[strlen(event_names[i])] == ' ')
				v[i] = atoll(line + strlen(event_names[i]) + 1);
}

/* <cgroup>/<file> as a number; 0 or -errno. */
static int cg_read_ll(const char *file, long long *v)
{
	char p[SF_PATH_MAX + 32];

	snprintf(p, sizeof(p), "%s/%s", pr.cgroup, file);
	return sf_read_ll(p, v);
}

/* The filler's top-up before a run; 0, or -EIO with pr.fill_failed saying why. */
static int fill_topup(void)
{
	char how[64], ended[32];
	int pid = (int)pr.fill.pid, ret;

	if (pr.fill_failed[0])
		return -EIO;
	if (pid <= 0)
		return 0;
	memcg_fill_status(&pr.fill, ended, sizeof(ended));
	ret = ended[0] ? -ESRCH : memcg_fill_topup(&pr.fill);
	if (!ret)
		return 0;
	if (ret != -ESRCH) {
		if (ret != -EBADMSG)
			sf_sleep_ms(100);	/* a filler that died mid-top-up: say how */
		memcg_fill_status(&pr.fill, ended, sizeof(ended));
	}
	snprintf(how, sizeof(how), "%s", ended[0] ? ended : ret == -EBADMSG ?
		 "its pages did not read back the byte it wrote" : strerror(-ret));
	read_events(pr.events_before);
	snprintf(pr.fill_failed, sizeof(pr.fill_failed),
		 "memcg filler pid %d failed (%s; the cgroup's memory.events oom_kill=%lld)", pid,
		 how, pr.events_before[3]);
	return -EIO;
}

/*
 * Before a run: stress-ng restarted when it ended at its --timeout (exit 0; said in note),
 * the filler's top-up, memory.current and memory.events read. Returns 0, or -errno with the
 * reason in note when stress-ng failed (exit status not 0) or the filler did: the run
 * cannot have the pressure the profile asks for.
 */
int pressure_before_run(char *note, size_t len)
{
	int status;

	note[0] = '\0';
	if (pr.stress_pid > 0 && waitpid(pr.stress_pid, &status, WNOHANG) == pr.stress_pid) {
		kill(-pr.stress_pid, SIGKILL);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			snprintf(pr.stress_failed, sizeof(pr.stress_failed),
				 "stress-ng pid %d failed (%s %d; see %s)", (int)pr.stress_pid,
				 WIFEXITED(status) ? "exit" : "signal",
				 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), pr.log);
			pr.stress_pid = 0;
		} else {
			sf_appendf(note, len, "stress-ng pid %d ended (exit 0, its --timeout), restarted; ",
				   (int)pr.stress_pid);
		}
	}
	if (pr.stress_failed[0]) {
		snprintf(note, len, "%s", pr.stress_failed);
		return -EIO;
	}
	if (note[0] && stress_start())
		return -errno;
	for (int i = 0; i < 4; i++)
		pr.events_before[i] = -1;
	pr.usage_start = -1;
	if (fill_topup()) {
		snprintf(note, len, "%s", pr.fill_failed);
		return -EIO;
	}
	read_events(pr.events_before);
	if (pr.cgroup[0])
		cg_read_ll("memory.current", &pr.usage_start);
	return 0;
}

/*
 * After a run: what the pressure was, for the run's evidence ("" when there is none). A run
 * whose memory.events max moved was pressed: its charges reached memory.max and went through
 * memcg reclaim; one where it did not is said to be NOT pressed.
 */
void pressure_after_run(char *note, size_t len)
{
	long long after[4], high;
	int known = 1;

	if (pr.stress_pid > 0)
		sf_appendf(note, len, "stress-ng %s running (pid %d); ", pr.o->pp.stress_ng,
			   (int)pr.stress_pid);
	if (!pr.cgroup[0])
		return;
	read_events(after);
	sf_appendf(note, len, "memcg memory.max=%lld", pr.o->pp.memcg_max);
	high = pr.o->pp.memcg_high;
	if (high)
		sf_appendf(note, len, " memory.high=%lld", high);
	if (pr.fill.pid > 0)
		sf_appendf(note, len, " filler target=%lld", pr.fill.target);
	if (pr.usage_start >= 0)
		sf_appendf(note, len, " usage at start=%lld", pr.usage_start);
	sf_appendf(note, len, " events:");
	for (int i = 0; i < 4; i++) {
		if (after[i] < 0 || pr.events_before[i] < 0) {
			known &= i != 0;
			continue;
		}
		sf_appendf(note, len, " %s+%lld", event_names[i], after[i] - pr.events_before[i]);
		pr.totals[i] += after[i] - pr.events_before[i];
	}
	if (!known) {
		sf_appendf(note, len, " (max unknown: not measured); ");
		pr.runs[2]++;
	} else if (after[0] > pr.events_before[0]) {
		sf_appendf(note, len, ", pressed; ");
		pr.runs[0]++;
	} else {
		sf_appendf(note, len, ", NOT pressed (memory.max never reached); ");
		pr.runs[1]++;
	}
	summary_update();
}

/* In the forked workload before exec: join the cgroup. 0 or -errno. */
int pressure_child_enter(void)
{
	char pid[24];

	if (!pr.procs[0])
		return 0;
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	return cg_write(pr.procs, pid);
}

/* The [pressure] sizes agree with each other; 0, or -EINVAL with the reason in err. */
int pressure_check(const struct pressure_params *pp, char *err, size_t len)
{
	if ((pp->memcg_high || pp->memcg_fill) && !pp->memcg_max)
		snprintf(err, len, "[pressure] memcg_high and memcg_fill need memcg_max");
	else if (pp->memcg_high && pp->memcg_high >= pp->memcg_max)
		snprintf(err, len, "[pressure] memcg_high (%lld) must be below memcg_max (%lld)",
			 pp->memcg_high, pp->memcg_max);
	else if (pp->memcg_fill &&
		 pp->memcg_fill >= (pp->memcg_high ? pp->memcg_high : pp->memcg_max))
		snprintf(err, len, "[pressure] memcg_fill (%lld) must be below memcg_%s (%lld): the filler alone would keep the cgroup in reclaim",
			 pp->memcg_fill, pp->memcg_high ? "high" : "max",
			 pp->memcg_high ? pp->memcg_high : pp->memcg_max);
	else
		return 0;
	return -EINVAL;
}
