// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * guest_memfd (virt/guest_memfd.c), one test per step of its protocol:
 * creation, the mmap rules, faults, fallocate, hole punching with the
 * stage-2 invalidation under the invalidate lock, reclaim leaving its
 * folios alone, kvm_gmem_get_pfn(), bind, release while the VM runs, and
 * the host-access-private oracle.
 */
#include "virt_test.h"

#include "protmm/guest_memfd.h"

/* Internals: the file, the slot, the frame. */
#include "machine/machine.h"
#include "mem/folio.h"
#include "arch/cc.h"
#include "mem/phys.h"
#include "virt/guest_memfd.h"

#define GMEM_HVA	0x200000ul
#define GMEM_GPA	0x80000000ul
#define MMAP		PMM_GUEST_MEMFD_FLAG_MMAP
#define SHARED		PMM_GUEST_MEMFD_FLAG_INIT_SHARED
#define KEEP		PMM_FALLOC_FL_KEEP_SIZE
#define PUNCH		(PMM_FALLOC_FL_KEEP_SIZE | PMM_FALLOC_FL_PUNCH_HOLE)

static struct pmm_file *G;

/* vm_up() and a guest_memfd of @pages pages with @flags. */
static void gmem_up(unsigned long flags, unsigned long pages)
{
	vm_up("generic", 0);
	G = NULL;
	check(pmm_gmem_create(W.vm, pages * PG, flags, &G) == 0);
}

/* KVM_CREATE_GUEST_MEMFD's flags and sizes (kvm_gmem_create()). */
static void create_setup(void *arg)
{
	struct pmm_file *f = NULL;
	unsigned long bit;

	(void)arg;
	vm_up("generic", 0);
	check(pmm_gmem_supported_flags(W.vm) == (MMAP | SHARED));
	for (bit = 1; bit; bit <<= 1)
		check(pmm_gmem_create(W.vm, PG, bit, &f) ==
		      (bit & (MMAP | SHARED) ? 0 : -EINVAL));
	check(pmm_gmem_create(W.vm, 0, 0, &f) == -EINVAL);
	check(pmm_gmem_create(W.vm, 1, 0, &f) == -EINVAL);
	check(pmm_gmem_create(W.vm, PG - 1, 0, &f) == -EINVAL);
	check(pmm_gmem_create(W.vm, PG + 1, 0, &f) == -EINVAL);
	check(pmm_gmem_create(W.vm, 3 * PG, MMAP, &f) == 0);
	check(pmm_file_size(f) == 3 * PG);
	check(pmm_truncate(f, PG) == -EINVAL);
	check(pmm_file_size(f) == 3 * PG);
}

static void test_create(void **state)
{
	(void)state;
	assert_int_equal(run_clean(create_setup, NULL), 1);
}

/* kvm_gmem_mmap(): -ENODEV without MMAP, -EINVAL when not shared. */
static void mmap_rules_setup(void *arg)
{
	struct pmm_file *nommap = NULL;

	(void)arg;
	gmem_up(MMAP | SHARED, 4);
	check(pmm_gmem_create(W.vm, 4 * PG, 0, &nommap) == 0);
	check(pmm_mmap(W.vmm, GMEM_HVA, 4 * PG, RW, PMM_MAP_SHARED, nommap, 0) ==
	      -ENODEV);
	check(pmm_mmap(W.vmm, GMEM_HVA, 4 * PG, RW, PMM_MAP_PRIVATE, G, 0) ==
	      -EINVAL);
	check(pmm_mmap(W.vmm, GMEM_HVA, 4 * PG, RW, PMM_MAP_SHARED, G, 0) == 0);
}

static void test_mmap_rules(void **state)
{
	(void)state;
	assert_int_equal(run_clean(mmap_rules_setup, NULL), 1);
}

/*
 * A fault past i_size and one on a private page are SIGBUS; shared pages
 * are zeroed on first use even when their frame held other bytes.
 */
