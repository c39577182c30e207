// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The scenario parser: recursive descent over the tokens, checking as it
 * goes (names declared before use, sizes aligned and within limits), so
 * a file that parses is one that can run. The first error stops it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch/arch.h"
#include "protmm/knob.h"
#include "protmm/machine.h"
#include "scenario/lexer.h"

#define PAGE 4096ul
#define ADDR_BASE 0x10000000ul
#define ADDR_STRIDE (64ul << 20)

struct parser {
	struct lexer lx;
	struct token tok;
	struct scenario *s;
	const char *src;
	size_t len;
	struct scn_error *err;
	bool failed;
	bool in_init;
	int thread_proc;
	/* Which VMs were created with tags (vm ... mte). */
	bool vm_mte[SCN_MAX_VMS];
	/* Nesting of conditions: bounded, so no input exhausts the stack. */
	unsigned int depth;
	/* Where each explore option and knob was given, for "twice". */
	struct scn_pos knob_pos[SCN_MAX_CONFIG];
};

#define MAX_COND_DEPTH 64

static void fail(struct parser *p, struct scn_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct parser *p, struct scn_pos pos, const char *fmt, ...)
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

static void advance(struct parser *p)
{
	if (p->failed)
		return;
	p->tok = lexer_next(&p->lx);
	if (p->tok.kind == TOK_ERROR)
		p->failed = true;
}

static bool is_word(const struct parser *p, const char *w)
{
	return p->tok.kind == TOK_IDENT && p->tok.len == strlen(w) &&
	       !memcmp(p->tok.start, w, p->tok.len);
}

static bool accept_word(struct parser *p, const char *w)
{
	if (!is_word(p, w))
		return false;
	advance(p);
	return true;
}

static bool at_end_of_stmt(const struct parser *p)
{
	return p->tok.kind == TOK_NEWLINE || p->tok.kind == TOK_SEMI ||
	       p->tok.kind == TOK_RBRACE || p->tok.kind == TOK_EOF;
}

static void describe(const struct parser *p, char *buf, size_t len)
{
	if (p->tok.kind == TOK_IDENT || p->tok.kind == TOK_NUMBER)
		snprintf(buf, len, "'%.*s'", (int)p->tok.len, p->tok.start);
	else
		snprintf(buf, len, "%s", tok_name(p->tok.kind));
}

static bool expect_tok(struct parser *p, enum tok_kind k, const char *ctx)
{
	char got[64];

	if (p->failed)
		return false;
	if (p->tok.kind == k) {
		advance(p);
		return true;
	}
	describe(p, got, sizeof(got));
	fail(p, p->tok.pos, "expected %s %s, found %s", tok_name(k), ctx, got);
	return false;
}

/* A name, copied into @out. */
static bool name(struct parser *p, char *out, const char *what)
{
	char got[64];

	if (p->failed)
		return false;
	if (p->tok.kind != TOK_IDENT) {
		describe(p, got, sizeof(got));
		fail(p, p->tok.pos, "expected %s, found %s", what, got);
		return false;
	}
	memcpy(out, p->tok.start, p->tok.len);
	out[p->tok.len] = '\0';
	advance(p);
	return true;
}

static bool number(struct parser *p, unsigned long *out, const char *what)
{
	char got[64];

	if (p->failed)
		return false;
	if (p->tok.kind != TOK_NUMBER) {
		describe(p, got, sizeof(got));
		fail(p, p->tok.pos, "expected %s (a number), found %s", what, got);
		return false;
	}
	*out = p->tok.num;
	advance(p);
	return true;
}

static bool string(struct parser *p, char **str, size_t *len, const char *what)
{
	char got[64];

	if (p->failed)
		return false;
	if (p->tok.kind != TOK_STRING) {
		describe(p, got, sizeof(got));
		fail(p, p->tok.pos, "expected %s (a \"string\"), found %s", what, got);
		return false;
	}
	*str = p->tok.str;
	*len = p->tok.str_len;
	advance(p);
	return true;
}

static const char *const kind_names[SYM_KINDS] = {
	[SYM_PROC] = "process", [SYM_FILE] = "file", [SYM_PIPE] = "pipe",
	[SYM_PIN] = "pin", [SYM_ADDR] = "address", [SYM_REG] = "register",
	[SYM_VM] = "vm",
};

static const char *const kind_plurals[SYM_KINDS] = {
	[SYM_PROC] = "processes", [SYM_FILE] = "files", [SYM_PIPE] = "pipes",
	[SYM_PIN] = "pins", [SYM_ADDR] = "addresses", [SYM_REG] = "registers",
	[SYM_VM] = "vms",
};

/* A VM is a whole guest: fewer of them. */
static const unsigned int kind_max[SYM_KINDS] = {
	[SYM_PROC] = SCN_MAX_SYMBOLS, [SYM_FILE] = SCN_MAX_SYMBOLS,
	[SYM_PIPE] = SCN_MAX_SYMBOLS, [SYM_PIN] = SCN_MAX_SYMBOLS,
	[SYM_ADDR] = SCN_MAX_SYMBOLS, [SYM_REG] = SCN_MAX_SYMBOLS,
	[SYM_VM] = SCN_MAX_VMS,
};

static int lookup(const struct scenario *s, enum scn_sym_kind k, const char *n)
{
	unsigned int i;

	for (i = 0; i < s->sym[k].nr; i++)
		if (!strcmp(s->sym[k].names[i], n))
			return (int)i;
	return -1;
}

static int define(struct parser *p, enum scn_sym_kind k, const char *n,
		  struct scn_pos pos)
{
	struct scn_symtab *t = &p->s->sym[k];
	unsigned int other;
	int i;

	/* One namespace: 'splice x to x' must mean one thing. */
	for (other = 0; other < SYM_KINDS; other++) {
		i = lookup(p->s, (enum scn_sym_kind)other, n);
		if (i >= 0) {
			fail(p, pos, "%s '%s' is already defined at line %d",
			     kind_names[other], n, p->s->sym[other].pos[i].line);
			return -1;
		}
	}
	if (t->nr == kind_max[k]) {
		fail(p, pos, "more than %u %s", kind_max[k], kind_plurals[k]);
		return -1;
	}
	snprintf(t->names[t->nr], SCN_MAX_NAME, "%s", n);
	t->pos[t->nr] = pos;
	return (int)t->nr++;
}

/* A name that must already be defined as a @k. */
static int use(struct parser *p, enum scn_sym_kind k)
{
	struct scn_pos pos = p->tok.pos;
	char n[SCN_MAX_NAME];
	int i;

	if (!name(p, n, kind_names[k]))
		return -1;
	i = lookup(p->s, k, n);
	if (i < 0)
		fail(p, pos, "no %s named '%s'", kind_names[k], n);
	return i;
}

/* ADDR := NUMBER | NAME ['+' NUMBER]; page alignment checked by the caller. */
static bool address(struct parser *p, struct scn_addr *a)
{
	char n[SCN_MAX_NAME];

	a->pos = p->tok.pos;
	a->sym = -1;
	a->off = 0;
	if (p->tok.kind == TOK_NUMBER)
		return number(p, &a->off, "an address");
	if (!name(p, n, "an address"))
		return false;
	a->sym = lookup(p->s, SYM_ADDR, n);
	if (a->sym < 0) {
		fail(p, a->pos, "no address named '%s' (name it in a map first)", n);
		return false;
	}
	if (p->tok.kind == TOK_PLUS) {
		advance(p);
		return number(p, &a->off, "an offset");
	}
	return true;
}

