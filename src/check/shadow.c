// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check/owners.h"
#include "check/shadow.h"
#include "mem/phys.h"
#include "fs/fs.h"
#include "mm/mmap.h"
#include "protmm/machine.h"

#define SHADOW_BUCKETS 1024
/* The end of an operation still running. */
#define OP_RUNNING UINT64_MAX

/* An operation's window on the execution's clock. */
struct shadow_op {
	uint64_t start, end;
};

/* One write to [off, off + len) of a logical page, newest first. */
struct shadow_write {
	struct shadow_write *older;
	/* Its operation's window; NULL: a write outside any, at @stamp. */
	const struct shadow_op *op;
	uint64_t stamp;
	unsigned int off, len;
	/* NULL: zeros (truncation, hole punching). */
	const uint8_t *bytes;
};

struct shadow_page {
	struct shadow_page *next;
	const void *obj;
	unsigned long pgidx;
	/* A private file page the process has its own copy of. */
	bool owned;
	/* Every write, shared with a forked child's copy of the page. */
	struct shadow_write *writes;
	/* The last write's bytes: the answer of every read that agrees. */
	uint8_t known[PAGE_SIZE / 8];
	uint8_t data[PAGE_SIZE];
};

struct shadow {
	struct shadow_page *buckets[SHADOW_BUCKETS];
	/* Bumped at each operation's start and end and at each write. */
	uint64_t clock;
	/* The operation each task is running, if any. */
	struct shadow_op *op[PMM_MAX_TASKS];
};

static struct shadow *shadow;

static unsigned int hash(const void *obj, unsigned long pgidx)
{
	uint64_t k = ((uintptr_t)obj >> 4) * 0x9E3779B97F4A7C15ull + pgidx;

	return (unsigned int)((k * 0xBF58476D1CE4E5B9ull) >> 54) % SHADOW_BUCKETS;
}

static struct shadow_page *lookup(const void *obj, unsigned long pgidx,
				  bool create)
{
	unsigned int h = hash(obj, pgidx);
	struct shadow_page *sp;

	for (sp = shadow->buckets[h]; sp; sp = sp->next)
		if (sp->obj == obj && sp->pgidx == pgidx)
			return sp;
	if (!create)
		return NULL;
	sp = pmm_alloc(sizeof(*sp));
	if (!sp)
		return NULL;
	sp->obj = obj;
	sp->pgidx = pgidx;
	sp->next = shadow->buckets[h];
	shadow->buckets[h] = sp;
	return sp;
}

static struct shadow_op **task_op(void)
{
	int id = pmm_task_id();

	return shadow && id >= 0 && id < PMM_MAX_TASKS ? &shadow->op[id] : NULL;
}

void pmm_op_begin(void)
{
	struct shadow_op **op = sched_exploring() ? task_op() : NULL;

	if (!op)
		return;
	if (*op)
		(*op)->end = ++shadow->clock;
	*op = pmm_alloc(sizeof(**op));
	(*op)->start = ++shadow->clock;
	(*op)->end = OP_RUNNING;
}

void pmm_op_end(void)
{
	struct shadow_op **op = sched_exploring() ? task_op() : NULL;

	if (!op || !*op)
		return;
	(*op)->end = ++shadow->clock;
	*op = NULL;
}

static uint64_t write_start(const struct shadow_write *w)
{
	return w->op ? w->op->start : w->stamp;
}

static uint64_t write_end(const struct shadow_write *w)
{
	return w->op ? w->op->end : w->stamp;
}

static bool write_covers(const struct shadow_write *w, unsigned int b)
{
	return b >= w->off && b - w->off < w->len;
}

static uint8_t write_byte(const struct shadow_write *w, unsigned int b)
{
	return w->bytes ? w->bytes[b - w->off] : 0;
}

