// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The KVM domain: a VM (on arm64-mte, or of a type on the machine that
 * runs it) and its memory slots in init (vm, memslot, with a guest_memfd
 * or not), then what its vCPUs do (guest_write, guest_read,
 * guest_store_tags, guest_load_tags), the VMM's KVM_ARM_MTE_COPY_TAGS
 * (copy_tags) and KVM_SET_MEMORY_ATTRIBUTES (vm_attr).
 */
#include <errno.h>
#include <string.h>

#include "protmm/kvm.h"
#include "scenario/domain.h"

/*
 * Every KVM statement: its VM; 'vm': created with tags, of a type;
 * 'memslot': its guest_memfd (a file, or -1); 'vm_attr': private or not.
 */
struct kvm_stmt {
	int vm;
	bool mte;
	enum pmm_vm_type type;
	int gmem;
	bool private;
};

/* The VM types and the machines whose hardware runs them. */
static const struct {
	const char *name;
	enum pmm_vm_type type;
	const char *machines[5];
} vm_types[] = {
	{ "sw-protected", PMM_VM_SW_PROTECTED,
	  { "generic", "x86-sme", "x86-snp", "x86-tdx", NULL } },
	{ "snp", PMM_VM_SNP, { "x86-snp", NULL } },
	{ "tdx", PMM_VM_TDX, { "x86-tdx", NULL } },
	{ "pkvm", PMM_VM_PKVM, { "arm64-mte", NULL } },
};

/* 'type T' of a vm: a known type, on a machine that runs it. */
static bool vm_type(struct scn_parser *p, struct kvm_stmt *d)
{
	struct scn_pos pos = p->tok.pos;
	char w[SCN_MAX_NAME];
	unsigned int i, m;

	if (!scn_name(p, w, "a vm type (sw-protected, snp, tdx, pkvm)"))
		return false;
	for (i = 0; i < sizeof(vm_types) / sizeof(vm_types[0]); i++) {
		if (strcmp(w, vm_types[i].name))
			continue;
		d->type = vm_types[i].type;
		for (m = 0; vm_types[i].machines[m]; m++)
			if (!strcmp(p->s->machine, vm_types[i].machines[m]))
				return true;
		scn_fail(p, pos, "a %s vm needs machine %s%s", w,
			 vm_types[i].machines[0],
			 vm_types[i].machines[1] ? " (or another that has it)" : "");
		return false;
	}
	scn_fail(p, pos, "unknown vm type '%s' (sw-protected, snp, tdx, pkvm)", w);
	return false;
}

/* vm V on P [mte]: KVM_CREATE_VM in the VMM process P. */
static bool vm_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct kvm_stmt *d = scn_stmt_data(p, st, sizeof(*d));
	struct scn_pos pos = p->tok.pos;
	char n[SCN_MAX_NAME];

	if (!d)
		return false;
	if (!p->in_init) {
		scn_fail(p, st->pos, "a vm is declared in 'init'");
		return false;
	}
	if (st->proc >= 0) {
		scn_fail(p, st->pos, "a vm names its process itself: 'vm NAME on PROCESS'");
		return false;
	}
	if (!scn_name(p, n, "a name for the vm"))
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
	d->mte = scn_accept_word(p, "mte");
	if (d->mte && !scn_needs_mte_machine(p, st->pos, "a vm with tags"))
		return false;
	p->s->vm_mte[d->vm] = d->mte;
	d->type = PMM_VM_DEFAULT;
	if (scn_accept_word(p, "type"))
		return vm_type(p, d);
	/* A default VM runs on the machine that has always run KVM guests. */
	return scn_needs_mte_machine(p, st->pos, "a vm");
}

static long vm_exec(struct scn_run *r, const struct scn_stmt *st,
		    struct pmm_process *p)
{
	const struct kvm_stmt *d = st->data;

	r->vm[d->vm] = p ? pmm_vm_create_type(p, d->type, d->mte ? PMM_VM_MTE : 0) :
		       NULL;
	return 0;
}

/* The statement ends here (the parser's at_end_of_stmt()). */
static bool stmt_end(const struct scn_parser *p)
{
	return p->tok.kind == TOK_NEWLINE || p->tok.kind == TOK_SEMI ||
	       p->tok.kind == TOK_RBRACE || p->tok.kind == TOK_EOF;
}

