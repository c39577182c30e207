// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The s390 domain (machine s390-pv): a protected guest in init (pv_vm;
 * its memory is given with the kvm domain's memslot), what its vCPUs do
 * (pv_write, pv_read, pv_import, pv_share), its end (pv_destroy), and a
 * device sending a pipe's pages zero-copy (splice_to_device).
 */
#include <errno.h>
#include <string.h>

#include "protmm/s390.h"
#include "scenario/domain.h"

#define S390_MACHINE "s390-pv"

struct pv_stmt {
	int vm;
	int pipe;
};

static bool s390_machine(struct scn_parser *p, struct scn_pos pos, const char *what)
{
	if (strcmp(p->s->machine, S390_MACHINE))
		scn_fail(p, pos, "%s needs machine %s", what, S390_MACHINE);
	return !p->failed;
}

/* pv_vm V on P: KVM_CREATE_VM and KVM_PV_ENABLE in the VMM process P. */
static bool pv_vm_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct pv_stmt *d = scn_stmt_data(p, st, sizeof(*d));
	struct scn_pos pos = p->tok.pos;
	char n[SCN_MAX_NAME];

	if (!d)
		return false;
	if (!p->in_init) {
		scn_fail(p, st->pos, "a pv_vm is declared in 'init'");
		return false;
	}
	if (st->proc >= 0) {
		scn_fail(p, st->pos, "a pv_vm names its process itself: 'pv_vm NAME on PROCESS'");
		return false;
	}
	if (!s390_machine(p, st->pos, "a pv_vm") || !scn_name(p, n, "a name for the vm"))
		return false;
	d->vm = scn_define(p, SYM_VM, n, pos);
	if (d->vm < 0)
		return false;
	if (!scn_accept_word(p, "on")) {
		scn_fail(p, p->tok.pos, "expected 'on PROCESS' (the VMM) after the vm's name");
		return false;
	}
	if ((st->proc = scn_use(p, SYM_PROC)) < 0)
		return false;
	p->s->vm_proc[d->vm] = st->proc;
	return !p->failed;
}

static long pv_vm_exec(struct scn_run *r, const struct scn_stmt *st,
		       struct pmm_process *p)
{
	const struct pv_stmt *d = st->data;

	r->vm[d->vm] = p ? pmm_pv_vm_create(p) : NULL;
	return r->vm[d->vm] ? 0 : -ENOMEM;
}

/* The vm operand of a vCPU's statement: a thread of the VMM. */
static struct pv_stmt *pv_of(struct scn_parser *p, struct scn_stmt *st)
{
	struct pv_stmt *d = scn_stmt_data(p, st, sizeof(*d));
	int proc = st->proc >= 0 ? st->proc : p->thread_proc;
	struct scn_pos pos = p->tok.pos;

	if (!d || !s390_machine(p, st->pos, st->verb->name) ||
	    (d->vm = scn_use(p, SYM_VM)) < 0)
		return NULL;
	if (proc != p->s->vm_proc[d->vm])
		scn_fail(p, pos, "vm '%s' runs in process '%s': its vCPUs are threads there",
			 p->s->sym[SYM_VM].names[d->vm],
			 p->s->sym[SYM_PROC].names[p->s->vm_proc[d->vm]]);
	return p->failed ? NULL : d;
}

static bool gpa(struct scn_parser *p, struct scn_stmt *st)
{
	st->a.off_pos = p->tok.pos;
	return scn_number(p, &st->a.gpa, "a guest physical address");
}

static struct pmm_vm *vm_run(struct scn_run *r, const struct scn_stmt *st)
{
	return r->vm[((const struct pv_stmt *)st->data)->vm];
}

/* pv_write V GPA "bytes" */
static bool pv_write_parse(struct scn_parser *p, struct scn_stmt *st)
{
	return pv_of(p, st) && gpa(p, st) &&
	       scn_string(p, &st->a.str, &st->a.str_len, "the bytes to write") &&
	       scn_options(p, st, st->verb->options, 0, "pv_write");
}

static long pv_write_exec(struct scn_run *r, const struct scn_stmt *st,
			  struct pmm_process *p)
{
	struct pmm_vm *vm = vm_run(r, st);

