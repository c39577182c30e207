// SPDX-License-Identifier: LGPL-2.1-or-later
/* A recursive-descent JSON reader that remembers where each value is. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "explore/json.h"

#define MAX_DEPTH 64

struct reader {
	const char *p;
	int line, col;
	struct json_error *err;
};

static void advance(struct reader *r)
{
	if (*r->p == '\n') {
		r->line++;
		r->col = 1;
	} else {
		r->col++;
	}
	r->p++;
}

static void skip_ws(struct reader *r)
{
	while (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')
		advance(r);
}

static struct json *fail(struct reader *r, const char *msg)
{
	if (!r->err->msg[0]) {
		r->err->line = r->line;
		r->err->col = r->col;
		snprintf(r->err->msg, sizeof(r->err->msg), "%s", msg);
	}
	return NULL;
}

static struct json *node(struct reader *r, enum json_type type)
{
	struct json *j = calloc(1, sizeof(*j));

	if (!j)
		return fail(r, "out of memory");
	j->type = type;
	j->line = r->line;
	j->col = r->col;
	return j;
}

static int hex4(const char *p, unsigned int *out)
{
	unsigned int v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned int)(c - 'A' + 10);
		else
			return -EINVAL;
	}
	*out = v;
	return 0;
}

/* UTF-8 for one code point below 0x10000 (no surrogate pairs needed). */
static size_t put_utf8(char *o, unsigned int c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	o[0] = (char)(0xe0 | c >> 12);
	o[1] = (char)(0x80 | (c >> 6 & 0x3f));
	o[2] = (char)(0x80 | (c & 0x3f));
	return 3;
}

static char *string(struct reader *r)
{
	size_t cap = 16, n = 0;
	char *s = malloc(cap);

	if (!s)
		return (char *)fail(r, "out of memory");
	advance(r);	/* the opening quote */
	while (*r->p != '"') {
		char buf[4];
		size_t k = 1;
		unsigned int c;

		if (!*r->p || (unsigned char)*r->p < 0x20) {
			free(s);
			return (char *)fail(r, *r->p ? "control character in a string" :
					    "unterminated string");
		}
		buf[0] = *r->p;
		if (*r->p == '\\') {
			advance(r);
			switch (*r->p) {
			case '"': case '\\': case '/': buf[0] = *r->p; break;
			case 'b': buf[0] = '\b'; break;
			case 'f': buf[0] = '\f'; break;
			case 'n': buf[0] = '\n'; break;
			case 'r': buf[0] = '\r'; break;
			case 't': buf[0] = '\t'; break;
			case 'u':
				if (hex4(r->p + 1, &c) || !c) {
					free(s);
					return (char *)fail(r, "bad \\u escape");
				}
				k = put_utf8(buf, c);
				advance(r); advance(r); advance(r); advance(r);
				break;
			default:
				free(s);
				return (char *)fail(r, "bad escape in a string");
			}
		}
		advance(r);
		if (n + k + 1 > cap) {
			char *t = realloc(s, cap *= 2);

			if (!t) {
				free(s);
				return (char *)fail(r, "out of memory");
			}
			s = t;
		}
		memcpy(s + n, buf, k);
		n += k;
	}
	advance(r);
	s[n] = '\0';
	return s;
}

static struct json *value(struct reader *r, int depth);

static struct json *container(struct reader *r, int depth, bool object)
{
	struct json *j = node(r, object ? JSON_OBJECT : JSON_ARRAY), **tail;
	char close = object ? '}' : ']';

