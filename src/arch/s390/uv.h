/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * s390 Protected Virtualization: the Ultravisor (UV) and the kernel's
 * side of it (arch/s390/kernel/uv.c, arch/s390/mm/fault.c,
 * arch/s390/include/asm/uv.h).
 *
 * A frame is secure for one triple: this frame is the backing store of
 * this guest's page at this guest address (Ulrich Weigand in seed 001).
 * The UV calls modelled:
 *   import   (UVC_CMD_CONV_TO_SEC_STOR) the frame becomes secure for the
 *            triple: a page never exported before is cleared; an exported
 *            one is integrity checked and decrypted: changed contents
 *            make the import fail (-EINVAL), and the page stays exported
 *   export   (UVC_CMD_CONV_FROM_SEC_STOR) the frame's contents are
 *            encrypted in place and a MAC kept by the UV, so the host may
 *            write it out and read it back; the frame is no longer secure
 *   pin shared (UVC_CMD_PIN_PAGE_SHARED) succeeds on a page the guest
 *            shared: it stays host-accessible
 *   destroy  (UVC_CMD_DESTR_SEC_STOR) the contents are cleared and the
 *            frame is no longer secure; nothing is kept
 *
 * Where the architecture says nothing public, what the model chooses:
 * - The cipher is a keystream of a keyed 64-bit mix (splitmix64) over
 *   (guest key, guest frame, export count, offset), and the MAC a keyed
 *   64-bit hash over the same and the ciphertext. Neither is
 *   cryptographic: they make an exported page unreadable to the data
 *   oracle and make an import of changed contents fail, which is all the
 *   protocol relies on. The export count makes an old export fail too
 *   (replay).
 * - The frame's secure state is the UV's, not the PTE's: a frame freed
 *   while secure is destroyed then (the kernel destroys secure pages as
 *   the guest's mappings are zapped: uv_destroy_pte()).
 * - Import of a page for which an import failed its integrity check
 *   fails again (the UV keeps the MAC until a good import or a destroy).
 * - An import of a frame secure for another triple fails (-EINVAL).
 * - The UV never answers busy or partial: make_folio_secure()'s -EAGAIN
 *   comes from PG_writeback only.
 *
 * Host access: a CPU access (user or kernel) to a secure frame raises
 * the secure-storage-access exception, which do_secure_storage_access()
 * resolves within the access (see uv_phys_access()); a device access
 * (DMA) is the io-on-secure violation the pending-I/O protocol exists to
 * prevent, and fails with -EIO.
 */
#ifndef PMM_ARCH_S390_UV_H
#define PMM_ARCH_S390_UV_H

#include <stdbool.h>
#include <stdint.h>

#include "mem/folio.h"
#include "mm/arch.h"

extern const struct arch_mm_ops s390_pv_arch_ops;

/* A guest as the UV knows it: its key and its pages' export records. */
struct uv_guest {
	uint64_t key;
	unsigned long nr_gfns;
	struct uv_gpage *pages;		/* indexed by guest frame number */
	bool destroyed;
};

/* The UV's record of one guest page. */
struct uv_gpage {
	uint64_t mac;			/* of the last export */
	uint32_t exports;		/* export count: the cipher's nonce */
	bool exported;			/* imported again only with the MAC */
	bool shared;			/* the guest shared it (virtio) */
	/*
	 * The guest's view, for the secure-integrity oracle: what its reads
	 * must return (zeros after a first import, then what it wrote);
	 * NULL when unknown (never imported, or destroyed).
	 */
	unsigned char *seen;
};

/* Sets up this execution's UV (s390-pv only); registers the watcher. */
int uv_init(void);
bool uv_active(void);

/* UV calls on frame @pfn; 0 or a negative errno. Each is one step. */
int uv_import(struct uv_guest *g, unsigned long gfn, unsigned long pfn);
int uv_convert_from_secure(unsigned long pfn);
int uv_pin_shared(unsigned long pfn);
int uv_destroy_page(unsigned long pfn);
/* UVC_CMD_SET_SHARED_ACCESS, by the guest on its secure page. */
int uv_share(struct uv_guest *g, unsigned long gfn, unsigned long pfn);

/* Whether @pfn is secure for (@g, @gfn) now; no yield. */
bool uv_secure_for(unsigned long pfn, const struct uv_guest *g, unsigned long gfn);
/* Whether @pfn is secure for anyone now; no yield. */
bool uv_frame_secure(unsigned long pfn);

/* The UV's statistics of this execution, for tests and benchmarks. */
struct uv_stats {
	unsigned long calls;	/* every UV call, successful or not */
	unsigned long imports, exports, pins, destroys, integrity_failures;
	unsigned long host_exceptions, make_secure_calls;
};
extern struct uv_stats uv_stats;

/*
 * make_folio_secure(): @folio locked, the caller's PTL held (no
 * reference of the caller's own). 0, -EAGAIN (writeback), -EBUSY
 * (references other than the expected ones), or the UV's error.
 */
int make_folio_secure(struct folio *folio, struct uv_guest *g, unsigned long gfn);
/* arch_make_folio_accessible() of uv.c: this machine's ops hook. */
int s390_make_folio_accessible(struct folio *folio);
/* expected_folio_refs() of uv.c. */
int expected_folio_refs(struct folio *folio);

#endif /* PMM_ARCH_S390_UV_H */
