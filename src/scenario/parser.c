// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The scenario parser: recursive descent over the tokens, checking as it
 * goes (names declared before use, sizes aligned and within limits), so
 * a file that parses is one that can run. The first error stops it.
 *
 * The core grammar lives here: declarations, blocks, threads, options,
 * conditions, expectations. A statement's verb is looked up in the
 * registered domains (domains.c), whose parse() reads the rest of it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "protmm/knob.h"
#include "protmm/machine.h"
#include "protmm/hugetlb.h"
#include "scenario/domain.h"

#define PAGE SCN_PAGE
#define ADDR_BASE 0x10000000ul
#define ADDR_STRIDE (64ul << 20)

#define MAX_COND_DEPTH 64

void scn_fail(struct scn_parser *p, struct scn_pos pos, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (p->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	scn_error_at(p->err, p->src, p->len, pos, "%s", msg);
	p->failed = true;
}

void scn_advance(struct scn_parser *p)
{
	if (p->failed)
		return;
	p->tok = lexer_next(&p->lx);
	if (p->tok.kind == TOK_ERROR)
		p->failed = true;
}

bool scn_is_word(const struct scn_parser *p, const char *w)
{
	return p->tok.kind == TOK_IDENT && p->tok.len == strlen(w) &&
	       !memcmp(p->tok.start, w, p->tok.len);
}

bool scn_accept_word(struct scn_parser *p, const char *w)
{
	if (!scn_is_word(p, w))
		return false;
	scn_advance(p);
	return true;
}

static bool at_end_of_stmt(const struct scn_parser *p)
{
	return p->tok.kind == TOK_NEWLINE || p->tok.kind == TOK_SEMI ||
	       p->tok.kind == TOK_RBRACE || p->tok.kind == TOK_EOF;
}

static void describe(const struct scn_parser *p, char *buf, size_t len)
{
	if (p->tok.kind == TOK_IDENT || p->tok.kind == TOK_NUMBER)
		snprintf(buf, len, "'%.*s'", (int)p->tok.len, p->tok.start);
	else
		snprintf(buf, len, "%s", tok_name(p->tok.kind));
}

bool scn_expect_tok(struct scn_parser *p, enum tok_kind k, const char *ctx)
{
	char got[64];

	if (p->failed)
		return false;
	if (p->tok.kind == k) {
		scn_advance(p);
		return true;
	}
	describe(p, got, sizeof(got));
	scn_fail(p, p->tok.pos, "expected %s %s, found %s", tok_name(k), ctx, got);
	return false;
}

/* A name, copied into @out. */
bool scn_name(struct scn_parser *p, char *out, const char *what)
{
	char got[64];

	if (p->failed)
		return false;
	if (p->tok.kind != TOK_IDENT) {
		describe(p, got, sizeof(got));
		scn_fail(p, p->tok.pos, "expected %s, found %s", what, got);
		return false;
	}
	memcpy(out, p->tok.start, p->tok.len);
	out[p->tok.len] = '\0';
	scn_advance(p);
	return true;
}

bool scn_size_clause(struct scn_parser *p, struct scn_stmt *st,
		     const char *decl, const char *what, const char *noun,
		     unsigned long max, const char *max_text)
{
	if (!scn_accept_word(p, "size")) {
		scn_fail(p, p->tok.pos, "%s needs 'size SIZE'", decl);
		return false;
	}
	if (!scn_number(p, &st->a.size, what))
		return false;
	return !max || scn_size_bound(p, st, noun, max, max_text);
}

bool scn_size_bound(struct scn_parser *p, const struct scn_stmt *st,
		    const char *noun, unsigned long max, const char *max_text)
{
	if (!st->a.size || st->a.size > max)
		scn_fail(p, st->pos, "%s size must be between 1 and %s", noun,
			 max_text);
	return !p->failed;
}

bool scn_number(struct scn_parser *p, unsigned long *out, const char *what)
{
	char got[64];

	if (p->failed)
		return false;
	if (p->tok.kind != TOK_NUMBER) {
		describe(p, got, sizeof(got));
		scn_fail(p, p->tok.pos, "expected %s (a number), found %s", what, got);
		return false;
	}
	*out = p->tok.num;
	scn_advance(p);
	return true;
}

bool scn_string(struct scn_parser *p, char **str, size_t *len, const char *what)
{
	char got[64];

	if (p->failed)
		return false;
	if (p->tok.kind != TOK_STRING) {
		describe(p, got, sizeof(got));
		scn_fail(p, p->tok.pos, "expected %s (a \"string\"), found %s", what, got);
		return false;
	}
	*str = p->tok.str;
	*len = p->tok.str_len;
	scn_advance(p);
	return true;
}

const char *const scn_kind_names[SYM_KINDS] = {
	[SYM_PROC] = "process", [SYM_FILE] = "file", [SYM_PIPE] = "pipe",
	[SYM_PIN] = "pin", [SYM_ADDR] = "address", [SYM_REG] = "register",
	[SYM_VM] = "vm", [SYM_HFILE] = "hugetlbfs file", [SYM_BO] = "buffer object",
};

static const char *const kind_plurals[SYM_KINDS] = {
	[SYM_PROC] = "processes", [SYM_FILE] = "files", [SYM_PIPE] = "pipes",
	[SYM_PIN] = "pins", [SYM_ADDR] = "addresses", [SYM_REG] = "registers",
	[SYM_VM] = "vms", [SYM_HFILE] = "hugetlbfs files", [SYM_BO] = "buffer objects",
};

/* A VM is a whole guest: fewer of them. */
static const unsigned int kind_max[SYM_KINDS] = {
	[SYM_PROC] = SCN_MAX_SYMBOLS, [SYM_FILE] = SCN_MAX_SYMBOLS,
	[SYM_PIPE] = SCN_MAX_SYMBOLS, [SYM_PIN] = SCN_MAX_SYMBOLS,
	[SYM_ADDR] = SCN_MAX_SYMBOLS, [SYM_REG] = SCN_MAX_SYMBOLS,
	[SYM_VM] = SCN_MAX_VMS, [SYM_HFILE] = SCN_MAX_SYMBOLS,
	[SYM_BO] = SCN_MAX_BOS,
};

int scn_lookup(const struct scenario *s, enum scn_sym_kind k, const char *n)
{
	unsigned int i;

	for (i = 0; i < s->sym[k].nr; i++)
		if (!strcmp(s->sym[k].names[i], n))
			return (int)i;
	return -1;
}

int scn_define(struct scn_parser *p, enum scn_sym_kind k, const char *n,
		  struct scn_pos pos)
{
	struct scn_symtab *t = &p->s->sym[k];
	unsigned int other;
	int i;

	/* One namespace: 'splice x to x' must mean one thing. */
	for (other = 0; other < SYM_KINDS; other++) {
		i = scn_lookup(p->s, (enum scn_sym_kind)other, n);
		if (i >= 0) {
			scn_fail(p, pos, "%s '%s' is already defined at line %d",
			     scn_kind_names[other], n, p->s->sym[other].pos[i].line);
			return -1;
		}
	}
	if (t->nr == kind_max[k]) {
		scn_fail(p, pos, "more than %u %s", kind_max[k], kind_plurals[k]);
		return -1;
	}
	snprintf(t->names[t->nr], SCN_MAX_NAME, "%s", n);
	t->pos[t->nr] = pos;
	return (int)t->nr++;
}

/* A name that must already be defined as a @k. */
int scn_use(struct scn_parser *p, enum scn_sym_kind k)
{
	struct scn_pos pos = p->tok.pos;
	char n[SCN_MAX_NAME];
	int i;

	if (!scn_name(p, n, scn_kind_names[k]))
		return -1;
	i = scn_lookup(p->s, k, n);
	if (i < 0)
		scn_fail(p, pos, "no %s named '%s'", scn_kind_names[k], n);
	return i;
}

/* ADDR := NUMBER | NAME ['+' NUMBER]; page alignment checked by the caller. */
bool scn_address(struct scn_parser *p, struct scn_addr *a)
{
	char n[SCN_MAX_NAME];

	a->pos = p->tok.pos;
	a->sym = -1;
	a->off = 0;
	if (p->tok.kind == TOK_NUMBER)
		return scn_number(p, &a->off, "an address");
	if (!scn_name(p, n, "an address"))
		return false;
	a->sym = scn_lookup(p->s, SYM_ADDR, n);
	if (a->sym < 0) {
		scn_fail(p, a->pos, "no address named '%s' (name it in a map first)", n);
		return false;
	}
	if (p->tok.kind == TOK_PLUS) {
		scn_advance(p);
		return scn_number(p, &a->off, "an offset");
	}
	return true;
}

static unsigned long addr_value(const struct scn_addr *a)
{
	return a->sym < 0 ? a->off : ADDR_BASE + (unsigned long)a->sym * ADDR_STRIDE + a->off;
}

static bool mte_machine(const struct scn_parser *p)
{
	return !strcmp(p->s->machine, SCN_MTE_MACHINE);
}

/* Tags and guests exist on one machine: said where they are first used. */
bool scn_needs_mte_machine(struct scn_parser *p, struct scn_pos pos, const char *what)
{
	if (!mte_machine(p))
		scn_fail(p, pos, "%s needs machine %s", what, SCN_MTE_MACHINE);
	return !p->failed;
}

/* ',mte' after the rwx letters: PROT_MTE. */
static bool prot_flags(struct scn_parser *p, unsigned int *out)
{
	char w[SCN_MAX_NAME];
	struct scn_pos pos;

	while (!p->failed && p->tok.kind == TOK_COMMA) {
		scn_advance(p);
		pos = p->tok.pos;
		if (!scn_name(p, w, "a protection flag (mte)"))
			return false;
		if (strcmp(w, "mte")) {
			scn_fail(p, pos, "unknown protection flag '%s' (after ',': mte)", w);
			return false;
		}
		if (*out & PMM_PROT_MTE) {
			scn_fail(p, pos, "'mte' given twice");
			return false;
		}
		if (!scn_needs_mte_machine(p, pos, "prot mte"))
			return false;
		*out |= PMM_PROT_MTE;
	}
	return !p->failed;
}

/* rw, r, rx, rwx, w, x, none; then ',mte' */
static bool prot(struct scn_parser *p, unsigned int *out)
{
	char w[SCN_MAX_NAME];
	struct scn_pos pos = p->tok.pos;
	unsigned int i;

	if (!scn_name(p, w, "a protection (none, r, rw, rx, rwx)"))
		return false;
	*out = 0;
	if (!strcmp(w, "none"))
		return prot_flags(p, out);
	for (i = 0; w[i]; i++) {
		unsigned int bit = w[i] == 'r' ? PMM_PROT_READ : w[i] == 'w' ?
				   PMM_PROT_WRITE : w[i] == 'x' ? PMM_PROT_EXEC : 0;

		if (!bit || (*out & bit)) {
			scn_fail(p, pos, "bad protection '%s' (none, or r, w, x at most once each)", w);
			return false;
		}
		*out |= bit;
	}
	return prot_flags(p, out);
}

/* A memory tag: 0 to 15. */
bool scn_tag_value(struct scn_parser *p, unsigned int *out, const char *what)
{
	struct scn_pos pos = p->tok.pos;
	unsigned long v;

	if (!scn_number(p, &v, what))
		return false;
	if (v > 0xf)
		scn_fail(p, pos, "tag %#lx is not 0 to 0xf (a tag has 4 bits)", v);
	*out = (unsigned int)v;
	return !p->failed;
}

/* The options: the n-th is bit 1 << n (O_* in domain.h) of scn_args.flags. */
static const char *const opt_names[] = {
	"anon", "file", "off", "len", "prot", "private", "shared", "pages",
	"write", "longterm", "fast", "get", "as", "from", "to", "expect", "size",
	"read", "tag", "gpa", "at", "set", "hugetlb", "force", "hugetlbfs",
};

#define NR_OPTS (sizeof(opt_names) / sizeof(opt_names[0]))

static int opt_index(const struct scn_parser *p)
{
	unsigned int i;

	for (i = 0; i < NR_OPTS; i++)
		if (scn_is_word(p, opt_names[i]))
			return (int)i;
	return -1;
}

/* "to" and "from" take an address, a file or a pipe: whichever is named. */
static bool endpoint(struct scn_parser *p, struct scn_stmt *st)
{
	char n[SCN_MAX_NAME];
	struct scn_pos pos = p->tok.pos;

	if (p->tok.kind == TOK_NUMBER)
		return scn_address(p, &st->a.addr);
	if (!scn_name(p, n, "an address, file or pipe"))
		return false;
	/* Only what @n names is set: a file named before stays. */
	if (scn_lookup(p->s, SYM_PIPE, n) >= 0) {
		st->a.pipe = scn_lookup(p->s, SYM_PIPE, n);
		return true;
	}
	if (scn_lookup(p->s, SYM_FILE, n) >= 0) {
		st->a.file = scn_lookup(p->s, SYM_FILE, n);
		return true;
	}
	st->a.addr.pos = pos;
	st->a.addr.off = 0;
	st->a.addr.sym = scn_lookup(p->s, SYM_ADDR, n);
	if (st->a.addr.sym < 0) {
		scn_fail(p, pos, "no address, file or pipe named '%s'", n);
		return false;
	}
	if (p->tok.kind == TOK_PLUS) {
		scn_advance(p);
		return scn_number(p, &st->a.addr.off, "an offset");
	}
	return true;
}

bool scn_option(struct scn_parser *p, struct scn_stmt *st, unsigned int *seen,
		       unsigned int allowed, const char *verb)
{
	struct scn_pos pos = p->tok.pos;
	int o = opt_index(p);
	char reg[SCN_MAX_NAME], got[64];

	if (o < 0 || !(allowed & (1u << o))) {
		describe(p, got, sizeof(got));
		scn_fail(p, pos, "unexpected %s in '%s'", got, verb);
		return false;
	}
	if (*seen & (1u << o)) {
		scn_fail(p, pos, "'%s' given twice", opt_names[o]);
		return false;
	}
	*seen |= 1u << o;
	scn_advance(p);
	switch (1u << o) {
	case O_FILE:
		return (st->a.file = scn_use(p, SYM_FILE)) >= 0;
	case O_OFF:
		st->a.off_pos = p->tok.pos;
		return scn_number(p, &st->a.off, "an offset");
	case O_LEN:
		st->a.len_pos = p->tok.pos;
		return scn_number(p, &st->a.len, "a length");
	case O_SIZE:
		return scn_number(p, &st->a.size, "a size");
	case O_PAGES:
		st->a.len_pos = p->tok.pos;
		return scn_number(p, &st->a.len, "a page count");
	case O_PROT:
		return prot(p, &st->a.prot);
	case O_AS:
		pos = p->tok.pos;
		if (!scn_name(p, reg, "a name to keep the result in"))
			return false;
		st->reg = scn_define(p, (st->verb->flags & SCN_VERB_AS_PIN) ? SYM_PIN : SYM_REG, reg, pos);
		return st->reg >= 0;
	case O_FROM:
	case O_TO:
		return endpoint(p, st);
	case O_EXPECT:
		if (st->verb->flags & SCN_VERB_EXPECT_TAG)
			return scn_tag_value(p, &st->a.expect_tag, "the tag every granule must have");
		return scn_string(p, &st->a.str, &st->a.str_len, "the expected bytes");
	case O_TAG:
		return scn_needs_mte_machine(p, pos, "a tagged pointer") &&
		       scn_tag_value(p, &st->a.tag, "the pointer's tag");
	case O_SET:
		return scn_tag_value(p, &st->a.tag, "the tag to set");
	case O_GPA:
		st->a.off_pos = p->tok.pos;
		return scn_number(p, &st->a.gpa, "a guest physical address");
	case O_AT:
		return scn_address(p, &st->a.addr);
	case O_HUGETLBFS:
		if ((st->a.file = scn_use(p, SYM_HFILE)) < 0)
			return false;
		st->a.huge = p->s->hfile_page[st->a.file];
		return true;
	case O_HUGETLB:
		pos = p->tok.pos;
		if (!scn_number(p, &st->a.huge, "a huge page size (2M or 1G)"))
			return false;
		if (st->a.huge != PMM_HUGE_2M && st->a.huge != PMM_HUGE_1G)
			scn_fail(p, pos, "a huge page is 2M or 1G, not %#lx", st->a.huge);
		return !p->failed;
	}
	return true;
}

bool scn_options(struct scn_parser *p, struct scn_stmt *st, unsigned int allowed,
		    unsigned int required, const char *verb)
{
	unsigned int seen = st->a.flags, i;

	while (!p->failed && !at_end_of_stmt(p))
		if (!scn_option(p, st, &seen, allowed, verb))
			return false;
	for (i = 0; i < NR_OPTS && !p->failed; i++)
		if ((required & (1u << i)) && !(seen & (1u << i)))
			scn_fail(p, st->pos, "'%s' needs '%s'", verb, opt_names[i]);
	st->a.flags = seen;
	return !p->failed;
}

bool scn_page_aligned(struct scn_parser *p, unsigned long v, struct scn_pos pos,
			 const char *what)
{
	if (v % SCN_PAGE)
		scn_fail(p, pos, "%s %#lx is not a multiple of 4K", what, v);
	return !p->failed;
}

const struct scn_verb *scn_verb_find(const char *name)
{
	const struct scn_domain *const *d;
	unsigned int i;

	for (d = scn_domains; *d; d++)
		for (i = 0; i < (*d)->nr_verbs; i++)
			if (!strcmp(name, (*d)->verbs[i].name))
				return &(*d)->verbs[i];
	return NULL;
}

void *scn_stmt_data(struct scn_parser *p, struct scn_stmt *st, size_t size)
{
	st->data = scn_alloc(p->s, size);
	if (!st->data)
		scn_fail(p, st->pos, "out of memory");
	else
		memset(st->data, 0, size);
	return st->data;
}

/* What declares an object in 'init' needs no 'on P:' there. */
static bool declares(const struct scn_parser *p)
{
	char w[SCN_MAX_NAME];
	const struct scn_verb *v;

	if (p->tok.kind != TOK_IDENT || p->tok.len >= sizeof(w))
		return false;
	memcpy(w, p->tok.start, p->tok.len);
	w[p->tok.len] = '\0';
	v = scn_verb_find(w);
	return v && (v->flags & SCN_VERB_DECL);
}

static bool statement(struct scn_parser *p, struct scn_stmt *st)
{
	char verb[SCN_MAX_NAME];

	memset(st, 0, sizeof(*st));
	st->pos = p->tok.pos;
	st->proc = -1;
	st->reg = -1;
	st->a.file = st->a.pipe = -1;
	st->a.addr.sym = -1;
	if (scn_accept_word(p, "on")) {
		if ((st->proc = scn_use(p, SYM_PROC)) < 0 ||
		    !scn_expect_tok(p, TOK_COLON, "after 'on PROCESS'"))
			return false;
	} else if (p->in_init && !declares(p)) {
		scn_fail(p, p->tok.pos, "in 'init', say which process acts: 'on P: ...'");
		return false;
	}
	st->pos = p->tok.pos;
	if (!scn_name(p, verb, "an operation"))
		return false;
	st->verb = scn_verb_find(verb);
	if (!st->verb) {
		if (!strcmp(verb, "swapout"))
			scn_fail(p, st->pos, "unknown operation 'swapout' (swap a page out "
			     "with 'reclaim ADDR')");
		else
			scn_fail(p, st->pos, "unknown operation '%s'", verb);
		return false;
	}
	snprintf(st->label, sizeof(st->label), "%d %.16s", st->pos.line, verb);
	return st->verb->parse(p, st);
}

/* '{' statements '}', separated by newlines or ';'. */
static bool block(struct scn_parser *p, struct scn_block *b)
{
	struct scn_pos open = p->tok.pos;

	if (!scn_expect_tok(p, TOK_LBRACE, "to open the block"))
		return false;
	b->stmts = scn_alloc(p->s, SCN_MAX_STMTS * sizeof(*b->stmts));
	if (!b->stmts) {
		scn_fail(p, p->tok.pos, "out of memory");
		return false;
	}
	for (;;) {
		while (p->tok.kind == TOK_NEWLINE || p->tok.kind == TOK_SEMI)
			scn_advance(p);
		if (p->failed)
			return false;
		if (p->tok.kind == TOK_RBRACE) {
			scn_advance(p);
			return true;
		}
		if (p->tok.kind == TOK_EOF) {
			scn_fail(p, open, "block not closed: expected '}'");
			return false;
		}
		if (b->nr == SCN_MAX_STMTS) {
			scn_fail(p, p->tok.pos, "more than %d statements in a block", SCN_MAX_STMTS);
			return false;
		}
		if (!statement(p, &b->stmts[b->nr++]))
			return false;
		if (!at_end_of_stmt(p)) {
			char got[64];

			describe(p, got, sizeof(got));
			scn_fail(p, p->tok.pos, "expected the end of the statement, found %s", got);
			return false;
		}
	}
}

static bool thread_decl(struct scn_parser *p, struct scn_pos pos)
{
	struct scn_thread *t;
	unsigned long cpu;
	unsigned int i;

	if (p->s->nr_threads == SCN_MAX_THREADS) {
		scn_fail(p, pos, "more than %d threads", SCN_MAX_THREADS);
		return false;
	}
	t = &p->s->threads[p->s->nr_threads];
	t->pos = pos;
	pos = p->tok.pos;
	if (!scn_name(p, t->name, "a thread name"))
		return false;
	for (i = 0; i < p->s->nr_threads; i++)
		if (!strcmp(p->s->threads[i].name, t->name))
			scn_fail(p, pos, "thread '%s' is already defined", t->name);
	if (p->failed || !scn_accept_word(p, "on")) {
		scn_fail(p, p->tok.pos, "expected 'on PROCESS' after the thread's name");
		return false;
	}
	if ((t->proc = scn_use(p, SYM_PROC)) < 0)
		return false;
	if (!scn_accept_word(p, "cpu")) {
		scn_fail(p, p->tok.pos, "expected 'cpu N' after the thread's process");
		return false;
	}
	pos = p->tok.pos;
	if (!scn_number(p, &cpu, "a CPU number"))
		return false;
	if (cpu >= p->s->cpus) {
		scn_fail(p, pos, "cpu %lu does not exist (the machine has %u; see 'cpus')",
		     cpu, p->s->cpus);
		return false;
	}
	t->cpu = (int)cpu;
	p->in_init = false;
	p->thread_proc = t->proc;
	if (!block(p, &t->body))
		return false;
	p->s->nr_threads++;
	return true;
}

/* Conditions: or < and < not < atom. */
static struct scn_cond *cond_or(struct scn_parser *p);
static struct scn_cond *atom_body(struct scn_parser *p);

static struct scn_cond *new_cond(struct scn_parser *p, enum scn_cond_kind k)
{
	struct scn_cond *c = scn_alloc(p->s, sizeof(*c));

	if (!c)
		scn_fail(p, p->tok.pos, "out of memory");
	else {
		c->kind = k;
		c->pos = p->tok.pos;
	}
	return c;
}

static bool cmp(struct scn_parser *p, enum scn_cmp *out, bool eq_only)
{
	static const enum tok_kind toks[] = { TOK_EQ, TOK_NE, TOK_LT, TOK_LE, TOK_GT, TOK_GE };
	unsigned int i;

	for (i = 0; i < (eq_only ? 2u : 6u); i++) {
		if (p->tok.kind == toks[i]) {
			*out = (enum scn_cmp)i;
			scn_advance(p);
			return true;
		}
	}
	scn_fail(p, p->tok.pos, eq_only ? "expected '==' or '!='" :
	     "expected a comparison (== != < <= > >=)");
	return false;
}

/* PROC ':' ADDR */
static bool place(struct scn_parser *p, struct scn_cond *c)
{
	return (c->proc = scn_use(p, SYM_PROC)) >= 0 &&
	       scn_expect_tok(p, TOK_COLON, "between process and address") &&
	       scn_address(p, &c->addr);
}

static const char *const statuses[] = {
	"ok", "efault", "eio", "enomem", "einval", "ebusy", "eexist", "enotsup",
	"eagain", "efbig", "eacces", "eperm", "esrch", "segv", "sigbus",
};

int scn_status_index(const char *w)
{
	unsigned int i;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (!strcmp(w, statuses[i]))
			return (int)i;
	return -1;
}

/* The functions of a condition, in the order of fk[] in atom_body(). */
static const char *const cond_fns[] = {
	"refcount", "mapcount", "mapped", "pinned", "swapped", "tags", "thp",
};

static struct scn_cond *atom(struct scn_parser *p)
{
	struct scn_cond *c;

	if (++p->depth > MAX_COND_DEPTH) {
		scn_fail(p, p->tok.pos, "condition nested more than %d deep", MAX_COND_DEPTH);
		return NULL;
	}
	c = atom_body(p);
	p->depth--;
	return c;
}

/* thp(P:a) == / != pmd | pte | none: how a THP maps the page, if one does. */
static bool thp_state(struct scn_parser *p, struct scn_cond *c)
{
	static const char *const states[] = { "none", "pmd", "pte" };
	struct scn_pos pos;
	unsigned int i;

	if (!cmp(p, &c->cmp, true))
		return false;
	pos = p->tok.pos;
	for (i = 0; i < 3; i++) {
		if (scn_accept_word(p, states[i])) {
			c->num = i;	/* PMM_THP_NONE, _PMD, _PTE */
			return true;
		}
	}
	scn_fail(p, pos, "thp() is 'pmd' (a PMD-mapped THP), 'pte' (a PTE of a THP) "
		 "or 'none' (a small page)");
	return false;
}

static struct scn_cond *atom_body(struct scn_parser *p)
{
	struct scn_cond *c;
	char n[SCN_MAX_NAME];
	static const enum scn_cond_kind fk[] = { COND_REFCOUNT, COND_MAPCOUNT,
						 COND_MAPPED, COND_PINNED,
						 COND_SWAPPED, COND_TAGS, COND_THP };
	struct scn_pos pos;
	unsigned int i, tag;

	if (p->tok.kind == TOK_LPAREN) {
		scn_advance(p);
		c = cond_or(p);
		scn_expect_tok(p, TOK_RPAREN, "to close the parenthesis");
		return c;
	}
	for (i = 0; i < sizeof(cond_fns) / sizeof(cond_fns[0]); i++) {
		if (!scn_is_word(p, cond_fns[i]))
			continue;
		c = new_cond(p, fk[i]);
		scn_advance(p);
		if (!c || (fk[i] == COND_TAGS &&
			   !scn_needs_mte_machine(p, c->pos, "tags()")) ||
		    !scn_expect_tok(p, TOK_LPAREN, "after the function name") ||
		    !place(p, c) || !scn_expect_tok(p, TOK_RPAREN, "to close the call"))
			return NULL;
		if (i < 2 && (!cmp(p, &c->cmp, false) ||
			      !scn_number(p, (unsigned long *)&c->num, "a count")))
			return NULL;
		if (fk[i] == COND_TAGS) {
			if (!cmp(p, &c->cmp, true) || !scn_tag_value(p, &tag, "a tag"))
				return NULL;
			c->num = tag;
		}
		if (fk[i] == COND_THP && !thp_state(p, c))
			return NULL;
		return p->failed ? NULL : c;
	}
	c = new_cond(p, COND_REG);
	if (!c || !scn_name(p, n, "a condition"))
		return NULL;
	if (p->tok.kind == TOK_COLON) {
		c->kind = COND_MEM;
		c->proc = scn_lookup(p->s, SYM_PROC, n);
		if (c->proc < 0) {
			scn_fail(p, c->pos, "no process named '%s'", n);
			return NULL;
		}
		scn_advance(p);
		if (!scn_address(p, &c->addr) || !cmp(p, &c->cmp, true))
			return NULL;
		return scn_string(p, &c->str, &c->str_len, "the bytes") ? c : NULL;
	}
	c->reg = scn_lookup(p->s, SYM_REG, n);
	if (c->reg < 0) {
		scn_fail(p, c->pos, "no register named '%s' (results are named with 'as')", n);
		return NULL;
	}
	pos = p->tok.pos;
	if (!cmp(p, &c->cmp, false))
		return NULL;
	if (p->tok.kind == TOK_NUMBER) {
		c->is_num = true;
		return scn_number(p, (unsigned long *)&c->num, "a count") ? c : NULL;
	}
	if (c->cmp != CMP_EQ && c->cmp != CMP_NE) {
		scn_fail(p, pos, "a status or bytes compare with '==' or '!=' (only a count, "
		     "a number, is ordered)");
		return NULL;
	}
	if (p->tok.kind == TOK_IDENT) {
		pos = p->tok.pos;

		if (!scn_name(p, n, "a status"))
			return NULL;
		c->status = scn_status_index(n);
		c->is_status = true;
		if (c->status < 0)
			scn_fail(p, pos, "unknown status '%s' (ok, efault/segv, eio/sigbus, "
			     "enomem, einval, ebusy, ...)", n);
		return p->failed ? NULL : c;
	}
	return scn_string(p, &c->str, &c->str_len, "the bytes or a status") ? c : NULL;
}

static struct scn_cond *cond_not(struct scn_parser *p)
{
	struct scn_cond *c;

	if (!scn_is_word(p, "not"))
		return atom(p);
	if (++p->depth > MAX_COND_DEPTH) {
		scn_fail(p, p->tok.pos, "condition nested more than %d deep", MAX_COND_DEPTH);
		return NULL;
	}
	scn_advance(p);
	c = new_cond(p, COND_NOT);
	if (c)
		c->a = cond_not(p);
	p->depth--;
	return c && c->a ? c : NULL;
}

static struct scn_cond *cond_and(struct scn_parser *p)
{
	struct scn_cond *a = cond_not(p), *c;

	while (a && scn_accept_word(p, "and")) {
		c = new_cond(p, COND_AND);
		if (!c)
			return NULL;
		c->a = a;
		c->b = cond_not(p);
		a = c->b ? c : NULL;
	}
	return a;
}

static struct scn_cond *cond_or(struct scn_parser *p)
{
	struct scn_cond *a = cond_and(p), *c;

	while (a && scn_accept_word(p, "or")) {
		c = new_cond(p, COND_OR);
		if (!c)
			return NULL;
		c->a = a;
		c->b = cond_and(p);
		a = c->b ? c : NULL;
	}
	return a;
}

static bool final_decl(struct scn_parser *p, bool forbid, struct scn_pos pos)
{
	struct scn_final *f;
	const char *start = p->tok.start;

	if (p->s->nr_finals == SCN_MAX_CONDS) {
		scn_fail(p, pos, "more than %d final conditions", SCN_MAX_CONDS);
		return false;
	}
	f = &p->s->finals[p->s->nr_finals];
	f->forbid = forbid;
	f->pos = pos;
	f->cond = cond_or(p);
	if (!f->cond)
		return false;
	snprintf(f->text, sizeof(f->text), "%s %.*s", forbid ? "forbid" : "exists",
		 (int)(p->tok.start - start), start);
	while (strlen(f->text) && (f->text[strlen(f->text) - 1] == ' ' ||
				   f->text[strlen(f->text) - 1] == '\n'))
		f->text[strlen(f->text) - 1] = '\0';
	p->s->nr_finals++;
	return true;
}

static bool expect_decl(struct scn_parser *p, struct scn_pos pos)
{
	char n[SCN_MAX_NAME];

	if (p->s->expect_ok || p->s->expect_oracle[0]) {
		scn_fail(p, pos, "a scenario has one 'expect' line");
		return false;
	}
	p->s->expect_pos = pos;
	if (scn_accept_word(p, "ok")) {
		p->s->expect_ok = true;
		return true;
	}
	if (!scn_accept_word(p, "violation")) {
		scn_fail(p, p->tok.pos, "expected 'ok' or 'violation ORACLE' after 'expect'");
		return false;
	}
	pos = p->tok.pos;
	if (!scn_name(p, n, "an oracle name"))
		return false;
	if (!oracle_known(n)) {
		scn_fail(p, pos, "unknown oracle '%s' (see 'protmm oracles')", n);
		return false;
	}
	snprintf(p->s->expect_oracle, sizeof(p->s->expect_oracle), "%s", n);
	return true;
}

static bool config_decl(struct scn_parser *p, struct scn_pos pos)
{
	struct scn_config *c;
	int err;

	if (p->s->nr_config == SCN_MAX_CONFIG) {
		scn_fail(p, pos, "more than %d config lines", SCN_MAX_CONFIG);
		return false;
	}
	unsigned int i;

	c = &p->s->config[p->s->nr_config];
	c->pos = p->tok.pos;
	if (!scn_name(p, c->key, "a knob name") ||
	    !scn_expect_tok(p, TOK_ASSIGN, "between knob and value") ||
	    !scn_name(p, c->value, "a knob value"))
		return false;
	for (i = 0; i < p->s->nr_config; i++) {
		if (!strcmp(p->s->config[i].key, c->key)) {
			scn_fail(p, c->pos, "knob '%s' is already set at line %d", c->key,
			     p->s->config[i].pos.line);
			return false;
		}
	}
	/* Checked now, against the knobs this binary has. */
	err = pmm_knob_set(c->key, c->value);
	pmm_knob_reset();
	if (err == -ENOENT)
		scn_fail(p, c->pos, "unknown knob '%s' (see 'protmm knobs')", c->key);
	else if (err)
		scn_fail(p, c->pos, "knob '%s' has no value '%s' (see 'protmm knobs')",
		     c->key, c->value);
	p->s->nr_config++;
	return !p->failed;
}

/* The options of an 'explore' line; the n-th is bit 1 << n of 'seen'. */
static const char *const explore_opts[] = {
	"depth", "executions", "seconds", "seed", "bound", "preemptions",
};

static unsigned int explore_opt_bit(const char *n)
{
	unsigned int i;

	for (i = 0; i < sizeof(explore_opts) / sizeof(explore_opts[0]); i++)
		if (!strcmp(n, explore_opts[i]))
			return 1u << i;
	return 0;
}

static bool explore_decl(struct scn_parser *p, struct scn_pos pos)
{
	struct pmm_explore_opts *o = &p->s->explore;
	char n[SCN_MAX_NAME];
	unsigned long v;

	if (p->s->has_explore) {
		scn_fail(p, pos, "a scenario has one 'explore' line");
		return false;
	}
	struct scn_pos spos;
	unsigned int seen = 0, bit;

	p->s->has_explore = true;
	spos = p->tok.pos;
	if (!scn_name(p, n, "a strategy (dfs, dpor, random, pct)"))
		return false;
	if (pmm_strategy_parse(n, &o->strategy) || o->strategy == PMM_STRATEGY_REPLAY) {
		scn_fail(p, spos, "unknown strategy '%s' (dfs, dpor, random, pct)", n);
		return false;
	}
	while (!p->failed && !at_end_of_stmt(p)) {
		pos = p->tok.pos;
		if (!scn_name(p, n, "an exploration option"))
			return false;
		bit = explore_opt_bit(n);
		if (bit && (seen & bit)) {
			scn_fail(p, pos, "'%s' given twice", n);
			return false;
		}
		seen |= bit;
		if (!scn_number(p, &v, n))
			return false;
		if (!strcmp(n, "depth") && v >= 1 && v <= 16)
			o->pct_depth = (unsigned int)v;
		else if (!strcmp(n, "executions") && v >= 1)
			o->max_executions = v;
		else if (!strcmp(n, "seconds") && v >= 1 && v <= 86400)
			o->max_seconds = (double)v;
		else if (!strcmp(n, "seed"))
			o->seed = v;
		else if (!strcmp(n, "bound") && v >= 1 && v <= 10000000)
			o->step_bound = (uint32_t)v;
		else if (!strcmp(n, "preemptions") && v <= 64)
			o->preemptions = (unsigned int)v;
		else
			scn_fail(p, pos, "bad exploration option '%s %lu' (depth 1-16, "
			     "executions N, seconds 1-86400, seed N, bound N, "
			     "preemptions 0-64)", n, v);
	}
	if (!p->failed && (seen & 32) && o->strategy != PMM_STRATEGY_DFS)
		scn_fail(p, spos, "'preemptions' bounds a 'dfs' exploration only");
	if (!p->failed && o->strategy != PMM_STRATEGY_DFS &&
	    o->strategy != PMM_STRATEGY_DPOR && !o->max_executions &&
	    !o->max_seconds)
		scn_fail(p, spos, "'explore %s' needs 'executions N' or 'seconds N'",
		     pmm_strategy_name(o->strategy));
	return !p->failed;
}

static bool size_decl(struct scn_parser *p, unsigned long *out, unsigned long max,
		      const char *what)
{
	struct scn_pos pos = p->tok.pos;

	if (!scn_number(p, out, what))
		return false;
	if (!*out || *out > max || *out % PAGE)
		scn_fail(p, pos, "%s must be a multiple of 4K, at most %luM", what, max >> 20);
	return !p->failed;
}

/* The machines this build models, for the error naming an unknown one. */
static void machines_modelled(char *buf, size_t len)
{
	const char *m;
	size_t used = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; (m = arch_machine_name(i)) && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 used ? ", " : "", m);
}

