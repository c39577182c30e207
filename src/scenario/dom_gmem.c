// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The guest_memfd domain: a VM's guest_memfd, declared in init
 * (guest_memfd), its fallocate (gmem_fallocate), its close
 * (gmem_close) and the in-place conversion of a range (gmem_convert). It is a file of the scenario: map, punch, fread, fwrite
 * and truncate take it, with guest_memfd's answers (protmm/guest_memfd.h).
 */
#include <errno.h>
#include <string.h>

#include "protmm/gmem_convert.h"
#include "protmm/guest_memfd.h"
#include "protmm/shmem.h"
#include "scenario/domain.h"

struct gmem_decl {
	int target;
	int vm;
	unsigned long flags;
};

/* A hugetlb guest_memfd may be one 1 GiB folio: its file is that big. */
#define SCN_MAX_GMEM_HUGE	(1ul << 30)

/* hugetlb 2M|1G: GUEST_MEMFD_FLAG_HUGETLB and the pool's size. */
static bool hugetlb_size_parse(struct scn_parser *p, unsigned long *flags)
{
	unsigned long size;
	struct scn_pos pos = p->tok.pos;

	if (!scn_number(p, &size, "a huge page size (2M or 1G)"))
		return false;
	if (size != (2ul << 20) && size != (1ul << 30)) {
		scn_fail(p, pos, "guest_memfd hugetlb takes 2M or 1G");
		return false;
	}
	*flags |= PMM_GUEST_MEMFD_FLAG_HUGETLB |
		  (size == (2ul << 20) ? PMM_GUESTMEM_HUGETLB_FLAG_2MB :
					 PMM_GUESTMEM_HUGETLB_FLAG_1GB);
	return true;
}

/* guest_memfd G vm V size N [mmap] [init_shared] [hugetlb 2M|1G] */
static bool decl_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct gmem_decl *d = scn_stmt_data(p, st, sizeof(*d));
	struct scn_pos pos = p->tok.pos;
	char n[SCN_MAX_NAME];

	if (!d)
		return false;
	if (!p->in_init) {
		scn_fail(p, st->pos, "a guest_memfd is declared in 'init'");
		return false;
	}
	if (!scn_name(p, n, "a name"))
		return false;
	d->target = scn_define(p, SYM_FILE, n, pos);
	if (d->target < 0 || p->failed)
		return false;
	if (!scn_accept_word(p, "vm")) {
		scn_fail(p, p->tok.pos, "'guest_memfd NAME' needs 'vm VM' (KVM_CREATE_GUEST_MEMFD is a VM ioctl)");
		return false;
	}
	if ((d->vm = scn_use(p, SYM_VM)) < 0)
		return false;
	/* The bound (64M, 1G with hugetlb) waits for the options. */
	if (!scn_size_clause(p, st, "'guest_memfd NAME vm VM'", "a size",
			     "guest_memfd", 0, NULL))
		return false;
	for (;;) {
		if (scn_accept_word(p, "hugetlb")) {
			if (!hugetlb_size_parse(p, &d->flags))
				return false;
		} else if (scn_accept_word(p, "mmap"))
			d->flags |= PMM_GUEST_MEMFD_FLAG_MMAP;
		else if (scn_accept_word(p, "init_shared"))
			d->flags |= PMM_GUEST_MEMFD_FLAG_INIT_SHARED;
		else
			break;
	}
	if (d->flags & PMM_GUEST_MEMFD_FLAG_HUGETLB)
		return scn_size_bound(p, st, "a hugetlb guest_memfd's",
				      SCN_MAX_GMEM_HUGE, "1G");
	return scn_size_bound(p, st, "guest_memfd", SCN_MAX_MAP,
			      "64M (1G with hugetlb)");
}

/* KVM_CREATE_GUEST_MEMFD; an unaligned size is refused (-EINVAL) there. */
static long decl_exec(struct scn_run *r, const struct scn_stmt *st,
		      struct pmm_process *p)
{
	const struct gmem_decl *d = st->data;
	struct pmm_file *f = NULL;
	int err;

