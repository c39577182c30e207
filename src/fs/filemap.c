// SPDX-License-Identifier: LGPL-2.1-or-later
/* The page cache, file faults, buffered read and write (mm/filemap.c). */
#include <errno.h>
#include <string.h>

#include "fs/fs.h"
#include "mm/access.h"
#include "mm/arch.h"
#include "mm/memory.h"
#include "sched/rcu.h"

struct inode *inode_alloc(struct block_device *bdev, unsigned long first_block,
			  unsigned long max_bytes, int ino)
{
	struct inode *inode = pmm_alloc(sizeof(*inode));

	inode->i_max_pages = (max_bytes + PAGE_SIZE - 1) >> PAGE_SHIFT;
	inode->i_pages = pmm_alloc(inode->i_max_pages * sizeof(struct folio *));
	spin_lock_init(&inode->i_pages_lock);
	init_rwsem(&inode->i_rwsem);
	init_rwsem(&inode->invalidate_lock);
	pmm_obj_namef(&inode->invalidate_lock, "file%d invalidate_lock", ino);
	init_rwsem(&inode->i_mapping.i_mmap_rwsem);
	INIT_LIST_HEAD(&inode->i_mapping.i_mmap);
	inode->i_mapping.host = inode;
	inode->i_bdev = bdev;
	inode->i_first_block = first_block;
	inode->i_ino = ino;
	pmm_obj_name(&inode->i_pages_lock, "i_pages");
	pmm_obj_name(&inode->i_rwsem, "i_rwsem");
	return inode;
}

static struct folio **slot(struct address_space *mapping, unsigned long index)
{
	struct inode *inode = mapping_inode(mapping);

	return index < inode->i_max_pages ? &inode->i_pages[index] : NULL;
}

/*
 * filemap_get_entry(): the speculative lookup of the page cache's slot
 * (folio_slot_get()).
 */
struct folio *filemap_get_entry(struct address_space *mapping,
				unsigned long index)
{
	struct folio **s = slot(mapping, index);

	return s ? folio_slot_get(s) : NULL;
}

/* __filemap_add_folio(): the cache's reference is taken before insertion. */
int filemap_add_folio(struct address_space *mapping, struct folio *folio,
		      unsigned long index)
{
	struct inode *inode = mapping_inode(mapping);
	struct folio **s = slot(mapping, index);
	int err = 0;

	if (!s)
		return -EFBIG;
	__folio_set_locked(folio);
	folio_ref_add(folio, 1);
	folio->mapping = mapping;
	folio->index = index;
	spin_lock(&inode->i_pages_lock);
	if (READ_ONCE(*s))
		err = -EEXIST;
	else
		WRITE_ONCE(*s, folio);
	if (!err)
		inode->nrpages++;
	spin_unlock(&inode->i_pages_lock);
	if (err) {
		folio->mapping = NULL;
		__folio_clear_locked(folio);
		folio_put(folio);
	}
	return err;
}

/*
 * filemap_remove_folio(): locked folio out of the cache; its mapping goes
 * NULL (lookups that locked it notice), then the cache's reference goes.
 */
void filemap_remove_folio(struct folio *folio)
{
	__filemap_remove_folio(folio);
	folio_put(folio);
}

void __filemap_remove_folio(struct folio *folio)
{
	struct address_space *mapping = folio->mapping;
	struct inode *inode = mapping_inode(mapping);

	if (!folio_test_locked(folio))
		pmm_violation("bug-on", "removing unlocked frame %#lx from the cache",
			      folio_pfn(folio));
	if (folio_mapped(folio))
		pmm_violation("bug-on", "removing mapped frame %#lx from the cache",
			      folio_pfn(folio));
	spin_lock(&inode->i_pages_lock);
	WRITE_ONCE(*slot(mapping, folio->index), NULL);
	folio->mapping = NULL;
	inode->nrpages--;
	spin_unlock(&inode->i_pages_lock);
}

