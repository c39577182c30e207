// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "arch/arch.h"
#include "check/cc.h"
#include "check/enc.h"
#include "check/gmem.h"
#include "check/gmem_conv.h"
#include "check/leak.h"
#include "check/shadow.h"
#include "check/tags.h"
#include "drivers/dma.h"
#include "fs/shmem.h"
#include "virt/guest_memfd.h"
#include "machine/machine.h"
#include "mem/hugetlb.h"
#include "mem/phys.h"
#include "mm/hugetlb.h"
#include "mm/access.h"
#include "mm/gup.h"
#include "mm/huge_memory.h"
#include "mm/mmap.h"
#include "mm/pgalloc.h"
#include "mm/remote.h"
#include "mm/tlb.h"
#include "protmm/hugetlb.h"
#include "swap/swap.h"
#include "virt/kvm.h"

struct machine *machine;

int machine_cpu(void)
{
	int cpu = pmm_task_id() < 0 ? 0 : pmm_task_cpu();

	return cpu < (int)machine->opts.nr_cpus ? cpu : -1;
}

/* The zero page: one reserved frame every anonymous read maps. */
static int zero_page_init(void)
{
	struct folio *folio = folio_alloc(__GFP_ZERO, 0);

	if (!folio)
		return -ENOMEM;
	__folio_set_reserved(folio);
	zero_pfn = folio_pfn(folio);
	return 0;
}

/* The swap device, on a disk of its own; none without swap_bytes. */
static int swap_init(unsigned long bytes, bool synchronous)
{
	swap_info = NULL;
	swap_mm_ops = NULL;
	if (!bytes)
		return 0;
	machine->swap_bdev = bdev_alloc(bytes >> PAGE_SHIFT);
	if (!machine->swap_bdev)
		return -ENOMEM;
	return swapon(machine->swap_bdev, synchronous ? SWP_SYNCHRONOUS_IO : 0);
}

/*
 * @mm's PTE at @addr no longer maps @page: a pin holding that very page
 * there (a GUP that backed off or a page mapped before the pin do not
 * count) no longer pins the process's memory at that address.
 */
static void pins_zapped(struct mm_struct *mm, unsigned long addr,
			struct page *page)
{
	struct pmm_pin *pin;
	unsigned long i;

	/* For the data oracle, which natively races by design. */
	if (!sched_exploring())
		return;
	for (pin = __atomic_load_n(&machine->pins, __ATOMIC_ACQUIRE); pin;
	     pin = pin->next) {
		if (pin->p->mm != mm || addr < pin->addr ||
		    addr - pin->addr >= pin->nr * PAGE_SIZE)
			continue;
		i = (addr - pin->addr) >> PAGE_SHIFT;
		if (pin->pages[i] == page)
			pin->zapped[i] = page;
	}
}

static const struct mm_watch pins_mm_watch = {
	.zapped = pins_zapped,
};

int pmm_machine_init(const struct pmm_machine_opts *opts)
{
	struct phys_mem_opts po = { opts->ram_bytes, opts->dev_bytes };
	const struct arch_mm_ops *ops = arch_find(opts->arch ? opts->arch : "");
	int err;

	if (!ops) {
		pmm_violation("bug-on", "machine '%s' is not supported",
			      opts->arch ? opts->arch : "(none)");
		return -ENOTSUP;
	}
	if (!opts->nr_cpus || opts->nr_cpus > PMM_MAX_CPUS ||
	    (opts->disk_bytes | opts->swap_bytes) & ~PAGE_MASK)
		return -EINVAL;
	machine = pmm_alloc(sizeof(*machine));
	if (!machine)
		return -ENOMEM;
	machine->opts = *opts;
	arch_ops = ops;
	mm_ids_reset();
	thp_machine_reset();
	ttm_machine_reset();
	err = phys_init(&po);
	dma_reset();
	machine_x86_reset();
	kvm_machine_reset();
	if (!err && ops->machine_init)
		err = ops->machine_init(opts->nr_cpus);
	if (!err)
		err = tlb_init(opts->nr_cpus);
	if (!err)
		err = zero_page_init();
	if (!err)
		err = hugetlb_pool_init();
	if (!err)
		err = hugetlbfs_init();
	if (!err)
		err = shadow_init();
	if (!err)
		err = tags_init();
	if (!err)
		err = enc_check_init();
	if (!err)
		err = cc_check_init();
	if (!err)
		err = gmem_check_init();
	if (!err)
		err = gmem_conv_check_init();
	if (!err && arch_ops->late_init)
		err = arch_ops->late_init();
	if (err)
		return err;
	mm_watch_register(&pins_mm_watch);
	machine->bdev = bdev_alloc(opts->disk_bytes >> PAGE_SHIFT);
	if (!machine->bdev)
		return -ENOMEM;
	return swap_init(opts->swap_bytes, opts->swap_synchronous);
}

