// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * MTE in a KVM guest (arch/arm64/kvm/mmu.c, arch/arm64/kvm/guest.c): the
 * tags of a page first mapped into the guest, the guest's STG and LDG,
 * and KVM_ARM_MTE_COPY_TAGS. Each follows the mte.sync protocol: PG_mte_lock
 * since 6.2 (try_page_mte_tagging()/set_page_mte_tagged()), or the 5.14 to
 * 6.1 code where PG_mte_tagged alone says the tags are valid, tested, the
 * tags written, then set (bit; deferred, the 6.1.18+ stable form, is the
 * same here with the barriers of page_mte_tagged() and
 * set_page_mte_tagged(); the page_lock proposal of the seed changed
 * mte_sync_tags() only, so KVM is the same).
 */
#include <errno.h>
#include <string.h>

#include "arch/arm64/mte.h"
#include "mm/gup.h"
#include "mm/mmap.h"
#include "virt/kvm.h"

/*
 * sanitise_mte_tags(): under mmu_lock, for a translation fault. Today:
 * the winner of PG_mte_lock clears the tags, then sets PG_mte_tagged; a
 * loser waits for it. 5.14 to 6.1: test_bit, clear, set_bit (6.1.18+:
 * page_mte_tagged() and set_page_mte_tagged()). mmu_lock is held for
 * read (kvm.mmu_lock = rwlock), so two vCPUs faulting one page run this
 * at once: only the PG_mte_lock protocol keeps one from clearing the
 * tags after the other initialised them and its guest stored some
 * (scenarios/seed002/kvm-parallel-sanitise-*). No hugetlb folios here.
 */
void sanitise_mte_tags(struct pmm_vm *kvm, struct page *page)
{
	unsigned long pfn = page_to_pfn(page);

	if (!kvm_has_mte(kvm))
		return;
	if (mte_sync_mode() == MTE_SYNC_MTE_LOCK) {
		if (try_page_mte_tagging(page)) {
			mte_clear_page_tags(pfn);
			set_page_mte_tagged(page);
		}
		return;
	}
	if (mte_sync_mode() == MTE_SYNC_DEFERRED) {
		if (!page_mte_tagged(page)) {
			mte_clear_page_tags(pfn);
			set_page_mte_tagged(page);
		}
		return;
	}
	if (!test_bit(PG_mte_tagged, &page->flags)) {
		mte_clear_page_tags(pfn);
		set_bit(PG_mte_tagged, &page->flags);
	}
}

/*
 * One page's part of a guest STG or LDG. Unlike a data access (which
 * rechecks the entry in the frame's step), the tag move is made under
 * mmu_lock: mte_access_tags() yields on its own, and an entry that is
 * valid under mmu_lock cannot be invalidated, nor its frame freed, until
 * the move is done — which is what the hardware's break-before-make and
 * TLBI completion give.
 */
static int guest_tags_page(struct pmm_vm *kvm, unsigned long gpa,
			   unsigned char *tags, unsigned int len, bool write,
			   const struct pmm_loc *loc)
{
	unsigned long gfn = gpa >> PAGE_SHIFT;
	struct kvm_memory_slot *slot;
	kvm_pte_t pte;
	int tries, err;

	for (tries = 0; tries < GUEST_FAULT_RETRIES; tries++) {
		struct mte_tag_access a = {
			.who = ACCESS_GUEST, .mm = kvm->mm,
			.offset = gpa & ~PAGE_MASK, .len = len, .tags = tags,
			.write = write,
		};

		err = kvm_guest_translate_at(kvm, gfn, write, &slot, &pte, loc);
		if (err == -EAGAIN)
			continue;
		if (err)
			return err;
		read_lock(&kvm->mmu_lock);
		if (stage2_peek(stage2_ptep(slot, gfn)) != pte) {
			read_unlock(&kvm->mmu_lock);
			continue;
		}
		if (sched_exploring() && !stage2_entry_coherent(kvm, slot, gfn, pte)) {
			read_unlock(&kvm->mmu_lock);
			return -EFAULT;
		}
		a.pfn = kvm_pte_pfn(pte);
		a.vaddr = gfn_to_hva_memslot(slot, gfn) + a.offset;
		mte_access_tags(&a);
		read_unlock(&kvm->mmu_lock);
		return 0;
	}
	return -EFAULT;
}

struct guest_tags_arg {
	unsigned char *tags;
	bool write;
};

static int guest_tags_range_page(struct pmm_vm *kvm, unsigned long gpa,
				 unsigned int tag, unsigned int len, size_t done,
				 void *arg, const struct pmm_loc *loc)
{
	struct guest_tags_arg *t = arg;

	(void)tag;
	return guest_tags_page(kvm, gpa, t->tags + done / MTE_GRANULE_SIZE, len,
			       t->write, loc);
}

static int guest_tags(struct pmm_vm *kvm, unsigned long gpa, size_t len,
		      unsigned char *tags, bool write, const struct pmm_loc *loc)
{
	struct guest_tags_arg t = { tags, write };
	unsigned long untagged = gpa;
	unsigned int tag;

	if (!kvm || machine_cpu() < 0)
		return -EINVAL;
	if (!kvm_has_mte(kvm))
		return -ENOTSUP;
	if (!kvm_untag_gpa(&untagged, &tag) &&
	    ((untagged | len) & (MTE_GRANULE_SIZE - 1)))
		return -EINVAL;
	return kvm_guest_range(kvm, gpa, len, guest_tags_range_page, &t, loc);
}

