// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Shared by the tests that read protmm's JSON: a small checker that a
 * text is well-formed JSON. Header-only: each test program includes it
 * once.
 */
#ifndef PMM_TESTS_COMMON_JSON_CHECK_H
#define PMM_TESTS_COMMON_JSON_CHECK_H

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

/* A small JSON checker: true if [*p, end) starts with one JSON value. */
static inline bool json_value(const char **p, int depth);

static inline void json_ws(const char **p)
{
	while (**p == ' ' || **p == '\n' || **p == '\t' || **p == '\r')
		(*p)++;
}

static inline bool json_string(const char **p)
{
	if (**p != '"')
		return false;
	for ((*p)++; **p != '"'; (*p)++) {
		if ((unsigned char)**p < 0x20)
			return false;
		if (**p == '\\') {
			(*p)++;
			if (**p == 'u') {
				int i;

				for (i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)(*p)[i]))
						return false;
				*p += 4;
			} else if (!**p || !strchr("\"\\/bfnrt", **p)) {
				return false;
			}
		}
	}
	(*p)++;
	return true;
}

static inline bool json_number(const char **p)
{
	const char *s = *p;

	if (**p == '-')
		(*p)++;
	if (!isdigit((unsigned char)**p))
		return false;
	while (isdigit((unsigned char)**p))
		(*p)++;
	if (**p == '.') {
		(*p)++;
		if (!isdigit((unsigned char)**p))
			return false;
		while (isdigit((unsigned char)**p))
			(*p)++;
	}
	if (**p == 'e' || **p == 'E') {
		(*p)++;
		if (**p == '+' || **p == '-')
			(*p)++;
		if (!isdigit((unsigned char)**p))
			return false;
		while (isdigit((unsigned char)**p))
			(*p)++;
	}
	return *p > s;
}

static inline bool json_container(const char **p, int depth, char close, bool object)
{
	(*p)++;
	json_ws(p);
	if (**p == close) {
		(*p)++;
		return true;
	}
	for (;;) {
		json_ws(p);
		if (object) {
			if (!json_string(p))
				return false;
			json_ws(p);
			if (**p != ':')
				return false;
			(*p)++;
		}
		if (!json_value(p, depth + 1))
			return false;
		json_ws(p);
		if (**p == close) {
			(*p)++;
			return true;
		}
		if (**p != ',')
			return false;
		(*p)++;
	}
}

static inline bool json_value(const char **p, int depth)
{
	static const char *const words[] = { "true", "false", "null" };
	unsigned int i;

	if (depth > 64)
		return false;
	json_ws(p);
	switch (**p) {
	case '{':
		return json_container(p, depth, '}', true);
	case '[':
		return json_container(p, depth, ']', false);
	case '"':
		return json_string(p);
	default:
		break;
	}
	for (i = 0; i < 3; i++) {
		if (!strncmp(*p, words[i], strlen(words[i]))) {
			*p += strlen(words[i]);
			return true;
		}
	}
	return json_number(p);
}

/* @s is one JSON value and nothing else (but white space). */
static inline bool json_document(const char *s)
{
	const char *p = s;

	if (!json_value(&p, 0))
		return false;
	json_ws(&p);
	return !*p;
}

#endif
