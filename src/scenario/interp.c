// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The interpreter: a scenario becomes a program whose setup() builds the
 * machine and runs the init block, whose tasks run the threads'
 * statements through the public operations (protmm/machine.h), and whose
 * finish() evaluates the final conditions before the machine is torn
 * down. An operation's result is its status: kept in a register when the
 * statement says 'as NAME', ignored otherwise, as a program ignoring errno.
 *
 * The core runs a statement (which process, whose mm, killed or not, its
 * status); what the statement does is its domain's exec() (domain.h).
 * Here too: a scenario's life around the parser (load, free, errors).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "protmm/knob.h"
#include "protmm/machine.h"
#include "scenario/domain.h"
#include "sched/atomic.h"

const struct oracle_info oracles[] = {
	{ "bug-on", "the model hit what the kernel would VM_BUG_ON or WARN on: a bad page state, an unlock of an unheld lock, sleeping in atomic context, a corrupt page table" },
	{ "convert-while-referenced", "a guest_memfd conversion to private succeeded while something outside guest_memfd other than a pin still held a folio of the range: a plain GUP reference (vmsplice(), some O_DIRECT), a page-table mapping; a GUP-fast grab before its recheck of the PTE does not count (it gives the folio back), and a large folio is judged whole (core mm counts no pins per subpage)" },
	{ "crash", "model code died in an execution (a fault, an abort, a sanitizer report): its signal, schedule and trace are reported, and run goes on" },
	{ "data-corruption", "a read found a byte no write to its logical location (file and offset, or process and address) can have left there: a write takes effect at some point of its statement, and a read may return any value current at some point between the start of its statement and the read, so a value is a violation only once a write that began after it ended before the read's statement began; a device reaches the process's memory through a pin of an anonymous page (nobody's once the process unmapped the page there), and otherwise (a 'get' reference, a pin of the zero page or of a page-cache page) the frame's: a page-cache page's file's while it is in the file, the memory of whoever maps it then" },
	{ "deadlock", "every live task is blocked" },
	{ "enc-mismatch", "a CPU or device read bytes through another encryption (key domain, C-bit) than the last write to them: the hardware returns ciphertext or garbage (x86-sme, x86-sev)" },
	{ "expect", "a scenario's read or DMA read found other bytes than its 'expect' says" },
	{ "fatal-host-access", "the host (a CPU through a user or kernel mapping, or a device by DMA) touched a frame that confidential-computing hardware had given a guest, where the hardware makes that fatal: a write under SNP (an RMP violation; a read returns ciphertext), any access under TDX (a machine check) or to a page donated to a pKVM guest (a host stage-2 fault); the access is refused (-EFAULT)" },
	{ "final-state", "a program's own final condition failed (self-check programs)" },
	{ "forbid", "a scenario's 'forbid' condition held at the end of an execution" },
	{ "host-access-private", "the host (a user access, the kernel or a device) read or wrote a guest_memfd page while it was private to the guest: guest_memfd never lets the host map a private page, and nothing else may reach one" },
	{ "io-on-secure", "a device read or wrote by DMA a frame that was secure for a protected s390 guest: a path gave a page to a device without marking it pending I/O and making it accessible first (arch_make_folio_accessible())" },
	{ "leak", "after teardown a frame is still allocated: a reference, pin or mapping the model lost; the pins a scenario still holds at its end are the driver's, released first as closing its file would" },
	{ "pin-on-private", "a FOLL_PIN pin taken while a guest_memfd page was shared was still held when a conversion made it private: a device may reach memory the guest now thinks its own" },
	{ "refcount-underflow", "a reference, pin or mapping count went below zero" },
	{ "secure-integrity", "a protected s390 guest read other bytes than it last wrote to that guest address (zeros after its first import or a destroy): an import let changed or wrong contents through; an import the Ultravisor refuses because the host changed the exported page is the guarantee at work, not a violation" },
	{ "stale-tags", "tags read or checked differ from the last tags stored to that logical granule (across swap, COW and fork), or a swap entry's saved tags were freed while the entry lives; copy_tags reaches its page through a plain reference (FOLL_GET), so the tags it moves are those of whoever maps the frame then" },
	{ "stale-tlb", "a frame was freed while a CPU's TLB still mapped it" },
	{ "tag-leak", "a page reached a new owner carrying the previous owner's tags" },
	{ "tag-mismatch", "a tag-checked access faulted although its pointer tag is the last tag stored to that granule" },
	{ "use-after-free", "a CPU, the kernel or a device touched a free frame" },
};

