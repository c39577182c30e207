// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The campaign's scenario generator. Every statement it writes is legal:
 * names are declared before use, sizes are aligned where the language
 * asks, every pin is unpinned once by the thread that owns it, and
 * nothing states an expectation (no 'expect' on a read, no 'forbid'), so
 * any oracle that fires is the model's verdict on the kernel. What may
 * fail at run time (an access past a mapping, a tag mismatch, a full
 * pipe) is a status, as a program's errno, and is generated on purpose.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arch/arch.h"
#include "gen.h"
#include "scenario/scenario.h"

#define K4 4096ul
#define M2 (2ul << 20)
#define G1 (1ul << 30)
#define MAX_PROCS 6
#define MAX_MAPS 12
#define MAX_FILES 3
#define MAX_PIPES 2
#define MAX_PINS 16
#define MAX_VMS 2
#define MAX_BOS 3
#define MAX_DMA 16

struct rng {
	uint64_t s;
};

/* splitmix64: small, and good enough to pick statements. */
static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned long below(struct rng *r, unsigned long n)
{
	return n ? (unsigned long)(rnd(r) % n) : 0;
}

static bool chance(struct rng *r, unsigned int pct)
{
	return below(r, 100) < pct;
}

struct gmap {
	char name[8];
	unsigned long len;
	int file;		/* -1: anonymous */
	bool shared, mte;
};

struct gfile {
	char name[8];
	unsigned long size;
	/* A guest_memfd's hugetlb page size (2M or 1G), else 0. */
	unsigned long huge;
};

struct gpin {
	char name[8];
	unsigned int pages;
	/* FOLL_WRITE: a device may write through it. */
	bool write;
	int owner;		/* the thread that unpins it; -1 while in init */
	bool open;
};

/* A DMA handle: a coherent buffer or a streaming mapping of a pin. */
struct gdma {
	char name[8];
	bool stream;
	/* Made and used by one thread (or init): no other may free it under it. */
	int owner;
	bool open;
};

struct gvm {
	char name[8];
	int proc;
	bool mte;
	bool pkvm;		/* 'type pkvm' */
	unsigned long slot;	/* guest bytes backed by a memslot; 0: none */
};

struct gen {
	struct rng r;
	const struct gen_opts *opts;
	struct gen_scenario *s;
	bool mte;
	/* Protected guests: the statements of machine s390-pv. */
	bool s390;
	unsigned int tag;	/* most tagged accesses use this one */
	char procs[MAX_PROCS][8];
	unsigned int nr_procs, nr_forks;
	struct gmap maps[MAX_MAPS];
	unsigned int nr_maps;
	struct gfile files[MAX_FILES];
	unsigned int nr_files;
	char pipes[MAX_PIPES][8];
	unsigned int nr_pipes;
	struct gpin pins[MAX_PINS];
	unsigned int nr_pins;
	struct gvm vms[MAX_VMS];
	unsigned int nr_vms;
	/* Buffer objects b0, b1, ... (with dirty tracking: bo_dirty) and a vvar map. */
	bool bo_dirty[MAX_BOS];
	unsigned int nr_bos, nr_bo_maps;
	bool vvar;
	struct gdma dmas[MAX_DMA];
	unsigned int nr_dmas, nr_dma_maps;
	/* The machine encrypts memory (x86-sme, x86-sev). */
	bool enc;
	unsigned int nr_hfiles;		/* hugetlbfs files h0, h1, ... */
	/* The next guest_memfd's hugetlb page size, and a 2M pool for it. */
	unsigned long gmem_huge;
	bool gmem_pool;
	unsigned int nr_regs;
	/* The statement being made: where, by whom, its text. */
	int thread;
	int proc;
	char text[GEN_LINE];
	size_t len;
	int pin;
	bool unpin;
};

static void put(struct gen *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct gen *g, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (g->len >= sizeof(g->text))
		return;
	va_start(ap, fmt);
	n = vsnprintf(g->text + g->len, sizeof(g->text) - g->len, fmt, ap);
	va_end(ap);
	g->len = n < 0 ? sizeof(g->text) : g->len + (size_t)n;
}

/* Sizes as a person writes them: 8K, 0x1010, 5. */
static void put_size(struct gen *g, unsigned long v)
{
	if (v && v % 1024 == 0)
		put(g, "%luK", v / 1024);
	else if (v >= 4096)
		put(g, "%#lx", v);
	else
		put(g, "%lu", v);
}

static void put_bytes(struct gen *g, unsigned int n)
{
	static const char letters[] = "abcdefghijklmnopqrstuvwxyzXYZ";
	unsigned int i;

	put(g, "\"");
	for (i = 0; i < n; i++)
		put(g, "%c", letters[below(&g->r, sizeof(letters) - 1)]);
	put(g, "\"");
}

/* ' as rN' now and then: a status kept changes nothing else. */
static void maybe_as(struct gen *g)
{
	if (chance(&g->r, 25))
		put(g, " as r%u", g->nr_regs++);
}

static unsigned int pick_tag(struct gen *g)
{
	return chance(&g->r, 75) ? g->tag : (unsigned int)below(&g->r, 16);
}

/* A mapping made so far, preferring tagged ones when @mte asks. */
static const struct gmap *pick_map(struct gen *g, bool mte)
{
	unsigned int i, n = 0, idx[MAX_MAPS];

	if (!g->nr_maps)
		return NULL;
	if (mte)
		for (i = 0; i < g->nr_maps; i++)
			if (g->maps[i].mte)
				idx[n++] = i;
	if (n && chance(&g->r, 80))
		return &g->maps[idx[below(&g->r, n)]];
	return &g->maps[below(&g->r, g->nr_maps)];
}

/*
 * An address in @m: aligned to @align (4096, 16 or 1), mostly inside the
 * mapping, sometimes just past its end or straddling a page boundary.
 */
static void put_addr(struct gen *g, const struct gmap *m, unsigned long align)
{
	unsigned long pages = m->len / K4, off;

	if (align == K4)
		off = (chance(&g->r, 92) ? below(&g->r, pages) : pages) * K4;
	else if (align == 16)
		off = below(&g->r, pages) * K4 + (chance(&g->r, 50) ? 0 : below(&g->r, 16) * 16);
	else if (chance(&g->r, 25) && pages > 1)
		off = (1 + below(&g->r, pages - 1)) * K4 - 1 - below(&g->r, 4);
	else
		off = below(&g->r, pages) * K4 + (chance(&g->r, 40) ? 0 : below(&g->r, 64));
	put(g, off ? "%s+%#lx" : "%s", m->name, off);
}

static void put_prot(struct gen *g, bool mte)
{
	static const char *const prots[] = { "rw", "rw", "rw", "rw", "r", "r", "rwx",
					     "rx", "none", "w" };

	put(g, "%s%s", prots[below(&g->r, sizeof(prots) / sizeof(prots[0]))],
	    mte ? ",mte" : "");
}

static const struct gfile *pick_file(struct gen *g)
{
	return g->nr_files ? &g->files[below(&g->r, g->nr_files)] : NULL;
}

/* A file offset: 0, a page, a few bytes in, or past the end. */
static unsigned long file_off(struct gen *g, const struct gfile *f, bool aligned)
{
	unsigned long pages = (f->size + K4 - 1) / K4;
	unsigned long off = below(&g->r, pages + (chance(&g->r, 10) ? 1 : 0)) * K4;

	if (!aligned && chance(&g->r, 40))
		off += below(&g->r, 100);
	return off;
}

/* The length of a buffered transfer: mostly a few bytes, some pages. */
static unsigned long io_len(struct gen *g)
{
	switch (below(&g->r, 4)) {
	case 0:
		return 1 + below(&g->r, 8);
	case 1:
		return 1 + below(&g->r, 64);
	case 2:
		return K4;
	default:
		return K4 + 1 + below(&g->r, K4);
	}
}

/* Statement generators: each fills g->text or says it cannot (false). */

static bool g_process(struct gen *g)
{
	static const char *const names[] = { "P", "R" };

	if (g->nr_procs >= 2)
		return false;
	snprintf(g->procs[g->nr_procs], 8, "%s", names[g->nr_procs]);
	put(g, "process %s", g->procs[g->nr_procs++]);
	return true;
}

static bool g_file(struct gen *g)
{
	static const unsigned long sizes[] = { K4, 2 * K4, 4 * K4, 6000, 3 * K4 };
	struct gfile *f;

	if (g->nr_files == MAX_FILES)
		return false;
	f = &g->files[g->nr_files];
	snprintf(f->name, sizeof(f->name), "F%u", g->nr_files++);
	f->size = sizes[below(&g->r, sizeof(sizes) / sizeof(sizes[0]))];
	put(g, "file %s size ", f->name);
	put_size(g, f->size);
	return true;
}