	(void)p;
	return vm ? pmm_pv_store(vm, st->a.gpa, st->a.str, st->a.str_len) : -ENOMEM;
}

/* pv_read V GPA (len N | expect "bytes") */
static bool pv_read_parse(struct scn_parser *p, struct scn_stmt *st)
{
	if (!pv_of(p, st) || !gpa(p, st) ||
	    !scn_options(p, st, st->verb->options, 0, "pv_read"))
		return false;
	if (!(st->a.flags & (O_LEN | O_EXPECT)))
		scn_fail(p, st->pos, "'pv_read' needs 'len N' or 'expect \"bytes\"'");
	else if (st->a.len > SCN_MAX_STRING)
		scn_fail(p, st->a.len_pos, "a guest read is at most %d bytes", SCN_MAX_STRING);
	return !p->failed;
}

static long pv_read_exec(struct scn_run *r, const struct scn_stmt *st,
			 struct pmm_process *p)
{
	struct pmm_vm *vm = vm_run(r, st);
	size_t n = st->a.len ? st->a.len : st->a.str_len;
	unsigned char buf[SCN_MAX_STRING];
	int ret;

	(void)p;
	if (!vm)
		return -ENOMEM;
	ret = pmm_pv_load(vm, st->a.gpa, buf, n);
	scn_read_done(scn_reg(r, st->reg), st, "pv_read", buf, n, ret);
	return ret;
}

/* pv_import V GPA | pv_share V GPA */
static bool pv_page_parse(struct scn_parser *p, struct scn_stmt *st)
{
	return pv_of(p, st) && gpa(p, st) &&
	       scn_options(p, st, st->verb->options, 0, st->verb->name);
}

static long pv_import_exec(struct scn_run *r, const struct scn_stmt *st,
			   struct pmm_process *p)
{
	struct pmm_vm *vm = vm_run(r, st);

	(void)p;
	return vm ? pmm_pv_import(vm, st->a.gpa) : -ENOMEM;
}

static long pv_share_exec(struct scn_run *r, const struct scn_stmt *st,
			  struct pmm_process *p)
{
	struct pmm_vm *vm = vm_run(r, st);

	(void)p;
	return vm ? pmm_pv_share(vm, st->a.gpa) : -ENOMEM;
}

/* pv_destroy V */
static bool pv_destroy_parse(struct scn_parser *p, struct scn_stmt *st)
{
	return pv_of(p, st) && scn_options(p, st, st->verb->options, 0, "pv_destroy");
}

static long pv_destroy_exec(struct scn_run *r, const struct scn_stmt *st,
			    struct pmm_process *p)
{
	struct pmm_vm *vm = vm_run(r, st);

	(void)p;
	return vm ? pmm_pv_destroy(vm) : -ENOMEM;
}

/* splice_to_device Q len N: a NIC sends the pipe's buffers zero-copy. */
static bool splice_to_device_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct pv_stmt *d = scn_stmt_data(p, st, sizeof(*d));

	if (!d || (d->pipe = scn_use(p, SYM_PIPE)) < 0)
		return false;
	return scn_options(p, st, st->verb->options, O_LEN, "splice_to_device");
}

static long splice_to_device_exec(struct scn_run *r, const struct scn_stmt *st,
				  struct pmm_process *p)
{
	const struct pv_stmt *d = st->data;

	(void)p;
	return pmm_splice_to_device(r->pipe[d->pipe], st->a.len);
}

static const struct scn_verb verbs[] = {
	{ "pv_vm", 0, SCN_VERB_DECL, pv_vm_parse, pv_vm_exec },
	{ "pv_write", O_AS, 0, pv_write_parse, pv_write_exec },
	{ "pv_read", O_LEN | O_EXPECT | O_AS, 0, pv_read_parse, pv_read_exec },
	{ "pv_import", O_AS, 0, pv_page_parse, pv_import_exec },
	{ "pv_share", O_AS, 0, pv_page_parse, pv_share_exec },
	{ "pv_destroy", O_AS, 0, pv_destroy_parse, pv_destroy_exec },
	{ "splice_to_device", O_LEN | O_AS, SCN_VERB_NO_MM, splice_to_device_parse,
	  splice_to_device_exec },
};

SCN_DOMAIN(s390, verbs);
