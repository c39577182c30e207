// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>

#include "mm/access.h"
#include "mm/arch.h"
#include "mm/memory.h"
#include "mm/mmap.h"
#include "mm/pgalloc.h"
#include "mm/tlb.h"

#define FAULT_RETRIES 64

static bool permits(pte_t pte, bool write)
{
	return pte_hw_present(pte) && (!write || pte_write(pte));
}

/*
 * A TLB entry serves a store only once it carries the dirty bit: x86 (and
 * arm64 hardware DBM) walks again to set it in the PTE first, so a clean
 * writable page (mapped clean by do_swap_page(), say) becomes dirty there.
 */
static bool tlb_serves(pte_t pte, bool write)
{
	return permits(pte, write) && (!write || pte_dirty(pte));
}

/*
 * do_user_addr_fault(): the VMA must exist and allow the access, then
 * handle_mm_fault() under mmap_lock for reading.
 */
static int user_fault(struct mm_struct *mm, unsigned long addr, bool write)
{
	struct vm_area_struct *vma;
	vm_fault_t ret = VM_FAULT_SIGSEGV;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (vma && addr >= vma->vm_start &&
	    (vma->vm_flags & (write ? VM_WRITE : VM_READ)))
		ret = handle_mm_fault(vma, addr, write ? FAULT_FLAG_WRITE : 0);
	mmap_read_unlock(mm);
	if (ret & VM_FAULT_OOM)
		return -ENOMEM;
	if (ret & VM_FAULT_SIGBUS)
		return -EIO;
	if (ret & VM_FAULT_SIGSEGV)
		return -EFAULT;
	return 0;
}

/*
 * The hardware walker: reads the PTE (the step's yield point), and when it
 * permits the access, sets A (and D for a write) and fills the TLB, all
 * within the same step as the access that follows.
 */
/* What an access of @addr (@write) by @cpu in @mm uses, for dependence. */
struct access_probe {
	struct mm_struct *mm;
	int cpu;
	unsigned long addr;
	bool write;
};

/* The frame the walk would access, were it picked now (NULL: none). */
static const void *walk_frame(const void *arg)
{
	const struct access_probe *w = arg;
	unsigned long sz;
	pte_t *ptep = pgtable_leaf_offset(w->mm, w->addr, &sz);
	uint64_t leaf = sz != PAGE_SIZE ? _PAGE_PSE : 0;
	pte_t pte;

	if (!ptep)
		return NULL;
	pte = __pte(__atomic_load_n(&ptep->pte, __ATOMIC_RELAXED));
	if (!permits(pte, w->write) || (pte_val(pte) & leaf) != leaf)
		return NULL;
	return frame_obj(pte_pfn(leaf_subpage_pte(pte, w->addr, sz)));
}

/* The frame a TLB hit would access, were it picked now (NULL: none). */
static const void *tlb_frame(const void *arg)
{
	const struct access_probe *w = arg;
	pte_t pte;

	if (!tlb_peek(w->cpu, w->mm, w->addr, &pte) || !tlb_serves(pte, w->write))
		return NULL;
	return frame_obj(pte_pfn(pte));
}

