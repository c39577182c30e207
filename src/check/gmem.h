/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The "host-access-private" oracle: the host -- a CPU running user code,
 * the kernel, or a device -- reads or writes a guest_memfd page while it
 * is private, that is while guest_memfd says the index is private and
 * the folio has been handed to the guest (uptodate: zeroed and prepared
 * by kvm_gmem_get_pfn() or a fault). guest_memfd guarantees that the
 * host never maps a private page (its fault is SIGBUS) and that nothing
 * else reaches one; on confidential hardware such an access is fatal
 * (the fatal-host-access oracle, kvm's), on a sw-protected VM nothing
 * stops it, so this oracle is what reports it there. The zeroing of a
 * folio on its first use happens before it is uptodate and is not an
 * access to a private page. Guest accesses are the guest's own.
 */
#ifndef PMM_CHECK_GMEM_H
#define PMM_CHECK_GMEM_H

/* Registers the watcher (once per process; per execution a no-op). */
int gmem_check_init(void);

#endif /* PMM_CHECK_GMEM_H */
