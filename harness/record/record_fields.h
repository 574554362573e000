/* SPDX-License-Identifier: GPL-2.0 */
/*
 * record_fields.h - the members of record.jsonl's "run", "result" and "time_limit" lines, one
 * table each, shared by the writer, the reader, the deep copy and the free of
 * record.c/record_run.c so that a member is named in one place only.
 */
#ifndef SPLITFAIL_RECORD_FIELDS_H
#define SPLITFAIL_RECORD_FIELDS_H

#include <stdio.h>

#include "json_read.h"

enum field_kind {
	F_STR,		/* char *, "" when absent */
	F_RAW,		/* char *, JSON text kept as is, "{}" when absent */
	F_CHARS,	/* char[size] */
	F_INT, F_LL, F_ULL, F_DBL,
	F_BOOL,		/* int, true/false */
	F_VERDICT,	/* int enum verdict, by its name */
	F_KNOWN,	/* int known_fail: "fail" or "allow" */
};

struct field {
	const char *key;
	enum field_kind kind;
	size_t off, size;
};

extern const struct field run_fields[], result_fields[], limit_fields[];

/* Write each member of table from obj as `, "key": value` (JSON). */
void fields_write(FILE *f, const struct field *table, const void *obj);
/* Set the member key of obj from v when the table has it; unknown keys are ignored. 0/-errno */
int fields_set(const struct field *table, void *obj, const char *key, const struct json_value *v);
/* Strings of obj that are NULL become "" ("{}" for raw JSON). 0 or -ENOMEM. */
int fields_fill(const struct field *table, void *obj);
/* dst = a deep copy of src (the table's strings duplicated). 0 or -ENOMEM. */
int fields_copy(const struct field *table, void *dst, const void *src, size_t size);
void fields_free(const struct field *table, void *obj);

#endif /* SPLITFAIL_RECORD_FIELDS_H */