/* One page's part of a write: the last value, and the history entry. */
static void record_page(struct shadow_page *sp, unsigned int off,
			const uint8_t *buf, unsigned int len)
{
	struct shadow_write *w = pmm_alloc(sizeof(*w));
	struct shadow_op **op = task_op();
	unsigned int b;

	if (!w)
		return;
	w->op = op ? *op : NULL;
	w->stamp = ++shadow->clock;
	w->off = off;
	w->len = len;
	if (buf) {
		uint8_t *copy = pmm_alloc_raw(len);

		if (!copy)
			return;
		memcpy(copy, buf, len);
		w->bytes = copy;
		memcpy(sp->data + off, buf, len);
	} else {
		memset(sp->data + off, 0, len);
	}
	for (b = off; b < off + len && b % 8; b++)
		sp->known[b / 8] |= (uint8_t)(1u << (b % 8));
	if (off + len - b >= 8) {
		memset(sp->known + b / 8, 0xff, (off + len - b) / 8);
		b += (off + len - b) & ~7u;
	}
	for (; b < off + len; b++)
		sp->known[b / 8] |= (uint8_t)(1u << (b % 8));
	w->older = sp->writes;
	sp->writes = w;
}

/*
 * A write of @len bytes (@buf NULL: zeros) at @off of @obj. Zeros skip a
 * page never written, which keeps what the oracle knows of it: nothing
 * (any byte reads as current, mismatch()). Simplified: a hole punched
 * there is not checked to read back zeros; in exchange a 1 GiB hole in
 * a file written in a few places costs a few records, not 262144 pages
 * of the per-execution arena.
 */
static void record(const void *obj, unsigned long off, const uint8_t *buf,
		   unsigned long len)
{
	while (len) {
		unsigned int po = off & ~PAGE_MASK;
		unsigned int n = (unsigned int)(len < PAGE_SIZE - po ? len : PAGE_SIZE - po);
		struct shadow_page *sp = lookup(obj, off >> PAGE_SHIFT, buf != NULL);

		if (!sp && buf)
			return;
		if (sp)
			record_page(sp, po, buf, n);
		off += n;
		len -= n;
		if (buf)
			buf += n;
	}
}

/*
 * Whether a read whose window opened at @since may find @v in byte @b: a
 * write of @v may have been current at some point since then, i.e. no
 * other write to the byte began after it ended and ended before @since.
 * Every write takes effect at some point of its operation's window, so
 * that is exactly what concurrent operations allow. The byte's unknown
 * content before its first write may be current too, until a write has
 * ended before @since.
 */
static bool may_read(const struct shadow_page *sp, unsigned int b, uint8_t v,
		     uint64_t since)
{
	const struct shadow_write *w;
	uint64_t latest = 0;
	bool overwritten = false;

	for (w = sp->writes; w; w = w->older) {
		if (!write_covers(w, b) || write_end(w) >= since)
			continue;
		if (!overwritten || write_start(w) > latest)
			latest = write_start(w);
		overwritten = true;
	}
	if (!overwritten)
		return true;
	for (w = sp->writes; w; w = w->older)
		if (write_covers(w, b) && write_byte(w, b) == v &&
		    write_end(w) >= latest)
			return true;
	return false;
}

static const char *const who_names[] = {
	[ACCESS_USER] = "user", [ACCESS_KERNEL] = "kernel", [ACCESS_DMA] = "DMA", [ACCESS_GUEST] = "guest",
};

static void describe(const struct lkey *k, unsigned long off, char *buf,
		     size_t len)
{
	if (k->mm)
		snprintf(buf, len, "mm%d address %#lx",
			 ((const struct mm_struct *)k->obj)->id, off);
	else
		snprintf(buf, len, "file %d offset %#lx",
			 mapping_inode((struct address_space *)k->obj)->i_ino, off);
}

/* Where the window of what the calling task reads opens. */
static uint64_t read_since(void)
{
	struct shadow_op **op = task_op();

	return op && *op ? (*op)->start : shadow->clock + 1;
}

/* The first byte of [off, off + len) of @sp a read may not have found, or -1. */
static int page_mismatch(const struct shadow_page *sp, unsigned int off,
			 const uint8_t *buf, unsigned int len)
{
	unsigned int i, b;

	/* The usual case: every byte is the last one written (or unknown). */
	if (!memcmp(sp->data + off, buf, len))
		return -1;
	for (i = 0; i < len; i++) {
		b = off + i;
		if ((sp->known[b / 8] & (1u << (b % 8))) && sp->data[b] != buf[i] &&
		    !may_read(sp, b, buf[i], read_since()))
			return (int)i;
	}
	return -1;
}