/* shmem/memfd: a file of the page cache alone, used as any file. */
static bool g_shmem_file(struct gen *g, const char *verb)
{
	static const unsigned long sizes[] = { K4, 2 * K4, 4 * K4, 6000 };
	struct gfile *f;

	if (g->nr_files == MAX_FILES)
		return false;
	f = &g->files[g->nr_files];
	snprintf(f->name, sizeof(f->name), "F%u", g->nr_files++);
	f->size = sizes[below(&g->r, sizeof(sizes) / sizeof(sizes[0]))];
	put(g, "%s %s size ", verb, f->name);
	put_size(g, f->size);
	return true;
}

static bool g_shmem(struct gen *g)
{
	return g_shmem_file(g, "shmem");
}

static bool g_memfd(struct gen *g)
{
	if (!g_shmem_file(g, "memfd"))
		return false;
	if (chance(&g->r, 70))
		put(g, " sealing");
	return true;
}

static bool g_seal(struct gen *g)
{
	static const char *const words[] = {
		"write", "shrink", "grow", "future_write", "seal",
	};
	const struct gfile *f = pick_file(g);
	unsigned int i, n;

	if (!f)
		return false;
	put(g, "seal %s ", f->name);
	n = 1 + (unsigned int)below(&g->r, 2);
	for (i = 0; i < n; i++)
		put(g, "%s%s", i ? "," : "", words[below(&g->r, 5)]);
	maybe_as(g);
	return true;
}

/* "VERB F off N len N": mostly a page, sometimes ragged. */
static bool file_range_stmt(struct gen *g, const char *verb)
{
	const struct gfile *f = pick_file(g);

	if (!f)
		return false;
	put(g, "%s %s off %#lx len ", verb, f->name, file_off(g, f, chance(&g->r, 70)));
	put_size(g, chance(&g->r, 70) ? K4 : 1 + below(&g->r, 2 * K4));
	maybe_as(g);
	return true;
}

static bool g_fallocate(struct gen *g)
{
	return file_range_stmt(g, "fallocate");
}

static bool g_reclaim_file(struct gen *g)
{
	const struct gfile *f = pick_file(g);

	if (!f)
		return false;
	put(g, "reclaim_file %s", f->name);
	if (chance(&g->r, 40))
		put(g, " off %#lx", K4 * below(&g->r, (f->size + K4 - 1) / K4));
	if (chance(&g->r, 30))
		put(g, " len 8K");
	maybe_as(g);
	return true;
}

static bool g_swapoff(struct gen *g)
{
	put(g, "swapoff");
	maybe_as(g);
	return true;
}

static bool g_pipe(struct gen *g)
{
	if (g->nr_pipes == MAX_PIPES)
		return false;
	snprintf(g->pipes[g->nr_pipes], 8, "Q%u", g->nr_pipes);
	put(g, "pipe %s", g->pipes[g->nr_pipes++]);
	return true;
}

static bool g_map(struct gen *g)
{
	const struct gfile *f = chance(&g->r, 55) ? NULL : pick_file(g);
	struct gmap *m;

	if (g->nr_maps == MAX_MAPS)
		return false;
	m = &g->maps[g->nr_maps];
	snprintf(m->name, sizeof(m->name), "m%u", g->nr_maps++);
	m->len = (1 + below(&g->r, chance(&g->r, 50) ? 1 : 4)) * K4;
	m->file = f ? (int)(f - g->files) : -1;
	m->shared = f && chance(&g->r, 55);
	/* PROT_MTE on a file mapping is refused at run time: now and then. */
	m->mte = g->mte && (f ? chance(&g->r, 5) : chance(&g->r, 50));
	put(g, "map %s ", m->name);
	if (f) {
		unsigned long off = file_off(g, f, true);

		put(g, "file %s ", f->name);
		if (off || chance(&g->r, 30))
			put(g, "off %#lx ", off);
	} else {
		put(g, "anon ");
	}
	put(g, "len ");
	put_size(g, m->len);
	put(g, " prot ");
	/* The first mapping is where most accesses go: writable. */
	if (g->nr_maps == 1)
		put(g, "rw%s", m->mte ? ",mte" : "");
	else
		put_prot(g, m->mte);
	put(g, " %s", m->shared ? "shared" : "private");
	return true;
}

static bool g_munmap(struct gen *g)
{
	const struct gmap *m = pick_map(g, false);

	if (!m)
		return false;
	put(g, "munmap ");
	put_addr(g, m, K4);
	put(g, " len ");
	put_size(g, (1 + below(&g->r, m->len / K4)) * K4);
	maybe_as(g);
	return true;
}

static bool g_mprotect(struct gen *g)
{
	const struct gmap *m = pick_map(g, false);

	if (!m)
		return false;
	put(g, "mprotect ");
	put_addr(g, m, K4);
	put(g, " len ");
	put_size(g, (1 + below(&g->r, m->len / K4)) * K4);
	put(g, " prot ");
	put_prot(g, m->mte && chance(&g->r, 80));
	maybe_as(g);
	return true;
}

static void put_tag_opt(struct gen *g, const struct gmap *m)
{
	if (g->mte && (m->mte ? chance(&g->r, 85) : chance(&g->r, 10)))
		put(g, " tag %#x", pick_tag(g));
}

static bool g_write(struct gen *g)
{
	const struct gmap *m = pick_map(g, false);

	if (!m)
		return false;
	put(g, "write ");
	put_addr(g, m, 1);
	put_tag_opt(g, m);
	put(g, " ");
	put_bytes(g, 1 + (unsigned int)below(&g->r, 6));
	maybe_as(g);
	return true;
}

static bool g_read(struct gen *g)
{
	const struct gmap *m = pick_map(g, false);

	if (!m)
		return false;
	put(g, "read ");
	put_addr(g, m, 1);
	put_tag_opt(g, m);
	put(g, " len %lu", 1 + below(&g->r, 8));
	maybe_as(g);
	return true;
}

static bool g_fork(struct gen *g)
{
	if (g->nr_procs == MAX_PROCS)
		return false;
	/* A child forked in a thread may not exist yet when others look. */
	snprintf(g->procs[g->nr_procs], 8, "%c%u", g->thread < 0 ? 'C' : 'K',
		 g->nr_forks++);
	put(g, "fork -> %s", g->procs[g->nr_procs++]);
	maybe_as(g);
	return true;
}

static bool g_exit(struct gen *g)
{
	/* In init, only a child goes: P exiting there would leave nothing. */
	if (g->thread < 0 && g->proc == 0)
		return false;
	put(g, "exit");
	return true;
}

static bool g_pin(struct gen *g)
{
	const struct gmap *m = pick_map(g, false);
	struct gpin *p;

	if (!m || g->nr_pins == MAX_PINS)
		return false;
	p = &g->pins[g->nr_pins];
	snprintf(p->name, sizeof(p->name), "p%u", g->nr_pins);
	p->pages = chance(&g->r, 80) ? 1 : 2;
	p->owner = g->thread;
	p->open = true;
	g->pin = (int)g->nr_pins++;
	put(g, "pin ");
	put_addr(g, m, K4);
	if (p->pages > 1)
		put(g, " pages %u", p->pages);
	p->write = chance(&g->r, 60);
	if (p->write)
		put(g, " write");
	if (chance(&g->r, 30))
		put(g, " longterm");
	if (chance(&g->r, 50))
		put(g, " fast");
	if (chance(&g->r, 15))
		put(g, " get");
	put(g, " as %s", p->name);
	return true;
}

/* The pins the current thread (or init) may still use and must unpin. */
static struct gpin *own_pin(struct gen *g)
{
	unsigned int i, n = 0, idx[MAX_PINS];

	for (i = 0; i < g->nr_pins; i++)
		if (g->pins[i].open && g->pins[i].owner == g->thread)
			idx[n++] = i;
	return n ? &g->pins[idx[below(&g->r, n)]] : NULL;
}

static bool holds_pins(const struct gen *g)
{
	unsigned int i;

	for (i = 0; i < g->nr_pins; i++)
		if (g->pins[i].open && g->pins[i].owner == g->thread)
			return true;
	return false;
}

static bool g_unpin(struct gen *g)
{
	struct gpin *p = own_pin(g);

	if (!p)
		return false;
	p->open = false;
	g->pin = (int)(p - g->pins);
	g->unpin = true;
	put(g, "unpin %s", p->name);
	return true;
}