/* The declarations of a scenario: top_level() knows no other word. */
static const char *const decls[] = {
	"scenario", "machine", "config", "memory", "disk", "swap", "cpus", "vram",
	"explore", "init", "thread", "expect", "exists", "forbid",
};

static bool is_decl(const char *w)
{
	unsigned int i;

	for (i = 0; i < sizeof(decls) / sizeof(decls[0]); i++)
		if (!strcmp(w, decls[i]))
			return true;
	return false;
}

static bool top_level(struct scn_parser *p)
{
	struct scn_pos pos = p->tok.pos;
	unsigned long v;
	char w[SCN_MAX_NAME];

	if (p->tok.kind == TOK_DOC || p->tok.kind == TOK_STRING) {
		if (p->s->description)
			scn_fail(p, pos, "the description is given twice");
		p->s->description = p->tok.str;
		scn_advance(p);
		return !p->failed;
	}
	if (!scn_name(p, w, "'scenario', 'machine', 'init', 'thread', 'expect', ..."))
		return false;
	if (!is_decl(w)) {
		scn_fail(p, pos, "unknown declaration '%s'", w);
		return false;
	}
	if (!strcmp(w, "scenario")) {
		if (p->s->name[0]) {
			scn_fail(p, pos, "a scenario has one 'scenario' line");
			return false;
		}
		return scn_name(p, p->s->name, "the scenario's name");
	}
	/* What shapes the machine comes before what runs on it. */
	if ((!strcmp(w, "machine") || !strcmp(w, "memory") || !strcmp(w, "disk") ||
	     !strcmp(w, "swap") || !strcmp(w, "vram")) &&
	    (p->s->init.stmts || p->s->nr_threads)) {
		scn_fail(p, pos, "'%s' comes before 'init'", w);
		return false;
	}
	if (!strcmp(w, "machine")) {
		pos = p->tok.pos;
		if (!scn_name(p, p->s->machine, "a machine"))
			return false;
		if (!arch_find(p->s->machine)) {
			char list[128];

			machines_modelled(list, sizeof(list));
			scn_fail(p, pos, "machine '%s' is not supported (this build models: %s)",
			     p->s->machine, list);
		}
		return !p->failed;
	}
	if (!strcmp(w, "config"))
		return config_decl(p, pos);
	if (!strcmp(w, "memory"))
		return size_decl(p, &p->s->memory, SCN_MAX_MEMORY, "memory");
	if (!strcmp(w, "disk"))
		return size_decl(p, &p->s->disk, SCN_MAX_DISK, "disk");
	/* Device memory after RAM: the GPU's VRAM (protmm/ttm.h). */
	if (!strcmp(w, "vram"))
		return size_decl(p, &p->s->vram, SCN_MAX_VRAM, "vram");
	if (!strcmp(w, "swap")) {
		if (p->s->swap)
			scn_fail(p, pos, "a scenario has one 'swap' line");
		if (p->failed || !size_decl(p, &p->s->swap, SCN_MAX_SWAP, "swap"))
			return false;
		/* A zram-like device: SWP_SYNCHRONOUS_IO, the swap-cache bypass. */
		p->s->swap_synchronous = scn_accept_word(p, "synchronous");
		return true;
	}
	if (!strcmp(w, "cpus")) {
		if (!scn_number(p, &v, "a CPU count"))
			return false;
		if (!v || v > 64 || p->s->nr_threads)
			scn_fail(p, pos, p->s->nr_threads ? "'cpus' comes before the threads" :
			     "cpus must be between 1 and 64");
		p->s->cpus = (unsigned int)v;
		return !p->failed;
	}
	if (!strcmp(w, "explore"))
		return explore_decl(p, pos);
	if (!strcmp(w, "init")) {
		if (p->s->init.stmts)
			scn_fail(p, pos, "a scenario has one 'init' block");
		else if (p->s->nr_threads)
			scn_fail(p, pos, "'init' comes before the threads");
		p->in_init = true;
		return !p->failed && block(p, &p->s->init);
	}
	if (!strcmp(w, "thread"))
		return thread_decl(p, pos);
	if (!strcmp(w, "expect"))
		return expect_decl(p, pos);
	if (!strcmp(w, "exists") || !strcmp(w, "forbid"))
		return final_decl(p, w[0] == 'f', pos);
	scn_fail(p, pos, "unknown declaration '%s'", w);
	return false;
}

