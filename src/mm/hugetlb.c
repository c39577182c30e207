// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <string.h>

#include "mem/phys.h"
#include "mm/hugetlb.h"
#include "mm/mmap.h"
#include "mm/pgalloc.h"
#include "mm/rmap.h"
#include "mm/tlb.h"

/* The machine's hugetlbfs inodes, for teardown. */
static struct list_head *inodes;

int hugetlbfs_init(void)
{
	inodes = pmm_alloc(sizeof(*inodes));
	if (!inodes)
		return -ENOMEM;
	INIT_LIST_HEAD(inodes);
	return 0;
}

static unsigned int leaf_level(unsigned long sz)
{
	return sz == HPAGE_PUD_SIZE ? 1 : 2;
}

/* The table holding @addr's leaf of size @sz, or 0 when a level is empty. */
static unsigned long leaf_table(struct mm_struct *mm, unsigned long addr,
				unsigned long sz)
{
	return pgtable_level_table(mm, addr, (int)leaf_level(sz), false);
}

pte_t *huge_pte_offset(struct mm_struct *mm, unsigned long addr,
		       unsigned long sz)
{
	unsigned long t = leaf_table(mm, addr, sz);

	return t ? pgtable_level_entry(t, addr, (int)leaf_level(sz)) : NULL;
}

/* huge_pte_alloc(): populate the levels above the leaf (pud_alloc, pmd_alloc). */
static pte_t *huge_pte_alloc(struct mm_struct *mm, unsigned long addr,
			     unsigned long sz)
{
	int leaf = (int)leaf_level(sz);
	unsigned long t = pgtable_level_table(mm, addr, leaf, true), lsz;
	pte_t *above;

	if (t)
		return pgtable_level_entry(t, addr, leaf);
	above = pgtable_leaf_offset(mm, addr, &lsz);
	/* A huge leaf above the size asked: no mixing of sizes. */
	if (above && lsz > sz)
		pmm_violation("bug-on", "hugetlb: leaf above size %#lx at %#lx",
			      sz, addr);
	return NULL;
}

spinlock_t *huge_pte_lockptr(struct mm_struct *mm, unsigned long addr,
			     unsigned long sz)
{
	unsigned long t = sz == HPAGE_PMD_SIZE ? leaf_table(mm, addr, sz) : 0;

	/* pmd_lockptr(): the PMD table's own page carries the split lock. */
	return t ? &pfn_to_page(t)->ptl : &mm->page_table_lock;
}

pte_t huge_ptep_get_at(pte_t *ptep, const struct pmm_loc *loc)
{
	return ptep_get_at(ptep, loc);
}

static pte_t make_huge_pte(struct vm_area_struct *vma, struct folio *folio,
			   bool writable)
{
	/* PAT is bit 12 in a leaf; the model keeps huge leaves write-back. */
	uint64_t prot = pgprot_val(vma->vm_page_prot) & ~(_PAGE_PAT | _PAGE_RW);
	pte_t pte = __pte(((uint64_t)folio_pfn(folio) << PAGE_SHIFT) | prot |
			  _PAGE_PSE | _PAGE_ACCESSED);

	return writable ? pte_mkdirty(pte_mkwrite(pte)) : pte;
}

static struct hugetlbfs_inode *vma_inode(struct vm_area_struct *vma)
{
	return vma->vm_file->host;
}

/* vma_hugecache_offset(): the file's huge page index for @addr. */
static unsigned long vma_hugecache_offset(struct vm_area_struct *vma,
					  unsigned long addr)
{
	struct hstate *h = hstate_vma(vma);

	return ((addr - vma->vm_start) >> (h->order + PAGE_SHIFT)) +
	       (vma->vm_pgoff >> h->order);
}

/* The private owner's map (vma_resv_map() with HPAGE_RESV_OWNER), or NULL. */
static struct resv_map *owner_resv(struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_MAYSHARE)
		return NULL;
	return vma->vm_private_data;
}

static int resv_map_init(struct resv_map *map, unsigned long nr)
{
	map->nr = nr;
	map->state = pmm_alloc(nr ? nr : 1);
	return map->state ? 0 : -ENOMEM;
}

static void resv_set(struct resv_map *map, unsigned long idx,
		     enum resv_state s)
{
	if (idx < map->nr)
		map->state[idx] = (unsigned char)s;
}