/*
 * Every hugetlbfs file evicted, then the pools emptied: a reservation
 * still held is one a mapping failed to give back; a folio the pools
 * cannot free is still in use, and the leak check reports it.
 */
static void hugetlb_teardown(void)
{
	unsigned long size;

	hugetlbfs_release_all();
	for (size = PMM_HUGE_2M; size <= PMM_HUGE_1G; size <<= 9) {
		struct hstate *h = size_to_hstate(size);

		if (h->resv_huge_pages)
			pmm_violation("leak", "%lu hugetlb reservation(s) of %lu KiB "
				      "held after teardown", h->resv_huge_pages,
				      size >> 10);
		set_max_huge_pages(h, 0);
	}
}

void pmm_machine_finish(void)
{
	unsigned int i;

	machine->no_exit = false;
	for (i = 0; i < machine->nr_procs; i++)
		pmm_exit(machine->procs[i]);
	for (i = 0; i < machine->nr_pipes; i++)
		pipe_release(machine->pipes[i]->pipe);
	for (i = 0; i < machine->nr_files; i++) {
		if (machine->files[i]->gmem)
			kvm_gmem_evict_inode(machine->files[i]->inode);
		else if (machine->files[i]->inode->i_shmem)
			shmem_evict_inode(machine->files[i]->inode);
		else
			truncate_inode_pages_final(machine->files[i]->inode);
	}
	machine_shmem_zero_evict();
	machine_x86_teardown();
	dma_teardown();
	swap_teardown();
	thp_machine_finish();
	hugetlb_teardown();
	ttm_machine_finish();
	check_leaks(zero_pfn);
}

unsigned long pmm_free_pages(void)
{
	return phys->ram_pages - (unsigned long)phys->nr_allocated.counter;
}

static struct pmm_process *process_new(struct mm_struct *mm)
{
	unsigned int i = __atomic_fetch_add(&machine->nr_procs, 1, __ATOMIC_RELAXED);
	struct pmm_process *p;

	if (i >= MACHINE_MAX_PROCS) {
		pmm_violation("bug-on", "more than %d processes", MACHINE_MAX_PROCS);
		return NULL;
	}
	p = pmm_alloc(sizeof(*p));
	p->mm = mm;
	p->pid = (int)i + 1;
	pmm_obj_namef(&p->exited, "pid%d exited", p->pid);
	machine->procs[i] = p;
	return p;
}

/*
 * Whether @p has exited: an operation that finds it has not goes on on a
 * live mm, as long as its caller holds a user of it (pmm_process_get()).
 * A yield point of its own, which reads the flag pmm_exit() writes: read
 * inside another step, the read would race with the exit unseen by DPOR.
 * Not twice in one step (a thread's check before its statement, then the
 * statement's own), and not at all when no process can exit meanwhile.
 */
bool process_gone(const struct pmm_process *p)
{
	if (!machine->no_exit && !sched_step_named(&p->exited))
		sched_point(&p->exited, PMM_ACC_READ);
	sched_audit(&p->exited, false, "a process's exited flag");
	return __atomic_load_n(&p->exited, __ATOMIC_RELAXED);
}

struct pmm_process *pmm_process_create(void)
{
	struct mm_struct *mm = mm_alloc();

	return mm ? process_new(mm) : NULL;
}

