// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The TTM domain (seeds 000 and 003): buffer objects of a GPU whose VRAM
 * is the machine's device memory ('vram SIZE' line). A BO is declared in
 * init (bo), mapped by a process (map_bo), moved between placements
 * (bo_move), reserved two at a time (bo_reserve), and, with dirty
 * tracking, synced to and read by the device (bo_sync, bo_device_read).
 * Processes read and write its mappings with the core's read and write.
 */
#include <errno.h>
#include <string.h>

#include "protmm/ttm.h"
#include "scenario/domain.h"

struct ttm_stmt {
	int bo, bo2;
	int placement;
	bool dirty;
};

static const char *const placements[] = {
	[PMM_BO_SYSTEM] = "system", [PMM_BO_TT] = "tt", [PMM_BO_VRAM] = "vram",
};

static bool placement(struct scn_parser *p, int *out)
{
	struct scn_pos pos = p->tok.pos;
	unsigned int i;

	for (i = 0; i < sizeof(placements) / sizeof(placements[0]); i++) {
		if (scn_accept_word(p, placements[i])) {
			*out = (int)i;
			return true;
		}
	}
	scn_fail(p, pos, "expected a placement: system, tt or vram");
	return false;
}

static bool needs_vram(struct scn_parser *p, struct scn_pos pos)
{
	if (!p->s->vram)
		scn_fail(p, pos, "buffer objects need the GPU's VRAM: a 'vram SIZE' line");
	return !p->failed;
}

/* bo NAME PLACEMENT [dirty] size N */
static bool bo_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct ttm_stmt *d = scn_stmt_data(p, st, sizeof(*d));
	struct scn_pos pos = p->tok.pos;
	char n[SCN_MAX_NAME];

	if (!d || !needs_vram(p, st->pos))
		return false;
	if (!p->in_init || st->proc >= 0) {
		scn_fail(p, st->pos, "a buffer object is declared in 'init', without 'on PROCESS'");
		return false;
	}
	if (!scn_name(p, n, "a name for the buffer object"))
		return false;
	d->bo = scn_define(p, SYM_BO, n, pos);
	if (d->bo < 0 || !placement(p, &d->placement))
		return false;
	d->dirty = scn_accept_word(p, "dirty");
	p->s->bo_dirty[d->bo] = d->dirty;
	if (!scn_options(p, st, st->verb->options, O_SIZE, "bo"))
		return false;
	if (!st->a.size || st->a.size > SCN_MAX_VRAM)
		scn_fail(p, st->pos, "a buffer object's size is 4K to 256M");
	return !p->failed && scn_page_aligned(p, st->a.size, st->pos, "size");
}

static long bo_exec(struct scn_run *r, const struct scn_stmt *st,
		    struct pmm_process *p)
{
	const struct ttm_stmt *d = st->data;
	int err;

	(void)p;
	r->bo[d->bo] = pmm_bo_create(st->a.size, d->placement,
				     d->dirty ? PMM_BO_DIRTY : 0, &err);
	return r->bo[d->bo] ? 0 : err;
}

/* map_bo BO ADDR-or-NAME len N prot P: the DRM file's shared mmap. */
static bool map_bo_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct ttm_stmt *d = scn_stmt_data(p, st, sizeof(*d));
	struct scn_args *a = &st->a;
	char n[SCN_MAX_NAME];

	if (!d || (d->bo = scn_use(p, SYM_BO)) < 0)
		return false;
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
	if (!scn_options(p, st, st->verb->options, O_LEN | O_PROT, "map_bo"))
		return false;
	if (!a->len || a->len > SCN_MAX_MAP)
		scn_fail(p, a->len_pos, "mapping length must be between 4K and 64M");
	return !p->failed &&
	       scn_page_aligned(p, scn_addr_value(&a->addr), a->addr.pos, "address") &&
	       scn_page_aligned(p, a->len, a->len_pos, "length");
}

static long map_bo_exec(struct scn_run *r, const struct scn_stmt *st,
			struct pmm_process *p)
{
	const struct ttm_stmt *d = st->data;

	if (!r->bo[d->bo])
		return -ENOMEM;
	return pmm_bo_mmap(p, scn_addr_value(&st->a.addr), st->a.len, st->a.prot,
			   r->bo[d->bo]);
}

/* bo_move BO PLACEMENT */
static bool bo_move_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct ttm_stmt *d = scn_stmt_data(p, st, sizeof(*d));

	return d && (d->bo = scn_use(p, SYM_BO)) >= 0 && placement(p, &d->placement) &&
	       scn_options(p, st, st->verb->options, 0, "bo_move");
}

static long bo_move_exec(struct scn_run *r, const struct scn_stmt *st,
			 struct pmm_process *p)
{
	const struct ttm_stmt *d = st->data;

	(void)p;
	return r->bo[d->bo] ? pmm_bo_move(r->bo[d->bo], d->placement) : -ENOMEM;
}

/* bo_reserve BO BO (knob ttm.reserve: with a ww acquire context or not) */
static bool bo_reserve_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct ttm_stmt *d = scn_stmt_data(p, st, sizeof(*d));
	struct scn_pos pos = p->tok.pos;

	if (!d || (d->bo = scn_use(p, SYM_BO)) < 0)
		return false;
	pos = p->tok.pos;
	if ((d->bo2 = scn_use(p, SYM_BO)) < 0)
		return false;
	if (d->bo2 == d->bo)
		scn_fail(p, pos, "'bo_reserve' takes two different buffer objects");
	return !p->failed && scn_options(p, st, st->verb->options, 0, "bo_reserve");
}

