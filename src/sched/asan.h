/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * AddressSanitizer must be told when the stack changes under it, and a
 * coroutine stack that is reused after its task was abandoned mid-frame
 * must have its redzones cleared. Without ASan these are empty.
 */
#ifndef PMM_SCHED_ASAN_H
#define PMM_SCHED_ASAN_H

#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__)
#define PMM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PMM_ASAN 1
#endif
#endif

#ifdef PMM_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>

/* Bounds of the stack sched_run() runs on, learnt at the first switch. */
static const void *asan_main_bottom;
static size_t asan_main_size;

static inline void asan_start_switch(void **fake, const void *bottom,
				     size_t size)
{
	if (!bottom) {
		bottom = asan_main_bottom;
		size = asan_main_size;
	}
	__sanitizer_start_switch_fiber(fake, bottom, size);
}

static inline void asan_finish_switch(void *fake)
{
	const void *bottom;
	size_t size;

	__sanitizer_finish_switch_fiber(fake, &bottom, &size);
	if (!asan_main_bottom) {
		asan_main_bottom = bottom;
		asan_main_size = size;
	}
}

static inline void asan_unpoison(void *p, size_t size)
{
	ASAN_UNPOISON_MEMORY_REGION(p, size);
}
#else
static inline void asan_start_switch(void **fake, const void *bottom,
				     size_t size)
{
	(void)bottom;
	(void)size;
	*fake = NULL;
}

static inline void asan_finish_switch(void *fake)
{
	(void)fake;
}

static inline void asan_unpoison(void *p, size_t size)
{
	(void)p;
	(void)size;
}
#endif

#endif /* PMM_SCHED_ASAN_H */
