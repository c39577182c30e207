// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The huge page domain: transparent huge pages (madvise, split_thp), the
 * hugetlb pools (nr_hugepages, demote) and hugetlbfs files (hugetlbfs,
 * hugetlbfs_truncate, hugetlbfs_punch). A hugetlb mapping is 'map A
 * hugetlb SIZE ...' (MAP_HUGETLB, from the pool of SIZE) or 'map A
 * hugetlbfs H ...' (dom_mm.c).
 */
#define SCN_MAX_FILE_HUGE	(2ul << 30)
#include <errno.h>

#include "protmm/hugetlb.h"
#include "scenario/domain.h"

/* madvise: the advice; nr_hugepages/demote: the pool and the count. */
struct huge_data {
	int advice;
	unsigned long size, nr;
};

static bool stmt_end(const struct scn_parser *p)
{
	return p->tok.kind == TOK_NEWLINE || p->tok.kind == TOK_SEMI ||
	       p->tok.kind == TOK_RBRACE || p->tok.kind == TOK_EOF;
}

/* madvise ADDR len N (hugepage | nohugepage) [as R], the advice anywhere. */
static bool madvise_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct huge_data *d = scn_stmt_data(p, st, sizeof(*d));
	unsigned int seen = 0;

	if (!d || !scn_address(p, &st->a.addr))
		return false;
	while (!p->failed && !stmt_end(p)) {
		int advice = scn_is_word(p, "hugepage") ? PMM_MADV_HUGEPAGE :
			     scn_is_word(p, "nohugepage") ? PMM_MADV_NOHUGEPAGE : 0;

		if (!advice) {
			if (!scn_option(p, st, &seen, st->verb->options, "madvise"))
				return false;
			continue;
		}
		if (d->advice) {
			scn_fail(p, p->tok.pos, "'madvise' takes one advice");
			return false;
		}
		d->advice = advice;
		scn_advance(p);
	}
	st->a.flags = seen;
	if (!(seen & O_LEN))
		scn_fail(p, st->pos, "'madvise' needs 'len'");
	else if (!d->advice)
		scn_fail(p, st->pos, "'madvise' needs 'hugepage' or 'nohugepage' "
			 "(no other advice is supported)");
	return !p->failed &&
	       scn_page_aligned(p, scn_addr_value(&st->a.addr), st->a.addr.pos, "address") &&
	       scn_page_aligned(p, st->a.len, st->a.len_pos, "length");
}

static long madvise_exec(struct scn_run *r, const struct scn_stmt *st,
			 struct pmm_process *p)
{
	const struct huge_data *d = st->data;

	(void)r;
	return pmm_madvise(p, scn_addr_value(&st->a.addr), st->a.len, d->advice);
}

/* split_thp ADDR [as R]: the debugfs split_huge_pages of one THP. */
static bool split_thp_parse(struct scn_parser *p, struct scn_stmt *st)
{
	return scn_address(p, &st->a.addr) &&
	       scn_options(p, st, st->verb->options, 0, "split_thp");
}

static long split_thp_exec(struct scn_run *r, const struct scn_stmt *st,
			   struct pmm_process *p)
{
	(void)r;
	return pmm_split_thp(p, scn_addr_value(&st->a.addr));
}

/* SIZE N: a pool (2M or 1G) and a count. */
static bool pool_count(struct scn_parser *p, struct huge_data *d, const char *verb)
{
	struct scn_pos pos = p->tok.pos;

	if (!scn_number(p, &d->size, "a huge page size (2M or 1G)"))
		return false;
	if (d->size != PMM_HUGE_2M && d->size != PMM_HUGE_1G) {
		scn_fail(p, pos, "a huge page is 2M or 1G, not %#lx", d->size);
		return false;
	}
	pos = p->tok.pos;
	if (!scn_number(p, &d->nr, "a number of huge pages"))
		return false;
	if (d->nr > 4096)
		scn_fail(p, pos, "'%s' takes at most 4096 huge pages", verb);
	return !p->failed;
}

/* nr_hugepages SIZE N [as R]: hugepages-SIZE/nr_hugepages = N. */
static bool nr_hugepages_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct huge_data *d = scn_stmt_data(p, st, sizeof(*d));

	return d && pool_count(p, d, "nr_hugepages") &&
	       scn_options(p, st, st->verb->options, 0, "nr_hugepages");
}

static long nr_hugepages_exec(struct scn_run *r, const struct scn_stmt *st,
			      struct pmm_process *p)
{
	const struct huge_data *d = st->data;

	(void)r;
	(void)p;
	return pmm_hugetlb_set_pool(d->size, d->nr);
}

/* demote SIZE N [as R]: hugepages-SIZE/demote = N. */
static bool demote_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct huge_data *d = scn_stmt_data(p, st, sizeof(*d));

	if (!d || !pool_count(p, d, "demote"))
		return false;
	if (d->size != PMM_HUGE_1G)
		scn_fail(p, st->pos, "only a 1G page demotes (into 2M pages)");
	return !p->failed && scn_options(p, st, st->verb->options, 0, "demote");
}