static unsigned long addr_value(const struct scn_addr *a)
{
	return a->sym < 0 ? a->off : ADDR_BASE + (unsigned long)a->sym * ADDR_STRIDE + a->off;
}

static bool mte_machine(const struct parser *p)
{
	return !strcmp(p->s->machine, SCN_MTE_MACHINE);
}

/* Tags and guests exist on one machine: said where they are first used. */
static bool needs_mte_machine(struct parser *p, struct scn_pos pos, const char *what)
{
	if (!mte_machine(p))
		fail(p, pos, "%s needs machine %s", what, SCN_MTE_MACHINE);
	return !p->failed;
}

/* ',mte' after the rwx letters: PROT_MTE. */
static bool prot_flags(struct parser *p, unsigned int *out)
{
	char w[SCN_MAX_NAME];
	struct scn_pos pos;

	while (!p->failed && p->tok.kind == TOK_COMMA) {
		advance(p);
		pos = p->tok.pos;
		if (!name(p, w, "a protection flag (mte)"))
			return false;
		if (strcmp(w, "mte")) {
			fail(p, pos, "unknown protection flag '%s' (after ',': mte)", w);
			return false;
		}
		if (*out & PMM_PROT_MTE) {
			fail(p, pos, "'mte' given twice");
			return false;
		}
		if (!needs_mte_machine(p, pos, "prot mte"))
			return false;
		*out |= PMM_PROT_MTE;
	}
	return !p->failed;
}

/* rw, r, rx, rwx, w, x, none; then ',mte' */
static bool prot(struct parser *p, unsigned int *out)
{
	char w[SCN_MAX_NAME];
	struct scn_pos pos = p->tok.pos;
	unsigned int i;

	if (!name(p, w, "a protection (none, r, rw, rx, rwx)"))
		return false;
	*out = 0;
	if (!strcmp(w, "none"))
		return prot_flags(p, out);
	for (i = 0; w[i]; i++) {
		unsigned int bit = w[i] == 'r' ? PMM_PROT_READ : w[i] == 'w' ?
				   PMM_PROT_WRITE : w[i] == 'x' ? PMM_PROT_EXEC : 0;

		if (!bit || (*out & bit)) {
			fail(p, pos, "bad protection '%s' (none, or r, w, x at most once each)", w);
			return false;
		}
		*out |= bit;
	}
	return prot_flags(p, out);
}

/* A memory tag: 0 to 15. */
static bool tag_value(struct parser *p, unsigned int *out, const char *what)
{
	struct scn_pos pos = p->tok.pos;
	unsigned long v;

	if (!number(p, &v, what))
		return false;
	if (v > 0xf)
		fail(p, pos, "tag %#lx is not 0 to 0xf (a tag has 4 bits)", v);
	*out = (unsigned int)v;
	return !p->failed;
}

static const char *const opt_names[] = {
	"anon", "file", "off", "len", "prot", "private", "shared", "pages",
	"write", "longterm", "fast", "get", "as", "from", "to", "expect", "size",
	"read", "tag", "gpa", "at", "set",
};

#define NR_OPTS (sizeof(opt_names) / sizeof(opt_names[0]))

/* The options each statement takes: what protmm(1) lists for it. */
static const unsigned int op_opts[] = {
	[OP_MAP] = O_ANON | O_FILE | O_OFF | O_LEN | O_PROT | O_PRIVATE | O_SHARED,
	[OP_MUNMAP] = O_LEN | O_AS,
	[OP_MPROTECT] = O_LEN | O_PROT | O_AS,
	[OP_WRITE] = O_TAG | O_AS,
	[OP_READ] = O_TAG | O_LEN | O_EXPECT | O_AS,
	[OP_FORK] = O_AS,
	[OP_PIN] = O_PAGES | O_WRITE | O_LONGTERM | O_FAST | O_GET | O_AS,
	[OP_DMA_WRITE] = O_OFF,
	[OP_DMA_READ] = O_OFF | O_LEN | O_EXPECT | O_AS,
	[OP_FWRITE] = O_OFF | O_LEN | O_AS | O_FROM,
	[OP_FWRITE_DIRECT] = O_OFF | O_LEN | O_AS | O_FROM,
	[OP_FREAD] = O_OFF | O_LEN | O_AS | O_TO,
	[OP_FREAD_DIRECT] = O_OFF | O_LEN | O_AS | O_TO,
	[OP_FSYNC] = O_AS,
	[OP_TRUNCATE] = O_AS,
	[OP_PUNCH] = O_OFF | O_LEN | O_AS,
	[OP_SPLICE_IN] = O_OFF | O_LEN | O_TO | O_AS,
	[OP_SPLICE_OUT] = O_OFF | O_LEN | O_TO | O_AS,
	[OP_PIPE_READ] = O_TO | O_LEN | O_AS,
	[OP_STORE_TAGS] = O_LEN | O_AS,
	[OP_LOAD_TAGS] = O_LEN | O_AS | O_EXPECT,
	[OP_RECLAIM] = O_LEN | O_AS,
	[OP_MEMSLOT] = O_GPA | O_AT | O_LEN,
	[OP_GUEST_WRITE] = O_TAG | O_AS,
	[OP_GUEST_READ] = O_TAG | O_LEN | O_EXPECT | O_AS,
	[OP_GUEST_STORE_TAGS] = O_LEN | O_AS,
	[OP_GUEST_LOAD_TAGS] = O_LEN | O_AS | O_EXPECT,
	[OP_COPY_TAGS] = O_LEN | O_AS | O_EXPECT | O_SET,
};

static int opt_index(const struct parser *p)
{
	unsigned int i;

	for (i = 0; i < NR_OPTS; i++)
		if (is_word(p, opt_names[i]))
			return (int)i;
	return -1;
}

/* "to" and "from" take an address, a file or a pipe: whichever is named. */
static bool endpoint(struct parser *p, struct scn_stmt *st)
{
	char n[SCN_MAX_NAME];
	struct scn_pos pos = p->tok.pos;

	if (p->tok.kind == TOK_NUMBER)
		return address(p, &st->addr);
	if (!name(p, n, "an address, file or pipe"))
		return false;
	/* Only what @n names is set: a file named before stays. */
	if (lookup(p->s, SYM_PIPE, n) >= 0) {
		st->pipe = lookup(p->s, SYM_PIPE, n);
		return true;
	}
	if (lookup(p->s, SYM_FILE, n) >= 0) {
		st->file = lookup(p->s, SYM_FILE, n);
		return true;
	}
	st->addr.pos = pos;
	st->addr.off = 0;
	st->addr.sym = lookup(p->s, SYM_ADDR, n);
	if (st->addr.sym < 0) {
		fail(p, pos, "no address, file or pipe named '%s'", n);
		return false;
	}
	if (p->tok.kind == TOK_PLUS) {
		advance(p);
		return number(p, &st->addr.off, "an offset");
	}
	return true;
}

/* Statements whose 'expect' is a tag, not bytes. */
static bool tags_op(enum scn_op op)
{
	return op == OP_LOAD_TAGS || op == OP_GUEST_LOAD_TAGS || op == OP_COPY_TAGS;
}