int pmm_mmap(struct pmm_process *p, unsigned long addr, unsigned long len,
	     unsigned int prot, unsigned int flags, struct pmm_file *file,
	     unsigned long off)
{
	struct mmap_source src = { 0 };
	struct inode *inode = file ? file->inode : NULL;
	int err;

	if (process_gone(p))
		return -ESRCH;
	if (off & ~PAGE_MASK)
		return -EINVAL;
	/* shmem_zero_setup(): shared anonymous memory is an unlinked shmem file. */
	if (!file && (flags & PMM_MAP_SHARED) && !(flags & PMM_MAP_PRIVATE)) {
		if (!len || len & ~PAGE_MASK || off)
			return -EINVAL;
		inode = machine_shmem_zero(len);
	}
	if (file && file->gmem) {
		src.mapping = &inode->i_mapping;
		src.pgoff = off >> PAGE_SHIFT;
		src.may_write = true;
		err = machine_gmem_mmap_source(file, flags, &src);
		if (err)
			return err;
	} else if (inode) {
		src.mapping = &inode->i_mapping;
		src.vm_ops = inode->i_shmem ? &shmem_vm_ops : &generic_file_vm_ops;
		src.shmem = inode->i_shmem != NULL;
		src.pgoff = off >> PAGE_SHIFT;
		src.may_write = true;
		err = memfd_check_seals_mmap(inode, flags & PMM_MAP_SHARED,
					     prot & PMM_PROT_WRITE, &src.may_write);
		if (err)
			return err;
	}
	return do_mmap(p->mm, addr, len, prot, flags, &src);
}

int pmm_munmap(struct pmm_process *p, unsigned long addr, unsigned long len)
{
	return process_gone(p) ? -ESRCH : do_munmap(p->mm, addr, len);
}

int pmm_mprotect(struct pmm_process *p, unsigned long addr, unsigned long len,
		 unsigned int prot)
{
	return process_gone(p) ? -ESRCH : do_mprotect(p->mm, addr, len, prot);
}

int pmm_madvise(struct pmm_process *p, unsigned long addr, unsigned long len,
		int advice)
{
	if (process_gone(p))
		return -ESRCH;
	if (advice != PMM_MADV_HUGEPAGE && advice != PMM_MADV_NOHUGEPAGE)
		return -EOPNOTSUPP;
	return hugepage_madvise(p->mm, addr, len, advice);
}

/*
 * The folio mapped at @addr, with a reference; @pmd says how. A hugetlb
 * VMA's leaves are no THP (split_huge_pages_pid() skips them): NULL.
 */
static struct folio *thp_get(struct mm_struct *mm, unsigned long addr,
			     bool *pmd)
{
	struct vm_area_struct *vma = find_vma(mm, addr);
	pmd_t *pmdp = pmd_offset_map(mm, addr);
	spinlock_t *ptl;
	struct folio *folio = NULL;
	pte_t *ptep;

	*pmd = false;
	if (!pmdp || (vma && vma->vm_start <= addr && is_vm_hugetlb_page(vma)))
		return NULL;
	spin_lock(pmd_lockptr(mm, pmdp));
	if (pmd_leaf(pmdp_get(pmdp))) {
		*pmd = true;
		folio = page_folio(pmd_page(pmdp_get(pmdp)));
		folio_get(folio);
	}
	spin_unlock(pmd_lockptr(mm, pmdp));
	if (*pmd)
		return folio;
	ptep = pte_offset_map(mm, addr, &ptl);
	if (!ptep)
		return NULL;
	spin_lock(ptl);
	if (pte_present(ptep_get(ptep)) && !pte_special(ptep_get(ptep))) {
		folio = page_folio(pte_page(ptep_get(ptep)));
		folio_get(folio);
	}
	spin_unlock(ptl);
	return folio;
}

