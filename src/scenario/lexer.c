// SPDX-License-Identifier: LGPL-2.1-or-later
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/lexer.h"

void *scn_alloc(struct scenario *s, size_t size)
{
	void *p;

	if (s->nr_allocs == s->cap_allocs) {
		unsigned int cap = s->cap_allocs ? s->cap_allocs * 2 : 64;
		void **n = realloc(s->allocs, cap * sizeof(*n));

		if (!n)
			return NULL;
		s->allocs = n;
		s->cap_allocs = cap;
	}
	p = calloc(1, size ? size : 1);
	if (p)
		s->allocs[s->nr_allocs++] = p;
	return p;
}

void scn_error_at(struct scn_error *err, const char *src, size_t len,
		  struct scn_pos pos, const char *fmt, ...)
{
	const char *p = src, *end = src + len, *eol;
	int line = 1;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->pos = pos;
	while (p < end && line < pos.line) {
		if (*p++ == '\n')
			line++;
	}
	for (eol = p; eol < end && *eol != '\n'; eol++)
		;
	snprintf(err->line, sizeof(err->line), "%.*s", (int)(eol - p), p);
}

void lexer_init(struct lexer *lx, const char *src, size_t len,
		struct scn_error *err, struct scenario *owner)
{
	lx->src = lx->p = lx->line_start = src;
	lx->end = src + len;
	lx->line = 1;
	lx->err = err;
	lx->owner = owner;
}

static const char *const tok_names[] = {
	[TOK_EOF] = "end of file", [TOK_NEWLINE] = "end of line",
	[TOK_IDENT] = "a name", [TOK_NUMBER] = "a number",
	[TOK_STRING] = "a string", [TOK_DOC] = "a description",
	[TOK_LBRACE] = "'{'", [TOK_RBRACE] = "'}'", [TOK_LPAREN] = "'('",
	[TOK_RPAREN] = "')'", [TOK_COLON] = "':'", [TOK_SEMI] = "';'",
	[TOK_ARROW] = "'->'", [TOK_ASSIGN] = "'='", [TOK_EQ] = "'=='",
	[TOK_NE] = "'!='", [TOK_LT] = "'<'", [TOK_LE] = "'<='",
	[TOK_GT] = "'>'", [TOK_GE] = "'>='", [TOK_PLUS] = "'+'",
	[TOK_COMMA] = "','", [TOK_ERROR] = "an error",
};

const char *tok_name(enum tok_kind k)
{
	return tok_names[k];
}

static struct scn_pos here(const struct lexer *lx)
{
	return (struct scn_pos){ lx->line, (int)(lx->p - lx->line_start) + 1 };
}

static struct token error(struct lexer *lx, struct scn_pos pos, const char *msg)
{
	struct token t = { .kind = TOK_ERROR, .pos = pos };

	scn_error_at(lx->err, lx->src, (size_t)(lx->end - lx->src), pos, "%s", msg);
	return t;
}

static bool ident_char(int c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '.';
}

/* 4096, 0x1000, 4K, 2M, 1G: sizes and addresses, checked for overflow. */
static struct token number(struct lexer *lx, struct scn_pos pos)
{
	struct token t = { .kind = TOK_NUMBER, .pos = pos, .start = lx->p };
	unsigned long v = 0, base = 10, mult = 1;

	if (lx->p + 1 < lx->end && lx->p[0] == '0' && (lx->p[1] == 'x' || lx->p[1] == 'X')) {
		base = 16;
		lx->p += 2;
		if (lx->p >= lx->end || !isxdigit((unsigned char)*lx->p))
			return error(lx, pos, "hexadecimal number without digits");
	}
	for (; lx->p < lx->end && isxdigit((unsigned char)*lx->p); lx->p++) {
		int c = *lx->p, d = isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;

		if (base == 10 && !isdigit(c))
			break;
		if (v > (~0ul - (unsigned long)d) / base)
			return error(lx, pos, "number too large");
		v = v * base + (unsigned long)d;
	}
	if (lx->p < lx->end && strchr("KMG", *lx->p)) {
		mult = *lx->p == 'K' ? 1ul << 10 : *lx->p == 'M' ? 1ul << 20 : 1ul << 30;
		lx->p++;
	}
	if (lx->p < lx->end && (isalnum((unsigned char)*lx->p) || *lx->p == '_'))
		return error(lx, here(lx), "unexpected character after a number "
			     "(sizes take K, M or G)");
	if (v > ~0ul / mult)
		return error(lx, pos, "number too large");
	t.num = v * mult;
	t.len = (size_t)(lx->p - t.start);
	return t;
}

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/* "text" with \n \t \\ \" \0 \xHH; one line, at most SCN_MAX_STRING. */
static struct token string(struct lexer *lx, struct scn_pos pos)
{
	struct token t = { .kind = TOK_STRING, .pos = pos, .start = lx->p };
	char *buf = scn_alloc(lx->owner, SCN_MAX_STRING + 1);
	size_t n = 0;