static bool resv_reserved(const struct resv_map *map, unsigned long idx)
{
	return map && idx < map->nr && map->state[idx] == RESV_RESERVED;
}

/*
 * region_del() + hugetlb_acct_memory(): the reservations in [from, to)
 * not consumed are given back.
 */
static void resv_release(struct hstate *h, struct resv_map *map,
			 unsigned long from, unsigned long to)
{
	long n = 0;

	for (; from < to && from < map->nr; from++) {
		if (map->state[from] == RESV_RESERVED)
			n++;
		map->state[from] = RESV_NONE;
	}
	if (n)
		hugetlb_acct_memory(h, -n);
}

struct hugetlbfs_inode *hugetlbfs_create(struct hstate *h, unsigned long size,
					 unsigned long max_bytes)
{
	struct hugetlbfs_inode *inode;

	if (!h || (size | max_bytes) & (huge_page_size(h) - 1) || size > max_bytes)
		return NULL;
	inode = pmm_alloc(sizeof(*inode));
	if (!inode)
		return NULL;
	inode->mapping.host = inode;
	init_rwsem(&inode->mapping.i_mmap_rwsem);
	INIT_LIST_HEAD(&inode->mapping.i_mmap);
	inode->h = h;
	mutex_init(&inode->fault_mutex);
	inode->size = size;
	inode->max_idx = max_bytes / huge_page_size(h);
	inode->cache = pmm_alloc((inode->max_idx ? inode->max_idx : 1) *
				 sizeof(*inode->cache));
	if (!inode->cache || resv_map_init(&inode->resv, inode->max_idx))
		return NULL;
	list_add_tail(&inode->list, inodes);
	return inode;
}

/*
 * remove_inode_hugepages(): drop the page cache's folios in [from, to),
 * unmapped already, and the reservations there.
 */
static void remove_inode_hugepages(struct hugetlbfs_inode *inode,
				   unsigned long from, unsigned long to)
{
	unsigned long idx, i;

	for (idx = from; idx < to && idx < inode->max_idx; idx++) {
		struct folio *folio = inode->cache[idx];

		if (!folio)
			continue;
		folio_lock(folio);
		inode->cache[idx] = NULL;
		folio->mapping = NULL;
		folio_unlock(folio);
		/*
		 * The range reads as zeros again: said of the frames written
		 * since the fault zeroed them, the others being zeros already.
		 */
		for (i = 0; i < folio_nr_pages(folio); i++)
			if (pfn_to_page(folio_pfn(folio) + i)->data)
				phys_logical_zero(&inode->mapping,
						  ((idx << inode->h->order) + i) << PAGE_SHIFT,
						  PAGE_SIZE);
		folio_put(folio);
	}
	resv_release(inode->h, &inode->resv, from, to);
}

/* hugetlb_vmdelete_list(): every mapping of [from, to), COW copies too. */
static void vmdelete_list(struct hugetlbfs_inode *inode, unsigned long from,
			  unsigned long to)
{
	struct vm_area_struct *vma;
	unsigned int shift = inode->h->order + PAGE_SHIFT;

	down_read(&inode->mapping.i_mmap_rwsem);
	list_for_each_entry(vma, &inode->mapping.i_mmap, file_list) {
		unsigned long v_from = vma->vm_pgoff >> inode->h->order;
		unsigned long v_to = v_from + ((vma->vm_end - vma->vm_start) >> shift);
		unsigned long s = from > v_from ? from : v_from;
		unsigned long e = to < v_to ? to : v_to;

		if (s >= e)
			continue;
		unmap_hugepage_range(vma, vma->vm_start + ((s - v_from) << shift),
				     vma->vm_start + ((e - v_from) << shift));
	}
	up_read(&inode->mapping.i_mmap_rwsem);
}

static void truncate_range(struct hugetlbfs_inode *inode, unsigned long from,
			   unsigned long to)
{
	mutex_lock(&inode->fault_mutex);
	vmdelete_list(inode, from, to);
	remove_inode_hugepages(inode, from, to);
	mutex_unlock(&inode->fault_mutex);
}

int hugetlbfs_truncate(struct hugetlbfs_inode *inode, unsigned long size)
{
	unsigned long hsz = huge_page_size(inode->h);

	if (size & (hsz - 1) || size > inode->size)
		return -EINVAL;
	inode->size = size;
	truncate_range(inode, size / hsz, inode->max_idx);
	return 0;
}