	if (!j)
		return NULL;
	tail = &j->child;
	advance(r);
	skip_ws(r);
	if (*r->p == close) {
		advance(r);
		return j;
	}
	for (;;) {
		char *key = NULL;
		struct json *v;

		skip_ws(r);
		if (object) {
			if (*r->p != '"') {
				json_free(j);
				return fail(r, "expected a member name in quotes");
			}
			key = string(r);
			if (!key) {
				json_free(j);
				return NULL;
			}
			skip_ws(r);
			if (*r->p != ':') {
				free(key);
				json_free(j);
				return fail(r, "expected ':' after the member name");
			}
			advance(r);
		}
		v = value(r, depth + 1);
		if (!v) {
			free(key);
			json_free(j);
			return NULL;
		}
		v->key = key;
		*tail = v;
		tail = &v->next;
		skip_ws(r);
		if (*r->p == ',') {
			advance(r);
			continue;
		}
		if (*r->p == close) {
			advance(r);
			return j;
		}
		json_free(j);
		return fail(r, object ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static struct json *number(struct reader *r)
{
	struct json *j = node(r, JSON_NUMBER);
	const char *start = r->p;
	char *end;

	if (!j)
		return NULL;
	errno = 0;
	strtod(start, &end);
	if (end == start || errno == ERANGE) {
		json_free(j);
		return fail(r, "bad number");
	}
	j->str = strndup(start, (size_t)(end - start));
	if (!j->str) {
		json_free(j);
		return fail(r, "out of memory");
	}
	while (r->p < end)
		advance(r);
	return j;
}

static struct json *word(struct reader *r, const char *w, enum json_type type,
			 bool b)
{
	struct json *j;
	size_t n = strlen(w);

	if (strncmp(r->p, w, n))
		return fail(r, "expected a value");
	j = node(r, type);
	if (!j)
		return NULL;
	j->boolean = b;
	while (n--)
		advance(r);
	return j;
}

static struct json *value(struct reader *r, int depth)
{
	struct json *j;

	skip_ws(r);
	if (depth > MAX_DEPTH)
		return fail(r, "nested too deeply");
	switch (*r->p) {
	case '{':
		return container(r, depth, true);
	case '[':
		return container(r, depth, false);
	case '"':
		j = node(r, JSON_STRING);
		if (!j)
			return NULL;
		j->str = string(r);
		if (!j->str) {
			json_free(j);
			return NULL;
		}
		return j;
	case 't':
		return word(r, "true", JSON_BOOL, true);
	case 'f':
		return word(r, "false", JSON_BOOL, false);
	case 'n':
		return word(r, "null", JSON_NULL, false);
	case '\0':
		return fail(r, "unexpected end of file");
	}
	if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9'))
		return number(r);
	return fail(r, "expected a value");
}

struct json *json_parse(const char *text, struct json_error *err)
{
	struct reader r = { text, 1, 1, err };
	struct json *j;

	memset(err, 0, sizeof(*err));
	j = value(&r, 0);
	if (!j)
		return NULL;
	skip_ws(&r);
	if (*r.p) {
		json_free(j);
		return fail(&r, "unexpected text after the value");
	}
	return j;
}

void json_free(struct json *j)
{
	while (j) {
		struct json *next = j->next;

		json_free(j->child);
		free(j->str);
		free(j->key);
		free(j);
		j = next;
	}
}

const struct json *json_get(const struct json *obj, const char *key)
{
	const struct json *m;

	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (m = obj->child; m; m = m->next)
		if (!strcmp(m->key, key))
			return m;
	return NULL;
}

int json_fail(struct json_error *err, const struct json *j, const char *fmt, ...)
{
	va_list ap;

	err->line = j ? j->line : 1;
	err->col = j ? j->col : 1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const struct json *member(const struct json *obj, const char *key,
				 enum json_type type, const char *what,
				 struct json_error *err)
{
	const struct json *m = json_get(obj, key);

	if (!m) {
		json_fail(err, obj, "missing \"%s\" (%s)", key, what);
		return NULL;
	}
	if (m->type != type) {
		json_fail(err, m, "\"%s\" must be %s", key, what);
		return NULL;
	}
	return m;
}

int json_get_u64(const struct json *obj, const char *key, uint64_t *out,
		 struct json_error *err)
{
	const struct json *m = member(obj, key, JSON_NUMBER,
				      "a whole number", err);
	char *end;

	if (!m)
		return -EINVAL;
	errno = 0;
	*out = strtoull(m->str, &end, 10);
	if (m->str[0] == '-' || *end || errno)
		return json_fail(err, m, "\"%s\" must be a whole number", key);
	return 0;
}

int json_get_double(const struct json *obj, const char *key, double *out,
		    struct json_error *err)
{
	const struct json *m = member(obj, key, JSON_NUMBER, "a number", err);

	if (!m)
		return -EINVAL;
	*out = strtod(m->str, NULL);
	return 0;
}

int json_get_bool(const struct json *obj, const char *key, bool *out,
		  struct json_error *err)
{
	const struct json *m = member(obj, key, JSON_BOOL, "true or false", err);

	if (!m)
		return -EINVAL;
	*out = m->boolean;
	return 0;
}

int json_get_str(const struct json *obj, const char *key, const char **out,
		 struct json_error *err)
{
	const struct json *m = member(obj, key, JSON_STRING, "a string", err);

	if (!m)
		return -EINVAL;
	*out = m->str;
	return 0;
}

int json_get_kind(const struct json *obj, const char *key, enum json_type type,
		  const struct json **out, struct json_error *err)
{
	*out = member(obj, key, type, type == JSON_ARRAY ? "an array" :
		      "an object", err);
	return *out ? 0 : -EINVAL;
}

void json_write_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

char *json_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			char *t = realloc(buf, cap = cap ? cap * 2 : 8192);

			if (!t) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = t;
		}
		n = fread(buf + len, 1, 4096, f);
		len += n;
		if (n < 4096)
			break;
	}
	if (ferror(f)) {
		int e = errno;

		free(buf);
		fclose(f);
		errno = e ? e : EIO;
		return NULL;
	}
	fclose(f);
	buf[len] = '\0';
	if (memchr(buf, '\0', len)) {
		free(buf);
		errno = EILSEQ;
		return NULL;
	}
	return buf;
}
