/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The classic optimal-DPOR benchmarks (Abdulla et al., JACM 2017; the
 * Nidhugg and GenMC test suites) as protmm programs, and their optimal
 * trace counts:
 *
 *   lastzero(N)    a reader scans array[N..0] for the last zero while N
 *                  writers each set array[j] = array[j-1] + 1
 *   readers(N)     one writer, N readers of the same variable: 2^N
 *   indexer(N)     N tasks insert 4 keys each into a 128-slot hash table
 *                  with cmpxchg and linear probing: 1 up to N = 11
 *   filesystem(N)  N tasks allocate a block for their inode under inode
 *                  and block locks (Flanagan and Godefroid, POPL 2005):
 *                  1 up to N = 13, then doubling
 */
#ifndef PMM_TESTS_EXPLORE_DPOR_PROGS_H
#define PMM_TESTS_EXPLORE_DPOR_PROGS_H

#include <stdint.h>

#include "protmm/explore.h"

enum dpor_bench { BENCH_LASTZERO, BENCH_READERS, BENCH_INDEXER, BENCH_FILESYSTEM };

/* The program for @which with @n tasks (besides lastzero's reader). */
void dpor_bench_prog(struct pmm_program *prog, enum dpor_bench which,
		     unsigned int n);
const char *dpor_bench_name(enum dpor_bench which);
/* The optimal number of traces, or 0 where it is not known here. */
uint64_t dpor_bench_optimal(enum dpor_bench which, unsigned int n);

/*
 * @readers readers and one writer (task @readers) of one shared lock, each
 * taking and dropping it once: an rwsem, an rwlock, or RCU readers and a
 * synchronize_rcu(). A reader does not wait for another reader, nor
 * synchronize_rcu() for a reader that began after it; the writer of an
 * rwsem or rwlock can block (test_dpor.c, test_dpor_shard.c).
 */
enum dpor_shared { SHARED_RWSEM, SHARED_RWLOCK, SHARED_RCU };
void dpor_shared_prog(struct pmm_program *prog, enum dpor_shared kind,
		      unsigned int readers);

#endif