int hugetlbfs_punch_hole(struct hugetlbfs_inode *inode, unsigned long off,
			 unsigned long len)
{
	unsigned long hsz = huge_page_size(inode->h);
	unsigned long from = (off + hsz - 1) / hsz, to = (off + len) / hsz;

	if (from < to)
		truncate_range(inode, from, to);
	return 0;
}

static void evict_inode(struct hugetlbfs_inode *inode)
{
	truncate_range(inode, 0, inode->max_idx);
	list_del(&inode->list);
}

void hugetlbfs_release_all(void)
{
	while (inodes && !list_empty(inodes))
		evict_inode(list_first_entry(inodes, struct hugetlbfs_inode, list));
}

/* hugetlb_vm_op_open(): one more VMA on the file (split, fork). */
static void hugetlb_vm_op_open(struct vm_area_struct *vma)
{
	vma_inode(vma)->nr_vmas++;
}

/*
 * hugetlb_vm_op_close(): the owner's unconsumed reservations go back;
 * MAP_HUGETLB's internal file goes with its last VMA.
 */
static void hugetlb_vm_op_close(struct vm_area_struct *vma)
{
	struct hugetlbfs_inode *inode = vma_inode(vma);
	struct resv_map *map = owner_resv(vma);
	unsigned long from = vma_hugecache_offset(vma, vma->vm_start);

	if (map)
		resv_release(inode->h, map, from,
			     vma_hugecache_offset(vma, vma->vm_end));
	if (!--inode->nr_vmas && inode->anonymous)
		evict_inode(inode);
}

static const struct vm_operations_struct hugetlb_vm_ops = {
	.name = "hugetlb",
	.open = hugetlb_vm_op_open,
	.close = hugetlb_vm_op_close,
};

/*
 * hugetlb_reserve_pages(): shared, the indexes the inode neither reserved
 * nor holds a page for (region_chg()); private, the whole range, in a
 * map of the owner's own. Returns 0 or -ENOMEM.
 */
static int hugetlb_reserve_pages(struct hugetlbfs_inode *inode,
				 unsigned long from, unsigned long to,
				 struct resv_map *priv)
{
	long chg = 0;
	unsigned long i;
	int err;

	for (i = from; i < to; i++)
		if (priv || inode->resv.state[i] == RESV_NONE)
			chg++;
	err = hugetlb_acct_memory(inode->h, chg);
	if (err)
		return err;
	for (i = from; i < to; i++) {
		if (priv)
			resv_set(priv, i, RESV_RESERVED);
		else if (inode->resv.state[i] == RESV_NONE)
			inode->resv.state[i] = RESV_RESERVED;
	}
	return 0;
}

int hugetlb_mmap(struct mm_struct *mm, unsigned long addr, unsigned long len,
		 unsigned int prot, unsigned int flags, struct hstate *h,
		 struct hugetlbfs_inode *inode, unsigned long pgoff)
{
	unsigned long hsz = huge_page_size(h), from, to;
	struct mmap_source src = { 0 };
	struct resv_map *priv = NULL;
	unsigned char *before;
	unsigned long i;
	int err;

	if (!len || (addr | len | (pgoff << PAGE_SHIFT)) & (hsz - 1))
		return -EINVAL;
	if (!inode) {
		/* hugetlb_file_setup(): MAP_HUGETLB's file, as long as the mapping. */
		inode = hugetlbfs_create(h, len, len);
		if (!inode)
			return -ENOMEM;
		inode->anonymous = true;
		pgoff = 0;
	} else if (inode->h != h) {
		return -EINVAL;
	}
	from = pgoff >> h->order;
	to = from + len / hsz;
	if (to > inode->max_idx)
		return -EINVAL;
	if (!(flags & MAP_SHARED)) {
		priv = pmm_alloc(sizeof(*priv));
		if (!priv || resv_map_init(priv, inode->max_idx))
			return -ENOMEM;
	}
	/* Undone on failure: the shared indexes this mmap reserved. */
	before = pmm_alloc(to - from);
	if (!before) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(before, inode->resv.state + from, to - from);
	err = hugetlb_reserve_pages(inode, from, to, priv);
	if (err)
		goto out;
	src.mapping = &inode->mapping;
	src.vm_ops = &hugetlb_vm_ops;
	src.pgoff = pgoff;
	src.private_data = priv;
	src.extra_flags = VM_HUGETLB | VM_DONTEXPAND;
	src.may_write = true;
	err = do_mmap(mm, addr, len, prot, flags, &src);
	if (err && priv)
		resv_release(h, priv, from, to);
	for (i = from; err && !priv && i < to; i++)
		if (before[i - from] == RESV_NONE)
			resv_release(h, &inode->resv, i, i + 1);
out:
	if (err && inode->anonymous && !inode->nr_vmas)
		evict_inode(inode);
	return err;
}

