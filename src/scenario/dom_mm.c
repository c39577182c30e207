// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The mm domain: processes and their address spaces (process, map,
 * munmap, mprotect, write, read, fork, exit), and a driver's pins of
 * their pages with its device's DMA (pin, unpin, dma).
 */
#include <errno.h>
#include <string.h>

#include "protmm/hugetlb.h"
#include "scenario/domain.h"
#include "sched/atomic.h"

/* process/fork: the process it makes. */
struct mm_target {
	int target;
};

/* unpin/dma: the pin used; dma: its direction. */
struct mm_pin_use {
	int pin;
	bool write;
};

static bool process_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct mm_target *d = scn_stmt_data(p, st, sizeof(*d));
	struct scn_pos pos = p->tok.pos;
	char n[SCN_MAX_NAME];

	if (!d)
		return false;
	if (!p->in_init) {
		scn_fail(p, st->pos, "a %s is declared in 'init'", scn_kind_names[SYM_PROC]);
		return false;
	}
	if (!scn_name(p, n, "a name"))
		return false;
	d->target = scn_define(p, SYM_PROC, n, pos);
	return d->target >= 0 && !p->failed;
}

static long process_exec(struct scn_run *r, const struct scn_stmt *st,
			 struct pmm_process *p)
{
	const struct mm_target *d = st->data;

	(void)p;
	r->proc[d->target] = pmm_process_create();
	return 0;
}

/*
 * map (ADDR | NAME) (anon | file F [off N] | hugetlb SIZE |
 *     hugetlbfs H [off N]) len N prot P
 *     (private | shared)
 */
static bool map_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct scn_args *a = &st->a;
	char n[SCN_MAX_NAME];
	bool huge;

	a->addr.pos = p->tok.pos;
	if (p->tok.kind == TOK_NUMBER) {
		if (!scn_address(p, &a->addr))
			return false;
	} else {
		if (!scn_name(p, n, "an address or a name for one"))
			return false;
		a->addr.sym = scn_define(p, SYM_ADDR, n, a->addr.pos);
		a->addr.off = 0;
		if (a->addr.sym < 0)
			return false;
	}
	if (!scn_options(p, st, st->verb->options, O_LEN | O_PROT, "map"))
		return false;
	huge = a->flags & (O_HUGETLB | O_HUGETLBFS);
	if (__builtin_popcount(a->flags & (O_ANON | O_FILE | O_HUGETLB | O_HUGETLBFS)) != 1)
		scn_fail(p, st->pos, "'map' needs one of 'anon', 'file NAME', 'hugetlb SIZE' "
			 "or 'hugetlbfs NAME'");
	else if (!(a->flags & (O_PRIVATE | O_SHARED)) ||
		 ((a->flags & O_PRIVATE) && (a->flags & O_SHARED)))
		scn_fail(p, st->pos, "'map' needs one of 'private' or 'shared'");
	else if ((a->flags & (O_ANON | O_HUGETLB)) && (a->flags & O_OFF))
		scn_fail(p, st->pos, "'off' is for file mappings");
	else if (!huge && (!a->len || a->len > SCN_MAX_MAP))
		scn_fail(p, st->pos, "mapping length must be between 4K and 64M");
	else if (huge && (!a->len || a->len > SCN_MAX_MEMORY))
		scn_fail(p, st->pos, "a hugetlb mapping's length must be between "
			 "its page size and the machine's largest memory (2G)");
	else if (huge && ((a->len | a->off | scn_addr_value(&a->addr)) & (a->huge - 1)))
		scn_fail(p, (scn_addr_value(&a->addr) & (a->huge - 1)) ? a->addr.pos :
			 (a->off & (a->huge - 1)) ? a->off_pos : a->len_pos,
			 "a hugetlb mapping's address, length and offset are "
			 "multiples of its page size (%luM)", a->huge >> 20);
	return scn_page_aligned(p, scn_addr_value(&a->addr), a->addr.pos, "address") &&
	       scn_page_aligned(p, a->len, a->len_pos, "length") &&
	       scn_page_aligned(p, a->off, a->off_pos, "file offset");
}

static long map_exec(struct scn_run *r, const struct scn_stmt *st,
		     struct pmm_process *p)
{
	const struct scn_args *a = &st->a;
	unsigned int flags = (a->flags & O_SHARED) ? PMM_MAP_SHARED : PMM_MAP_PRIVATE;

	/* MAP_HUGETLB: an anonymous hugetlbfs file of the pool's pages. */
	if (a->flags & (O_HUGETLB | O_HUGETLBFS))
		return pmm_mmap_hugetlb(p, scn_addr_value(&a->addr), a->len, a->prot,
					flags, a->huge, (a->flags & O_HUGETLBFS) ?
					r->hfile[a->file] : NULL, a->off);
	return pmm_mmap(p, scn_addr_value(&a->addr), a->len, a->prot,
			(a->flags & O_SHARED) ? PMM_MAP_SHARED : PMM_MAP_PRIVATE,
			(a->flags & O_ANON) ? NULL : r->file[a->file], a->off);
}