static void fault_setup(void *arg)
{
	char buf[8];
	struct pmm_file *priv = NULL;

	(void)arg;
	gmem_up(MMAP | SHARED, 2);
	check(pmm_gmem_create(W.vm, 2 * PG, MMAP, &priv) == 0);
	/* Junk in a frame that is freed: the next allocation on CPU 0 gets it. */
	check(pmm_store(W.vmm, HVA, "junkjunk", 8) == 0);
	check(pmm_munmap(W.vmm, HVA, 2 * PG) == 0);
	check(pmm_mmap(W.vmm, GMEM_HVA, 4 * PG, RW, PMM_MAP_SHARED, G, 0) == 0);
	check(pmm_load(W.vmm, GMEM_HVA, buf, 8) == 0);
	check(!memcmp(buf, "\0\0\0\0\0\0\0\0", 8));
	check(pmm_store(W.vmm, GMEM_HVA + PG, "shared", 6) == 0);
	check(pmm_load(W.vmm, GMEM_HVA + PG, buf, 6) == 0 && !memcmp(buf, "shared", 6));
	/* Past i_size: the mapping is larger than the file. */
	check(pmm_load(W.vmm, GMEM_HVA + 2 * PG, buf, 1) == -EIO);
	check(pmm_store(W.vmm, GMEM_HVA + 3 * PG, buf, 1) == -EIO);
	/* Private everywhere without INIT_SHARED: mappable, never faulted in. */
	check(pmm_mmap(W.vmm, 0x300000, 2 * PG, RW, PMM_MAP_SHARED, priv, 0) == 0);
	check(pmm_load(W.vmm, 0x300000, buf, 1) == -EIO);
	check(pmm_store(W.vmm, 0x300000 + PG, buf, 1) == -EIO);
	check(!pmm_gmem_page_present(priv, 0));
}

static void test_fault(void **state)
{
	(void)state;
	assert_int_equal(run_clean(fault_setup, NULL), 1);
}

/* kvm_gmem_fallocate(): the cases of guest_memfd_test.c and the modes. */
static void fallocate_setup(void *arg)
{
	unsigned long total = 4 * PG;

	(void)arg;
	gmem_up(0, 4);
	check(pmm_fallocate(G, 0, 0, PG) == -EOPNOTSUPP);
	check(pmm_fallocate(G, PMM_FALLOC_FL_PUNCH_HOLE, 0, PG) == -EOPNOTSUPP);
	check(pmm_fallocate(G, KEEP | 0x4, 0, PG) == -EOPNOTSUPP);
	check(pmm_fallocate(G, KEEP, 0, total) == 0);
	check(pmm_gmem_page_present(G, 0) && pmm_gmem_page_present(G, 3 * PG));
	check(pmm_fallocate(G, PUNCH, PG - 1, PG) == -EINVAL);
	check(pmm_fallocate(G, KEEP, total, PG) == -EINVAL);
	check(pmm_fallocate(G, KEEP, total + PG, PG) == -EINVAL);
	check(pmm_fallocate(G, PUNCH, total, PG) == 0);
	check(pmm_fallocate(G, PUNCH, total + PG, PG) == 0);
	check(pmm_fallocate(G, PUNCH, PG, PG - 1) == -EINVAL);
	check(pmm_fallocate(G, PUNCH, PG, PG) == 0);
	check(!pmm_gmem_page_present(G, PG) && pmm_gmem_page_present(G, 2 * PG));
	check(pmm_fallocate(G, KEEP, PG, PG) == 0);
	check(pmm_gmem_page_present(G, PG));
	/* The size never changed. */
	check(pmm_file_size(G) == total);
}

static void test_fallocate(void **state)
{
	(void)state;
	assert_int_equal(run_clean(fallocate_setup, NULL), 1);
}

/*
 * A punched hole leaves the host's mappings (and reads back zero), and
 * the data around it stays (test_mmap_supported()).
 */
