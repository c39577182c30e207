// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "mem/buddy.h"
#include "mem/memcrypt.h"
#include "mem/memtype.h"
#include "mem/phys.h"

struct phys_mem *phys;
int (*phys_access_key)(const struct phys_access *a);
unsigned int (*phys_direct_key)(unsigned long pfn);

/* Watchers are registered once per process, before any execution. */
static const struct phys_watch *watches[PHYS_MAX_WATCH];
static unsigned int nr_watches;

void phys_watch(const struct phys_watch *w)
{
	unsigned int i;

	for (i = 0; i < nr_watches; i++)
		if (watches[i] == w)
			return;
	if (nr_watches < PHYS_MAX_WATCH)
		watches[nr_watches++] = w;
}

struct field {
	size_t off;
	const char *name;
	unsigned int width;
};

/* Tail pages' fields share offsets with the head's: two tables. */
static const struct field head_fields[] = {
	{ offsetof(struct page, flags), "flags", 8 },
	{ offsetof(struct page, _refcount), "refcount", 4 },
	{ offsetof(struct page, _mapcount), "mapcount", 4 },
	{ offsetof(struct page, mapping), "mapping", 0 },
	{ offsetof(struct page, index), "index", 8 },
	{ offsetof(struct page, ptl), "ptl", 4 },
	{ 0, NULL, 0 },
};

static const struct field tail_fields[] = {
	{ offsetof(struct page, flags), "flags", 8 },
	{ offsetof(struct page, _mapcount), "mapcount", 4 },
	{ offsetof(struct page, compound_head), "head", 0 },
	{ offsetof(struct page, _large_mapcount), "large_mapcount", 4 },
	{ offsetof(struct page, _pincount), "pincount", 4 },
	{ 0, NULL, 0 },
};

static const struct field *field_of(const struct page *page, size_t off)
{
	const struct field *f = PageTail(page) ? tail_fields : head_fields;

	for (; f->name; f++)
		if (f->off == off)
			return f;
	return f;
}

/* The page-table frame whose entries hold @obj, and the entry's index. */
bool phys_pte_slot(const void *obj, unsigned long *table, unsigned long *index)
{
	uintptr_t o = (uintptr_t)obj;
	unsigned long pfn;

	for (pfn = 0; phys && pfn < phys->nr_pfns; pfn++) {
		const struct page *page = &phys->mem_map[pfn];
		uintptr_t d;

		if (!(page->flags & (1UL << PG_table)) || !page->data)
			continue;
		d = (uintptr_t)page->data->bytes;
		if (o < d || o >= d + PAGE_SIZE)
			continue;
		*table = pfn;
		*index = (unsigned long)((o - d) / sizeof(uint64_t));
		return true;
	}
	return false;
}

/* "page 0x12 refcount", "pte 0x3[0x100]": what traces call these. */
static bool label_frame(const void *obj, char *buf, size_t len,
			unsigned int *width)
{
	uintptr_t o = (uintptr_t)obj, base;
	unsigned long pfn, index;

	if (!phys)
		return false;
	base = (uintptr_t)phys->mem_map;
	if (o >= base && o < base + phys->nr_pfns * sizeof(struct page)) {
		size_t off;
		const struct field *f;

		pfn = (o - base) / sizeof(struct page);
		off = o - base - pfn * sizeof(struct page);
		if (off == offsetof(struct page, data)) {
			snprintf(buf, len, "frame %#lx", pfn);
			return true;
		}
		f = field_of(&phys->mem_map[pfn], off);
		snprintf(buf, len, "page %#lx %s", pfn, f->name ? f->name : "");
		*width = f->width;
		return true;
	}
	if (phys_pte_slot(obj, &pfn, &index)) {
		snprintf(buf, len, "pte %#lx[%#lx]", pfn, index);
		*width = 8;
		return true;
	}
	return false;
}

__attribute__((constructor)) static void phys_labels(void)
{
	sched_labeller(label_frame);
}