static bool one_option(struct parser *p, struct scn_stmt *st, unsigned int *seen,
		       unsigned int allowed, const char *verb)
{
	struct scn_pos pos = p->tok.pos;
	int o = opt_index(p);
	char reg[SCN_MAX_NAME], got[64];

	if (o < 0 || !(allowed & (1u << o))) {
		describe(p, got, sizeof(got));
		fail(p, pos, "unexpected %s in '%s'", got, verb);
		return false;
	}
	if (*seen & (1u << o)) {
		fail(p, pos, "'%s' given twice", opt_names[o]);
		return false;
	}
	*seen |= 1u << o;
	advance(p);
	switch (1u << o) {
	case O_FILE:
		return (st->file = use(p, SYM_FILE)) >= 0;
	case O_OFF:
		st->off_pos = p->tok.pos;
		return number(p, &st->off, "an offset");
	case O_LEN:
		st->len_pos = p->tok.pos;
		return number(p, &st->len, "a length");
	case O_SIZE:
		return number(p, &st->size, "a size");
	case O_PAGES:
		st->len_pos = p->tok.pos;
		return number(p, &st->len, "a page count");
	case O_PROT:
		return prot(p, &st->prot);
	case O_AS:
		pos = p->tok.pos;
		if (!name(p, reg, "a name to keep the result in"))
			return false;
		st->reg = define(p, st->op == OP_PIN ? SYM_PIN : SYM_REG, reg, pos);
		return st->reg >= 0;
	case O_FROM:
	case O_TO:
		return endpoint(p, st);
	case O_EXPECT:
		if (tags_op(st->op))
			return tag_value(p, &st->expect_tag, "the tag every granule must have");
		return string(p, &st->str, &st->str_len, "the expected bytes");
	case O_TAG:
		return needs_mte_machine(p, pos, "a tagged pointer") &&
		       tag_value(p, &st->tag, "the pointer's tag");
	case O_SET:
		return tag_value(p, &st->tag, "the tag to set");
	case O_GPA:
		st->off_pos = p->tok.pos;
		return number(p, &st->gpa, "a guest physical address");
	case O_AT:
		return address(p, &st->addr);
	}
	return true;
}

static bool options(struct parser *p, struct scn_stmt *st, unsigned int allowed,
		    unsigned int required, const char *verb)
{
	unsigned int seen = st->flags, i;

	while (!p->failed && !at_end_of_stmt(p))
		if (!one_option(p, st, &seen, allowed, verb))
			return false;
	for (i = 0; i < NR_OPTS && !p->failed; i++)
		if ((required & (1u << i)) && !(seen & (1u << i)))
			fail(p, st->pos, "'%s' needs '%s'", verb, opt_names[i]);
	st->anon = seen & O_ANON;
	st->shared = seen & O_SHARED;
	st->flags = seen;
	return !p->failed;
}

static bool page_aligned(struct parser *p, unsigned long v, struct scn_pos pos,
			 const char *what)
{
	if (v % PAGE)
		fail(p, pos, "%s %#lx is not a multiple of 4K", what, v);
	return !p->failed;
}

static bool map_stmt(struct parser *p, struct scn_stmt *st)
{
	char n[SCN_MAX_NAME];

	st->addr.pos = p->tok.pos;
	if (p->tok.kind == TOK_NUMBER) {
		if (!address(p, &st->addr))
			return false;
	} else {
		if (!name(p, n, "an address or a name for one"))
			return false;
		st->addr.sym = define(p, SYM_ADDR, n, st->addr.pos);
		st->addr.off = 0;
		if (st->addr.sym < 0)
			return false;
	}
	if (!options(p, st, op_opts[OP_MAP], O_LEN | O_PROT, "map"))
		return false;
	if (!(st->flags & (O_ANON | O_FILE)) || ((st->flags & O_ANON) && (st->flags & O_FILE)))
		fail(p, st->pos, "'map' needs one of 'anon' or 'file NAME'");
	else if (!(st->flags & (O_PRIVATE | O_SHARED)) ||
		 ((st->flags & O_PRIVATE) && (st->flags & O_SHARED)))
		fail(p, st->pos, "'map' needs one of 'private' or 'shared'");
	else if (st->anon && st->shared)
		fail(p, st->pos, "shared anonymous memory (shmem) is not supported");
	else if (st->anon && (st->flags & O_OFF))
		fail(p, st->pos, "'off' is for file mappings");
	else if (!st->len || st->len > SCN_MAX_MAP)
		fail(p, st->pos, "mapping length must be between 4K and 64M");
	return page_aligned(p, addr_value(&st->addr), st->addr.pos, "address") &&
	       page_aligned(p, st->len, st->len_pos, "length") &&
	       page_aligned(p, st->off, st->off_pos, "file offset");
}

/* unmap/mprotect/read/write/pin: an address, then options. */
static bool addr_stmt(struct parser *p, struct scn_stmt *st, unsigned int allowed,
		      unsigned int required, const char *verb)
{
	return address(p, &st->addr) && options(p, st, allowed, required, verb);
}

static bool pin_checks(struct parser *p, struct scn_stmt *st)
{
	if (!(st->flags & O_PAGES))
		st->len = 1;
	if (!st->len || st->len > SCN_MAX_PIN_PAGES)
		fail(p, st->pos, "a pin takes 1 to %d pages", SCN_MAX_PIN_PAGES);
	else if (st->reg < 0)
		fail(p, st->pos, "'pin' needs 'as NAME' to unpin it later");
	return !p->failed && page_aligned(p, addr_value(&st->addr), st->addr.pos,
					   "pinned address");
}

static bool dma_stmt(struct parser *p, struct scn_stmt *st)
{
	if ((st->pin = use(p, SYM_PIN)) < 0)
		return false;
	if (accept_word(p, "write")) {
		st->op = OP_DMA_WRITE;
		if (!string(p, &st->str, &st->str_len, "the bytes the device writes"))
			return false;
		return options(p, st, op_opts[OP_DMA_WRITE], 0, "dma write");
	}
	if (accept_word(p, "read")) {
		st->op = OP_DMA_READ;
		return options(p, st, op_opts[OP_DMA_READ], 0, "dma read");
	}
	fail(p, p->tok.pos, "'dma PIN' is followed by 'write \"bytes\"' or 'read'");
	return false;
}

/* fwrite/fread/..._direct F off N from/to ADDR len N */
static bool file_io_stmt(struct parser *p, struct scn_stmt *st, bool to_file)
{
	const char *verb = st->op == OP_FWRITE ? "fwrite" : st->op == OP_FREAD ?
			   "fread" : st->op == OP_FWRITE_DIRECT ? "fwrite_direct" :
			   "fread_direct";

	if ((st->file = use(p, SYM_FILE)) < 0)
		return false;
	if (!options(p, st, op_opts[st->op], O_LEN | (to_file ? O_FROM : O_TO), verb))
		return false;
	if (st->addr.sym < 0 && !st->addr.off)
		fail(p, st->pos, "'%s' moves data between a file and an address", verb);
	return !p->failed;
}

/* splice F [off N] to PIPE len N | splice PIPE to F [off N] len N */
static bool splice_stmt(struct parser *p, struct scn_stmt *st)
{
	char n[SCN_MAX_NAME];
	struct scn_pos pos = p->tok.pos;
	int file, pipe;

	if (!name(p, n, "a file or pipe"))
		return false;
	file = lookup(p->s, SYM_FILE, n);
	pipe = lookup(p->s, SYM_PIPE, n);
	if (file < 0 && pipe < 0) {
		fail(p, pos, "no file or pipe named '%s'", n);
		return false;
	}
	st->file = st->pipe = -1;
	if (!options(p, st, op_opts[OP_SPLICE_IN], O_LEN | O_TO, "splice"))
		return false;
	if (file >= 0 && st->pipe >= 0) {
		st->op = OP_SPLICE_IN;
		st->file = file;
	} else if (pipe >= 0 && st->file >= 0) {
		st->op = OP_SPLICE_OUT;
		st->pipe = pipe;
	} else {
		fail(p, st->pos, "'splice' goes from a file to a pipe or from a pipe to a file");
	}
	return !p->failed;
}

