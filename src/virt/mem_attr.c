// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Per-gfn memory attributes (virt/kvm/kvm_main.c: kvm->mem_attr_array,
 * KVM_SET_MEMORY_ATTRIBUTES) and the architecture's hooks for private
 * memory (kvm_arch_gmem_prepare(), kvm_arch_gmem_invalidate()).
 *
 * Simplifications: the xarray is a sorted list of ranges with equal
 * attributes (at most KVM_MAX_ATTR_RANGES; past that -ENOMEM, where the
 * kernel's xa_reserve() would run out of memory); the whole list is one
 * object for the explorer, read in one step by a lookup and written in
 * one step by an update. kvm->slots_lock, which serialises updates, is
 * left out: two tasks setting attributes at once are not serialised
 * here (nor detected); scenarios make them from one task at a time.
 */
#include <errno.h>
#include <string.h>

#include "arch/cc.h"
#include "sched/atomic.h"
#include "virt/guest_memfd.h"
#include "virt/kvm.h"

static unsigned long attrs_lookup(const struct pmm_vm *kvm, unsigned long gfn)
{
	unsigned int i;

	for (i = 0; i < kvm->nr_attr_ranges; i++) {
		const struct kvm_attr_range *r = &kvm->attr_ranges[i];

		if (gfn < r->start)
			break;
		if (gfn < r->end)
			return r->attrs;
	}
	return 0;
}

unsigned long kvm_get_memory_attributes(struct pmm_vm *kvm, unsigned long gfn)
{
	sched_point(&kvm->mem_attr_obj, PMM_ACC_READ);
	return attrs_lookup(kvm, gfn);
}

/*
 * A gmem-only slot's guest_memfd says itself which of its pages are
 * private (the in-place conversion series: its per-index state replaces
 * the attributes there); elsewhere the attributes do.
 */
static bool mem_is_private(struct pmm_vm *kvm, unsigned long gfn, bool yield)
{
	struct kvm_memory_slot *slot;
	struct kvm_gmem_file *f;

	if (!kvm_arch_has_private_mem(kvm))
		return false;
	slot = gfn_to_memslot(kvm, gfn);
	f = slot ? __atomic_load_n(&slot->gmem.file, __ATOMIC_RELAXED) : NULL;
	if (kvm_memslot_is_gmem_only(slot) && f)
		return kvm_gmem_is_private(f->gi, kvm_gmem_index(slot, gfn));
	if (yield)
		sched_point(&kvm->mem_attr_obj, PMM_ACC_READ);
	return attrs_lookup(kvm, gfn) & KVM_MEMORY_ATTRIBUTE_PRIVATE;
}

bool kvm_mem_is_private(struct pmm_vm *kvm, unsigned long gfn)
{
	return mem_is_private(kvm, gfn, true);
}

bool kvm_mem_is_private_peek(struct pmm_vm *kvm, unsigned long gfn)
{
	return mem_is_private(kvm, gfn, false);
}

/* kvm_range_has_memory_attributes(): every gfn of [start, end) has @attrs. */
static bool range_has_attrs(const struct pmm_vm *kvm, unsigned long start,
			    unsigned long end, unsigned long attrs)
{
	unsigned long gfn = start;
	unsigned int i;

	if (!attrs) {
		for (i = 0; i < kvm->nr_attr_ranges; i++)
			if (kvm->attr_ranges[i].start < end &&
			    start < kvm->attr_ranges[i].end)
				return false;
		return true;
	}
	for (i = 0; i < kvm->nr_attr_ranges && gfn < end; i++) {
		const struct kvm_attr_range *r = &kvm->attr_ranges[i];

		if (r->end <= gfn)
			continue;
		if (r->start > gfn || r->attrs != attrs)
			return false;
		gfn = r->end;
	}
	return gfn >= end;
}

/*
 * The new list, built in @out: every range cut to leave [start, end)
 * out, [start, end) with @attrs put in, neighbours with equal
 * attributes joined. -ENOMEM when it would not fit.
 */
static int attrs_rebuild(const struct pmm_vm *kvm, unsigned long start,
			 unsigned long end, unsigned long attrs,
			 struct kvm_attr_range *out, unsigned int *nr_out)
{
	struct kvm_attr_range tmp[KVM_MAX_ATTR_RANGES * 2 + 1];
	unsigned int i, n = 0, m = 0;
	bool placed = !attrs;

	for (i = 0; i < kvm->nr_attr_ranges; i++) {
		struct kvm_attr_range r = kvm->attr_ranges[i];

		if (!placed && r.start >= start) {
			tmp[n++] = (struct kvm_attr_range){ start, end, attrs };
			placed = true;
		}
		if (r.start < start)
			tmp[n++] = (struct kvm_attr_range){ r.start,
				r.end < start ? r.end : start, r.attrs };
		if (r.end > end) {
			if (!placed) {
				tmp[n++] = (struct kvm_attr_range){ start, end, attrs };
				placed = true;
			}
			tmp[n++] = (struct kvm_attr_range){
				r.start > end ? r.start : end, r.end, r.attrs };
		}
	}
	if (!placed)
		tmp[n++] = (struct kvm_attr_range){ start, end, attrs };
	for (i = 0; i < n; i++) {
		if (m && out[m - 1].end == tmp[i].start &&
		    out[m - 1].attrs == tmp[i].attrs) {
			out[m - 1].end = tmp[i].end;
			continue;
		}
		if (m == KVM_MAX_ATTR_RANGES)
			return -ENOMEM;
		out[m++] = tmp[i];
	}
	*nr_out = m;
	return 0;
}

/* The part of [start, end) in @slot, false when none. */
static bool slot_part(const struct kvm_memory_slot *slot, unsigned long start,
		      unsigned long end, unsigned long *s, unsigned long *e)
{
	*s = start > slot->base_gfn ? start : slot->base_gfn;
	*e = end < slot->base_gfn + slot->npages ? end : slot->base_gfn + slot->npages;
	return *s < *e;
}

/*
 * kvm_handle_gfn_range() for an attribute change: at the first slot the
 * range meets, mmu_lock for write and @begin opens the invalidation, then
 * each slot's part is unmapped where the change makes its mappings wrong
 * (kvm_arch_pre_set_memory_attributes(): to private, the shared ones; to
 * shared, the private ones); or (!@begin) the invalidation is closed. A
 * range no slot meets takes no lock at all, as in the kernel.
 */
static void attrs_invalidate(struct pmm_vm *kvm, unsigned long start,
			     unsigned long end, unsigned long attrs, bool begin)
{
	bool locked = false;
	unsigned int i;

	for (i = 0; i < kvm->nr_memslots; i++) {
		struct kvm_gfn_range r = {
			.slot = &kvm->memslots[i],
			.attr_filter = (attrs & KVM_MEMORY_ATTRIBUTE_PRIVATE) ?
				       KVM_FILTER_SHARED : KVM_FILTER_PRIVATE,
			.may_block = true,
		};

		if (!slot_part(r.slot, start, end, &r.start, &r.end))
			continue;
		if (!locked) {
			KVM_MMU_LOCK(kvm);
			if (begin)
				kvm_mmu_invalidate_begin(kvm);
			else
				kvm_mmu_invalidate_end(kvm);
			locked = true;
		}
		if (begin)
			kvm_mmu_unmap_gfn_range(kvm, &r);
	}
	if (locked)
		KVM_MMU_UNLOCK(kvm);
}

/*
 * kvm_vm_set_mem_attributes(): nothing to do when the range has the
 * attributes already; else invalidate (faults in the range retry from
 * here on), store, end the invalidation.
 */
int kvm_vm_set_mem_attributes(struct pmm_vm *kvm, unsigned long start,
			      unsigned long end, unsigned long attributes)
{
	struct kvm_attr_range out[KVM_MAX_ATTR_RANGES];
	unsigned int nr;
	int err;

	if (!kvm_arch_has_private_mem(kvm) ||
	    (attributes & ~KVM_MEMORY_ATTRIBUTE_PRIVATE) || start >= end)
		return -EINVAL;
	sched_point(&kvm->mem_attr_obj, PMM_ACC_READ);
	if (range_has_attrs(kvm, start, end, attributes))
		return 0;
	/* xa_reserve() up front: fail before anything changed. */
	err = attrs_rebuild(kvm, start, end, attributes, out, &nr);
	if (err)
		return err;
	attrs_invalidate(kvm, start, end, attributes, true);
	sched_point(&kvm->mem_attr_obj, PMM_ACC_WRITE);
	err = attrs_rebuild(kvm, start, end, attributes, out, &nr);
	if (!err) {
		memcpy(kvm->attr_ranges, out, nr * sizeof(out[0]));
		kvm->nr_attr_ranges = nr;
	}
	attrs_invalidate(kvm, start, end, attributes, false);
	return err;
}

/* kvm_vm_ioctl_set_mem_attributes(): the ioctl's checks. */
int pmm_vm_set_memory_attributes(struct pmm_vm *vm, unsigned long gpa,
				 unsigned long len, unsigned long attrs)
{
	if (!vm || !len || (gpa | len) & ~PAGE_MASK || gpa + len < gpa)
		return -EINVAL;
	return kvm_vm_set_mem_attributes(vm, gpa >> PAGE_SHIFT,
					 (gpa + len) >> PAGE_SHIFT, attrs);
}

/*
 * kvm_arch_gmem_prepare(): SNP's sev_gmem_prepare() makes the frames
 * private to the guest in the RMP (rmp_make_private()); an assigned
 * frame is left as it is (already prepared). Other types need nothing
 * here: TDX and pKVM take the frame when stage 2 maps it.
 */
int kvm_arch_gmem_prepare(struct pmm_vm *kvm, unsigned long gfn,
			  unsigned long pfn, int order)
{
	unsigned long i, n = 1UL << order;

	(void)gfn;
	if (kvm->type != PMM_VM_SNP)
		return 0;
	for (i = 0; i < n; i++) {
		int owner = cc_frame_owner(pfn + i);

		if (owner == kvm->id)
			continue;
		if (owner)
			return -EINVAL;
		if (cc_make_private(pfn + i, 1, kvm->id))
			return -EINVAL;
	}
	return 0;
}

/*
 * kvm_arch_gmem_invalidate(): SNP's sev_gmem_invalidate() gives frames
 * back to the host in the RMP as guest_memfd frees them. Other machines
 * keep no state here.
 */
void kvm_arch_gmem_invalidate(unsigned long start_pfn, unsigned long end_pfn)
{
	if (!arch_ops->cc || !(arch_ops->kvm_vm_types & (1u << PMM_VM_SNP)))
		return;
	cc_make_shared(start_pfn, end_pfn - start_pfn);
}
