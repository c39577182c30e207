/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rwlock_t: a spinning reader-writer lock (include/linux/rwlock.h, the
 * queued rwlock of kernel/locking/qrwlock.c), as kvm->mmu_lock is on
 * arm64 and x86 (KVM_HAVE_MMU_RWLOCK). Readers share it, a writer has it
 * alone; a holder of either side may not sleep.
 *
 * Every acquisition is one yield point of kind PMM_ACC_ACQUIRE on the
 * lock, a read acquisition included: read_lock() adds to the reader count
 * (an atomic RMW on the lock word in the kernel too), so DPOR orders two
 * readers' acquisitions like any two writes and explores both orders.
 *
 * Simplification: no queue. The kernel's qrwlock makes a reader arriving
 * while a writer waits queue behind it (except in interrupt context);
 * here a reader takes the lock whenever no writer holds it. Every order
 * of grants this allows the kernel allows too, when the reader arrives
 * first, so no outcome is added; what is lost is the deadlock a read
 * recursion with a writer waiting in between would be in the kernel.
 *
 * Context table: every function, any context (task, setup, finish).
 */
#ifndef PMM_SCHED_RWLOCK_H
#define PMM_SCHED_RWLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/sched.h"

/* The lock word: the reader count, or RWLOCK_WRITER. */
#define RWLOCK_WRITER	(1u << 31)

typedef struct {
	uint32_t cnts;
	/* The write holder's task id, -1 when none (debug checks). */
	int owner;
} rwlock_t;

#define __RW_LOCK_UNLOCKED { 0, -1 }

void rwlock_init(rwlock_t *l);
void read_lock_at(rwlock_t *l, const struct pmm_loc *loc);
bool read_trylock_at(rwlock_t *l, const struct pmm_loc *loc);
void read_unlock_at(rwlock_t *l, const struct pmm_loc *loc);
void write_lock_at(rwlock_t *l, const struct pmm_loc *loc);
bool write_trylock_at(rwlock_t *l, const struct pmm_loc *loc);
void write_unlock_at(rwlock_t *l, const struct pmm_loc *loc);
/* rwlock_is_contended() is not modelled; these are peeks with a yield. */
bool rwlock_is_locked(rwlock_t *l);
bool rwlock_is_write_locked(rwlock_t *l);

#define read_lock(l)		read_lock_at((l), PMM_HERE)
#define read_trylock(l)		read_trylock_at((l), PMM_HERE)
#define read_unlock(l)		read_unlock_at((l), PMM_HERE)
#define write_lock(l)		write_lock_at((l), PMM_HERE)
#define write_trylock(l)	write_trylock_at((l), PMM_HERE)
#define write_unlock(l)		write_unlock_at((l), PMM_HERE)

/*
 * lockdep_assert_held_write()/_read() as model checks: a "bug-on"
 * violation (false returned) when the caller does not hold @l so. A
 * reader is not identified: held for read means some reader holds it.
 */
bool rwlock_assert_held_write(rwlock_t *l, const struct pmm_loc *loc);
bool rwlock_assert_held(rwlock_t *l, const struct pmm_loc *loc);

#endif /* PMM_SCHED_RWLOCK_H */
