// SPDX-License-Identifier: GPL-2.0
/*
 * json_read.c - the JSON reader of record.jsonl lines (json_read.h): one object, its members
 * of scalar type decoded, nested objects and arrays skipped over and handed on as raw text.
 * Strict about structure (a torn line is -EINVAL), lenient about content: a \u escape of a
 * lone surrogate or of NUL decodes to U+FFFD.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json_read.h"

struct cur {
	const char *p, *end;
};

static void skip_ws(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static int hex4(const char *p, unsigned int *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char h = p[i];

		*v <<= 4;
		if (h >= '0' && h <= '9')
			*v |= h - '0';
		else if (h >= 'a' && h <= 'f')
			*v |= h - 'a' + 10;
		else if (h >= 'A' && h <= 'F')
			*v |= h - 'A' + 10;
		else
			return -EINVAL;
	}
	return 0;
}

static char *put_utf8(char *o, unsigned int cp)
{
	if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		cp = 0xfffd;
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | cp >> 12);
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | cp >> 18);
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/* A \\uXXXX escape at *p (past "\\u"), before end; a surrogate pair is taken whole. */
static int unicode_escape(const char **p, const char *end, unsigned int *cp)
{
	const char *s = *p;
	unsigned int lo;

	if (end - s < 4 || hex4(s, cp))
		return -EINVAL;
	s += 4;
	if (*cp >= 0xd800 && *cp <= 0xdbff && end - s >= 6 && s[0] == '\\' && s[1] == 'u' &&
	    !hex4(s + 2, &lo) && lo >= 0xdc00 && lo <= 0xdfff) {
		*cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
		s += 6;
	}
	*p = s;
	return 0;
}

/* The string at c->p (its opening quote); c->p ends past it, *out gets it decoded. */
static int read_string(struct cur *c, char **out)
{
	const char *p = c->p + 1, *q = p;
	char *s, *o;
	unsigned int cp;

	while (q < c->end && *q != '"')
		q += *q == '\\' ? 2 : 1;
	if (q >= c->end)
		return -EINVAL;
	c->p = q + 1;
	if (!out)
		return 0;
	s = malloc(q - p + 1);	/* decoding never grows the text */
	if (!s)
		return -ENOMEM;
	for (o = s; p < q;) {
		char ch = *p++;

		if (ch != '\\') {
			*o++ = ch;
			continue;
		}
		ch = *p++;
		cp = (unsigned char)ch;
		switch (ch) {
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u':
			if (unicode_escape(&p, q, &cp)) {
				free(s);
				return -EINVAL;
			}
			break;
		}
		o = put_utf8(o, cp);
	}
	*o = '\0';
	*out = s;
	return 0;
}

/* Skip a nested object or array at c->p, strings inside it included. */
static int skip_nested(struct cur *c)
{
	int depth = 0;

	do {
		if (c->p >= c->end)
			return -EINVAL;
		if (*c->p == '"') {
			if (read_string(c, NULL))
				return -EINVAL;
			continue;
		}
		if (*c->p == '{' || *c->p == '[')
			depth++;
		else if (*c->p == '}' || *c->p == ']')
			depth--;
		c->p++;
	} while (depth > 0);
	return 0;
}

static int read_value(struct cur *c, struct json_value *v)
{
	char *num_end;

	memset(v, 0, sizeof(*v));
	v->raw = c->p;
	if (c->p >= c->end)
		return -EINVAL;
	if (*c->p == '"') {
		int ret = read_string(c, &v->str);

		if (ret)
			return ret;
		v->kind = JSON_STRING;
	} else if (*c->p == '{' || *c->p == '[') {
		if (skip_nested(c))
			return -EINVAL;
		v->kind = JSON_RAW;
	} else if (c->end - c->p >= 4 && !strncmp(c->p, "true", 4)) {
		v->kind = JSON_BOOL;
		v->boolean = 1;
		c->p += 4;
	} else if (c->end - c->p >= 5 && !strncmp(c->p, "false", 5)) {
		v->kind = JSON_BOOL;
		c->p += 5;
	} else if (c->end - c->p >= 4 && !strncmp(c->p, "null", 4)) {
		v->kind = JSON_NULL;
		c->p += 4;
	} else {
		v->num = strtod(c->p, &num_end);	/* the line ends in '}': strtod stops */
		if (num_end == c->p || num_end > c->end)
			return -EINVAL;
		v->kind = JSON_NUMBER;
		c->p = num_end;
	}
	v->raw_len = c->p - v->raw;
	return 0;
}

int json_object_each(const char *text, size_t len,
		     int (*fn)(void *ctx, const char *key, const struct json_value *v), void *ctx)
{
	struct cur c = { text, text + len };
	struct json_value v;
	char *key;
	int ret;

	skip_ws(&c);
	if (c.p >= c.end || *c.p++ != '{')
		return -EINVAL;
	skip_ws(&c);
	if (c.p < c.end && *c.p == '}')
		c.p++;
	else
		for (;;) {
			skip_ws(&c);
			if (c.p >= c.end || *c.p != '"')
				return -EINVAL;
			ret = read_string(&c, &key);
			if (ret)
				return ret;
			skip_ws(&c);
			if (c.p >= c.end || *c.p++ != ':') {
				free(key);
				return -EINVAL;
			}
			skip_ws(&c);
			ret = read_value(&c, &v);
			if (!ret)
				ret = fn(ctx, key, &v);
			free(key);
			free(v.str);
			if (ret)
				return ret;
			skip_ws(&c);
			if (c.p < c.end && *c.p == ',') {
				c.p++;
				continue;
			}
			if (c.p < c.end && *c.p == '}') {
				c.p++;
				break;
			}
			return -EINVAL;
		}
	skip_ws(&c);
	return c.p == c.end ? 0 : -EINVAL;
}