/* munmap/mprotect/read/pin: an address, then options. */
static bool addr_parse(struct scn_parser *p, struct scn_stmt *st, unsigned int required)
{
	return scn_address(p, &st->a.addr) &&
	       scn_options(p, st, st->verb->options, required, st->verb->name);
}

static bool munmap_parse(struct scn_parser *p, struct scn_stmt *st)
{
	return addr_parse(p, st, O_LEN) &&
	       scn_page_aligned(p, st->a.len, st->a.len_pos, "length");
}

static long munmap_exec(struct scn_run *r, const struct scn_stmt *st,
			struct pmm_process *p)
{
	(void)r;
	return pmm_munmap(p, scn_addr_value(&st->a.addr), st->a.len);
}

static bool mprotect_parse(struct scn_parser *p, struct scn_stmt *st)
{
	return addr_parse(p, st, O_LEN | O_PROT) &&
	       scn_page_aligned(p, st->a.len, st->a.len_pos, "length");
}

static long mprotect_exec(struct scn_run *r, const struct scn_stmt *st,
			  struct pmm_process *p)
{
	(void)r;
	return pmm_mprotect(p, scn_addr_value(&st->a.addr), st->a.len, st->a.prot);
}

/* write ADDR [tag N] "bytes" [as R] */
static bool write_parse(struct scn_parser *p, struct scn_stmt *st)
{
	unsigned int seen = 0;

	if (!scn_address(p, &st->a.addr))
		return false;
	if (scn_is_word(p, "tag") && !scn_option(p, st, &seen, O_TAG, "write"))
		return false;
	st->a.flags = seen;
	return scn_string(p, &st->a.str, &st->a.str_len, "the bytes to write") &&
	       scn_options(p, st, st->verb->options, 0, "write");
}

static long write_exec(struct scn_run *r, const struct scn_stmt *st,
		       struct pmm_process *p)
{
	(void)r;
	return pmm_store(p, scn_tagged(st, scn_addr_value(&st->a.addr)), st->a.str,
			 st->a.str_len);
}

static bool read_parse(struct scn_parser *p, struct scn_stmt *st)
{
	if (!addr_parse(p, st, 0))
		return false;
	if (!(st->a.flags & (O_LEN | O_EXPECT)))
		scn_fail(p, st->pos, "'read' needs 'len N' or 'expect \"bytes\"'");
	return !p->failed;
}

static long read_exec(struct scn_run *r, const struct scn_stmt *st,
		      struct pmm_process *p)
{
	size_t n = st->a.len ? st->a.len : st->a.str_len;
	unsigned char buf[SCN_MAX_STRING];
	struct scn_reg *g = scn_reg(r, st->reg);
	int ret;

	if (n > sizeof(buf))
		n = sizeof(buf);
	ret = pmm_load(p, scn_tagged(st, scn_addr_value(&st->a.addr)), buf, n);
	scn_read_done(g, st, "read", buf, n, ret);
	return ret;
}

/* fork -> CHILD [as R] */
static bool fork_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct mm_target *d = scn_stmt_data(p, st, sizeof(*d));
	char n[SCN_MAX_NAME];

	if (!d || !scn_expect_tok(p, TOK_ARROW, "after 'fork' (fork -> CHILD)"))
		return false;
	st->a.addr.pos = p->tok.pos;
	if (!scn_name(p, n, "the child process's name"))
		return false;
	d->target = scn_define(p, SYM_PROC, n, st->a.addr.pos);
	if (d->target >= 0 && !p->in_init)
		p->s->proc_forked_in_thread[d->target] = true;
	return d->target >= 0 && scn_options(p, st, st->verb->options, 0, "fork");
}

static long fork_exec(struct scn_run *r, const struct scn_stmt *st,
		      struct pmm_process *p)
{
	const struct mm_target *d = st->data;
	struct pmm_process *c = pmm_fork(p);

	/* A child a thread forks is published to the others: a race. */
	if (r->s->proc_forked_in_thread[d->target])
		WRITE_ONCE(r->proc[d->target], c);
	else
		r->proc[d->target] = c;
	return c ? 0 : -ENOMEM;
}

static bool exit_parse(struct scn_parser *p, struct scn_stmt *st)
{
	return scn_options(p, st, st->verb->options, 0, "exit");
}

static long exit_exec(struct scn_run *r, const struct scn_stmt *st,
		      struct pmm_process *p)
{
	(void)r;
	(void)st;
	pmm_exit(p);
	return 0;
}

/* pin ADDR [pages N] [write] [longterm] [fast] [get] as PIN */
static bool pin_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct scn_args *a = &st->a;

	if (!addr_parse(p, st, O_AS))
		return false;
	if (!(a->flags & O_PAGES))
		a->len = 1;
	if (!a->len || a->len > SCN_MAX_PIN_PAGES)
		scn_fail(p, st->pos, "a pin takes 1 to %d pages", SCN_MAX_PIN_PAGES);
	else if (st->reg < 0)
		scn_fail(p, st->pos, "'pin' needs 'as NAME' to unpin it later");
	return !p->failed && scn_page_aligned(p, scn_addr_value(&a->addr), a->addr.pos,
					       "pinned address");
}