int pmm_thp_state(struct pmm_process *p, unsigned long addr)
{
	struct vm_area_struct *vma;
	struct folio *folio;
	bool pmd, hugetlb;
	int ret;

	if (process_gone(p))
		return -ESRCH;
	mmap_read_lock(p->mm);
	vma = find_vma(p->mm, addr);
	hugetlb = vma && vma->vm_start <= addr && is_vm_hugetlb_page(vma);
	folio = thp_get(p->mm, addr & PAGE_MASK, &pmd);
	mmap_read_unlock(p->mm);
	if (hugetlb)
		return -EINVAL;
	if (!folio) {
		pmd_t *pmdp = pmd_offset_map(p->mm, addr);
		pte_t *ptep = pte_offset_map(p->mm, addr, NULL);

		/* The zero pages, which hold no reference for their maps. */
		if (pmdp && pmd_leaf(pmdp_get(pmdp)))
			return PMM_THP_PMD;
		return ptep && pte_present(ptep_get(ptep)) ? PMM_THP_NONE : -EFAULT;
	}
	ret = pmd ? PMM_THP_PMD :
	      folio_test_large(folio) ? PMM_THP_PTE : PMM_THP_NONE;
	folio_put(folio);
	return ret;
}

int pmm_thp_peek(struct pmm_process *p, unsigned long addr)
{
	struct vm_area_struct *vma;
	struct folio *folio;
	unsigned long sz;
	pte_t *ptep;
	pte_t pte;

	if (process_gone(p))
		return -ESRCH;
	vma = find_vma(p->mm, addr);
	if (vma && vma->vm_start <= addr && is_vm_hugetlb_page(vma))
		return -EINVAL;
	ptep = pgtable_leaf_offset(p->mm, addr & PAGE_MASK, &sz);
	pte = ptep ? __pte(__atomic_load_n(&ptep->pte, __ATOMIC_RELAXED)) : __pte(0);
	if (!pte_present(pte))
		return -EFAULT;
	if (sz == PMD_SIZE)
		return PMM_THP_PMD;
	folio = pfn_folio(pte_pfn(pte));
	return folio_test_large(folio) && !pte_special(pte) ? PMM_THP_PTE : PMM_THP_NONE;
}

/* split_huge_pages_pid(): folio_trylock() (-EAGAIN), split_folio(). */
int pmm_split_thp(struct pmm_process *p, unsigned long addr)
{
	struct folio *folio;
	bool pmd;
	int ret = -EINVAL;

	if (process_gone(p))
		return -ESRCH;
	mmap_read_lock(p->mm);
	folio = thp_get(p->mm, addr & PAGE_MASK, &pmd);
	if (folio && folio_test_large(folio) &&
	    !is_huge_zero_pfn(folio_pfn(folio))) {
		if (folio_trylock(folio)) {
			ret = split_folio(folio);
			folio_unlock(folio);
		} else {
			ret = -EAGAIN;
		}
	}
	mmap_read_unlock(p->mm);
	if (folio)
		folio_put(folio);
	return ret;
}

struct pmm_process *pmm_fork(struct pmm_process *p)
{
	struct mm_struct *mm = process_gone(p) ? NULL : dup_mm(p->mm);

	return mm ? process_new(mm) : NULL;
}

/*
 * exit_group() and the exiting task's exit_mm(): the group is marked once
 * (SIGNAL_GROUP_EXIT), and the process's own user goes. Its other threads
 * keep theirs until they see the mark, so what they are doing finishes on
 * a live mm; the last user tears it down.
 */
void pmm_machine_no_exit(void)
{
	machine->no_exit = true;
}

void pmm_exit(struct pmm_process *p)
{
	if (machine->no_exit) {
		pmm_violation("bug-on", "pid %d exits after pmm_machine_no_exit()",
			      p->pid);
		return;
	}
	sched_point(&p->exited, PMM_ACC_RMW);
	if (__atomic_exchange_n(&p->exited, true, __ATOMIC_SEQ_CST))
		return;
	mmput(p->mm);
}

bool pmm_process_exited(struct pmm_process *p)
{
	return process_gone(p);
}

/* mmget_not_zero() with no yield point of its own: see pmm_process_get(). */
static bool users_inc_not_zero(struct mm_struct *mm)
{
	int c = __atomic_load_n(&mm->mm_users.counter, __ATOMIC_RELAXED);

	do {
		if (!c)
			return false;
	} while (!__atomic_compare_exchange_n(&mm->mm_users.counter, &c, c + 1,
					      false, __ATOMIC_SEQ_CST,
					      __ATOMIC_RELAXED));
	return true;
}