/* __filemap_get_folio(): a locked folio must still belong to @mapping. */
struct folio *__filemap_get_folio(struct address_space *mapping,
				  unsigned long index, unsigned int fgp)
{
	struct folio *folio;

	for (;;) {
		folio = filemap_get_entry(mapping, index);
		if (folio) {
			if (!(fgp & FGP_LOCK))
				return folio;
			folio_lock(folio);
			if (READ_ONCE(folio->mapping) == mapping)
				return folio;
			folio_unlock(folio);
			folio_put(folio);
			continue;
		}
		if (!(fgp & FGP_CREAT))
			return NULL;
		folio = folio_alloc(0, 0);
		if (!folio)
			return NULL;
		if (!filemap_add_folio(mapping, folio, index)) {
			if (!(fgp & FGP_LOCK))
				folio_unlock(folio);
			return folio;
		}
		folio_put(folio);
	}
}

static void read_end_io(struct bio *bio, int status)
{
	struct folio *folio = bio->bi_private;

	if (!status)
		folio_set_uptodate(folio);
	folio_unlock(folio);
}

/*
 * ->read_folio (mpage_read_folio): the folio is locked and not uptodate,
 * which is its pending-I/O state; make it accessible, then DMA into it.
 */
int filemap_read_folio(struct inode *inode, struct folio *folio)
{
	struct bio bio = {
		.bdev = inode->i_bdev,
		.block = inode->i_first_block + folio->index,
		.pfn = folio_pfn(folio),
		.bi_end_io = read_end_io,
		.bi_private = folio,
		.check_obj = &inode->i_mapping,
		.check_off = folio->index << PAGE_SHIFT,
	};

	return folio_submit_read(folio, &bio);
}

/*
 * filemap_update_page() / filemap_create_folio(): an uptodate folio with a
 * reference, reading it from disk first when needed; NULL past the end.
 */
static struct folio *__get_uptodate(struct inode *inode, unsigned long index,
				    int *err)
{
	struct address_space *mapping = &inode->i_mapping;
	struct folio *folio;

	*err = 0;
	for (;;) {
		folio = __filemap_get_folio(mapping, index, FGP_LOCK | FGP_CREAT);
		if (!folio) {
			*err = -ENOMEM;
			return NULL;
		}
		if (folio_test_uptodate(folio)) {
			folio_unlock(folio);
			return folio;
		}
		*err = filemap_read_folio(inode, folio);
		if (*err) {
			folio_put(folio);
			return NULL;
		}
		/* The read unlocked it; a truncate may have raced: look again. */
		if (folio_test_uptodate(folio))
			return folio;
		folio_put(folio);
	}
}

/*
 * filemap_create_folio() and filemap_update_page() hold the invalidate
 * lock shared while they create or read in a page, so that truncate
 * cannot free the blocks under the read and leave a stale page behind.
 */
struct folio *filemap_get_uptodate(struct inode *inode, unsigned long index,
				   int *err)
{
	struct folio *folio = filemap_get_entry(&inode->i_mapping, index);

	if (folio && folio_test_uptodate(folio))
		return folio;
	if (folio)
		folio_put(folio);
	filemap_invalidate_lock_shared(inode);
	folio = __get_uptodate(inode, index, err);
	filemap_invalidate_unlock_shared(inode);
	return folio;
}

/*
 * filemap_fault(): beyond i_size is SIGBUS; otherwise the uptodate folio,
 * locked, with a reference for the PTE.
 */
static vm_fault_t filemap_fault(struct vm_fault *vmf)
{
	struct inode *inode = mapping_inode(vmf->vma->vm_file);
	unsigned long size = (READ_ONCE(inode->i_size) + PAGE_SIZE - 1) >> PAGE_SHIFT;
	struct folio *folio;
	int err;

	if (vmf->pgoff >= size)
		return VM_FAULT_SIGBUS;
	folio = filemap_get_uptodate(inode, vmf->pgoff, &err);
	if (!folio)
		return err == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
	folio_lock(folio);
	if (READ_ONCE(folio->mapping) != &inode->i_mapping) {
		folio_unlock(folio);
		folio_put(folio);
		return VM_FAULT_NOPAGE;
	}
	size = (READ_ONCE(inode->i_size) + PAGE_SIZE - 1) >> PAGE_SHIFT;
	if (vmf->pgoff >= size) {
		folio_unlock(folio);
		folio_put(folio);
		return VM_FAULT_SIGBUS;
	}
	vmf->page = (struct page *)folio;
	return VM_FAULT_LOCKED;
}

