/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A small JSON reader for the files protmm writes and reads back (shard
 * results, checkpoints): a tree of values, each with the line and column
 * it starts at, so a malformed or unexpected file is reported as
 * file:line:col.
 */
#ifndef PMM_EXPLORE_JSON_H
#define PMM_EXPLORE_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum json_type {
	JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT,
};

struct json {
	enum json_type type;
	int line, col;
	bool boolean;
	/* JSON_STRING: the decoded text; JSON_NUMBER: the number as written. */
	char *str;
	/* Arrays and objects: the first element; members carry their key. */
	struct json *child, *next;
	char *key;
};

struct json_error {
	int line, col;
	char msg[128];
};

/* Parses all of @text; NULL with @err filled, or on -ENOMEM (err says so). */
struct json *json_parse(const char *text, struct json_error *err);
void json_free(struct json *j);

/* The member @key of object @obj, or NULL. */
const struct json *json_get(const struct json *obj, const char *key);

/*
 * Typed members: 0, or -EINVAL with @err set at the member (or at @obj
 * when it is missing) and saying what was wanted.
 */
int json_get_u64(const struct json *obj, const char *key, uint64_t *out,
		 struct json_error *err);
int json_get_double(const struct json *obj, const char *key, double *out,
		    struct json_error *err);
int json_get_bool(const struct json *obj, const char *key, bool *out,
		  struct json_error *err);
/* The string itself, owned by the tree. */
int json_get_str(const struct json *obj, const char *key, const char **out,
		 struct json_error *err);
/* An object or array member (@type), or -EINVAL. */
int json_get_kind(const struct json *obj, const char *key, enum json_type type,
		  const struct json **out, struct json_error *err);

/* Sets @err at @j: printf-style message. Returns -EINVAL. */
int json_fail(struct json_error *err, const struct json *j, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Writes @s as a JSON string literal. */
void json_write_str(FILE *f, const char *s);

/* Reads a whole file: a malloc'd, NUL-terminated buffer, or NULL (errno). */
char *json_read_file(const char *path);

#endif /* PMM_EXPLORE_JSON_H */
