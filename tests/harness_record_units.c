// SPDX-License-Identifier: GPL-2.0
/*
 * harness_record_units.c - unit tests of the run record (harness/record/): the JSON reader
 * (torn last line, unknown members and line types, escapes), a record written and read back,
 * the one sanitizer (invalid UTF-8 and control bytes: python3's json.load and xmllint accept
 * every file), safe file names (charset, injective on the names in argv[1], one per line) and
 * the renderings of a run that did not finish (Bail out!, finished false, the running test as
 * ERROR). Scratch folder: argv[2].
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/splitfail.h"
#include "../harness/record/json_read.h"
#include "../harness/record/record.h"
#include "unit_tap.h"

static char scratch[SF_PATH_MAX];

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf;
	long n;

	if (!f)
		return strdup("");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, n + 1);
	if (buf && fread(buf, 1, n, f) != (size_t)n)
		buf[0] = '\0';
	fclose(f);
	return buf;
}

/* A text writer's output for s, in memory. */
static char *written(void (*fn)(FILE *f, const char *s), const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, s);
	fclose(f);
	return buf;
}

struct members {
	char s[8][64];
	char key[8][32];
	int n;
};

static int collect(void *ctx, const char *key, const struct json_value *v)
{
	struct members *m = ctx;

	if (m->n == 8)
		return 0;
	snprintf(m->key[m->n], sizeof(m->key[0]), "%s", key);
	if (v->kind == JSON_STRING)
		snprintf(m->s[m->n], sizeof(m->s[0]), "%s", v->str);
	else
		snprintf(m->s[m->n], sizeof(m->s[0]), "%.*s", (int)v->raw_len, v->raw);
	m->n++;
	return 0;
}

static void test_json_reader(void)
{
	const char *line = "{\"a\": \"q\\\"b\\\\s\\n\\u00e9\\ud83d\\ude00\\ud800x\", \"n\": -12.5, "
			   "\"o\": {\"x\": [1, \"}\"]}, \"t\": true, \"z\": null}";
	struct members m = { 0 };
	int ret = json_object_each(line, strlen(line), collect, &m);

	check(ret == 0 && m.n == 5, "json: a line of five members parses", "0, 5",
	      ret ? "error" : "other count");
	check(!strcmp(m.s[0], "q\"b\\s\n\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbdx"),
	      "json: escapes decoded (quote, backslash, newline, \\u00e9, a surrogate pair; a lone surrogate is U+FFFD)",
	      "q\"b\\s\\n e-acute, U+1F600, U+FFFD x", m.s[0]);
	check(!strcmp(m.s[2], "{\"x\": [1, \"}\"]}"), "json: a nested object is kept as raw text",
	      "{\"x\": [1, \"}\"]}", m.s[2]);
	check(!strcmp(m.s[1], "-12.5") && !strcmp(m.s[3], "true") && !strcmp(m.s[4], "null"),
	      "json: number, bool and null", "-12.5 true null", m.s[1]);
	memset(&m, 0, sizeof(m));
	check(json_object_each(line, strlen(line) - 9, collect, &m) == -EINVAL,
	      "json: a torn line is -EINVAL", "-EINVAL", "parsed");
	check(json_object_each("{\"a\": \"x\"} {", 12, collect, &m) == -EINVAL,
	      "json: text after the object is -EINVAL", "-EINVAL", "parsed");
}