static bool new_symbol_stmt(struct parser *p, struct scn_stmt *st,
			    enum scn_sym_kind k)
{
	char n[SCN_MAX_NAME];
	struct scn_pos pos = p->tok.pos;

	if (!p->in_init) {
		fail(p, st->pos, "a %s is declared in 'init'", kind_names[k]);
		return false;
	}
	if (!name(p, n, "a name"))
		return false;
	st->target = define(p, k, n, pos);
	if (k == SYM_FILE && !p->failed) {
		if (!accept_word(p, "size")) {
			fail(p, p->tok.pos, "'file NAME' needs 'size SIZE'");
			return false;
		}
		if (!number(p, &st->size, "a file size"))
			return false;
		if (!st->size || st->size > p->s->disk)
			fail(p, st->pos, "file size must be between 1 and the disk size (%lu)",
			     p->s->disk);
	}
	return st->target >= 0 && !p->failed;
}

/* write ADDR [tag N] "bytes" [as R] */
static bool write_stmt(struct parser *p, struct scn_stmt *st, const char *verb)
{
	unsigned int seen = 0;

	if (!address(p, &st->addr))
		return false;
	if (is_word(p, "tag") && !one_option(p, st, &seen, O_TAG, verb))
		return false;
	st->flags = seen;
	return string(p, &st->str, &st->str_len, "the bytes to write") &&
	       options(p, st, op_opts[st->op], 0, verb);
}

/* The bytes a tag statement covers: whole granules (or pages), bounded. */
static bool tag_range(struct parser *p, const struct scn_stmt *st,
		      unsigned long start, struct scn_pos start_pos,
		      unsigned long align, const char *what)
{
	const char *unit = align == PAGE ? "4K" : "16 (a tag granule)";

	if (start % align)
		fail(p, start_pos, "%s %#lx is not a multiple of %s", what, start, unit);
	else if (!st->len || st->len > SCN_MAX_TAG_LEN)
		fail(p, st->len_pos, "a tag range is %lu bytes to %luK", align,
		     SCN_MAX_TAG_LEN >> 10);
	else if (st->len % align)
		fail(p, st->len_pos, "length %#lx is not a multiple of %s", st->len, unit);
	return !p->failed;
}

/* store_tags ADDR TAG len N | load_tags ADDR len N [expect TAG] */
static bool tags_stmt(struct parser *p, struct scn_stmt *st, const char *verb)
{
	char what[64];

	snprintf(what, sizeof(what), "'%s'", verb);
	if (!needs_mte_machine(p, st->pos, what) || !address(p, &st->addr))
		return false;
	if (st->op == OP_STORE_TAGS && !tag_value(p, &st->tag, "the tag to store"))
		return false;
	if (!options(p, st, op_opts[st->op], O_LEN, verb))
		return false;
	return tag_range(p, st, addr_value(&st->addr), st->addr.pos,
			 SCN_MTE_GRANULE, "address");
}

/* reclaim ADDR [len N] [as R]: one page unless told. */
static bool reclaim_stmt(struct parser *p, struct scn_stmt *st, const char *verb)
{
	if (!addr_stmt(p, st, op_opts[OP_RECLAIM], 0, verb))
		return false;
	if (!(st->flags & O_LEN)) {
		st->len = PAGE;
		st->len_pos = st->pos;
	}
	if (!st->len || st->len > SCN_MAX_MAP)
		fail(p, st->len_pos, "reclaim length must be between 4K and 64M");
	return page_aligned(p, addr_value(&st->addr), st->addr.pos, "address") &&
	       page_aligned(p, st->len, st->len_pos, "length");
}

/* vm V on P [mte]: KVM_CREATE_VM in the VMM process P. */
static bool vm_stmt(struct parser *p, struct scn_stmt *st)
{
	struct scn_pos pos = p->tok.pos;
	char n[SCN_MAX_NAME];

	if (!p->in_init) {
		fail(p, st->pos, "a vm is declared in 'init'");
		return false;
	}
	if (st->proc >= 0) {
		fail(p, st->pos, "a vm names its process itself: 'vm NAME on PROCESS'");
		return false;
	}
	if (!needs_mte_machine(p, st->pos, "a vm") || !name(p, n, "a name for the vm"))
		return false;
	st->vm = define(p, SYM_VM, n, pos);
	if (st->vm < 0)
		return false;
	if (!accept_word(p, "on")) {
		fail(p, p->tok.pos, "expected 'on PROCESS' (the VMM) after the vm's name");
		return false;
	}
	if ((st->proc = use(p, SYM_PROC)) < 0)
		return false;
	p->s->vm_proc[st->vm] = st->proc;
	if (accept_word(p, "mte"))
		st->flags |= O_MTE;
	p->vm_mte[st->vm] = st->flags & O_MTE;
	return !p->failed;
}

/* memslot V gpa N at ADDR len N: guest [gpa, +len) is the VMM's ADDR. */
static bool memslot_stmt(struct parser *p, struct scn_stmt *st, const char *verb)
{
	if (!p->in_init) {
		fail(p, st->pos, "'memslot' is set in 'init'");
		return false;
	}
	if ((st->vm = use(p, SYM_VM)) < 0 ||
	    !options(p, st, op_opts[OP_MEMSLOT], O_GPA | O_AT | O_LEN, verb))
		return false;
	if (!st->len || st->len > SCN_MAX_MAP)
		fail(p, st->len_pos, "memslot length must be between 4K and 64M");
	return page_aligned(p, st->gpa, st->off_pos, "guest physical address") &&
	       page_aligned(p, addr_value(&st->addr), st->addr.pos, "address") &&
	       page_aligned(p, st->len, st->len_pos, "length");
}

/* A vCPU is a thread of its VM's VMM: the statement runs in that process. */
static bool vm_of_stmt(struct parser *p, struct scn_stmt *st)
{
	int proc = st->proc >= 0 ? st->proc : p->thread_proc;
	struct scn_pos pos = p->tok.pos;

	if ((st->vm = use(p, SYM_VM)) < 0)
		return false;
	if (proc != p->s->vm_proc[st->vm])
		fail(p, pos, "vm '%s' runs in process '%s': its vCPUs are threads there",
		     p->s->sym[SYM_VM].names[st->vm],
		     p->s->sym[SYM_PROC].names[p->s->vm_proc[st->vm]]);
	return !p->failed;
}

static bool vm_has_mte(struct parser *p, const struct scn_stmt *st, const char *verb)
{
	if (!p->vm_mte[st->vm])
		fail(p, st->pos, "'%s' needs a vm with tags ('vm %s on %s mte')", verb,
		     p->s->sym[SYM_VM].names[st->vm],
		     p->s->sym[SYM_PROC].names[p->s->vm_proc[st->vm]]);
	return !p->failed;
}

static bool gpa(struct parser *p, struct scn_stmt *st)
{
	st->off_pos = p->tok.pos;
	return number(p, &st->gpa, "a guest physical address");
}

