// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The Ultravisor, the secure-storage-access exception and the kernel's
 * page protocol around them (arch/s390/kernel/uv.c, arch/s390/mm/fault.c).
 * What the architecture leaves open, and what is chosen: uv.h.
 */
#include <errno.h>
#include <string.h>

#include "arch/s390/uv.h"
#include "check/owners.h"
#include "mem/phys.h"
#include "sched/sched.h"

enum uv_state { UV_NONE, UV_SECURE, UV_SHARED, UV_SHARED_PINNED };

/* The UV's view of a frame: whose page it last backed, and how. */
struct uv_frame {
	struct uv_guest *g;
	unsigned long gfn;
	enum uv_state state;
};

static struct uv_frame *frames;
/* Set while the UV itself moves a frame's bytes: no exception then. */
static bool uv_self;
struct uv_stats uv_stats;

bool uv_active(void)
{
	return arch_ops == &s390_pv_arch_ops;
}

bool uv_secure_for(unsigned long pfn, const struct uv_guest *g, unsigned long gfn)
{
	const struct uv_frame *f = &frames[pfn];

	return f->state == UV_SECURE && f->g == g && f->gfn == gfn;
}

bool uv_frame_secure(unsigned long pfn)
{
	return uv_active() && frames[pfn].state == UV_SECURE;
}

/* splitmix64's finaliser: the one mixing function of cipher and MAC. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t nonce(const struct uv_guest *g, unsigned long gfn, uint32_t n)
{
	return mix(g->key ^ mix(gfn) ^ ((uint64_t)n << 32));
}

/* The cipher: XOR with a keystream; its own inverse. */
static void crypt_page(unsigned char *buf, uint64_t iv)
{
	unsigned int i;

	for (i = 0; i < PAGE_SIZE; i += 8) {
		uint64_t w, k = mix(iv ^ i);

		memcpy(&w, buf + i, 8);
		w ^= k;
		memcpy(buf + i, &w, 8);
	}
}

static uint64_t page_mac(const unsigned char *buf, uint64_t iv)
{
	uint64_t h = mix(iv ^ 0x6d6163ULL);
	unsigned int i;

	for (i = 0; i < PAGE_SIZE; i += 8) {
		uint64_t w;

		memcpy(&w, buf + i, 8);
		h = mix(h ^ w ^ i);
	}
	return h;
}

/*
 * The UV rewrites the frame's bytes: through the physical access path, so
 * that the data oracle learns the frame's locations now hold them.
 */
static void uv_write_frame(unsigned long pfn, unsigned char *buf)
{
	struct phys_access a = { .who = ACCESS_KERNEL, .cpu = -1, .write = true,
				 .pfn = pfn, .len = PAGE_SIZE, .buf = buf,
				 .by_frame = true };

	uv_self = true;
	__phys_access(&a, PMM_HERE);
	uv_self = false;
}

/*
 * The UV clears the frame: a word (frame_clear()), and the data oracle
 * told that the frame's locations read as zeros now.
 */
static void uv_clear_frame(unsigned long pfn)
{
	struct lkey keys[FRAME_MAX_OWNERS];
	unsigned int i, n;

	frame_clear(pfn);
	if (!sched_exploring())
		return;
	n = frame_owners(pfn, false, keys);
	for (i = 0; i < n; i++)
		phys_logical_zero(keys[i].obj, keys[i].off, PAGE_SIZE);
}

static struct uv_gpage *gpage(struct uv_guest *g, unsigned long gfn)
{
	return gfn < g->nr_gfns ? &g->pages[gfn] : NULL;
}

/*
 * A destroyed page is gone: its next import is a first one, and what the
 * guest reads there is zeros, not what it wrote (the host may always
 * take memory away from a guest; it cannot show it other contents).
 */
static void forget_gpage(struct uv_gpage *gp)
{
	gp->exported = false;
	gp->seen = NULL;
}

/*
 * UVC_CMD_CONV_TO_SEC_STOR: a page never exported (or destroyed) is
 * cleared; an exported one must carry the MAC of its last export, else
 * the import fails and the guest would have read what the host left.
 */