/*
 * memslot V gpa N at ADDR len N [gmem G [off N]]: guest [gpa, +len) is
 * the VMM's ADDR; with a guest_memfd G (KVM_SET_USER_MEMORY_REGION2),
 * its private memory is G's from byte off.
 */
static bool memslot_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct kvm_stmt *d = scn_stmt_data(p, st, sizeof(*d));
	struct scn_args *a = &st->a;

	if (!d)
		return false;
	if (!p->in_init) {
		scn_fail(p, st->pos, "'memslot' is set in 'init'");
		return false;
	}
	unsigned int seen = 0, i;

	d->gmem = -1;
	if ((d->vm = scn_use(p, SYM_VM)) < 0)
		return false;
	/* gpa, at and len, in any order, then 'gmem G [off N]'. */
	for (i = 0; i < 3 && !stmt_end(p) && !scn_is_word(p, "gmem"); i++)
		if (!scn_option(p, st, &seen, O_GPA | O_AT | O_LEN, "memslot"))
			return false;
	st->a.flags = seen;
	if (!(seen & O_GPA) || !(seen & O_AT) || !(seen & O_LEN)) {
		scn_fail(p, st->pos, "'memslot' needs '%s'", !(seen & O_GPA) ? "gpa" :
			 !(seen & O_AT) ? "at" : "len");
		return false;
	}
	if (scn_accept_word(p, "gmem")) {
		if ((d->gmem = scn_use(p, SYM_FILE)) < 0 ||
		    !scn_options(p, st, O_OFF, 0, "memslot"))
			return false;
	} else if (!scn_options(p, st, 0, 0, "memslot")) {
		return false;
	}
	if (!a->len || a->len > SCN_MAX_MAP)
		scn_fail(p, a->len_pos, "memslot length must be between 4K and 64M");
	return scn_page_aligned(p, a->gpa, a->off_pos, "guest physical address") &&
	       scn_page_aligned(p, scn_addr_value(&a->addr), a->addr.pos, "address") &&
	       scn_page_aligned(p, a->len, a->len_pos, "length");
}

static long memslot_exec(struct scn_run *r, const struct scn_stmt *st,
			 struct pmm_process *p)
{
	const struct kvm_stmt *d = st->data;

	(void)p;
	if (!r->vm[d->vm])
		return -ENOMEM;
	if (d->gmem >= 0)
		return pmm_vm_set_memslot_gmem(r->vm[d->vm], st->a.gpa,
					       scn_addr_value(&st->a.addr), st->a.len,
					       r->file[d->gmem], st->a.off);
	return pmm_vm_set_memslot(r->vm[d->vm], st->a.gpa,
				  scn_addr_value(&st->a.addr), st->a.len);
}

/* A vCPU is a thread of its VM's VMM: the statement runs in that process. */
static struct kvm_stmt *vm_of(struct scn_parser *p, struct scn_stmt *st)
{
	struct kvm_stmt *d = scn_stmt_data(p, st, sizeof(*d));
	int proc = st->proc >= 0 ? st->proc : p->thread_proc;
	struct scn_pos pos = p->tok.pos;

	if (!d || (d->vm = scn_use(p, SYM_VM)) < 0)
		return NULL;
	if (proc != p->s->vm_proc[d->vm])
		scn_fail(p, pos, "vm '%s' runs in process '%s': its vCPUs are threads there",
			 p->s->sym[SYM_VM].names[d->vm],
			 p->s->sym[SYM_PROC].names[p->s->vm_proc[d->vm]]);
	return p->failed ? NULL : d;
}

static bool vm_has_mte(struct scn_parser *p, const struct scn_stmt *st, int vm)
{
	if (!p->s->vm_mte[vm])
		scn_fail(p, st->pos, "'%s' needs a vm with tags ('vm %s on %s mte')",
			 st->verb->name, p->s->sym[SYM_VM].names[vm],
			 p->s->sym[SYM_PROC].names[p->s->vm_proc[vm]]);
	return !p->failed;
}

static bool gpa(struct scn_parser *p, struct scn_stmt *st)
{
	st->a.off_pos = p->tok.pos;
	return scn_number(p, &st->a.gpa, "a guest physical address");
}

static unsigned long stmt_gpa(const struct scn_stmt *st)
{
	return scn_tagged(st, st->a.gpa);
}

/* pmm_vm_create() failed: out of memory (the parser saw the machine). */
static struct pmm_vm *vm_run(struct scn_run *r, const struct scn_stmt *st)
{
	const struct kvm_stmt *d = st->data;