const unsigned int nr_oracles = sizeof(oracles) / sizeof(oracles[0]);

bool oracle_known(const char *name)
{
	unsigned int i;

	for (i = 0; i < nr_oracles; i++)
		if (!strcmp(oracles[i].name, name))
			return true;
	return false;
}

struct scn_state {
	struct scenario *s;
	struct scn_run *run;
	struct scn_outcome outcome;
};

/* One scenario runs at a time (the explorer is single-threaded). */
static struct scn_state state;

struct scn_reg *scn_reg(struct scn_run *r, int i)
{
	if (i < 0)
		return NULL;
	if (!r->reg[i])
		r->reg[i] = pmm_alloc(sizeof(struct scn_reg));
	return r->reg[i];
}

static void set_status(struct scn_run *r, const struct scn_stmt *st, long ret)
{
	struct scn_reg *g = (st->verb->flags & SCN_VERB_AS_PIN) ? NULL : scn_reg(r, st->reg);

	if (g) {
		g->status = ret < 0 ? (int)ret : 0;
		g->value = ret < 0 ? 0 : ret;
	}
}

static void check_expect(const struct scn_stmt *st, const char *what,
			 const unsigned char *got, size_t n, int ret)
{
	const struct scn_args *a = &st->a;

	if (!a->str || ret)
		return;
	if (n != a->str_len || memcmp(got, a->str, n))
		pmm_violation("expect", "%s at line %d found \"%.*s\", expected \"%.*s\"",
			      what, st->pos.line, (int)(n < 64 ? n : 64), got,
			      (int)(a->str_len < 64 ? a->str_len : 64), a->str);
}

void scn_read_done(struct scn_reg *g, const struct scn_stmt *st, const char *what,
		   const unsigned char *got, size_t n, int ret)
{
	check_expect(st, what, got, n, ret);
	if (g && !ret) {
		memcpy(g->data, got, n);
		g->len = n;
	}
}

unsigned long scn_tagged(const struct scn_stmt *st, unsigned long a)
{
	return (st->a.flags & O_TAG) ? pmm_tag_addr(a, st->a.tag) : a;
}

void scn_check_expect_tags(const struct scn_stmt *st, const char *what,
			   const unsigned char *tags, size_t n, long ret)
{
	size_t i;

	if (!(st->a.flags & O_EXPECT) || ret < 0)
		return;
	for (i = 0; i < n; i++) {
		if (tags[i] != st->a.expect_tag) {
			pmm_violation("expect", "%s at line %d found tag %#x in granule +%#zx, "
				      "expected %#x", what, st->pos.line, tags[i],
				      i * SCN_MTE_GRANULE, st->a.expect_tag);
			return;
		}
	}
}

static const int status_errno[] = {
	0, -EFAULT, -EIO, -ENOMEM, -EINVAL, -EBUSY, -EEXIST, -ENOTSUP,
	-EAGAIN, -EFBIG, -EACCES, -EPERM, -ESRCH, -EFAULT, -EIO,
};

static bool compare(long a, enum scn_cmp c, long b)
{
	switch (c) {
	case CMP_EQ: return a == b;
	case CMP_NE: return a != b;
	case CMP_LT: return a < b;
	case CMP_LE: return a <= b;
	case CMP_GT: return a > b;
	case CMP_GE: return a >= b;
	}
	return false;
}