static void punch_mapped_setup(void *arg)
{
	char buf[4];

	(void)arg;
	gmem_up(MMAP | SHARED, 4);
	check(pmm_mmap(W.vmm, GMEM_HVA, 4 * PG, RW, PMM_MAP_SHARED, G, 0) == 0);
	check(pmm_store(W.vmm, GMEM_HVA, "aaaa", 4) == 0);
	check(pmm_store(W.vmm, GMEM_HVA + PG, "bbbb", 4) == 0);
	check(pmm_punch_hole(G, 0, PG) == 0);
	check(!pmm_gmem_page_present(G, 0));
	check(pmm_load(W.vmm, GMEM_HVA, buf, 4) == 0 && !memcmp(buf, "\0\0\0\0", 4));
	check(pmm_load(W.vmm, GMEM_HVA + PG, buf, 4) == 0 && !memcmp(buf, "bbbb", 4));
}

static void test_punch_mapped(void **state)
{
	(void)state;
	assert_int_equal(run_clean(punch_mapped_setup, NULL), 1);
}

/* No read, write, fsync or splice; closing twice is -EBADF. */
static void file_ops_setup(void *arg)
{
	(void)arg;
	gmem_up(MMAP | SHARED, 1);
	check(pmm_file_read(W.vmm, G, 0, HVA, 8) == -EINVAL);
	check(pmm_file_write(W.vmm, G, 0, HVA, 8) == -EINVAL);
	check(pmm_file_read_direct(W.vmm, G, 0, HVA, PG) == -EINVAL);
	check(pmm_fsync(G) == -EINVAL);
	check(pmm_gmem_close(G) == 0);
	check(pmm_gmem_close(G) == -EBADF);
	check(pmm_fallocate(G, KEEP, 0, PG) == -EBADF);
	check(pmm_mmap(W.vmm, GMEM_HVA, PG, RW, PMM_MAP_SHARED, G, 0) == -EBADF);
}

static void test_file_ops(void **state)
{
	(void)state;
	assert_int_equal(run_clean(file_ops_setup, NULL), 1);
}

/* Reclaim leaves the folios of an unevictable mapping in place. */
static void unevictable_setup(void *arg)
{
	unsigned long pfn;
	char buf[4];

	(void)arg;
	gmem_up(MMAP | SHARED, 2);
	check(pmm_mmap(W.vmm, GMEM_HVA, 2 * PG, RW, PMM_MAP_SHARED, G, 0) == 0);
	check(pmm_store(W.vmm, GMEM_HVA, "keep", 4) == 0);
	check(pmm_munmap(W.vmm, GMEM_HVA, 2 * PG) == 0);
	pfn = folio_pfn(G->inode->i_pages[0]);
	check(pmm_file_reclaim(G, 0, 2 * PG) == 0);
	check(pmm_gmem_page_present(G, 0));
	check(folio_pfn(G->inode->i_pages[0]) == pfn);
	check(pmm_mmap(W.vmm, GMEM_HVA, 2 * PG, RW, PMM_MAP_SHARED, G, 0) == 0);
	check(pmm_load(W.vmm, GMEM_HVA, buf, 4) == 0 && !memcmp(buf, "keep", 4));
}

static void test_unevictable(void **state)
{
	(void)state;
	assert_int_equal(run_clean(unevictable_setup, NULL), 1);
}

/*
 * A mapping holds the file: closing the descriptor while it is mapped
 * releases nothing until the munmap.
 */
static void close_mapped_setup(void *arg)
{
	struct kvm_gmem_file *gf;

	(void)arg;
	gmem_up(MMAP | SHARED, 1);
	gf = G->gmem;
	check(pmm_mmap(W.vmm, GMEM_HVA, PG, RW, PMM_MAP_SHARED, G, 0) == 0);
	check(pmm_store(W.vmm, GMEM_HVA, "x", 1) == 0);
	check(pmm_gmem_close(G) == 0);
	check(gf->gi->files == gf);
	check(pmm_store(W.vmm, GMEM_HVA, "y", 1) == 0);
	check(pmm_munmap(W.vmm, GMEM_HVA, PG) == 0);
	check(gf->gi->files == NULL);
	check(pmm_gmem_page_present(G, 0));
}