/* folio_zero_user() of a fresh huge folio: pool folios keep old bytes. */
static void zero_huge_folio(struct folio *folio)
{
	unsigned long i;

	for (i = 0; i < folio_nr_pages(folio); i++)
		frame_clear(folio_pfn(folio) + i);
}

/* copy_user_large_folio(): frame by frame; frames never written stay empty. */
static void copy_huge_folio(struct folio *dst, struct folio *src)
{
	unsigned char buf[PAGE_SIZE];
	unsigned long i;

	for (i = 0; i < folio_nr_pages(src); i++) {
		unsigned long s = folio_pfn(src) + i, d = folio_pfn(dst) + i;

		frame_clear(d);
		if (!pfn_to_page(s)->data)
			continue;
		frame_peek(s, 0, buf, PAGE_SIZE);
		frame_poke(d, 0, buf, PAGE_SIZE);
	}
}

/* hugetlb_add_new_anon_rmap(): an exclusive anonymous folio. */
static void add_new_anon_rmap(struct folio *folio, struct vm_area_struct *vma,
			      unsigned long haddr)
{
	folio->mapping = (void *)((unsigned long)vma->anon_vma | PAGE_MAPPING_ANON);
	folio->index = linear_page_index(vma, haddr);
	folio->private &= ~HPG_restore_reserve;
	atomic_set(&folio->_large_mapcount, 0);
	SetPageAnonExclusive((struct page *)folio);
}

static void add_rmap(struct folio *folio)
{
	atomic_inc(&folio->_large_mapcount);
}

static void remove_rmap(struct folio *folio)
{
	if (atomic_dec_return(&folio->_large_mapcount) < -1)
		pmm_violation("bug-on", "hugetlb: mapcount of frame %#lx below zero",
			      folio_pfn(folio));
}

/*
 * alloc_hugetlb_folio(): a reserved folio when this index has a
 * reservation for this VMA (vma_needs_reservation() answering no), else
 * an unreserved free one; NULL: SIGBUS.
 */
static struct folio *alloc_hugetlb_folio(struct vm_area_struct *vma,
					 unsigned long addr, bool cow)
{
	struct hugetlbfs_inode *inode = vma_inode(vma);
	unsigned long idx = vma_hugecache_offset(vma, addr);
	struct resv_map *map = (vma->vm_flags & VM_MAYSHARE) ? &inode->resv :
			       owner_resv(vma);
	/* A COW of a shared mapping's page would find the index reserved. */
	bool use = !(cow && (vma->vm_flags & VM_MAYSHARE)) && resv_reserved(map, idx);
	struct folio *folio = dequeue_hugetlb_folio(inode->h, use);

	if (folio && use)
		resv_set(map, idx, RESV_CONSUMED);
	return folio;
}

static void set_huge_pte(struct vm_area_struct *vma, unsigned long haddr,
			 pte_t *ptep, pte_t pte)
{
	set_pte_at(vma->vm_mm, haddr, ptep, pte);
}

static void flush_huge(struct vm_area_struct *vma, unsigned long haddr,
		       unsigned long sz)
{
	flush_tlb_range(vma, haddr, haddr + sz);
}

/*
 * hugetlb_wp(): a write (or unshare) fault on a present read-only leaf,
 * its lock held; drops it. Reuse when the folio is anonymous and mapped
 * once; else copy into a new folio.
 */