/* filemap_page_mkwrite(): dirty it, and wait out writeback (stable pages). */
static vm_fault_t filemap_page_mkwrite(struct vm_fault *vmf)
{
	struct folio *folio = page_folio(vmf->page);
	struct inode *inode = mapping_inode(vmf->vma->vm_file);

	folio_lock(folio);
	if (READ_ONCE(folio->mapping) != &inode->i_mapping) {
		folio_unlock(folio);
		return VM_FAULT_NOPAGE;
	}
	folio_mark_dirty(folio);
	folio_wait_writeback(folio);
	return VM_FAULT_LOCKED;
}

const struct vm_operations_struct generic_file_vm_ops = {
	.name = "filemap",
	.fault = filemap_fault,
	.page_mkwrite = filemap_page_mkwrite,
};

/*
 * The kernel reads a page-cache page: what it finds must be the file's
 * bytes at the folio's place at that moment (its mapping is read in the
 * same step as the bytes, so a truncate cannot slip between).
 */
int kernel_read_folio(struct folio *folio, unsigned int off, void *buf,
		      unsigned int n, int cpu)
{
	struct phys_access a = { .who = ACCESS_KERNEL, .cpu = cpu,
				 .pfn = folio_pfn(folio), .offset = off,
				 .len = n, .buf = buf };
	const struct pmm_loc *loc = PMM_HERE;

	sched_point_at(frame_obj(a.pfn), PMM_ACC_READ, loc);
	a.check_obj = folio->mapping;
	a.check_off = (folio->index << PAGE_SHIFT) + off;
	return __phys_access(&a, loc);
}

/* copy_folio_to_iter(): the kernel reads the page, then writes the user. */
static int copy_to_user_from_folio(struct mm_struct *mm, int cpu,
				   unsigned long ubuf, struct folio *folio,
				   unsigned int off, unsigned int n)
{
	unsigned char buf[PAGE_SIZE];
	int err = kernel_read_folio(folio, off, buf, n, cpu);

	if (err)
		return err;
	return access_user(mm, cpu, ubuf, buf, n, true, ACCESS_KERNEL);
}

/*
 * How many of @left bytes at @pos a read takes from the page holding @pos:
 * no further than that page or the end of the file; 0 at or past the end.
 */
size_t filemap_read_chunk(struct inode *inode, loff_t pos, size_t left)
{
	long isize = READ_ONCE(inode->i_size);
	size_t n = PAGE_SIZE - (size_t)(pos & ~PAGE_MASK);

	if (pos >= isize)
		return 0;
	if (n > left)
		n = left;
	if ((long)n > isize - pos)
		n = (size_t)(isize - pos);
	return n;
}

/*
 * filemap_get_pages() for one page of a read: the uptodate folio holding
 * @pos, with a reference, and *@n asked again once it is uptodate, since
 * a truncate that ran meanwhile shortens it (filemap_read() and
 * filemap_splice_read() re-read i_size after filemap_get_pages()). NULL,
 * with *@err set or not, when the read ends here: an error, or @pos now
 * past the end.
 */
static struct folio *filemap_read_get_folio(struct inode *inode, loff_t pos,
					    size_t *n, int *err)
{
	struct folio *folio = filemap_get_uptodate(inode,
						   (unsigned long)pos >> PAGE_SHIFT,
						   err);

	if (!folio)
		return NULL;
	*n = filemap_read_chunk(inode, pos, *n);
	if (!*n) {
		folio_put(folio);
		return NULL;
	}
	return folio;
}

ssize_t filemap_read_folios(struct inode *inode, loff_t pos, size_t len,
			    int (*actor)(struct folio *folio, unsigned int off,
					 unsigned int n, size_t done, void *arg),
			    void *arg)
{
	size_t done = 0, n;
	int err = 0;

	while ((n = filemap_read_chunk(inode, pos, len - done))) {
		struct folio *folio = filemap_read_get_folio(inode, pos, &n, &err);

		if (!folio)
			break;
		err = actor(folio, (unsigned int)(pos & ~PAGE_MASK),
			    (unsigned int)n, done, arg);
		folio_put(folio);
		if (err)
			break;
		done += n;
		pos += (loff_t)n;
	}
	return done ? (ssize_t)done : err;
}

struct user_read {
	struct mm_struct *mm;
	int cpu;
	unsigned long ubuf;
};

static int copy_to_user_actor(struct folio *folio, unsigned int off,
			      unsigned int n, size_t done, void *arg)
{
	const struct user_read *u = arg;

	return copy_to_user_from_folio(u->mm, u->cpu, u->ubuf + done, folio,
				       off, n);
}