static void test_close_mapped(void **state)
{
	(void)state;
	assert_int_equal(run_clean(close_mapped_setup, NULL), 1);
}

/* vm_up(), a guest_memfd of 4 pages, a slot of 2 pages bound at page 1. */
static struct kvm_memory_slot *bound_up(unsigned long flags)
{
	struct kvm_memory_slot *slot;

	gmem_up(flags, 4);
	check(pmm_vm_set_memslot(W.vm, GMEM_GPA, GMEM_HVA, 2 * PG) == 0);
	slot = gfn_to_memslot(W.vm, GMEM_GPA >> 12);
	check(slot != NULL);
	check(kvm_gmem_bind(W.vm, slot, G->gmem, PG) == 0);
	return slot;
}

/* kvm_gmem_bind()'s checks. */
static void bind_setup(void *arg)
{
	struct kvm_memory_slot *slot, *other;
	struct pmm_file *g2 = NULL;
	struct pmm_vm *vm2;

	(void)arg;
	gmem_up(0, 4);
	check(pmm_vm_set_memslot(W.vm, GMEM_GPA, GMEM_HVA, 2 * PG) == 0);
	check(pmm_vm_set_memslot(W.vm, GMEM_GPA + 4 * PG, GMEM_HVA + 4 * PG, 2 * PG) == 0);
	slot = gfn_to_memslot(W.vm, GMEM_GPA >> 12);
	other = gfn_to_memslot(W.vm, (GMEM_GPA >> 12) + 4);
	vm2 = pmm_vm_create(W.vmm, 0);
	check(pmm_gmem_create(vm2, 4 * PG, 0, &g2) == 0);
	check(kvm_gmem_bind(W.vm, slot, g2->gmem, 0) == -EINVAL);
	check(kvm_gmem_bind(W.vm, slot, G->gmem, 1) == -EINVAL);
	check(kvm_gmem_bind(W.vm, slot, G->gmem, 3 * PG) == -EINVAL);
	check(slot->gmem.file == NULL);
	check(kvm_gmem_bind(W.vm, slot, G->gmem, 2 * PG) == 0);
	check(slot->gmem.file == G->gmem && slot->gmem.pgoff == 2);
	/* Overlapping pages 2..3 again. */
	check(kvm_gmem_bind(W.vm, other, G->gmem, PG) == -EINVAL);
	check(kvm_gmem_bind(W.vm, other, G->gmem, 0) == 0);
	kvm_gmem_unbind(other);
	check(other->gmem.file == NULL);
	check(kvm_gmem_bind(W.vm, other, G->gmem, PG) == -EINVAL);
	check(kvm_gmem_bind(W.vm, other, G->gmem, 0) == 0);
}

static void test_bind(void **state)
{
	(void)state;
	assert_int_equal(run_clean(bind_setup, NULL), 1);
}

/*
 * kvm_gmem_get_pfn(): the file's page at the slot's offset, zeroed on its
 * first use, with a reference for the caller.
 */
static void get_pfn_setup(void *arg)
{
	unsigned long gfn = (GMEM_GPA >> 12) + 1, pfn = 0, pfn2 = 0;
	struct kvm_memory_slot *slot;
	struct page *page = NULL;
	unsigned char byte = 0xff;
	struct folio *folio;
	int order = -1;

	(void)arg;
	slot = bound_up(0);
	/* A frame with bytes in it, freed: the next one CPU 0 allocates. */
	check(pmm_store(W.vmm, HVA, "junk", 4) == 0);
	check(pmm_munmap(W.vmm, HVA, 2 * PG) == 0);
	check(kvm_gmem_get_pfn(W.vm, slot, gfn, &pfn, &page, &order) == 0);
	check(order == 0 && page && pfn == page_to_pfn(page));
	folio = G->inode->i_pages[2];
	check(folio && folio_pfn(folio) == pfn);
	check(folio_ref_count(folio) == 2);
	check(folio_test_uptodate(folio));
	frame_peek(pfn, 0, &byte, 1);
	check(byte == 0);
	folio_put(folio);
	check(kvm_gmem_get_pfn(W.vm, slot, gfn, &pfn2, &page, NULL) == 0);
	check(pfn2 == pfn);
	folio_put(folio);
	check(folio_ref_count(folio) == 1);
}

