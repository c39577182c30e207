// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A protected (PV) guest on s390 (arch/s390/kvm/pv.c, kvm-s390.c, and the
 * guest-fault side of arch/s390/kernel/uv.c): its vCPUs' accesses import
 * pages through gmap_make_secure(), it shares pages for virtio, and its
 * destruction destroys its secure pages.
 *
 * The guest-fault side follows uv.c as of v6.13 (gmap_make_secure() with
 * the PTL held across make_folio_secure(); v6.15 moved it to
 * make_hva_secure() and s390_wiggle_split_folio() with the same rules).
 *
 * Simplifications, each with its reason:
 * - The gmap is the generic stage-2 table of virt/kvm.h (an entry per
 *   guest page, kept in sync by the mmu notifier), not s390's shadow of
 *   the host page tables: what the protocol argues about is the host PTE
 *   and the folio, which gmap_make_secure() reads as the kernel does.
 * - A vCPU translates for writing always: an import needs a present,
 *   writable host PTE, and PV guest memory is mapped so.
 * - A secure-storage intercept (the guest touched a page not secure for
 *   it) is handled by the vCPU's task at once: KVM's intercept handler
 *   calls gmap_convert_to_secure() and re-enters the guest.
 * - lru_add_drain()/lru_add_drain_all() drain nothing: the model has no
 *   per-CPU LRU batches; the control flow (drain, retry once, drain all,
 *   give up) is the kernel's.
 * - THP: s390 KVM disables THP for a guest's mm, so the kernel's large
 *   folios here are PTE-mapped (file or memfd); the model's large folios
 *   are PMD-mapped anonymous THPs, taken down the same -E2BIG path
 *   (split_folio(), then retry).
 * - One PV guest per mm: should_export_before_import() is false.
 */
#include <errno.h>
#include <string.h>

#include "arch/s390/uv.h"
#include "mem/phys.h"
#include "mm/huge_memory.h"
#include "mm/hugetlb.h"
#include "mm/memory.h"
#include "mm/mmap.h"
#include "mm/pgalloc.h"
#include "protmm/s390.h"
#include "virt/kvm.h"

/* kvm->arch.pv: the guest as the UV knows it. */
struct kvm_s390_pv {
	struct uv_guest g;
	unsigned long nr_tries;		/* accesses that retried, for tests */
};

/*
 * How often a vCPU re-enters the guest after an intercept it could not
 * resolve (-EAGAIN: writeback, extra references) before the access is
 * reported as not done: the guest would retry the instruction forever.
 */
#define PV_RETRIES 4

/* The UV's table covers every memslot's guest frames (made in setup()). */
static struct uv_guest *pv_guest(struct pmm_vm *kvm)
{
	struct kvm_s390_pv *pv = kvm->pv;
	unsigned long end = 0;
	unsigned int i;

	for (i = 0; i < kvm->nr_memslots; i++) {
		const struct kvm_memory_slot *s = &kvm->memslots[i];

		if (s->base_gfn + s->npages > end)
			end = s->base_gfn + s->npages;
	}
	if (end > pv->g.nr_gfns) {
		struct uv_gpage *p = pmm_alloc(end * sizeof(*p));

		if (!p)
			return NULL;
		if (pv->g.nr_gfns)
			memcpy(p, pv->g.pages, pv->g.nr_gfns * sizeof(*p));
		pv->g.pages = p;
		pv->g.nr_gfns = end;
	}
	return &pv->g;
}

struct pmm_vm *pmm_pv_vm_create(struct pmm_process *vmm)
{
	struct pmm_vm *kvm;

	if (!uv_active())
		return NULL;
	kvm = pmm_vm_create(vmm, 0);
	if (!kvm)
		return NULL;
	kvm->pv = pmm_alloc(sizeof(*kvm->pv));
	if (!kvm->pv)
		return NULL;
	/* Per VMM: a replay reproduces every byte the UV writes. */
	kvm->pv->g.key = 0x5a5a000000000000ULL ^ (uint64_t)vmm->pid;
	return kvm;
}

/* drain_lru(): true when the caller should try again at once. */
static bool drain_lru(bool *drain_lru_called)
{
	if (*drain_lru_called)
		return false;		/* lru_add_drain_all(), then give up */
	*drain_lru_called = true;	/* lru_add_drain() */
	return true;
}

