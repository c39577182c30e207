// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The DMA domain (any machine; it means something on x86-sme and
 * x86-sev): coherent buffers and the pool of coherent pages, their user
 * mappings (dma_mmap_coherent()), streaming mappings of pinned pages
 * through SWIOTLB, and the emulated device's reads and writes at DMA
 * addresses (or, wrongly, at a page's physical address).
 *
 *   dma_alloc [pool] len N as H       dma_free H
 *   dma_mmap H NAME len N prot P      (defines the address NAME)
 *   dma_map PIN to_device|from_device|bidirectional [off N] len N as H
 *   dma_unmap H                       dma_sync H for_cpu|for_device
 *   dev_write H "bytes" [off N]       dev_read H [off N] [len N] [expect ..] [as R]
 *   dev_write_phys PIN "bytes" [off N]
 *   dev_read_phys PIN [off N] [len N] [expect ..] [as R]
 */
#include <errno.h>
#include <string.h>

#include "protmm/x86.h"
#include "scenario/domain.h"

struct x86_use {
	int reg;		/* the handle's register */
	int pin;
	int addr_sym;		/* dma_mmap's new address */
	bool pool, write, for_device;
	enum pmm_dma_dir dir;
};

/* The handle a register holds, or -EINVAL if its statement failed. */
static int reg_handle(struct scn_run *r, int reg)
{
	struct scn_reg *g = r->reg[reg];

	return g && !g->status ? (int)g->value : -EINVAL;
}

static bool need_as(struct scn_parser *p, const struct scn_stmt *st)
{
	if (st->reg < 0)
		scn_fail(p, st->pos, "'%s' needs 'as NAME' for the handle", st->verb->name);
	return !p->failed;
}

static bool alloc_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct x86_use *d = scn_stmt_data(p, st, sizeof(*d));

	if (!d)
		return false;
	d->pool = scn_accept_word(p, "pool");
	if (!scn_options(p, st, st->verb->options, O_LEN, "dma_alloc") || !need_as(p, st))
		return false;
	if (!st->a.len || st->a.len > (64ul << 10))
		scn_fail(p, st->a.len_pos, "a coherent buffer is 1 byte to 64K");
	else if (d->pool && st->a.len != SCN_PAGE)
		scn_fail(p, st->a.len_pos, "a pooled buffer is one page: len 4K");
	return !p->failed;
}

static long alloc_exec(struct scn_run *r, const struct scn_stmt *st,
		       struct pmm_process *p)
{
	const struct x86_use *d = st->data;

	(void)r;
	(void)p;
	return pmm_dma_alloc_coherent(st->a.len, d->pool);
}

static bool handle_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct x86_use *d = scn_stmt_data(p, st, sizeof(*d));

	if (!d || (d->reg = scn_use(p, SYM_REG)) < 0)
		return false;
	if (!strcmp(st->verb->name, "dma_sync")) {
		if (scn_accept_word(p, "for_device")) {
			d->for_device = true;
		} else if (!scn_accept_word(p, "for_cpu")) {
			scn_fail(p, p->tok.pos, "'dma_sync H' is followed by 'for_cpu' or "
				 "'for_device'");
			return false;
		}
	}
	return scn_options(p, st, st->verb->options, 0, st->verb->name);
}

static long free_exec(struct scn_run *r, const struct scn_stmt *st,
		      struct pmm_process *p)
{
	const struct x86_use *d = st->data;

	(void)p;
	return pmm_dma_free_coherent(reg_handle(r, d->reg));
}

static long unmap_exec(struct scn_run *r, const struct scn_stmt *st,
		       struct pmm_process *p)
{
	const struct x86_use *d = st->data;

	(void)p;
	return pmm_dma_unmap(reg_handle(r, d->reg));
}

static long sync_exec(struct scn_run *r, const struct scn_stmt *st,
		      struct pmm_process *p)
{
	const struct x86_use *d = st->data;

	(void)p;
	return pmm_dma_sync(reg_handle(r, d->reg), d->for_device);
}

/* dma_mmap H NAME len N prot P */
static bool mmap_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct x86_use *d = scn_stmt_data(p, st, sizeof(*d));
	char n[SCN_MAX_NAME];

	if (!d || (d->reg = scn_use(p, SYM_REG)) < 0)
		return false;
	st->a.addr.pos = p->tok.pos;
	if (!scn_name(p, n, "a name for the mapping's address"))
		return false;
	st->a.addr.sym = scn_define(p, SYM_ADDR, n, st->a.addr.pos);
	st->a.addr.off = 0;
	if (st->a.addr.sym < 0 ||
	    !scn_options(p, st, st->verb->options, O_LEN | O_PROT, "dma_mmap"))
		return false;
	if (!st->a.len || st->a.len > (64ul << 10))
		scn_fail(p, st->a.len_pos, "a coherent mapping is 4K to 64K");
	return !p->failed && scn_page_aligned(p, st->a.len, st->a.len_pos, "length");
}

static long mmap_exec(struct scn_run *r, const struct scn_stmt *st,
		      struct pmm_process *p)
{
	const struct x86_use *d = st->data;

	return pmm_dma_mmap_coherent(p, reg_handle(r, d->reg), scn_addr_value(&st->a.addr),
				     st->a.len, st->a.prot);
}