static bool g_dma(struct gen *g)
{
	struct gpin *p = own_pin(g);
	bool write;
	unsigned long span, n;

	if (!p)
		return false;
	/*
	 * A device writes only through a pin taken for writing: DMA into a
	 * page pinned read-only (the shared zero page, a COW-shared page) is
	 * the driver's bug.
	 */
	write = p->write && chance(&g->r, 55);
	span = p->pages * K4;
	n = 1 + below(&g->r, 6);
	put(g, "dma %s ", p->name);
	if (write) {
		put(g, "write ");
		put_bytes(g, (unsigned int)n);
	} else {
		put(g, "read");
	}
	if (chance(&g->r, 60))
		put(g, " off %lu", below(&g->r, span - n));
	if (!write) {
		put(g, " len %lu", n);
		maybe_as(g);
	}
	return true;
}

/* fwrite/fread F [off N] from|to ADDR len N */
static bool file_io(struct gen *g, const char *verb, bool to_file, bool direct)
{
	const struct gfile *f = pick_file(g);
	const struct gmap *m = pick_map(g, false);
	bool aligned = direct && chance(&g->r, 90);
	unsigned long len;

	if (!f || !m)
		return false;
	put(g, "%s %s", verb, f->name);
	if (chance(&g->r, 80))
		put(g, " off %#lx", file_off(g, f, aligned));
	put(g, " %s ", to_file ? "from" : "to");
	put_addr(g, m, aligned ? K4 : 1);
	len = aligned ? (1 + below(&g->r, 2)) * K4 : io_len(g);
	put(g, " len ");
	put_size(g, len);
	maybe_as(g);
	return true;
}

static bool g_fwrite(struct gen *g)
{
	return file_io(g, "fwrite", true, false);
}

static bool g_fread(struct gen *g)
{
	return file_io(g, "fread", false, false);
}

static bool g_fwrite_direct(struct gen *g)
{
	return file_io(g, "fwrite_direct", true, true);
}

static bool g_fread_direct(struct gen *g)
{
	return file_io(g, "fread_direct", false, true);
}

static bool g_fsync(struct gen *g)
{
	const struct gfile *f = pick_file(g);

	if (!f)
		return false;
	put(g, "fsync %s", f->name);
	maybe_as(g);
	return true;
}

static bool g_truncate(struct gen *g)
{
	const struct gfile *f = pick_file(g);
	unsigned long size;

	if (!f)
		return false;
	switch (below(&g->r, 4)) {
	case 0:
		size = 0;
		break;
	case 1:
		size = below(&g->r, K4);
		break;
	default:
		size = file_off(g, f, false);
		break;
	}
	put(g, "truncate %s ", f->name);
	put_size(g, size);
	maybe_as(g);
	return true;
}

static bool g_punch(struct gen *g)
{
	return file_range_stmt(g, "punch");
}

static bool g_splice(struct gen *g)
{
	const struct gfile *f = pick_file(g);
	const char *q = g->nr_pipes ? g->pipes[below(&g->r, g->nr_pipes)] : NULL;

	if (!f || !q)
		return false;
	if (chance(&g->r, 65)) {
		put(g, "splice %s", f->name);
		if (chance(&g->r, 80))
			put(g, " off %#lx", file_off(g, f, false));
		put(g, " to %s", q);
	} else {
		put(g, "splice %s to %s", q, f->name);
		if (chance(&g->r, 80))
			put(g, " off %#lx", file_off(g, f, false));
	}
	put(g, " len ");
	put_size(g, io_len(g));
	maybe_as(g);
	return true;
}

static bool g_pipe_read(struct gen *g)
{
	const struct gmap *m = pick_map(g, false);
	const char *q = g->nr_pipes ? g->pipes[below(&g->r, g->nr_pipes)] : NULL;

	if (!m || !q)
		return false;
	put(g, "pipe_read %s to ", q);
	put_addr(g, m, 1);
	put(g, " len ");
	put_size(g, io_len(g));
	maybe_as(g);
	return true;
}

/* A tag range: whole granules, a few or a page or two. */
static unsigned long tag_len(struct gen *g, unsigned long align)
{
	if (align == K4)
		return (1 + below(&g->r, 2)) * K4;
	return chance(&g->r, 50) ? 16 * (1 + below(&g->r, 8)) : K4;
}

static bool g_store_tags(struct gen *g)
{
	const struct gmap *m = pick_map(g, true);

	if (!m)
		return false;
	put(g, "store_tags ");
	put_addr(g, m, 16);
	put(g, " %#x len ", pick_tag(g));
	put_size(g, tag_len(g, 16));
	maybe_as(g);
	return true;
}

static bool g_load_tags(struct gen *g)
{
	const struct gmap *m = pick_map(g, true);

	if (!m)
		return false;
	put(g, "load_tags ");
	put_addr(g, m, 16);
	put(g, " len ");
	put_size(g, tag_len(g, 16));
	maybe_as(g);
	return true;
}

static bool g_reclaim(struct gen *g)
{
	const struct gmap *m = pick_map(g, false);

	if (!m)
		return false;
	put(g, "reclaim ");
	put_addr(g, m, K4);
	if (chance(&g->r, 30))
		put(g, " len %luK", 4 * (1 + below(&g->r, m->len / K4)));
	maybe_as(g);
	return true;
}

/* madvise A len N hugepage|nohugepage: the whole VMA, or a piece (enotsup). */
static bool g_madvise(struct gen *g)
{
	const struct gmap *m = pick_map(g, false);

	if (!m)
		return false;
	put(g, "madvise %s len %luK %s", m->name,
	    chance(&g->r, 80) ? m->len / 1024 : 4ul,
	    chance(&g->r, 75) ? "hugepage" : "nohugepage");
	maybe_as(g);
	return true;
}

/* split_thp A: mostly einval, the generated maps being small. */
static bool g_split_thp(struct gen *g)
{
	const struct gmap *m = pick_map(g, false);

	if (!m)
		return false;
	put(g, "split_thp ");
	put_addr(g, m, K4);
	maybe_as(g);
	return true;
}

/*
 * nr_hugepages 2M N: the pool grows as far as memory lets it; at least
 * one page for a hugetlb 2M guest_memfd (its machine has the room).
 */
static bool g_nr_hugepages(struct gen *g)
{
	put(g, "nr_hugepages 2M %lu", below(&g->r, 3) + (g->gmem_pool ? 1 : 0));
	maybe_as(g);
	return true;
}

/* demote 1G N: the machines hold no 1 GiB page: ebusy, a status. */
static bool g_demote(struct gen *g)
{
	put(g, "demote 1G %lu", 1 + below(&g->r, 2));
	maybe_as(g);
	return true;
}

/* hugetlbfs hN 2M size N: the files the next two act on. */
static bool g_hugetlbfs(struct gen *g)
{
	if (g->nr_hfiles == MAX_FILES)
		return false;
	put(g, "hugetlbfs h%u 2M size %luM", g->nr_hfiles++, 2 * (1 + below(&g->r, 2)));
	return true;
}

static bool g_hugetlbfs_truncate(struct gen *g)
{
	if (!g->nr_hfiles)
		return false;
	put(g, "hugetlbfs_truncate h%lu size %luM", below(&g->r, g->nr_hfiles),
	    2 * below(&g->r, 2));
	maybe_as(g);
	return true;
}

static bool g_hugetlbfs_punch(struct gen *g)
{
	if (!g->nr_hfiles)
		return false;
	put(g, "hugetlbfs_punch h%lu off %luM len 2M", below(&g->r, g->nr_hfiles),
	    2 * below(&g->r, 2));
	maybe_as(g);
	return true;
}

/* remote_write/remote_read P A ...: a tracer's access to any process. */
static bool g_remote(struct gen *g, bool write)
{
	const struct gmap *m = pick_map(g, false);
	unsigned int n = 1 + (unsigned int)below(&g->r, 6);

	if (!m || !g->nr_procs)
		return false;
	put(g, "remote_%s %s ", write ? "write" : "read",
	    g->procs[below(&g->r, g->nr_procs)]);
	put_addr(g, m, 1);
	if (write) {
		put(g, " ");
		put_bytes(g, n);
	} else {
		put(g, " len %u", n);
	}
	if (chance(&g->r, 60))
		put(g, " force");
	maybe_as(g);
	return true;
}

static bool g_remote_write(struct gen *g)
{
	return g_remote(g, true);
}

static bool g_remote_read(struct gen *g)
{
	return g_remote(g, false);
}

