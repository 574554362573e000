// SPDX-License-Identifier: GPL-2.0
/*
 * known.c - known upstream kernel bugs (configs/known-issues.ini, format in
 * docs/protocol.md). A FAIL whose result name matches an entry's glob, whose kernel
 * release lies in the entry's range and whose evidence (with the run's kernel log) matches
 * every one of the entry's signature regexes becomes KNOWN-FAIL. This file is the only
 * place that decides it: the harness applies it to its own verdicts, and the runner asks
 * it about guest deaths through `splitfail --known-match` (known_cli.c).
 */
#include <errno.h>
#include <fnmatch.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "splitfail.h"

#define KNOWN_MAX	32
#define KNOWN_SIGS	8
#define RELEASE_PARTS	4

struct known_issue {
	regex_t sig[KNOWN_SIGS];	/* every one must match */
	int n_sigs;
	int line;			/* of its [id] header, for errors */
	char id[64];
	char name[SF_NAME_MAX];		/* glob on result names */
	char min_release[32];		/* "" = no lower bound */
	char max_release[32];		/* "" = no upper bound */
	char description[256];
	char reference[256];
};

static struct known_issue known[KNOWN_MAX];
static int n_known;
static char known_path[SF_PATH_MAX];

/* The leading "7.2.13" of a release as numbers; returns how many parts, 0 if none. */
static int release_parts(const char *s, long v[RELEASE_PARTS])
{
	int n = 0;

	memset(v, 0, RELEASE_PARTS * sizeof(v[0]));
	while (n < RELEASE_PARTS && *s >= '0' && *s <= '9') {
		char *end;

		v[n++] = strtol(s, &end, 10);
		if (*end != '.' || end[1] < '0' || end[1] > '9')
			break;
		s = end + 1;
	}
	return n;
}

/*
 * Compare two releases part by part as numbers (7.2.13 > 6.12.117, 7.2 == 7.2.0); what
 * follows the numbers ("-rc1", "+deb13-amd64") is ignored. Sets *ok to 0 (and returns 0)
 * when either has no leading number.
 */
int known_release_cmp(const char *a, const char *b, int *ok)
{
	long va[RELEASE_PARTS], vb[RELEASE_PARTS];

	*ok = release_parts(a, va) > 0 && release_parts(b, vb) > 0;
	if (!*ok)
		return 0;
	for (int i = 0; i < RELEASE_PARTS; i++)
		if (va[i] != vb[i])
			return va[i] < vb[i] ? -1 : 1;
	return 0;
}

/* A release bound of the file: digits and dots only, 1 to 4 parts ("7.2.13"). */
static int release_valid(const char *s)
{
	long v[RELEASE_PARTS];
	size_t digits_dots = strspn(s, "0123456789.");
	int dots = 0;

	for (const char *p = s; *p; p++)
		dots += *p == '.';
	return s[0] && !s[digits_dots] && dots < RELEASE_PARTS && !strstr(s, "..") &&
	       s[strlen(s) - 1] != '.' && release_parts(s, v) == dots + 1;
}

void known_free(void)
{
	for (int i = 0; i < n_known; i++)
		for (int j = 0; j < known[i].n_sigs; j++)
			regfree(&known[i].sig[j]);
	n_known = 0;
	known_path[0] = '\0';
}

static int copy_value(char *dst, size_t len, const char *key, const char *val, char *msg,
		      size_t msglen)
{
	if (strlen(val) >= len) {
		snprintf(msg, msglen, "bad value '%.60s...' for %s (longer than %zu characters)",
			 val, key, len - 1);
		return -EINVAL;
	}
	snprintf(dst, len, "%s", val);
	return 0;
}

