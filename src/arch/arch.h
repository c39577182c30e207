/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The machines: one ops table each, chosen by name. */
#ifndef PMM_ARCH_ARCH_H
#define PMM_ARCH_ARCH_H

#include "mm/arch.h"

extern const struct arch_mm_ops generic_arch_ops;

/* The machine called @name, or NULL when protmm does not model it. */
const struct arch_mm_ops *arch_find(const char *name);
/* The @i-th machine's name, or NULL past the last: for listings. */
const char *arch_machine_name(unsigned int i);

#endif /* PMM_ARCH_ARCH_H */