static bool g_vm(struct gen *g)
{
	struct gvm *v;

	if (g->nr_vms == MAX_VMS)
		return false;
	v = &g->vms[g->nr_vms];
	snprintf(v->name, sizeof(v->name), "V%u", g->nr_vms++);
	v->proc = g->proc;
	v->mte = chance(&g->r, 80);
	v->slot = 0;
	/* A pKVM protected VM now and then: private memory, attributes. */
	v->pkvm = chance(&g->r, 20);
	put(g, "vm %s on %s%s%s", v->name, g->procs[v->proc], v->mte ? " mte" : "",
	    v->pkvm ? " type pkvm" : "");
	return true;
}

/*
 * guest_memfd: the last VM's; a file the file statements may pick too.
 * With init_block()'s g->gmem_huge, a hugetlb one ("hugetlb 2M|1G"): one
 * or two 2 MiB folios, or one 1 GiB (no machine has room for a 1 GiB
 * pool page: its allocations fail, -ENOMEM and SIGBUS).
 */
static bool g_guest_memfd(struct gen *g)
{
	static const unsigned long sizes[] = { K4, 2 * K4, 4 * K4 };
	static const char *const flags[] = { "", " mmap", " mmap init_shared" };
	const struct gvm *v = g->nr_vms ? &g->vms[g->nr_vms - 1] : NULL;
	struct gfile *f;

	if (!v || g->nr_files == MAX_FILES)
		return false;
	f = &g->files[g->nr_files];
	snprintf(f->name, sizeof(f->name), "F%u", g->nr_files++);
	f->huge = g->gmem_huge;
	g->gmem_huge = 0;
	if (f->huge == M2)
		f->size = M2 * (1 + below(&g->r, 2));
	else if (f->huge)
		f->size = G1;
	else
		f->size = sizes[below(&g->r, sizeof(sizes) / sizeof(sizes[0]))];
	put(g, "guest_memfd %s vm %s size ", f->name, v->name);
	if (f->huge)
		put(g, "%s", f->huge == G1 ? "1G" : f->size == M2 ? "2M" : "4M");
	else
		put_size(g, f->size);
	put(g, "%s", flags[below(&g->r, sizeof(flags) / sizeof(flags[0]))]);
	if (f->huge)
		put(g, " hugetlb %s", f->huge == M2 ? "2M" : "1G");
	return true;
}

/*
 * A hugetlb guest_memfd's range: a folio, aligned, at most 2 MiB long
 * (a 1 GiB step would take more steps than an execution's bound), else
 * a page; *@off and *@len, false when @f is not one or the draw says no.
 */
static bool gmem_huge_range(struct gen *g, const struct gfile *f,
			    unsigned long *off, unsigned long *len)
{
	if (!f->huge || !chance(&g->r, 60))
		return false;
	*len = chance(&g->r, 30) ? K4 : M2;
	*off = M2 * below(&g->r, f->size / M2);
	return true;
}

/* gmem_fallocate F [punch] off N len N: page aligned mostly. */
static bool g_gmem_fallocate(struct gen *g)
{
	const struct gfile *f = pick_file(g);

	unsigned long off, len;
	bool punch;

	if (!f)
		return false;
	punch = chance(&g->r, 40);
	if (gmem_huge_range(g, f, &off, &len)) {
		/* Allocating a whole 1 GiB file fails at once: -ENOMEM. */
		if (!punch && f->huge == G1 && chance(&g->r, 50)) {
			off = 0;
			len = G1;
		}
		put(g, "gmem_fallocate %s%s off %#lx len ", f->name,
		    punch ? " punch" : "", off);
		put_size(g, len);
		maybe_as(g);
		return true;
	}
	put(g, "gmem_fallocate %s%s off %#lx len ", f->name,
	    punch ? " punch" : "", file_off(g, f, chance(&g->r, 90)));
	put_size(g, chance(&g->r, 90) ? K4 : 1 + below(&g->r, 2 * K4));
	maybe_as(g);
	return true;
}

static bool g_gmem_close(struct gen *g)
{
	const struct gfile *f = pick_file(g);

	if (!f)
		return false;
	put(g, "gmem_close %s", f->name);
	maybe_as(g);
	return true;
}

/* gmem_convert F private|shared off N len N: page aligned mostly. */
static bool g_gmem_convert(struct gen *g)
{
	const struct gfile *f = pick_file(g);

	unsigned long off, len;
	const char *to;

	if (!f)
		return false;
	to = chance(&g->r, 50) ? "private" : "shared";
	if (gmem_huge_range(g, f, &off, &len)) {
		put(g, "gmem_convert %s %s off %#lx len ", f->name, to, off);
		put_size(g, len);
		maybe_as(g);
		return true;
	}
	put(g, "gmem_convert %s %s off %#lx len ", f->name, to,
	    file_off(g, f, chance(&g->r, 90)));
	put_size(g, chance(&g->r, 90) ? K4 : 1 + below(&g->r, 2 * K4));
	maybe_as(g);
	return true;
}

static bool g_memslot(struct gen *g)
{
	struct gvm *v = g->nr_vms ? &g->vms[g->nr_vms - 1] : NULL;
	const struct gmap *m = pick_map(g, false);

	if (!v || !m || v->slot)
		return false;
	v->slot = m->len;
	put(g, "memslot %s gpa 0x0 at %s len ", v->name, m->name);
	put_size(g, m->len);
	return true;
}

/* A VM with guest memory (and tags when @mte); its VMM process acts. */
static struct gvm *pick_vm(struct gen *g, bool mte)
{
	unsigned int i, n = 0, idx[MAX_VMS];

	for (i = 0; i < g->nr_vms; i++)
		if (g->vms[i].slot && (!mte || g->vms[i].mte))
			idx[n++] = i;
	if (!n)
		return NULL;
	i = idx[below(&g->r, n)];
	g->proc = g->vms[i].proc;
	return &g->vms[i];
}

/* A guest physical address in the slot (sometimes just past it). */
static void put_gpa(struct gen *g, const struct gvm *v, unsigned long align)
{
	unsigned long pages = v->slot / K4;
	unsigned long gpa = (chance(&g->r, 93) ? below(&g->r, pages) : pages) * K4;

	if (align < K4 && chance(&g->r, 50))
		gpa += below(&g->r, K4 / 16) * 16 + (align == 1 ? below(&g->r, 16) : 0);
	put(g, " %#lx", gpa);
}

static void put_guest_tag(struct gen *g, const struct gvm *v)
{
	if (v->mte && chance(&g->r, 85))
		put(g, " tag %#x", pick_tag(g));
}

/*
 * vm_attr V 0x0 len N private|shared: KVM_SET_MEMORY_ATTRIBUTES; EINVAL
 * (a status) on a VM without private memory.
 */
static bool g_vm_attr(struct gen *g)
{
	struct gvm *v = pick_vm(g, false);

	if (!v)
		return false;
	put(g, "vm_attr %s 0x0 len ", v->name);
	put_size(g, K4);
	put(g, chance(&g->r, 50) ? " private" : " shared");
	maybe_as(g);
	return true;
}

static bool g_guest_write(struct gen *g)
{
	struct gvm *v = pick_vm(g, false);

	if (!v)
		return false;
	put(g, "guest_write %s", v->name);
	put_gpa(g, v, 1);
	put_guest_tag(g, v);
	put(g, " ");
	put_bytes(g, 1 + (unsigned int)below(&g->r, 6));
	maybe_as(g);
	return true;
}

static bool g_guest_read(struct gen *g)
{
	struct gvm *v = pick_vm(g, false);

	if (!v)
		return false;
	put(g, "guest_read %s", v->name);
	put_gpa(g, v, 1);
	put_guest_tag(g, v);
	put(g, " len %lu", 1 + below(&g->r, 8));
	maybe_as(g);
	return true;
}

static bool g_guest_store_tags(struct gen *g)
{
	struct gvm *v = pick_vm(g, true);

	if (!v)
		return false;
	put(g, "guest_store_tags %s", v->name);
	put_gpa(g, v, 16);
	put(g, " %#x len ", pick_tag(g));
	put_size(g, tag_len(g, 16));
	maybe_as(g);
	return true;
}

static bool g_guest_load_tags(struct gen *g)
{
	struct gvm *v = pick_vm(g, true);

	if (!v)
		return false;
	put(g, "guest_load_tags %s", v->name);
	put_gpa(g, v, 16);
	put(g, " len ");
	put_size(g, tag_len(g, 16));
	maybe_as(g);
	return true;
}

/* Only 'set': 'expect' would state an expectation the run may not meet. */
static bool g_copy_tags(struct gen *g)
{
	struct gvm *v = pick_vm(g, true);

	if (!v)
		return false;
	put(g, "copy_tags %s", v->name);
	put_gpa(g, v, K4);
	put(g, " len ");
	put_size(g, tag_len(g, K4));
	put(g, " set %#x", pick_tag(g));
	maybe_as(g);
	return true;
}

