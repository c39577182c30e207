/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The operations fuzz_ops.c decodes an input into, and its entry point. */
#ifndef PMM_FUZZ_OPS_H
#define PMM_FUZZ_OPS_H

#include <stddef.h>
#include <stdint.h>

/* An op's code is its first byte's low 6 bits, modulo OPS_NR. */
enum fuzz_op {
	OPS_MMAP, OPS_MUNMAP, OPS_MPROTECT, OPS_STORE, OPS_LOAD,
	OPS_STORE_TAGS, OPS_LOAD_TAGS, OPS_RECLAIM, OPS_FORK, OPS_EXIT,
	OPS_PIN, OPS_UNPIN, OPS_DMA, OPS_PAGE_STATE,
	OPS_FILE_READ, OPS_FILE_WRITE, OPS_FILE_READ_DIRECT, OPS_FILE_WRITE_DIRECT,
	OPS_FSYNC, OPS_TRUNCATE, OPS_PUNCH, OPS_SPLICE_TO_PIPE,
	OPS_SPLICE_FROM_PIPE, OPS_PIPE_READ,
	OPS_GUEST_STORE, OPS_GUEST_LOAD, OPS_GUEST_STORE_TAGS, OPS_GUEST_LOAD_TAGS,
	OPS_COPY_TAGS,
	OPS_NR
};

/*
 * Runs the program @data decodes to on machine @arch, once. Returns 0, or
 * non-zero for what no legal program may cause (bug-on, deadlock, the
 * explorer refusing), said on stderr. @oracle (may be NULL) gets the
 * oracle that fired, "" for none.
 */
int fuzz_ops_one(const char *arch, const uint8_t *data, size_t size, char *oracle,
		 size_t cap);

#endif /* PMM_FUZZ_OPS_H */