/* One `key = value` line of entry k; 0 or -EINVAL with msg. */
static int known_key(struct known_issue *k, const char *key, const char *val, char *msg,
		     size_t msglen)
{
	char rerr[128];
	int ret;

	if (!strcmp(key, "name"))
		return copy_value(k->name, sizeof(k->name), key, val, msg, msglen);
	if (!strcmp(key, "description"))
		return copy_value(k->description, sizeof(k->description), key, val, msg, msglen);
	if (!strcmp(key, "reference"))
		return copy_value(k->reference, sizeof(k->reference), key, val, msg, msglen);
	if (!strcmp(key, "min_release") || !strcmp(key, "max_release")) {
		if (!release_valid(val)) {
			snprintf(msg, msglen, "bad value '%s' for %s (want a release like 7.2.13)",
				 val, key);
			return -EINVAL;
		}
		return copy_value(strcmp(key, "min_release") ? k->max_release : k->min_release,
				  sizeof(k->min_release), key, val, msg, msglen);
	}
	if (!strcmp(key, "signature")) {
		if (k->n_sigs == KNOWN_SIGS) {
			snprintf(msg, msglen, "more than %d signature lines", KNOWN_SIGS);
			return -EINVAL;
		}
		ret = regcomp(&k->sig[k->n_sigs], val, REG_EXTENDED | REG_NEWLINE | REG_NOSUB);
		if (ret) {
			regerror(ret, &k->sig[k->n_sigs], rerr, sizeof(rerr));
			snprintf(msg, msglen, "bad value '%s' for signature (%s)", val, rerr);
			return -EINVAL;
		}
		k->n_sigs++;
		return 0;
	}
	snprintf(msg, msglen, "unknown key '%s' (want name, min_release, max_release, signature, description, reference)",
		 key);
	return -EINVAL;
}

/* The entry just closed has what it needs; 0 or -EINVAL with msg. */
static int known_complete(const struct known_issue *k, char *msg, size_t msglen)
{
	const char *missing = !k->name[0] ? "name" : !k->n_sigs ? "signature" :
			      !k->description[0] ? "description" :
			      !k->reference[0] ? "reference" : NULL;
	int ok;

	if (missing) {
		snprintf(msg, msglen, "[%s] has no '%s'", k->id, missing);
		return -EINVAL;
	}
	if (k->min_release[0] && k->max_release[0] &&
	    known_release_cmp(k->min_release, k->max_release, &ok) > 0) {
		snprintf(msg, msglen, "[%s]: bad value '%s' for min_release (above max_release %s)",
			 k->id, k->min_release, k->max_release);
		return -EINVAL;
	}
	return 0;
}

/* A new [id] section; 0 or -EINVAL with msg. */
static int known_section(const char *id, int lineno, char *msg, size_t msglen)
{
	static const char id_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "0123456789._-";
	struct known_issue *k;

	if (id[strspn(id, id_chars)]) {
		snprintf(msg, msglen, "bad value '%s' for an id (want letters, digits, '.', '_', '-')",
			 id);
		return -EINVAL;
	}
	for (int i = 0; i < n_known; i++)
		if (!strcmp(known[i].id, id)) {
			snprintf(msg, msglen, "bad value '%s': id given twice (first at line %d)",
				 id, known[i].line);
			return -EINVAL;
		}
	if (n_known == KNOWN_MAX) {
		snprintf(msg, msglen, "more than %d known issues", KNOWN_MAX);
		return -EINVAL;
	}
	k = &known[n_known++];
	memset(k, 0, sizeof(*k));
	k->line = lineno;
	return copy_value(k->id, sizeof(k->id), "id", id, msg, msglen);
}

/* One line of the file; 0 or -EINVAL with msg. */
static int known_line(char *line, int *lineno, char *msg, size_t msglen)
{
	char *key, *val;

	switch (sf_ini_line(line, &key, &val)) {
	case 0:
		return 0;
	case '[':
		if (n_known && known_complete(&known[n_known - 1], msg, msglen)) {
			*lineno = known[n_known - 1].line;
			return -EINVAL;
		}
		return known_section(key, *lineno, msg, msglen);
	case '=':
		if (!n_known) {
			snprintf(msg, msglen, "key '%s' outside any [id] section", key);
			return -EINVAL;
		}
		if (!*val) {
			snprintf(msg, msglen, "bad value '' for %s (empty)", key);
			return -EINVAL;
		}
		return known_key(&known[n_known - 1], key, val, msg, msglen);
	}
	snprintf(msg, msglen, "bad line '%s' (want [id] or key = value)", key);
	return -EINVAL;
}

