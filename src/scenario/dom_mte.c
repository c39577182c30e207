// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The MTE domain (machine arm64-mte): a process's STG and LDG over a
 * range (store_tags, load_tags). Tagged pointers ('tag N' of write and
 * read), 'prot ...,mte' and the condition tags() are the core's.
 */
#include "scenario/domain.h"

/* The bytes a tag statement covers: whole granules (or pages), bounded. */
bool scn_tag_range(struct scn_parser *p, const struct scn_stmt *st,
		   unsigned long start, struct scn_pos start_pos,
		   unsigned long align, const char *what)
{
	const char *unit = align == SCN_PAGE ? "4K" : "16 (a tag granule)";

	if (start % align)
		scn_fail(p, start_pos, "%s %#lx is not a multiple of %s", what, start, unit);
	else if (!st->a.len || st->a.len > SCN_MAX_TAG_LEN)
		scn_fail(p, st->a.len_pos, "a tag range is %lu bytes to %luK", align,
			 SCN_MAX_TAG_LEN >> 10);
	else if (st->a.len % align)
		scn_fail(p, st->a.len_pos, "length %#lx is not a multiple of %s", st->a.len,
			 unit);
	return !p->failed;
}

/* store_tags ADDR TAG len N | load_tags ADDR len N [expect TAG] */
static bool tags_parse(struct scn_parser *p, struct scn_stmt *st, bool store)
{
	const char *verb = st->verb->name;
	char what[64];

	snprintf(what, sizeof(what), "'%s'", verb);
	if (!scn_needs_mte_machine(p, st->pos, what) || !scn_address(p, &st->a.addr))
		return false;
	if (store && !scn_tag_value(p, &st->a.tag, "the tag to store"))
		return false;
	if (!scn_options(p, st, st->verb->options, O_LEN, verb))
		return false;
	return scn_tag_range(p, st, scn_addr_value(&st->a.addr), st->a.addr.pos,
			     SCN_MTE_GRANULE, "address");
}

static bool store_tags_parse(struct scn_parser *p, struct scn_stmt *st)
{
	return tags_parse(p, st, true);
}

static bool load_tags_parse(struct scn_parser *p, struct scn_stmt *st)
{
	return tags_parse(p, st, false);
}

static long store_tags_exec(struct scn_run *r, const struct scn_stmt *st,
			    struct pmm_process *p)
{
	(void)r;
	return pmm_store_tags(p, scn_addr_value(&st->a.addr), st->a.len, st->a.tag);
}

/* load_tags ADDR len N [expect TAG]: LDG of every granule. */
static long load_tags_exec(struct scn_run *r, const struct scn_stmt *st,
			   struct pmm_process *p)
{
	unsigned char tags[SCN_MAX_TAG_LEN / SCN_MTE_GRANULE];
	size_t n = st->a.len / SCN_MTE_GRANULE;
	long ret;

	(void)r;
	ret = pmm_load_tags(p, scn_addr_value(&st->a.addr), st->a.len, tags);
	scn_check_expect_tags(st, "load_tags", tags, n, ret);
	return ret;
}

static const struct scn_verb verbs[] = {
	{ "store_tags", O_LEN | O_AS, 0, store_tags_parse, store_tags_exec },
	{ "load_tags", O_LEN | O_AS | O_EXPECT, SCN_VERB_EXPECT_TAG, load_tags_parse,
	  load_tags_exec },
};

SCN_DOMAIN(mte, verbs);