	(void)p;
	if (!r->vm[d->vm])
		return -ENOMEM;
	err = pmm_gmem_create(r->vm[d->vm], st->a.size, d->flags, &f);
	if (!err)
		r->file[d->target] = f;
	return err;
}

struct gmem_falloc {
	bool punch;
};

/* gmem_fallocate G [punch] [off N] len N [as R]: always KEEP_SIZE. */
static bool falloc_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct gmem_falloc *d = scn_stmt_data(p, st, sizeof(*d));

	if (!d || (st->a.file = scn_use(p, SYM_FILE)) < 0)
		return false;
	d->punch = scn_accept_word(p, "punch");
	if (!scn_options(p, st, st->verb->options, O_LEN, "gmem_fallocate"))
		return false;
	if (!st->a.len)
		scn_fail(p, st->a.len_pos, "gmem_fallocate length must not be 0");
	return !p->failed;
}

static struct pmm_file *file_of(struct scn_run *r, const struct scn_stmt *st)
{
	return st->a.file >= 0 ? r->file[st->a.file] : NULL;
}

static long falloc_exec(struct scn_run *r, const struct scn_stmt *st,
			struct pmm_process *p)
{
	const struct gmem_falloc *d = st->data;
	struct pmm_file *f = file_of(r, st);
	unsigned int mode = PMM_FALLOC_FL_KEEP_SIZE;

	(void)p;
	if (d->punch)
		mode |= PMM_FALLOC_FL_PUNCH_HOLE;
	return f ? pmm_fallocate(f, mode, st->a.off, st->a.len) : -EBADF;
}

/* gmem_close G [as R] */
static bool close_parse(struct scn_parser *p, struct scn_stmt *st)
{
	if ((st->a.file = scn_use(p, SYM_FILE)) < 0)
		return false;
	return scn_options(p, st, st->verb->options, 0, "gmem_close");
}

/* On a file that is not a guest_memfd: -EINVAL. */
static long close_exec(struct scn_run *r, const struct scn_stmt *st,
		       struct pmm_process *p)
{
	struct pmm_file *f = file_of(r, st);

	(void)p;
	return f ? pmm_gmem_close(f) : -EBADF;
}

struct gmem_conv {
	bool to_private;
};

/* gmem_convert G private|shared [off N] len N [as R] */
static bool convert_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct gmem_conv *d = scn_stmt_data(p, st, sizeof(*d));

	if (!d || (st->a.file = scn_use(p, SYM_FILE)) < 0)
		return false;
	if (scn_accept_word(p, "private")) {
		d->to_private = true;
	} else if (!scn_accept_word(p, "shared")) {
		scn_fail(p, p->tok.pos, "'gmem_convert FILE' needs 'private' or 'shared'");
		return false;
	}
	if (!scn_options(p, st, st->verb->options, O_LEN, "gmem_convert"))
		return false;
	if (!st->a.len)
		scn_fail(p, st->a.len_pos, "gmem_convert length must not be 0");
	return !p->failed;
}

/* KVM_SET_MEMORY_ATTRIBUTES2 on the file: -EAGAIN when some page is held. */
static long convert_exec(struct scn_run *r, const struct scn_stmt *st,
			 struct pmm_process *p)
{
	const struct gmem_conv *d = st->data;
	struct pmm_file *f = file_of(r, st);
	unsigned long error_off = 0;

	(void)p;
	return f ? pmm_gmem_convert(f, st->a.off, st->a.len, d->to_private,
				    &error_off) : -EBADF;
}

static const struct scn_verb verbs[] = {
	{ "guest_memfd", 0, SCN_VERB_DECL, decl_parse, decl_exec },
	{ "gmem_fallocate", O_OFF | O_LEN | O_AS, 0, falloc_parse, falloc_exec },
	{ "gmem_close", O_AS, 0, close_parse, close_exec },
	{ "gmem_convert", O_OFF | O_LEN | O_AS, 0, convert_parse, convert_exec },
};

SCN_DOMAIN(gmem, verbs);