static long pin_exec(struct scn_run *r, const struct scn_stmt *st,
		     struct pmm_process *p)
{
	unsigned int f = st->a.flags;
	unsigned int flags = ((f & O_WRITE) ? PMM_GUP_WRITE : 0) |
			     ((f & O_LONGTERM) ? PMM_GUP_LONGTERM : 0) |
			     ((f & O_FAST) ? PMM_GUP_FAST : 0) |
			     ((f & O_GET) ? PMM_GUP_GET : 0);
	struct pmm_pin *pin = NULL;
	int ret = pmm_pin(p, scn_addr_value(&st->a.addr), st->a.len, flags, &pin);

	r->pin[st->reg] = ret ? NULL : pin;
	return ret;
}

static bool unpin_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct mm_pin_use *d = scn_stmt_data(p, st, sizeof(*d));

	return d && (d->pin = scn_use(p, SYM_PIN)) >= 0 &&
	       scn_options(p, st, st->verb->options, 0, "unpin");
}

static long unpin_exec(struct scn_run *r, const struct scn_stmt *st,
		       struct pmm_process *p)
{
	const struct mm_pin_use *d = st->data;

	(void)p;
	if (!r->pin[d->pin])
		return -EINVAL;
	pmm_unpin(r->pin[d->pin]);
	r->pin[d->pin] = NULL;
	return 0;
}

#define DMA_WRITE_OPTS	O_OFF
#define DMA_READ_OPTS	(O_OFF | O_LEN | O_EXPECT | O_AS)

/* dma PIN write "bytes" [off N] | dma PIN read [off N] [len N] [expect ...] */
static bool dma_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct mm_pin_use *d = scn_stmt_data(p, st, sizeof(*d));

	if (!d || (d->pin = scn_use(p, SYM_PIN)) < 0)
		return false;
	if (scn_accept_word(p, "write")) {
		d->write = true;
		if (!scn_string(p, &st->a.str, &st->a.str_len, "the bytes the device writes"))
			return false;
		return scn_options(p, st, DMA_WRITE_OPTS, 0, "dma write");
	}
	if (scn_accept_word(p, "read"))
		return scn_options(p, st, DMA_READ_OPTS, 0, "dma read");
	scn_fail(p, p->tok.pos, "'dma PIN' is followed by 'write \"bytes\"' or 'read'");
	return false;
}

static long dma_exec(struct scn_run *r, const struct scn_stmt *st,
		     struct pmm_process *p)
{
	const struct mm_pin_use *d = st->data;
	struct pmm_pin *pin = r->pin[d->pin];
	unsigned char buf[SCN_MAX_STRING];
	size_t n = d->write ? st->a.str_len : (st->a.len ? st->a.len : st->a.str_len);
	struct scn_reg *g = d->write ? NULL : scn_reg(r, st->reg);
	int ret;

	(void)p;
	if (!pin)
		return -EINVAL;
	if (d->write)
		return pmm_pin_dma(pin, st->a.off, st->a.str, n, true);
	if (n > sizeof(buf))
		n = sizeof(buf);
	ret = pmm_pin_dma(pin, st->a.off, buf, n, false);
	scn_read_done(g, st, "DMA read", buf, n, ret);
	return ret;
}

static const struct scn_verb verbs[] = {
	{ "process", 0, SCN_VERB_DECL, process_parse, process_exec },
	{ "map", O_ANON | O_FILE | O_HUGETLB | O_HUGETLBFS | O_OFF | O_LEN | O_PROT |
	  O_PRIVATE | O_SHARED, 0,
	  map_parse, map_exec },
	{ "munmap", O_LEN | O_AS, 0, munmap_parse, munmap_exec },
	{ "mprotect", O_LEN | O_PROT | O_AS, 0, mprotect_parse, mprotect_exec },
	{ "write", O_TAG | O_AS, 0, write_parse, write_exec },
	{ "read", O_TAG | O_LEN | O_EXPECT | O_AS, 0, read_parse, read_exec },
	{ "fork", O_AS, 0, fork_parse, fork_exec },
	{ "exit", 0, 0, exit_parse, exit_exec },
	{ "pin", O_PAGES | O_WRITE | O_LONGTERM | O_FAST | O_GET | O_AS, SCN_VERB_AS_PIN,
	  pin_parse, pin_exec },
	/* Releases what the pin holds: no mm needed, even once killed. */
	{ "unpin", 0, SCN_VERB_NO_MM, unpin_parse, unpin_exec },
	/* One verb, two statements: 'dma P write' and 'dma P read'. */
	{ "dma", DMA_WRITE_OPTS | DMA_READ_OPTS, 0, dma_parse, dma_exec },
};

SCN_DOMAIN(mm, verbs);
