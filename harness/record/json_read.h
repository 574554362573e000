/* SPDX-License-Identifier: GPL-2.0 */
/*
 * json_read.h - a small reader for the JSON objects record.jsonl holds: one object per line,
 * members of string, number, bool or null, nested objects and arrays kept as raw JSON text.
 */
#ifndef SPLITFAIL_JSON_READ_H
#define SPLITFAIL_JSON_READ_H

#include <stddef.h>

enum json_kind { JSON_STRING, JSON_NUMBER, JSON_BOOL, JSON_NULL, JSON_RAW };

struct json_value {
	enum json_kind kind;
	const char *raw;	/* the value's text in the line */
	size_t raw_len;
	char *str;		/* JSON_STRING: decoded (UTF-8, NUL-terminated), else NULL */
	double num;		/* JSON_NUMBER */
	int boolean;		/* JSON_BOOL */
};

/*
 * Call fn for each member of the object that is the whole of text[0..len). Returns 0, the
 * first non-zero fn return, -EINVAL when the text is not one complete object (a torn line),
 * or -ENOMEM. Strings passed to fn are freed after it returns.
 */
int json_object_each(const char *text, size_t len,
		     int (*fn)(void *ctx, const char *key, const struct json_value *v), void *ctx);

#endif /* SPLITFAIL_JSON_READ_H */