/* A DMA handle this thread (or init) made and has not released. */
static struct gdma *own_dma(struct gen *g, int stream)
{
	unsigned int i, n = 0, idx[MAX_DMA];

	for (i = 0; i < g->nr_dmas; i++)
		if (g->dmas[i].open && g->dmas[i].owner == g->thread &&
		    (stream < 0 || g->dmas[i].stream == (stream > 0)))
			idx[n++] = i;
	return n ? &g->dmas[idx[below(&g->r, n)]] : NULL;
}

static struct gdma *new_dma(struct gen *g, bool stream)
{
	struct gdma *d;

	if (g->nr_dmas == MAX_DMA)
		return NULL;
	d = &g->dmas[g->nr_dmas];
	snprintf(d->name, sizeof(d->name), "%s%u", stream ? "sm" : "cb", g->nr_dmas);
	g->nr_dmas++;
	d->stream = stream;
	d->owner = g->thread;
	d->open = true;
	return d;
}

/* dma_alloc [pool] len N as cbK */
static bool g_dma_alloc(struct gen *g)
{
	struct gdma *d = new_dma(g, false);
	bool pool = chance(&g->r, 40);

	if (!d)
		return false;
	put(g, "dma_alloc%s len ", pool ? " pool" : "");
	put_size(g, pool ? K4 : (1 + below(&g->r, 2)) * K4);
	put(g, " as %s", d->name);
	return true;
}

/* dma_free (a coherent buffer, kind 0) or dma_unmap (a streaming map, 1). */
static bool g_dma_release(struct gen *g, int kind, const char *verb)
{
	struct gdma *d = own_dma(g, kind);

	if (!d)
		return false;
	d->open = false;
	put(g, "%s %s", verb, d->name);
	maybe_as(g);
	return true;
}

static bool g_dma_free(struct gen *g)
{
	return g_dma_release(g, 0, "dma_free");
}

static bool g_pv_vm(struct gen *g)
{
	struct gvm *v;

	if (g->nr_vms == MAX_VMS)
		return false;
	v = &g->vms[g->nr_vms];
	snprintf(v->name, sizeof(v->name), "V%u", g->nr_vms++);
	v->proc = g->proc;
	v->mte = false;
	v->slot = 0;
	put(g, "pv_vm %s on %s", v->name, g->procs[v->proc]);
	return true;
}

static bool g_pv_write(struct gen *g)
{
	struct gvm *v = pick_vm(g, false);

	if (!v)
		return false;
	put(g, "pv_write %s", v->name);
	put_gpa(g, v, 1);
	put(g, " ");
	put_bytes(g, 1 + (unsigned int)below(&g->r, 6));
	maybe_as(g);
	return true;
}

/* dma_mmap cbK dmN len 4K prot P: a new address nobody else uses. */
static bool g_dma_mmap(struct gen *g)
{
	struct gdma *d = own_dma(g, 0);

	if (!d)
		return false;
	put(g, "dma_mmap %s dm%u len 4K prot ", d->name, g->nr_dma_maps++);
	put_prot(g, false);
	maybe_as(g);
	return true;
}

static bool g_pv_read(struct gen *g)
{
	struct gvm *v = pick_vm(g, false);

	if (!v)
		return false;
	put(g, "pv_read %s", v->name);
	put_gpa(g, v, 1);
	put(g, " len %lu", 1 + below(&g->r, 8));
	maybe_as(g);
	return true;
}

/* dma_map pK DIR [off N] len N as smK, of a pin this thread holds. */
static bool g_dma_map(struct gen *g)
{
	static const char *const dirs[] = { "to_device", "from_device", "bidirectional" };
	struct gpin *p = own_pin(g);
	struct gdma *d;
	unsigned long off = 0, n;

	if (!p || !(d = new_dma(g, true)))
		return false;
	/* The device writes only through a pin taken for writing. */
	put(g, "dma_map %s %s", p->name, dirs[p->write ? below(&g->r, 3) : 0]);
	if (chance(&g->r, 40)) {
		off = below(&g->r, K4 - 16);
		put(g, " off %lu", off);
	}
	n = 1 + below(&g->r, K4 - off < 64 ? K4 - off : 64);
	put(g, " len %lu as %s", n, d->name);
	return true;
}

static bool g_dma_unmap(struct gen *g)
{
	return g_dma_release(g, 1, "dma_unmap");
}

static bool g_dma_sync(struct gen *g)
{
	struct gdma *d = own_dma(g, 1);

	if (!d)
		return false;
	put(g, "dma_sync %s %s", d->name, chance(&g->r, 50) ? "for_cpu" : "for_device");
	maybe_as(g);
	return true;
}

/* dev_write/dev_read at a handle: an offset past its end is a status. */
static bool g_dev(struct gen *g, bool write)
{
	struct gdma *d = own_dma(g, -1);
	unsigned int n = 1 + (unsigned int)below(&g->r, 8);

	if (!d)
		return false;
	put(g, "%s %s", write ? "dev_write" : "dev_read", d->name);
	if (write) {
		put(g, " ");
		put_bytes(g, n);
	}
	if (chance(&g->r, 40))
		put(g, " off %lu", below(&g->r, 64));
	if (!write)
		put(g, " len %u", n);
	maybe_as(g);
	return true;
}

/* pv_import, pv_share: a page of the guest. */
static bool g_pv_page(struct gen *g, const char *verb)
{
	struct gvm *v = pick_vm(g, false);

	if (!v)
		return false;
	put(g, "%s %s", verb, v->name);
	put_gpa(g, v, K4);
	maybe_as(g);
	return true;
}

static bool g_pv_import(struct gen *g)
{
	return g_pv_page(g, "pv_import");
}

static bool g_pv_share(struct gen *g)
{
	return g_pv_page(g, "pv_share");
}

static bool g_pv_destroy(struct gen *g)
{
	struct gvm *v = pick_vm(g, false);

	if (!v)
		return false;
	put(g, "pv_destroy %s", v->name);
	maybe_as(g);
	return true;
}

static bool g_dev_write(struct gen *g)
{
	return g_dev(g, true);
}

static bool g_dev_read(struct gen *g)
{
	return g_dev(g, false);
}

/*
 * dev_write_phys/dev_read_phys: a device at a pinned page's physical
 * address. Not on machines that encrypt: there it is the driver bug
 * enc-mismatch reports every time, not a finding.
 */
static bool g_dev_phys(struct gen *g, bool write)
{
	struct gpin *p = own_pin(g);
	unsigned int n = 1 + (unsigned int)below(&g->r, 6);

	if (!p || g->enc || (write && !p->write))
		return false;
	put(g, "%s %s", write ? "dev_write_phys" : "dev_read_phys", p->name);
	if (write) {
		put(g, " ");
		put_bytes(g, n);
	}
	if (chance(&g->r, 50))
		put(g, " off %lu", below(&g->r, p->pages * K4 - n));
	if (!write)
		put(g, " len %u", n);
	maybe_as(g);
	return true;
}

static bool g_splice_to_device(struct gen *g)
{
	const char *q = g->nr_pipes ? g->pipes[below(&g->r, g->nr_pipes)] : NULL;

	if (!q)
		return false;
	put(g, "splice_to_device %s len ", q);
	put_size(g, K4 * (1 + below(&g->r, 2)));
	maybe_as(g);
	return true;
}

static bool g_dev_write_phys(struct gen *g)
{
	return g_dev_phys(g, true);
}

static bool g_dev_read_phys(struct gen *g)
{
	return g_dev_phys(g, false);
}

enum {
	/* Declared in init with no 'on P:' (the statement names its own). */
	F_DECL = 1 << 0,
	/* Only on the machine with tags and guests. */
	F_MTE = 1 << 1,
	/* Only on the machine with protected guests. */
	F_S390 = 1 << 2,
	/* On either machine with guests. */
	F_GUEST = 1 << 3,
};

/* TTM (every scenario has 'vram 256K'): BOs of 4K or 8K. */
static const char *const bo_places[] = { "system", "tt", "vram" };

static bool g_bo(struct gen *g)
{
	unsigned int i = g->nr_bos;

	if (i == MAX_BOS)
		return false;
	g->bo_dirty[i] = chance(&g->r, 40);
	put(g, "bo b%u %s%s size %uK", i, bo_places[below(&g->r, 3)],
	    g->bo_dirty[i] ? " dirty" : "", chance(&g->r, 50) ? 4 : 8);
	g->nr_bos++;
	return true;
}