static long demote_exec(struct scn_run *r, const struct scn_stmt *st,
			struct pmm_process *p)
{
	const struct huge_data *d = st->data;

	(void)r;
	(void)p;
	return pmm_hugetlb_demote(d->size, d->nr);
}

/* hugetlbfs H SIZE size N: a file on a hugetlbfs mount of SIZE pages. */
static bool hugetlbfs_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct huge_data *d = scn_stmt_data(p, st, sizeof(*d));
	struct scn_pos pos = p->tok.pos, size_pos;
	char n[SCN_MAX_NAME];
	int i;

	if (!d)
		return false;
	if (!p->in_init) {
		scn_fail(p, st->pos, "a %s is declared in 'init'", scn_kind_names[SYM_HFILE]);
		return false;
	}
	if (!scn_name(p, n, "a name") || (i = scn_define(p, SYM_HFILE, n, pos)) < 0)
		return false;
	d->nr = (unsigned long)i;
	size_pos = p->tok.pos;
	if (!scn_number(p, &d->size, "a huge page size (2M or 1G)"))
		return false;
	if (d->size != PMM_HUGE_2M && d->size != PMM_HUGE_1G) {
		scn_fail(p, size_pos, "a huge page is 2M or 1G, not %#lx", d->size);
		return false;
	}
	p->s->hfile_page[i] = d->size;
	if (!scn_options(p, st, st->verb->options, O_SIZE, "hugetlbfs"))
		return false;
	if (!st->a.size || st->a.size % d->size || st->a.size > SCN_MAX_FILE_HUGE)
		scn_fail(p, st->pos, "a hugetlbfs file's size is a multiple of its page "
			 "size, at most 2G");
	return !p->failed;
}

static long hugetlbfs_exec(struct scn_run *r, const struct scn_stmt *st,
			   struct pmm_process *p)
{
	const struct huge_data *d = st->data;

	(void)p;
	r->hfile[d->nr] = pmm_hugetlbfs_create(d->size, st->a.size);
	return r->hfile[d->nr] ? 0 : -ENOMEM;
}

/* hugetlbfs_truncate H size N / hugetlbfs_punch H off N len N */
static bool hfile_op_parse(struct scn_parser *p, struct scn_stmt *st,
			   unsigned int required)
{
	struct huge_data *d = scn_stmt_data(p, st, sizeof(*d));
	int i;

	if (!d || (i = scn_use(p, SYM_HFILE)) < 0)
		return false;
	d->nr = (unsigned long)i;
	return scn_options(p, st, st->verb->options, required, st->verb->name);
}

static bool hugetlbfs_truncate_parse(struct scn_parser *p, struct scn_stmt *st)
{
	return hfile_op_parse(p, st, O_SIZE);
}

static long hugetlbfs_truncate_exec(struct scn_run *r, const struct scn_stmt *st,
				    struct pmm_process *p)
{
	const struct huge_data *d = st->data;

	(void)p;
	return r->hfile[d->nr] ? pmm_hugetlbfs_truncate(r->hfile[d->nr], st->a.size) :
				 -ENOMEM;
}

static bool hugetlbfs_punch_parse(struct scn_parser *p, struct scn_stmt *st)
{
	return hfile_op_parse(p, st, O_OFF | O_LEN);
}

static long hugetlbfs_punch_exec(struct scn_run *r, const struct scn_stmt *st,
				 struct pmm_process *p)
{
	const struct huge_data *d = st->data;

	(void)p;
	return r->hfile[d->nr] ?
	       pmm_hugetlbfs_punch_hole(r->hfile[d->nr], st->a.off, st->a.len) :
	       -ENOMEM;
}

static const struct scn_verb verbs[] = {
	{ "madvise", O_LEN | O_AS, 0, madvise_parse, madvise_exec },
	{ "split_thp", O_AS, 0, split_thp_parse, split_thp_exec },
	/* The pools are the machine's: no process, in init or a thread. */
	{ "nr_hugepages", O_AS, SCN_VERB_DECL, nr_hugepages_parse, nr_hugepages_exec },
	{ "demote", O_AS, SCN_VERB_DECL, demote_parse, demote_exec },
	{ "hugetlbfs", O_SIZE, SCN_VERB_DECL, hugetlbfs_parse, hugetlbfs_exec },
	/* The files are the machine's too: no mm needed. */
	{ "hugetlbfs_truncate", O_SIZE | O_AS, SCN_VERB_DECL, hugetlbfs_truncate_parse,
	  hugetlbfs_truncate_exec },
	{ "hugetlbfs_punch", O_OFF | O_LEN | O_AS, SCN_VERB_DECL, hugetlbfs_punch_parse,
	  hugetlbfs_punch_exec },
};

SCN_DOMAIN(huge, verbs);