/*
 * The folio mapped at @uaddr, under its page-table lock: the PTE's, or a
 * PMD leaf's (a THP). NULL when nothing present and writable is there.
 */
static struct folio *locked_folio(struct mm_struct *mm, unsigned long uaddr,
				  spinlock_t **ptl)
{
	pmd_t *pmdp = pmd_offset_map(mm, uaddr);
	pte_t *ptep;
	pmd_t pmd;
	pte_t pte;

	if (pmdp && pmd_leaf(pmdp_get(pmdp))) {
		*ptl = pmd_lockptr(mm, pmdp);
		spin_lock(*ptl);
		pmd = pmdp_get(pmdp);
		if (pmd_leaf(pmd) && pmd_write(pmd))
			return page_folio(pmd_page(pmd));
		return NULL;
	}
	ptep = pte_alloc_map(mm, uaddr, ptl);
	if (!ptep) {
		*ptl = NULL;
		return NULL;
	}
	spin_lock(*ptl);
	pte = ptep_get(ptep);
	if (!pte_hw_present(pte) || !pte_write(pte) || is_zero_pfn(pte_pfn(pte)))
		return NULL;
	return page_folio(pte_page(pte));
}

/* gmap_fault(FAULT_FLAG_WRITE): fault the VMM's page in, writable. */
static int gmap_fault(struct pmm_vm *kvm, unsigned long uaddr)
{
	struct vm_area_struct *vma;
	vm_fault_t ret = VM_FAULT_SIGSEGV;

	mmap_read_lock(kvm->mm);
	vma = find_vma(kvm->mm, uaddr);
	if (vma && vma->vm_start <= uaddr && (vma->vm_flags & VM_WRITE))
		ret = handle_mm_fault(vma, uaddr, FAULT_FLAG_WRITE);
	mmap_read_unlock(kvm->mm);
	return (ret & VM_FAULT_ERROR) ? -EFAULT : 0;
}

/*
 * gmap_make_secure() (v6.13): under mmap_lock and the PTL, a present
 * writable PTE's small folio, trylocked, is made secure; a large one is
 * split, a busy one retried after LRU drains, one under writeback waited
 * for; a reference is held wherever the PTL is dropped with the folio
 * still in use.
 */
static int gmap_make_secure(struct pmm_vm *kvm, unsigned long gfn)
{
	struct uv_guest *g = pv_guest(kvm);
	struct kvm_memory_slot *slot = gfn_to_memslot(kvm, gfn);
	bool drain_lru_called = false;
	struct vm_area_struct *vma;
	struct folio *folio = NULL;
	unsigned long uaddr;
	spinlock_t *ptl;
	int rc;

	if (!g || !slot)
		return -EFAULT;
	uaddr = gfn_to_hva_memslot(slot, gfn);
again:
	rc = -EFAULT;
	mmap_read_lock(kvm->mm);
	vma = find_vma(kvm->mm, uaddr);
	if (!vma || vma->vm_start > uaddr || is_vm_hugetlb_page(vma))
		goto out;
	rc = -ENXIO;
	folio = locked_folio(kvm->mm, uaddr, &ptl);
	if (folio) {
		rc = -EAGAIN;
		if (folio_test_large(folio)) {
			rc = -E2BIG;
		} else if (folio_trylock(folio)) {
			rc = make_folio_secure(folio, g, gfn);
			folio_unlock(folio);
		}
		/* Once the PTL goes, the folio may be unmapped and freed. */
		if (rc == -EAGAIN || rc == -E2BIG)
			folio_get(folio);
	}
	if (ptl)
		spin_unlock(ptl);
out:
	mmap_read_unlock(kvm->mm);

	switch (rc) {
	case -E2BIG:
		folio_lock(folio);
		rc = split_folio(folio);
		folio_unlock(folio);
		folio_put(folio);
		if (!rc)
			goto again;
		if (rc == -EAGAIN && drain_lru(&drain_lru_called))
			goto again;
		return -EAGAIN;
	case -EAGAIN:
		folio_wait_writeback(folio);
		folio_put(folio);
		return -EAGAIN;
	case -EBUSY:
		if (drain_lru(&drain_lru_called))
			goto again;
		return -EAGAIN;
	case -ENXIO:
		return gmap_fault(kvm, uaddr) ? -EFAULT : -EAGAIN;
	}
	return rc;
}