static long bo_reserve_exec(struct scn_run *r, const struct scn_stmt *st,
			    struct pmm_process *p)
{
	const struct ttm_stmt *d = st->data;

	(void)p;
	if (!r->bo[d->bo] || !r->bo[d->bo2])
		return -ENOMEM;
	return pmm_bo_reserve_pair(r->bo[d->bo], r->bo[d->bo2]);
}

/* bo_sync BO: a BO with dirty tracking */
static bool dirty_bo(struct scn_parser *p, struct scn_stmt *st)
{
	struct ttm_stmt *d = scn_stmt_data(p, st, sizeof(*d));
	struct scn_pos pos = p->tok.pos;

	if (!d || (d->bo = scn_use(p, SYM_BO)) < 0)
		return false;
	if (!p->s->bo_dirty[d->bo])
		scn_fail(p, pos, "'%s' needs a buffer object with dirty tracking "
			 "('bo %s ... dirty')", st->verb->name,
			 p->s->sym[SYM_BO].names[d->bo]);
	return !p->failed;
}

static bool bo_sync_parse(struct scn_parser *p, struct scn_stmt *st)
{
	return dirty_bo(p, st) && scn_options(p, st, st->verb->options, 0, "bo_sync");
}

static long bo_sync_exec(struct scn_run *r, const struct scn_stmt *st,
			 struct pmm_process *p)
{
	const struct ttm_stmt *d = st->data;

	(void)p;
	return r->bo[d->bo] ? pmm_bo_sync(r->bo[d->bo]) : -ENOMEM;
}

/* bo_device_read BO off N len N [expect "..."] [as R]: within one page. */
static bool bo_device_read_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct scn_args *a = &st->a;

	if (!dirty_bo(p, st) ||
	    !scn_options(p, st, st->verb->options, O_OFF | O_LEN, "bo_device_read"))
		return false;
	if (!a->len || a->len > SCN_MAX_STRING || (a->off % SCN_PAGE) + a->len > SCN_PAGE)
		scn_fail(p, a->len_pos, "a device read is 1 to %d bytes within a page",
			 SCN_MAX_STRING);
	return !p->failed;
}

static long bo_device_read_exec(struct scn_run *r, const struct scn_stmt *st,
				struct pmm_process *p)
{
	const struct ttm_stmt *d = st->data;
	unsigned char buf[SCN_MAX_STRING];
	int ret;

	(void)p;
	if (!r->bo[d->bo])
		return -ENOMEM;
	ret = pmm_bo_device_read(r->bo[d->bo], st->a.off, buf, st->a.len);
	scn_read_done(st->reg >= 0 ? scn_reg(r, st->reg) : NULL, st, "bo_device_read",
		      buf, st->a.len, ret < 0 ? ret : 0);
	return ret;
}

/* map_vvar NAME-or-ADDR: the vvar-like special mapping, two pages. */
static bool map_vvar_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct scn_args *a = &st->a;
	char n[SCN_MAX_NAME];

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
	return scn_options(p, st, st->verb->options, 0, "map_vvar") &&
	       scn_page_aligned(p, scn_addr_value(&a->addr), a->addr.pos, "address");
}

static long map_vvar_exec(struct scn_run *r, const struct scn_stmt *st,
			  struct pmm_process *p)
{
	(void)r;
	return pmm_vvar_map(p, scn_addr_value(&st->a.addr));
}

/* vvar_write [off N] "..." | pvclock_write [off N] "...": within the page */
static bool page_write_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct scn_args *a = &st->a;

	if (!scn_string(p, &a->str, &a->str_len, "the bytes to write") ||
	    !scn_options(p, st, st->verb->options, 0, st->verb->name))
		return false;
	if (a->off >= SCN_PAGE || a->str_len > SCN_PAGE - a->off || !a->str_len)
		scn_fail(p, st->pos, "'%s' writes 1 byte to 4K within its page",
			 st->verb->name);
	return !p->failed;
}

static long vvar_write_exec(struct scn_run *r, const struct scn_stmt *st,
			    struct pmm_process *p)
{
	(void)r;
	(void)p;
	return pmm_vvar_write(st->a.off, st->a.str, st->a.str_len);
}

static long pvclock_write_exec(struct scn_run *r, const struct scn_stmt *st,
			       struct pmm_process *p)
{
	(void)r;
	(void)p;
	return pmm_pvclock_write(st->a.off, st->a.str, st->a.str_len);
}

static const struct scn_verb verbs[] = {
	{ "bo", O_SIZE, SCN_VERB_DECL, bo_parse, bo_exec },
	{ "map_bo", O_LEN | O_PROT, 0, map_bo_parse, map_bo_exec },
	{ "bo_move", 0, 0, bo_move_parse, bo_move_exec },
	{ "bo_reserve", 0, 0, bo_reserve_parse, bo_reserve_exec },
	{ "bo_sync", 0, 0, bo_sync_parse, bo_sync_exec },
	{ "bo_device_read", O_OFF | O_LEN | O_EXPECT | O_AS, 0, bo_device_read_parse,
	  bo_device_read_exec },
	{ "map_vvar", 0, 0, map_vvar_parse, map_vvar_exec },
	{ "vvar_write", O_OFF, 0, page_write_parse, vvar_write_exec },
	{ "pvclock_write", O_OFF, 0, page_write_parse, pvclock_write_exec },
};

SCN_DOMAIN(ttm, verbs);