static bool walk(struct mm_struct *mm, int cpu, unsigned long addr,
		 bool write, bool drop, pte_t *out)
{
	unsigned long sz, again;
	pte_t *ptep = pgtable_leaf_offset(mm, addr, &sz);
	uint64_t set = _PAGE_ACCESSED | (write ? _PAGE_DIRTY : 0);
	/* A huge leaf (THP or hugetlb): the walk ends there and sets its bits. */
	uint64_t leaf = sz != PAGE_SIZE ? _PAGE_PSE : 0;
	struct access_probe probe = { .mm = mm, .cpu = cpu, .addr = addr,
				      .write = write };
	pte_t pte;

	if (!ptep) {
		/* No table to walk: the stale entry goes in a step of its own. */
		if (drop) {
			sched_point(tlb_dep_obj(), PMM_ACC_WRITE);
			tlb_drop(cpu, mm, addr);
		}
		return false;
	}
	/*
	 * The step also sets A/D in the PTE, fills (or drops) the TLB entry
	 * and accesses the frame the PTE points to.
	 */
	sched_also(ptep, PMM_ACC_WRITE);
	sched_also(tlb_dep_obj(), PMM_ACC_WRITE);
	sched_also_fn(walk_frame, &probe, write ? PMM_ACC_WRITE : PMM_ACC_READ);
	pte = ptep_get(ptep);
	if (drop)
		tlb_drop(cpu, mm, addr);
	/*
	 * The walk is one step with its read: a table munmap freed since
	 * the yield point is not walked through (the flush it waited for
	 * would have stopped this walk), the walker finds nothing there.
	 */
	if (pgtable_leaf_offset(mm, addr, &again) != ptep)
		pte = __pte(0);
	/*
	 * The walker sets A/D only in the entry it used: natively another
	 * CPU may have cleared or changed it since, and then it walks again.
	 */
	while (permits(pte, write) && (pte_val(pte) & leaf) == leaf &&
	       (pte_val(pte) & set) != set) {
		uint64_t old = pte_val(pte);

		if (__atomic_compare_exchange_n(&ptep->pte, &old, old | set, false,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			pte = __pte(old | set);
		else
			pte = __pte(old);
	}
	/* A leaf split meanwhile now points at a table: walk again. */
	if (!permits(pte, write) || (pte_val(pte) & leaf) != leaf)
		return false;
	/* The TLB holds the 4 KiB piece of a leaf that this access uses. */
	pte = leaf_subpage_pte(pte, addr, sz);
	tlb_fill(cpu, mm, addr, pte);
	*out = pte;
	return true;
}

/*
 * Translation and access are one step, as they are one instruction: a TLB
 * hit yields on the frame and looks again after the yield; a miss yields
 * in the walk. A protection fault drops the CPU's stale entry (x86 does).
 */
static int translate(struct mm_struct *mm, int cpu, unsigned long addr,
		     bool write, pte_t *pte, const struct pmm_loc *loc)
{
	int tries, err;

	struct access_probe probe = { .mm = mm, .cpu = cpu, .addr = addr,
				      .write = write };

	for (tries = 0; tries < FAULT_RETRIES; tries++) {
		bool drop = false;

		if (tlb_peek(cpu, mm, addr, pte)) {
			/* The hit reads the TLB; the frame is the entry's then. */
			sched_also(tlb_dep_obj(), PMM_ACC_READ);
			sched_also_fn(tlb_frame, &probe, write ? PMM_ACC_WRITE :
				      PMM_ACC_READ);
			sched_point_at(frame_obj(pte_pfn(*pte)), write ?
				       PMM_ACC_WRITE : PMM_ACC_READ, loc);
			if (tlb_lookup(cpu, mm, addr, pte) && tlb_serves(*pte, write))
				return 0;
			/* Dropped by the walk's step, which writes the TLB. */
			drop = true;
		}
		if (walk(mm, cpu, addr, write, drop, pte))
			return 0;
		err = user_fault(mm, addr, write);
		if (err)
			return err;
	}
	pmm_violation("bug-on", "access at %#lx still faults after %d faults",
		      addr, FAULT_RETRIES);
	return -EFAULT;
}

/*
 * untagged_addr(): the MMU ignores the top-byte bits the machine allows
 * (arm64 TBI); elsewhere an address using them is not canonical: a fault.
 */
static int untag(unsigned long *addr, unsigned int *tag)
{
	unsigned long top = *addr & ~((1UL << PMM_TAG_SHIFT) - 1);

	*tag = 0;
	if (!top)
		return 0;
	if (top & ~arch_ops->tbi_mask)
		return -EFAULT;
	*tag = (unsigned int)((top >> PMM_TAG_SHIFT) & 0xf);
	*addr &= (1UL << PMM_TAG_SHIFT) - 1;
	return 0;
}

/*
 * Translates each page of [addr, addr + len) in turn, then lets @move do
 * the access in the same step: @done bytes of the range came before it.
 */
static int access_range(struct mm_struct *mm, int cpu, unsigned long addr,
			size_t len, bool write, enum phys_accessor who,
			int (*move)(struct phys_access *a, size_t done, void *arg,
				    const struct pmm_loc *loc),
			void *arg, const struct pmm_loc *loc)
{
	unsigned int tag;
	size_t done = 0;
	int err = untag(&addr, &tag);

	while (!err && done < len) {
		unsigned int off = addr & ~PAGE_MASK;
		unsigned int n = (unsigned int)(len - done < PAGE_SIZE - off ?
						len - done : PAGE_SIZE - off);
		struct phys_access a = { .who = who, .cpu = cpu, .write = write,
					 .offset = off, .len = n,
					 .mm = mm, .vaddr = addr, .tag = tag };
		pte_t pte;

		err = translate(mm, cpu, addr & PAGE_MASK, write, &pte, loc);
		if (err)
			break;
		a.pfn = pte_pfn(pte);
		a.attrs = pte_val(pte) & (PTE_ARCH_MASK | _PAGE_CACHE_MASK);
		a.via_pte = true;
		err = move(&a, done, arg, loc);
		addr += n;
		done += n;
	}
	return err;
}

static int move_bytes(struct phys_access *a, size_t done, void *buf,
		      const struct pmm_loc *loc)
{
	a->buf = (unsigned char *)buf + done;
	return __phys_access(a, loc);
}

int access_user_at(struct mm_struct *mm, int cpu, unsigned long addr,
		   void *buf, size_t len, bool write, enum phys_accessor who,
		   const struct pmm_loc *loc)
{
	return access_range(mm, cpu, addr, len, write, who, move_bytes, buf, loc);
}

static int move_tags(struct phys_access *a, size_t done, void *tags,
		     const struct pmm_loc *loc)
{
	(void)loc;
	return arch_ops->user_tags(a, (unsigned char *)tags +
				      done / PMM_MTE_GRANULE);
}

int access_user_tags_at(struct mm_struct *mm, int cpu, unsigned long addr,
			unsigned char *tags, size_t len, bool write,
			const struct pmm_loc *loc)
{
	unsigned long untagged = addr & ((1UL << PMM_TAG_SHIFT) - 1);

	if (!arch_ops->user_tags)
		return -ENOTSUP;
	if ((untagged | len) & (PMM_MTE_GRANULE - 1))
		return -EINVAL;
	return access_range(mm, cpu, addr, len, write, ACCESS_USER, move_tags,
			    tags, loc);
}
