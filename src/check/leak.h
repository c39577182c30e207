/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The leak oracle ("leak"): once the machine is torn down, every RAM
 * frame is back in the buddy allocator except the ones the machine keeps
 * for itself (the zero page). A frame still held means a reference, pin
 * or mapping was never released.
 */
#ifndef PMM_CHECK_LEAK_H
#define PMM_CHECK_LEAK_H

/* Reports a leak unless exactly @reserved frames are still allocated. */
void check_leaks(unsigned long reserved_pfn);

#endif /* PMM_CHECK_LEAK_H */