	return r->vm[d->vm];
}

/* guest_write V GPA [tag N] "bytes" */
static bool guest_write_parse(struct scn_parser *p, struct scn_stmt *st)
{
	unsigned int seen = 0;

	if (!vm_of(p, st) || !gpa(p, st))
		return false;
	if (scn_is_word(p, "tag") && !scn_option(p, st, &seen, O_TAG, "guest_write"))
		return false;
	st->a.flags = seen;
	return scn_string(p, &st->a.str, &st->a.str_len, "the bytes to write") &&
	       scn_options(p, st, st->verb->options, 0, "guest_write");
}

static long guest_write_exec(struct scn_run *r, const struct scn_stmt *st,
			     struct pmm_process *p)
{
	struct pmm_vm *vm = vm_run(r, st);

	(void)p;
	return vm ? pmm_guest_store(vm, stmt_gpa(st), st->a.str, st->a.str_len) : -ENOMEM;
}

/* guest_read V GPA [tag N] (len N | expect "bytes") */
static bool guest_read_parse(struct scn_parser *p, struct scn_stmt *st)
{
	if (!vm_of(p, st) || !gpa(p, st))
		return false;
	if (!scn_options(p, st, st->verb->options, 0, "guest_read"))
		return false;
	if (!(st->a.flags & (O_LEN | O_EXPECT)))
		scn_fail(p, st->pos, "'guest_read' needs 'len N' or 'expect \"bytes\"'");
	else if (st->a.len > SCN_MAX_STRING)
		scn_fail(p, st->a.len_pos, "a guest read is at most %d bytes", SCN_MAX_STRING);
	return !p->failed;
}

static long guest_read_exec(struct scn_run *r, const struct scn_stmt *st,
			    struct pmm_process *p)
{
	struct pmm_vm *vm = vm_run(r, st);
	size_t n = st->a.len ? st->a.len : st->a.str_len;
	unsigned char buf[SCN_MAX_STRING];
	struct scn_reg *g;
	int ret;

	(void)p;
	if (!vm)
		return -ENOMEM;
	g = scn_reg(r, st->reg);
	if (n > sizeof(buf))
		n = sizeof(buf);
	ret = pmm_guest_load(vm, stmt_gpa(st), buf, n);
	scn_read_done(g, st, "guest_read", buf, n, ret);
	return ret;
}

/*
 * guest_store_tags V GPA TAG len N | guest_load_tags V GPA len N [expect TAG]
 * | copy_tags V GPA len N (expect TAG | set TAG)
 */
static bool guest_tags_parse(struct scn_parser *p, struct scn_stmt *st, bool store,
			     bool copy)
{
	const char *verb = st->verb->name;
	struct kvm_stmt *d = vm_of(p, st);

	if (!d || !vm_has_mte(p, st, d->vm) || !gpa(p, st))
		return false;
	if (store && !scn_tag_value(p, &st->a.tag, "the tag to store"))
		return false;
	if (!scn_options(p, st, st->verb->options, O_LEN, verb))
		return false;
	if (copy && (st->a.flags & O_EXPECT) && (st->a.flags & O_SET)) {
		scn_fail(p, st->pos, "'copy_tags' reads the tags ('expect TAG') or writes "
			 "them ('set TAG'), not both");
		return false;
	}
	if (copy && !(st->a.flags & (O_EXPECT | O_SET))) {
		scn_fail(p, st->pos, "'copy_tags' needs one of 'expect TAG' (read the tags) "
			 "or 'set TAG' (write them)");
		return false;
	}
	/* KVM_ARM_MTE_COPY_TAGS works on whole pages. */
	return scn_tag_range(p, st, st->a.gpa, st->a.off_pos,
			     copy ? SCN_PAGE : SCN_MTE_GRANULE, "guest physical address");
}

static bool guest_store_tags_parse(struct scn_parser *p, struct scn_stmt *st)
{
	return guest_tags_parse(p, st, true, false);
}

static bool guest_load_tags_parse(struct scn_parser *p, struct scn_stmt *st)
{
	return guest_tags_parse(p, st, false, false);
}

static bool copy_tags_parse(struct scn_parser *p, struct scn_stmt *st)
{
	return guest_tags_parse(p, st, false, true);
}

