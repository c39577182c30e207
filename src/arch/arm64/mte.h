/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * arm64 Memory Tagging Extension: the hardware (a 4-bit tag per 16-byte
 * granule, kept beside each frame) and the kernel's page-level protocol
 * (PG_mte_tagged, PG_mte_lock; arch/arm64/include/asm/mte.h,
 * arch/arm64/kernel/mte.c).
 *
 * Tag storage is read and written at yield points on the frame's object
 * (frame_obj()), so a tag copy races with the frame's data accesses.
 */
#ifndef PMM_ARCH_ARM64_MTE_H
#define PMM_ARCH_ARM64_MTE_H

#include <stdbool.h>

#include "mem/folio.h"
#include "mem/phys.h"
#include "mm/arch.h"

#define MTE_GRANULE_SIZE	16u
#define MTE_GRANULES_PER_PAGE	(PAGE_SIZE / MTE_GRANULE_SIZE)
#define MTE_TAG_MASK		0xfu

/* arm64's PROT_MTE (include/uapi/asm/mman.h): a tag-checked mapping. */
#define PROT_MTE		0x20u

/* The Tagged memory attribute of a PTE (MT_NORMAL_TAGGED), an ARCH bit. */
#define PTE_ATTR_TAGGED		(1ULL << 52)

/* VM_MTE: PROT_MTE given; VM_MTE_ALLOWED: the mapping may have it. */
#define VM_MTE			VM_ARCH_1
#define VM_MTE_ALLOWED		VM_ARCH_2

/* PG_mte_tagged: the page's tags are valid; PG_mte_lock: being set up. */
#define PG_mte_tagged		PG_arch_2
#define PG_mte_lock		PG_arch_3

extern const struct arch_mm_ops arm64_mte_arch_ops;

static inline bool pte_tagged(pte_t pte)
{
	return pte_val(pte) & PTE_ATTR_TAGGED;
}

/* page_mte_tagged(): with the read barrier of today's kernel. */
bool page_mte_tagged(struct page *page);
/* set_page_mte_tagged(): after the tags are written (smp_wmb() first). */
void set_page_mte_tagged(struct page *page);
/*
 * try_page_mte_tagging(): true when the caller won PG_mte_lock and must
 * initialise the tags, then set_page_mte_tagged(); false when the tags
 * are (or, once the winner finishes, will be) valid: it waits for them.
 */
bool try_page_mte_tagging(struct page *page);

/* The mte.sync knob: which protocol mte_sync_tags() and KVM follow. */
enum mte_sync_mode {
	MTE_SYNC_BIT,		/* 5.10-6.1.17: test_and_set_bit(PG_mte_tagged) first */
	MTE_SYNC_PAGE_LOCK,	/* the seed's proposal: under lock_page() */
	MTE_SYNC_MTE_LOCK,	/* 6.2 on: PG_mte_lock, try_page_mte_tagging() */
	MTE_SYNC_DEFERRED,	/* 6.1.y stable: test, initialise, set; no lock */
};
enum mte_sync_mode mte_sync_mode(void);

/*
 * A move of tags that belongs to a logical location (an STG or LDG, a
 * guest's, KVM_ARM_MTE_COPY_TAGS), which the tag oracle follows. The
 * kernel's own tag copies (clear, save, restore) use mte_read_tags() and
 * mte_write_tags() and are not seen.
 */
struct mte_tag_access {
	enum phys_accessor who;	/* ACCESS_USER, ACCESS_GUEST, ACCESS_KERNEL */
	/* The location: an mm and user address (for a guest, the VMM's). */
	const void *mm;
	unsigned long vaddr;
	unsigned long pfn;
	unsigned int offset, len;	/* in the frame, granule aligned */
	unsigned char *tags;		/* a tag per granule */
	bool write;
	/*
	 * The kernel reaching the frame through a reference that does not
	 * follow the page tables (KVM_ARM_MTE_COPY_TAGS' FOLL_GET): the
	 * tags are the frame's, those of whatever maps it at the time (the
	 * oracle looks the owners up), not @mm's at @vaddr.
	 */
	bool by_frame;
	/*
	 * Tags written to a page not yet PG_mte_tagged: nobody sees them
	 * until the writer sets the flag (a reader waits for it, or reads
	 * zeros, and a COW copy leaves them behind), so the watchers hear
	 * of them then, from mte_tags_published().
	 */
	bool unpublished;
};

struct mte_tag_watch {
	/* After the tags moved. */
	void (*accessed)(const struct mte_tag_access *a);
};
void mte_tag_watch(const struct mte_tag_watch *w);
/* Moves the tags (one yield point on the frame), then tells the watchers. */
void mte_access_tags(struct mte_tag_access *a);
/* The unpublished write @a is visible now: tells the watchers (no yield). */
void mte_tags_published(struct mte_tag_access *a);

/* Hardware tag storage: one yield point per call, on the frame. */
void mte_read_tags(unsigned long pfn, unsigned int off, unsigned int len,
		   unsigned char *tags);
void mte_write_tags(unsigned long pfn, unsigned int off, unsigned int len,
		    const unsigned char *tags);
/* mte_clear_page_tags(): every granule's tag to 0. */
void mte_clear_page_tags(unsigned long pfn);
/* The tag of one granule, with no yield (oracles, traces, final checks). */
unsigned int mte_peek_tag(unsigned long pfn, unsigned int granule);

/*
 * This execution's tag storage and saved tags, and the tag-check watcher
 * of physical accesses. Called at machine init (through tags_init(), after
 * the tag oracle registered its watcher: the oracle sees every checked
 * access before the hardware refuses it). Nothing to do on other machines.
 */
int mte_init(void);

#endif /* PMM_ARCH_ARM64_MTE_H */