static void finish_checks(struct scn_parser *p)
{
	struct scn_pos end = p->tok.pos;

	if (!p->s->name[0])
		scn_fail(p, (struct scn_pos){ 1, 1 }, "missing 'scenario NAME' line");
	else if (!p->s->nr_threads)
		scn_fail(p, end, "a scenario needs at least one thread");
	else if (!p->s->expect_ok && !p->s->expect_oracle[0] && !p->s->nr_finals)
		scn_fail(p, end, "missing 'expect ok', 'expect violation ORACLE' or a final "
		     "condition ('exists', 'forbid')");
}

int scenario_parse(const char *fname, const char *src, size_t len,
		   struct scenario **out, struct scn_error *err)
{
	struct scn_parser p = { .src = src, .len = len, .err = err };
	struct scenario *s = calloc(1, sizeof(*s));

	memset(err, 0, sizeof(*err));
	if (!s)
		return -ENOMEM;
	s->path = fname;
	s->memory = 4ul << 20;
	s->disk = 16ul << 20;
	s->cpus = 4;
	snprintf(s->machine, sizeof(s->machine), "generic");
	s->explore = (struct pmm_explore_opts)PMM_EXPLORE_OPTS_INIT;
	p.s = s;
	lexer_init(&p.lx, src, len, err, s);
	if (memchr(src, '\0', len)) {
		const char *nul = memchr(src, '\0', len), *q, *bol = src;
		int line = 1;

		for (q = src; q < nul; q++) {
			if (*q == '\n') {
				line++;
				bol = q + 1;
			}
		}
		scn_fail(&p, (struct scn_pos){ line, (int)(nul - bol) + 1 },
		     "file contains a NUL byte (scenarios are text)");
	}
	scn_advance(&p);
	while (!p.failed && p.tok.kind != TOK_EOF) {
		if (p.tok.kind == TOK_NEWLINE || p.tok.kind == TOK_SEMI) {
			scn_advance(&p);
			continue;
		}
		if (top_level(&p) && !p.failed && p.tok.kind != TOK_NEWLINE &&
		    p.tok.kind != TOK_EOF && p.tok.kind != TOK_SEMI) {
			char got[64];

			describe(&p, got, sizeof(got));
			scn_fail(&p, p.tok.pos, "expected the end of the line, found %s", got);
		}
	}
	if (!p.failed)
		finish_checks(&p);
	if (p.failed) {
		scenario_free(s);
		return -EINVAL;
	}
	*out = s;
	return 0;
}