ssize_t filemap_read(struct inode *inode, struct mm_struct *mm, int cpu,
		     loff_t pos, unsigned long ubuf, size_t len)
{
	struct user_read u = { mm, cpu, ubuf };
	ssize_t ret;

	down_read(&inode->i_rwsem);
	ret = filemap_read_folios(inode, pos, len, copy_to_user_actor, &u);
	up_read(&inode->i_rwsem);
	return ret;
}

/* Where written bytes come from: user memory or a kernel buffer. */
struct write_src {
	struct mm_struct *mm;
	unsigned long ubuf;
	const unsigned char *kbuf;
};

static int copy_in(const struct write_src *src, int cpu, size_t at,
		   unsigned char *buf, size_t n)
{
	if (src->kbuf) {
		memcpy(buf, src->kbuf + at, n);
		return 0;
	}
	return access_user(src->mm, cpu, src->ubuf + at, buf, n, false,
			   ACCESS_KERNEL);
}

struct folio *filemap_write_begin(struct inode *inode, loff_t pos, size_t n,
				  int *err)
{
	struct folio *folio;

	for (;;) {
		folio = __filemap_get_folio(&inode->i_mapping,
					    (unsigned long)pos >> PAGE_SHIFT,
					    FGP_LOCK | FGP_CREAT);
		if (!folio) {
			*err = -EFBIG;
			return NULL;
		}
		if (folio_test_uptodate(folio) || n == PAGE_SIZE)
			break;
		*err = filemap_read_folio(inode, folio);
		if (*err) {
			folio_put(folio);
			return NULL;
		}
		folio_lock(folio);
		if (READ_ONCE(folio->mapping) == &inode->i_mapping)
			break;
		folio_unlock(folio);
		folio_put(folio);
	}
	/* folio_wait_stable(): no writing into a page under writeback. */
	folio_wait_writeback(folio);
	return folio;
}

/*
 * generic_perform_write(): copy the source in, write_begin, copy into the
 * folio, write_end marks it uptodate and dirty and moves i_size.
 */
static ssize_t perform_write(struct inode *inode, int cpu, loff_t pos,
			     const struct write_src *src, size_t len)
{
	size_t done = 0;
	int err = 0;

	while (done < len) {
		unsigned int off = (unsigned int)(pos & ~PAGE_MASK);
		size_t n = PAGE_SIZE - off;
		unsigned char buf[PAGE_SIZE];
		struct phys_access a = { .who = ACCESS_KERNEL, .cpu = cpu,
					 .write = true, .offset = off, .buf = buf };
		struct folio *folio;

		if (n > len - done)
			n = len - done;
		err = copy_in(src, cpu, done, buf, n);
		if (err)
			break;
		folio = filemap_write_begin(inode, pos, n, &err);
		if (!folio)
			break;
		a.pfn = folio_pfn(folio);
		a.len = (unsigned int)n;
		a.record_obj = &inode->i_mapping;
		a.record_off = (unsigned long)pos;
		err = phys_access(&a);
		if (!err) {
			folio_set_uptodate(folio);
			folio_mark_dirty(folio);
			if (pos + (loff_t)n > READ_ONCE(inode->i_size))
				WRITE_ONCE(inode->i_size, pos + (loff_t)n);
		}
		folio_unlock(folio);
		folio_put(folio);
		if (err)
			break;
		done += n;
		pos += (loff_t)n;
	}
	return done ? (ssize_t)done : err;
}

ssize_t generic_perform_write(struct inode *inode, struct mm_struct *mm,
			      int cpu, loff_t pos, unsigned long ubuf,
			      size_t len)
{
	struct write_src src = { .mm = mm, .ubuf = ubuf };
	ssize_t ret;

	down_write(&inode->i_rwsem);
	ret = perform_write(inode, cpu, pos, &src, len);
	up_write(&inode->i_rwsem);
	return ret;
}

int kernel_write_at(struct inode *inode, loff_t pos, const void *buf,
		    size_t len)
{
	struct write_src src = { .kbuf = buf };
	ssize_t ret;

	down_write(&inode->i_rwsem);
	ret = perform_write(inode, pmm_task_cpu(), pos, &src, len);
	up_write(&inode->i_rwsem);
	if (ret < 0)
		return (int)ret;
	return (size_t)ret == len ? 0 : -EIO;
}
