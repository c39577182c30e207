// SPDX-License-Identifier: LGPL-2.1-or-later
/* guest_memfd: memory for a VM that the host need not map (guest_memfd.h). */
#include <errno.h>

#include "fs/shmem.h"
#include "mm/rmap.h"
#include "sched/bitops.h"
#include "sched/knob.h"
#include "virt/gmem_huge.h"
#include "virt/guest_memfd.h"

DEFINE_KNOB(gmem_fault_lock, "gmem.fault_lock",
	    "What orders the host fault's check that a guest_memfd page is "
	    "shared (kvm_gmem_fault_user_mapping()) against an in-place "
	    "conversion to private. invalidate_lock (the in-place conversion "
	    "series' kvm_gmem_fault_shared(): the check and the folio lookup "
	    "under the invalidate lock held shared, which the conversion holds "
	    "exclusive) | none (today's mainline handler, where a page's state "
	    "is fixed at creation, kept unchanged beside conversion: the "
	    "conversion may run between the check and the lookup, and the "
	    "host maps a page that has just become private)",
	    "invalidate_lock", "none");

/* guest_memfd inodes are anon inodes: numbered apart from the machine's files. */
#define GMEM_INO_BASE	2000

unsigned long kvm_gmem_get_supported_flags(struct pmm_vm *kvm)
{
	(void)kvm;
	/* kvm_arch_supports_gmem_init_shared() is true on every VM type modelled. */
	return GUEST_MEMFD_FLAG_MMAP | GUEST_MEMFD_FLAG_INIT_SHARED;
}

bool kvm_gmem_is_private(const struct gmem_inode *gi, unsigned long index)
{
	const unsigned long *bitmap = __atomic_load_n(&gi->shared_bitmap,
						      __ATOMIC_ACQUIRE);
	unsigned long word;

	if (!bitmap)
		return !(gi->flags & GUEST_MEMFD_FLAG_INIT_SHARED);
	word = __atomic_load_n(&bitmap[index / BITS_PER_LONG], __ATOMIC_RELAXED);
	return !(word & (1UL << (index % BITS_PER_LONG)));
}

struct gmem_inode *gmem_folio_inode(const struct folio *folio)
{
	struct address_space *mapping = __atomic_load_n(&folio->mapping,
							 __ATOMIC_RELAXED);

	/* Only guest_memfd sets AS_INACCESSIBLE (mapping_set_inaccessible()). */
	if (!mapping || ((unsigned long)mapping & PAGE_MAPPING_ANON) ||
	    !mapping_inaccessible(mapping))
		return NULL;
	return GMEM_I(mapping_inode(mapping));
}

struct inode *kvm_gmem_file_inode(struct kvm_gmem_file *f)
{
	return f->gi->inode;
}

/* kvm_gmem_get_index() */
static unsigned long gmem_index(const struct kvm_memory_slot *slot,
				unsigned long gfn)
{
	return gfn - slot->base_gfn + slot->gmem.pgoff;
}

/*
 * kvm_gmem_get_folio(): the folio at @index, locked, with a reference,
 * allocated (not zeroed: not uptodate) on a miss.
 */
static struct folio *kvm_gmem_get_folio(struct inode *inode, unsigned long index)
{
	struct folio *folio;
	bool raced;

	if (!GMEM_I(inode)->page_order)
		return __filemap_get_folio(&inode->i_mapping, index,
					   FGP_LOCK | FGP_CREAT);
	do {
		folio = __filemap_get_folio(&inode->i_mapping, index, FGP_LOCK);
		if (!folio)
			folio = kvm_gmem_huge_alloc(inode, index, &raced);
	} while (!folio && raced);
	return folio;
}

/*
 * The first use of a folio: clear_highpage() and folio_mark_uptodate().
 * The zeroing is the model's own write (no yield, no watcher): the folio
 * is locked and not yet the guest's.
 */
static void gmem_clear_folio(struct folio *folio)
{
	if (folio_test_uptodate(folio))
		return;
	frame_clear(folio_pfn(folio));
	folio_set_uptodate(folio);
}