static vm_fault_t hugetlb_wp(struct vm_area_struct *vma, unsigned long haddr,
			     pte_t *ptep, spinlock_t *ptl, pte_t orig,
			     bool unshare)
{
	unsigned long sz = huge_page_size(hstate_vma(vma));
	struct folio *old = page_folio(pte_page(orig)), *new;
	unsigned long i;
	pte_t pte;

	if (vma->vm_flags & VM_MAYSHARE) {
		/* A shared mapping's page is the file's: write it in place. */
		if (!unshare)
			set_huge_pte(vma, haddr, ptep, pte_mkdirty(pte_mkwrite(orig)));
		spin_unlock(ptl);
		return 0;
	}
	if (folio_mapcount(old) == 1 && folio_test_anon(old)) {
		SetPageAnonExclusive((struct page *)old);
		if (!unshare)
			set_huge_pte(vma, haddr, ptep, pte_mkdirty(pte_mkwrite(orig)));
		spin_unlock(ptl);
		return 0;
	}
	folio_get(old);
	spin_unlock(ptl);
	new = alloc_hugetlb_folio(vma, haddr, true);
	if (!new) {
		/* unmap_ref_private() for the owner is not supported. */
		folio_put(old);
		return VM_FAULT_SIGBUS;
	}
	copy_huge_folio(new, old);
	spin_lock(ptl);
	pte = huge_ptep_get(ptep);
	if (!pte_same(pte, orig)) {
		spin_unlock(ptl);
		folio_put(new);
		folio_put(old);
		return 0;
	}
	add_new_anon_rmap(new, vma, haddr);
	ptep_get_and_clear(vma->vm_mm, haddr, ptep);
	flush_huge(vma, haddr, sz);
	set_huge_pte(vma, haddr, ptep, make_huge_pte(vma, new, !unshare));
	if (!folio_test_anon(old))
		for (i = 0; i < folio_nr_pages(new); i++)
			mm_notify_private_copy(vma->vm_mm, haddr + (i << PAGE_SHIFT),
					       folio_pfn(new) + i);
	remove_rmap(old);
	spin_unlock(ptl);
	folio_put(old);		/* the mapping's */
	folio_put(old);		/* ours */
	return 0;
}

/* hugetlb_add_to_page_cache() of a fresh folio, which it zeroes first. */
static void hugetlb_add_to_page_cache(struct hugetlbfs_inode *inode,
				      struct folio *folio, unsigned long idx)
{
	zero_huge_folio(folio);
	folio->mapping = &inode->mapping;
	/* The page cache indexes hugetlb folios in base pages (a08c7193e4f1, 6.7). */
	folio->index = idx << inode->h->order;
	folio->private &= ~HPG_restore_reserve;
	resv_set(&inode->resv, idx, RESV_CONSUMED);
	inode->cache[idx] = folio;	/* the cache's reference */
}

/* filemap_lock_hugetlb_folio() + hugetlb_add_to_page_cache(). */
static struct folio *hugetlb_pagecache(struct hugetlbfs_inode *inode,
				       struct vm_area_struct *vma,
				       unsigned long haddr, unsigned long idx,
				       vm_fault_t *ret)
{
	struct folio *folio = inode->cache[idx];

	*ret = 0;
	if (folio)
		return folio;
	folio = alloc_hugetlb_folio(vma, haddr, false);
	if (!folio) {
		*ret = VM_FAULT_SIGBUS;
		return NULL;
	}
	hugetlb_add_to_page_cache(inode, folio, idx);
	return folio;
}

/*
 * hugetlbfs_fallocate() without FALLOC_FL_PUNCH_HOLE: every missing huge
 * page of the range goes into the page cache, taking the index's
 * reservation when it has one, else a free unreserved page (-ENOSPC when
 * there is none; the pages added so far stay, as in the kernel). The size
 * grows to off + len unless @keep_size. Simplified: no pseudo-VMA, no
 * memory policy.
 */
int hugetlbfs_fallocate(struct hugetlbfs_inode *inode, bool keep_size,
			unsigned long off, unsigned long len)
{
	unsigned long hsz = huge_page_size(inode->h);
	unsigned long from = off / hsz, to, idx;
	struct folio *folio;

	if (!len || off + len < off)
		return -EINVAL;
	to = (off + len + hsz - 1) / hsz;
	if (to > inode->max_idx)
		return -EFBIG;
	for (idx = from; idx < to; idx++) {
		mutex_lock(&inode->fault_mutex);
		folio = inode->cache[idx];
		if (!folio) {
			folio = dequeue_hugetlb_folio(inode->h,
					inode->resv.state[idx] == RESV_RESERVED);
			if (folio)
				hugetlb_add_to_page_cache(inode, folio, idx);
		}
		mutex_unlock(&inode->fault_mutex);
		if (!folio)
			return -ENOSPC;
	}
	if (!keep_size && off + len > inode->size)
		inode->size = off + len;
	return 0;
}