/* guest_write V GPA [tag N] "bytes" | guest_read V GPA [tag N] len/expect */
static bool guest_rw_stmt(struct parser *p, struct scn_stmt *st, const char *verb)
{
	unsigned int seen = 0;

	if (!vm_of_stmt(p, st) || !gpa(p, st))
		return false;
	if (st->op == OP_GUEST_READ) {
		if (!options(p, st, op_opts[OP_GUEST_READ], 0, verb))
			return false;
		if (!(st->flags & (O_LEN | O_EXPECT)))
			fail(p, st->pos, "'guest_read' needs 'len N' or 'expect \"bytes\"'");
		else if (st->len > SCN_MAX_STRING)
			fail(p, st->len_pos, "a guest read is at most %d bytes", SCN_MAX_STRING);
		return !p->failed;
	}
	if (is_word(p, "tag") && !one_option(p, st, &seen, O_TAG, verb))
		return false;
	st->flags = seen;
	return string(p, &st->str, &st->str_len, "the bytes to write") &&
	       options(p, st, op_opts[st->op], 0, verb);
}

/*
 * guest_store_tags V GPA TAG len N | guest_load_tags V GPA len N [expect TAG]
 * | copy_tags V GPA len N (expect TAG | set TAG)
 */
static bool guest_tags_stmt(struct parser *p, struct scn_stmt *st, const char *verb)
{
	bool copy = st->op == OP_COPY_TAGS;

	if (!vm_of_stmt(p, st) || !vm_has_mte(p, st, verb) || !gpa(p, st))
		return false;
	if (st->op == OP_GUEST_STORE_TAGS && !tag_value(p, &st->tag, "the tag to store"))
		return false;
	if (!options(p, st, op_opts[st->op], O_LEN, verb))
		return false;
	if (copy && (st->flags & O_EXPECT) && (st->flags & O_SET)) {
		fail(p, st->pos, "'copy_tags' reads the tags ('expect TAG') or writes "
		     "them ('set TAG'), not both");
		return false;
	}
	if (copy && !(st->flags & (O_EXPECT | O_SET))) {
		fail(p, st->pos, "'copy_tags' needs one of 'expect TAG' (read the tags) "
		     "or 'set TAG' (write them)");
		return false;
	}
	/* KVM_ARM_MTE_COPY_TAGS works on whole pages. */
	return tag_range(p, st, st->gpa, st->off_pos, copy ? PAGE : SCN_MTE_GRANULE,
			 "guest physical address");
}

static const struct {
	const char *verb;
	enum scn_op op;
} verbs[] = {
	{ "process", OP_PROCESS }, { "file", OP_FILE }, { "pipe", OP_PIPE },
	{ "map", OP_MAP }, { "munmap", OP_MUNMAP }, { "mprotect", OP_MPROTECT },
	{ "write", OP_WRITE }, { "read", OP_READ }, { "fork", OP_FORK },
	{ "exit", OP_EXIT }, { "pin", OP_PIN }, { "unpin", OP_UNPIN },
	{ "dma", OP_DMA_WRITE }, { "fwrite", OP_FWRITE }, { "fread", OP_FREAD },
	{ "fwrite_direct", OP_FWRITE_DIRECT }, { "fread_direct", OP_FREAD_DIRECT },
	{ "fsync", OP_FSYNC }, { "truncate", OP_TRUNCATE }, { "punch", OP_PUNCH },
	{ "splice", OP_SPLICE_IN }, { "pipe_read", OP_PIPE_READ },
	{ "store_tags", OP_STORE_TAGS }, { "load_tags", OP_LOAD_TAGS },
	{ "reclaim", OP_RECLAIM }, { "vm", OP_VM }, { "memslot", OP_MEMSLOT },
	{ "guest_write", OP_GUEST_WRITE }, { "guest_read", OP_GUEST_READ },
	{ "guest_store_tags", OP_GUEST_STORE_TAGS },
	{ "guest_load_tags", OP_GUEST_LOAD_TAGS }, { "copy_tags", OP_COPY_TAGS },
};

static bool stmt_body(struct parser *p, struct scn_stmt *st, const char *verb)
{
	char n[SCN_MAX_NAME];

	switch (st->op) {
	case OP_PROCESS:
		return new_symbol_stmt(p, st, SYM_PROC);
	case OP_FILE:
		return new_symbol_stmt(p, st, SYM_FILE);
	case OP_PIPE:
		return new_symbol_stmt(p, st, SYM_PIPE);
	case OP_MAP:
		return map_stmt(p, st);
	case OP_MUNMAP:
		return addr_stmt(p, st, op_opts[OP_MUNMAP], O_LEN, verb) &&
		       page_aligned(p, st->len, st->len_pos, "length");
	case OP_MPROTECT:
		return addr_stmt(p, st, op_opts[OP_MPROTECT], O_LEN | O_PROT, verb) &&
		       page_aligned(p, st->len, st->len_pos, "length");
	case OP_WRITE:
		return write_stmt(p, st, verb);
	case OP_READ:
		if (!addr_stmt(p, st, op_opts[OP_READ], 0, verb))
			return false;
		if (!(st->flags & (O_LEN | O_EXPECT)))
			fail(p, st->pos, "'read' needs 'len N' or 'expect \"bytes\"'");
		return !p->failed;
	case OP_FORK:
		if (!expect_tok(p, TOK_ARROW, "after 'fork' (fork -> CHILD)"))
			return false;
		st->addr.pos = p->tok.pos;
		if (!name(p, n, "the child process's name"))
			return false;
		st->target = define(p, SYM_PROC, n, st->addr.pos);
		if (st->target >= 0 && !p->in_init)
			p->s->proc_forked_in_thread[st->target] = true;
		return st->target >= 0 && options(p, st, op_opts[OP_FORK], 0, verb);
	case OP_EXIT:
		return options(p, st, op_opts[OP_EXIT], 0, verb);
	case OP_PIN:
		st->reg = -1;
		return addr_stmt(p, st, op_opts[OP_PIN], O_AS, verb) && pin_checks(p, st);
	case OP_UNPIN:
		return (st->pin = use(p, SYM_PIN)) >= 0 &&
		       options(p, st, op_opts[OP_UNPIN], 0, verb);
	case OP_DMA_WRITE:
		return dma_stmt(p, st);
	case OP_FWRITE:
	case OP_FWRITE_DIRECT:
		return file_io_stmt(p, st, true);
	case OP_FREAD:
	case OP_FREAD_DIRECT:
		return file_io_stmt(p, st, false);
	case OP_FSYNC:
		return (st->file = use(p, SYM_FILE)) >= 0 &&
		       options(p, st, op_opts[OP_FSYNC], 0, verb);
	case OP_TRUNCATE:
		return (st->file = use(p, SYM_FILE)) >= 0 &&
		       number(p, &st->size, "the new size") &&
		       options(p, st, op_opts[OP_TRUNCATE], 0, verb);
	case OP_PUNCH:
		return (st->file = use(p, SYM_FILE)) >= 0 &&
		       options(p, st, op_opts[OP_PUNCH], O_LEN, verb);
	case OP_SPLICE_IN:
		return splice_stmt(p, st);
	case OP_PIPE_READ: {
		int src = use(p, SYM_PIPE);

		st->pipe = src;
		if (src < 0 || !options(p, st, op_opts[OP_PIPE_READ], O_TO | O_LEN, verb))
			return false;
		if (st->pipe != src || st->file >= 0 ||
		    (st->addr.sym < 0 && !st->addr.off))
			fail(p, st->pos, "'pipe_read' moves data from a pipe to an address");
		return !p->failed;
	}
	case OP_STORE_TAGS:
	case OP_LOAD_TAGS:
		return tags_stmt(p, st, verb);
	case OP_RECLAIM:
		return reclaim_stmt(p, st, verb);
	case OP_VM:
		return vm_stmt(p, st);
	case OP_MEMSLOT:
		return memslot_stmt(p, st, verb);
	case OP_GUEST_WRITE:
	case OP_GUEST_READ:
		return guest_rw_stmt(p, st, verb);
	case OP_GUEST_STORE_TAGS:
	case OP_GUEST_LOAD_TAGS:
	case OP_COPY_TAGS:
		return guest_tags_stmt(p, st, verb);
	default:
		return false;
	}
}

