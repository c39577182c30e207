/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * protmm/knob.h - protocol variants. Every design the seed threads (or
 * the kernel's history) argue about is a knob with named values, so one
 * scenario runs the broken and the fixed design side by side. A knob's
 * default is what today's kernel does. Knobs keep their value across
 * executions: set them before exploring.
 */
#ifndef PROTMM_KNOB_H
#define PROTMM_KNOB_H

#include "protmm/common.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pmm_knob_info {
	const char *name;		/* "gup.fast_recheck" */
	const char *description;
	const char *const *values;	/* NULL-terminated; values[0] is default */
	const char *value;		/* current */
};

/* -ENOENT: no such knob; -EINVAL: no such value for it. */
PMM_API int pmm_knob_set(const char *name, const char *value);
/* Every knob back to its default. */
PMM_API void pmm_knob_reset(void);
/* The @i-th knob, in name order; -ENOENT past the last. */
PMM_API int pmm_knob_get(unsigned int i, struct pmm_knob_info *info);

#ifdef __cplusplus
}
#endif

#endif /* PROTMM_KNOB_H */