static bool g_map_bo(struct gen *g)
{
	if (!g->nr_bos || g->nr_bo_maps == 4)
		return false;
	put(g, "map_bo b%u bm%u len 4K prot %s", (unsigned int)below(&g->r, g->nr_bos),
	    g->nr_bo_maps++, chance(&g->r, 80) ? "rw" : "r");
	return true;
}

static bool g_bo_move(struct gen *g)
{
	if (!g->nr_bos)
		return false;
	put(g, "bo_move b%u %s", (unsigned int)below(&g->r, g->nr_bos),
	    bo_places[below(&g->r, 3)]);
	return true;
}

static bool g_bo_reserve(struct gen *g)
{
	unsigned int a;

	if (g->nr_bos < 2)
		return false;
	a = (unsigned int)below(&g->r, g->nr_bos);
	put(g, "bo_reserve b%u b%u", a,
	    (a + 1 + (unsigned int)below(&g->r, g->nr_bos - 1)) % g->nr_bos);
	return true;
}

static int pick_dirty_bo(struct gen *g)
{
	unsigned int i, n = 0, idx[MAX_BOS];

	for (i = 0; i < g->nr_bos; i++)
		if (g->bo_dirty[i])
			idx[n++] = i;
	return n ? (int)idx[below(&g->r, n)] : -1;
}

static bool g_bo_sync(struct gen *g)
{
	int b = pick_dirty_bo(g);

	if (b < 0)
		return false;
	put(g, "bo_sync b%d", b);
	return true;
}

static bool g_bo_device_read(struct gen *g)
{
	int b = pick_dirty_bo(g);

	if (b < 0)
		return false;
	put(g, "bo_device_read b%d off 0 len %lu", b, 1 + below(&g->r, 8));
	return true;
}

static bool g_map_vvar(struct gen *g)
{
	if (g->vvar)
		return false;
	g->vvar = true;
	put(g, "map_vvar vv");
	return true;
}

static bool g_vvar_write(struct gen *g)
{
	put(g, "vvar_write ");
	put_bytes(g, 1 + (unsigned int)below(&g->r, 6));
	return true;
}

static bool g_pvclock_write(struct gen *g)
{
	put(g, "pvclock_write ");
	put_bytes(g, 1 + (unsigned int)below(&g->r, 6));
	return true;
}

/* Whether a statement of these flags applies on this machine. */
static bool gen_applies(const struct gen *g, unsigned int flags)
{
	if (flags & F_GUEST)
		return g->mte || g->s390;
	if (flags & F_MTE)
		return g->mte;
	if (flags & F_S390)
		return g->s390;
	return true;
}

/*
 * One entry per statement kind. Weights are relative, in init and in a
 * thread; 0 there means the skeleton or the pin bookkeeping places it.
 */
static const struct stmt_gen {
	const char *verb;
	bool (*gen)(struct gen *g);
	unsigned char w_init, w_thread;
	unsigned int flags;
} stmt_gens[] = {
	{ "process", g_process, 0, 0, F_DECL },
	{ "file", g_file, 0, 0, F_DECL },
	{ "pipe", g_pipe, 0, 0, F_DECL },
	{ "shmem", g_shmem, 0, 0, F_DECL },
	{ "memfd", g_memfd, 0, 0, F_DECL },
	{ "vm", g_vm, 0, 0, F_DECL | F_MTE },
	{ "memslot", g_memslot, 0, 0, F_DECL | F_GUEST },
	{ "guest_memfd", g_guest_memfd, 0, 0, F_DECL | F_MTE },
	{ "gmem_fallocate", g_gmem_fallocate, 1, 1, 0 },
	{ "gmem_close", g_gmem_close, 0, 1, 0 },
	{ "gmem_convert", g_gmem_convert, 1, 2, 0 },
	{ "map", g_map, 3, 3, 0 },
	{ "munmap", g_munmap, 1, 5, 0 },
	{ "mprotect", g_mprotect, 1, 5, 0 },
	{ "write", g_write, 10, 12, 0 },
	{ "read", g_read, 2, 10, 0 },
	{ "fork", g_fork, 3, 4, 0 },
	{ "exit", g_exit, 1, 3, 0 },
	{ "pin", g_pin, 3, 6, 0 },
	{ "unpin", g_unpin, 0, 0, 0 },
	{ "dma", g_dma, 0, 0, 0 },
	{ "fwrite", g_fwrite, 6, 6, 0 },
	{ "fread", g_fread, 1, 5, 0 },
	{ "fwrite_direct", g_fwrite_direct, 1, 4, 0 },
	{ "fread_direct", g_fread_direct, 1, 4, 0 },
	{ "fsync", g_fsync, 1, 3, 0 },
	{ "truncate", g_truncate, 1, 4, 0 },
	{ "punch", g_punch, 1, 3, 0 },
	{ "splice", g_splice, 2, 4, 0 },
	{ "pipe_read", g_pipe_read, 1, 4, 0 },
	{ "store_tags", g_store_tags, 4, 4, F_MTE },
	{ "load_tags", g_load_tags, 1, 4, F_MTE },
	{ "reclaim", g_reclaim, 3, 5, 0 },
	{ "reclaim_file", g_reclaim_file, 1, 3, 0 },
	{ "swapoff", g_swapoff, 0, 1, 0 },
	{ "seal", g_seal, 1, 2, 0 },
	{ "fallocate", g_fallocate, 1, 2, 0 },
	{ "guest_write", g_guest_write, 2, 5, F_MTE },
	{ "vm_attr", g_vm_attr, 1, 4, F_MTE },
	{ "guest_read", g_guest_read, 1, 5, F_MTE },
	{ "guest_store_tags", g_guest_store_tags, 2, 5, F_MTE },
	{ "guest_load_tags", g_guest_load_tags, 2, 5, F_MTE },
	{ "copy_tags", g_copy_tags, 2, 5, F_MTE },
	{ "madvise", g_madvise, 1, 3, 0 },
	{ "split_thp", g_split_thp, 1, 3, 0 },
	{ "nr_hugepages", g_nr_hugepages, 1, 1, F_DECL },
	{ "demote", g_demote, 1, 1, F_DECL },
	{ "hugetlbfs", g_hugetlbfs, 2, 0, F_DECL },
	{ "hugetlbfs_truncate", g_hugetlbfs_truncate, 1, 2, F_DECL },
	{ "hugetlbfs_punch", g_hugetlbfs_punch, 1, 2, F_DECL },
	{ "remote_write", g_remote_write, 1, 3, 0 },
	{ "remote_read", g_remote_read, 1, 3, 0 },
	{ "bo", g_bo, 0, 0, F_DECL },
	{ "map_bo", g_map_bo, 0, 0, 0 },
	{ "bo_move", g_bo_move, 1, 2, 0 },
	{ "bo_reserve", g_bo_reserve, 1, 1, 0 },
	{ "bo_sync", g_bo_sync, 1, 1, 0 },
	{ "bo_device_read", g_bo_device_read, 1, 1, 0 },
	{ "map_vvar", g_map_vvar, 0, 0, 0 },
	{ "vvar_write", g_vvar_write, 1, 1, 0 },
	{ "pvclock_write", g_pvclock_write, 1, 1, 0 },
	{ "dma_alloc", g_dma_alloc, 1, 1, 0 },
	{ "dma_free", g_dma_free, 1, 1, 0 },
	{ "dma_mmap", g_dma_mmap, 2, 2, 0 },
	{ "dma_map", g_dma_map, 2, 3, 0 },
	{ "dma_unmap", g_dma_unmap, 2, 3, 0 },
	{ "dma_sync", g_dma_sync, 1, 1, 0 },
	{ "dev_write", g_dev_write, 1, 2, 0 },
	{ "dev_read", g_dev_read, 1, 2, 0 },
	{ "dev_write_phys", g_dev_write_phys, 1, 1, 0 },
	{ "dev_read_phys", g_dev_read_phys, 1, 1, 0 },
	{ "pv_vm", g_pv_vm, 0, 0, F_DECL | F_S390 },
	{ "pv_write", g_pv_write, 3, 6, F_S390 },
	{ "pv_read", g_pv_read, 2, 5, F_S390 },
	{ "pv_import", g_pv_import, 1, 4, F_S390 },
	{ "pv_share", g_pv_share, 1, 2, F_S390 },
	{ "pv_destroy", g_pv_destroy, 0, 2, F_S390 },
	{ "splice_to_device", g_splice_to_device, 1, 3, F_S390 },
};