static void test_record_roundtrip(void)
{
	char dir[SF_PATH_MAX + 16], path[SF_PATH_MAX + 32], err[512], line[4096];
	struct rec_run hdr = { .format = RECORD_FORMAT, .kernel = "7.2.13", .profile = "smoke",
			       .seed = 18446744073709551615ULL, .strategies = "off,random",
			       .strict = 1, .known_fail = 1, .host = "h\"q" };
	struct rec_result r = { .name = "w:a.b.c@nth=3#2", .workload = "w", .case_name = "a.b.c",
				.verdict = V_KNOWN_FAIL, .strategy = "sweep", .nth = 3, .rep = 1, .boot = 1,
				.faults_injected = 7, .consumed = 1, .seconds = 1.25,
				.start_time = "2026-01-01T00:00:00Z", .evidence = "e\t\"1\"\n2",
				.known = "k1", .log = "logs/w.a.b.c.nth-3-r2.log",
				.vmstat_delta = "{\"thp_split_pmd\": 2}" };
	struct rec_run run;
	char *text;
	int ret;

	snprintf(dir, sizeof(dir), "%s/rt", scratch);
	sf_mkdir_p(dir);
	ret = record_create(dir, &hdr) || record_append_start(r.name) ||
	      record_append_result(&r) || record_append_extra("knobs", "[{\"p\": \"x\"}]") ||
	      record_append_extra("knobs", "[]") || record_append_start("w:x.y.z");
	record_close();
	/* a future line type, an unknown member, a line that is not JSON, then a torn line */
	snprintf(line, sizeof(line),
		 "{\"type\": \"future\", \"name\": \"nope\"}\n{\"type\": \"result\", \"name\": \"w:n\", \"verdict\": \"PASS\", \"new_member\": {\"a\": 1}}\nnot json\n{\"type\": \"result\", \"name\": \"w:torn\", \"verd");
	ret = ret || record_append_line_to(dir, line);
	snprintf(path, sizeof(path), "%s/%s", dir, RECORD_FILE);
	check(ret == 0 && record_create(dir, &hdr) == -EEXIST,
	      "record: created once, never over an existing one", "-EEXIST", "created again");
	record_close();
	ret = record_load(dir, &run, err, sizeof(err));
	check(ret == 0 && run.n == 2, "record: read back; a torn last line, a future type and a line that is not JSON are ignored, an unknown member too",
	      "2 results", ret ? err : "other count");
	if (ret || run.n != 2)
		return;
	check(run.seed == hdr.seed && run.strict && run.known_fail && !strcmp(run.host, "h\"q") &&
	      !strcmp(run.kernel, "7.2.13") && !strcmp(run.shard, ""),
	      "record: the run line comes back (64-bit seed, bools, escaped text, absent = \"\")",
	      "seed 2^64-1, strict, fail", run.host);
	check(!strcmp(run.r[0].name, r.name) && run.r[0].verdict == V_KNOWN_FAIL &&
	      run.r[0].nth == 3 && run.r[0].rep == 1 && run.r[0].faults_injected == 7 &&
	      run.r[0].seconds == 1.25 && !strcmp(run.r[0].evidence, r.evidence) &&
	      !strcmp(run.r[0].vmstat_delta, r.vmstat_delta) && !strcmp(run.r[0].log, r.log) &&
	      !strcmp(run.r[0].strategy, "sweep") && run.r[0].boot == 1,
	      "record: a result comes back member for member", r.evidence, run.r[0].evidence);
	check(run.nx == 1 && !strcmp(run.x[0].json, "[]") && !strcmp(run.running, "w:x.y.z") &&
	      !run.ended, "record: a later extra replaces an earlier one; the started test with no result is running",
	      "knobs=[] running=w:x.y.z", run.running);
	record_free(&run);
	/* the runner appends after the torn line: its line starts on a line of its own */
	ret = record_append_line_to(dir, "{\"type\": \"end\", \"finished\": false, \"ended_by\": \"guest died\"}");
	ret = ret || record_load(dir, &run, err, sizeof(err));
	check(!ret && run.ended && !run.finished && !strcmp(run.ended_by, "guest died"),
	      "record: a line appended after a torn one is read", "ended_by guest died",
	      ret ? err : run.ended_by);
	if (!ret)
		record_free(&run);
	text = slurp(path);
	check(strstr(text, "\"verd\n{\"type\": \"end\"") != NULL,
	      "record: the torn line was left as it was (never rewritten)", "torn text kept", text);
	free(text);
}

/* Every byte sequence the sanitizer must survive, in one string. */
static const char hostile[] = "ok \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80; overlong \xc0\xaf \xe0\x80\xaf; "
			      "surrogate \xed\xa0\x80; too big \xf4\x90\x80\x80; lone \x80 \xbf; "
			      "cut \xe2\x82; bad start \xff\xfe; controls \x01\x1b[K\x7f\r; "
			      "xml <&>\"' # hash \\ backslash; noncharacter \xef\xbf\xbe; end \xf0\x9f";