static bool eval(const struct scn_cond *c)
{
	struct scn_run *r = state.run;
	struct pmm_page_state ps;
	unsigned char buf[SCN_MAX_STRING];
	const struct scn_reg *g;
	struct pmm_process *p;
	bool eq;

	switch (c->kind) {
	case COND_AND:
		return eval(c->a) && eval(c->b);
	case COND_OR:
		return eval(c->a) || eval(c->b);
	case COND_NOT:
		return !eval(c->a);
	case COND_REG:
		g = r->reg[c->reg];
		/* A failed operation returned no count: it equals no number. */
		if (c->is_num && c->cmp == CMP_NE)
			return !(g && !g->status && g->value == c->num);
		if (c->is_num)
			return g && !g->status && compare(g->value, c->cmp, c->num);
		if (c->is_status)
			eq = g && g->status == status_errno[c->status];
		else
			eq = g && !g->status && g->len == c->str_len &&
			     !memcmp(g->data, c->str, c->str_len);
		return c->cmp == CMP_EQ ? eq : !eq;
	default:
		break;
	}
	p = r->proc[c->proc];
	if (c->kind == COND_MEM) {
		eq = p && !pmm_load(p, scn_addr_value(&c->addr), buf, c->str_len) &&
		     !memcmp(buf, c->str, c->str_len);
		return c->cmp == CMP_EQ ? eq : !eq;
	}
	/*
	 * The end state, not an access: an LDG would fault a swapped page in
	 * and read zero through an untagged mapping.
	 */
	if (c->kind == COND_TAGS) {
		int tag = p ? pmm_mem_tag(p, scn_addr_value(&c->addr)) : -EFAULT;

		return tag < 0 ? c->cmp == CMP_NE : compare(tag, c->cmp, c->num);
	}
	if (c->kind == COND_SWAPPED)
		return p && pmm_swapped(p, scn_addr_value(&c->addr));
	/* Nothing mapped there, or a hugetlb page: no state compares equal. */
	if (c->kind == COND_THP) {
		int st = p ? pmm_thp_peek(p, scn_addr_value(&c->addr)) : -ESRCH;

		return (st >= 0 && st == c->num) == (c->cmp == CMP_EQ);
	}
	if (!p || pmm_page_state(p, scn_addr_value(&c->addr), &ps)) {
		return c->kind == COND_REFCOUNT || c->kind == COND_MAPCOUNT ?
		       compare(0, c->cmp, c->num) : false;
	}
	if (c->kind == COND_REFCOUNT)
		return compare(ps.refcount, c->cmp, c->num);
	if (c->kind == COND_MAPCOUNT)
		return compare(ps.mapcount, c->cmp, c->num);
	if (c->kind == COND_PINNED)
		return ps.maybe_pinned;
	return c->kind == COND_MAPPED;
}

static void setup(void *arg);

/*
 * A pin the scenario still holds is the driver's reference, not one the
 * kernel lost: the driver releases it when its file is closed, at the
 * latest when its process exits (the release method of the file, from
 * exit_files()). So the end of an execution releases every pin left, as
 * that would, before the teardown: the leak oracle then reports only
 * what the model itself failed to release.
 */
static void release_pins(struct scn_run *r)
{
	unsigned int i;

	for (i = 0; i < SCN_MAX_SYMBOLS; i++) {
		if (!r->pin[i])
			continue;
		pmm_unpin(r->pin[i]);
		r->pin[i] = NULL;
	}
}

static void finish(void *arg)
{
	struct scenario *s = arg;
	unsigned int i;

	if (!state.run)
		return;
	for (i = 0; i < s->nr_finals; i++) {
		bool holds = eval(s->finals[i].cond);

		if (s->finals[i].forbid && holds)
			pmm_violation("forbid", "'%s' (line %d) holds", s->finals[i].text,
				      s->finals[i].pos.line);
		else if (!s->finals[i].forbid && holds)
			state.outcome.exists_seen[i]++;
	}
	release_pins(state.run);
	pmm_machine_finish();
	state.run = NULL;
}

void scenario_program(struct scenario *s, struct pmm_program *prog)
{
	prog->name = s->name;
	prog->description = s->description;
	prog->setup = setup;
	prog->finish = finish;
	prog->arg = s;
	state.s = s;
}

void scenario_outcome_reset(struct scenario *s)
{
	state.s = s;
	memset(&state.outcome, 0, sizeof(state.outcome));
}