#define NR_GENS (sizeof(stmt_gens) / sizeof(stmt_gens[0]))
_Static_assert(NR_GENS <= GEN_MAX_VERBS, "gen_opts.without has no bit for every statement kind");

unsigned int gen_nr_verbs(void)
{
	return NR_GENS;
}

const char *gen_verb(unsigned int i)
{
	return i < NR_GENS ? stmt_gens[i].verb : NULL;
}

int gen_exclude(struct gen_opts *o, const char *verb)
{
	unsigned int i;

	for (i = 0; i < NR_GENS; i++) {
		if (strcmp(stmt_gens[i].verb, verb))
			continue;
		/* Declarations build the scenario; unpin and dma come with pin. */
		if ((stmt_gens[i].flags & F_DECL) || !strcmp(verb, "map") ||
		    (!stmt_gens[i].w_init && !stmt_gens[i].w_thread))
			return -EINVAL;
		o->without[i / 64] |= 1ull << (i % 64);
		return 0;
	}
	return -EINVAL;
}

static const struct stmt_gen *find_gen(const char *verb)
{
	unsigned int i;

	for (i = 0; i < NR_GENS; i++)
		if (!strcmp(stmt_gens[i].verb, verb))
			return &stmt_gens[i];
	return NULL;
}

/* The process a statement acts in: the thread's, or in init mostly P. */
static int acting_proc(struct gen *g, int thread_proc)
{
	if (g->thread >= 0)
		return thread_proc;
	return chance(&g->r, 70) ? 0 : (int)below(&g->r, g->nr_procs);
}

/*
 * Runs @sg and, when it made a statement, appends it as a line, with
 * 'on P:' where the language needs it (init) or the statement acts in
 * another process than its thread's (a vCPU of another VMM).
 */
static bool emit(struct gen *g, const struct stmt_gen *sg, int thread_proc)
{
	struct gen_scenario *s = g->s;
	struct gen_line *l;

	if (!gen_applies(g, sg->flags))
		return false;
	if (gen_without(g->opts, (unsigned int)(sg - stmt_gens)))
		return false;
	if (s->nr_lines == GEN_MAX_LINES)
		return false;
	g->proc = (sg->flags & F_DECL) ? 0 : acting_proc(g, thread_proc);
	g->len = 0;
	g->text[0] = '\0';
	g->pin = -1;
	g->unpin = false;
	if (!sg->gen(g) || g->len >= sizeof(g->text))
		return false;
	l = &s->lines[s->nr_lines++];
	if (!(sg->flags & F_DECL) && (g->thread < 0 || g->proc != thread_proc))
		snprintf(l->text, sizeof(l->text), "on %s: %s", g->procs[g->proc], g->text);
	else
		snprintf(l->text, sizeof(l->text), "%s", g->text);
	l->thread = g->thread;
	l->pin = g->pin;
	l->unpin = g->unpin;
	l->verb = sg->verb;
	return true;
}

static bool emit_verb(struct gen *g, const char *verb, int thread_proc)
{
	return emit(g, find_gen(verb), thread_proc);
}

/* A statement drawn by weight, among those that apply here. */
static void emit_random(struct gen *g, int thread_proc)
{
	unsigned int i, total = 0, w, tries;

	for (tries = 0; tries < 8; tries++) {
		total = 0;
		for (i = 0; i < NR_GENS; i++)
			if (gen_applies(g, stmt_gens[i].flags))
				total += g->thread < 0 ? stmt_gens[i].w_init :
					 stmt_gens[i].w_thread;
		w = (unsigned int)below(&g->r, total);
		for (i = 0; i < NR_GENS; i++) {
			unsigned int wi;

			if (!gen_applies(g, stmt_gens[i].flags))
				continue;
			wi = g->thread < 0 ? stmt_gens[i].w_init : stmt_gens[i].w_thread;
			if (w < wi)
				break;
			w -= wi;
		}
		if (i < NR_GENS && emit(g, &stmt_gens[i], thread_proc))
			return;
	}
}

/* A step: use or release a pin held here now and then, else anything. */
static void emit_step(struct gen *g, int thread_proc)
{
	static const char *const stream_uses[] = { "dev_write", "dev_read", "dma_unmap",
						   "dma_sync", "dma_unmap", "dma_sync" };
	static const char *const coherent_uses[] = { "dev_write", "dev_read", "dma_free",
						     "dma_mmap", "dma_free", "dma_mmap" };

	if (own_pin(g) && chance(&g->r, 30)) {
		unsigned long w = below(&g->r, 10);

		if (emit_verb(g, w < 4 ? "dma" : w < 6 ? "dma_map" : w < 7 ? "dev_read_phys" :
				 w < 8 ? "dev_write_phys" : "unpin", thread_proc))
			return;
	}
	/* A DMA handle made here: used, or released, now and then. */
	if (g->nr_dmas && chance(&g->r, 45)) {
		const char *const *uses = own_dma(g, 1) ? stream_uses : coherent_uses;

		if (emit_verb(g, uses[below(&g->r, 6)], thread_proc))
			return;
	}
	emit_random(g, thread_proc);
}

static void header(struct gen *g, const struct gen_opts *o)
{
	struct gen_scenario *s = g->s;
	const char *strategy = o->strategy;
	size_t n = 0;

	n += (size_t)snprintf(s->header + n, sizeof(s->header) - n, "memory %s\ndisk 1M\n",
			      chance(&g->r, 70) ? "1M" : "2M");
	/* The GPU's VRAM, for buffer objects. */
	n += (size_t)snprintf(s->header + n, sizeof(s->header) - n, "vram 256K\n");
	if (chance(&g->r, 50))
		n += (size_t)snprintf(s->header + n, sizeof(s->header) - n, "swap 1M%s\n",
				      chance(&g->r, 30) ? " synchronous" : "");
	if (!strategy) {
		unsigned long w = below(&g->r, 10);

		strategy = w < 6 ? "pct" : w < 8 ? "random" : "dfs";
	}
	if (!strcmp(strategy, "pct"))
		snprintf(s->header + n, sizeof(s->header) - n,
			 "explore pct depth %lu executions %lu seed %lu\n",
			 2 + below(&g->r, 2), o->executions, 1 + below(&g->r, 1000000));
	else if (!strcmp(strategy, "random"))
		snprintf(s->header + n, sizeof(s->header) - n,
			 "explore random executions %lu seed %lu\n", o->executions,
			 1 + below(&g->r, 1000000));
	else
		snprintf(s->header + n, sizeof(s->header) - n,
			 "explore dfs preemptions %lu executions %lu\n",
			 1 + below(&g->r, 2), o->executions);
}

/*
 * Now and then the next guest_memfd is a hugetlb one; for 2 MiB the
 * machine grows to 8M (header(): "memory 1M" or "2M", same length) and
 * its pool gets a page or more first.
 */
static void gmem_hugetlb(struct gen *g)
{
	char *mem = g->s->header + strlen("memory ");

	if (!chance(&g->r, 30))
		return;
	g->gmem_huge = chance(&g->r, 25) ? G1 : M2;
	if (g->gmem_huge != M2)
		return;
	mem[0] = '8';
	g->gmem_pool = true;
	emit_verb(g, "nr_hugepages", 0);
}

static void init_block(struct gen *g)
{
	unsigned int i, n;

	g->thread = GEN_INIT;
	emit_verb(g, "process", 0);
	if (chance(&g->r, 30))
		emit_verb(g, "process", 0);
	n = chance(&g->r, 75) ? 1 + (unsigned int)below(&g->r, 2) : 0;
	for (i = 0; i < n; i++)
		emit_verb(g, "file", 0);
	if (chance(&g->r, 25))
		emit_verb(g, chance(&g->r, 50) ? "memfd" : "shmem", 0);
	if (chance(&g->r, 40))
		emit_verb(g, "pipe", 0);
	n = 1 + (unsigned int)below(&g->r, 3);
	for (i = 0; i < n; i++)
		emit_verb(g, "map", 0);
	if (g->mte && chance(&g->r, 45)) {
		emit_verb(g, "vm", 0);
		emit_verb(g, "memslot", 0);
		gmem_hugetlb(g);
		emit_verb(g, "guest_memfd", 0);
	}
	if (chance(&g->r, 30)) {
		n = 1 + (unsigned int)below(&g->r, MAX_BOS);
		for (i = 0; i < n; i++)
			emit_verb(g, "bo", 0);
		emit_verb(g, "map_bo", 0);
		if (chance(&g->r, 50))
			emit_verb(g, "map_bo", 0);
	}
	if (chance(&g->r, 15))
		emit_verb(g, "map_vvar", 0);
	if (g->s390 && chance(&g->r, 70)) {
		emit_verb(g, "pv_vm", 0);
		emit_verb(g, "memslot", 0);
	}
	n = (unsigned int)below(&g->r, 7);
	for (i = 0; i < n; i++)
		emit_step(g, 0);
}