/* dma_map PIN DIR [off N] len N as H */
static bool map_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct x86_use *d = scn_stmt_data(p, st, sizeof(*d));

	if (!d || (d->pin = scn_use(p, SYM_PIN)) < 0)
		return false;
	if (scn_accept_word(p, "to_device"))
		d->dir = PMM_DMA_TO_DEVICE;
	else if (scn_accept_word(p, "from_device"))
		d->dir = PMM_DMA_FROM_DEVICE;
	else if (scn_accept_word(p, "bidirectional"))
		d->dir = PMM_DMA_BIDIRECTIONAL;
	else {
		scn_fail(p, p->tok.pos, "'dma_map PIN' is followed by 'to_device', "
			 "'from_device' or 'bidirectional'");
		return false;
	}
	if (!scn_options(p, st, st->verb->options, O_LEN, "dma_map") || !need_as(p, st))
		return false;
	if (!st->a.len || (st->a.off & (SCN_PAGE - 1)) + st->a.len > SCN_PAGE)
		scn_fail(p, st->a.len_pos, "a streaming mapping stays within one page");
	return !p->failed;
}

static long map_exec(struct scn_run *r, const struct scn_stmt *st,
		     struct pmm_process *p)
{
	const struct x86_use *d = st->data;

	(void)p;
	if (!r->pin[d->pin])
		return -EINVAL;
	return pmm_dma_map_pin(r->pin[d->pin], st->a.off, st->a.len, d->dir);
}

/* dev_write H|PIN "bytes" [off N] | dev_read H|PIN [off N] [len N] [expect] [as R] */
static bool dev_parse(struct scn_parser *p, struct scn_stmt *st, bool phys, bool write)
{
	struct x86_use *d = scn_stmt_data(p, st, sizeof(*d));

	if (!d)
		return false;
	d->write = write;
	if (phys ? (d->pin = scn_use(p, SYM_PIN)) < 0 : (d->reg = scn_use(p, SYM_REG)) < 0)
		return false;
	if (write && !scn_string(p, &st->a.str, &st->a.str_len, "the bytes the device writes"))
		return false;
	if (!scn_options(p, st, st->verb->options, 0, st->verb->name))
		return false;
	if (!write && !st->a.len && !st->a.str)
		scn_fail(p, st->pos, "'%s' needs 'len N' or 'expect'", st->verb->name);
	return !p->failed;
}

static bool dev_write_parse(struct scn_parser *p, struct scn_stmt *st)
{
	return dev_parse(p, st, false, true);
}

static bool dev_read_parse(struct scn_parser *p, struct scn_stmt *st)
{
	return dev_parse(p, st, false, false);
}

static bool dev_write_phys_parse(struct scn_parser *p, struct scn_stmt *st)
{
	return dev_parse(p, st, true, true);
}

static bool dev_read_phys_parse(struct scn_parser *p, struct scn_stmt *st)
{
	return dev_parse(p, st, true, false);
}

static long dev_exec(struct scn_run *r, const struct scn_stmt *st, bool phys)
{
	const struct x86_use *d = st->data;
	unsigned char buf[SCN_MAX_STRING];
	size_t n = d->write ? st->a.str_len : (st->a.len ? st->a.len : st->a.str_len);
	struct pmm_pin *pin = phys ? r->pin[d->pin] : NULL;
	int ret;

	if (phys && !pin)
		return -EINVAL;
	if (d->write)
		return phys ? pmm_dma_device_rw_phys(pin, st->a.off, st->a.str, n, true) :
			      pmm_dma_device_rw(reg_handle(r, d->reg), st->a.off, st->a.str,
						n, true);
	if (n > sizeof(buf))
		n = sizeof(buf);
	ret = phys ? pmm_dma_device_rw_phys(pin, st->a.off, buf, n, false) :
		     pmm_dma_device_rw(reg_handle(r, d->reg), st->a.off, buf, n, false);
	scn_read_done(scn_reg(r, st->reg), st, "device read", buf, n, ret);
	return ret;
}

static long dev_handle_exec(struct scn_run *r, const struct scn_stmt *st,
			    struct pmm_process *p)
{
	(void)p;
	return dev_exec(r, st, false);
}

static long dev_phys_exec(struct scn_run *r, const struct scn_stmt *st,
			  struct pmm_process *p)
{
	(void)p;
	return dev_exec(r, st, true);
}

#define DEV_READ_OPTS	(O_OFF | O_LEN | O_EXPECT | O_AS)

static const struct scn_verb verbs[] = {
	{ "dma_alloc", O_LEN | O_AS, SCN_VERB_NO_MM, alloc_parse, alloc_exec },
	{ "dma_free", O_AS, SCN_VERB_NO_MM, handle_parse, free_exec },
	{ "dma_mmap", O_LEN | O_PROT | O_AS, 0, mmap_parse, mmap_exec },
	{ "dma_map", O_OFF | O_LEN | O_AS, SCN_VERB_NO_MM, map_parse, map_exec },
	{ "dma_unmap", O_AS, SCN_VERB_NO_MM, handle_parse, unmap_exec },
	{ "dma_sync", O_AS, SCN_VERB_NO_MM, handle_parse, sync_exec },
	{ "dev_write", O_OFF | O_AS, SCN_VERB_NO_MM, dev_write_parse, dev_handle_exec },
	{ "dev_read", DEV_READ_OPTS, SCN_VERB_NO_MM, dev_read_parse, dev_handle_exec },
	{ "dev_write_phys", O_OFF | O_AS, SCN_VERB_NO_MM, dev_write_phys_parse,
	  dev_phys_exec },
	{ "dev_read_phys", DEV_READ_OPTS, SCN_VERB_NO_MM, dev_read_phys_parse,
	  dev_phys_exec },
};

SCN_DOMAIN(x86, verbs);