const struct scn_outcome *scenario_outcome(const struct scenario *s)
{
	(void)s;
	return &state.outcome;
}

int scenario_apply_config(const struct scenario *s, struct scn_error *err)
{
	unsigned int i;

	pmm_knob_reset();
	for (i = 0; i < s->nr_config; i++) {
		if (pmm_knob_set(s->config[i].key, s->config[i].value)) {
			err->pos = s->config[i].pos;
			snprintf(err->msg, sizeof(err->msg), "bad knob %s = %s",
				 s->config[i].key, s->config[i].value);
			return -EINVAL;
		}
	}
	return 0;
}

int scenario_load(const char *path, struct scenario **out, struct scn_error *err)
{
	struct stat st;
	char *buf;
	ssize_t n;
	int fd, ret;

	memset(err, 0, sizeof(*err));
	if (stat(path, &st)) {
		ret = -errno;
		snprintf(err->msg, sizeof(err->msg), "cannot read: %s", strerror(-ret));
		return ret;
	}
	/* Checked before open(): opening a FIFO would wait for a writer. */
	if (!S_ISREG(st.st_mode)) {
		snprintf(err->msg, sizeof(err->msg), "not a regular file");
		return -EINVAL;
	}
	fd = open(path, O_RDONLY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		ret = fd < 0 ? -errno : -EINVAL;
		snprintf(err->msg, sizeof(err->msg), "cannot read: %s", strerror(-ret));
		if (fd >= 0)
			close(fd);
		return ret;
	}
	if (st.st_size > SCN_MAX_FILE) {
		close(fd);
		snprintf(err->msg, sizeof(err->msg), "larger than 1 MiB: not a scenario");
		return -EFBIG;
	}
	buf = malloc((size_t)st.st_size + 1);
	n = buf ? read(fd, buf, (size_t)st.st_size) : -1;
	close(fd);
	if (n != st.st_size) {
		free(buf);
		snprintf(err->msg, sizeof(err->msg), "cannot read: %s", strerror(errno));
		return -EIO;
	}
	ret = scenario_parse(path, buf, (size_t)n, out, err);
	if (!ret) {
		/* Strings point into the scenario's own allocations, not @buf. */
		(*out)->path = path;
	}
	free(buf);
	return ret;
}

void scenario_free(struct scenario *s)
{
	unsigned int i;

	if (!s)
		return;
	for (i = 0; i < s->nr_allocs; i++)
		free(s->allocs[i]);
	free(s->allocs);
	free(s);
}

void scn_error_print(FILE *f, const char *path, const struct scn_error *err)
{
	int i;

	if (!err->pos.line) {
		fprintf(f, "%s: error: %s\n", path, err->msg);
		return;
	}
	fprintf(f, "%s:%d:%d: error: %s\n", path, err->pos.line, err->pos.col, err->msg);
	fprintf(f, "    %s\n    ", err->line);
	for (i = 1; i < err->pos.col && err->line[i - 1]; i++)
		fputc(err->line[i - 1] == '\t' ? '\t' : ' ', f);
	fputs("^\n", f);
}

/*
 * @own: the process whose mm the thread holds a user of, if any. A
 * statement on another process (or by a thread holding none) borrows a
 * user for its duration, as get_task_mm() does; the process having
 * exited, it fails with esrch. 'unpin' needs no mm (SCN_VERB_NO_MM): it
 * releases pages the pin holds. What declares an object in init
 * (SCN_VERB_DECL) runs outside any mm, given its process if it names one.
 */
static void exec(struct scn_run *r, const struct scn_stmt *st, int thread_proc,
		 struct pmm_process *own)
{
	int pi = st->proc >= 0 ? st->proc : thread_proc;
	struct pmm_process *p = NULL;
	long ret;

	/* A child a thread forks is published to the others: a race. */
	if (pi >= 0)
		p = state.s->proc_forked_in_thread[pi] ? READ_ONCE(r->proc[pi]) :
		    r->proc[pi];