	if (!buf)
		return error(lx, pos, "out of memory");
	lx->p++;
	for (;;) {
		int c;

		if (lx->p >= lx->end || *lx->p == '\n')
			return error(lx, pos, "string not closed on its line");
		c = (unsigned char)*lx->p++;
		if (c == '"')
			break;
		if (c == '\\') {
			struct scn_pos epos = { lx->line, (int)(lx->p - lx->line_start) };

			if (lx->p >= lx->end)
				return error(lx, epos, "string not closed on its line");
			c = *lx->p++;
			if (c == 'n') {
				c = '\n';
			} else if (c == 't') {
				c = '\t';
			} else if (c == '0') {
				c = 0;
			} else if (c == 'x') {
				if (lx->end - lx->p < 2 || !isxdigit((unsigned char)lx->p[0]) ||
				    !isxdigit((unsigned char)lx->p[1]))
					return error(lx, epos, "\\x needs two hex digits");
				c = hexval(lx->p[0]) * 16 + hexval(lx->p[1]);
				lx->p += 2;
			} else if (c != '\\' && c != '"') {
				return error(lx, epos, "unknown escape in string "
					     "(use \\n \\t \\0 \\xHH \\\\ \\\")");
			}
		}
		if (n == SCN_MAX_STRING)
			return error(lx, pos, "string longer than 4096 bytes");
		buf[n++] = (char)c;
	}
	t.str = buf;
	t.str_len = n;
	t.len = (size_t)(lx->p - t.start);
	return t;
}

/* """a description, over any number of lines""" */
static struct token doc(struct lexer *lx, struct scn_pos pos)
{
	struct token t = { .kind = TOK_DOC, .pos = pos, .start = lx->p };
	const char *s = lx->p + 3, *e;
	char *buf;

	for (e = s; e + 2 < lx->end && memcmp(e, "\"\"\"", 3); e++)
		;
	if (e + 2 >= lx->end)
		return error(lx, pos, "description not closed (\"\"\" ... \"\"\")");
	if ((size_t)(e - s) > SCN_MAX_STRING)
		return error(lx, pos, "description longer than 4096 bytes");
	buf = scn_alloc(lx->owner, (size_t)(e - s) + 1);
	if (!buf)
		return error(lx, pos, "out of memory");
	memcpy(buf, s, (size_t)(e - s));
	for (; lx->p < e; lx->p++) {
		if (*lx->p == '\n') {
			lx->line++;
			lx->line_start = lx->p + 1;
		}
	}
	lx->p = e + 3;
	t.str = buf;
	t.str_len = (size_t)(e - s);
	return t;
}

static struct token punct(struct lexer *lx, struct scn_pos pos)
{
	static const struct {
		const char *s;
		enum tok_kind k;
	} ops[] = {
		{ "->", TOK_ARROW }, { "==", TOK_EQ }, { "!=", TOK_NE },
		{ "<=", TOK_LE }, { ">=", TOK_GE }, { "{", TOK_LBRACE },
		{ "}", TOK_RBRACE }, { "(", TOK_LPAREN }, { ")", TOK_RPAREN },
		{ ":", TOK_COLON }, { ";", TOK_SEMI }, { "=", TOK_ASSIGN },
		{ "<", TOK_LT }, { ">", TOK_GT }, { "+", TOK_PLUS },
		{ ",", TOK_COMMA },
	};
	unsigned int i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t n = strlen(ops[i].s);

		if ((size_t)(lx->end - lx->p) >= n && !memcmp(lx->p, ops[i].s, n)) {
			struct token t = { .kind = ops[i].k, .pos = pos,
					   .start = lx->p, .len = n };

			lx->p += n;
			return t;
		}
	}
	if (isprint((unsigned char)*lx->p)) {
		char msg[64];

		snprintf(msg, sizeof(msg), "unexpected character '%c'", *lx->p);
		return error(lx, pos, msg);
	}
	return error(lx, pos, "unexpected byte (scenarios are plain text)");
}

struct token lexer_next(struct lexer *lx)
{
	struct scn_pos pos;

	for (;;) {
		while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' ||
					   *lx->p == '\r'))
			lx->p++;
		if (lx->p < lx->end && *lx->p == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
			continue;
		}
		break;
	}
	pos = here(lx);
	if (lx->p >= lx->end)
		return (struct token){ .kind = TOK_EOF, .pos = pos, .start = lx->p };
	if (*lx->p == '\n') {
		struct token t = { .kind = TOK_NEWLINE, .pos = pos, .start = lx->p, .len = 1 };

		lx->p++;
		lx->line++;
		lx->line_start = lx->p;
		return t;
	}
	if (isdigit((unsigned char)*lx->p))
		return number(lx, pos);
	if (isalpha((unsigned char)*lx->p) || *lx->p == '_') {
		struct token t = { .kind = TOK_IDENT, .pos = pos, .start = lx->p };

		while (lx->p < lx->end && ident_char((unsigned char)*lx->p))
			lx->p++;
		t.len = (size_t)(lx->p - t.start);
		if (t.len >= SCN_MAX_NAME)
			return error(lx, pos, "name longer than 47 characters");
		return t;
	}
	if (lx->end - lx->p >= 3 && !memcmp(lx->p, "\"\"\"", 3))
		return doc(lx, pos);
	if (*lx->p == '"')
		return string(lx, pos);
	return punct(lx, pos);
}