static void thread_block(struct gen *g, unsigned int t)
{
	struct gen_scenario *s = g->s;
	struct gen_thread *th = &s->threads[t];
	int proc = chance(&g->r, 70) ? 0 : (int)below(&g->r, g->nr_procs);
	unsigned int i, n = 1 + (unsigned int)below(&g->r, 5);

	g->thread = (int)t;
	/*
	 * A thread on a process another thread forks runs each statement only
	 * if that fork is done (else ESRCH, an unpin too): pins init gave it
	 * could stay pinned, a leak of the scenario's own. It gets none.
	 */
	if (g->procs[proc][0] == 'K' && holds_pins(g))
		proc = 0;
	snprintf(th->name, sizeof(th->name), "T%u", t);
	snprintf(th->proc, sizeof(th->proc), "%s", g->procs[proc]);
	th->cpu = t;
	for (i = 0; i < n; i++)
		emit_step(g, proc);
	/* Whatever this thread still holds is released before it ends. */
	while (emit_verb(g, "unpin", proc))
		;
}

/*
 * 'exists' lines: conditions over the end state, evaluated after every
 * execution (the interpreter's finish()). They state nothing that can
 * fail: whether one ever held is not an oracle, only what evaluating it
 * does to the model is checked.
 */
static void final_conditions(struct gen *g)
{
	struct gen_scenario *s = g->s;
	unsigned int i, n = chance(&g->r, 40) ? 1 + (unsigned int)below(&g->r, 2) : 0;

	g->thread = GEN_FINAL;
	for (i = 0; i < n && s->nr_lines < GEN_MAX_LINES; i++) {
		const struct gmap *m = pick_map(g, g->mte);
		const char *proc = g->procs[below(&g->r, g->nr_procs)];
		struct gen_line *l;

		g->len = 0;
		put(g, "exists ");
		switch (below(&g->r, g->mte ? 8 : 7)) {
		case 0:
			put(g, "mapped(%s:%s)", proc, m->name);
			break;
		case 1:
			put(g, "pinned(%s:%s)", proc, m->name);
			break;
		case 2:
			put(g, "refcount(%s:%s) >= 1", proc, m->name);
			break;
		case 3:
			put(g, "not mapcount(%s:%s) > 1", proc, m->name);
			break;
		case 4:
			put(g, "swapped(%s:%s) or mapped(%s:%s)", proc, m->name, proc, m->name);
			break;
		case 5:
			put(g, "%s:", proc);
			put_addr(g, m, 1);
			put(g, " != ");
			put_bytes(g, 1 + (unsigned int)below(&g->r, 3));
			break;
		case 6:
			put(g, "%s:", proc);
			put_addr(g, m, 1);
			put(g, " == \"\\0\"");
			break;
		default:
			put(g, "tags(%s:", proc);
			put_addr(g, m, 16);
			put(g, ") == %#x", pick_tag(g));
			break;
		}
		l = &s->lines[s->nr_lines++];
		snprintf(l->text, sizeof(l->text), "%s", g->text);
		l->thread = GEN_FINAL;
		l->pin = -1;
		l->unpin = false;
		l->verb = "exists";
	}
}

/* Any machine this build models, those added later included. */
static const char *pick_machine(struct gen *g)
{
	unsigned int n = 0;

	while (arch_machine_name(n))
		n++;
	return arch_machine_name((unsigned int)below(&g->r, n));
}

/* " --executions 1000 --without exit": what differs from the defaults. */
static void describe_opts(const struct gen_opts *o, char *buf, size_t cap)
{
	size_t n = 0;
	unsigned int i;

	buf[0] = '\0';
	if (o->executions != 300)
		n += (size_t)snprintf(buf + n, cap - n, " --executions %lu", o->executions);
	if (o->strategy && n < cap)
		n += (size_t)snprintf(buf + n, cap - n, " --strategy %s", o->strategy);
	if (o->machine && n < cap)
		n += (size_t)snprintf(buf + n, cap - n, " --machine %s", o->machine);
	for (i = 0; i < NR_GENS && n < cap; i++)
		if (gen_without(o, i))
			n += (size_t)snprintf(buf + n, cap - n, " --without %s",
					      stmt_gens[i].verb);
}

void gen_scenario(uint64_t seed, uint64_t index, const struct gen_opts *o,
		  struct gen_scenario *out)
{
	static struct gen g;
	const char *machine;
	unsigned int i, n;
	unsigned long w;

	memset(&g, 0, sizeof(g));
	memset(out, 0, sizeof(*out));
	g.s = out;
	g.r.s = seed ^ (0xd1b54a32d192ed03ull * (index + 1));
	rnd(&g.r);
	out->seed = seed;
	out->index = index;
	g.opts = o;
	describe_opts(o, out->args, sizeof(out->args));
	machine = o->machine ? o->machine : pick_machine(&g);
	/* Tags and guests: the statements of the machine that has them. */
	g.mte = !strcmp(machine, SCN_MTE_MACHINE);
	g.enc = !strcmp(machine, "x86-sme") || !strcmp(machine, "x86-sev");
	g.s390 = !strcmp(machine, "s390-pv");
	g.tag = 1 + (unsigned int)below(&g.r, 15);
	snprintf(out->machine, sizeof(out->machine), "%s", machine);
	snprintf(out->name, sizeof(out->name), "campaign-%llu-%llu",
		 (unsigned long long)seed, (unsigned long long)index);
	header(&g, o);
	init_block(&g);
	w = below(&g.r, 10);
	n = w < 1 ? 1 : w < 6 ? 2 : w < 9 ? 3 : 4;
	/* Pins init made are used and released by one thread each. */
	for (i = 0; i < g.nr_pins; i++)
		if (g.pins[i].open)
			g.pins[i].owner = (int)below(&g.r, n);
	out->nr_threads = n;
	for (i = 0; i < n; i++)
		thread_block(&g, i);
	final_conditions(&g);
}

static bool put_text(char *buf, size_t cap, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool put_text(char *buf, size_t cap, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*n >= cap)
		return false;
	va_start(ap, fmt);
	w = vsnprintf(buf + *n, cap - *n, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= cap - *n) {
		*n = cap;
		return false;
	}
	*n += (size_t)w;
	return true;
}

long gen_render(const struct gen_scenario *g, const bool *keep,
		const char *comment, char *buf, size_t cap)
{
	unsigned int i, t, threads = 0;
	size_t n = 0;

	if (comment) {
		const char *c = comment, *nl;

		while (*c) {
			nl = strchr(c, '\n');
			put_text(buf, cap, &n, "# %.*s\n", (int)(nl ? nl - c : (long)strlen(c)), c);
			c = nl ? nl + 1 : c + strlen(c);
		}
	}
	put_text(buf, cap, &n, "scenario %s\n\"\"\"Random scenario %llu of campaign seed %llu "
		 "(protmm-campaign --seed %llu --start %llu --count 1%s).\"\"\"\nmachine %s\n"
		 "%s\ninit {\n", g->name, (unsigned long long)g->index,
		 (unsigned long long)g->seed, (unsigned long long)g->seed,
		 (unsigned long long)g->index, g->args, g->machine, g->header);
	for (i = 0; i < g->nr_lines; i++)
		if (g->lines[i].thread == GEN_INIT && (!keep || keep[i]))
			put_text(buf, cap, &n, "    %s\n", g->lines[i].text);
	put_text(buf, cap, &n, "}\n");
	for (t = 0; t < g->nr_threads; t++) {
		bool open = false;

		for (i = 0; i < g->nr_lines; i++) {
			if (g->lines[i].thread != (int)t || (keep && !keep[i]))
				continue;
			if (!open)
				put_text(buf, cap, &n, "\nthread %s on %s cpu %u {\n",
					 g->threads[t].name, g->threads[t].proc,
					 g->threads[t].cpu);
			open = true;
			put_text(buf, cap, &n, "    %s\n", g->lines[i].text);
		}
		if (open) {
			put_text(buf, cap, &n, "}\n");
			threads++;
		}
	}
	put_text(buf, cap, &n, "\n");
	for (i = 0; i < g->nr_lines; i++)
		if (g->lines[i].thread == GEN_FINAL && (!keep || keep[i]))
			put_text(buf, cap, &n, "%s\n", g->lines[i].text);
	put_text(buf, cap, &n, "expect ok\n");
	if (n >= cap || !threads)
		return -1;
	return (long)n;
}
