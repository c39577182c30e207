/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * protmm - an executable model of how the Linux memory manager handles
 * protected pages, and a systematic concurrency explorer over it.
 *
 * One header per module:
 *   protmm/sched.h    programs, tasks, per-execution memory, violations,
 *                     yield points
 *   protmm/atomic.h   atomics, READ_ONCE/WRITE_ONCE, acquire/release
 *   protmm/lock.h     spinlocks, mutexes, rwsems
 *   protmm/wait.h     wait queues, completions
 *   protmm/rcu.h      the RCU read side, synchronize_rcu
 *   protmm/explore.h  exploring, replaying and stress-running a program
 *   protmm/observer.h watching the executions and steps explored
 *   protmm/machine.h  the modelled machine: processes, files, operations
 *   protmm/knob.h     protocol variants, by name
 *   protmm/x86.h      x86 memory encryption and the DMA API
 *   protmm/ttm.h      a GPU with VRAM, TTM buffer objects, a vvar-like mapping
 */
#ifndef PROTMM_PROTMM_H
#define PROTMM_PROTMM_H

#include "protmm/atomic.h"
#include "protmm/explore.h"
#include "protmm/hugetlb.h"
#include "protmm/knob.h"
#include "protmm/lock.h"
#include "protmm/machine.h"
#include "protmm/observer.h"
#include "protmm/rcu.h"
#include "protmm/sched.h"
#include "protmm/shmem.h"
#include "protmm/ttm.h"
#include "protmm/wait.h"
#include "protmm/x86.h"

#define PROTMM_VERSION "0.1.0"

#endif /* PROTMM_PROTMM_H */