	/* A process forked by a statement that has not run (yet): ESRCH. */
	if (st->verb->flags & SCN_VERB_DECL)
		ret = st->verb->exec(r, st, p);
	else if (!p)
		ret = -ESRCH;
	else if (p == own || (st->verb->flags & SCN_VERB_NO_MM))
		ret = st->verb->exec(r, st, p);
	else if (pmm_process_get(p))
		ret = -ESRCH;
	else {
		ret = st->verb->exec(r, st, p);
		pmm_process_put(p);
	}
	set_status(r, st, ret);
}

/*
 * A thread holds a user of its process's mm from its start to its end.
 * Once its process has exited it is killed (exit_group()): it sees that
 * on its way back to user space, before its next statement, and drops
 * its user (do_exit() -> exit_mm()); the last user to go tears the mm
 * down. The statement in flight when a sibling exits thus finishes on a
 * live mm, and the later ones fail with esrch, touching no address
 * space -- but for 'unpin', which stands for the pin's release when the
 * process's files close (exit_files()).
 *
 * The body starts with a yield point, so that not even the look before
 * the first statement runs until the explorer picks the thread (code up
 * to a task's first yield point runs at its creation). The look before a
 * later statement ends the step that ended the statement before: the
 * return to user space after the syscall's last shared access.
 */
static void thread_fn(void *arg)
{
	const struct scn_thread *t = arg;
	unsigned int ti = (unsigned int)(t - state.s->threads), i;
	struct scn_run *r = state.run;
	struct pmm_process *own = r->holds_mm[ti] ? r->proc[t->proc] : NULL;

	if (t->body.nr)
		pmm_task_op(t->body.stmts[0].label);
	sched_point(t, PMM_ACC_READ);
	for (i = 0; i < t->body.nr; i++) {
		const struct scn_stmt *st = &t->body.stmts[i];

		pmm_task_op(st->label);
		if (own && pmm_process_exited(own)) {
			pmm_process_put(own);
			own = NULL;
			r->killed[ti] = true;
		}
		/* The statement's window, for the data oracle. */
		pmm_op_begin();
		if (r->killed[ti] && !(st->verb->flags & SCN_VERB_NO_MM))
			set_status(r, st, -ESRCH);
		else
			exec(r, st, t->proc, own);
		pmm_op_end();
	}
	if (own)
		pmm_process_put(own);
}

/* clone(CLONE_VM): a thread of a process that has exited is born killed. */
static void thread_start(struct scn_run *r, struct scenario *s,
			 unsigned int i)
{
	struct pmm_process *p = s->threads[i].proc >= 0 ?
				r->proc[s->threads[i].proc] : NULL;

	pmm_obj_namef(&s->threads[i], "%s start", s->threads[i].name);
	r->holds_mm[i] = p && !pmm_process_get(p);
	r->killed[i] = p && !r->holds_mm[i];
	if (pmm_task_create(s->threads[i].name, s->threads[i].cpu, thread_fn,
			    &s->threads[i]) < 0 && r->holds_mm[i]) {
		pmm_process_put(p);
		r->holds_mm[i] = false;
	}
}

/* Some thread has an 'exit' statement. */
static bool threads_exit(const struct scenario *s)
{
	unsigned int i, k;

	for (i = 0; i < s->nr_threads; i++)
		for (k = 0; k < s->threads[i].body.nr; k++)
			if (!strcmp(s->threads[i].body.stmts[k].verb->name, "exit"))
				return true;
	return false;
}

static void setup(void *arg)
{
	struct scenario *s = arg;
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;
	unsigned int i;

	o.ram_bytes = s->memory;
	o.disk_bytes = s->disk;
	o.nr_cpus = s->cpus;
	o.arch = s->machine;
	o.swap_bytes = s->swap;
	o.dev_bytes = s->vram;
	o.swap_synchronous = s->swap_synchronous;
	if (pmm_machine_init(&o))
		return;
	state.run = pmm_alloc(sizeof(*state.run));
	if (!state.run)
		return;
	state.run->s = s;
	for (i = 0; i < s->init.nr; i++)
		exec(state.run, &s->init.stmts[i], -1, NULL);
	if (!threads_exit(s))
		pmm_machine_no_exit();
	for (i = 0; i < s->nr_threads; i++)
		thread_start(state.run, s, i);
}