/*
 * kvm_gmem_get_invalidate_filter() taken from the range's current state:
 * what the pages of [start, end) are now, private, shared or both. Until a
 * conversion, that is what the creation flags say, mainline's answer, which
 * googleprodkernel/linux-cc 017a929e (in-place series) still gives after
 * one too; a TDX conversion then leaves a stage-2 entry of the other kind.
 */
static unsigned int gmem_invalidate_filter(const struct gmem_inode *gi,
					   unsigned long start, unsigned long end)
{
	const unsigned int both = KVM_FILTER_SHARED | KVM_FILTER_PRIVATE;
	unsigned int filter = 0;
	unsigned long i;

	if (!__atomic_load_n(&gi->shared_bitmap, __ATOMIC_ACQUIRE))
		return gi->flags & GUEST_MEMFD_FLAG_INIT_SHARED ?
		       KVM_FILTER_SHARED : KVM_FILTER_PRIVATE;
	if (end > gi->inode->i_max_pages)
		end = gi->inode->i_max_pages;
	for (i = start; i < end && filter != both; i++)
		filter |= kvm_gmem_is_private(gi, i) ? KVM_FILTER_PRIVATE :
						       KVM_FILTER_SHARED;
	return filter;
}

/* The part of binding @b inside indices [start, end), as guest frames. */
static bool binding_gfns(const struct gmem_binding *b, unsigned long start,
			 unsigned long end, unsigned long *gs, unsigned long *ge)
{
	unsigned long s = start > b->start ? start : b->start;
	unsigned long e = end < b->end ? end : b->end;

	if (s >= e)
		return false;
	*gs = b->slot->base_gfn + s - b->slot->gmem.pgoff;
	*ge = b->slot->base_gfn + e - b->slot->gmem.pgoff;
	return true;
}

/*
 * __kvm_gmem_invalidate_begin(): under mmu_lock, the invalidation begins
 * (faults in flight will retry) and stage 2 loses the bound range. The
 * remote TLB flush is implied: stage 2 has no TLB in the model.
 */
static void __kvm_gmem_invalidate_begin(struct kvm_gmem_file *f,
					unsigned long start, unsigned long end,
					unsigned int filter)
{
	struct pmm_vm *kvm = f->kvm;
	bool found = false;
	unsigned int i;

	for (i = 0; i < f->nr_bindings; i++) {
		struct kvm_gfn_range range = { .slot = f->bindings[i].slot,
					       .attr_filter = filter,
					       .may_block = true };

		if (!binding_gfns(&f->bindings[i], start, end, &range.start,
				  &range.end))
			continue;
		if (!found) {
			found = true;
			KVM_MMU_LOCK(kvm);
			kvm_mmu_invalidate_begin(kvm);
		}
		kvm_mmu_unmap_gfn_range(kvm, &range);
	}
	if (found)
		KVM_MMU_UNLOCK(kvm);
}

/* __kvm_gmem_invalidate_end(): only where begin found a binding. */
static void __kvm_gmem_invalidate_end(struct kvm_gmem_file *f,
				      unsigned long start, unsigned long end)
{
	unsigned long gs, ge;
	unsigned int i;

	for (i = 0; i < f->nr_bindings; i++) {
		if (!binding_gfns(&f->bindings[i], start, end, &gs, &ge))
			continue;
		KVM_MMU_LOCK(f->kvm);
		kvm_mmu_invalidate_end(f->kvm);
		KVM_MMU_UNLOCK(f->kvm);
		return;
	}
}

void kvm_gmem_invalidate_begin(struct gmem_inode *gi, unsigned long start,
			       unsigned long end)
{
	unsigned int filter = gmem_invalidate_filter(gi, start, end);
	struct kvm_gmem_file *f;

	for (f = gi->files; f; f = f->next)
		__kvm_gmem_invalidate_begin(f, start, end, filter);
}

void kvm_gmem_invalidate_end(struct gmem_inode *gi, unsigned long start,
			     unsigned long end)
{
	struct kvm_gmem_file *f;

	for (f = gi->files; f; f = f->next)
		__kvm_gmem_invalidate_end(f, start, end);
}