/*
 * Load a known-issues file, replacing what was loaded. 0; -ENOENT when it does not exist;
 * -EINVAL (err: "FILE:LINE: problem, naming the bad value") when it is malformed.
 */
int known_load(const char *path, char *err, size_t errlen)
{
	char line[2048], msg[512];
	FILE *f;
	int lineno = 0, ret = 0;

	known_free();
	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return ret;
	}
	snprintf(known_path, sizeof(known_path), "%s", path);
	while (!ret && fgets(line, sizeof(line), f)) {
		lineno++;
		ret = known_line(line, &lineno, msg, sizeof(msg));
	}
	fclose(f);
	if (!ret && n_known && known_complete(&known[n_known - 1], msg, sizeof(msg))) {
		lineno = known[n_known - 1].line;
		ret = -EINVAL;
	}
	if (ret) {
		snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
		known_free();
	}
	return ret;
}

int known_count(void)
{
	return n_known;
}

/* Release in [min, max]? An unreadable release is in no range: the FAIL stays a FAIL. */
static int release_in_range(const struct known_issue *k, const char *release)
{
	long v[RELEASE_PARTS];
	int ok;

	if (!release_parts(release, v))
		return 0;
	if (k->min_release[0] && known_release_cmp(release, k->min_release, &ok) < 0)
		return 0;
	return !k->max_release[0] || known_release_cmp(release, k->max_release, &ok) <= 0;
}

/* The entry that name, release and text all match, or NULL. */
const struct known_issue *known_match(const char *name, const char *release, const char *text)
{
	for (int i = 0; i < n_known; i++) {
		const struct known_issue *k = &known[i];
		int j;

		if (fnmatch(k->name, name, 0) || !release_in_range(k, release))
			continue;
		for (j = 0; j < k->n_sigs; j++)
			if (regexec(&k->sig[j], text, 0, NULL, 0))
				break;
		if (j == k->n_sigs)
			return k;
	}
	return NULL;
}

const char *known_id(const struct known_issue *k)
{
	return k->id;
}

/* "known issue ID (REFERENCE): DESCRIPTION", the note a KNOWN-FAIL's evidence starts with. */
void known_note(const struct known_issue *k, char *out, size_t len)
{
	snprintf(out, len, "known issue %s (%s, %s): %s", k->id, k->reference,
		 known_path, k->description);
}

/*
 * A FAIL of the harness: KNOWN-FAIL when an entry matches its name, the release and its
 * evidence followed by the run's kernel log (kmsg, may be NULL). Returns 1 when it did.
 */
int known_apply(struct result *r, const char *release, const char *kmsg)
{
	const struct known_issue *k;
	char note[SF_EVIDENCE_MAX], *text;
	size_t ev_len = strlen(r->evidence), km_len = kmsg ? strlen(kmsg) : 0;

	if (r->verdict != V_FAIL || !n_known)
		return 0;
	text = malloc(ev_len + km_len + 2);
	if (!text)
		return 0;	/* it stays a FAIL: never hide a bug for want of memory */
	memcpy(text, r->evidence, ev_len);
	text[ev_len] = '\n';
	memcpy(text + ev_len + 1, kmsg ? kmsg : "", km_len + 1);
	k = known_match(r->name, release, text);
	free(text);
	if (!k)
		return 0;
	known_note(k, note, sizeof(note));
	sf_appendf(note, sizeof(note), "; %s", r->evidence);
	snprintf(r->evidence, sizeof(r->evidence), "%s", note);
	snprintf(r->known, sizeof(r->known), "%s", k->id);
	r->verdict = V_KNOWN_FAIL;
	return 1;
}