int uv_import(struct uv_guest *g, unsigned long gfn, unsigned long pfn)
{
	struct uv_frame *f = &frames[pfn];
	struct uv_gpage *gp = gpage(g, gfn);
	unsigned char buf[PAGE_SIZE];

	uv_stats.calls++;
	sched_point(frame_obj(pfn), PMM_ACC_WRITE);
	if (!gp || g->destroyed)
		return -EINVAL;
	if (f->state == UV_SECURE)
		return f->g == g && f->gfn == gfn ? 0 : -EINVAL;
	uv_stats.imports++;
	if (gp->exported) {
		uint64_t iv = nonce(g, gfn, gp->exports);

		frame_peek(pfn, 0, buf, PAGE_SIZE);
		/*
		 * The architecture's guarantee at work, not a violation: the
		 * host (a VMM writing guest memory, say) changed the page, and
		 * the guest does not get it. It stays exported.
		 */
		if (page_mac(buf, iv) != gp->mac) {
			uv_stats.integrity_failures++;
			return -EINVAL;
		}
		crypt_page(buf, iv);
		gp->exported = false;
		uv_write_frame(pfn, buf);
	} else {
		uv_clear_frame(pfn);
		gp->seen = pmm_alloc(PAGE_SIZE);	/* zeros: what the guest reads */
	}
	*f = (struct uv_frame){ g, gfn, UV_SECURE };
	return 0;
}

/* UVC_CMD_CONV_FROM_SEC_STOR: encrypt in place; a no-op when not secure. */
int uv_convert_from_secure(unsigned long pfn)
{
	struct uv_frame *f = &frames[pfn];
	struct uv_gpage *gp;
	unsigned char buf[PAGE_SIZE];
	uint64_t iv;

	uv_stats.calls++;
	sched_point(frame_obj(pfn), PMM_ACC_WRITE);
	if (f->state != UV_SECURE)
		return 0;
	gp = gpage(f->g, f->gfn);
	uv_stats.exports++;
	gp->exports++;
	iv = nonce(f->g, f->gfn, gp->exports);
	frame_peek(pfn, 0, buf, PAGE_SIZE);
	crypt_page(buf, iv);
	gp->mac = page_mac(buf, iv);
	gp->exported = true;
	f->state = UV_NONE;
	uv_write_frame(pfn, buf);
	return 0;
}

/* UVC_CMD_PIN_PAGE_SHARED: only a page its guest shared. */
int uv_pin_shared(unsigned long pfn)
{
	struct uv_frame *f = &frames[pfn];

	uv_stats.calls++;
	sched_point(frame_obj(pfn), PMM_ACC_WRITE);
	if (f->state != UV_SHARED && f->state != UV_SHARED_PINNED)
		return -EINVAL;
	uv_stats.pins++;
	f->state = UV_SHARED_PINNED;
	return 0;
}

/* UVC_CMD_DESTR_SEC_STOR: the contents are gone; a no-op when not secure. */
int uv_destroy_page(unsigned long pfn)
{
	struct uv_frame *f = &frames[pfn];
	unsigned char buf[PAGE_SIZE];

	uv_stats.calls++;
	sched_point(frame_obj(pfn), PMM_ACC_WRITE);
	if (f->state != UV_SECURE)
		return 0;
	uv_stats.destroys++;
	forget_gpage(gpage(f->g, f->gfn));
	f->state = UV_NONE;
	memset(buf, 0, sizeof(buf));
	uv_write_frame(pfn, buf);
	return 0;
}

/* UVC_CMD_SET_SHARED_ACCESS by the guest: its secure page turns shared. */
int uv_share(struct uv_guest *g, unsigned long gfn, unsigned long pfn)
{
	struct uv_frame *f = &frames[pfn];

	uv_stats.calls++;
	sched_point(frame_obj(pfn), PMM_ACC_WRITE);
	if (f->state != UV_SECURE || f->g != g || f->gfn != gfn)
		return -EINVAL;
	f->state = UV_SHARED;
	gpage(g, gfn)->shared = true;
	return 0;
}

/* expected_folio_refs(): a secure folio is never large. */
int expected_folio_refs(struct folio *folio)
{
	int res = folio_mapcount(folio);

	if (folio_test_swapcache(folio)) {
		res++;
	} else if (!folio_test_anon(folio) && folio->mapping) {
		res++;
		if (test_bit(PG_private, &folio->flags))
			res++;
	}
	return res;
}

/*
 * make_folio_secure(): the folio lock keeps PG_writeback from being set,
 * the frozen count keeps new references out, for the whole UV call.
 */
int make_folio_secure(struct folio *folio, struct uv_guest *g, unsigned long gfn)
{
	int expected, rc;

	uv_stats.make_secure_calls++;
	if (folio_test_writeback(folio))
		return -EAGAIN;
	expected = expected_folio_refs(folio);
	if (!folio_ref_freeze(folio, expected))
		return -EBUSY;
	set_bit(PG_arch_1, &folio->flags);
	rc = uv_import(g, gfn, folio_pfn(folio));
	folio_ref_unfreeze(folio, expected);
	return rc;
}