static void test_get_pfn(void **state)
{
	(void)state;
	assert_int_equal(run_clean(get_pfn_setup, NULL), 1);
}

/* A stage-2 entry for @gfn of @slot, as kvm's private fault would map it. */
static void s2_map(struct kvm_memory_slot *slot, unsigned long gfn,
		   unsigned long pfn)
{
	*stage2_ptep(slot, gfn) = ((kvm_pte_t)pfn << 12) | KVM_PTE_VALID;
}

/*
 * Hole punching: stage 2 loses the bound pages of the hole inside an
 * invalidation (the seq moves on, none is left in progress); a hole no
 * memslot is bound to leaves the VM alone.
 */
static void punch_invalidates_setup(void *arg)
{
	unsigned long gfn = GMEM_GPA >> 12, pfn;
	struct kvm_memory_slot *slot;
	struct page *page;
	unsigned long seq;

	(void)arg;
	slot = bound_up(0);
	check(kvm_gmem_get_pfn(W.vm, slot, gfn + 1, &pfn, &page, NULL) == 0);
	s2_map(slot, gfn + 1, pfn);
	folio_put(page_folio(page));
	seq = W.vm->mmu_invalidate_seq;
	check(pmm_punch_hole(G, 3 * PG, PG) == 0);
	check(W.vm->mmu_invalidate_seq == seq);
	check(pmm_punch_hole(G, 2 * PG, PG) == 0);
	check(!kvm_pte_valid(*stage2_ptep(slot, gfn + 1)));
	check(W.vm->mmu_invalidate_seq == seq + 1);
	check(W.vm->mmu_invalidate_in_progress == 0);
	check(!pmm_gmem_page_present(G, 2 * PG));
}

static void test_punch_invalidates(void **state)
{
	(void)state;
	assert_int_equal(run_clean(punch_invalidates_setup, NULL), 1);
}

/*
 * Closing the file while the VM runs: the slot forgets it, stage 2 is
 * zapped, the memory stays with the inode, and get_pfn is -EFAULT.
 */
static void release_setup(void *arg)
{
	unsigned long gfn = GMEM_GPA >> 12, pfn;
	struct kvm_memory_slot *slot;
	struct page *page;
	unsigned long seq;

	(void)arg;
	slot = bound_up(0);
	check(kvm_gmem_get_pfn(W.vm, slot, gfn, &pfn, &page, NULL) == 0);
	s2_map(slot, gfn, pfn);
	folio_put(page_folio(page));
	seq = W.vm->mmu_invalidate_seq;
	check(pmm_gmem_close(G) == 0);
	check(slot->gmem.file == NULL);
	check(!kvm_pte_valid(*stage2_ptep(slot, gfn)));
	check(W.vm->mmu_invalidate_seq == seq + 1);
	check(pmm_gmem_page_present(G, PG));
	check(kvm_gmem_get_pfn(W.vm, slot, gfn, &pfn, &page, NULL) == -EFAULT);
	/* Unbinding a slot whose file is gone is a no-op. */
	kvm_gmem_unbind(slot);
}

static void test_release(void **state)
{
	(void)state;
	assert_int_equal(run_clean(release_setup, NULL), 1);
}

/*
 * On SNP, get_pfn's kvm_arch_gmem_prepare() assigns the frame to the
 * guest (every call: a second one finds it assigned already), and the
 * folio's leaving the file gives it back (kvm_arch_gmem_invalidate()).
 */
