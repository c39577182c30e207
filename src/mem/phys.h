/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Physical memory: sizing it, and the one function through which every
 * access to a frame's bytes goes — a CPU through its TLB, the kernel
 * through its direct map, a device by DMA — so that architecture backends
 * (encryption, tags, secure pages) and oracles see each one.
 */
#ifndef PMM_MEM_PHYS_H
#define PMM_MEM_PHYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mem/page.h"

struct phys_mem_opts {
	unsigned long ram_bytes;
	unsigned long dev_bytes;
};

/* Sets up this execution's memory: every RAM frame free in the buddy. */
int phys_init(const struct phys_mem_opts *opts);

enum phys_accessor {
	ACCESS_USER,	/* a CPU running user code, through its TLB */
	ACCESS_KERNEL,	/* the kernel: copy_{to,from}_user, kmap */
	ACCESS_DMA,	/* a device */
	ACCESS_GUEST,	/* a vCPU, through its stage-2 table */
};

struct phys_access {
	enum phys_accessor who;
	int cpu;		/* user and kernel accesses */
	bool write;
	unsigned long pfn;
	unsigned int offset;	/* within the frame */
	unsigned int len;	/* offset + len <= PAGE_SIZE */
	void *buf;
	/* Architecture bits of the mapping used (PTE attributes), if any. */
	uint64_t attrs;
	/* The pointer's tag (top-byte-ignore bits of the address), if any. */
	unsigned int tag;
	/*
	 * What the bytes are, for the data oracle. @mm and @vaddr: the user
	 * address the frame is reached at (the oracle resolves it through
	 * the VMA); its content is checked on a read and recorded on a
	 * write. @check_obj/@record_obj: for kernel and device accesses, a
	 * logical location (a file's mapping and byte offset) whose content
	 * the bytes moved must equal, or become.
	 */
	const void *mm;
	unsigned long vaddr;
	const void *check_obj;
	unsigned long check_off;
	const void *record_obj;
	unsigned long record_off;
	/*
	 * A device reaching the frame through a reference that does not
	 * follow a process's page tables (a FOLL_GET reference, a pin of a
	 * page-cache page or of the zero page): the bytes are the frame's,
	 * that is those of whatever maps it at the time of the access (the
	 * oracle looks the owners up), not the pinned address's.
	 */
	bool by_frame;
	/*
	 * @attrs are those of the PTE the address translated through (a
	 * user address's, in access_range()); otherwise a kernel access goes
	 * through the kernel's direct map.
	 */
	bool via_pte;
	/*
	 * A device's DMA to a bus address (drivers/dma_dev.h): @attrs hold
	 * the address's C-bit. Other DMA (the block device, pinned pages)
	 * is taken to go through a correct DMA API mapping.
	 */
	bool bus_addr;
};

/*
 * Watchers of physical memory: an architecture backend or oracle. access()
 * runs before the bytes move and may refuse (negative errno: the access
 * faults) or transform them; freed() runs when a folio returns to the
 * buddy allocator.
 */
struct phys_watch {
	int (*access)(struct phys_access *a);
	/* After the bytes moved (the data oracle looks at them here). */
	void (*accessed)(const struct phys_access *a);
	void (*freed)(struct folio *folio);
	/* A logical range now reads as zeros (truncate, hole punch). */
	void (*zeroed)(const void *obj, unsigned long off, unsigned long len);
};

#define PHYS_MAX_WATCH 16
void phys_watch(const struct phys_watch *w);

/*
 * Moves bytes between @a->buf and the frame: one yield point on the frame
 * (a read, or a write), then the watchers, then the copy. Returns 0, or a
 * watcher's negative errno. An access to a free frame is a use-after-free
 * violation.
 */
int phys_access_at(struct phys_access *a, const struct pmm_loc *loc);
/* The same, in a step that has already yielded (a CPU's translation). */
int __phys_access(struct phys_access *a, const struct pmm_loc *loc);
#define phys_access(a)	phys_access_at((a), PMM_HERE)

/*
 * A frame's contents: a 4 KiB buffer made on the first write and kept for
 * the frame's life, never zeroed as a whole. A bit per 64-byte line says
 * whether the line holds bytes; a line without them reads as zeros (and
 * is zeroed when first written), and a freed frame reads as PAGE_POISON.
 * So zeroing and poisoning a frame (clear_page(), page poisoning) cost a
 * word, and a small write touches a line, not a page. A frame poisoned
 * before it was ever written shares one read-only poisoned descriptor
 * until its next write, so memory of any size (a 1 GiB folio freed)
 * costs its bytes only where they were written.
 */
#define FRAME_LINE	64
#define FRAME_LINES	(PAGE_SIZE / FRAME_LINE)

struct frame_data {
	uint64_t valid;
	bool poisoned;
	/*
	 * Per line, the key domain its bytes were last written in
	 * (mem/memcrypt.h): bytes[] holds them as that writer saw them, and
	 * what DRAM holds is their encryption under that key. 0 (no key)
	 * on machines without memory encryption.
	 */
	uint8_t key[FRAME_LINES];
	_Alignas(16) unsigned char bytes[PAGE_SIZE];
};

/* The 64-bit word @idx of a page-table frame (all chunks valid). */
uint64_t *frame_word(unsigned long pfn, unsigned int idx);
/* Makes a frame a page table: every chunk present and zero. */
void frame_make_table(unsigned long pfn);
/* The page-table frame whose entries hold @obj, and the entry's index. */
bool phys_pte_slot(const void *obj, unsigned long *table, unsigned long *index);

/* The object a frame's contents are, for yield points and traces. */
static inline const void *frame_obj(unsigned long pfn)
{
	return &pfn_to_page(pfn)->data;
}

/* Raw frame bytes for the model's own bookkeeping: no yield, no watcher. */
void frame_peek(unsigned long pfn, unsigned int off, void *buf, unsigned int len);
void frame_poke(unsigned long pfn, unsigned int off, const void *buf,
		unsigned int len);
void frame_clear(unsigned long pfn);
void frame_poison(unsigned long pfn);

#define PAGE_POISON 0xaa

/*
 * The memory encryption engine's hook (mem/memcrypt.h): the key domain
 * of an access, or NULL when this execution's machine encrypts nothing
 * (every access then moves its bytes as they are, at no cost).
 */
extern int (*phys_access_key)(const struct phys_access *a);
/* The key domain of the kernel's direct map of @pfn (the model's own writes). */
extern unsigned int (*phys_direct_key)(unsigned long pfn);

/* The key domain line @line of @pfn was last written in (0: none). */
unsigned int frame_line_key(unsigned long pfn, unsigned int line);
/* Whether line @line of @pfn holds written bytes (not zeros or poison). */
bool frame_line_valid(unsigned long pfn, unsigned int line);

void phys_notify_freed(struct folio *folio);
/* Whether @pfn is in a free block of the buddy allocator (or a per-CPU list). */
bool pfn_is_free(unsigned long pfn);
void phys_logical_zero(const void *obj, unsigned long off, unsigned long len);

#endif /* PMM_MEM_PHYS_H */