/*
 * pmm_exit() marks the process before it drops the process's own user, so
 * while the mark is not set the count is at least one before and after
 * any get or put: such a get or put can neither find the count at zero nor
 * bring it there, and whatever else runs cannot tell when it happened. So
 * a get, or a put before the mark, is no yield point of its own: it is
 * part of the step that reads the mark (process_gone()'s; the explorer
 * runs fewer, equivalent interleavings). A put after the mark may be the last: that one is the
 * yielding mmput(). Natively the mark can be set between the read and
 * the update, which the zero checks cover.
 */
int pmm_process_get(struct pmm_process *p)
{
	if (process_gone(p) || !users_inc_not_zero(p->mm))
		return -ESRCH;
	return 0;
}

void pmm_process_put(struct pmm_process *p)
{
	struct mm_struct *mm = p->mm;

	if (process_gone(p)) {
		mmput(mm);
		return;
	}
	if (!__atomic_sub_fetch(&mm->mm_users.counter, 1, __ATOMIC_SEQ_CST))
		__mmput(mm);
}

static int user_access(struct pmm_process *p, unsigned long addr, void *buf,
		       size_t len, bool write)
{
	int cpu = machine_cpu();

	if (process_gone(p))
		return -ESRCH;
	if (cpu < 0)
		return -EINVAL;
	return access_user(p->mm, cpu, addr, buf, len, write, ACCESS_USER);
}

int pmm_store(struct pmm_process *p, unsigned long addr, const void *buf,
	      size_t len)
{
	return user_access(p, addr, (void *)buf, len, true);
}

int pmm_load(struct pmm_process *p, unsigned long addr, void *buf, size_t len)
{
	return user_access(p, addr, buf, len, false);
}

int pmm_store_tags(struct pmm_process *p, unsigned long addr, size_t len,
		   unsigned int tag)
{
	unsigned char tags[PAGE_SIZE / PMM_MTE_GRANULE];
	int cpu = machine_cpu();
	size_t done, n;
	int err = 0;

	if (process_gone(p))
		return -ESRCH;
	if (cpu < 0 || tag > 0xf)
		return -EINVAL;
	memset(tags, (int)tag, sizeof(tags));
	for (done = 0; !err && done < len; done += n) {
		n = len - done < PAGE_SIZE ? len - done : PAGE_SIZE;
		err = access_user_tags(p->mm, cpu, addr + done, tags, n, true);
	}
	return err;
}

int pmm_load_tags(struct pmm_process *p, unsigned long addr, size_t len,
		  unsigned char *tags)
{
	int cpu = machine_cpu();

	if (process_gone(p))
		return -ESRCH;
	if (cpu < 0)
		return -EINVAL;
	return access_user_tags(p->mm, cpu, addr, tags, len, false);
}

long pmm_reclaim(struct pmm_process *p, unsigned long addr, unsigned long len)
{
	if (process_gone(p))
		return -ESRCH;
	if ((addr & ~PAGE_MASK) || !len || addr + len < addr)
		return -EINVAL;
	return reclaim_range(p->mm, addr, len);
}

static unsigned int foll_flags(unsigned int flags)
{
	return ((flags & PMM_GUP_WRITE) ? FOLL_WRITE : 0) |
	       ((flags & PMM_GUP_LONGTERM) ? FOLL_LONGTERM : 0);
}

static long do_gup(struct pmm_pin *pin)
{
	struct mm_struct *mm = pin->p->mm;
	unsigned int foll = foll_flags(pin->flags);
	bool get = pin->flags & PMM_GUP_GET;
	long got;

	if (pin->flags & PMM_GUP_FAST)
		return get ? get_user_pages_fast(mm, pin->addr, pin->nr, foll, pin->pages) :
			     pin_user_pages_fast(mm, pin->addr, pin->nr, foll, pin->pages);
	mmap_read_lock(mm);
	got = get ? get_user_pages(mm, pin->addr, pin->nr, foll, pin->pages) :
		    pin_user_pages(mm, pin->addr, pin->nr, foll, pin->pages);
	mmap_read_unlock(mm);
	return got;
}

