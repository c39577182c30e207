// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The file domain: files on the disk and pipes (file, pipe), buffered and
 * direct I/O between a file and a process's memory (fwrite, fread,
 * fwrite_direct, fread_direct), fsync, truncate, punch, and splice
 * between a file and a pipe (splice, pipe_read).
 */
#include <errno.h>

#include "scenario/domain.h"

/* file/pipe: the object it declares. */
struct file_decl {
	int target;
};

/* splice: from the file to the pipe, or back. */
struct file_splice {
	bool to_pipe;
};

static bool decl_parse(struct scn_parser *p, struct scn_stmt *st, enum scn_sym_kind k)
{
	struct file_decl *d = scn_stmt_data(p, st, sizeof(*d));
	struct scn_pos pos = p->tok.pos;
	char n[SCN_MAX_NAME];

	if (!d)
		return false;
	if (!p->in_init) {
		scn_fail(p, st->pos, "a %s is declared in 'init'", scn_kind_names[k]);
		return false;
	}
	if (!scn_name(p, n, "a name"))
		return false;
	d->target = scn_define(p, k, n, pos);
	return d->target >= 0 && !p->failed;
}

/* file NAME size SIZE */
static bool file_parse(struct scn_parser *p, struct scn_stmt *st)
{
	char max[64];

	if (!decl_parse(p, st, SYM_FILE))
		return false;
	snprintf(max, sizeof(max), "the disk size (%lu)", p->s->disk);
	if (!scn_size_clause(p, st, "'file NAME'", "a file size", "file",
			     p->s->disk, max))
		return false;
	return !p->failed;
}

static long file_exec(struct scn_run *r, const struct scn_stmt *st,
		      struct pmm_process *p)
{
	const struct file_decl *d = st->data;

	(void)p;
	r->file[d->target] = pmm_file_create(st->a.size);
	return 0;
}

static bool pipe_parse(struct scn_parser *p, struct scn_stmt *st)
{
	return decl_parse(p, st, SYM_PIPE);
}

static long pipe_exec(struct scn_run *r, const struct scn_stmt *st,
		      struct pmm_process *p)
{
	const struct file_decl *d = st->data;

	(void)p;
	r->pipe[d->target] = pmm_pipe_create();
	return 0;
}

/* fwrite/fread/..._direct F off N from/to ADDR len N */
static bool io_parse(struct scn_parser *p, struct scn_stmt *st, bool to_file)
{
	const char *verb = st->verb->name;

	if ((st->a.file = scn_use(p, SYM_FILE)) < 0)
		return false;
	if (!scn_options(p, st, st->verb->options, O_LEN | (to_file ? O_FROM : O_TO), verb))
		return false;
	if (st->a.addr.sym < 0 && !st->a.addr.off)
		scn_fail(p, st->pos, "'%s' moves data between a file and an address", verb);
	return !p->failed;
}

static bool to_file_parse(struct scn_parser *p, struct scn_stmt *st)
{
	return io_parse(p, st, true);
}

static bool from_file_parse(struct scn_parser *p, struct scn_stmt *st)
{
	return io_parse(p, st, false);
}

/* Declared, but perhaps not made (the disk was full): no crash. */
static struct pmm_file *file_of(struct scn_run *r, const struct scn_stmt *st)
{
	return st->a.file >= 0 ? r->file[st->a.file] : NULL;
}

static struct pmm_pipe *pipe_of(struct scn_run *r, const struct scn_stmt *st)
{
	return st->a.pipe >= 0 ? r->pipe[st->a.pipe] : NULL;
}

/* A register keeps the byte count, for 'R == N'. */
static long fwrite_exec(struct scn_run *r, const struct scn_stmt *st,
			struct pmm_process *p)
{
	struct pmm_file *f = file_of(r, st);

	return f ? pmm_file_write(p, f, st->a.off, scn_addr_value(&st->a.addr), st->a.len) :
	       -EINVAL;
}

static long fread_exec(struct scn_run *r, const struct scn_stmt *st,
		       struct pmm_process *p)
{
	struct pmm_file *f = file_of(r, st);

	return f ? pmm_file_read(p, f, st->a.off, scn_addr_value(&st->a.addr), st->a.len) :
	       -EINVAL;
}

static long fwrite_direct_exec(struct scn_run *r, const struct scn_stmt *st,
			       struct pmm_process *p)
{
	struct pmm_file *f = file_of(r, st);

	return f ? pmm_file_write_direct(p, f, st->a.off, scn_addr_value(&st->a.addr),
					 st->a.len) : -EINVAL;
}

static long fread_direct_exec(struct scn_run *r, const struct scn_stmt *st,
			      struct pmm_process *p)
{
	struct pmm_file *f = file_of(r, st);

	return f ? pmm_file_read_direct(p, f, st->a.off, scn_addr_value(&st->a.addr),
					st->a.len) : -EINVAL;
}

static bool fsync_parse(struct scn_parser *p, struct scn_stmt *st)
{
	return (st->a.file = scn_use(p, SYM_FILE)) >= 0 &&
	       scn_options(p, st, st->verb->options, 0, "fsync");
}