/*
 * arch_make_folio_accessible(): the caller holds a reference or the folio
 * lock, so make_folio_secure() cannot run meanwhile; two of these at once
 * are fine (the second UV call is a no-op).
 */
int s390_make_folio_accessible(struct folio *folio)
{
	unsigned long pfn = folio_pfn(folio);

	if (folio_test_large(folio))
		return 0;
	if (!test_bit(PG_arch_1, &folio->flags))
		return 0;
	if (!uv_pin_shared(pfn) || !uv_convert_from_secure(pfn)) {
		clear_bit(PG_arch_1, &folio->flags);
		return 0;
	}
	return -EINVAL;
}

/* The folio's references came back from make_folio_secure()'s freeze. */
static bool folio_unfrozen(const struct task *t, const void *arg)
{
	const struct folio *folio = arg;

	(void)t;
	return folio->_refcount.counter != 0;
}

/*
 * do_secure_storage_access(): the host touched a secure frame. The kernel
 * finds the folio (folio_walk_start() under the PTL for a user address,
 * phys_to_folio() for its own mapping), holds a reference across
 * arch_make_folio_accessible() (folio_get(), or folio_try_get() for a
 * kernel address, which fails on a folio make_folio_secure() has frozen:
 * the exception is then taken again until the unfreeze), drops it, and
 * the access is retried. The reference is what makes a concurrent import
 * fail its freeze (-EBUSY) between the export and the clearing of
 * PG_arch_1. Simplified: the handler runs inside the access's step; it
 * takes no PTL, so a user address may also meet the freeze, and waits it
 * out as a kernel address does. The non-sleeping user-address case
 * (faulthandler_disabled(): handle_fault_error_nolock(), the copy
 * fails and its caller takes the sleeping path) is not modelled: the
 * model has no pagefault_disable()d user copies.
 */
static int do_secure_storage_access(struct phys_access *a)
{
	struct folio *folio = pfn_folio(a->pfn);
	int rc;

	uv_stats.host_exceptions++;
	while (!folio_try_get(folio)) {
		spin_until(&folio->_refcount, folio_unfrozen, folio);
		if (frames[a->pfn].state != UV_SECURE)
			return 0;
	}
	rc = s390_make_folio_accessible(folio);
	if (!rc && frames[a->pfn].state == UV_SECURE)
		rc = -EFAULT;	/* without PG_arch_1: the exception again, forever */
	folio_put(folio);
	if (rc)
		pmm_violation("bug-on", "secure storage access to frame %#lx not "
			      "resolved (%d)", a->pfn, rc);
	return rc;
}

static int uv_phys_access(struct phys_access *a)
{
	/* Registered once for the process: other machines pass through. */
	if (!uv_active() || uv_self || frames[a->pfn].state != UV_SECURE)
		return 0;
	switch (a->who) {
	case ACCESS_GUEST:
		/* The vCPU checked the triple in this step (virt/pv.c). */
		return 0;
	case ACCESS_DMA:
		pmm_violation("io-on-secure", "a device %s secure frame %#lx "
			      "(guest frame %#lx)", a->write ? "writes" : "reads",
			      a->pfn, frames[a->pfn].gfn);
		return -EIO;
	default:
		return do_secure_storage_access(a);
	}
}

/* A frame freed while secure was destroyed as its mapping went. */
static void uv_freed(struct folio *folio)
{
	unsigned long pfn = folio_pfn(folio), n = 1, i;

	if (!uv_active())
		return;
	if (folio_test_large(folio))
		n = 1UL << folio->_folio_order;
	for (i = 0; i < n; i++) {
		struct uv_frame *f = &frames[pfn + i];

		if (f->state == UV_SECURE)
			forget_gpage(gpage(f->g, f->gfn));
		*f = (struct uv_frame){ NULL, 0, UV_NONE };
	}
}

static const struct phys_watch uv_watch = {
	.access = uv_phys_access,
	.freed = uv_freed,
};

int uv_init(void)
{
	memset(&uv_stats, 0, sizeof(uv_stats));
	frames = pmm_alloc((phys->ram_pages + phys->dev_pages) * sizeof(*frames));
	if (!frames)
		return -ENOMEM;
	phys_watch(&uv_watch);
	return 0;
}