static bool statement(struct parser *p, struct scn_stmt *st)
{
	char verb[SCN_MAX_NAME];
	unsigned int i;

	memset(st, 0, sizeof(*st));
	st->pos = p->tok.pos;
	st->proc = -1;
	st->reg = -1;
	st->file = st->pipe = st->pin = st->target = st->vm = -1;
	st->addr.sym = -1;
	if (accept_word(p, "on")) {
		if ((st->proc = use(p, SYM_PROC)) < 0 ||
		    !expect_tok(p, TOK_COLON, "after 'on PROCESS'"))
			return false;
	} else if (p->in_init && !is_word(p, "process") && !is_word(p, "file") &&
		   !is_word(p, "pipe") && !is_word(p, "vm") && !is_word(p, "memslot")) {
		fail(p, p->tok.pos, "in 'init', say which process acts: 'on P: ...'");
		return false;
	}
	st->pos = p->tok.pos;
	if (!name(p, verb, "an operation"))
		return false;
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(verb, verbs[i].verb))
			break;
	if (i == sizeof(verbs) / sizeof(verbs[0])) {
		if (!strcmp(verb, "swapout"))
			fail(p, st->pos, "unknown operation 'swapout' (swap a page out "
			     "with 'reclaim ADDR')");
		else
			fail(p, st->pos, "unknown operation '%s'", verb);
		return false;
	}
	st->op = verbs[i].op;
	snprintf(st->label, sizeof(st->label), "%d %.16s", st->pos.line, verb);
	if (st->proc < 0 && p->in_init && (st->op == OP_PROCESS || st->op == OP_FILE ||
					   st->op == OP_PIPE))
		st->proc = -1;
	return stmt_body(p, st, verb);
}

/* '{' statements '}', separated by newlines or ';'. */
static bool block(struct parser *p, struct scn_block *b)
{
	struct scn_pos open = p->tok.pos;

	if (!expect_tok(p, TOK_LBRACE, "to open the block"))
		return false;
	b->stmts = scn_alloc(p->s, SCN_MAX_STMTS * sizeof(*b->stmts));
	if (!b->stmts) {
		fail(p, p->tok.pos, "out of memory");
		return false;
	}
	for (;;) {
		while (p->tok.kind == TOK_NEWLINE || p->tok.kind == TOK_SEMI)
			advance(p);
		if (p->failed)
			return false;
		if (p->tok.kind == TOK_RBRACE) {
			advance(p);
			return true;
		}
		if (p->tok.kind == TOK_EOF) {
			fail(p, open, "block not closed: expected '}'");
			return false;
		}
		if (b->nr == SCN_MAX_STMTS) {
			fail(p, p->tok.pos, "more than %d statements in a block", SCN_MAX_STMTS);
			return false;
		}
		if (!statement(p, &b->stmts[b->nr++]))
			return false;
		if (!at_end_of_stmt(p)) {
			char got[64];

			describe(p, got, sizeof(got));
			fail(p, p->tok.pos, "expected the end of the statement, found %s", got);
			return false;
		}
	}
}

