// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The huge page domain: transparent huge pages (madvise, split_thp) and
 * the hugetlb pools (nr_hugepages, demote). A hugetlb mapping is 'map A
 * hugetlb SIZE ...' (dom_mm.c): MAP_HUGETLB, from the pool of SIZE.
 */
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

static const struct scn_verb verbs[] = {
	{ "madvise", O_LEN | O_AS, 0, madvise_parse, madvise_exec },
	{ "split_thp", O_AS, 0, split_thp_parse, split_thp_exec },
	/* The pools are the machine's: no process, in init or a thread. */
	{ "nr_hugepages", O_AS, SCN_VERB_DECL, nr_hugepages_parse, nr_hugepages_exec },
	{ "demote", O_AS, SCN_VERB_DECL, demote_parse, demote_exec },
};

SCN_DOMAIN(huge, verbs);