/* memmap_init(): RAM first, then device memory that the buddy never sees. */
int phys_init(const struct phys_mem_opts *opts)
{
	unsigned long ram = opts->ram_bytes >> PAGE_SHIFT;
	unsigned long dev = opts->dev_bytes >> PAGE_SHIFT;
	unsigned long pfn;
	struct phys_mem *p;

	if (!ram || (opts->ram_bytes | opts->dev_bytes) & (PAGE_SIZE - 1))
		return -EINVAL;
	p = pmm_alloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->mem_map = pmm_alloc((ram + dev) * sizeof(struct page));
	if (!p->mem_map)
		return -ENOMEM;
	p->nr_pfns = ram + dev;
	p->ram_pages = ram;
	p->dev_pages = dev;
	phys = p;
	phys_access_key = NULL;
	phys_direct_key = NULL;
	memtype_reset();
	for (pfn = 0; pfn < ram + dev; pfn++) {
		struct page *page = &p->mem_map[pfn];

		page->flags = (unsigned long)(pfn < ram ? MEM_RAM : MEM_DEVICE)
			      << MEM_TYPE_SHIFT;
		page->_mapcount.counter = -1;
		if (pfn >= ram)
			page->flags |= 1UL << PG_reserved;
	}
	pmm_obj_name(&p->zone.lock, "zone->lock");
	pmm_obj_name(&p->nr_allocated, "nr_allocated");
	buddy_init(&p->zone, 0, ram);
	return 0;
}

/*
 * A poisoned frame that was never written since needs no bytes of its
 * own: it points at this shared descriptor, so that freeing a 1 GiB folio
 * costs a word per frame, not 4 KiB (nor a 2 MiB THP 2 MiB). The first
 * write to such a frame gives it a descriptor of its own.
 */
static struct frame_data poisoned_frame = { .valid = 0, .poisoned = true };

/*
 * Natively two CPUs may write a fresh frame at once: one descriptor wins.
 * @create replaces the shared poisoned descriptor by a poisoned one of
 * the frame's own.
 */
static struct frame_data *frame_data(unsigned long pfn, bool create)
{
	struct page *page = pfn_to_page(pfn);
	struct frame_data *d = __atomic_load_n(&page->data, __ATOMIC_ACQUIRE);
	struct frame_data *old = d;