int pmm_guest_store_tags(struct pmm_vm *vm, unsigned long gpa, size_t len,
			 unsigned int tag)
{
	unsigned char tags[MTE_GRANULES_PER_PAGE];
	size_t done, n;
	int err = 0;

	if (tag > MTE_TAG_MASK)
		return -EINVAL;
	memset(tags, (int)tag, sizeof(tags));
	/* Page by page, so that one page's worth of tags is enough. */
	for (done = 0; !err && done < len; done += n) {
		n = PAGE_SIZE - ((gpa + done) & ~PAGE_MASK);
		if (n > len - done)
			n = len - done;
		err = guest_tags(vm, gpa + done, n, tags, true, PMM_HERE);
	}
	return err;
}

int pmm_guest_load_tags(struct pmm_vm *vm, unsigned long gpa, size_t len,
			unsigned char *tags)
{
	return guest_tags(vm, gpa, len, tags, false, PMM_HERE);
}

/*
 * gfn_to_pfn_prot() (__gfn_to_page() in later kernels): the VMM's page behind
 * @gfn, with a plain reference (get_user_pages(), FOLL_GET).
 */
static struct page *gfn_to_page(struct pmm_vm *kvm, unsigned long gfn,
				bool write, unsigned long *hva)
{
	struct kvm_memory_slot *slot = gfn_to_memslot(kvm, gfn);
	struct page *page;
	long got;

	if (!slot)
		return NULL;
	*hva = gfn_to_hva_memslot(slot, gfn);
	mmap_read_lock(kvm->mm);
	got = get_user_pages(kvm->mm, *hva, 1, write ? FOLL_WRITE : 0, &page);
	mmap_read_unlock(kvm->mm);
	return got == 1 ? page : NULL;
}

/*
 * One page of KVM_ARM_MTE_COPY_TAGS, @tags a page's worth. The page is
 * held by a plain reference (FOLL_GET, not a pin): a fork racing the
 * ioctl may leave it the child's alone once the parent COWs, and the
 * tags then move to and from the child's memory (by_frame).
 */
static void copy_page_tags(struct pmm_vm *kvm, struct page *page,
			   unsigned long hva, unsigned char *tags, bool to_guest)
{
	struct mte_tag_access a = {
		.who = ACCESS_KERNEL, .mm = kvm->mm, .vaddr = hva,
		.pfn = page_to_pfn(page), .offset = 0, .len = PAGE_SIZE,
		.tags = tags, .write = to_guest, .by_frame = true,
	};

	if (!to_guest) {
		/* Tags never initialised read as zeros (clear_user()). */
		if (page_mte_tagged(page))
			mte_access_tags(&a);
		else
			memset(tags, 0, MTE_GRANULES_PER_PAGE);
		put_user_page_ref(page);
		return;
	}
	/*
	 * Tags written to a page not yet tagged are nobody's until the flag
	 * is set (a COW copy in between leaves them in the old page): the
	 * oracle hears of them then (the kernel ignores what
	 * try_page_mte_tagging() returns; the model only tells the oracle).
	 */
	if (mte_sync_mode() == MTE_SYNC_MTE_LOCK) {
		/*
		 * Only to serialise with a set_pte_at() in the VMM: these
		 * tags override whatever it would have put there.
		 */
		a.unpublished = try_page_mte_tagging(page);
		mte_access_tags(&a);
		set_page_mte_tagged(page);
	} else {
		a.unpublished = !(__atomic_load_n(&page->flags, __ATOMIC_RELAXED) &
				  (1UL << PG_mte_tagged));
		mte_access_tags(&a);
		if (mte_sync_mode() == MTE_SYNC_DEFERRED)
			set_page_mte_tagged(page);
		else
			set_bit(PG_mte_tagged, &page->flags);
	}
	if (a.unpublished)
		mte_tags_published(&a);
	/* kvm_release_pfn_dirty(). */
	folio_mark_dirty(page_folio(page));
	put_user_page_ref(page);
}

/*
 * kvm_vm_ioctl_mte_copy_tags(): page by page, the VMM's page behind each
 * guest frame (written for @to_guest), its tags copied out or in. Stops at
 * the first frame without a memslot or a page; returns the bytes covered
 * if any, else -EFAULT. The tag oracle sees the move at the VMM's address.
 */
long pmm_vm_copy_tags(struct pmm_vm *kvm, unsigned long gpa, size_t len,
		      unsigned char *tags, bool to_guest)
{
	size_t done;

	/* Without KVM_CAP_ARM_MTE the ioctl is -EINVAL, as in the kernel. */
	if (!kvm || !tags || !kvm_has_mte(kvm))
		return -EINVAL;
	if ((gpa | len) & ~PAGE_MASK || gpa + len < gpa ||
	    gpa + len > (1UL << PMM_TAG_SHIFT))
		return -EINVAL;
	for (done = 0; done < len; done += PAGE_SIZE) {
		unsigned long hva;
		struct page *page = gfn_to_page(kvm, (gpa + done) >> PAGE_SHIFT,
						to_guest, &hva);

		if (!page)
			break;
		copy_page_tags(kvm, page, hva,
			       tags + (done / PAGE_SIZE) * MTE_GRANULES_PER_PAGE,
			       to_guest);
	}
	if (done)
		return (long)done;
	return len ? -EFAULT : 0;
}