/*
 * truncate_inode_folio() then filemap_free_folio(): the folio leaves the
 * cache unmapped from the host, ->free_folio (kvm_gmem_free_folio():
 * kvm_arch_gmem_invalidate(), the frame back to the host) runs, then the
 * cache's reference goes. No byte of the folio is written: the mapping is
 * inaccessible (truncate_inode_partial_folio() would skip its zeroing;
 * order-0 folios are never partial).
 */
static void gmem_truncate_one(struct inode *inode, unsigned long index)
{
	struct address_space *mapping = &inode->i_mapping;
	struct folio *folio = filemap_get_entry(mapping, index);
	unsigned long pfn;

	if (!folio)
		return;
	folio_lock(folio);
	if (READ_ONCE(folio->mapping) == mapping) {
		if (folio_mapped(folio))
			unmap_mapping_range(mapping, index, 1, false);
		pfn = folio_pfn(folio);
		__filemap_remove_folio(folio);
		kvm_arch_gmem_invalidate(pfn, pfn + folio_nr_pages(folio));
		folio_put(folio);
	}
	folio_unlock(folio);
	folio_put(folio);
}

/* truncate_inode_pages_range() over whole pages [start, end). */
static void gmem_truncate_range(struct inode *inode, unsigned long start,
				unsigned long end)
{
	unsigned long index;

	if (end > inode->i_max_pages)
		end = inode->i_max_pages;
	if (start >= end)
		return;
	phys_logical_zero(&inode->i_mapping, start << PAGE_SHIFT,
			  (end - start) << PAGE_SHIFT);
	for (index = start; index < end; index++)
		gmem_truncate_one(inode, index);
}

/*
 * kvm_gmem_punch_hole(): under the invalidate lock, so that the bindings
 * stay put between begin and end: stage 2 first, then the page cache.
 */
static int kvm_gmem_punch_hole(struct inode *inode, loff_t offset, loff_t len)
{
	unsigned long start = (unsigned long)offset >> PAGE_SHIFT;
	unsigned long end = (unsigned long)(offset + len) >> PAGE_SHIFT;
	struct gmem_inode *gi = GMEM_I(inode);

	filemap_invalidate_lock(inode);
	kvm_gmem_invalidate_begin(gi, start, end);
	gmem_truncate_range(inode, start, end);
	kvm_gmem_invalidate_end(gi, start, end);
	filemap_invalidate_unlock(inode);
	return 0;
}

/* kvm_gmem_allocate(): the size is immutable; folios are not zeroed here. */
static int kvm_gmem_allocate(struct inode *inode, loff_t offset, loff_t len)
{
	unsigned long index, end = (unsigned long)(offset + len) >> PAGE_SHIFT;
	struct folio *folio;
	int err = 0;

	if (offset + len > READ_ONCE(inode->i_size))
		return -EINVAL;
	filemap_invalidate_lock_shared(inode);
	for (index = (unsigned long)offset >> PAGE_SHIFT; index < end; index++) {
		folio = kvm_gmem_get_folio(inode, index);
		if (!folio) {
			err = -ENOMEM;
			break;
		}
		folio_unlock(folio);
		folio_put(folio);
	}
	filemap_invalidate_unlock_shared(inode);
	return err;
}

