// SPDX-License-Identifier: LGPL-2.1-or-later
/* File sealing of memfds (mm/memfd.c). */
#include <errno.h>

#include "fs/shmem.h"

/* F_ALL_SEALS, less F_SEAL_EXEC (exec bits are not modelled). */
#define F_MODEL_SEALS	(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | \
			 F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)
/* LAST_SCAN: memfd_wait_for_pins() looks this many more times. */
#define LAST_SCAN	4

/*
 * A folio with references beyond the cache's and its mappings' (a GUP
 * pin, I/O in flight, a racing lookup) may still be written behind the
 * seal: page_count() - total_mapcount() != 1.
 */
static bool folio_has_extra_refs(struct folio *folio)
{
	return folio_ref_count(folio) - folio_mapcount(folio) != 1;
}

/*
 * Whether slot @index holds a folio with extra references, looked at
 * under the xarray lock, which keeps the folio in the cache meanwhile.
 */
static bool slot_pinned(struct inode *inode, unsigned long index)
{
	struct folio *folio;
	bool pinned;

	spin_lock(&inode->i_pages_lock);
	folio = READ_ONCE(inode->i_pages[index]);
	pinned = folio && folio_has_extra_refs(folio);
	spin_unlock(&inode->i_pages_lock);
	return pinned;
}

/*
 * memfd_tag_pins() + memfd_wait_for_pins(): mark the folios with extra
 * references, then look again up to LAST_SCAN times, letting others run
 * between looks (the kernel sleeps HZ << scan / 200 there); still held on
 * the last look is -EBUSY. Swap entries cannot be pinned: skipped.
 */
static int memfd_wait_for_pins(struct inode *inode)
{
	bool *pinned = pmm_alloc(inode->i_max_pages * sizeof(*pinned));
	unsigned long index, nr = 0;
	int scan;

	for (index = 0; index < inode->i_max_pages; index++) {
		pinned[index] = slot_pinned(inode, index);
		nr += pinned[index];
	}
	for (scan = 0; scan <= LAST_SCAN && nr; scan++) {
		sched_point_at(inode->i_shmem, PMM_ACC_READ, PMM_HERE);
		for (index = 0; index < inode->i_max_pages; index++) {
			if (!pinned[index] || slot_pinned(inode, index)) {
				if (pinned[index] && scan == LAST_SCAN)
					return -EBUSY;
				continue;
			}
			pinned[index] = false;
			nr--;
		}
	}
	return 0;
}

/*
 * memfd_add_seals(): seals are only added; F_SEAL_SEAL stops that. A new
 * F_SEAL_WRITE first denies writable mappings (-EBUSY while one exists),
 * then waits for pins and other extra references to go (-EBUSY if they
 * do not), undoing the denial on failure.
 */
int memfd_add_seals(struct inode *inode, unsigned int seals)
{
	struct shmem_inode_info *info = inode->i_shmem;
	int err = 0;

	if (!info)
		return -EINVAL;
	if (seals & F_SEAL_EXEC)
		return -EOPNOTSUPP;
	if (seals & ~F_MODEL_SEALS)
		return -EINVAL;
	down_write(&inode->i_rwsem);
	if (info->seals & F_SEAL_SEAL)
		err = -EPERM;
	if (!err && (seals & F_SEAL_WRITE) && !(info->seals & F_SEAL_WRITE)) {
		err = mapping_deny_writable(&inode->i_mapping);
		if (!err) {
			err = memfd_wait_for_pins(inode);
			if (err)
				mapping_allow_writable(&inode->i_mapping);
		}
	}
	if (!err)
		WRITE_ONCE(info->seals, info->seals | seals);
	up_write(&inode->i_rwsem);
	return err;
}

int memfd_get_seals(struct inode *inode)
{
	return inode->i_shmem ? (int)READ_ONCE(inode->i_shmem->seals) : -EINVAL;
}

/* check_write_seal() of memfd_check_seals_mmap(). */
int memfd_check_seals_mmap(struct inode *inode, bool shared, bool write,
			   bool *may_write)
{
	unsigned int seals = inode->i_shmem ? READ_ONCE(inode->i_shmem->seals) : 0;

	if (!shared || !(seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)))
		return 0;
	if (write)
		return -EPERM;
	*may_write = false;
	return 0;
}
