// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The remote access domain: one process reading or writing another's
 * memory as ptrace(PTRACE_PEEKDATA/POKEDATA) and /proc/PID/mem do
 * (access_remote_vm()), with 'force' for FOLL_FORCE, which may write
 * through a read-only private mapping (a COW copy, as a debugger's
 * breakpoint does) but never into a read-only shared one.
 */
#include <errno.h>

#include "scenario/domain.h"

struct remote_data {
	int target;
};

/* mem_rw(): nothing moved at all is -EIO (ptrace's PEEK/POKE say so too). */
static long eio(long moved)
{
	return moved ? moved : -EIO;
}

/* remote_write P ADDR "bytes" [force] [as R] */
static bool remote_write_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct remote_data *d = scn_stmt_data(p, st, sizeof(*d));

	return d && (d->target = scn_use(p, SYM_PROC)) >= 0 &&
	       scn_address(p, &st->a.addr) &&
	       scn_string(p, &st->a.str, &st->a.str_len, "the bytes to write") &&
	       scn_options(p, st, st->verb->options, 0, "remote_write");
}

static long remote_write_exec(struct scn_run *r, const struct scn_stmt *st,
			      struct pmm_process *p)
{
	const struct remote_data *d = st->data;
	struct pmm_process *t = r->proc[d->target];

	(void)p;
	if (!t)
		return -ESRCH;
	return eio(pmm_access_remote(t, scn_addr_value(&st->a.addr), st->a.str,
				     st->a.str_len, true, st->a.flags & O_FORCE));
}

/* remote_read P ADDR (len N | expect "bytes") [force] [as R] */
static bool remote_read_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct remote_data *d = scn_stmt_data(p, st, sizeof(*d));

	if (!d || (d->target = scn_use(p, SYM_PROC)) < 0 ||
	    !scn_address(p, &st->a.addr) ||
	    !scn_options(p, st, st->verb->options, 0, "remote_read"))
		return false;
	if (!(st->a.flags & (O_LEN | O_EXPECT)))
		scn_fail(p, st->pos, "'remote_read' needs 'len N' or 'expect \"bytes\"'");
	return !p->failed;
}

static long remote_read_exec(struct scn_run *r, const struct scn_stmt *st,
			     struct pmm_process *p)
{
	const struct remote_data *d = st->data;
	struct pmm_process *t = r->proc[d->target];
	size_t n = st->a.len ? st->a.len : st->a.str_len;
	unsigned char buf[SCN_MAX_STRING];
	long ret;

	(void)p;
	if (!t)
		return -ESRCH;
	if (n > sizeof(buf))
		n = sizeof(buf);
	ret = eio(pmm_access_remote(t, scn_addr_value(&st->a.addr), buf, n, false,
				    st->a.flags & O_FORCE));
	scn_read_done(scn_reg(r, st->reg), st, "remote_read", buf,
		      ret > 0 ? (size_t)ret : 0, ret < 0 ? (int)ret : 0);
	return ret;
}

static const struct scn_verb verbs[] = {
	{ "remote_write", O_FORCE | O_AS, 0, remote_write_parse, remote_write_exec },
	{ "remote_read", O_FORCE | O_LEN | O_EXPECT | O_AS, 0, remote_read_parse,
	  remote_read_exec },
};

SCN_DOMAIN(remote, verbs);
