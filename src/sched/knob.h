/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Defining a knob in model code:
 *
 *	DEFINE_KNOB(gup_fast_recheck, "gup.fast_recheck",
 *		    "GUP-fast re-reads the PTE after grabbing the folio",
 *		    "on", "off");
 *	...
 *	if (knob(&gup_fast_recheck) == 0)	// "on", the default
 *
 * The first value is the default and is today's kernel.
 */
#ifndef PMM_SCHED_KNOB_H
#define PMM_SCHED_KNOB_H

#include "protmm/knob.h"

struct knob {
	const char *name;
	const char *description;
	const char *const *values;
	int value;
	struct knob *next;
};

void knob_register(struct knob *k);

#define DEFINE_KNOB(var, kname, desc, ...)				\
	static const char *const var##_values[] = { __VA_ARGS__, NULL }; \
	static struct knob var = { kname, desc, var##_values, 0, NULL }; \
	__attribute__((constructor)) static void var##_register(void)	\
	{								\
		knob_register(&var);					\
	}

/* The index of the knob's current value. */
static inline int knob(const struct knob *k)
{
	return k->value;
}

#endif /* PMM_SCHED_KNOB_H */