static bool thread_decl(struct parser *p, struct scn_pos pos)
{
	struct scn_thread *t;
	unsigned long cpu;
	unsigned int i;

	if (p->s->nr_threads == SCN_MAX_THREADS) {
		fail(p, pos, "more than %d threads", SCN_MAX_THREADS);
		return false;
	}
	t = &p->s->threads[p->s->nr_threads];
	t->pos = pos;
	pos = p->tok.pos;
	if (!name(p, t->name, "a thread name"))
		return false;
	for (i = 0; i < p->s->nr_threads; i++)
		if (!strcmp(p->s->threads[i].name, t->name))
			fail(p, pos, "thread '%s' is already defined", t->name);
	if (p->failed || !accept_word(p, "on")) {
		fail(p, p->tok.pos, "expected 'on PROCESS' after the thread's name");
		return false;
	}
	if ((t->proc = use(p, SYM_PROC)) < 0)
		return false;
	if (!accept_word(p, "cpu")) {
		fail(p, p->tok.pos, "expected 'cpu N' after the thread's process");
		return false;
	}
	pos = p->tok.pos;
	if (!number(p, &cpu, "a CPU number"))
		return false;
	if (cpu >= p->s->cpus) {
		fail(p, pos, "cpu %lu does not exist (the machine has %u; see 'cpus')",
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
static struct scn_cond *cond_or(struct parser *p);
static struct scn_cond *atom_body(struct parser *p);

static struct scn_cond *new_cond(struct parser *p, enum scn_cond_kind k)
{
	struct scn_cond *c = scn_alloc(p->s, sizeof(*c));

	if (!c)
		fail(p, p->tok.pos, "out of memory");
	else {
		c->kind = k;
		c->pos = p->tok.pos;
	}
	return c;
}

static bool cmp(struct parser *p, enum scn_cmp *out, bool eq_only)
{
	static const enum tok_kind toks[] = { TOK_EQ, TOK_NE, TOK_LT, TOK_LE, TOK_GT, TOK_GE };
	unsigned int i;

	for (i = 0; i < (eq_only ? 2u : 6u); i++) {
		if (p->tok.kind == toks[i]) {
			*out = (enum scn_cmp)i;
			advance(p);
			return true;
		}
	}
	fail(p, p->tok.pos, eq_only ? "expected '==' or '!='" :
	     "expected a comparison (== != < <= > >=)");
	return false;
}

/* PROC ':' ADDR */
static bool place(struct parser *p, struct scn_cond *c)
{
	return (c->proc = use(p, SYM_PROC)) >= 0 &&
	       expect_tok(p, TOK_COLON, "between process and address") &&
	       address(p, &c->addr);
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
	"refcount", "mapcount", "mapped", "pinned", "swapped", "tags",
};

static struct scn_cond *atom(struct parser *p)
{
	struct scn_cond *c;

	if (++p->depth > MAX_COND_DEPTH) {
		fail(p, p->tok.pos, "condition nested more than %d deep", MAX_COND_DEPTH);
		return NULL;
	}
	c = atom_body(p);
	p->depth--;
	return c;
}

static struct scn_cond *atom_body(struct parser *p)
{
	struct scn_cond *c;
	char n[SCN_MAX_NAME];
	static const enum scn_cond_kind fk[] = { COND_REFCOUNT, COND_MAPCOUNT,
						 COND_MAPPED, COND_PINNED,
						 COND_SWAPPED, COND_TAGS };
	struct scn_pos pos;
	unsigned int i, tag;

	if (p->tok.kind == TOK_LPAREN) {
		advance(p);
		c = cond_or(p);
		expect_tok(p, TOK_RPAREN, "to close the parenthesis");
		return c;
	}
	for (i = 0; i < sizeof(cond_fns) / sizeof(cond_fns[0]); i++) {
		if (!is_word(p, cond_fns[i]))
			continue;
		c = new_cond(p, fk[i]);
		advance(p);
		if (!c || (fk[i] == COND_TAGS &&
			   !needs_mte_machine(p, c->pos, "tags()")) ||
		    !expect_tok(p, TOK_LPAREN, "after the function name") ||
		    !place(p, c) || !expect_tok(p, TOK_RPAREN, "to close the call"))
			return NULL;
		if (i < 2 && (!cmp(p, &c->cmp, false) ||
			      !number(p, (unsigned long *)&c->num, "a count")))
			return NULL;
		if (fk[i] == COND_TAGS) {
			if (!cmp(p, &c->cmp, true) || !tag_value(p, &tag, "a tag"))
				return NULL;
			c->num = tag;
		}
		return p->failed ? NULL : c;
	}
	c = new_cond(p, COND_REG);
	if (!c || !name(p, n, "a condition"))
		return NULL;
	if (p->tok.kind == TOK_COLON) {
		c->kind = COND_MEM;
		c->proc = lookup(p->s, SYM_PROC, n);
		if (c->proc < 0) {
			fail(p, c->pos, "no process named '%s'", n);
			return NULL;
		}
		advance(p);
		if (!address(p, &c->addr) || !cmp(p, &c->cmp, true))
			return NULL;
		return string(p, &c->str, &c->str_len, "the bytes") ? c : NULL;
	}
	c->reg = lookup(p->s, SYM_REG, n);
	if (c->reg < 0) {
		fail(p, c->pos, "no register named '%s' (results are named with 'as')", n);
		return NULL;
	}
	pos = p->tok.pos;
	if (!cmp(p, &c->cmp, false))
		return NULL;
	if (p->tok.kind == TOK_NUMBER) {
		c->is_num = true;
		return number(p, (unsigned long *)&c->num, "a count") ? c : NULL;
	}
	if (c->cmp != CMP_EQ && c->cmp != CMP_NE) {
		fail(p, pos, "a status or bytes compare with '==' or '!=' (only a count, "
		     "a number, is ordered)");
		return NULL;
	}
	if (p->tok.kind == TOK_IDENT) {
		pos = p->tok.pos;

		if (!name(p, n, "a status"))
			return NULL;
		c->status = scn_status_index(n);
		c->is_status = true;
		if (c->status < 0)
			fail(p, pos, "unknown status '%s' (ok, efault/segv, eio/sigbus, "
			     "enomem, einval, ebusy, ...)", n);
		return p->failed ? NULL : c;
	}
	return string(p, &c->str, &c->str_len, "the bytes or a status") ? c : NULL;
}

static struct scn_cond *cond_not(struct parser *p)
{
	struct scn_cond *c;

	if (!is_word(p, "not"))
		return atom(p);
	if (++p->depth > MAX_COND_DEPTH) {
		fail(p, p->tok.pos, "condition nested more than %d deep", MAX_COND_DEPTH);
		return NULL;
	}
	advance(p);
	c = new_cond(p, COND_NOT);
	if (c)
		c->a = cond_not(p);
	p->depth--;
	return c && c->a ? c : NULL;
}

static struct scn_cond *cond_and(struct parser *p)
{
	struct scn_cond *a = cond_not(p), *c;

	while (a && accept_word(p, "and")) {
		c = new_cond(p, COND_AND);
		if (!c)
			return NULL;
		c->a = a;
		c->b = cond_not(p);
		a = c->b ? c : NULL;
	}
	return a;
}

static struct scn_cond *cond_or(struct parser *p)
{
	struct scn_cond *a = cond_and(p), *c;

	while (a && accept_word(p, "or")) {
		c = new_cond(p, COND_OR);
		if (!c)
			return NULL;
		c->a = a;
		c->b = cond_and(p);
		a = c->b ? c : NULL;
	}
	return a;
}

static bool final_decl(struct parser *p, bool forbid, struct scn_pos pos)
{
	struct scn_final *f;
	const char *start = p->tok.start;

	if (p->s->nr_finals == SCN_MAX_CONDS) {
		fail(p, pos, "more than %d final conditions", SCN_MAX_CONDS);
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

static bool expect_decl(struct parser *p, struct scn_pos pos)
{
	char n[SCN_MAX_NAME];

	if (p->s->expect_ok || p->s->expect_oracle[0]) {
		fail(p, pos, "a scenario has one 'expect' line");
		return false;
	}
	p->s->expect_pos = pos;
	if (accept_word(p, "ok")) {
		p->s->expect_ok = true;
		return true;
	}
	if (!accept_word(p, "violation")) {
		fail(p, p->tok.pos, "expected 'ok' or 'violation ORACLE' after 'expect'");
		return false;
	}
	pos = p->tok.pos;
	if (!name(p, n, "an oracle name"))
		return false;
	if (!oracle_known(n)) {
		fail(p, pos, "unknown oracle '%s' (see 'protmm oracles')", n);
		return false;
	}
	snprintf(p->s->expect_oracle, sizeof(p->s->expect_oracle), "%s", n);
	return true;
}

static bool config_decl(struct parser *p, struct scn_pos pos)
{
	struct scn_config *c;
	int err;

	if (p->s->nr_config == SCN_MAX_CONFIG) {
		fail(p, pos, "more than %d config lines", SCN_MAX_CONFIG);
		return false;
	}
	unsigned int i;

	c = &p->s->config[p->s->nr_config];
	c->pos = p->tok.pos;
	if (!name(p, c->key, "a knob name") ||
	    !expect_tok(p, TOK_ASSIGN, "between knob and value") ||
	    !name(p, c->value, "a knob value"))
		return false;
	for (i = 0; i < p->s->nr_config; i++) {
		if (!strcmp(p->s->config[i].key, c->key)) {
			fail(p, c->pos, "knob '%s' is already set at line %d", c->key,
			     p->s->config[i].pos.line);
			return false;
		}
	}
	/* Checked now, against the knobs this binary has. */
	err = pmm_knob_set(c->key, c->value);
	pmm_knob_reset();
	if (err == -ENOENT)
		fail(p, c->pos, "unknown knob '%s' (see 'protmm knobs')", c->key);
	else if (err)
		fail(p, c->pos, "knob '%s' has no value '%s' (see 'protmm knobs')",
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

static bool explore_decl(struct parser *p, struct scn_pos pos)
{
	struct pmm_explore_opts *o = &p->s->explore;
	char n[SCN_MAX_NAME];
	unsigned long v;

	if (p->s->has_explore) {
		fail(p, pos, "a scenario has one 'explore' line");
		return false;
	}
	struct scn_pos spos;
	unsigned int seen = 0, bit;

	p->s->has_explore = true;
	spos = p->tok.pos;
	if (!name(p, n, "a strategy (dfs, random, pct)"))
		return false;
	if (pmm_strategy_parse(n, &o->strategy) || o->strategy == PMM_STRATEGY_REPLAY) {
		fail(p, spos, "unknown strategy '%s' (dfs, random, pct)", n);
		return false;
	}
	while (!p->failed && !at_end_of_stmt(p)) {
		pos = p->tok.pos;
		if (!name(p, n, "an exploration option"))
			return false;
		bit = explore_opt_bit(n);
		if (bit && (seen & bit)) {
			fail(p, pos, "'%s' given twice", n);
			return false;
		}
		seen |= bit;
		if (!number(p, &v, n))
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
			fail(p, pos, "bad exploration option '%s %lu' (depth 1-16, "
			     "executions N, seconds 1-86400, seed N, bound N, "
			     "preemptions 0-64)", n, v);
	}
	if (!p->failed && (seen & 32) && o->strategy != PMM_STRATEGY_DFS)
		fail(p, spos, "'preemptions' bounds a 'dfs' exploration only");
	if (!p->failed && o->strategy != PMM_STRATEGY_DFS && !o->max_executions &&
	    !o->max_seconds)
		fail(p, spos, "'explore %s' needs 'executions N' or 'seconds N'",
		     pmm_strategy_name(o->strategy));
	return !p->failed;
}

static bool size_decl(struct parser *p, unsigned long *out, unsigned long max,
		      const char *what)
{
	struct scn_pos pos = p->tok.pos;

	if (!number(p, out, what))
		return false;
	if (!*out || *out > max || *out % PAGE)
		fail(p, pos, "%s must be a multiple of 4K, at most %luM", what, max >> 20);
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
	"scenario", "machine", "config", "memory", "disk", "swap", "cpus",
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

static bool top_level(struct parser *p)
{
	struct scn_pos pos = p->tok.pos;
	unsigned long v;
	char w[SCN_MAX_NAME];

	if (p->tok.kind == TOK_DOC || p->tok.kind == TOK_STRING) {
		if (p->s->description)
			fail(p, pos, "the description is given twice");
		p->s->description = p->tok.str;
		advance(p);
		return !p->failed;
	}
	if (!name(p, w, "'scenario', 'machine', 'init', 'thread', 'expect', ..."))
		return false;
	if (!is_decl(w)) {
		fail(p, pos, "unknown declaration '%s'", w);
		return false;
	}
	if (!strcmp(w, "scenario")) {
		if (p->s->name[0]) {
			fail(p, pos, "a scenario has one 'scenario' line");
			return false;
		}
		return name(p, p->s->name, "the scenario's name");
	}
	/* What shapes the machine comes before what runs on it. */
	if ((!strcmp(w, "machine") || !strcmp(w, "memory") || !strcmp(w, "disk") ||
	     !strcmp(w, "swap")) && (p->s->init.stmts || p->s->nr_threads)) {
		fail(p, pos, "'%s' comes before 'init'", w);
		return false;
	}
	if (!strcmp(w, "machine")) {
		pos = p->tok.pos;
		if (!name(p, p->s->machine, "a machine"))
			return false;
		if (!arch_find(p->s->machine)) {
			char list[128];

			machines_modelled(list, sizeof(list));
			fail(p, pos, "machine '%s' is not supported (this build models: %s)",
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
	if (!strcmp(w, "swap")) {
		if (p->s->swap)
			fail(p, pos, "a scenario has one 'swap' line");
		return !p->failed && size_decl(p, &p->s->swap, SCN_MAX_SWAP, "swap");
	}
	if (!strcmp(w, "cpus")) {
		if (!number(p, &v, "a CPU count"))
			return false;
		if (!v || v > 64 || p->s->nr_threads)
			fail(p, pos, p->s->nr_threads ? "'cpus' comes before the threads" :
			     "cpus must be between 1 and 64");
		p->s->cpus = (unsigned int)v;
		return !p->failed;
	}
	if (!strcmp(w, "explore"))
		return explore_decl(p, pos);
	if (!strcmp(w, "init")) {
		if (p->s->init.stmts)
			fail(p, pos, "a scenario has one 'init' block");
		else if (p->s->nr_threads)
			fail(p, pos, "'init' comes before the threads");
		p->in_init = true;
		return !p->failed && block(p, &p->s->init);
	}
	if (!strcmp(w, "thread"))
		return thread_decl(p, pos);
	if (!strcmp(w, "expect"))
		return expect_decl(p, pos);
	if (!strcmp(w, "exists") || !strcmp(w, "forbid"))
		return final_decl(p, w[0] == 'f', pos);
	fail(p, pos, "unknown declaration '%s'", w);
	return false;
}

static void finish_checks(struct parser *p)
{
	struct scn_pos end = p->tok.pos;

	if (!p->s->name[0])
		fail(p, (struct scn_pos){ 1, 1 }, "missing 'scenario NAME' line");
	else if (!p->s->nr_threads)
		fail(p, end, "a scenario needs at least one thread");
	else if (!p->s->expect_ok && !p->s->expect_oracle[0] && !p->s->nr_finals)
		fail(p, end, "missing 'expect ok', 'expect violation ORACLE' or a final "
		     "condition ('exists', 'forbid')");
}

int scenario_parse(const char *fname, const char *src, size_t len,
		   struct scenario **out, struct scn_error *err)
{
	struct parser p = { .src = src, .len = len, .err = err };
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
		fail(&p, (struct scn_pos){ line, (int)(nul - bol) + 1 },
		     "file contains a NUL byte (scenarios are text)");
	}
	advance(&p);
	while (!p.failed && p.tok.kind != TOK_EOF) {
		if (p.tok.kind == TOK_NEWLINE || p.tok.kind == TOK_SEMI) {
			advance(&p);
			continue;
		}
		if (top_level(&p) && !p.failed && p.tok.kind != TOK_NEWLINE &&
		    p.tok.kind != TOK_EOF && p.tok.kind != TOK_SEMI) {
			char got[64];

			describe(&p, got, sizeof(got));
			fail(&p, p.tok.pos, "expected the end of the line, found %s", got);
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

int scenario_load(const char *path, struct scenario **out, struct scn_error *err)
{
	struct stat st;
	char *buf;
	ssize_t n;
	int fd, ret;

	memset(err, 0, sizeof(*err));
	if (stat(path, &st)) {
		ret = -errno;
		snprintf(err->msg, sizeof(err->msg), "cannot read: %s", strerror(-ret));
		return ret;
	}
	/* Checked before open(): opening a FIFO would wait for a writer. */
	if (!S_ISREG(st.st_mode)) {
		snprintf(err->msg, sizeof(err->msg), "not a regular file");
		return -EINVAL;
	}
	fd = open(path, O_RDONLY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		ret = fd < 0 ? -errno : -EINVAL;
		snprintf(err->msg, sizeof(err->msg), "cannot read: %s", strerror(-ret));
		if (fd >= 0)
			close(fd);
		return ret;
	}
	if (st.st_size > SCN_MAX_FILE) {
		close(fd);
		snprintf(err->msg, sizeof(err->msg), "larger than 1 MiB: not a scenario");
		return -EFBIG;
	}
	buf = malloc((size_t)st.st_size + 1);
	n = buf ? read(fd, buf, (size_t)st.st_size) : -1;
	close(fd);
	if (n != st.st_size) {
		free(buf);
		snprintf(err->msg, sizeof(err->msg), "cannot read: %s", strerror(errno));
		return -EIO;
	}
	ret = scenario_parse(path, buf, (size_t)n, out, err);
	if (!ret) {
		/* Strings point into the scenario's own allocations, not @buf. */
		(*out)->path = path;
	}
	free(buf);
	return ret;
}

void scenario_free(struct scenario *s)
{
	unsigned int i;

	if (!s)
		return;
	for (i = 0; i < s->nr_allocs; i++)
		free(s->allocs[i]);
	free(s->allocs);
	free(s);
}

void scn_error_print(FILE *f, const char *path, const struct scn_error *err)
{
	int i;

	if (!err->pos.line) {
		fprintf(f, "%s: error: %s\n", path, err->msg);
		return;
	}
	fprintf(f, "%s:%d:%d: error: %s\n", path, err->pos.line, err->pos.col, err->msg);
	fprintf(f, "    %s\n    ", err->line);
	for (i = 1; i < err->pos.col && err->line[i - 1]; i++)
		fputc(err->line[i - 1] == '\t' ? '\t' : ' ', f);
	fputs("^\n", f);
}

unsigned long scn_addr_value(const struct scn_addr *a)
{
	return addr_value(a);
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
		return WORD(verbs, .verb);
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
	unsigned int i, mask = 0;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcmp(verb, verbs[i].verb))
			continue;
		mask = op_opts[verbs[i].op];
		/* One verb, two statements: 'dma P write' and 'dma P read'. */
		if (verbs[i].op == OP_DMA_WRITE)
			mask |= op_opts[OP_DMA_READ];
	}
	return mask;
}