	if ((d && d != &poisoned_frame) || !create)
		return d;
	d = pmm_alloc_raw(sizeof(*d));
	d->valid = 0;
	memset(d->key, 0, sizeof(d->key));
	d->poisoned = old == &poisoned_frame;
	if (!__atomic_compare_exchange_n(&page->data, &old, d, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		d = old;
	return d;
}

static bool line_valid(const struct frame_data *d, unsigned int line)
{
	return d->valid & (1ull << line);
}

void frame_peek(unsigned long pfn, unsigned int off, void *buf, unsigned int len)
{
	const struct frame_data *d = frame_data(pfn, false);
	unsigned char *out = buf;

	if (d && d->poisoned) {
		memset(out, PAGE_POISON, len);
		return;
	}
	while (len) {
		unsigned int l = off / FRAME_LINE, o = off % FRAME_LINE;
		unsigned int n = len < FRAME_LINE - o ? len : FRAME_LINE - o;

		if (d && line_valid(d, l))
			memcpy(out, d->bytes + off, n);
		else
			memset(out, 0, n);
		out += n;
		off += n;
		len -= n;
	}
}

void frame_poke(unsigned long pfn, unsigned int off, const void *buf,
		unsigned int len)
{
	struct frame_data *d = frame_data(pfn, true);
	const unsigned char *in = buf;
	/* The model's own writes are the kernel's, through its direct map. */
	unsigned int key = phys_direct_key ? phys_direct_key(pfn) : 0;
	unsigned int l;

	if (d->poisoned) {
		/* A write to a freed frame (reported): the poison becomes real. */
		memset(d->bytes, PAGE_POISON, PAGE_SIZE);
		memset(d->key, (int)key, sizeof(d->key));
		d->valid = ~0ull;
		d->poisoned = false;
	}
	for (l = off / FRAME_LINE; l <= (off + len - 1) / FRAME_LINE; l++) {
		if (!line_valid(d, l))
			memset(d->bytes + l * FRAME_LINE, 0, FRAME_LINE);
		d->valid |= 1ull << l;
		d->key[l] = (uint8_t)key;
	}
	memcpy(d->bytes + off, in, len);
}

/*
 * A CPU or device access through key domain @key (mem/memcrypt.h): a
 * line last written in another domain reads as the hardware would
 * return it, its ciphertext decrypted with the wrong key (or not at all).
 * A line not written since the frame was zeroed or poisoned reads as
 * zeros or poison whatever the key (a simplification: clear_page()
 * writes through the direct map's key).
 */
static void frame_peek_key(unsigned long pfn, unsigned int off, void *buf,
			   unsigned int len, unsigned int key)
{
	const struct frame_data *d = frame_data(pfn, false);
	unsigned char *out = buf, line[FRAME_LINE];

	if (!d || d->poisoned) {
		frame_peek(pfn, off, buf, len);
		return;
	}
	while (len) {
		unsigned int l = off / FRAME_LINE, o = off % FRAME_LINE;
		unsigned int n = len < FRAME_LINE - o ? len : FRAME_LINE - o;

		if (!line_valid(d, l)) {
			memset(out, 0, n);
		} else if (d->key[l] == key) {
			memcpy(out, d->bytes + off, n);
		} else {
			memcpy(line, d->bytes + l * FRAME_LINE, FRAME_LINE);
			memcrypt_convert_line(line, pfn, l, d->key[l], key);
			memcpy(out, line + o, n);
		}
		out += n;
		off += n;
		len -= n;
	}
}

/*
 * A write in key domain @key: the memory controller writes whole lines,
 * so the rest of a line last written in another domain becomes what a
 * read in @key returned of it, now written in @key.
 */
static void frame_poke_key(unsigned long pfn, unsigned int off, const void *buf,
			   unsigned int len, unsigned int key)
{
	struct frame_data *d = frame_data(pfn, true);
	unsigned int l, first = off / FRAME_LINE, last = (off + len - 1) / FRAME_LINE;

	if (d->poisoned) {
		memset(d->bytes, PAGE_POISON, PAGE_SIZE);
		memset(d->key, (int)key, sizeof(d->key));
		d->valid = ~0ull;
		d->poisoned = false;
	}
	for (l = first; l <= last; l++) {
		bool whole = off <= l * FRAME_LINE &&
			     off + len >= (l + 1) * FRAME_LINE;

		if (!line_valid(d, l))
			memset(d->bytes + l * FRAME_LINE, 0, FRAME_LINE);
		else if (d->key[l] != key && !whole)
			memcrypt_convert_line(d->bytes + l * FRAME_LINE, pfn, l,
					      d->key[l], key);
		d->valid |= 1ull << l;
		d->key[l] = (uint8_t)key;
	}
	memcpy(d->bytes + off, buf, len);
}

unsigned int frame_line_key(unsigned long pfn, unsigned int line)
{
	const struct frame_data *d = frame_data(pfn, false);

	return d && !d->poisoned ? d->key[line] : 0;
}

bool frame_line_valid(unsigned long pfn, unsigned int line)
{
	const struct frame_data *d = frame_data(pfn, false);

	return d && !d->poisoned && line_valid(d, line);
}

void frame_clear(unsigned long pfn)
{
	struct frame_data *d = frame_data(pfn, false);

	if (d == &poisoned_frame) {
		__atomic_compare_exchange_n(&pfn_to_page(pfn)->data, &d, NULL, false,
					    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
		d = frame_data(pfn, false);
	}
	if (d && d != &poisoned_frame) {
		d->valid = 0;
		d->poisoned = false;
	}
}

/* Freed frames read as PAGE_POISON, as with page_poisoning. */
void frame_poison(unsigned long pfn)
{
	struct frame_data *d = frame_data(pfn, false);

	if (!d) {
		__atomic_compare_exchange_n(&pfn_to_page(pfn)->data, &d,
					    &poisoned_frame, false,
					    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
		d = frame_data(pfn, false);
	}
	if (d != &poisoned_frame) {
		d->valid = 0;
		d->poisoned = true;
	}
}

/*
 * A page table: every line present and zero, and the entries' address in
 * the page's private field, one load away for the walkers.
 */
void frame_make_table(unsigned long pfn)
{
	struct frame_data *d = frame_data(pfn, true);

	memset(d->bytes, 0, PAGE_SIZE);
	d->valid = ~0ull;
	d->poisoned = false;
	memset(d->key, 0, sizeof(d->key));
	pfn_to_page(pfn)->private = (unsigned long)d->bytes;
}

uint64_t *frame_word(unsigned long pfn, unsigned int idx)
{
	return (uint64_t *)pfn_to_page(pfn)->private + idx;
}

void phys_notify_freed(struct folio *folio)
{
	unsigned int i;

	for (i = 0; i < nr_watches; i++)
		if (watches[i]->freed)
			watches[i]->freed(folio);
}

static const char *const accessor_names[] = {
	[ACCESS_USER] = "user access",
	[ACCESS_KERNEL] = "kernel access",
	[ACCESS_DMA] = "DMA",
	[ACCESS_GUEST] = "guest access",
};

/*
 * A frame is free when the block holding it is on a free list: the head
 * of each free block carries PageBuddy and its order (a frame on a
 * per-CPU list is a block of its own).
 */
bool pfn_is_free(unsigned long pfn)
{
	const struct page *page = pfn_to_page(pfn);
	unsigned int o;

	/* The usual answer first: a frame of a referenced folio is in use. */
	if (__atomic_load_n(&compound_head(page)->_refcount.counter,
			    __ATOMIC_RELAXED) > 0)
		return false;
	for (o = 0; o <= MAX_PAGE_ORDER; o++) {
		unsigned long head = pfn & ~((1UL << o) - 1);
		const struct page *h = pfn_to_page(head);

		if (PageBuddy(h) && (h->private == o || (!o && h->private > MAX_PAGE_ORDER)))
			return true;
	}
	return false;
}

int phys_access_at(struct phys_access *a, const struct pmm_loc *loc)
{
	sched_point_at(frame_obj(a->pfn), a->write ? PMM_ACC_WRITE :
		       PMM_ACC_READ, loc);
	return __phys_access(a, loc);
}

int __phys_access(struct phys_access *a, const struct pmm_loc *loc)
{
	unsigned int i;
	int err;

	sched_audit(frame_obj(a->pfn), a->write, "a frame");
	/* Free frames are in a free block; a frozen folio (count 0) is not. */
	if (pfn_is_free(a->pfn))
		pmm_violation("use-after-free", "%s %s free frame %#lx at %s:%d",
			      accessor_names[a->who], a->write ? "writes" : "reads",
			      a->pfn, loc->file, loc->line);
	for (i = 0; i < nr_watches; i++) {
		if (!watches[i]->access)
			continue;
		err = watches[i]->access(a);
		if (err)
			return err;
	}
	if (phys_access_key && a->len) {
		unsigned int key = (unsigned int)phys_access_key(a);

		if (a->write)
			frame_poke_key(a->pfn, a->offset, a->buf, a->len, key);
		else
			frame_peek_key(a->pfn, a->offset, a->buf, a->len, key);
	} else if (a->write) {
		frame_poke(a->pfn, a->offset, a->buf, a->len);
	} else {
		frame_peek(a->pfn, a->offset, a->buf, a->len);
	}
	for (i = 0; i < nr_watches; i++)
		if (watches[i]->accessed)
			watches[i]->accessed(a);
	return 0;
}

void phys_logical_zero(const void *obj, unsigned long off, unsigned long len)
{
	unsigned int i;

	for (i = 0; i < nr_watches; i++)
		if (watches[i]->zeroed)
			watches[i]->zeroed(obj, off, len);
}
