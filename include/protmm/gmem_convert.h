/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * protmm/gmem_convert.h - in-place conversion of guest_memfd pages between
 * shared and private (KVM_SET_MEMORY_ATTRIBUTES2 on the guest_memfd, as
 * the in-place conversion series has it).
 *
 * A page converted to private is unmapped from every host page table and
 * faults SIGBUS from then on; converted back to shared, the host may map
 * it again and finds the bytes the guest left (the contents are kept).
 * Whether a conversion to private may go on while something holds the
 * pages is the knob gmem.convert (protmm knobs).
 *
 * Context table:
 *   pmm_gmem_convert       setup() or a task (may sleep)
 */
#ifndef PROTMM_GMEM_CONVERT_H
#define PROTMM_GMEM_CONVERT_H

#include <stdbool.h>

#include "protmm/common.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pmm_file;

/*
 * Converts [@off, @off + @len) of guest_memfd @f to private (@to_private)
 * or shared; pages not yet allocated only change state. 0; -EAGAIN when
 * some page is held outside guest_memfd, with its byte offset in
 * *@error_off; -EINVAL (with *@error_off: gmem.huge = whole and the
 * range cuts a huge folio there) for a range not page aligned, empty or past the
 * end, or a file that is not a guest_memfd; -EBADF once it is closed.
 */
PMM_API int pmm_gmem_convert(struct pmm_file *f, unsigned long off,
			     unsigned long len, bool to_private,
			     unsigned long *error_off);

#ifdef __cplusplus
}
#endif

#endif /* PROTMM_GMEM_CONVERT_H */
