// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The shmem domain: shmem (tmpfs) files and memfds (shmem, memfd), their
 * seals (seal), fallocate, and reclaim of a shmem file's pages to swap
 * (reclaim_file). They are files of the scenario: map, fwrite, fread,
 * truncate and punch take them as they take a file on the disk.
 */
#include <errno.h>
#include <string.h>

#include "protmm/shmem.h"
#include "scenario/domain.h"

/* shmem/memfd: the file it declares, and whether it may be sealed. */
struct shmem_decl {
	int target;
	bool sealing;
};

/* seal: the F_SEAL_* bits. */
struct shmem_seal {
	unsigned int seals;
};

/* shmem NAME size SIZE | memfd NAME size SIZE [sealing] */
static bool decl_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct shmem_decl *d = scn_stmt_data(p, st, sizeof(*d));
	const char *verb = st->verb->name;
	struct scn_pos pos = p->tok.pos;
	char n[SCN_MAX_NAME], decl[SCN_MAX_NAME + 8];

	if (!d)
		return false;
	if (!p->in_init) {
		scn_fail(p, st->pos, "a %s is declared in 'init'", verb);
		return false;
	}
	if (!scn_name(p, n, "a name"))
		return false;
	d->target = scn_define(p, SYM_FILE, n, pos);
	if (d->target < 0 || p->failed)
		return false;
	snprintf(decl, sizeof(decl), "'%s NAME'", verb);
	if (!scn_size_clause(p, st, decl, "a file size", verb, SCN_MAX_MAP, "64M"))
		return false;
	if (!p->failed && !strcmp(verb, "memfd") && scn_accept_word(p, "sealing"))
		d->sealing = true;
	return !p->failed;
}

/*
 * A tmpfs file, or memfd_create() (MFD_ALLOW_SEALING with 'sealing'), then
 * ftruncate() to its size: the usual way a memfd gets one. The file holds
 * at most its declared size.
 */
static long decl_exec(struct scn_run *r, const struct scn_stmt *st,
		      struct pmm_process *p)
{
	const struct shmem_decl *d = st->data;
	struct pmm_file *f = NULL;
	int err;

	(void)p;
	if (!strcmp(st->verb->name, "shmem")) {
		f = pmm_shmem_file_create(st->a.size);
		err = f ? 0 : -ENOMEM;
	} else {
		err = pmm_memfd_create(st->a.size,
				       d->sealing ? PMM_MFD_ALLOW_SEALING : 0, &f);
	}
	if (err)
		return err;
	r->file[d->target] = f;
	return pmm_truncate(f, st->a.size);
}

static const struct {
	const char *word;
	unsigned int seal;
} seal_words[] = {
	{ "seal", PMM_F_SEAL_SEAL },
	{ "shrink", PMM_F_SEAL_SHRINK },
	{ "grow", PMM_F_SEAL_GROW },
	{ "write", PMM_F_SEAL_WRITE },
	{ "future_write", PMM_F_SEAL_FUTURE_WRITE },
};

static bool seal_word(struct scn_parser *p, unsigned int *seals)
{
	struct scn_pos pos = p->tok.pos;
	char w[SCN_MAX_NAME];
	size_t i;

	if (!scn_name(p, w, "a seal (seal, shrink, grow, write, future_write)"))
		return false;
	for (i = 0; i < sizeof(seal_words) / sizeof(seal_words[0]); i++)
		if (!strcmp(w, seal_words[i].word)) {
			*seals |= seal_words[i].seal;
			return true;
		}
	scn_fail(p, pos, "unknown seal '%s' (seal, shrink, grow, write, future_write)", w);
	return false;
}

/* seal F SEAL[,SEAL...] [as R]: fcntl(F_ADD_SEALS). */
static bool seal_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct shmem_seal *s = scn_stmt_data(p, st, sizeof(*s));

	if (!s || (st->a.file = scn_use(p, SYM_FILE)) < 0 || !seal_word(p, &s->seals))
		return false;
	while (p->tok.kind == TOK_COMMA) {
		scn_advance(p);
		if (!seal_word(p, &s->seals))
			return false;
	}
	return scn_options(p, st, st->verb->options, 0, "seal");
}

static struct pmm_file *file_of(struct scn_run *r, const struct scn_stmt *st)
{
	return st->a.file >= 0 ? r->file[st->a.file] : NULL;
}

/* On a file that is not shmem: -EINVAL, as fcntl() says. */
static long seal_exec(struct scn_run *r, const struct scn_stmt *st,
		      struct pmm_process *p)
{
	const struct shmem_seal *s = st->data;
	struct pmm_file *f = file_of(r, st);

	(void)p;
	return f ? pmm_memfd_add_seals(f, s->seals) : -EINVAL;
}

/* fallocate F [off N] len N [as R]: allocate (mode 0) on a shmem file. */
static bool falloc_parse(struct scn_parser *p, struct scn_stmt *st)
{
	if ((st->a.file = scn_use(p, SYM_FILE)) < 0 ||
	    !scn_options(p, st, st->verb->options, O_LEN, "fallocate"))
		return false;
	if (!st->a.len)
		scn_fail(p, st->a.len_pos, "fallocate length must not be 0");
	return !p->failed;
}

static long falloc_exec(struct scn_run *r, const struct scn_stmt *st,
			struct pmm_process *p)
{
	struct pmm_file *f = file_of(r, st);

	(void)p;
	return f ? pmm_fallocate(f, 0, st->a.off, st->a.len) : -EINVAL;
}

/* reclaim_file F [off N] [len N] [as R]: one page unless told. */
static bool reclaim_file_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct scn_args *a = &st->a;

	if ((a->file = scn_use(p, SYM_FILE)) < 0 ||
	    !scn_options(p, st, st->verb->options, 0, "reclaim_file"))
		return false;
	if (!(a->flags & O_LEN)) {
		a->len = SCN_PAGE;
		a->len_pos = st->pos;
	}
	if (!a->len || a->len > SCN_MAX_MAP)
		scn_fail(p, a->len_pos, "reclaim length must be between 4K and 64M");
	return scn_page_aligned(p, a->off, a->off_pos, "file offset") &&
	       scn_page_aligned(p, a->len, a->len_pos, "length");
}

/* The pages freed: written to swap (shmem) or written back and dropped. */
static long reclaim_file_exec(struct scn_run *r, const struct scn_stmt *st,
			      struct pmm_process *p)
{
	struct pmm_file *f = file_of(r, st);

	(void)p;
	return f ? pmm_file_reclaim(f, st->a.off, st->a.len) : -EINVAL;
}

static const struct scn_verb verbs[] = {
	{ "shmem", 0, SCN_VERB_DECL, decl_parse, decl_exec },
	{ "memfd", 0, SCN_VERB_DECL, decl_parse, decl_exec },
	{ "seal", O_AS, 0, seal_parse, seal_exec },
	{ "fallocate", O_OFF | O_LEN | O_AS, 0, falloc_parse, falloc_exec },
	{ "reclaim_file", O_OFF | O_LEN | O_AS, 0, reclaim_file_parse,
	  reclaim_file_exec },
};

SCN_DOMAIN(shmem, verbs);