static void snp_setup(void *arg)
{
	struct pmm_machine_opts o = PMM_MACHINE_OPTS_INIT;
	unsigned long gfn = GMEM_GPA >> 12, pfn, pfn2;
	struct kvm_memory_slot *slot;
	struct page *page;

	(void)arg;
	o.ram_bytes = 1ul << 20;
	o.arch = "x86-snp";
	memset(&W, 0, sizeof(W));
	if (pmm_machine_init(&o)) {
		check(!"pmm_machine_init");
		return;
	}
	W.vmm = pmm_process_create();
	W.vm = pmm_vm_create_type(W.vmm, PMM_VM_SNP, 0);
	check(W.vm != NULL);
	check(pmm_gmem_create(W.vm, 4 * PG, 0, &G) == 0);
	check(pmm_vm_set_memslot(W.vm, GMEM_GPA, GMEM_HVA, 2 * PG) == 0);
	slot = gfn_to_memslot(W.vm, gfn);
	check(kvm_gmem_bind(W.vm, slot, G->gmem, 0) == 0);
	check(kvm_gmem_get_pfn(W.vm, slot, gfn, &pfn, &page, NULL) == 0);
	folio_put(page_folio(page));
	check(cc_frame_owner(pfn) == W.vm->id);
	check(kvm_gmem_get_pfn(W.vm, slot, gfn, &pfn2, &page, NULL) == 0);
	folio_put(page_folio(page));
	check(pfn2 == pfn && cc_frame_owner(pfn) == W.vm->id);
	check(pmm_punch_hole(G, 0, PG) == 0);
	check(cc_frame_owner(pfn) == 0);
}

static void test_snp_prepare_invalidate(void **state)
{
	(void)state;
	assert_int_equal(run_clean(snp_setup, NULL), 1);
}

/*
 * Hole punching racing a vCPU's private fault, the fault done as kvm's
 * kvm_faultin_pfn() + mmu_invalidate_retry() does it: read the seq, get
 * the page from guest_memfd, and map it under mmu_lock unless an
 * invalidation ran or runs meanwhile. Whatever the order, stage 2 never
 * ends up mapping a page the punch took out of the file.
 */
static void vcpu_private_fault(void *arg)
{
	struct kvm_memory_slot *slot = arg;
	unsigned long gfn = GMEM_GPA >> 12, pfn, seq;
	struct page *page;
	int tries;

	for (tries = 0; tries < 4; tries++) {
		bool retry;

		seq = READ_ONCE(W.vm->mmu_invalidate_seq);
		smp_rmb();
		if (kvm_gmem_get_pfn(W.vm, slot, gfn, &pfn, &page, NULL))
			return;
		KVM_MMU_LOCK(W.vm);
		retry = READ_ONCE(W.vm->mmu_invalidate_in_progress) ||
			READ_ONCE(W.vm->mmu_invalidate_seq) != seq;
		if (!retry)
			s2_map(slot, gfn, pfn);
		KVM_MMU_UNLOCK(W.vm);
		folio_put(page_folio(page));
		if (!retry)
			return;
	}
}

static void punch_page(void *arg)
{
	(void)arg;
	check(pmm_punch_hole(G, PG, PG) == 0);
}

static void punch_race_setup(void *arg)
{
	struct kvm_memory_slot *slot;

	(void)arg;
	slot = bound_up(0);
	pmm_task_create("vcpu", 0, vcpu_private_fault, slot);
	pmm_task_create("vmm", 1, punch_page, NULL);
}

/* A valid entry maps the folio the file has at that index now. */
static void punch_race_finish(void *arg)
{
	struct kvm_memory_slot *slot = gfn_to_memslot(W.vm, GMEM_GPA >> 12);
	kvm_pte_t pte = *stage2_ptep(slot, GMEM_GPA >> 12);
	struct folio *folio = G->inode->i_pages[1];

	if (kvm_pte_valid(pte))
		check(folio && folio_pfn(folio) == kvm_pte_pfn(pte));
	vm_down(arg);
}

/* Every interleaving with at most two preemptions (the race needs one). */
static void test_punch_race(void **state)
{
	struct pmm_program prog = { "gmem-punch-race", "", punch_race_setup,
				    punch_race_finish, NULL };
	struct pmm_explore_opts o = PMM_EXPLORE_OPTS_INIT;
	struct pmm_explore_result r;

	(void)state;
	failures = 0;
	o.stop_on_violation = false;
	o.preemptions = 2;
	o.trace = false;
	assert_int_equal(pmm_explore(&prog, &o, &r), 0);
	print_message("punch race: %llu executions\n",
		      (unsigned long long)r.executions);
	assert_true(check_clean(&r) > 1);
}