int pmm_pv_import(struct pmm_vm *vm, unsigned long gpa)
{
	if (!vm || !vm->pv)
		return -EINVAL;
	return gmap_make_secure(vm, gpa >> PAGE_SHIFT);
}

/* The secure-integrity oracle's look at what the guest read. */
static void check_seen(struct uv_gpage *gp, unsigned long gpa,
		       const unsigned char *buf, unsigned int len)
{
	unsigned int off = gpa & ~PAGE_MASK;

	if (!gp->seen || gp->shared || !memcmp(gp->seen + off, buf, len))
		return;
	pmm_violation("secure-integrity", "the guest read at %#lx other bytes than "
		      "it last wrote there", gpa);
}

static void note_written(struct uv_gpage *gp, unsigned long gpa,
			 const unsigned char *buf, unsigned int len)
{
	if (!gp->seen)
		return;
	memcpy(gp->seen + (gpa & ~PAGE_MASK), buf, len);
}

/*
 * A vCPU's access to one page of its memory: the walk and the frame are
 * as for any guest (virt/guest.c); a frame that is not secure for this
 * guest page (and not shared) is the secure-storage intercept, which
 * imports it and re-enters the guest.
 */
static int pv_access_page(struct pmm_vm *kvm, unsigned long gpa, void *buf,
			  unsigned int len, bool write, const struct pmm_loc *loc)
{
	unsigned long gfn = gpa >> PAGE_SHIFT;
	struct uv_guest *g = pv_guest(kvm);
	struct kvm_memory_slot *slot;
	struct uv_gpage *gp;
	kvm_pte_t pte;
	int tries, again = 0, err;

	if (!g || g->destroyed || gfn >= g->nr_gfns)
		return -EFAULT;
	gp = &g->pages[gfn];
	for (tries = 0; tries < GUEST_FAULT_RETRIES && again <= PV_RETRIES; tries++) {
		struct phys_access a = {
			.who = ACCESS_GUEST, .cpu = machine_cpu(), .write = write,
			.offset = gpa & ~PAGE_MASK, .len = len, .buf = buf,
			.mm = kvm->mm,
		};
		unsigned long pfn;

		err = kvm_guest_translate_at(kvm, gfn, true, &slot, &pte, loc);
		if (err == -EAGAIN)
			continue;
		if (err)
			return err;
		pfn = kvm_pte_pfn(pte);
		sched_point_at(frame_obj(pfn), write ? PMM_ACC_WRITE : PMM_ACC_READ, loc);
		if (stage2_peek(stage2_ptep(slot, gfn)) != pte)
			continue;
		if (sched_exploring() && !stage2_entry_coherent(kvm, slot, gfn, pte))
			return -EFAULT;
		if (!uv_secure_for(pfn, g, gfn) && !(gp->shared && !uv_frame_secure(pfn))) {
			err = gmap_make_secure(kvm, gfn);
			if (err == -EAGAIN) {
				kvm->pv->nr_tries++;
				again++;
				continue;
			}
			if (err)
				return err;
			continue;
		}
		a.pfn = pfn;
		a.vaddr = gfn_to_hva_memslot(slot, gfn) + a.offset;
		err = __phys_access(&a, loc);
		if (!err && write)
			note_written(gp, gpa, buf, len);
		else if (!err)
			check_seen(gp, gpa, buf, len);
		return err;
	}
	return -EAGAIN;
}

static int pv_store_page(struct pmm_vm *kvm, unsigned long gpa, unsigned int tag,
			 unsigned int len, size_t done, void *buf,
			 const struct pmm_loc *loc)
{
	(void)tag;
	return pv_access_page(kvm, gpa, (unsigned char *)buf + done, len, true, loc);
}

static int pv_load_page(struct pmm_vm *kvm, unsigned long gpa, unsigned int tag,
			unsigned int len, size_t done, void *buf,
			const struct pmm_loc *loc)
{
	(void)tag;
	return pv_access_page(kvm, gpa, (unsigned char *)buf + done, len, false, loc);
}