static void test_sanitizer(void)
{
	char path[SF_PATH_MAX + 32], cmd[3 * SF_PATH_MAX];
	char *s;
	FILE *f;

	s = written(text_json, "\xc0\xaf\xed\xa0\x80\xc3\xa9\x01\"");
	check(!strcmp(s, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xc3\xa9\\u0001\\\"\""),
	      "text_json: each byte of an overlong or a surrogate is U+FFFD, valid UTF-8 kept, a control escaped",
	      "5 x U+FFFD, e-acute, \\u0001, \\\"", s);
	free(s);
	s = written(text_line, "w:c#2 \\ x\ny");
	check(!strcmp(s, "w:c\\#2 \\\\ x y"), "text_line: '#' and '\\' escaped, a newline is a space",
	      "w:c\\#2 \\\\ x y", s);
	free(s);
	s = written(text_xml, "a\x01<\xef\xbf\xbe");
	check(!strcmp(s, "a\xef\xbf\xbd&lt;\xef\xbf\xbd"),
	      "text_xml: a control byte and U+FFFE (not XML characters) are U+FFFD", "a U+FFFD &lt; U+FFFD",
	      s);
	free(s);

	snprintf(path, sizeof(path), "%s/hostile.json", scratch);
	f = fopen(path, "we");
	fputs("{\"s\": ", f);
	text_json(f, hostile);
	fputs("}\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding=\"utf-8\", errors=\"strict\"))' %s",
		 path);
	check(system(cmd) == 0, "text_json: python3 json.load (strict UTF-8) accepts hostile bytes",
	      "exit 0", "json.load failed");
	snprintf(path, sizeof(path), "%s/hostile.xml", scratch);
	f = fopen(path, "we");
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a b=\"", f);
	text_xml(f, hostile);
	fputs("\">", f);
	text_xml(f, hostile);
	fputs("</a>\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "xmllint --noout %s", path);
	check(system(cmd) == 0, "text_xml: xmllint accepts hostile bytes as attribute and text",
	      "exit 0", "xmllint failed");
}

static void test_safe_names(const char *list)
{
	char *text = slurp(list), *save, **names = NULL, **safe = NULL, bad[600] = "";
	int n = 0, cap = 0, dup = 0, charset = 1;

	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (n == cap) {
			char **n2, **s2;

			cap = cap ? cap * 2 : 256;
			n2 = realloc(names, cap * sizeof(*names));
			s2 = n2 ? realloc(safe, cap * sizeof(*safe)) : NULL;
			if (!s2) {
				free(n2 ? n2 : names);
				free(safe);
				free(text);
				check(0, "safe names: memory for the list", "allocated", "ENOMEM");
				return;
			}
			names = n2;
			safe = s2;
		}
		names[n] = l;
		safe[n] = malloc(SF_NAME_MAX * 2);
		text_safe_name(l, safe[n], SF_NAME_MAX * 2);
		if (strspn(safe[n], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") !=
		    strlen(safe[n])) {
			charset = 0;
			snprintf(bad, sizeof(bad), "%s -> %s", l, safe[n]);
		}
		n++;
	}
	for (int i = 0; i < n && !dup; i++)
		for (int j = i + 1; j < n && !dup; j++)
			if (!strcmp(safe[i], safe[j]) && strcmp(names[i], names[j])) {
				dup = 1;
				snprintf(bad, sizeof(bad), "%s and %s -> %s", names[i], names[j], safe[i]);
			}
	check(n > 100 && charset, "safe names: only [A-Za-z0-9_.-]", "every name", bad);
	check(n > 100 && !dup, "safe names: no two test names share a file name", "injective", bad);
	for (int i = 0; i < n; i++)
		free(safe[i]);
	free(names);
	free(safe);
	free(text);
}