/* The first of @len bytes read at @k that no write can have left there, or -1. */
static long mismatch(const struct lkey *k, const uint8_t *buf, unsigned int len)
{
	unsigned long off = k->off;
	unsigned int done = 0;

	while (done < len) {
		unsigned int po = off & ~PAGE_MASK;
		unsigned int n = len - done < PAGE_SIZE - po ? len - done : PAGE_SIZE - po;
		const struct shadow_page *sp = lookup(k->obj, off >> PAGE_SHIFT, false);
		int bad = sp ? page_mismatch(sp, po, buf + done, n) : -1;

		if (bad >= 0)
			return (long)(done + (unsigned int)bad);
		off += n;
		done += n;
	}
	return -1;
}

static void report(const struct lkey *k, long bad, const uint8_t *buf,
		   const struct phys_access *a)
{
	unsigned long o = k->off + (unsigned long)bad;
	const struct shadow_page *sp = lookup(k->obj, o >> PAGE_SHIFT, false);
	char where[64];

	describe(k, o, where, sizeof(where));
	pmm_violation("data-corruption",
		      "%s %s of %s found %#04x in frame %#lx, "
		      "but %#04x was last written there", who_names[a->who],
		      a->write ? "write" : "read", where, buf[bad], a->pfn,
		      sp->data[o & ~PAGE_MASK]);
}

static void check(const struct lkey *k, const uint8_t *buf, unsigned int len,
		  const struct phys_access *a)
{
	long bad = mismatch(k, buf, len);

	if (bad >= 0)
		report(k, bad, buf, a);
}

/*
 * The logical location of a user address, at the time of the access:
 * anonymous memory and a private file page the process has its own copy
 * of are (mm, address); other file pages are the file's, and a buffer
 * object's (a PFN map with a mapping) are the object's.
 */
static bool user_key(const struct phys_access *a, struct lkey *k)
{
	struct mm_struct *mm = (struct mm_struct *)a->mm;
	struct vm_area_struct *vma = find_vma(mm, a->vaddr);
	unsigned long page = a->vaddr & PAGE_MASK;
	struct shadow_page *sp;

	if (!vma || a->vaddr < vma->vm_start ||
	    ((vma->vm_flags & VM_PFNMAP) && !vma->vm_file))
		return false;
	*k = (struct lkey){ mm, a->vaddr, true };
	if (!vma->vm_file)
		return true;
	/*
	 * A private file page is the process's own once its copy is made,
	 * and whatever the shadow remembers, an access that reaches an
	 * anonymous frame reaches that copy: a store through a TLB entry
	 * that munmap's zap has not flushed yet lands in it, not in the file.
	 */
	if (!(vma->vm_flags & VM_SHARED)) {
		sp = lookup(mm, page >> PAGE_SHIFT, false);
		if ((sp && sp->owned) || folio_test_anon(pfn_folio(a->pfn)))
			return true;
	}
	*k = (struct lkey){ vma->vm_file,
			    (linear_page_index(vma, page) << PAGE_SHIFT) |
			    (a->vaddr & ~PAGE_MASK), false };
	return true;
}

/*
 * A device reaching a frame through a reference that does not follow the
 * page tables: a write lands in every location the frame is now; a read
 * must have found what one of them may hold.
 */
static void frame_accessed(const struct phys_access *a)
{
	struct lkey keys[FRAME_MAX_OWNERS];
	unsigned int i, n = frame_owners(a->pfn, false, keys);

	for (i = 0; i < n; i++) {
		keys[i].off += a->offset;
		if (a->write)
			record(keys[i].obj, keys[i].off, a->buf, a->len);
		else if (mismatch(&keys[i], a->buf, a->len) < 0)
			return;
	}
	if (n && !a->write)
		report(&keys[0], mismatch(&keys[0], a->buf, a->len), a->buf, a);
}