/*
 * get_pfn racing the close: it either gets its reference (and the page,
 * which the release then unmaps from nothing) or fails with -EFAULT;
 * never a reference on a file whose release already ran.
 */
static void race_getpfn(void *arg)
{
	struct kvm_memory_slot *slot = arg;
	unsigned long pfn;
	struct page *page;
	int r = kvm_gmem_get_pfn(W.vm, slot, GMEM_GPA >> 12, &pfn, &page, NULL);

	check(r == 0 || r == -EFAULT);
	if (!r)
		folio_put(page_folio(page));
}

static void race_close(void *arg)
{
	(void)arg;
	check(pmm_gmem_close(G) == 0);
}

static void release_race_setup(void *arg)
{
	struct kvm_memory_slot *slot;

	(void)arg;
	slot = bound_up(0);
	pmm_task_create("vcpu", 0, race_getpfn, slot);
	pmm_task_create("vmm", 1, race_close, NULL);
}

static void release_race_finish(void *arg)
{
	check(G->gmem->gi->files == NULL);
	check(atomic_read(&G->gmem->f_count) == 0);
	vm_down(arg);
}

static void test_release_race(void **state)
{
	(void)state;
	assert_true(run_clean(release_race_setup, release_race_finish) > 1);
}

/*
 * The oracle: the kernel touching a private page the guest was given
 * (uptodate), not one before its first use, nor a shared one.
 */
static enum { PRIVATE_USED, PRIVATE_NEW, SHARED_USED } oracle_case;

static void oracle_setup(void *arg)
{
	unsigned char b = 1;
	struct phys_access a = { .who = ACCESS_KERNEL, .write = true, .len = 1,
				 .buf = &b };
	struct folio *folio;

	(void)arg;
	gmem_up(oracle_case == SHARED_USED ? MMAP | SHARED : 0, 1);
	check(pmm_fallocate(G, KEEP, 0, PG) == 0);
	folio = G->inode->i_pages[0];
	a.pfn = folio_pfn(folio);
	if (oracle_case != PRIVATE_NEW)
		folio_set_uptodate(folio);
	check(phys_access(&a) == 0);
}

static void test_host_access_private(void **state)
{
	struct pmm_explore_result r;

	(void)state;
	oracle_case = PRIVATE_USED;
	explore(oracle_setup, NULL, &r);
	assert_true(r.violations);
	assert_string_equal(r.oracle, "host-access-private");
	assert_non_null(strstr(r.message, "the kernel wrote 1 bytes"));
	pmm_explore_result_release(&r);
}

static void test_host_access_new(void **state)
{
	(void)state;
	oracle_case = PRIVATE_NEW;
	assert_int_equal(run_clean(oracle_setup, NULL), 1);
}

static void test_host_access_shared(void **state)
{
	(void)state;
	oracle_case = SHARED_USED;
	assert_int_equal(run_clean(oracle_setup, NULL), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_mmap_rules),
		cmocka_unit_test(test_fault),
		cmocka_unit_test(test_fallocate),
		cmocka_unit_test(test_punch_mapped),
		cmocka_unit_test(test_file_ops),
		cmocka_unit_test(test_unevictable),
		cmocka_unit_test(test_close_mapped),
		cmocka_unit_test(test_bind),
		cmocka_unit_test(test_get_pfn),
		cmocka_unit_test(test_punch_invalidates),
		cmocka_unit_test(test_snp_prepare_invalidate),
		cmocka_unit_test(test_punch_race),
		cmocka_unit_test(test_release),
		cmocka_unit_test(test_release_race),
		cmocka_unit_test(test_host_access_private),
		cmocka_unit_test(test_host_access_new),
		cmocka_unit_test(test_host_access_shared),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
