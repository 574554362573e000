// SPDX-License-Identifier: GPL-2.0
/*
 * text.c - the one sanitizer every results writer uses (record.h): a workload's output, a
 * kernel log line or a program's argv can hold any bytes, and every file we write must still
 * parse with strict parsers (python3 json.load, xmllint, prove, kunit.py). Invalid UTF-8
 * (overlong forms, surrogates, code points above U+10FFFF, truncated sequences) becomes
 * U+FFFD one byte at a time; control bytes are escaped where the format can say them and
 * U+FFFD where it cannot. text_safe_name makes file names: docs/protocol.md ("File names").
 */
#include <stdio.h>
#include <string.h>

#include "record.h"

#define REPLACEMENT "\xef\xbf\xbd"	/* U+FFFD in UTF-8 */

/*
 * The code point at s (NUL-terminated) into *cp; returns the length of its valid UTF-8
 * sequence, or 0 when the byte at s starts none (then *cp is U+FFFD and one byte is consumed).
 */
static int utf8_next(const unsigned char *s, unsigned int *cp)
{
	static const unsigned int min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	int len = s[0] < 0x80 ? 1 : s[0] >= 0xc2 && s[0] <= 0xdf ? 2 :
		  s[0] >= 0xe0 && s[0] <= 0xef ? 3 : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;
	unsigned int v = len == 1 ? s[0] : len ? s[0] & (0x7f >> len) : 0;

	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)	/* also stops at the NUL of a truncated one */
			len = 0;
		else
			v = v << 6 | (s[i] & 0x3f);
		if (!len)
			break;
	}
	if (!len || v < min[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
		*cp = 0xfffd;
		return 0;
	}
	*cp = v;
	return len;
}

/*
 * Walk s code point by code point: ASCII goes to ascii() (which writes it, escaped as the
 * format needs), a valid multibyte sequence is copied, an invalid byte becomes U+FFFD.
 * Code points for which bad() is true are written as U+FFFD too.
 */
static void text_walk(FILE *f, const char *s, void (*ascii)(FILE *f, int c),
		      int (*bad)(unsigned int cp))
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned int cp;

	while (*p) {
		int len = utf8_next(p, &cp);

		if (len == 1)
			ascii(f, *p);
		else if (!len || (bad && bad(cp)))
			fputs(REPLACEMENT, f);
		else
			fwrite(p, 1, len, f);
		p += len ? len : 1;
	}
}

static void json_ascii(FILE *f, int c)
{
	if (c == '"' || c == '\\')
		fprintf(f, "\\%c", c);
	else if (c == '\n')
		fputs("\\n", f);
	else if (c == '\t')
		fputs("\\t", f);
	else if (c == '\r')
		fputs("\\r", f);
	else if (c < 0x20 || c == 0x7f)
		fprintf(f, "\\u%04x", c);
	else
		fputc(c, f);
}

void text_json(FILE *f, const char *s)
{
	fputc('"', f);
	text_walk(f, s, json_ascii, NULL);
	fputc('"', f);
}

/* XML 1.0 has no way to say C0 controls (but tab, newline, return), U+FFFE or U+FFFF. */
static void xml_ascii(FILE *f, int c)
{
	if (c == '<')
		fputs("&lt;", f);
	else if (c == '>')
		fputs("&gt;", f);
	else if (c == '&')
		fputs("&amp;", f);
	else if (c == '"')
		fputs("&quot;", f);
	else if (c == '\'')
		fputs("&apos;", f);
	else if (c == '\r')
		fputs("&#13;", f);
	else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
		fputs(REPLACEMENT, f);
	else
		fputc(c, f);
}

static int xml_bad(unsigned int cp)
{
	return cp == 0xfffe || cp == 0xffff;
}

void text_xml(FILE *f, const char *s)
{
	text_walk(f, s, xml_ascii, xml_bad);
}

/* TAP: '#' starts a directive and '\' escapes it; a line ends at the newline. */
static void line_ascii(FILE *f, int c)
{
	if (c == '#' || c == '\\')
		fprintf(f, "\\%c", c);
	else if (c == '\n' || c == '\r')
		fputc(' ', f);
	else if ((c < 0x20 && c != '\t') || c == 0x7f)
		fputs(REPLACEMENT, f);
	else
		fputc(c, f);
}

void text_line(FILE *f, const char *s)
{
	text_walk(f, s, line_ascii, NULL);
}

static void diag_ascii(FILE *f, int c)
{
	if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
		fputs(REPLACEMENT, f);
	else
		fputc(c, f);
}

void text_diag(FILE *f, const char *prefix, const char *s)
{
	char line[1024];

	while (*s) {
		size_t l = strcspn(s, "\n");

		/* a long line goes out in pieces, each a diagnostic line of its own */
		if (l >= sizeof(line))
			l = sizeof(line) - 1;
		memcpy(line, s, l);
		line[l] = '\0';
		fputs(prefix, f);
		text_walk(f, line, diag_ascii, NULL);
		fputc('\n', f);
		s += l + (s[l] == '\n');
	}
}

void text_safe_name(const char *name, char *out, size_t len)
{
	static const char keep[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				   "0123456789_.-";
	size_t o = 0;

	if (!len)
		return;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		char piece[4];

		if (strchr(keep, *p))
			snprintf(piece, sizeof(piece), "%c", *p);
		else if (*p == ':' || *p == '@' || *p == ',')
			snprintf(piece, sizeof(piece), ".");
		else if (*p == '=')
			snprintf(piece, sizeof(piece), "-");
		else if (*p == '#')
			snprintf(piece, sizeof(piece), "-r");
		else
			snprintf(piece, sizeof(piece), "_%02x", *p);
		if (o + strlen(piece) >= len)
			break;
		memcpy(out + o, piece, strlen(piece));
		o += strlen(piece);
	}
	out[o] = '\0';
}