/* The renderings of run into scratch/DIR. */
static int render_into(const char *name, const struct rec_run *run, char *dir, size_t len)
{
	snprintf(dir, len, "%s/%s", scratch, name);
	sf_mkdir_p(dir);
	return render_all(dir, run);
}

static void test_interrupted(void)
{
	struct rec_result r = { .name = "w:a.b.c", .workload = "w", .case_name = "a.b.c",
				.verdict = V_PASS, .strategy = "off", .target = "", .window = "",
				.evidence = "", .reproduce = "", .known = "", .log = "logs/w.a.b.c.log",
				.vmstat_delta = "{}", .guest = "" };
	struct rec_run run = { .kernel = "k", .profile = "p", .strategies = "off", .started = "",
			       .host = "", .arch = "", .accel = "", .shard = "", .kernel_path = "",
			       .kernel_key = "", .kernel_commit = "", .config_hash = "",
			       .splitfail_commit = "", .reproduce_via = "", .running = "w:a.b.d@random#2", .ended_by = "", .boots = 1 };
	char dir[SF_PATH_MAX + 32], path[SF_PATH_MAX + 64], cmd[3 * SF_PATH_MAX], *tap, *sum;
	struct rec_run copy;

	record_add_result(&run, &r);
	check(render_into("noend", &run, dir, sizeof(dir)) == 0, "render: a run without an end line renders",
	      "0", "error");
	snprintf(path, sizeof(path), "%s/tap.txt", dir);
	tap = slurp(path);
	check(strstr(tap, "\nnot ok 2 - w:a.b.d@random\\#2 # ERROR\n#   evidence: interrupted") &&
	      strstr(tap, "\nBail out! no end line") && !strstr(tap, "\n1.."),
	      "render: no end line: TAP shows the running test as ERROR and bails out, no plan",
	      "not ok 2 ... # ERROR, Bail out!", tap);
	free(tap);
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys; d = json.load(open(sys.argv[1]))\n"
		 "assert d[\"finished\"] is False and d[\"ended_by\"].startswith(\"no end line\")\n"
		 "assert d[\"counts\"][\"error\"] == 1 and d[\"tests\"][-1][\"verdict\"] == \"ERROR\"\n"
		 "assert d[\"tests\"][-1][\"name\"] == \"w:a.b.d@random#2\" and d[\"tests\"][-1][\"strategy\"] == \"random\"' %s",
		 path);
	sum = slurp(path);
	check(system(cmd) == 0, "render: summary.json finished false, ended_by, the running test ERROR",
	      "finished false, error 1", sum);
	free(sum);
	snprintf(cmd, sizeof(cmd),
		 "xmllint --noout %s/junit.xml && grep -q 'errors=\"1\"' %s/junit.xml && grep -q '<error message=\"ERROR\">interrupted' %s/junit.xml",
		 dir, dir, dir);
	check(system(cmd) == 0, "render: junit.xml has the running test as an <error>", "errors=1",
	      "see junit.xml");

	run.ended = 1;
	run.ended_by = "SIGTERM";
	render_into("sigterm", &run, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/tap.txt", dir);
	tap = slurp(path);
	check(strstr(tap, "\nBail out! SIGTERM\n") != NULL, "render: ended unfinished: Bail out! <ended_by>",
	      "Bail out! SIGTERM", tap);
	free(tap);

	copy = run;
	copy.running = "";
	copy.finished = 1;
	copy.ended_by = "";
	render_into("done", &copy, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/tap.txt", dir);
	tap = slurp(path);
	check(strstr(tap, "\nok 1 - w:a.b.c\n1..1\n") && !strstr(tap, "Bail out"),
	      "render: a finished run ends with its plan", "ok 1, 1..1", tap);
	free(tap);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s NAMES-FILE SCRATCH-DIR\n", argv[0]);
		return 2;
	}
	snprintf(scratch, sizeof(scratch), "%s", argv[2]);
	test_json_reader();
	test_record_roundtrip();
	test_sanitizer();
	test_safe_names(argv[1]);
	test_interrupted();
	printf("1..%d\n", n_test);
	return n_failed != 0;
}