/*
 * hugetlb_no_page(): shared mappings map the page cache's folio (added
 * there first); private ones map it read-only when the file has one,
 * else a fresh anonymous folio. The fault mutex is held.
 */
static vm_fault_t hugetlb_no_page(struct vm_area_struct *vma,
				  unsigned long haddr, pte_t *ptep,
				  spinlock_t *ptl, unsigned int flags)
{
	struct hugetlbfs_inode *inode = vma_inode(vma);
	unsigned long idx = vma_hugecache_offset(vma, haddr);
	bool write = flags & FAULT_FLAG_WRITE, anon = false;
	struct folio *folio;
	vm_fault_t ret = 0;

	if (idx >= inode->size / huge_page_size(inode->h))
		return VM_FAULT_SIGBUS;
	if ((vma->vm_flags & VM_MAYSHARE) || inode->cache[idx]) {
		folio = hugetlb_pagecache(inode, vma, haddr, idx, &ret);
		if (!folio)
			return ret;
		folio_get(folio);
	} else {
		folio = alloc_hugetlb_folio(vma, haddr, false);
		if (!folio)
			return VM_FAULT_SIGBUS;
		zero_huge_folio(folio);
		anon = true;
	}
	spin_lock(ptl);
	if (!pte_none(huge_ptep_get(ptep))) {
		spin_unlock(ptl);
		folio_put(folio);
		return 0;
	}
	if (anon)
		add_new_anon_rmap(folio, vma, haddr);
	else
		add_rmap(folio);
	set_huge_pte(vma, haddr, ptep, make_huge_pte(vma, folio,
		     ((vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_WRITE)) ||
		     (anon && write)));
	if (write && !(vma->vm_flags & VM_MAYSHARE) && !anon)
		return hugetlb_wp(vma, haddr, ptep, ptl, huge_ptep_get(ptep), false);
	spin_unlock(ptl);
	return 0;
}

vm_fault_t hugetlb_fault(struct vm_area_struct *vma, unsigned long address,
			 unsigned int flags)
{
	struct hstate *h = hstate_vma(vma);
	unsigned long sz = huge_page_size(h), haddr = address & ~(sz - 1);
	struct hugetlbfs_inode *inode = vma_inode(vma);
	pte_t *ptep = huge_pte_alloc(vma->vm_mm, haddr, sz);
	spinlock_t *ptl;
	vm_fault_t ret;
	pte_t pte;

	if (!ptep)
		return VM_FAULT_OOM;
	ptl = huge_pte_lockptr(vma->vm_mm, haddr, sz);
	mutex_lock(&inode->fault_mutex);
	pte = huge_ptep_get(ptep);
	if (pte_none(pte)) {
		ret = hugetlb_no_page(vma, haddr, ptep, ptl, flags);
		mutex_unlock(&inode->fault_mutex);
		return ret;
	}
	spin_lock(ptl);
	if (!pte_same(pte, huge_ptep_get(ptep))) {
		spin_unlock(ptl);
		mutex_unlock(&inode->fault_mutex);
		return 0;
	}
	if ((flags & (FAULT_FLAG_WRITE | FAULT_FLAG_UNSHARE)) && !pte_write(pte) &&
	    ((flags & FAULT_FLAG_WRITE) ||
	     !PageAnonExclusive(pte_page(pte)))) {
		ret = hugetlb_wp(vma, haddr, ptep, ptl, pte,
				 !(flags & FAULT_FLAG_WRITE));
		mutex_unlock(&inode->fault_mutex);
		return ret;
	}
	pte = pte_mkyoung(pte);
	if (flags & FAULT_FLAG_WRITE)
		pte = pte_mkdirty(pte);
	ptep_set_access_flags(vma, haddr, ptep, pte);
	spin_unlock(ptl);
	mutex_unlock(&inode->fault_mutex);
	return 0;
}

/*
 * __unmap_hugepage_range(): clear each leaf under its lock, flush, then
 * drop the mappings' references (the mmu_gather's order).
 */