static long fsync_exec(struct scn_run *r, const struct scn_stmt *st,
		       struct pmm_process *p)
{
	struct pmm_file *f = file_of(r, st);

	(void)p;
	return f ? pmm_fsync(f) : -EINVAL;
}

/* truncate F SIZE */
static bool truncate_parse(struct scn_parser *p, struct scn_stmt *st)
{
	return (st->a.file = scn_use(p, SYM_FILE)) >= 0 &&
	       scn_number(p, &st->a.size, "the new size") &&
	       scn_options(p, st, st->verb->options, 0, "truncate");
}

static long truncate_exec(struct scn_run *r, const struct scn_stmt *st,
			  struct pmm_process *p)
{
	struct pmm_file *f = file_of(r, st);

	(void)p;
	return f ? pmm_truncate(f, st->a.size) : -EINVAL;
}

static bool punch_parse(struct scn_parser *p, struct scn_stmt *st)
{
	return (st->a.file = scn_use(p, SYM_FILE)) >= 0 &&
	       scn_options(p, st, st->verb->options, O_LEN, "punch");
}

static long punch_exec(struct scn_run *r, const struct scn_stmt *st,
		       struct pmm_process *p)
{
	struct pmm_file *f = file_of(r, st);

	(void)p;
	return f ? pmm_punch_hole(f, st->a.off, st->a.len) : -EINVAL;
}

/* splice F [off N] to PIPE len N | splice PIPE to F [off N] len N */
static bool splice_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct file_splice *d = scn_stmt_data(p, st, sizeof(*d));
	struct scn_pos pos = p->tok.pos;
	char n[SCN_MAX_NAME];
	int file, pipe;

	if (!d || !scn_name(p, n, "a file or pipe"))
		return false;
	file = scn_lookup(p->s, SYM_FILE, n);
	pipe = scn_lookup(p->s, SYM_PIPE, n);
	if (file < 0 && pipe < 0) {
		scn_fail(p, pos, "no file or pipe named '%s'", n);
		return false;
	}
	if (!scn_options(p, st, st->verb->options, O_LEN | O_TO, "splice"))
		return false;
	if (file >= 0 && st->a.pipe >= 0) {
		d->to_pipe = true;
		st->a.file = file;
	} else if (pipe >= 0 && st->a.file >= 0) {
		st->a.pipe = pipe;
	} else {
		scn_fail(p, st->pos, "'splice' goes from a file to a pipe or from a pipe "
			 "to a file");
	}
	return !p->failed;
}

static long splice_exec(struct scn_run *r, const struct scn_stmt *st,
			struct pmm_process *p)
{
	const struct file_splice *d = st->data;
	struct pmm_file *f = file_of(r, st);
	struct pmm_pipe *pipe = pipe_of(r, st);

	(void)p;
	if (!f || !pipe)
		return -EINVAL;
	if (d->to_pipe)
		return pmm_splice_to_pipe(f, st->a.off, pipe, st->a.len);
	return pmm_splice_from_pipe(pipe, f, st->a.off, st->a.len);
}

/* pipe_read PIPE to ADDR len N */
static bool pipe_read_parse(struct scn_parser *p, struct scn_stmt *st)
{
	int src = scn_use(p, SYM_PIPE);

	st->a.pipe = src;
	if (src < 0 || !scn_options(p, st, st->verb->options, O_TO | O_LEN, "pipe_read"))
		return false;
	if (st->a.pipe != src || st->a.file >= 0 ||
	    (st->a.addr.sym < 0 && !st->a.addr.off))
		scn_fail(p, st->pos, "'pipe_read' moves data from a pipe to an address");
	return !p->failed;
}

static long pipe_read_exec(struct scn_run *r, const struct scn_stmt *st,
			   struct pmm_process *p)
{
	struct pmm_pipe *pipe = pipe_of(r, st);

	return pipe ? pmm_pipe_read(p, pipe, scn_addr_value(&st->a.addr), st->a.len) :
	       -EINVAL;
}

static const struct scn_verb verbs[] = {
	{ "file", 0, SCN_VERB_DECL, file_parse, file_exec },
	{ "pipe", 0, SCN_VERB_DECL, pipe_parse, pipe_exec },
	{ "fwrite", O_OFF | O_LEN | O_AS | O_FROM, 0, to_file_parse, fwrite_exec },
	{ "fread", O_OFF | O_LEN | O_AS | O_TO, 0, from_file_parse, fread_exec },
	{ "fwrite_direct", O_OFF | O_LEN | O_AS | O_FROM, 0, to_file_parse,
	  fwrite_direct_exec },
	{ "fread_direct", O_OFF | O_LEN | O_AS | O_TO, 0, from_file_parse,
	  fread_direct_exec },
	{ "fsync", O_AS, 0, fsync_parse, fsync_exec },
	{ "truncate", O_AS, 0, truncate_parse, truncate_exec },
	{ "punch", O_OFF | O_LEN | O_AS, 0, punch_parse, punch_exec },
	{ "splice", O_OFF | O_LEN | O_TO | O_AS, 0, splice_parse, splice_exec },
	{ "pipe_read", O_TO | O_LEN | O_AS, 0, pipe_read_parse, pipe_read_exec },
};

SCN_DOMAIN(file, verbs);