int kvm_gmem_fallocate(struct inode *inode, unsigned int mode, loff_t offset,
		       loff_t len)
{
	if (!(mode & FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP;
	/* The series: aligned to the file's page size. */
	if ((offset | len) &
	    (loff_t)((PAGE_SIZE << GMEM_I(inode)->page_order) - 1))
		return -EINVAL;
	/* vfs_fallocate()'s own checks, before the file's. */
	if (offset < 0 || len <= 0)
		return -EINVAL;
	if (mode & FALLOC_FL_PUNCH_HOLE)
		return kvm_gmem_punch_hole(inode, offset, len);
	return kvm_gmem_allocate(inode, offset, len);
}

/*
 * The fault's look at @index's state, a read the explorer sees (the
 * conversion publishes the bitmap and flips its bits at yield points).
 */
static bool gmem_fault_is_private(struct gmem_inode *gi, unsigned long index)
{
	const unsigned long *bitmap;

	sched_point(&gi->shared_bitmap, PMM_ACC_READ);
	bitmap = __atomic_load_n(&gi->shared_bitmap, __ATOMIC_ACQUIRE);
	if (!bitmap)
		return !(gi->flags & GUEST_MEMFD_FLAG_INIT_SHARED);
	return !test_bit((long)index, bitmap);
}

/*
 * kvm_gmem_fault_user_mapping(): SIGBUS past i_size or on a private
 * page; the folio is zeroed on its first use. The check and the lookup
 * are made under the invalidate lock held shared, as the in-place
 * conversion series' kvm_gmem_fault_shared() does, so that a conversion
 * (which holds it exclusive) never has a fault map a page it is making
 * private. Today's kernel takes no lock here (gmem.fault_lock = none);
 * with every index's state fixed at creation that changes nothing but
 * where a fault racing a hole punch waits.
 */
static vm_fault_t kvm_gmem_fault_user_mapping(struct vm_fault *vmf)
{
	struct inode *inode = mapping_inode(vmf->vma->vm_file);
	bool locked = knob(&gmem_fault_lock) == 0;
	vm_fault_t ret = VM_FAULT_LOCKED;
	struct folio *folio = NULL;

	if (locked)
		filemap_invalidate_lock_shared(inode);
	if ((long)(vmf->pgoff << PAGE_SHIFT) >= READ_ONCE(inode->i_size) ||
	    gmem_fault_is_private(GMEM_I(inode), vmf->pgoff))
		ret = VM_FAULT_SIGBUS;
	else if (!(folio = kvm_gmem_get_folio(inode, vmf->pgoff)))
		ret = VM_FAULT_OOM;
	if (locked)
		filemap_invalidate_unlock_shared(inode);
	if (ret != VM_FAULT_LOCKED)
		return ret;
	gmem_clear_folio(folio);
	vmf->page = (struct page *)folio;
	return VM_FAULT_LOCKED;
}

/* vma->vm_file's reference on the file: each VMA holds one (get_file()). */
static void kvm_gmem_vm_open(struct vm_area_struct *vma)
{
	struct kvm_gmem_file *f = vma->vm_private_data;

	atomic_inc(&f->f_count);
}

static void kvm_gmem_vm_close(struct vm_area_struct *vma)
{
	kvm_gmem_fput(vma->vm_private_data);
}

const struct vm_operations_struct kvm_gmem_vm_ops = {
	.name = "guest_memfd",
	.fault = kvm_gmem_fault_user_mapping,
	.open = kvm_gmem_vm_open,
	.close = kvm_gmem_vm_close,
};

int kvm_gmem_mmap(struct inode *inode, bool shared)
{
	if (!(GMEM_I(inode)->flags & GUEST_MEMFD_FLAG_MMAP))
		return -ENODEV;
	if (!shared)
		return -EINVAL;
	return 0;
}

/*
 * __kvm_gmem_create(): an inaccessible, unevictable page cache of @size
 * bytes, and the file that is @kvm's view of it.
 */
int kvm_gmem_create(struct pmm_vm *kvm, unsigned long size,
		    unsigned long flags, struct kvm_gmem_file **out)
{
	struct gmem_inode *gi;
	struct kvm_gmem_file *f;
	struct inode *inode;
	int order = kvm_gmem_huge_order(flags);

	/* The series tells of HUGETLB by a capability of its own. */
	if (flags & ~(kvm_gmem_get_supported_flags(kvm) | GUEST_MEMFD_FLAG_HUGETLB |
		      (GUESTMEM_HUGETLB_FLAG_MASK << GUESTMEM_HUGETLB_FLAG_SHIFT)) ||
	    order < 0)
		return -EINVAL;
	if (!size || (long)size < 0 || (size & ((PAGE_SIZE << order) - 1)))
		return -EINVAL;
	gi = pmm_alloc(sizeof(*gi));
	f = pmm_alloc(sizeof(*f));
	inode = gi && f ? inode_alloc(NULL, 0, size,
				      GMEM_INO_BASE + (int)machine->nr_files) :
			  NULL;
	if (!inode || !inode->i_pages)
		return -ENOMEM;
	inode->i_size = (long)size;
	mapping_set_inaccessible(&inode->i_mapping);
	mapping_set_unevictable(&inode->i_mapping);
	inode->i_gmem = gi;
	gi->inode = inode;
	gi->flags = flags;
	gi->page_order = (unsigned int)order;
	f->kvm = kvm;
	f->gi = gi;
	atomic_set(&f->f_count, 1);
	pmm_obj_namef(&f->f_count, "gmem%d f_count", inode->i_ino);
	gi->files = f;
	*out = f;
	return 0;
}

/* The binding of @f that holds index @index, or NULL (xa_load()). */
static struct gmem_binding *binding_at(struct kvm_gmem_file *f,
				       unsigned long index)
{
	unsigned int i;

	for (i = 0; i < f->nr_bindings; i++)
		if (index >= f->bindings[i].start && index < f->bindings[i].end)
			return &f->bindings[i];
	return NULL;
}

static bool bindings_overlap(struct kvm_gmem_file *f, unsigned long start,
			     unsigned long end)
{
	unsigned int i;

	for (i = 0; i < f->nr_bindings; i++)
		if (start < f->bindings[i].end && f->bindings[i].start < end)
			return true;
	return false;
}

int kvm_gmem_bind(struct pmm_vm *kvm, struct kvm_memory_slot *slot,
		  struct kvm_gmem_file *f, unsigned long offset)
{
	unsigned long size = slot->npages << PAGE_SHIFT;
	struct inode *inode;
	unsigned long start;
	int err = 0;

	if (!f || f->kvm != kvm)
		return -EINVAL;
	inode = f->gi->inode;
	if ((long)offset < 0 || (offset & ~PAGE_MASK) ||
	    offset + size < offset || offset + size > (unsigned long)READ_ONCE(inode->i_size))
		return -EINVAL;
	start = offset >> PAGE_SHIFT;
	filemap_invalidate_lock(inode);
	if (bindings_overlap(f, start, start + slot->npages) ||
	    f->nr_bindings == KVM_MAX_MEMSLOTS) {
		err = -EINVAL;
	} else {
		/* The memslot is not visible yet: get_pfn will see the file. */
		WRITE_ONCE(slot->gmem.file, f);
		slot->gmem.pgoff = start;
		f->bindings[f->nr_bindings++] = (struct gmem_binding){
			start, start + slot->npages, slot };
	}
	filemap_invalidate_unlock(inode);
	return err;
}

/* __kvm_gmem_unbind(): xa_store_range(NULL) and the slot forgets the file. */
static void __kvm_gmem_unbind(struct kvm_memory_slot *slot,
			      struct kvm_gmem_file *f)
{
	unsigned int i;

	for (i = 0; i < f->nr_bindings; i++) {
		if (f->bindings[i].slot != slot)
			continue;
		f->bindings[i] = f->bindings[--f->nr_bindings];
		break;
	}
	WRITE_ONCE(slot->gmem.file, NULL);
}

/*
 * get_file_active(&slot->gmem.file): a reference on the file the slot
 * names, unless its last reference is gone or going (NULL).
 */
static struct kvm_gmem_file *kvm_gmem_get_file(struct kvm_memory_slot *slot)
{
	struct kvm_gmem_file *f = READ_ONCE(slot->gmem.file);

	if (!f || !atomic_inc_not_zero(&f->f_count))
		return NULL;
	if (READ_ONCE(slot->gmem.file) != f) {
		kvm_gmem_fput(f);
		return NULL;
	}
	return f;
}

void kvm_gmem_unbind(struct kvm_memory_slot *slot)
{
	struct kvm_gmem_file *f, *dying = READ_ONCE(slot->gmem.file);
	struct inode *inode;

	if (!dying)
		return;
	f = kvm_gmem_get_file(slot);
	if (!f) {
		/* Being released: release has not destroyed the bindings yet. */
		__kvm_gmem_unbind(slot, dying);
		return;
	}
	inode = f->gi->inode;
	filemap_invalidate_lock(inode);
	__kvm_gmem_unbind(slot, f);
	filemap_invalidate_unlock(inode);
	kvm_gmem_fput(f);
}

/*
 * kvm_gmem_release(): no new binding can come, and get_pfn cannot be
 * using the file (its count is zero). The slots forget the file, stage 2
 * loses everything it mapped from it, and the memory stays with the
 * inode (the pages are not freed).
 */
static void kvm_gmem_release(struct kvm_gmem_file *f)
{
	struct gmem_inode *gi = f->gi;
	struct inode *inode = gi->inode;
	struct kvm_gmem_file **pp;
	unsigned int i;

	if (f->released) {
		pmm_violation("use-after-free", "guest_memfd %d's file released twice",
			      inode->i_ino);
		return;
	}
	f->released = true;
	filemap_invalidate_lock(inode);
	for (i = 0; i < f->nr_bindings; i++)
		WRITE_ONCE(f->bindings[i].slot->gmem.file, NULL);
	__kvm_gmem_invalidate_begin(f, 0, ~0UL,
				    gmem_invalidate_filter(gi, 0, ~0UL));
	__kvm_gmem_invalidate_end(f, 0, ~0UL);
	for (pp = &gi->files; *pp; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	filemap_invalidate_unlock(inode);
	f->nr_bindings = 0;
}

void kvm_gmem_fput(struct kvm_gmem_file *f)
{
	int n = atomic_dec_return(&f->f_count);

	if (n < 0)
		pmm_violation("refcount-underflow", "guest_memfd file put once too often");
	else if (!n)
		kvm_gmem_release(f);
}

void kvm_gmem_evict_inode(struct inode *inode)
{
	gmem_truncate_range(inode, 0, inode->i_max_pages);
}

/*
 * __kvm_gmem_get_pfn(): the slot must still name this file (-EFAULT: it
 * was released meanwhile) and the binding hold this slot (-EIO); returns
 * the locked folio.
 */
static int __kvm_gmem_get_pfn(struct kvm_gmem_file *f,
			      struct kvm_memory_slot *slot, unsigned long index,
			      unsigned long *pfn, int *max_order,
			      struct folio **foliop)
{
	struct gmem_binding *b;
	struct folio *folio;

	if (READ_ONCE(slot->gmem.file) != f)
		return -EFAULT;
	b = binding_at(f, index);
	if (!b || b->slot != slot)
		return -EIO;
	folio = kvm_gmem_get_folio(f->gi->inode, index);
	if (!folio)
		return -ENOMEM;
	*pfn = folio_pfn(folio);
	if (max_order)
		*max_order = kvm_gmem_huge_max_order(f->gi, folio, b->start,
						     b->end);
	*foliop = folio;
	return 0;
}

int kvm_gmem_get_pfn(struct pmm_vm *kvm, struct kvm_memory_slot *slot,
		     unsigned long gfn, unsigned long *pfn, struct page **page,
		     int *max_order)
{
	unsigned long index = gmem_index(slot, gfn);
	struct kvm_gmem_file *f = kvm_gmem_get_file(slot);
	struct folio *folio;
	int r;

	if (!f)
		return -EFAULT;
	r = __kvm_gmem_get_pfn(f, slot, index, pfn, max_order, &folio);
	if (!r) {
		gmem_clear_folio(folio);
		/*
		 * kvm_gmem_prepare_folio(), on every call (not only the
		 * first): the architecture knows whether the frame is the
		 * guest's already. Only for a private page: a shared one
		 * (INIT_SHARED, in-place conversion) stays the host's, as
		 * the RMP must have it for the host to touch it at all.
		 */
		if (kvm_gmem_is_private(f->gi, index))
			r = kvm_arch_gmem_prepare(kvm, gfn, *pfn,
						  (int)folio_order(folio));
		folio_unlock(folio);
		if (!r)
			*page = (struct page *)folio;
		else
			folio_put(folio);
	}
	kvm_gmem_fput(f);
	return r;
}
