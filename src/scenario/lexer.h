/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Tokens of a scenario file. */
#ifndef PMM_SCENARIO_LEXER_H
#define PMM_SCENARIO_LEXER_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario/scenario.h"

enum tok_kind {
	TOK_EOF, TOK_NEWLINE, TOK_IDENT, TOK_NUMBER, TOK_STRING, TOK_DOC,
	TOK_LBRACE, TOK_RBRACE, TOK_LPAREN, TOK_RPAREN, TOK_COLON, TOK_SEMI,
	TOK_ARROW, TOK_ASSIGN, TOK_EQ, TOK_NE, TOK_LT, TOK_LE, TOK_GT, TOK_GE,
	TOK_PLUS, TOK_COMMA, TOK_ERROR,
};

struct token {
	enum tok_kind kind;
	struct scn_pos pos;
	const char *start;	/* in the source */
	size_t len;
	unsigned long num;	/* TOK_NUMBER */
	char *str;		/* TOK_STRING, TOK_DOC: decoded, NUL-terminated */
	size_t str_len;
};

struct lexer {
	const char *src, *p, *end;
	int line;
	const char *line_start;
	struct scn_error *err;
	struct scenario *owner;	/* strings are allocated on its behalf */
};

void lexer_init(struct lexer *lx, const char *src, size_t len,
		struct scn_error *err, struct scenario *owner);
/* The next token; TOK_ERROR with lx->err filled in on a lexical error. */
struct token lexer_next(struct lexer *lx);
const char *tok_name(enum tok_kind k);

/* Records @msg at @pos with the source line it is on. */
void scn_error_at(struct scn_error *err, const char *src, size_t len,
		  struct scn_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Memory owned by the scenario, freed by scenario_free(). */
void *scn_alloc(struct scenario *s, size_t size);

#endif /* PMM_SCENARIO_LEXER_H */