static void shadow_accessed(const struct phys_access *a)
{
	const uint8_t *buf = a->buf;
	struct lkey k;

	if (!shadow || !sched_exploring())
		return;
	if (a->by_frame)
		frame_accessed(a);
	if (a->mm && user_key(a, &k)) {
		if (a->write)
			record(k.obj, k.off, buf, a->len);
		else
			check(&k, buf, a->len, a);
	}
	if (a->check_obj) {
		k = (struct lkey){ a->check_obj, a->check_off, false };
		check(&k, buf, a->len, a);
	}
	if (a->record_obj)
		record(a->record_obj, a->record_off, buf, a->len);
}

static void shadow_zeroed(const void *obj, unsigned long off, unsigned long len)
{
	if (shadow && sched_exploring())
		record(obj, off, NULL, len);
}

/* @mm's page of the parent's @sp becomes a copy of it. */
static bool fork_page(const struct shadow_page *sp, struct mm_struct *mm)
{
	struct shadow_page *c = lookup(mm, sp->pgidx, true);

	if (!c)
		return false;
	memcpy(c->data, sp->data, PAGE_SIZE);
	memcpy(c->known, sp->known, sizeof(c->known));
	c->owned = sp->owned;
	c->writes = sp->writes;
	return true;
}

/*
 * The child's private shadow starts as the parent's: the same bytes, and
 * the same history (shared: a write to either adds to its own page only).
 */
static void shadow_forked(struct mm_struct *oldmm, struct mm_struct *mm)
{
	unsigned int h;

	if (!shadow)
		return;
	for (h = 0; h < SHADOW_BUCKETS; h++) {
		struct shadow_page *sp;

		for (sp = shadow->buckets[h]; sp; sp = sp->next)
			if (sp->obj == oldmm && !fork_page(sp, mm))
				return;
	}
}

/*
 * fork copied the PTE at @addr: the child's page is the parent's as of
 * now, with what the parent got since fork began (a DMA through a pin
 * before fork copied the pinned page, say), and nothing it gets later.
 */
static void shadow_forked_page(struct mm_struct *oldmm, struct mm_struct *mm,
			       unsigned long addr, bool tags)
{
	const struct shadow_page *sp;

	if (!shadow || tags)
		return;
	sp = lookup(oldmm, addr >> PAGE_SHIFT, false);
	if (sp)
		fork_page(sp, mm);
}

/*
 * munmap and exit: what [start, end) of @mm held is gone; a new mapping
 * there starts empty (anonymous memory reads zeros, a file its content).
 * Truncation's zap of a private COW copy: the file shows through again.
 */
static void shadow_unmapped(struct mm_struct *mm, unsigned long start,
			    unsigned long end)
{
	unsigned int h;

	if (!shadow)
		return;
	for (h = 0; h < SHADOW_BUCKETS; h++) {
		struct shadow_page **pp = &shadow->buckets[h];

		while (*pp) {
			struct shadow_page *sp = *pp;
			unsigned long addr = sp->pgidx << PAGE_SHIFT;

			if (sp->obj == mm && addr >= start && addr < end)
				*pp = sp->next;
			else
				pp = &sp->next;
		}
	}
}

/*
 * A private copy of a file page became @mm's page at @addr: from now on
 * the address holds the copy, and the copy is what the model copied, when
 * it copied it (the copy itself was checked against the file).
 */
static void shadow_private_copy(struct mm_struct *mm, unsigned long addr,
				unsigned long pfn)
{
	unsigned char buf[PAGE_SIZE];
	struct shadow_page *sp;

	if (!shadow || !sched_exploring())
		return;
	sp = lookup(mm, addr >> PAGE_SHIFT, true);
	if (!sp)
		return;
	frame_peek(pfn, 0, buf, PAGE_SIZE);
	record_page(sp, 0, buf, PAGE_SIZE);
	sp->owned = true;
}

static const struct phys_watch shadow_watch = {
	.accessed = shadow_accessed,
	.zeroed = shadow_zeroed,
};

static const struct mm_watch shadow_mm_watch = {
	.forked = shadow_forked,
	.forked_page = shadow_forked_page,
	.unmapped = shadow_unmapped,
	.private_copy = shadow_private_copy,
};

int shadow_init(void)
{
	shadow = pmm_alloc(sizeof(*shadow));
	if (!shadow)
		return -ENOMEM;
	phys_watch(&shadow_watch);
	mm_watch_register(&shadow_mm_watch);
	return 0;
}
