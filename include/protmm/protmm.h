/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * protmm - an executable model of how the Linux memory manager handles
 * protected pages, and a systematic concurrency explorer over it.
 *
 * One header per module:
 *   protmm/sched.h    programs, tasks, per-execution memory, violations
 *   protmm/explore.h  exploring, replaying and stress-running a program
 *   protmm/machine.h  the modelled machine: processes, files, operations
 *   protmm/knob.h     protocol variants, by name
 */
#ifndef PROTMM_PROTMM_H
#define PROTMM_PROTMM_H

#include "protmm/explore.h"
#include "protmm/hugetlb.h"
#include "protmm/knob.h"
#include "protmm/machine.h"
#include "protmm/sched.h"
#include "protmm/shmem.h"
#include "protmm/ttm.h"

#define PROTMM_VERSION "0.1.0"

#endif /* PROTMM_PROTMM_H */