int pmm_pv_store(struct pmm_vm *vm, unsigned long gpa, const void *buf, size_t len)
{
	if (!vm || !vm->pv)
		return -EINVAL;
	return kvm_guest_range(vm, gpa, len, pv_store_page, (void *)buf, PMM_HERE);
}

int pmm_pv_load(struct pmm_vm *vm, unsigned long gpa, void *buf, size_t len)
{
	if (!vm || !vm->pv)
		return -EINVAL;
	return kvm_guest_range(vm, gpa, len, pv_load_page, buf, PMM_HERE);
}

/*
 * The guest shares its page (UVC_CMD_SET_SHARED_ACCESS, for virtio): it
 * touches it first, so that it is its secure page, then shares it.
 */
int pmm_pv_share(struct pmm_vm *vm, unsigned long gpa)
{
	unsigned long gfn = gpa >> PAGE_SHIFT;
	struct kvm_memory_slot *slot;
	unsigned char b;
	kvm_pte_t pte;
	int tries, err;

	if (!vm || !vm->pv)
		return -EINVAL;
	for (tries = 0; tries < GUEST_FAULT_RETRIES; tries++) {
		err = pmm_pv_load(vm, gpa & PAGE_MASK, &b, 1);
		if (err)
			return err;
		err = kvm_guest_translate_at(vm, gfn, true, &slot, &pte, PMM_HERE);
		if (err == -EAGAIN)
			continue;
		if (err)
			return err;
		if (!uv_share(&vm->pv->g, gfn, kvm_pte_pfn(pte)))
			return 0;
		if (vm->pv->g.pages[gfn].shared)
			return 0;
	}
	return -EAGAIN;
}

/*
 * gmap_destroy_page() for one guest page: the folio mapped there, with a
 * reference (follow_page(FOLL_GET), folio_walk today), destroyed
 * (uv_destroy_folio()), else exported; PG_arch_1 cleared on success.
 */
static void gmap_destroy_page(struct pmm_vm *kvm, unsigned long uaddr)
{
	struct vm_area_struct *vma;
	struct folio *folio;
	spinlock_t *ptl;

	mmap_read_lock(kvm->mm);
	vma = find_vma(kvm->mm, uaddr);
	if (!vma || vma->vm_start > uaddr || is_vm_hugetlb_page(vma)) {
		mmap_read_unlock(kvm->mm);
		return;
	}
	folio = locked_folio(kvm->mm, uaddr, &ptl);
	if (folio && !folio_try_get(folio))
		folio = NULL;
	if (ptl)
		spin_unlock(ptl);
	if (folio && !folio_test_large(folio)) {
		if (!uv_destroy_page(folio_pfn(folio)) ||
		    !uv_convert_from_secure(folio_pfn(folio)))
			clear_bit(PG_arch_1, &folio->flags);
	}
	if (folio)
		folio_put(folio);
	mmap_read_unlock(kvm->mm);
}

/*
 * KVM_PV_DISABLE and the guest's end: every page of every memslot is
 * destroyed (s390_uv_destroy_range()), and the UV forgets the guest.
 */
int pmm_pv_destroy(struct pmm_vm *vm)
{
	unsigned int i;
	unsigned long n;

	if (!vm || !vm->pv || vm->pv->g.destroyed)
		return -EINVAL;
	for (i = 0; i < vm->nr_memslots; i++)
		for (n = 0; n < vm->memslots[i].npages; n++)
			gmap_destroy_page(vm, vm->memslots[i].userspace_addr +
					  (n << PAGE_SHIFT));
	vm->pv->g.destroyed = true;
	return 0;
}

bool pmm_pv_secure(struct pmm_vm *vm, unsigned long gpa)
{
	unsigned long gfn = gpa >> PAGE_SHIFT;
	struct kvm_memory_slot *slot;
	kvm_pte_t pte;

	if (!vm || !vm->pv || !(slot = gfn_to_memslot(vm, gfn)))
		return false;
	pte = stage2_peek(stage2_ptep(slot, gfn));
	return kvm_pte_valid(pte) && uv_secure_for(kvm_pte_pfn(pte), &vm->pv->g, gfn);
}

unsigned long pmm_pv_retries(struct pmm_vm *vm)
{
	return vm && vm->pv ? vm->pv->nr_tries : 0;
}
