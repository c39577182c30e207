/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * protmm/common.h - what every public header needs. The shared library
 * exports only what is marked PMM_API; everything else is internal.
 */
#ifndef PROTMM_COMMON_H
#define PROTMM_COMMON_H

#define PMM_API __attribute__((visibility("default")))

#endif /* PROTMM_COMMON_H */
