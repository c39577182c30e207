// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check/shadow.h"
#include "mem/phys.h"
#include "fs/fs.h"
#include "mm/mmap.h"

#define SHADOW_BUCKETS 1024

struct shadow_page {
	struct shadow_page *next;
	const void *obj;
	unsigned long pgidx;
	/* A private file page the process has written: it owns its copy. */
	bool owned;
	uint8_t known[PAGE_SIZE / 8];
	uint8_t data[PAGE_SIZE];
};

struct shadow {
	struct shadow_page *buckets[SHADOW_BUCKETS];
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

static void record(const void *obj, unsigned long off, const uint8_t *buf,
		   unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++) {
		unsigned long o = off + i;
		struct shadow_page *sp = lookup(obj, o >> PAGE_SHIFT, true);
		unsigned int b = o & ~PAGE_MASK;

		if (!sp)
			return;
		sp->data[b] = buf[i];
		sp->known[b / 8] |= (uint8_t)(1u << (b % 8));
	}
}

static const char *const who_names[] = {
	[ACCESS_USER] = "user", [ACCESS_KERNEL] = "kernel", [ACCESS_DMA] = "DMA", [ACCESS_GUEST] = "guest",
};

/*
 * A logical location: an mm and address, or a file and offset. The objects
 * are told apart by who made the key: user keys name an mm unless they
 * resolved to a file; explicit keys always name a file's mapping.
 */
struct lkey {
	const void *obj;
	unsigned long off;
	bool mm;
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

static void check(const struct lkey *k, const uint8_t *buf, unsigned int len,
		  const struct phys_access *a)
{
	const void *obj = k->obj;
	unsigned long off = k->off;
	char where[64];
	unsigned int i;

	for (i = 0; i < len; i++) {
		unsigned long o = off + i;
		struct shadow_page *sp = lookup(obj, o >> PAGE_SHIFT, false);
		unsigned int b = o & ~PAGE_MASK;

		if (!sp || !(sp->known[b / 8] & (1u << (b % 8))) ||
		    sp->data[b] == buf[i])
			continue;
		describe(k, o, where, sizeof(where));
		pmm_violation("data-corruption",
			      "%s %s of %s found %#04x in frame %#lx, "
			      "but %#04x was last written there", who_names[a->who],
			      a->write ? "write" : "read", where, buf[i], a->pfn,
			      sp->data[b]);
		return;
	}
}

/* The logical location of a user address, at the time of the access. */
static bool user_key(const struct phys_access *a, bool write, struct lkey *k)
{
	const void **obj = &k->obj;
	unsigned long *off = &k->off;
	struct mm_struct *mm = (struct mm_struct *)a->mm;
	struct vm_area_struct *vma = find_vma(mm, a->vaddr);
	unsigned long page = a->vaddr & PAGE_MASK;
	struct shadow_page *sp;

	if (!vma || a->vaddr < vma->vm_start || (vma->vm_flags & VM_PFNMAP))
		return false;
	*obj = mm;
	*off = a->vaddr;
	k->mm = true;
	if (!vma->vm_file)
		return true;
	if (!(vma->vm_flags & VM_SHARED)) {
		sp = lookup(mm, page >> PAGE_SHIFT, write);
		if (sp && sp->owned)
			return true;
	}
	*obj = vma->vm_file;
	*off = (linear_page_index(vma, page) << PAGE_SHIFT) | (a->vaddr & ~PAGE_MASK);
	k->mm = false;
	if ((vma->vm_flags & VM_SHARED) || !write)
		return true;
	/* First write to a private file page: the copy starts as the file. */
	sp = lookup(mm, page >> PAGE_SHIFT, true);
	if (sp) {
		struct shadow_page *fsp = lookup(*obj, *off >> PAGE_SHIFT, false);

		if (fsp) {
			memcpy(sp->data, fsp->data, PAGE_SIZE);
			memcpy(sp->known, fsp->known, sizeof(sp->known));
		}
		sp->owned = true;
	}
	*obj = mm;
	*off = a->vaddr;
	k->mm = true;
	return true;
}

static void shadow_accessed(const struct phys_access *a)
{
	const uint8_t *buf = a->buf;
	struct lkey k;

	if (!shadow || !sched_exploring())
		return;
	if (a->mm && user_key(a, a->write, &k)) {
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
	static const uint8_t zeros[PAGE_SIZE];

	while (shadow && len) {
		unsigned int n = (unsigned int)(len < PAGE_SIZE ? len : PAGE_SIZE);

		record(obj, off, zeros, n);
		off += n;
		len -= n;
	}
}

/* The child's private shadow starts as a copy of the parent's. */
static void shadow_forked(struct mm_struct *oldmm, struct mm_struct *mm)
{
	unsigned int h;

	if (!shadow)
		return;
	for (h = 0; h < SHADOW_BUCKETS; h++) {
		struct shadow_page *sp;

		for (sp = shadow->buckets[h]; sp; sp = sp->next) {
			struct shadow_page *c;

			if (sp->obj != oldmm)
				continue;
			c = lookup(mm, sp->pgidx, true);
			if (!c)
				return;
			memcpy(c->data, sp->data, PAGE_SIZE);
			memcpy(c->known, sp->known, sizeof(c->known));
			c->owned = sp->owned;
		}
	}
}

/*
 * munmap and exit: what [start, end) of @mm held is gone; a new mapping
 * there starts empty (anonymous memory reads zeros, a file its content).
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

static const struct phys_watch shadow_watch = {
	.accessed = shadow_accessed,
	.zeroed = shadow_zeroed,
};

static const struct mm_watch shadow_mm_watch = {
	.forked = shadow_forked,
	.unmapped = shadow_unmapped,
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