static void release_pages(struct pmm_pin *pin, unsigned long n)
{
	unsigned long i;

	if (!(pin->flags & PMM_GUP_GET)) {
		unpin_user_pages_dirty_lock(pin->pages, n, pin->dma_written);
		return;
	}
	for (i = 0; i < n; i++) {
		struct folio *folio = page_folio(pin->pages[i]);

		if (pin->dma_written && !is_zero_pfn(folio_pfn(folio)))
			folio_mark_dirty_lock(folio);
		put_user_page_ref(pin->pages[i]);
	}
}

int pmm_pin(struct pmm_process *p, unsigned long addr, unsigned long nr_pages,
	    unsigned int flags, struct pmm_pin **out)
{
	struct pmm_pin *pin;
	long got;

	if (!nr_pages || nr_pages > PIN_MAX_PAGES || (addr & ~PAGE_MASK) ||
	    flags & ~(PMM_GUP_WRITE | PMM_GUP_LONGTERM | PMM_GUP_FAST | PMM_GUP_GET))
		return -EINVAL;
	if (process_gone(p))
		return -ESRCH;
	pin = pmm_alloc(sizeof(*pin));
	pin->p = p;
	pin->addr = addr;
	pin->nr = nr_pages;
	pin->flags = flags;
	/* Listed before the walk, so that no zap after the grab goes unseen. */
	pin->next = __atomic_load_n(&machine->pins, __ATOMIC_RELAXED);
	while (!__atomic_compare_exchange_n(&machine->pins, &pin->next, pin,
					    false, __ATOMIC_RELEASE,
					    __ATOMIC_RELAXED))
		;
	got = do_gup(pin);
	if (got < 0)
		return (int)got;
	if ((unsigned long)got < nr_pages) {
		release_pages(pin, (unsigned long)got);
		return -EFAULT;
	}
	*out = pin;
	return 0;
}

void pmm_unpin(struct pmm_pin *pin)
{
	if (pin->released) {
		pmm_violation("bug-on", "pin of %#lx released twice", pin->addr);
		return;
	}
	pin->released = true;
	release_pages(pin, pin->nr);
}

/*
 * gup_must_unshare(): whether a device reaching @page through @pin sees
 * the process's memory at the pinned address from now on. A FOLL_PIN of
 * an anonymous page does (it was made exclusive: no COW moves the
 * process off it), as must a pin for writing or longterm; a short-term
 * R/O pin of the zero page does not ("R/O short-term pinning does not
 * have the semantics to observe successive changes through the process
 * page tables"), nor does a FOLL_GET reference, nor any pin of a
 * page-cache page, which truncation can take out of its file.
 */
static bool pin_follows_process(const struct pmm_pin *pin, struct page *page)
{
	struct folio *folio = page_folio(page);

	if (pin->flags & PMM_GUP_GET)
		return false;
	if (!folio_test_anon(folio) && !is_zero_pfn(folio_pfn(folio)))
		return false;
	return (pin->flags & (PMM_GUP_WRITE | PMM_GUP_LONGTERM)) ||
	       folio_test_anon(folio);
}

/* Whether the process's PTE was zapped under pinned page @i. */
static bool pin_page_zapped(const struct pmm_pin *pin, unsigned long i)
{
	return pin->zapped[i] == pin->pages[i];
}

/*
 * A device DMAs through the pin: to or from the process's memory at the
 * pinned address where the pin follows it, otherwise to or from whatever
 * the frame is now (struct phys_access by_frame). Once the PTE mapping a
 * page the pin follows is zapped (munmap, exit, truncation), the page is
 * nobody's memory: only the pin holds it, and a fork copied it rather
 * than share it (a new mapping there has pages of its own). The data
 * oracle then has nothing to record or check; a process that maps the
 * frame all the same (it was freed and reused: a GUP-fast that missed
 * the munmap) sees bytes it never wrote, which it reports.
 */
