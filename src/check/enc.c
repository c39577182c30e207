// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdio.h>

#include "check/enc.h"
#include "mem/phys.h"
#include "mm/arch.h"
#include "protmm/sched.h"

static const char *key_name(unsigned int key)
{
	static const char *const names[] = { "no key (C-bit clear)", "the host key",
					     "the guest key" };

	return key < sizeof(names) / sizeof(names[0]) ? names[key] : "a guest key";
}

static void describe(const struct phys_access *a, char *buf, size_t len)
{
	uint64_t pa = ((uint64_t)a->pfn << PAGE_SHIFT) + a->offset;

	if (a->who == ACCESS_DMA && a->bus_addr)
		snprintf(buf, len, "DMA read of %u bytes at DMA address %#llx",
			 a->len, (unsigned long long)(pa | (a->attrs & arch_ops->sme_me_mask)));
	else if (a->who == ACCESS_DMA)
		snprintf(buf, len, "DMA read of %u bytes", a->len);
	else if (a->via_pte)
		snprintf(buf, len, "%s read of %u bytes at %#lx (PTE C-bit %s)",
			 a->who == ACCESS_USER ? "user" : "kernel", a->len,
			 a->vaddr, a->attrs & arch_ops->sme_me_mask ? "set" : "clear");
	else
		snprintf(buf, len, "%s read of %u bytes through the direct map",
			 a->who == ACCESS_GUEST ? "guest" : "kernel", a->len);
}

static int enc_check_access(struct phys_access *a)
{
	unsigned int l, key, wkey;
	char what[160];

	if (!phys_access_key || a->write || !a->len)
		return 0;
	key = (unsigned int)phys_access_key(a);
	for (l = a->offset / FRAME_LINE; l <= (a->offset + a->len - 1) / FRAME_LINE; l++) {
		if (!frame_line_valid(a->pfn, l))
			continue;
		wkey = frame_line_key(a->pfn, l);
		if (wkey == key)
			continue;
		describe(a, what, sizeof(what));
		pmm_violation("enc-mismatch", "%s reads frame %#lx line %u through %s; "
			      "its bytes were written through %s", what, a->pfn, l,
			      key_name(key), key_name(wkey));
		return 0;
	}
	return 0;
}

static const struct phys_watch enc_watch = {
	.access = enc_check_access,
};

int enc_check_init(void)
{
	phys_watch(&enc_watch);
	return 0;
}