void unmap_hugepage_range(struct vm_area_struct *vma, unsigned long start,
			  unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long sz = huge_page_size(hstate_vma(vma)), addr, i;

	for (addr = start; addr < end; addr += sz) {
		pte_t *ptep = huge_pte_offset(mm, addr, sz);
		spinlock_t *ptl;
		struct folio *folio;
		pte_t pte;

		if (!ptep)
			continue;
		ptl = huge_pte_lockptr(mm, addr, sz);
		spin_lock(ptl);
		pte = ptep_get_and_clear(mm, addr, ptep);
		if (!pte_present(pte)) {
			spin_unlock(ptl);
			continue;
		}
		folio = page_folio(pte_page(pte));
		if (vma->vm_file && folio_test_anon(folio))
			mm_notify_unmapped(mm, addr, addr + sz);
		for (i = 0; i < folio_nr_pages(folio); i++)
			mm_notify_zapped(mm, addr + (i << PAGE_SHIFT),
					 folio_page(folio, i));
		remove_rmap(folio);
		spin_unlock(ptl);
		flush_huge(vma, addr, sz);
		folio_put(folio);
	}
}

/* The data oracle's note, page by page, of what the child now holds. */
static void forked_pages(struct vm_area_struct *src, struct vm_area_struct *dst,
			 unsigned long addr, unsigned long sz)
{
	unsigned long off;

	for (off = 0; off < sz; off += PAGE_SIZE)
		mm_notify_forked_page(src->vm_mm, dst->vm_mm, addr + off, false);
}

/*
 * copy_hugetlb_page_range(): shared entries are copied as they are; COW
 * ones are write-protected in both, except that an exclusive anonymous
 * folio that may be pinned is copied for the child at once
 * (hugetlb_try_dup_anon_rmap() failing).
 */
int copy_hugetlb_page_range(struct vm_area_struct *dst,
			    struct vm_area_struct *src)
{
	unsigned long sz = huge_page_size(hstate_vma(src)), addr;
	bool cow = is_cow_mapping(src->vm_flags);
	int err = 0;

	/* GUP-fast pins back off while the seqcount is odd, as for PTEs. */
	if (cow)
		WRITE_ONCE(src->vm_mm->write_protect_seq,
			   src->vm_mm->write_protect_seq + 1);
	for (addr = src->vm_start; !err && addr < src->vm_end; addr += sz) {
		pte_t *sp = huge_pte_offset(src->vm_mm, addr, sz), *dp;
		spinlock_t *sptl;
		struct folio *folio, *new;
		pte_t pte;

		if (!sp || pte_none(huge_ptep_get(sp)))
			continue;
		dp = huge_pte_alloc(dst->vm_mm, addr, sz);
		if (!dp) {
			err = -ENOMEM;
			break;
		}
		sptl = huge_pte_lockptr(src->vm_mm, addr, sz);
		spin_lock(sptl);
		pte = huge_ptep_get(sp);
		folio = page_folio(pte_page(pte));
		if (cow && folio_test_anon(folio) &&
		    PageAnonExclusive((struct page *)folio) &&
		    folio_maybe_dma_pinned(folio)) {
			spin_unlock(sptl);
			new = alloc_hugetlb_folio(dst, addr, true);
			if (!new) {
				err = -ENOMEM;
				break;
			}
			copy_huge_folio(new, folio);
			add_new_anon_rmap(new, dst, addr);
			set_huge_pte(dst, addr, dp, make_huge_pte(dst, new, pte_write(pte)));
			forked_pages(src, dst, addr, sz);
			continue;
		}
		folio_get(folio);
		add_rmap(folio);
		if (cow) {
			if (folio_test_anon(folio))
				ClearPageAnonExclusive((struct page *)folio);
			ptep_set_wrprotect(src->vm_mm, addr, sp);
			pte = pte_wrprotect(pte);
		}
		set_huge_pte(dst, addr, dp, pte);
		forked_pages(src, dst, addr, sz);
		spin_unlock(sptl);
	}
	if (cow)
		WRITE_ONCE(src->vm_mm->write_protect_seq,
			   src->vm_mm->write_protect_seq + 1);
	return err;
}

void hugetlb_dup_vma_private(struct vm_area_struct *vma)
{
	if (!(vma->vm_flags & VM_MAYSHARE))
		vma->vm_private_data = NULL;
}