static long guest_store_tags_exec(struct scn_run *r, const struct scn_stmt *st,
				  struct pmm_process *p)
{
	struct pmm_vm *vm = vm_run(r, st);

	(void)p;
	return vm ? pmm_guest_store_tags(vm, st->a.gpa, st->a.len, st->a.tag) : -ENOMEM;
}

static long guest_load_tags_exec(struct scn_run *r, const struct scn_stmt *st,
				 struct pmm_process *p)
{
	unsigned char tags[SCN_MAX_TAG_LEN / SCN_MTE_GRANULE];
	struct pmm_vm *vm = vm_run(r, st);
	long ret;

	(void)p;
	if (!vm)
		return -ENOMEM;
	ret = pmm_guest_load_tags(vm, st->a.gpa, st->a.len, tags);
	scn_check_expect_tags(st, "guest_load_tags", tags, st->a.len / SCN_MTE_GRANULE, ret);
	return ret;
}

static long copy_tags_exec(struct scn_run *r, const struct scn_stmt *st,
			   struct pmm_process *p)
{
	unsigned char tags[SCN_MAX_TAG_LEN / SCN_MTE_GRANULE];
	size_t n = st->a.len / SCN_MTE_GRANULE;
	struct pmm_vm *vm = vm_run(r, st);
	bool set = st->a.flags & O_SET;
	long ret;

	(void)p;
	if (!vm)
		return -ENOMEM;
	if (set)
		memset(tags, (int)st->a.tag, n);
	ret = pmm_vm_copy_tags(vm, st->a.gpa, st->a.len, tags, set);
	/* Only the granules it covered were read. */
	scn_check_expect_tags(st, "copy_tags", tags,
			      ret < 0 ? 0 : (size_t)ret / SCN_MTE_GRANULE, ret);
	return ret;
}

/*
 * vm_attr V GPA len N private|shared: KVM_SET_MEMORY_ATTRIBUTES, by a
 * thread of the VMM (or in init).
 */
static bool vm_attr_parse(struct scn_parser *p, struct scn_stmt *st)
{
	struct kvm_stmt *d = vm_of(p, st);
	unsigned int seen = 0;

	if (!d || !gpa(p, st) || !scn_option(p, st, &seen, O_LEN, "vm_attr"))
		return false;
	st->a.flags = seen;
	if (scn_accept_word(p, "private"))
		d->private = true;
	else if (!scn_accept_word(p, "shared")) {
		scn_fail(p, p->tok.pos, "expected 'private' or 'shared' after the length");
		return false;
	}
	if (!scn_options(p, st, O_AS, 0, "vm_attr"))
		return false;
	return scn_page_aligned(p, st->a.gpa, st->a.off_pos, "guest physical address") &&
	       scn_page_aligned(p, st->a.len, st->a.len_pos, "length");
}

static long vm_attr_exec(struct scn_run *r, const struct scn_stmt *st,
			 struct pmm_process *p)
{
	const struct kvm_stmt *d = st->data;
	struct pmm_vm *vm = vm_run(r, st);

	(void)p;
	return vm ? pmm_vm_set_memory_attributes(vm, st->a.gpa, st->a.len,
			d->private ? PMM_MEMORY_ATTRIBUTE_PRIVATE : 0) : -ENOMEM;
}

static const struct scn_verb verbs[] = {
	{ "vm", 0, SCN_VERB_DECL, vm_parse, vm_exec },
	{ "memslot", O_GPA | O_AT | O_LEN | O_OFF, SCN_VERB_DECL, memslot_parse,
	  memslot_exec },
	{ "vm_attr", O_LEN | O_AS, 0, vm_attr_parse, vm_attr_exec },
	{ "guest_write", O_TAG | O_AS, 0, guest_write_parse, guest_write_exec },
	{ "guest_read", O_TAG | O_LEN | O_EXPECT | O_AS, 0, guest_read_parse,
	  guest_read_exec },
	{ "guest_store_tags", O_LEN | O_AS, 0, guest_store_tags_parse,
	  guest_store_tags_exec },
	{ "guest_load_tags", O_LEN | O_AS | O_EXPECT, SCN_VERB_EXPECT_TAG,
	  guest_load_tags_parse, guest_load_tags_exec },
	{ "copy_tags", O_LEN | O_AS | O_EXPECT | O_SET, SCN_VERB_EXPECT_TAG,
	  copy_tags_parse, copy_tags_exec },
};

SCN_DOMAIN(kvm, verbs);