int pmm_pin_dma(struct pmm_pin *pin, unsigned long off, void *buf, size_t len,
		bool write)
{
	unsigned char *b = buf;

	if (pin->released || off + len > pin->nr * PAGE_SIZE || off + len < off)
		return -EINVAL;
	if (write)
		pin->dma_written = true;
	while (len) {
		unsigned int po = off & ~PAGE_MASK;
		unsigned int n = (unsigned int)(len < PAGE_SIZE - po ? len : PAGE_SIZE - po);
		struct page *page = pin->pages[off >> PAGE_SHIFT];
		struct phys_access a = { .who = ACCESS_DMA, .cpu = -1, .write = write,
					 .pfn = page_to_pfn(page),
					 .offset = po, .len = n, .buf = b };
		int err;

		/* Whose bytes they are is decided in the access's own step. */
		sched_point_at(frame_obj(a.pfn), write ? PMM_ACC_WRITE : PMM_ACC_READ,
			       PMM_HERE);
		if (!pin_follows_process(pin, page)) {
			a.by_frame = true;
		} else if (!pin_page_zapped(pin, off >> PAGE_SHIFT)) {
			a.mm = pin->p->mm;
			a.vaddr = pin->addr + off;
		}
		err = __phys_access(&a, PMM_HERE);
		if (err)
			return err;
		off += n;
		b += n;
		len -= n;
	}
	return 0;
}

/* mem_rw() and ptrace_access_vm(): an mm_users reference, then the copy. */
long pmm_access_remote(struct pmm_process *p, unsigned long addr, void *buf,
		       size_t len, bool write, bool force)
{
	unsigned int flags = (write ? FOLL_WRITE : 0) | (force ? FOLL_FORCE : 0);
	long done;
	int err;

	if (!len || addr + len < addr || (!buf && len))
		return -EINVAL;
	err = pmm_process_get(p);
	if (err)
		return err;
	done = access_remote_vm(p->mm, addr, buf, len, flags);
	pmm_process_put(p);
	return done;
}

/* The entry mapping @addr's page: a huge leaf's, as a PTE of that page. */
static pte_t peek_pte(struct pmm_process *p, unsigned long addr)
{
	return process_gone(p) ? __pte(0) : leaf_pte_peek(p->mm, addr);
}

/*
 * try_to_unuse()'s walk of the mmlist: every process whose address space
 * still has a user (mmget_not_zero()), held while its PTEs are restored.
 */
static int unuse_mms(unsigned int type)
{
	unsigned int i, n = __atomic_load_n(&machine->nr_procs, __ATOMIC_ACQUIRE);
	int err = 0;

	for (i = 0; i < n && !err; i++) {
		struct pmm_process *p = machine->procs[i];

		if (!p || pmm_process_get(p))
			continue;
		err = unuse_mm(p->mm, type);
		pmm_process_put(p);
	}
	return err;
}

int pmm_swapoff(void)
{
	return swapoff(unuse_mms, &machine->nr_procs);
}

bool pmm_swapped(struct pmm_process *p, unsigned long addr)
{
	return is_swap_pte(peek_pte(p, addr & PAGE_MASK));
}

int pmm_mem_tag(struct pmm_process *p, unsigned long addr)
{
	pte_t pte;

	addr &= (1UL << PMM_TAG_SHIFT) - 1;
	pte = peek_pte(p, addr & PAGE_MASK);
	if (!arch_ops->peek_tag)
		return -ENOTSUP;
	if (!pte_present(pte))
		return -EFAULT;
	return (int)arch_ops->peek_tag(pte_pfn(pte),
				       (addr & ~PAGE_MASK) / PMM_MTE_GRANULE);
}

/* A look at the PTE and its page, with no yield: for final conditions. */
int pmm_page_state(struct pmm_process *p, unsigned long addr,
		   struct pmm_page_state *st)
{
	pte_t pte = peek_pte(p, addr & PAGE_MASK);
	struct folio *folio;

	if (!pte_present(pte))
		return -EFAULT;
	folio = pfn_folio(pte_pfn(pte));
	st->pfn = pte_pfn(pte);
	st->refcount = folio->_refcount.counter;
	st->mapcount = folio_test_large(folio) ? folio->_large_mapcount.counter + 1 :
		       folio->_mapcount.counter + 1;
	st->maybe_pinned = folio_test_large(folio) ? folio->_pincount.counter > 0 :
			   (unsigned int)st->refcount >= GUP_PIN_COUNTING_BIAS;
	st->writable = pte_write(pte);
	st->anon_exclusive = anon_exclusive_page(pfn_to_page(st->pfn))->flags &
			    (1UL << PG_anon_exclusive);
	return 0;
}
