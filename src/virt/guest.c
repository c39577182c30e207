// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A vCPU's loads and stores: the stage-2 walk, the stage-2 fault
 * (kvm_handle_guest_abort()), and the access, on the calling task's CPU.
 */
#include <errno.h>

#include "arch/arm64/mte.h"
#include "mem/phys.h"
#include "sched/atomic.h"
#include "virt/guest_memfd.h"
#include "virt/kvm.h"

/*
 * The logical location of a guest_memfd page is the file and offset, not
 * the VMM's address (which maps other memory, or nothing).
 */
static void gmem_access_key(struct kvm_memory_slot *slot, unsigned long gfn,
			    struct phys_access *a)
{
	struct kvm_gmem_file *f = __atomic_load_n(&slot->gmem.file, __ATOMIC_RELAXED);
	unsigned long off = (kvm_gmem_index(slot, gfn) << PAGE_SHIFT) + a->offset;

	a->mm = NULL;
	if (!f)
		return;
	if (a->write) {
		a->record_obj = &kvm_gmem_file_inode(f)->i_mapping;
		a->record_off = off;
	} else {
		a->check_obj = &kvm_gmem_file_inode(f)->i_mapping;
		a->check_off = off;
	}
}

static bool s2_permits(kvm_pte_t pte, bool write)
{
	return kvm_pte_valid(pte) && (!write || (pte & KVM_PTE_WRITABLE));
}

/*
 * A guest physical address may carry the MTE pointer tag in bits 59:56
 * (the guest's own top-byte-ignore); any other top bit is beyond the IPA
 * space: the access faults.
 */
int kvm_untag_gpa(unsigned long *gpa, unsigned int *tag)
{
	unsigned long top = *gpa >> PMM_TAG_SHIFT;

	if (top & ~0xfUL)
		return -EFAULT;
	*tag = (unsigned int)top;
	*gpa &= (1UL << PMM_TAG_SHIFT) - 1;
	return 0;
}

/*
 * kvm_handle_guest_abort() on a walk that did not permit the access: no
 * memslot is an MMIO exit (not modelled: -EFAULT), else user_mem_abort(),
 * a permission fault when the entry was there but read-only.
 */
int kvm_guest_translate_at(struct pmm_vm *kvm, unsigned long gfn, bool write,
			   struct kvm_memory_slot **slotp, kvm_pte_t *ptep,
			   const struct pmm_loc *loc)
{
	struct kvm_memory_slot *slot = gfn_to_memslot(kvm, gfn);
	kvm_pte_t pte;
	int err;

	if (!slot || __atomic_load_n(&kvm->released, __ATOMIC_RELAXED))
		return -EFAULT;
	pte = stage2_walk_at(stage2_ptep(slot, gfn), loc);
	*slotp = slot;
	*ptep = pte;
	if (s2_permits(pte, write))
		return 0;
	err = kvm_handle_stage2_fault(kvm, slot, gfn, write, kvm_pte_valid(pte));
	return err ? err : -EAGAIN;
}

/*
 * One page's part of a guest access. The walk yields on the entry; the
 * access yields on the frame and looks at the entry again in that step, as
 * the TLB-hit path of translate() does: an invalidation between the two
 * (after which the frame may be free) sends the vCPU round again.
 */
static int guest_access_page(struct pmm_vm *kvm, unsigned long gpa,
			     unsigned int tag, void *buf, unsigned int len,
			     bool write, const struct pmm_loc *loc)
{
	unsigned long gfn = gpa >> PAGE_SHIFT;
	struct kvm_memory_slot *slot;
	kvm_pte_t pte;
	int tries, err;

	for (tries = 0; tries < GUEST_FAULT_RETRIES; tries++) {
		struct phys_access a = {
			.who = ACCESS_GUEST, .cpu = machine_cpu(), .write = write,
			.offset = gpa & ~PAGE_MASK, .len = len, .buf = buf,
			.attrs = kvm_has_mte(kvm) ? PTE_ATTR_TAGGED : 0,
			.tag = tag, .mm = kvm->mm,
		};

		err = kvm_guest_translate_at(kvm, gfn, write, &slot, &pte, loc);
		if (err == -EAGAIN)
			continue;
		if (err)
			return err;
		sched_point_at(frame_obj(kvm_pte_pfn(pte)),
			       write ? PMM_ACC_WRITE : PMM_ACC_READ, loc);
		if (stage2_peek(stage2_ptep(slot, gfn)) != pte)
			continue;
		if (sched_exploring() && !stage2_entry_coherent(kvm, slot, gfn, pte))
			return -EFAULT;
		a.pfn = kvm_pte_pfn(pte);
		a.vaddr = gfn_to_hva_memslot(slot, gfn) + a.offset;
		if ((pte & KVM_PTE_PRIVATE) || kvm_memslot_is_gmem_only(slot))
			gmem_access_key(slot, gfn, &a);
		return __phys_access(&a, loc);
	}
	return -EFAULT;
}

int kvm_guest_range(struct pmm_vm *kvm, unsigned long gpa, size_t len,
		    int (*page)(struct pmm_vm *kvm, unsigned long gpa,
				unsigned int tag, unsigned int len, size_t done,
				void *arg, const struct pmm_loc *loc),
		    void *arg, const struct pmm_loc *loc)
{
	unsigned int tag;
	size_t done = 0;
	int err;

	if (!kvm || machine_cpu() < 0)
		return -EINVAL;
	err = kvm_untag_gpa(&gpa, &tag);
	while (!err && done < len) {
		unsigned int off = gpa & ~PAGE_MASK;
		unsigned int n = (unsigned int)(len - done < PAGE_SIZE - off ?
						len - done : PAGE_SIZE - off);

		err = page(kvm, gpa, tag, n, done, arg, loc);
		gpa += n;
		done += n;
	}
	return err;
}

static int guest_store_page(struct pmm_vm *kvm, unsigned long gpa,
			    unsigned int tag, unsigned int len, size_t done,
			    void *buf, const struct pmm_loc *loc)
{
	return guest_access_page(kvm, gpa, tag, (unsigned char *)buf + done,
				 len, true, loc);
}

static int guest_load_page(struct pmm_vm *kvm, unsigned long gpa,
			   unsigned int tag, unsigned int len, size_t done,
			   void *buf, const struct pmm_loc *loc)
{
	return guest_access_page(kvm, gpa, tag, (unsigned char *)buf + done,
				 len, false, loc);
}

int pmm_guest_store(struct pmm_vm *vm, unsigned long gpa, const void *buf,
		    size_t len)
{
	return kvm_guest_range(vm, gpa, len, guest_store_page, (void *)buf,
			       PMM_HERE);
}

int pmm_guest_load(struct pmm_vm *vm, unsigned long gpa, void *buf, size_t len)
{
	return kvm_guest_range(vm, gpa, len, guest_load_page, buf, PMM_HERE);
}