unsigned long scn_addr_value(const struct scn_addr *a)
{
	return addr_value(a);
}

/* The i-th verb of the registered domains. */
static const char *verb_word(unsigned int i)
{
	const struct scn_domain *const *d;

	for (d = scn_domains; *d; i -= (*d)->nr_verbs, d++)
		if (i < (*d)->nr_verbs)
			return (*d)->verbs[i].name;
	return NULL;
}

/* The parser's own tables, for the test that protmm(1) documents them. */
const char *scn_word(enum scn_word_kind kind, unsigned int i)
{
#define WORD(table, field)						\
	(i < sizeof(table) / sizeof(table[0]) ? table[i]field : NULL)
	switch (kind) {
	case SCN_WORD_DECL:
		return WORD(decls, );
	case SCN_WORD_VERB:
		return verb_word(i);
	case SCN_WORD_OPTION:
		return WORD(opt_names, );
	case SCN_WORD_EXPLORE:
		return WORD(explore_opts, );
	case SCN_WORD_FUNCTION:
		return WORD(cond_fns, );
	case SCN_WORD_STATUS:
		return WORD(statuses, );
	}
	return NULL;
#undef WORD
}

unsigned int scn_verb_options(const char *verb)
{
	const struct scn_verb *v = scn_verb_find(verb);

	return v ? v->options : 0;
}
